package answer

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type parseCase struct {
	reply string
	want  Answer // None: the reader must ask again (or find nothing)
}

func checkParse(t *testing.T, kind Kind, cases []parseCase) {
	t.Helper()
	for _, c := range cases {
		r := Parse(c.reply, kind)
		if r.Answer != c.want {
			t.Errorf("Parse(%q) = %q (ambiguous %v, %s), want %q", c.reply, r.Answer, r.Ambiguous, r.Rule, c.want)
		}
	}
}

// TestNegationByScope: a negator followed by modals and auxiliaries negates
// the answer word, in the seven languages; a negated YES is NO.
func TestNegationByScope(t *testing.T) {
	checkParse(t, KindVote, []parseCase{
		{"We do not approve the revised budget.", No},
		{"We cannot agree.", No},
		{"We can't agree to this.", No},
		{"Our organisation will not be able to approve this plan.", No},
		{"I don't think we can approve it.", No},
		{"We are not in favour.", No},
		{"Not approved.", No},
		{"Chúng tôi không thể đồng ý.", No},
		{"Chúng tôi chưa thể tán thành kế hoạch này.", No},
		{"khong the dong y", No},
		{"我们无法同意。", No},
		{"我们不能同意这个计划", No},
		{"我方不会赞成。", No},
		{"យើងខ្ញុំមិនអាចយល់ព្រមបានទេ", No},
		{"យើង\u200bខ្ញុំ\u200bមិន\u200bអាច\u200bយល់\u200bព្រម", No},
		{"เราไม่สามารถเห็นด้วยได้ครับ", No},
		{"ไม่อาจเห็นชอบ", No},
		{"เห็นด้วยไม่ได้", No},
		{"ພວກເຮົາບໍ່ສາມາດເຫັນດີ", No},
		{"ເຫັນດີບໍ່ໄດ້", No},
		{"သဘောမတူနိုင်ပါ", No},
		{"ထောက်ခံ၍ မရပါ", No},
		{"ကျွန်ုပ်တို့ ထောက်ခံမည် မဟုတ်ပါ။", No},
		{"မထောက်ခံနိုင်ပါ", No},
	})
	checkParse(t, KindOpinion, []parseCase{
		{"We cannot support this application.", Object},
		{"Chúng tôi không thể ủng hộ đơn này.", Object},
		{"我们无法支持这份申请。", Object},
		{"យើងខ្ញុំមិនអាចគាំទ្របានទេ", Object},
		{"เราไม่สามารถสนับสนุนได้", Object},
		{"ບໍ່ສາມາດສະໜັບສະໜູນ", Object},
		{"ထောက်ခံ၍ မရပါ", Object},
	})
}

// TestNoObjectionReadsAsSupport: for opinions, a negated objection is
// SUPPORT (documented in the package comment).
func TestNoObjectionReadsAsSupport(t *testing.T) {
	checkParse(t, KindOpinion, []parseCase{
		{"No objection.", Support},
		{"We do not object.", Support},
		{"We have no objections.", Support},
		{"We don't oppose their application.", Support},
		{"ไม่มีข้อคัดค้านค่ะ", Support},
		{"ไม่ขัดข้อง", Support},
		{"Không phản đối.", Support},
		{"Chúng tôi không có ý kiến phản đối.", Support},
		{"没有异议", Support},
		{"无异议", Support},
		{"我们不反对。", Support},
		{"គ្មានការជំទាស់ទេ", Support},
		{"ບໍ່ມີຂໍ້ຄັດຄ້ານ", Support},
		{"ကန့်ကွက်စရာ မရှိပါ", Support},
		{"မကန့်ကွက်ပါ", Support},
		{"No comment.", None},
		{"Không có ý kiến.", None},
	})
}

// TestNegatedNoIsNotYes: in a vote, "we do not disagree" may mean YES or
// ABSTAIN; the reader asks, unless a sure answer agrees.
func TestNegatedNoIsNotYes(t *testing.T) {
	checkParse(t, KindVote, []parseCase{
		{"We do not disagree.", None},
		{"We have no objection.", None},
		{"我们不反对。", None},
		{"Chúng tôi không phản đối.", None},
		{"เห็นด้วย ไม่ได้คัดค้าน", Yes},
		{"We won't abstain; we vote yes.", Yes},
		{"We are not sure we can approve.", None},
		{"ไม่ใช่ว่าไม่เห็นด้วย แต่ขอเวลาก่อน", None},
	})
}

