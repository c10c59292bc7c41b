package answer

// The words the reader knows, by kind and language: answer words, negators,
// the modals and auxiliaries that may stand between a negator and the word
// it negates, hedges, corrections, and the fillers that may surround a bare
// answer. Burmese lists Unicode and, for the answer words, the Zawgyi byte
// spellings of the same words.

// words lists each kind's answer words as lang:answer:spellings. Longer
// spellings win at a position, so "ไม่เห็นด้วย" is never also read as
// "เห็นด้วย", nor "不同意" as "同意". Negative forms of English words are not
// listed: negation by scope reads them ("do not approve" is a negated
// "approve").
var words = map[Kind][]wordGroup{
	KindVote: {
		{"en", Yes, 0, []string{"yes", "approve", "approved", "approves", "i approve", "we approve", "in favour", "in favor", "agree", "agreed", "agrees", "i agree", "we agree", "accept", "accepted", "we accept", "endorse", "endorsed", "we endorse",
			"support", "supports", "we support", "i support", "vote for", "voting for", "we vote for"}},
		{"en", Yes, flagAlone, []string{"for"}},
		{"en", No, flagAlone, []string{"against"}},
		{"en", No, 0, []string{"disapprove", "disapproved", "disagree", "disagreed", "reject", "rejected", "we reject", "oppose", "opposed", "we oppose", "object", "we object", "objection", "objections", "vote against", "voted against", "voting against", "we are against", "i am against", "against it", "against this", "against the proposal", "against the motion"}},
		{"en", No, flagLoose, []string{"no"}},
		{"en", Abstain, 0, []string{"abstain", "abstains", "abstained", "abstaining", "abstention", "i abstain", "we abstain"}},
		{"th", Yes, 0, []string{"เห็นด้วย", "เห็นชอบ", "อนุมัติ"}},
		{"th", Yes, flagAlone, []string{"ใช่"}},
		{"th", No, flagNeg, []string{"ไม่เห็นด้วย", "ไม่เห็นชอบ", "ไม่อนุมัติ"}},
		{"th", No, 0, []string{"คัดค้าน", "ขัดข้อง"}},
		{"th", No, flagAlone, []string{"ไม่"}},
		{"th", Abstain, 0, []string{"งดออกเสียง", "งดเว้น", "ไม่ออกเสียง"}},
		{"vi", Yes, 0, []string{"đồng ý", "tán thành", "nhất trí", "dong y", "tan thanh", "nhat tri"}},
		{"vi", Yes, flagAlone, []string{"có"}},
		{"vi", No, flagNeg, []string{"không đồng ý", "không tán thành", "không nhất trí", "khong dong y", "khong tan thanh"}},
		{"vi", No, 0, []string{"phản đối", "phan doi", "bác bỏ"}},
		{"vi", No, flagLoose, []string{"không"}},
		{"vi", Abstain, 0, []string{"phiếu trắng", "bỏ phiếu trắng", "phieu trang", "bo phieu trang", "không ý kiến", "không có ý kiến", "khong y kien"}},
		{"zh", Yes, 0, []string{"同意", "赞成", "贊成", "赞同", "贊同", "支持", "认可", "認可", "批准"}},
		{"zh", Yes, flagAlone, []string{"是", "是的"}},
		{"zh", No, flagNeg, []string{"不同意", "不赞成", "不贊成"}},
		{"zh", No, 0, []string{"反对", "反對", "异议", "異議"}},
		{"zh", No, flagAlone, []string{"否", "不"}},
		{"zh", Abstain, 0, []string{"弃权", "棄權", "棄权"}},
		{"km", Yes, 0, []string{"យល់ព្រម", "គាំទ្រ", "ឯកភាព"}},
		{"km", No, flagNeg, []string{"មិនយល់ព្រម", "មិនគាំទ្រ", "មិនឯកភាព"}},
		{"km", No, 0, []string{"ជំទាស់", "ប្រឆាំង", "បដិសេធ"}},
		{"km", No, flagAlone, []string{"ទេ"}},
		{"km", Abstain, 0, []string{"អនុប្បវាទ", "អនុបវាទ", "មិនបញ្ចេញមតិ"}},
		{"lo", Yes, 0, []string{"ເຫັນດີ", "ເຫັນພ້ອມ"}},
		{"lo", Yes, flagAlone, []string{"ແມ່ນ", "ແມ່ນແລ້ວ"}},
		{"lo", No, flagNeg, []string{"ບໍ່ເຫັນດີ", "ບໍ່ເຫັນພ້ອມ"}},
		{"lo", No, 0, []string{"ຄັດຄ້ານ"}},
		{"lo", No, flagAlone, []string{"ບໍ່"}},
		{"lo", Abstain, 0, []string{"ງົດອອກສຽງ"}},
		{"my", Yes, 0, []string{
			"\u1011\u1031\u102c\u1000\u103a\u1001\u1036", // ထောက်ခံ
			"\u101e\u1018\u1031\u102c\u1010\u1030",       // သဘောတူ
			"\u1031\u1011\u102c\u1000\u1039\u1001\u1036", // Zawgyi ထောက်ခံ
			"\u101e\u1031\u1018\u102c\u1010\u1030",       // Zawgyi သဘောတူ
		}},
		{"my", Yes, flagAlone, []string{"\u101f\u102f\u1010\u103a\u1000\u1032\u1037"}}, // ဟုတ်ကဲ့
		{"my", No, flagNeg, []string{
			"\u1019\u1011\u1031\u102c\u1000\u103a\u1001\u1036", // မထောက်ခံ
			"\u101e\u1018\u1031\u102c\u1019\u1010\u1030",       // သဘောမတူ
			"\u1019\u1031\u1011\u102c\u1000\u1039\u1001\u1036", // Zawgyi မထောက်ခံ
			"\u101e\u1031\u1018\u102c\u1019\u1010\u1030",       // Zawgyi သဘောမတူ
		}},
		{"my", No, 0, []string{
			"\u1000\u1014\u1037\u103a\u1000\u103d\u1000\u103a", // ကန့်ကွက်
			"\u1000\u1014\u1039\u1094\u1000\u103c\u1000\u1039", // Zawgyi ကန့်ကွက်
			"\u1000\u1014\u1037\u1039\u1000\u103c\u1000\u1039", // Zawgyi variant
			"\u1000\u1014\u1039\u1037\u1000\u103c\u1000\u1039", // Zawgyi variant
		}},
		{"my", Abstain, 0, []string{
			"\u1000\u103c\u102c\u1038\u1014\u1031", // ကြားနေ
			"\u107e\u1000\u102c\u1038\u1031\u1014", // Zawgyi ကြားနေ
			"\u103b\u1000\u102c\u1038\u1031\u1014", // Zawgyi variant
		}},
	},
	KindOpinion: {
		{"en", Support, 0, []string{"support", "supports", "supported", "we support", "i support", "in favour", "in favor", "endorse", "endorsed", "we endorse"}},
		{"en", Object, 0, []string{"object", "objects", "objected", "objection", "objections", "i object", "we object", "oppose", "opposed", "we oppose", "we are against", "i am against"}},
		{"en", Comment, 0, []string{"comment", "comments", "no opinion"}},
		{"th", Support, 0, []string{"สนับสนุน", "เห็นด้วย", "เห็นชอบ"}},
		{"th", Object, flagNeg, []string{"ไม่สนับสนุน", "ไม่เห็นด้วย"}},
		{"th", Object, 0, []string{"คัดค้าน", "ขัดข้อง"}},
		{"th", Comment, 0, []string{"ความเห็น", "ความคิดเห็น", "ข้อคิดเห็น"}},
		{"vi", Support, 0, []string{"ủng hộ", "đồng ý", "tán thành", "ung ho"}},
		{"vi", Object, flagNeg, []string{"không ủng hộ", "không đồng ý", "khong ung ho", "khong dong y"}},
		{"vi", Object, 0, []string{"phản đối", "phan doi", "ý kiến phản đối"}},
		{"vi", Comment, 0, []string{"nhận xét", "góp ý", "ý kiến", "nhan xet", "gop y", "y kien"}},
		{"zh", Support, 0, []string{"支持", "同意", "赞成", "贊成"}},
		{"zh", Object, flagNeg, []string{"不支持", "不同意"}},
		{"zh", Object, 0, []string{"反对", "反對", "异议", "異議"}},
		{"zh", Comment, 0, []string{"评论", "評論", "意见", "意見"}},
		{"km", Support, 0, []string{"គាំទ្រ", "យល់ព្រម", "ឯកភាព"}},
		{"km", Object, flagNeg, []string{"មិនគាំទ្រ", "មិនយល់ព្រម", "មិនឯកភាព"}},
		{"km", Object, 0, []string{"ជំទាស់", "ប្រឆាំង"}},
		{"km", Comment, 0, []string{"មតិយោបល់", "យោបល់"}},
		{"lo", Support, 0, []string{"ສະໜັບສະໜູນ", "ສະຫນັບສະຫນູນ", "ເຫັນດີ"}},
		{"lo", Object, flagNeg, []string{"ບໍ່ສະໜັບສະໜູນ", "ບໍ່ສະຫນັບສະຫນູນ", "ບໍ່ເຫັນດີ"}},
		{"lo", Object, 0, []string{"ຄັດຄ້ານ"}},
		{"lo", Comment, 0, []string{"ຄຳເຫັນ", "ຄໍາເຫັນ"}},
		{"my", Support, 0, []string{"\u1011\u1031\u102c\u1000\u103a\u1001\u1036", "\u1031\u1011\u102c\u1000\u1039\u1001\u1036"}},
		{"my", Object, flagNeg, []string{"\u1019\u1011\u1031\u102c\u1000\u103a\u1001\u1036", "\u1019\u1031\u1011\u102c\u1000\u1039\u1001\u1036"}},
		{"my", Object, 0, []string{
			"\u1000\u1014\u1037\u103a\u1000\u103d\u1000\u103a",
			"\u1000\u1014\u1039\u1094\u1000\u103c\u1000\u1039", "\u1000\u1014\u1037\u1039\u1000\u103c\u1000\u1039",
		}},
		{"my", Comment, 0, []string{"\u1019\u103e\u1010\u103a\u1001\u103b\u1000\u103a", "\u1019\u103d\u1010\u1039\u1001\u103a\u1000\u1039"}}, // မှတ်ချက်
	},
	KindReconfirm: {
		{"en", Reconfirm, 0, []string{"reconfirm", "reconfirmed", "reconfirms", "we reconfirm", "re-confirm", "re-confirmed", "confirm", "confirmed", "we confirm"}},
		{"en", No, 0, []string{"withdraw", "we withdraw", "withdrawing"}},
		{"th", Reconfirm, 0, []string{"ยืนยันสมาชิกภาพ", "ยืนยัน", "ยืนยันอีกครั้ง"}},
		{"th", No, flagNeg, []string{"ไม่ยืนยัน"}},
		{"th", No, 0, []string{"ถอนตัว"}},
		{"vi", Reconfirm, 0, []string{"xác nhận lại", "tái xác nhận", "xác nhận", "xac nhan"}},
		{"vi", No, flagNeg, []string{"không xác nhận", "khong xac nhan"}},
		{"vi", No, 0, []string{"rút lui"}},
		{"zh", Reconfirm, 0, []string{"再次确认", "再次確認", "确认", "確認"}},
		{"zh", No, flagNeg, []string{"不确认", "不確認"}},
		{"zh", No, 0, []string{"退出"}},
		{"km", Reconfirm, 0, []string{"បញ្ជាក់ឡើងវិញ", "បញ្ជាក់"}},
		{"km", No, flagNeg, []string{"មិនបញ្ជាក់"}},
		{"lo", Reconfirm, 0, []string{"ຢືນຢັນ", "ຢືນຢັນຄືນ"}},
		{"lo", No, flagNeg, []string{"ບໍ່ຢືນຢັນ"}},
		{"my", Reconfirm, 0, []string{
			"\u1015\u103c\u1014\u103a\u101c\u100a\u103a\u1021\u1010\u100a\u103a\u1015\u103c\u102f", // ပြန်လည်အတည်ပြု
			"\u1021\u1010\u100a\u103a\u1015\u103c\u102f",                                           // အတည်ပြု
			"\u1021\u1010\u100a\u1039\u103b\u1015\u1033",                                           // Zawgyi အတည်ပြု
		}},
		{"my", No, flagNeg, []string{
			"\u1019\u1021\u1010\u100a\u103a\u1015\u103c\u102f", // မအတည်ပြု
			"\u1021\u1010\u100a\u103a\u1019\u1015\u103c\u102f", // အတည်မပြု
		}},
	},
	KindAttend: {
		{"en", Attend, 0, []string{"attend", "attending", "will attend", "i will attend", "we will attend", "attendance confirmed"}},
		{"th", Attend, 0, []string{"เข้าร่วม"}},
		{"th", No, flagNeg, []string{"ไม่เข้าร่วม", "ไม่สามารถเข้าร่วม"}},
		{"vi", Attend, 0, []string{"tham dự", "tham gia", "tham du"}},
		{"vi", No, flagNeg, []string{"không tham dự", "không tham gia", "khong tham du", "khong tham gia"}},
		{"zh", Attend, 0, []string{"出席", "参加", "參加"}},
		{"zh", No, flagNeg, []string{"不出席", "不参加", "不參加", "无法出席", "無法出席"}},
		{"km", Attend, 0, []string{"ចូលរួម"}},
		{"km", No, flagNeg, []string{"មិនចូលរួម"}},
		{"lo", Attend, 0, []string{"ເຂົ້າຮ່ວມ"}},
		{"lo", No, flagNeg, []string{"ບໍ່ເຂົ້າຮ່ວມ"}},
		{"my", Attend, 0, []string{"\u1010\u1000\u103a\u101b\u1031\u102c\u1000\u103a", "\u1010\u1000\u1039\u1031\u101b\u102c\u1000\u1039"}}, // တက်ရောက်
		{"my", No, flagNeg, []string{"\u1019\u1010\u1000\u103a\u101b\u1031\u102c\u1000\u103a", "\u1019\u1010\u1000\u1039\u1031\u101b\u102c\u1000\u1039"}},
	},
}

