package answer

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind is what a reply is expected to answer.
type Kind int

// The kinds of question a member answers by mail.
const (
	KindVote Kind = iota
	KindOpinion
	KindReconfirm
	KindAttend
)

// Answer is one recognised answer.
type Answer string

// The answers Parse recognises.
const (
	None      Answer = ""
	Yes       Answer = "yes"
	No        Answer = "no"
	Abstain   Answer = "abstain"
	Support   Answer = "support"
	Object    Answer = "object"
	Comment   Answer = "comment"
	Reconfirm Answer = "reconfirm"
	Attend    Answer = "attend"
)

// Result is what Parse found in a reply.
type Result struct {
	Answer    Answer   // None when nothing was found, or when ambiguous
	Ambiguous bool     // two different answers found
	Found     []Answer // every distinct answer seen, in order
	Reasons   string   // for opinions: the author's text, kept exactly as written (trimmed only)
	Language  string   // en, th, km, lo, my, vi, zh; "" if unknown
}

type keyword struct {
	text  string // normalised: NFC, lower-case, no zero-width characters
	ans   Answer
	lang  string
	latin bool // needs word boundaries
	loose bool // English "no": counts only standing alone (see looseOK)
}

// words lists each kind's keywords as lang:answer:spellings. Longer
// spellings win at a position, so "ไม่เห็นด้วย" is never also read as
// "เห็นด้วย", nor "不同意" as "同意". Burmese lists Unicode and the Zawgyi
// byte spellings of the same words.
var words = map[Kind][]struct {
	lang string
	ans  Answer
	list []string
}{
	KindVote: {
		{"en", Yes, []string{"yes", "aye", "i approve", "approve", "approved", "in favour", "in favor", "i agree", "agree", "agreed"}},
		{"en", No, []string{"no", "nay", "disapprove", "disagree", "do not agree", "don't agree", "don’t agree", "not agree", "cannot agree", "can't agree", "could not agree", "vote against", "voted against"}},
		{"en", Abstain, []string{"abstain", "abstains", "abstained", "abstaining", "abstention", "i abstain"}},
		{"th", Yes, []string{"เห็นด้วย", "เห็นชอบ", "อนุมัติ"}},
		{"th", No, []string{"ไม่เห็นด้วย", "ไม่เห็นชอบ", "ไม่อนุมัติ", "คัดค้าน"}},
		{"th", Abstain, []string{"งดออกเสียง", "งดเว้น"}},
		{"vi", Yes, []string{"đồng ý", "tán thành", "dong y", "tan thanh"}},
		{"vi", No, []string{"không đồng ý", "không tán thành", "phản đối", "khong dong y", "khong tan thanh", "phan doi"}},
		{"vi", Abstain, []string{"phiếu trắng", "bỏ phiếu trắng", "phieu trang", "bo phieu trang", "không bỏ phiếu", "khong bo phieu"}},
		{"zh", Yes, []string{"同意", "赞成", "贊成"}},
		{"zh", No, []string{"不同意", "反对", "反對", "不赞成", "不贊成"}},
		{"zh", Abstain, []string{"弃权", "棄權", "棄权"}},
		{"km", Yes, []string{"យល់ព្រម", "គាំទ្រ"}},
		{"km", No, []string{"មិនយល់ព្រម", "មិនគាំទ្រ", "ជំទាស់"}},
		{"km", Abstain, []string{"អនុប្បវាទ", "អនុបវាទ"}},
		{"lo", Yes, []string{"ເຫັນດີ", "ເຫັນພ້ອມ"}},
		{"lo", No, []string{"ບໍ່ເຫັນດີ", "ບໍ່ເຫັນພ້ອມ", "ຄັດຄ້ານ"}},
		{"lo", Abstain, []string{"ງົດອອກສຽງ"}},
		{"my", Yes, []string{
			"\u1011\u1031\u102c\u1000\u103a\u1001\u1036", // ထောက်ခံ
			"\u101e\u1018\u1031\u102c\u1010\u1030",       // သဘောတူ
			"\u1031\u1011\u102c\u1000\u1039\u1001\u1036", // Zawgyi ထောက်ခံ
			"\u101e\u1031\u1018\u102c\u1010\u1030",       // Zawgyi သဘောတူ
		}},
		{"my", No, []string{
			"\u1019\u1011\u1031\u102c\u1000\u103a\u1001\u1036", // မထောက်ခံ
			"\u1000\u1014\u1037\u103a\u1000\u103d\u1000\u103a", // ကန့်ကွက်
			"\u101e\u1018\u1031\u102c\u1019\u1010\u1030",       // သဘောမတူ
			"\u1019\u1031\u1011\u102c\u1000\u1039\u1001\u1036", // Zawgyi မထောက်ခံ
			"\u1000\u1014\u1039\u1094\u1000\u103c\u1000\u1039", // Zawgyi ကန့်ကွက်
			"\u1000\u1014\u1037\u1039\u1000\u103c\u1000\u1039", // Zawgyi variant
			"\u1000\u1014\u1039\u1037\u1000\u103c\u1000\u1039", // Zawgyi variant
			"\u101e\u1031\u1018\u102c\u1019\u1010\u1030",       // Zawgyi သဘောမတူ
		}},
		{"my", Abstain, []string{
			"\u1000\u103c\u102c\u1038\u1014\u1031", // ကြားနေ
			"\u107e\u1000\u102c\u1038\u1031\u1014", // Zawgyi ကြားနေ
			"\u103b\u1000\u102c\u1038\u1031\u1014", // Zawgyi variant
		}},
	},
	KindOpinion: {
		{"en", Support, []string{"support", "supports", "supported", "we support", "i support", "no objection", "no objections", "in favour", "in favor"}},
		{"en", Object, []string{"object", "objects", "objection", "objections", "i object", "we object", "oppose", "opposed", "do not support", "don't support", "don’t support", "cannot support", "can't support", "not support"}},
		{"en", Comment, []string{"comment", "comments", "no opinion"}},
		{"th", Support, []string{"สนับสนุน", "เห็นด้วย"}},
		{"th", Object, []string{"คัดค้าน", "ไม่สนับสนุน", "ไม่เห็นด้วย"}},
		{"th", Comment, []string{"ความเห็น", "ความคิดเห็น", "ข้อคิดเห็น"}},
		{"vi", Support, []string{"ủng hộ", "đồng ý", "ung ho"}},
		{"vi", Object, []string{"phản đối", "không ủng hộ", "không đồng ý", "phan doi", "khong ung ho"}},
		{"vi", Comment, []string{"góp ý", "ý kiến", "nhận xét", "gop y", "y kien"}},
		{"zh", Support, []string{"支持", "同意", "赞成", "贊成"}},
		{"zh", Object, []string{"反对", "反對", "不支持", "不同意", "异议", "異議"}},
		{"zh", Comment, []string{"评论", "評論", "意见", "意見"}},
		{"km", Support, []string{"គាំទ្រ", "យល់ព្រម"}},
		{"km", Object, []string{"ជំទាស់", "មិនគាំទ្រ", "មិនយល់ព្រម"}},
		{"km", Comment, []string{"មតិយោបល់", "យោបល់"}},
		{"lo", Support, []string{"ສະໜັບສະໜູນ", "ສະຫນັບສະຫນູນ", "ເຫັນດີ"}},
		{"lo", Object, []string{"ຄັດຄ້ານ", "ບໍ່ສະໜັບສະໜູນ", "ບໍ່ສະຫນັບສະຫນູນ", "ບໍ່ເຫັນດີ"}},
		{"lo", Comment, []string{"ຄຳເຫັນ", "ຄໍາເຫັນ"}},
		{"my", Support, []string{"\u1011\u1031\u102c\u1000\u103a\u1001\u1036", "\u1031\u1011\u102c\u1000\u1039\u1001\u1036"}},
		{"my", Object, []string{
			"\u1000\u1014\u1037\u103a\u1000\u103d\u1000\u103a", "\u1019\u1011\u1031\u102c\u1000\u103a\u1001\u1036",
			"\u1000\u1014\u1039\u1094\u1000\u103c\u1000\u1039", "\u1000\u1014\u1037\u1039\u1000\u103c\u1000\u1039",
			"\u1019\u1031\u1011\u102c\u1000\u1039\u1001\u1036",
		}},
		{"my", Comment, []string{"\u1019\u103e\u1010\u103a\u1001\u103b\u1000\u103a", "\u1019\u103d\u1010\u1039\u1001\u103a\u1000\u1039"}}, // မှတ်ချက်
	},
	KindReconfirm: {
		{"en", Reconfirm, []string{"reconfirm", "reconfirmed", "reconfirms", "we reconfirm", "re-confirm", "re-confirmed", "confirm", "confirmed", "we confirm"}},
		{"en", No, []string{"do not reconfirm", "don't reconfirm", "cannot reconfirm", "withdraw", "we withdraw", "not reconfirm"}},
		{"th", Reconfirm, []string{"ยืนยัน", "ยืนยันอีกครั้ง"}},
		{"th", No, []string{"ไม่ยืนยัน", "ถอนตัว"}},
		{"vi", Reconfirm, []string{"xác nhận lại", "tái xác nhận", "xác nhận", "xac nhan"}},
		{"vi", No, []string{"không xác nhận", "rút lui", "khong xac nhan"}},
		{"zh", Reconfirm, []string{"再次确认", "再次確認", "确认", "確認"}},
		{"zh", No, []string{"不确认", "不確認", "退出"}},
		{"km", Reconfirm, []string{"បញ្ជាក់ឡើងវិញ", "បញ្ជាក់"}},
		{"km", No, []string{"មិនបញ្ជាក់"}},
		{"lo", Reconfirm, []string{"ຢືນຢັນ", "ຢືນຢັນຄືນ"}},
		{"lo", No, []string{"ບໍ່ຢືນຢັນ"}},
		{"my", Reconfirm, []string{"\u1021\u1010\u100a\u103a\u1015\u103c\u102f", "\u1021\u1010\u100a\u1039\u103b\u1015\u1033"}}, // အတည်ပြု
		{"my", No, []string{"\u1019\u1021\u1010\u100a\u103a\u1015\u103c\u102f"}},
	},
	KindAttend: {
		{"en", Attend, []string{"attend", "attending", "will attend", "i will attend", "we will attend", "attendance confirmed"}},
		{"en", No, []string{"not attend", "cannot attend", "can't attend", "can’t attend", "will not attend", "won't attend", "unable to attend", "not attending"}},
		{"th", Attend, []string{"เข้าร่วม"}},
		{"th", No, []string{"ไม่เข้าร่วม", "ไม่สามารถเข้าร่วม"}},
		{"vi", Attend, []string{"tham dự", "tham gia", "tham du", "tham gia"}},
		{"vi", No, []string{"không tham dự", "không tham gia", "khong tham du", "khong tham gia"}},
		{"zh", Attend, []string{"出席", "参加", "參加"}},
		{"zh", No, []string{"不出席", "不参加", "不參加", "无法出席", "無法出席"}},
		{"km", Attend, []string{"ចូលរួម"}},
		{"km", No, []string{"មិនចូលរួម"}},
		{"lo", Attend, []string{"ເຂົ້າຮ່ວມ"}},
		{"lo", No, []string{"ບໍ່ເຂົ້າຮ່ວມ"}},
		{"my", Attend, []string{"\u1010\u1000\u103a\u101b\u1031\u102c\u1000\u103a", "\u1010\u1000\u1039\u1031\u101b\u102c\u1000\u1039"}}, // တက်ရောက်
		{"my", No, []string{"\u1019\u1010\u1000\u103a\u101b\u1031\u102c\u1000\u103a", "\u1019\u1010\u1000\u1039\u1031\u101b\u102c\u1000\u1039"}},
	},
}