// TestMixedAnswersAsk: two answers, "NO to …" included, are ambiguous.
func TestMixedAnswersAsk(t *testing.T) {
	for _, s := range []string{
		"YES to the first part, NO to the second",
		"Yes\nNo",
		"YES. Sorry, I meant NO.",
		"第一部分同意，第二部分反对。",
		"Đồng ý phần 1, nhưng phản đối phần 2.",
		"เห็นด้วยกับข้อ 1 แต่ไม่เห็นด้วยกับข้อ 2",
		"yes or no?",
	} {
		if r := Parse(s, KindVote); r.Answer != None || !r.Ambiguous || r.Doubt == DoubtNone {
			t.Errorf("Parse(%q) = %q ambiguous %v doubt %q, want ambiguous", s, r.Answer, r.Ambiguous, r.Doubt)
		}
	}
	if r := Parse("We support part of it but we object to the fees.", KindOpinion); r.Answer != None || !r.Ambiguous {
		t.Errorf("mixed opinion: got %q", r.Answer)
	}
}

// TestClosingBlockNeverAnswers: signatures, taglines, addresses and
// disclaimers neither give an answer nor make one ambiguous.
func TestClosingBlockNeverAnswers(t *testing.T) {
	closings := []string{
		"Somchai Rak\nMigrant Workers Foundation\nNo. 12 Main Road, Mae Sot",
		"Somchai Rak\nMigrant Workers Foundation\nSay YES to decent work!",
		"Nguyen Thi Lan\nMigrant Support Network Vietnam",
		"Best regards,\nAye Aye\nAgainst all forms of trafficking",
		"王芳\n\n本邮件含有保密信息，仅供指定收件人使用。未经发件人同意，禁止转发。如果您不是指定收件人，请立即删除。",
		"ដារ៉ា\n\nអ៊ីមែលនេះជាព័ត៌មានសម្ងាត់ សម្រាប់តែអ្នកទទួលប៉ុណ្ណោះ។ ការប្រើប្រាស់ដោយគ្មានការយល់ព្រមត្រូវបានហាមឃាត់។",
		"Lê Văn Hùng\n\nThông tin trong email này là thông tin mật, chỉ dành cho người nhận. Không sử dụng khi chưa có sự đồng ý của người gửi.",
		"สมชาย\nเลขที่ 12 ถนนอินทรคีรี อำเภอแม่สอด\n\"เราเห็นด้วยกับสิทธิของแรงงานทุกคน\"",
		"CONFIDENTIALITY NOTICE: This e-mail is confidential and intended solely for the addressee. We do not agree to any other use.",
		"Sent from my iPhone",
	}
	for _, c := range closings {
		for _, top := range []struct {
			reply string
			want  Answer
		}{{"YES", Yes}, {"NO", No}, {"Abstain", Abstain}, {"不同意", No}, {"Đồng ý", Yes}} {
			r := Parse(top.reply+"\n\n"+c, KindVote)
			if r.Answer != top.want {
				t.Errorf("%q + closing %q: got %q (%s), want %q", top.reply, c, r.Answer, r.Rule, top.want)
			}
		}
		if r := Parse(c, KindVote); r.Answer != None || r.Ambiguous {
			t.Errorf("closing alone %q: got %q ambiguous %v (%s), want no answer", c, r.Answer, r.Ambiguous, r.Rule)
		}
	}
	r := Parse("Somchai\nNo. 12 Main Road\nSay YES to decent work!", KindVote)
	if r.Answer != None || r.Ambiguous {
		t.Errorf("signature only: %q ambiguous %v", r.Answer, r.Ambiguous)
	}
	if r := Parse("OBJECT - they are not based in the region.\n\nSokha\nCommunity Support Network Cambodia", KindOpinion); r.Answer != Object {
		t.Errorf("an organisation named Support: got %q", r.Answer)
	}
}