// negators negate the answer word that follows them, directly or across
// the modals and auxiliaries in windowWords. English tokens ending in "n't"
// are negators too.
var negators = []string{
	// en
	"not", "never", "cannot", "no", "neither", "nor", "unable", "no longer", "nothing", "without",
	// th
	"ไม่", "มิ", "ไม่ได้", "ยังไม่", "ไม่อาจ", "ไม่สามารถ", "ไม่ขอ", "ไม่มี", "ไม่ค่อย", "ไม่เคย", "ไม่ต้องการ",
	// vi
	"không", "chưa", "chẳng", "chả", "không thể", "chưa thể", "không có", "khong", "chua", "khong the", "không hề",
	// zh
	"不", "没", "沒", "没有", "沒有", "无", "無", "未", "别", "無法", "无法", "不能", "不会", "不會", "不可", "不予", "并不", "並不", "绝不", "決不", "决不", "毫无", "毫無",
	// km
	"មិន", "ពុំ", "គ្មាន", "ឥត", "មិនទាន់", "មិនអាច", "កុំ", "មិនមាន",
	// lo
	"ບໍ່", "ບໍ່ສາມາດ", "ບໍ່ມີ", "ຍັງບໍ່", "ບໍ່ໄດ້",
	// my: the prefix မ (U+1019) is handled apart
}