var tables = buildTables()

// byFirst indexes each kind's keywords by their first byte, longest first.
var byFirst = func() map[Kind]map[byte][]keyword {
	out := map[Kind]map[byte][]keyword{}
	for k, list := range tables {
		out[k] = map[byte][]keyword{}
		for _, w := range list {
			out[k][w.text[0]] = append(out[k][w.text[0]], w)
		}
	}
	return out
}()

func buildTables() map[Kind][]keyword {
	t := map[Kind][]keyword{}
	for k, groups := range words {
		for _, g := range groups {
			for _, w := range g.list {
				n := normalize(w)
				t[k] = append(t[k], keyword{text: n, ans: g.ans, lang: g.lang, latin: isLatin(n), loose: g.lang == "en" && n == "no"})
			}
		}
		sort.SliceStable(t[k], func(i, j int) bool { return len(t[k][i].text) > len(t[k][j].text) })
	}
	return t
}

func isLatin(s string) bool {
	for _, r := range s {
		if r >= 0x0E00 || unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// normalize prepares text for keyword matching: NFC, no zero-width
// characters, lower-case, typographic apostrophes folded.
func normalize(s string) string {
	s = norm.NFC.String(clean(s))
	s = strings.ToLower(s)
	return norm.NFC.String(s)
}

var (
	reTicked   = regexp.MustCompile(`\[\s*[xX✓✔✗✘vV*●■]\s*\]|\(\s*[xX✓✔●]\s*\)|[☑☒✅]`)
	reUnticked = regexp.MustCompile(`\[\s*\]|\(\s*\)|[☐□]`)
	reAnyBox   = regexp.MustCompile(`\[\s*[xX✓✔✗✘vV*●■]?\s*\]|\(\s*[xX✓✔●]?\s*\)|[☑☒✅☐□]`)
)

// resolveBoxes rewrites checkbox lines: the option after a ticked box is
// kept, the option after an unticked box (up to the next box or the line's
// end) is dropped, so "[ ] YES [ ] NO" says nothing and "[x] Yes [ ] No"
// says yes.
func resolveBoxes(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		locs := reAnyBox.FindAllStringIndex(l, -1)
		if locs == nil {
			continue
		}
		var b strings.Builder
		b.WriteString(l[:locs[0][0]])
		for j, loc := range locs {
			end := len(l)
			if j+1 < len(locs) {
				end = locs[j+1][0]
			}
			box := l[loc[0]:loc[1]]
			if reTicked.MatchString(box) && !reUnticked.MatchString(box) {
				b.WriteString(" ")
				b.WriteString(l[loc[1]:end])
				b.WriteString(" ")
			} else {
				b.WriteString(" ")
			}
		}
		lines[i] = b.String()
	}
	return strings.Join(lines, "\n")
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

var reNoLead = regexp.MustCompile(`(vote|voting|answer|reply|response|choice|is|[:\-–—\]])\s*$`)

// looseOK reports whether an English "no" stands alone: the rest of its
// line is empty or starts with punctuation, or a "vote:" or similar leads in.
// This keeps "no problem" and "no comments" from counting as a vote.
func looseOK(text string, start, end int) bool {
	rest := text[end:min(len(text), end+16)]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" || strings.ContainsAny(rest[:1], ".!?,;:)-/") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—") {
		return true
	}
	lead := text[max(0, start-32):start]
	if i := strings.LastIndexByte(lead, '\n'); i >= 0 {
		lead = lead[i+1:]
	}
	return reNoLead.MatchString(lead)
}