// TestObjectionReasonsMaySaySupport: reasons below an objection use
// "support" in its ordinary sense.
func TestObjectionReasonsMaySaySupport(t *testing.T) {
	checkParse(t, KindOpinion, []parseCase{
		{"OBJECT\nThey say they support migrant workers, but their support goes to agencies.", Object},
		{"We object: their support for migrants is only on paper.", Object},
		{"反对\n理由：他们声称支持工人，但他们的支持给了中介。", Object},
		{"คัดค้าน\nองค์กรนี้อ้างว่าสนับสนุนแรงงาน แต่การสนับสนุนนั้นไปที่บริษัทจัดหางาน", Object},
		{"Phản đối.\nHọ nói rằng họ ủng hộ người lao động, nhưng sự ủng hộ đó chỉ trên giấy.", Object},
		{"OBJECT\nSorry, I meant SUPPORT.", None},
		{"SUPPORT\nOBJECT", None},
	})
}

// TestCopiedOptionLineCountsItsOptionWord: the ABSTAIN descriptions of the
// forms hold the YES and NO words; a copied line counts only ABSTAIN.
func TestCopiedOptionLineCountsItsOptionWord(t *testing.T) {
	for _, lang := range []string{"en", "th", "km", "lo", "my", "vi", "zh"} {
		for _, kind := range []Kind{KindVote, KindOpinion} {
			form := suiteForm(t, kind, lang)
			for _, l := range strings.Split(form, "\n") {
				t1 := strings.TrimSpace(l)
				if !strings.Contains(t1, "  – ") || strings.ContainsAny(t1[:1], "#-") {
					continue
				}
				word := strings.ToLower(strings.Fields(t1)[0])
				want := Answer(word)
				r := Parse(l, kind)
				if r.Answer != want {
					t.Errorf("%s: copied option line %q reads %q (%s), want %q", lang, t1, r.Answer, r.Rule, want)
				}
				desc := t1[strings.Index(t1, "  – ")+len("  – "):]
				if r := Parse(desc, kind); r.Answer != None && r.Answer != want {
					t.Errorf("%s: a copied description %q reads %q, want %q or none", lang, desc, r.Answer, want)
				}
			}
		}
	}
}

// TestResultSaysLineAndRule: the receipt's line, the rule and the evidence.
func TestResultSaysLineAndRule(t *testing.T) {
	r := Parse("Dear Secretariat,\n\nWe do not approve the revised budget.\n\nSomchai\nSay YES to decent work!", KindVote)
	if r.Answer != No || r.Line != "We do not approve the revised budget." || r.LineNo != 3 || !strings.Contains(r.Rule, "negated") {
		t.Fatalf("got %q line %d %q rule %q", r.Answer, r.LineNo, r.Line, r.Rule)
	}
	if r.Quote != r.Line {
		t.Errorf("quote %q, want the line", r.Quote)
	}
	counted, closing := 0, 0
	for _, e := range r.Evidence {
		if e.Counted {
			counted++
		}
		if e.Zone == zoneClosing && !e.Counted {
			closing++
		}
	}
	if counted != 1 || closing != 1 {
		t.Errorf("evidence %+v: want one counted word and one closing word not counted", r.Evidence)
	}
	a := Parse("YES to the first part, NO to the second", KindVote)
	if a.Line != "" || a.Quote == "" || a.Rule == "" || a.Doubt != DoubtTwoAnswers {
		t.Errorf("ambiguous: line %q quote %q rule %q doubt %q", a.Line, a.Quote, a.Rule, a.Doubt)
	}
	c := Parse("Somchai\nNo. 12 Main Road\nSay YES to decent work!", KindVote)
	if c.Doubt != DoubtClosingOnly || c.Quote == "" {
		t.Errorf("closing only: doubt %q quote %q", c.Doubt, c.Quote)
	}
}