// windowWords may stand between a negator and the answer word it negates:
// modals, auxiliaries, and a few adverbs and nouns ("no objection", "ไม่มีข้อคัดค้าน").
var windowWords = []string{
	// en
	"can", "could", "will", "would", "shall", "should", "may", "might", "must", "do", "does", "did", "be", "is", "are", "am", "was", "were",
	"been", "being", "have", "has", "had", "to", "able", "yet", "fully", "really", "currently", "presently", "entirely", "completely", "quite",
	"necessarily", "possibly", "ever", "vote", "voting", "in", "any", "an", "a", "the", "we", "i", "think", "believe", "feel", "see", "want", "wish",
	"going", "so", "at", "this", "time", "point", "stage", "moment", "longer", "such", "major", "further", "formal", "strong", "real",
	"our", "my", "also", "therefore", "still", "raise", "raised", "make", "give", "express", "expressing",
	// th
	"อาจ", "สามารถ", "จะ", "ได้", "ขอ", "ค่อย", "ยัง", "เคย", "มี", "ข้อ", "ความ", "ที่จะ", "ต้อง", "ต้องการ", "คิดว่า", "คิด", "ว่า", "เลย", "การ", "ลง", "ลงคะแนน", "เสียง", "ใด", "ใดๆ", "อะไร", "เรื่อง",
	// vi
	"thể", "có", "được", "sẽ", "muốn", "hề", "còn", "the", "duoc", "se", "nghĩ", "là", "bỏ phiếu", "ai", "gì", "nào", "sự", "lời", "ý kiến", "điều",
	// zh
	"能", "会", "會", "可以", "可", "予", "太", "再", "打算", "想", "愿意", "願意", "应该", "應該", "得", "投", "票", "投票", "表示", "任何", "什么", "甚麼", "的", "有",
	// km
	"អាច", "បាន", "នឹង", "ទាន់", "ចង់", "ត្រូវ", "ការ", "មាន", "សូវ", "ដែល", "បោះឆ្នោត", "អ្វី",
	// lo
	"ສາມາດ", "ອາດ", "ຈະ", "ໄດ້", "ຂໍ", "ມີ", "ການ", "ຂໍ້", "ຢາກ", "ຕ້ອງ", "ຄວາມ", "ລົງຄະແນນ", "ໃດ",
}