// Parse reads what reply (ReplyText's output) answers for a question of
// the given kind. Two different answers make it ambiguous, and then Answer
// is None.
func Parse(reply string, kind Kind) Result {
	var res Result
	text := normalize(resolveBoxes(reply))
	index := byFirst[kind]
	langs := map[string]int{}
	seen := map[Answer]bool{}
	for i := 0; i < len(text); {
		matched := false
		for _, k := range index[text[i]] {
			if !strings.HasPrefix(text[i:], k.text) {
				continue
			}
			end := i + len(k.text)
			if k.latin {
				if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && isWordRune(r) {
					continue
				}
				if r, _ := utf8.DecodeRuneInString(text[end:]); end < len(text) && isWordRune(r) {
					continue
				}
			}
			if k.loose && !looseOK(text, i, end) {
				continue
			}
			langs[k.lang]++
			if !seen[k.ans] {
				seen[k.ans] = true
				res.Found = append(res.Found, k.ans)
			}
			i = end
			matched = true
			break
		}
		if !matched {
			_, n := utf8.DecodeRuneInString(text[i:])
			i += n
		}
	}
	decisive := res.Found
	if kind == KindOpinion && (seen[Support] || seen[Object]) && seen[Comment] {
		decisive = nil
		for _, a := range res.Found {
			if a != Comment {
				decisive = append(decisive, a)
			}
		}
	}
	switch len(decisive) {
	case 0:
	case 1:
		res.Answer = decisive[0]
	default:
		res.Ambiguous = true
	}
	if kind == KindOpinion && len(res.Found) > 0 {
		res.Reasons = strings.TrimSpace(reply)
	}
	res.Language = detectLanguage(reply, langs)
	return res
}