// TestReplyTextAttributions: the attribution forms of the common clients in
// the seven languages, and a typed line directly above them.
func TestReplyTextAttributions(t *testing.T) {
	q := "> ##- Please type your reply above this line -##\n> YES / NO / ABSTAIN\n"
	typed := "Yes, we approve."
	attrs := map[string]string{
		"gmail wrapped":        "On Mon, 1 Mar 2027 at 09:00, MMN governance bot <\ngovbot@mmn.example> wrote:",
		"apple two lines":      "On 1 Mar 2027, at 09:00, MMN governance bot <govbot@mmn.example>\nwrote:",
		"blank line split":     "On Mon, 1 Mar 2027 at 09:00, MMN governance bot <govbot@mmn.example>\n\nwrote:",
		"no wrote":             "On Mon, 1 Mar 2027 at 09:00, MMN governance bot <govbot@mmn.example>",
		"date and colon":       "2027-03-01 9:00 GMT+07:00 MMN governance bot <govbot@mmn.example>:",
		"burmese dash":         "MMN governance bot <govbot@mmn.example> သည် တနင်္လာ၊ 1 မတ် 2027၊ 09:00 တွင် ရေးသားခဲ့သည် -",
		"burmese android":      "1 မတ် 2027 09:00တွင် MMN governance bot <govbot@mmn.example> ရေးခဲ့:",
		"thai gmail":           "เมื่อ จ. 1 มี.ค. 2027 เวลา 09:00 MMN governance bot <govbot@mmn.example> เขียนว่า:",
		"thai thunderbird":     "เมื่อ 1/3/2027 9:00, MMN governance bot เขียน:",
		"vi gmail":             "Vào Th 2, 1 thg 3, 2027 vào lúc 09:00 MMN governance bot <govbot@mmn.example> đã viết:",
		"zh gmail":             "MMN governance bot <govbot@mmn.example> 于2027年3月1日周一 09:00写道：",
		"zh gmail wrapped":     "MMN governance bot <govbot@mmn.example>\n于2027年3月1日周一 09:00写道：",
		"zh-tw":                "MMN governance bot <govbot@mmn.example> 於 2027年3月1日 週一 上午9:00寫道：",
		"km gmail":             "នៅ ថ្ងៃ\u200bច័ន្ទ ទី 1 ខែ\u200bមីនា ឆ្នាំ 2027 នៅ\u200bម៉ោង 09:00 MMN governance bot <govbot@mmn.example> បាន\u200bសរសេរ៖",
		"lo gmail":             "ເມື່ອ ວັນຈັນ ທີ 1 ມີນາ 2027 ເວລາ 09:00 MMN governance bot <govbot@mmn.example> ໄດ້ຂຽນວ່າ:",
		"yahoo indented":       "    On Monday, 1 March 2027, 09:00:00 GMT+7, MMN governance bot <govbot@mmn.example> wrote:",
		"k9":                   "On 1 March 2027 09:00:00 GMT+07:00, MMN governance bot <govbot@mmn.example> wrote:",
		"thunderbird no email": "On 01/03/2027 09:00, MMN governance bot wrote:",
	}
	for name, a := range attrs {
		for _, sep := range []string{"\n\n", "\n"} {
			body := typed + sep + a + "\n" + q
			if got := ReplyText(body); got != typed {
				t.Errorf("%s (separator %q): got %q, want %q", name, sep, got, typed)
			}
		}
		// bottom-posting: nothing typed above the quote
		if got := ReplyText(a + "\n" + q + "\n" + typed + "\n"); got != typed {
			t.Errorf("%s, bottom-posted: got %q, want %q", name, got, typed)
		}
	}
	// text typed between a leading attribution and its quote
	if got := ReplyText(attrs["k9"] + "\n\n" + typed + "\n\n" + q); got != typed {
		t.Errorf("below a leading attribution: got %q", got)
	}
	// a line directly above the attribution is never joined into it
	for _, l := range []string{"Hi,", "We approve, see you at 10:30", "Alternate: Ko Ko <koko@fmmg.example>", "I approve. As I", "Am heutigen Tage"} {
		body := l + "\n" + attrs["gmail wrapped"] + "\n" + q
		if got := ReplyText(body); got != l {
			t.Errorf("line above the attribution: got %q, want %q", got, l)
		}
	}
	// the bot's form unquoted (Outlook), the answer typed below it
	form := Marker("th") + "\nแบบฟอร์มลงคะแนน\n  YES / เห็นด้วย  – เห็นด้วยกับข้อเสนอ\n\n-- \nMekong Migration Network – this message was sent by the network's governance bot.\n"
	body := "________________________________\nจาก: MMN governance bot <govbot@mmn.example>\nส่ง: 1 มีนาคม 2027 9:00\nถึง: somchai@mwf.example\nเรื่อง: Vote\n\n" + form + "\nไม่เห็นด้วยครับ\n"
	if got := ReplyText(body); got != "ไม่เห็นด้วยครับ" {
		t.Errorf("below an unquoted form: got %q", got)
	}
	// Foxmail and QQ separators, with &nbsp;
	for _, sep := range []string{"------------------&nbsp;原始邮件&nbsp;------------------", "------------------ 原始邮件 ------------------", "------------------ Original ------------------", "-------- 原始邮件 --------", "-------- Thư gốc --------"} {
		body := "同意\n\n" + sep + "\n发件人: \"MMN\"<govbot@mmn.example>;\n发送时间: 2027年3月1日(星期一) 上午9:00\n主题: Vote\n\n" + form
		if got := ReplyText(body); got != "同意" {
			t.Errorf("separator %q: got %q", sep, got)
		}
	}
}