// postNegators follow the answer word they negate ("เห็นด้วยไม่ได้", Burmese
// "ထောက်ခံမည်မဟုတ်"), across postWindow words; they count when nothing but
// particles follows them.
var postNegators = []string{
	"ไม่ได้", "ไม่ไหว", "ບໍ່ໄດ້", "មិនបាន", "មិនកើត", "不了", "不来", "不來",
	"\u1019\u101f\u102f\u1010\u103a", // မဟုတ်
	"\u1019\u101b",                   // မရ
	"\u1019\u1015\u103c\u102f",       // မပြု
	"\u1019\u101b\u103e\u102d",       // မရှိ
	"\u1019\u101c\u102f\u1015\u103a", // မလုပ်
	"\u1019\u101f\u102f\u1010\u1039", // Zawgyi မဟုတ္
}

var postWindow = []string{
	"\u1014\u102d\u102f\u1004\u103a", // နိုင်
	"\u1019\u100a\u103a",             // မည်
	"\u1019\u103e\u102c",             // မှာ
	"\u104d",                         // ၍
	"\u101c\u102d\u102f\u1037",       // လို့
	"\u1005\u101b\u102c",             // စရာ
	"\u1016\u102d\u102f\u1037",       // ဖို့
	"\u101b\u1014\u103a",             // ရန်
	"\u1015\u1031\u1038",             // ပေး
	"\u1001\u103c\u1004\u103a\u1038", // ခြင်း
	"\u1001\u103b\u1000\u103a",       // ချက်
	"ด้วย", "ได้", "กับ", "ນຳ",
}

