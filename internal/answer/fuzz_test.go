package answer

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func fuzzSeeds(f *testing.F) {
	f.Add("YES\n\nOn Mon, 3 Jun 2024, Govbot <bot@x.org> wrote:\n> [ ] YES\n> [ ] NO\n")
	f.Add("[x] Yes [ ] No\n" + Marker("th"))
	f.Add("ខ្ញុំ\u200bមិន\u200bយល់\u200bព្រម\n-- \nsig")
	f.Add("________________________________\nจาก: a\nส่ง: b\nถึง: c\n")
	f.Add("> a\nb\n> c\n##-\n-##")
	f.Add("\u1031\u1011\u102c\u1000\u1039\u1001\u1036 ไม่เห็นด้วย 不同意 Không đồng ý")
	f.Add("We do not approve the revised budget.\n\nSomchai\nNo. 12 Main Road\nSay YES to decent work!")
	f.Add("OBJECT\nThey say they support workers, but their support goes to agencies.")
	f.Add("On Mon, 1 Mar 2027 at 09:00, Bot <\nbot@x.org> wrote:\n> ##- q -##\n\nYES")
	f.Add("Hi,\nOn Tue, 2011-03-01 at 18:02 +0530, Ann wrote:\n> q\n\nNo objection.")
	f.Add("ABSTAIN / งดออกเสียง  – ร่วมลงคะแนน แต่ไม่เห็นด้วยและไม่คัดค้าน")
	f.Add("ถ้าแก้ไขงบประมาณ เราจะเห็นด้วย\n------------------&nbsp;原始邮件&nbsp;------------------\n发件人: a")
	f.Add("ကျွန်မထောက်ခံပါတယ် ထောက်ခံ၍ မရပါ ကန့်ကွက်စရာ မရှိပါ")
	f.Add("CONFIDENTIALITY NOTICE: confidential, intended solely for the addressee; we do not agree.")
}

var allKinds = []Kind{KindVote, KindOpinion, KindReconfirm, KindAttend}

// FuzzReplyText: never panics, returns valid UTF-8 from valid input, never
// keeps the marker, and only drops lines: every line it returns is a line of
// the input, in order (a blank line may be put where a quote was dropped).
func FuzzReplyText(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body string) {
		got := ReplyText(body)
		if utf8.ValidString(body) && !utf8.ValidString(got) {
			t.Errorf("invalid UTF-8 out of valid input: %q", got)
		}
		if strings.Contains(got, markerOpen) {
			t.Errorf("marker survived: %q", got)
		}
		if !utf8.ValidString(body) {
			return
		}
		in := strings.Split(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n"), "\n")
		j := 0
		for _, l := range strings.Split(got, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			for j < len(in) && strings.TrimRight(normalizeNFC(in[j]), " \t") != strings.TrimRight(l, " \t") {
				j++
			}
			if j == len(in) {
				t.Fatalf("line %q is not an input line in order\ninput %q\noutput %q", l, body, got)
			}
			j++
		}
	})
}

// FuzzParse: never panics; an ambiguous result carries no answer and says
// why; a recorded answer is among those found, comes with the line it was
// read from (a line of the reply) and a rule.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, reply string) {
		lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(reply, "\r\n", "\n"), "\r", "\n"), "\n")
		for _, k := range allKinds {
			r := Parse(reply, k)
			if r.Ambiguous && r.Answer != None {
				t.Errorf("ambiguous with answer %q", r.Answer)
			}
			if r.Ambiguous && r.Doubt == DoubtNone {
				t.Errorf("ambiguous without a doubt: %q", reply)
			}
			if r.Answer == None {
				if r.Line != "" || r.LineNo != 0 {
					t.Errorf("no answer but line %d %q", r.LineNo, r.Line)
				}
				continue
			}
			ok := false
			for _, a := range r.Found {
				ok = ok || a == r.Answer
			}
			if !ok {
				t.Errorf("answer %q not in found %v", r.Answer, r.Found)
			}
			if r.LineNo < 1 || r.LineNo > len(lines) || r.Rule == "" {
				t.Fatalf("answer %q from line %d of %d, rule %q", r.Answer, r.LineNo, len(lines), r.Rule)
			}
			if want := strings.TrimSpace(clean(lines[r.LineNo-1])); r.Line != want {
				t.Errorf("line %d is %q, result says %q", r.LineNo, want, r.Line)
			}
		}
	})
}

// negationWords are answer words the negation fuzzer negates, by kind: none
// of them may be recorded as itself once negated.
var negationWords = map[Kind][]string{
	KindVote:    {"approve", "agree", "yes", "in favour", "support", "đồng ý", "tán thành", "同意", "赞成", "យល់ព្រម", "គាំទ្រ", "เห็นด้วย", "เห็นชอบ", "ເຫັນດີ", "ထောက်ခံ", "သဘောတူ", "abstain", "弃权", "งดออกเสียง", "disagree", "object", "反对", "ไม่เห็นด้วย"},
	KindOpinion: {"support", "object", "oppose", "ủng hộ", "phản đối", "支持", "反对", "គាំទ្រ", "ជំទាស់", "สนับสนุน", "คัดค้าน", "ສະໜັບສະໜູນ", "ຄັດຄ້ານ", "ထောက်ခံ", "ကန့်ကွက်"},
}