// TestFormOptionLinesKnown: every option description the templates print is
// in formDescriptions, so a copied option line is recognised.
func TestFormOptionLinesKnown(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "templates", "*", "*.tmpl"))
	if len(files) == 0 {
		t.Skip("templates absent")
	}
	re := regexp.MustCompile(`\{\{option "\w+"\}\}(.*)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			d := m[1]
			if i := strings.Index(d, "{{"); i >= 0 {
				d = d[:i]
			}
			d = strings.TrimSpace(d)
			if d != "" && !knownDescription(d) {
				t.Errorf("%s: option description %q is not in formDescriptions (internal/answer/formlines.go)", f, d)
			}
		}
	}
}

// TestTrapsAskRatherThanGuess: replies whose answer word does not give the
// answer; the reader asks rather than record the word.
func TestTrapsAskRatherThanGuess(t *testing.T) {
	checkParse(t, KindVote, []parseCase{
		{"There is no reason not to approve.", None},      // two negations
		{"We don't agree with those who oppose it", None}, // an answer word inside a negated one's clause
		{"We agree that the plan should not be adopted.", None},
		{"Tôi đồng ý là không nên thông qua", None},
		{"同意不通过", None},
		{"เห็นด้วยว่าไม่ควรผ่าน", None},
		{"The board approved a NO vote on this.", None},
		{"Yes, I received the ballot. We will vote next week.", None}, // acknowledged, answer to come
		{"Yes, received.", None},
		{"Please see www.yes-campaign.org for details.", None},
		{"Yes, thank you", Yes},
		{"No, we cannot agree to this.", No},
		{"NO - we do not support", No},
		{"ไม่เห็นด้วยเพราะไม่มีงบ", No},
		{"We approve the plan although we do not like the delay.", Yes},
	})
	checkParse(t, KindOpinion, []parseCase{
		{"Without objection.", Support},
		{"ผมไม่เห็นด้วยที่จะคัดค้าน", None},
		{"We do not support their objection.", None},
	})
}

// TestBodyLeavesOutTheClosingBlock: an objection's reasons are counted in
// Body, which never holds the signature.
func TestBodyLeavesOutTheClosingBlock(t *testing.T) {
	r := Parse("OBJECT\nThey charge fees.\n\nBest regards,\nSomchai\nMigrant Workers Foundation\nNo. 12 Main Road", KindOpinion)
	if r.Answer != Object || r.Body != "OBJECT\nThey charge fees." {
		t.Errorf("got %q, body %q", r.Answer, r.Body)
	}
	if r := Parse("OBJECT\n\nSomchai\nMigrant Workers Foundation\nTel: +66 55 123 456", KindOpinion); r.Body != "OBJECT" {
		t.Errorf("an objection with only a signature: body %q", r.Body)
	}
}