// particles may close a sentence after an answer or a post-negator.
var particles = []string{
	"ครับ", "ค่ะ", "คะ", "ค่า", "คับ", "นะ", "นะคะ", "นะครับ", "จ้ะ", "จ้า", "เลย", "แล้ว", "จ๊ะ",
	"ເດີ", "ແລ້ວ", "ເຈົ້າ", "ໂດຍ", "ນຳ",
	"ទេ", "បាទ", "ចាស", "ណា", "ហើយ",
	"了", "的", "啊", "吧", "呀",
	"ạ", "nhé", "nha", "ha",
	"\u1015\u102b",                   // ပါ
	"\u1018\u1030\u1038",             // ဘူး
	"\u101e\u100a\u103a",             // သည်
	"\u1010\u101a\u103a",             // တယ်
	"\u104b",                         // ။
	"\u1001\u1004\u103a\u1017\u103b", // ခင်ဗျ
	"\u101b\u103e\u1004\u103a",       // ရှင်
}

// fillers may surround a bare answer: "I vote YES", "ขอลงคะแนนเห็นด้วยค่ะ",
// "Chúng tôi đồng ý ạ", "我们同意". A line that holds only an answer word and
// fillers is a bare answer.
var fillers = []string{
	// en
	"i", "we", "vote", "votes", "voted", "voting", "our", "my", "answer", "is", "choice", "reply", "response", "opinion", "please", "record",
	"it's", "it", "a", "the", "firmly", "definitely", "strongly", "fully", "hereby", "do", "will", "would", "like", "to", "want", "option", "thank",
	"you", "thanks", "ok", "okay", "dear", "all", "secretariat", "for", "on", "behalf", "of", "organisation", "organization", "this", "that",
	"application", "ballot", "proposal", "motion", "plan", "applicant", "with", "and", "also", "am", "are", "as", "final", "count", "us", "me",
	"yes,", "sir", "madam", "team", "govbot", "bot", "mmn", "here", "so",
	// th
	"ครับ", "ค่ะ", "คะ", "ค่า", "คับ", "นะ", "จ้ะ", "จ้า", "ขอ", "ลงคะแนน", "ลงคะแนนเสียง", "โหวต", "เรา", "พวกเรา", "ข้าพเจ้า", "ผม", "ฉัน", "ดิฉัน",
	"ขอบคุณ", "องค์กร", "ของเรา", "ให้", "กับ", "ข้อเสนอ", "นี้", "ใบสมัคร", "ด้วย", "มูลนิธิ", "ทาง", "แล้ว", "เลย", "ขอตอบ", "ตอบ", "ว่า",
	// vi
	"chúng tôi", "chúng em", "tôi", "em", "xin", "bỏ phiếu", "biểu quyết", "ạ", "nhé", "cảm ơn", "xin cảm ơn", "của", "là", "tổ chức",
	"với", "đề xuất", "này", "đơn", "phiếu", "ý kiến của", "chúng tôi xin", "chung toi", "toi", "xin chào", "dạ", "vâng",
	// zh
	"我们", "我們", "我", "我方", "本机构", "本機構", "我机构", "投", "票", "一票", "表示", "谢谢", "謝謝", "的", "是", "。", "，", "对", "對",
	"该", "該", "申请", "申請", "提议", "提議", "此", "这", "這", "意", "本", "机构", "機構", "好", "了",
	// km
	"យើង", "យើងខ្ញុំ", "ខ្ញុំ", "បាទ", "ចាស", "សូម", "បោះឆ្នោត", "អរគុណ", "អង្គការ", "យើងខ្ញុំសូម", "នេះ", "ចំពោះ", "សំណើ", "ពាក្យស្នើសុំ", "ទេ", "ហើយ",
	// lo
	"ພວກເຮົາ", "ຂ້ອຍ", "ຂ້າພະເຈົ້າ", "ຂໍ", "ລົງຄະແນນ", "ເຈົ້າ", "ຂອບໃຈ", "ໂຫວດ", "ອົງການ", "ນີ້", "ກັບ", "ຂໍ້ສະເໜີ", "ເດີ", "ແລ້ວ",
	// my
	"\u1000\u103b\u103d\u1014\u103a\u102f\u1015\u103a\u1010\u102d\u102f\u1037", // ကျွန်ုပ်တို့
	"\u1000\u103b\u103d\u1014\u103a\u1010\u1031\u102c\u103a",                   // ကျွန်တော်
	"\u1000\u103b\u103d\u1014\u103a\u1019",                                     // ကျွန်မ
	"\u1015\u102b\u101e\u100a\u103a",                                           // ပါသည်
	"\u1015\u102b\u1010\u101a\u103a",                                           // ပါတယ်
	"\u1015\u102b",                                                             // ပါ
	"\u101e\u100a\u103a",                                                       // သည်
	"\u1019\u1032",                                                             // မဲ
	"\u1019\u1032\u1015\u1031\u1038",                                           // မဲပေး
	"\u1000\u103b\u1031\u1038\u1007\u1030\u1038\u1010\u1004\u103a\u1015\u102b\u1010\u101a\u103a", // ကျေးဇူးတင်ပါတယ်
	"\u1001\u1004\u103a\u1017\u103b\u102c",                                                       // ခင်ဗျာ
	"\u101b\u103e\u1004\u103a",                                                                   // ရှင်
	"\u104b", "\u104a",                                                                           // ။ ၊
	"\u1010\u101a\u103a", // တယ်
}