// FuzzNegatedNeverItself: an answer word after a negator (and modals and
// auxiliaries between) is never recorded as itself, whatever comes before
// and after it.
func FuzzNegatedNeverItself(f *testing.F) {
	f.Add("We", uint8(0), uint8(0), uint8(3), uint8(0), " the plan.", false)
	f.Add("", uint8(5), uint8(1), uint8(7), uint8(4), "", true)
	f.Add("Dear all,\n", uint8(40), uint8(2), uint8(12), uint8(9), " ครับ", false)
	f.Fuzz(func(t *testing.T, before string, neg, win1, win2, word uint8, after string, opinion bool) {
		kind := KindVote
		if opinion {
			kind = KindOpinion
		}
		ws := negationWords[kind]
		w := ws[int(word)%len(ws)]
		n := negatorList[int(neg)%len(negatorList)].text
		if n == "no" || n == "nothing" || n == "nor" || n == "neither" {
			n = "not" // "no" negates nouns; "neither … nor" pairs
		}
		parts := []string{n}
		for _, i := range []uint8{win1, win2} {
			if i%3 != 0 {
				parts = append(parts, windowList[int(i)%len(windowList)].text)
			}
		}
		parts = append(parts, w)
		phrase := strings.Join(parts, " ")
		if strings.ContainsAny(before+after, "\n>#") && strings.Contains(after, "\n") {
			after = strings.ReplaceAll(after, "\n", " ")
		}
		reply := before + " " + phrase + after
		self := Parse(w, kind)
		if self.Answer == None {
			return
		}
		r := Parse(reply, kind)
		if r.Answer != self.Answer {
			return
		}
		// the same answer is fine when it was given elsewhere in the reply
		for _, e := range r.Evidence {
			if e.Counted && e.Answer == self.Answer && !strings.Contains(e.Line, phrase) {
				return
			}
		}
		for _, e := range r.Evidence {
			if e.Counted && e.Answer == self.Answer && strings.Contains(normalize(e.Line), normalize(phrase)) && strings.Count(normalize(e.Line), normalize(w)) > 1 {
				return // the word stands twice; the other one may be plain
			}
		}
		t.Errorf("%q: negated %q recorded as %q (%s)", reply, w, r.Answer, r.Rule)
	})
}

// closings are closing blocks holding answer words: never an answer, never
// a reason to ask.
var closings = []string{
	"Somchai Rak\nMigrant Workers Foundation\nNo. 12 Main Road, Mae Sot",
	"Somchai\nSay YES to decent work!",
	"Best regards,\nNguyen Thi Lan\nMigrant Support Network Vietnam",
	"王芳\n\n本邮件含有保密信息，仅供指定收件人使用。未经发件人同意，禁止转发。如果您不是指定收件人，请立即删除。",
	"ដារ៉ា\n\nអ៊ីមែលនេះជាព័ត៌មានសម្ងាត់ សម្រាប់តែអ្នកទទួលប៉ុណ្ណោះ។ ការប្រើប្រាស់ដោយគ្មានការយល់ព្រមត្រូវបានហាមឃាត់។",
	"สมชาย\nเลขที่ 12 ถนนอินทรคีรี อำเภอแม่สอด\n\"เราเห็นด้วยกับสิทธิของแรงงานทุกคน\"",
	"Sent from my iPhone",
	"-- \nNo objection to good work\nwww.mwf.example",
}

// FuzzClosingBlock: a closing block below a reply never changes a recorded
// answer, and never gives one to a reply without.
func FuzzClosingBlock(f *testing.F) {
	f.Add("YES", uint8(0))
	f.Add("We do not approve the budget.", uint8(1))
	f.Add("ไม่เห็นด้วยค่ะ", uint8(5))
	f.Add("Thanks, we will discuss it.", uint8(2))
	f.Fuzz(func(t *testing.T, typed string, which uint8) {
		typed = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(typed, "\r", " "), "\n", " "))
		if typed == "" || strings.HasPrefix(typed, ">") || strings.Contains(typed, markerOpen) {
			return
		}
		c := closings[int(which)%len(closings)]
		for _, k := range []Kind{KindVote, KindOpinion} {
			base := Parse(typed, k)
			if base.Ambiguous || strongSignature(typed, typed) && base.Answer == None {
				continue
			}
			got := Parse(typed+"\n\n"+c, k)
			if got.Answer != base.Answer {
				t.Errorf("%q reads %q; with the closing %q it reads %q (%s)", typed, base.Answer, c, got.Answer, got.Rule)
			}
		}
	})
}

// FuzzBottomPosting: a plain typed line reads the same above the quote and
// below it.
func FuzzBottomPosting(f *testing.F) {
	f.Add("Yes, we approve.")
	f.Add("ไม่เห็นด้วยครับ")
	f.Add("同意")
	f.Fuzz(func(t *testing.T, typed string) {
		typed = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(typed, "\r", " "), "\n", " "))
		if typed == "" || !utf8.ValidString(typed) || ReplyText(typed) != typed {
			return // not a plain typed line by itself
		}
		attr := "On Mon, 1 Mar 2027 at 09:00, MMN governance bot <govbot@mmn.example> wrote:"
		q := "> " + Marker("en") + "\n> YES / NO / ABSTAIN\n"
		if got := ReplyText(typed + "\n\n" + attr + "\n" + q); got != typed {
			t.Errorf("above the quote: %q, want %q", got, typed)
		}
		if got := ReplyText(attr + "\n" + q + "\n" + typed + "\n"); got != typed {
			t.Errorf("below the quote: %q, want %q", got, typed)
		}
	})
}

func normalizeNFC(s string) string { return norm.NFC.String(s) }
