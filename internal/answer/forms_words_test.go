package answer

import "testing"

// TestNegationCoversAttendAndReconfirm (issue [after 3 of 7] item 4): the
// negation rules of [3 of 7] read ATTEND and RECONFIRM as they read votes and
// opinions: "cannot attend", in the GC notice's own words, is never counted
// as attending (and so toward the General Conference's quorum), nor "cannot
// re-confirm" as re-confirming.
func TestNegationCoversAttendAndReconfirm(t *testing.T) {
	for _, c := range []parseCase{
		{"We cannot attend.", No},
		{"Our organisation will not attend.", No},
		{"เราไม่สามารถเข้าร่วมได้ค่ะ", No},
		{"องค์กรของเราไม่เข้าร่วม", No},
		{"យើងខ្ញុំមិនអាចចូលរួមបានទេ", No},
		{"អង្គការរបស់យើងខ្ញុំមិនចូលរួមទេ", No},
		{"ພວກເຮົາບໍ່ສາມາດເຂົ້າຮ່ວມໄດ້", No},
		{"ອົງການຂອງພວກເຮົາບໍ່ເຂົ້າຮ່ວມ", No},
		{"Tổ chức chúng tôi không thể tham dự.", No},
		{"Chúng tôi không tham dự được ạ", No},
		{"我们无法出席。", No},
		{"我机构不能参加大会", No},
		{"很抱歉，我们不出席", No},
		{"မတက်ရောက်နိုင်ပါ", No},
	} {
		if got := Parse(c.reply, KindAttend); got.Answer == Attend || got.Answer != c.want && got.Answer != None {
			t.Errorf("Parse(%q, attend) = %q (%s), want %q or no answer", c.reply, got.Answer, got.Rule, c.want)
		}
	}
	for _, c := range []parseCase{
		{"We cannot reconfirm this year.", No},
		{"เราไม่สามารถยืนยันสมาชิกภาพได้", No},
		{"យើងខ្ញុំមិនអាចបញ្ជាក់ឡើងវិញបានទេ", No},
		{"ພວກເຮົາບໍ່ສາມາດຢືນຢັນຄືນໄດ້", No},
		{"Chúng tôi không thể xác nhận lại.", No},
		{"我们无法再次确认", No},
		{"ပြန်လည်အတည်မပြုနိုင်ပါ", No},
	} {
		if got := Parse(c.reply, KindReconfirm); got.Answer == Reconfirm || got.Answer != c.want && got.Answer != None {
			t.Errorf("Parse(%q, reconfirm) = %q (%s), want %q or no answer", c.reply, got.Answer, got.Rule, c.want)
		}
	}
}

// TestNoObjectionIsNeverObject (item 4): "no objection" in the forms' own
// words is SUPPORT, or at worst asked again; never OBJECT.
func TestNoObjectionIsNeverObject(t *testing.T) {
	for _, c := range []parseCase{
		{"没有异议", Support},
		{"我们无异议。", Support},
		{"我机构不反对这份申请", Support},
		{"我们没有反对意见", None},
		{"ไม่คัดค้านค่ะ", Support},
		{"ไม่มีข้อคัดค้าน", Support},
		{"องค์กรของเราไม่คัดค้านใบสมัครนี้", Support},
		{"ไม่มีความเห็นคัดค้าน", None},
		{"Không phản đối.", Support},
		{"Chúng tôi không có ý kiến phản đối.", Support},
		{"Tổ chức chúng tôi không phản đối đơn này", Support},
	} {
		got := Parse(c.reply, KindOpinion)
		if got.Answer == Object || c.want != None && got.Answer != c.want {
			t.Errorf("Parse(%q, opinion) = %q (%s), want %q", c.reply, got.Answer, got.Rule, c.want)
		}
	}
}

// TestWordsTheFormsSuggest: the local words the forms print, and the common
// words members use for them, read as their answer: Khmer ឯកភាព ("agree")
// and ប្រឆាំង ("oppose"), មិនបញ្ចេញមតិ and Vietnamese "không ý kiến" for
// ABSTAIN, the COMMENT and RECONFIRM words of [after 3 of 7].
func TestWordsTheFormsSuggest(t *testing.T) {
	checkParse(t, KindVote, []parseCase{
		{"ឯកភាព", Yes},
		{"យើងខ្ញុំឯកភាព", Yes},
		{"មិនឯកភាព", No},
		{"ប្រឆាំង", No},
		{"មិនបញ្ចេញមតិ", Abstain},
		{"không ý kiến", Abstain},
		{"Chúng tôi không có ý kiến ạ", Abstain},
	})
	checkParse(t, KindOpinion, []parseCase{
		{"ឯកភាព", Support},
		{"ข้อคิดเห็น", Comment},
		{"NHẬN XÉT", Comment},
		{"评论", Comment},
	})
	checkParse(t, KindReconfirm, []parseCase{
		{"ยืนยันสมาชิกภาพ", Reconfirm},
		{"ຢືນຢັນຄືນ", Reconfirm},
		{"ပြန်လည်အတည်ပြု", Reconfirm},
	})
}