// hedges make an answer word in their sentence uncertain: conditions,
// doubts, "maybe".
var hedges = []string{
	// en
	"if", "unless", "maybe", "perhaps", "probably", "possibly", "not sure", "unsure", "undecided", "not decided", "yet to decide", "provided",
	"subject to", "conditional", "conditionally", "depending", "depends", "might", "may", "could", "would like to discuss",
	"except", "apart from", "excluding", "ยกเว้น", "ngoại trừ", "trừ", "除了", "លើកលែង", "ຍົກເວັ້ນ", "\u1019\u103e\u1021\u1015", // မှအပ
	// th
	"ถ้า", "หาก", "อาจจะ", "คงจะ", "น่าจะ", "ไม่แน่ใจ", "ยังไม่ได้ตัดสินใจ", "เงื่อนไข", "เว้นแต่", "ขอพิจารณา",
	// vi
	"nếu", "có lẽ", "có thể", "chưa chắc", "không chắc", "với điều kiện", "trừ khi", "phân vân", "chưa quyết định", "neu",
	// zh
	"如果", "假如", "若", "要是", "除非", "可能", "也许", "也許", "或许", "或許", "不确定", "不確定", "待定", "前提", "条件", "條件", "视情况", "視情況", "再说",
	// km
	"ប្រសិនបើ", "ប្រហែល", "ប្រហែលជា", "មិនប្រាកដ", "លុះត្រាតែ", "អាស្រ័យ",
	// lo
	"ຖ້າ", "ຫາກ", "ອາດຈະ", "ບໍ່ແນ່ໃຈ", "ຂຶ້ນກັບ",
	// my
	"\u101c\u103b\u103e\u1004\u103a",                         // လျှင်
	"\u1006\u102d\u102f\u101b\u1004\u103a",                   // ဆိုရင်
	"\u1016\u103c\u1005\u103a\u1014\u102d\u102f\u1004\u103a", // ဖြစ်နိုင်
	"\u1019\u101e\u1031\u1001\u103b\u102c",                   // မသေချာ
}