// detectLanguage guesses the reply's language from its script; Latin text
// with Vietnamese letters is Vietnamese, and a Vietnamese keyword written
// without diacritics counts too.
func detectLanguage(s string, kwLangs map[string]int) string {
	counts := map[string]int{}
	latin, viet := 0, 0
	for _, r := range s {
		switch {
		case r >= 0x0E00 && r <= 0x0E7F:
			counts["th"]++
		case r >= 0x0E80 && r <= 0x0EFF:
			counts["lo"]++
		case r >= 0x1780 && r <= 0x17FF || r >= 0x19E0 && r <= 0x19FF:
			counts["km"]++
		case r >= 0x1000 && r <= 0x109F || r >= 0xAA60 && r <= 0xAA7F:
			counts["my"]++
		case unicode.Is(unicode.Han, r):
			counts["zh"]++
		case r >= 0x1EA0 && r <= 0x1EF9, r == 'ă', r == 'Ă', r == 'đ', r == 'Đ', r == 'ơ', r == 'Ơ', r == 'ư', r == 'Ư':
			viet++
			latin++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	best, n := "", 0
	for _, l := range []string{"th", "km", "lo", "my", "zh"} {
		if counts[l] > n {
			best, n = l, counts[l]
		}
	}
	if best != "" {
		return best
	}
	if viet > 0 || kwLangs["vi"] > 0 && kwLangs["en"] == 0 {
		return "vi"
	}
	if latin > 0 {
		return "en"
	}
	return ""
}