// questionWords make a sentence a question even without "?".
var questionWords = []string{"ไหม", "มั้ย", "หรือเปล่า", "หรือไม่", "吗", "嗎", "是否", "还是", "還是", "ឬទេ", "ឬអត់", "ບໍ", "ຫຼືບໍ່", "\u101c\u102c\u1038", "\u101e\u101c\u102c\u1038", "hay không", "phải không", "or not"}

// corrections mark a later sentence as changing the answer given above it.
var corrections = []string{
	"sorry", "i meant", "i mean", "meant", "correction", "correct that", "change my", "change our", "changed", "instead", "actually", "rather",
	"mistake", "typo", "oops", "please read", "final", "real answer", "should read", "not yes", "not no",
	"ขอโทษ", "ขอแก้", "แก้ไข", "พิมพ์ผิด", "เปลี่ยน", "หมายถึง",
	"xin lỗi", "nhầm", "sửa", "đổi", "ý tôi là",
	"抱歉", "对不起", "對不起", "更正", "改为", "改為", "改成", "打错", "打錯", "写错", "寫錯", "说错", "說錯", "应为", "應為", "我是说",
	"សូមទោស", "កែ", "ខុស", "ប្តូរ", "ប្ដូរ",
	"ຂໍໂທດ", "ແກ້", "ປ່ຽນ", "ຜິດ",
	"\u1010\u1031\u102c\u1004\u103a\u1038\u1015\u1014\u103a", // တောင်းပန်
	"\u1015\u103c\u1004\u103a",                               // ပြင်
	"\u1019\u103e\u102c\u1038",                               // မှား
	"\u1015\u103c\u1031\u102c\u1004\u103a\u1038",             // ပြောင်း
}

// nominalBefore and nominalAfter mark an answer word used as a noun or of a
// third party, not as the member's own answer: "their support", "การสนับสนุน",
// "sự ủng hộ", "的支持", "ការគាំទ្រ", "ການສະໜັບສະໜູນ", Burmese "-မှု". English
// determiners and third persons before the word, the others' nominalisers
// directly before (or, for Burmese, after) it.
var nominalBefore = []string{
	"their", "its", "his", "her", "the", "of", "for", "with", "they", "he", "she", "it", "who", "which", "that", "those", "these", "financial",
	"legal", "technical", "public", "community", "mutual", "no",
	"การ", "ความ", "ได้รับการ", "sự", "được", "的", "得到", "獲得", "获得", "ការ", "ການ",
}

var nominalAfter = []string{
	"\u1019\u103e\u102f",                   // မှု
	"\u100a\u102e\u1001\u103b\u1000\u103a", // ညီချက် (သဘောတူညီချက် "an agreement")
	"\u1001\u103b\u1000\u103a",             // ချက်
	"者", "ers", "er",
}

// deferrals say the member has not answered yet ("we will vote next week",
// "received, will reply"): anywhere in the reply, they make every answer
// word unsure.
var deferrals = []string{
	"will vote", "'ll vote", "vote later", "get back to you", "will get back", "next week", "still discussing", "not decided",
	"haven't decided", "have not decided", "need more time", "will reply", "reply later", "will confirm", "let you know", "will revert",
	"จะแจ้ง", "ภายหลัง", "ขอเวลา", "จะตอบกลับ", "ยังไม่ได้ตัดสินใจ",
	"sẽ trả lời", "sẽ báo lại", "sẽ phản hồi", "chưa quyết định", "cần thêm thời gian",
	"稍后", "再答复", "再回复", "還在討論", "还在讨论", "尚未决定", "尚未決定", "需要时间",
	"នឹងឆ្លើយ", "ពេលក្រោយ", "ຈະແຈ້ງ", "ພາຍຫຼັງ",
	"\u1014\u1031\u102c\u1000\u103a\u1019\u103e", // နောက်မှ
}

// acknowledgements say a mail was received, not what the member answers:
// "Yes, received" is not a YES.
var acknowledgements = []string{
	"received", "noted", "got it", "well received", "thanks for the", "thank you for the", "ได้รับแล้ว", "รับทราบ", "đã nhận", "đã nhận được",
	"收到", "已收到", "បានទទួល", "ໄດ້ຮັບແລ້ວ", "\u101b\u101b\u103e\u102d\u1015\u102b\u101e\u100a\u103a", // ရရှိပါသည်
}
