package answer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// pline is one line of a reply as the reader sees it.
type pline struct {
	raw       string // as written, trimmed
	text      string // normalised, checkboxes resolved, a copied description cut off
	ticked    bool   // held a ticked checkbox
	copied    bool   // a copied option line: only its leading option word is read
	skip      bool   // quoted, the marker, blank
	form      bool   // a form description alone
	truncated bool   // longer than maxLineBytes: read in part
	zone      string
}

// mention is one answer word found in a line.
type mention struct {
	line       int
	start, end int // in the line's text
	word       string
	kw         keyword
	ans        Answer          // what it reads as; None when it reads as nothing sure
	sure       bool            // read with certainty
	ok         map[Answer]bool // for an unsure mention: the answers it agrees with
	doubt      Doubt
	rule       string
	ignored    bool // not an answer at all (ordinary sense, "no comment", a description)
	negSpan    [2]int
	negated    bool
	counted    bool
}

// Zones of a reply.
const (
	zoneTop     = "top line"
	zoneBody    = "body"
	zoneClosing = "closing block"
	zoneForm    = "form line"
	zoneBanner  = "banner"
)

// The rules Parse names in Result.Rule and Evidence.Rule.
const (
	ruleWord       = "answer word"
	ruleTop        = "a bare answer on the top line (the top line weighs most)"
	ruleTicked     = "ticked box"
	ruleCopied     = "copied option line: only its leading option word counts"
	ruleNoObj      = "no objection reads as SUPPORT"
	ruleNoComment  = "\"no comment\" is not an answer"
	ruleOrdinary   = "used in its ordinary sense (a noun or someone else's), not as an answer"
	ruleClosing    = "in the closing block (signature, disclaimer, tagline): never an answer"
	ruleFormLine   = "a description copied from the form: not an answer"
	ruleCommentAlt = "a comment beside an opinion: the opinion counts"
)

var sentenceEnds = []string{". ", "! ", "? ", "; ", "。", "！", "？", "；", "។", "။", "...", "…"}

// sentenceBounds returns the byte range of the sentence of s around pos.
func sentenceBounds(s string, pos int) (int, int) {
	b, e := 0, len(s)
	for _, sep := range sentenceEnds {
		if i := strings.LastIndex(s[:pos], sep); i >= 0 && i+len(sep) > b {
			b = i + len(sep)
		}
		if i := strings.Index(s[pos:], sep); i >= 0 && pos+i < e {
			e = pos + i
		}
	}
	if strings.HasSuffix(s[:pos], ".") || strings.HasSuffix(s[:pos], "!") || strings.HasSuffix(s[:pos], "?") {
		// "yes.no" is rare; keep the range
	}
	return b, e
}

var clauseSeps = []string{",", "，", "、", ":", "：", " but ", " however ", " although ", " though ", " and ", " - ", " – ", " — ", " because ", " since ", " as ",
	"แต่", "และ", "เพราะ", "nhưng", " và ", " vì ", "bởi vì", "但", "可是", "并且", "因为", "因為", "由于", "由於", "ប៉ុន្តែ", "និង", "ព្រោះ", "ແຕ່", "ແລະ", "ເພາະ",
	"\u101e\u1031\u102c\u103a\u101c\u100a\u103a\u1038", // သော်လည်း
	"\u1000\u103c\u1031\u102c\u1004\u1037\u103a",       // ကြောင့်
	"\u1014\u103e\u1004\u1037\u103a",                   // နှင့်
}

// clauseStart returns where the clause holding pos starts, at most 160 bytes
// back.
func clauseStart(s string, pos int, spaceSplits bool) int {
	b, _ := sentenceBounds(s, pos)
	from := max(b, pos-160)
	for from < len(s) && !utf8.RuneStart(s[from]) {
		from++
	}
	for _, sep := range clauseSeps {
		if i := strings.LastIndex(s[from:pos], sep); i >= 0 {
			from += i + len(sep)
		}
	}
	if spaceSplits {
		if i := strings.LastIndex(s[from:pos], " "); i >= 0 {
			from += i + 1
		}
	}
	return from
}

// clauseEnd returns where the clause holding pos ends, at most 160 bytes on.
func clauseEnd(s string, pos int, spaceSplits bool) int {
	_, e := sentenceBounds(s, pos)
	e = min(e, pos+160)
	for e < len(s) && !utf8.RuneStart(s[e]) {
		e--
	}
	for _, sep := range clauseSeps {
		if i := strings.Index(s[pos:e], sep); i >= 0 {
			e = pos + i
		}
	}
	if spaceSplits {
		if i := strings.Index(s[pos:e], " "); i >= 0 {
			e = pos + i
		}
	}
	return e
}

// spaceIsComma reports whether the script of the word at pos uses a space
// between clauses (Thai, Lao, Khmer, Burmese).
func spaceIsComma(s string, pos int) bool {
	r, _ := utf8.DecodeRuneInString(s[pos:])
	return r >= 0x0E00 && r <= 0x0EFF || r >= 0x1780 && r <= 0x17FF || r >= 0x1000 && r <= 0x109F
}

func skipSpacesBack(s string, p int) int {
	for p > 0 && (s[p-1] == ' ' || s[p-1] == '\t') {
		p--
	}
	return p
}

func skipSpaces(s string, p int) int {
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
		p++
	}
	return p
}

// burmeseNot is the Burmese negative prefix မ; burmeseNotExcept are words
// ending in it that are not the prefix (ကျွန်မ "I", သူမ "she").
const burmeseNot = "\u1019"

var burmeseNotExcept = []string{"\u1000\u103b\u103d\u1014\u103a\u1019", "\u101e\u1030\u1019", "\u1021\u1019", "\u100a\u102e\u1019", "\u1019\u1019"}

// burmeseNotPart reports whether the မ that s ends with belongs to a word
// (ကျွန်မ, သူမ) rather than negating the next one.
func burmeseNotPart(s string) bool {
	for _, ex := range burmeseNotExcept {
		if strings.HasSuffix(s, ex) {
			return true
		}
	}
	return false
}

// preNegation finds a negator before s[start:], directly or across window
// words; it returns the negator, the span from the negator to start, and
// whether one was found.
func preNegation(s string, start int) (string, int, bool) {
	if strings.HasSuffix(s[:start], burmeseNot) && !burmeseNotPart(s[:start]) {
		return burmeseNot, start - len(burmeseNot), true
	}
	p := skipSpacesBack(s, start)
	for steps := 0; steps <= 4; steps++ {
		// English "don't", "can't", "won't", "isn't"
		if q := p; q > 3 && strings.HasSuffix(s[:q], "n't") {
			b := q - 3
			for b > 0 && isWordRune(lastRune(s[:b])) {
				_, n := utf8.DecodeLastRuneInString(s[:b])
				b -= n
			}
			return s[b:q], b, true
		}
		if b, w, ok := negatorList.endsWith(s, p); ok {
			return w, b, true
		}
		if steps == 4 {
			break
		}
		b, _, ok := windowList.endsWith(s, p)
		if !ok || b == p {
			break
		}
		p = skipSpacesBack(s, b)
	}
	return "", start, false
}

// postNegation finds a negator after s[:end] ("เห็นด้วยไม่ได้", Burmese
// "ထောက်ခံမည်မဟုတ်ပါ") followed by nothing but particles.
func postNegation(s string, end int) (string, int, bool) {
	p := skipSpaces(s, end)
	for steps := 0; steps <= 3; steps++ {
		if e, w, ok := postNegList.startsWith(s, p); ok {
			q := skipSpaces(s, e)
			for q < len(s) {
				if e2, _, ok := particleList.startsWith(s, q); ok {
					q = skipSpaces(s, e2)
					continue
				}
				break
			}
			if q >= len(s) || !isWordRune(firstRune(s[q:])) {
				return w, e, true
			}
			return "", end, false
		}
		e, _, ok := postWindowList.startsWith(s, p)
		if !ok || e == p {
			break
		}
		p = skipSpaces(s, e)
	}
	return "", end, false
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// negatedReading says what a negated answer reads as: the answer, whether
// that is certain, and the answers an uncertain reading agrees with.
func negatedReading(kind Kind, a Answer) (Answer, bool, map[Answer]bool, string) {
	switch kind {
	case KindVote:
		switch a {
		case Yes:
			return No, true, nil, "negated YES reads as NO"
		case No:
			return None, false, map[Answer]bool{Yes: true, Abstain: true}, "a negated NO may mean YES or ABSTAIN"
		case Abstain:
			return None, false, map[Answer]bool{Yes: true, No: true}, "a negated ABSTAIN may mean YES or NO"
		}
	case KindOpinion:
		switch a {
		case Support:
			return Object, true, nil, "negated SUPPORT reads as OBJECT"
		case Object:
			return Support, true, nil, ruleNoObj
		case Comment:
			return None, true, nil, ruleNoComment
		}
	case KindReconfirm:
		if a == Reconfirm {
			return No, true, nil, "negated RECONFIRM reads as not reconfirming"
		}
		return None, false, map[Answer]bool{Reconfirm: true}, "a negated refusal may mean RECONFIRM"
	case KindAttend:
		if a == Attend {
			return No, true, nil, "negated ATTEND reads as not attending"
		}
		return None, false, map[Answer]bool{Attend: true}, "a negated refusal may mean ATTEND"
	}
	return None, false, nil, "negated"
}

// phraseBounds returns the phrase around pos: the text between
// punctuation marks (commas included).
func phraseBounds(s string, pos, end int) (int, int) {
	b, e := 0, len(s)
	for i := pos - 1; i >= 0; i-- {
		if strings.ContainsRune(".!?,;:。！？，；：។။()", rune(s[i])) && s[i] < utf8.RuneSelf {
			b = i + 1
			break
		}
	}
	for _, sep := range []string{"。", "！", "？", "，", "；", "：", "។", "။", "、"} {
		if i := strings.LastIndex(s[:pos], sep); i >= 0 && i+len(sep) > b {
			b = i + len(sep)
		}
		if i := strings.Index(s[end:], sep); i >= 0 && end+i < e {
			e = end + i
		}
	}
	for i := end; i < e; i++ {
		if s[i] < utf8.RuneSelf && strings.ContainsRune(".!?,;:()", rune(s[i])) {
			e = i
			break
		}
	}
	return b, e
}

// onlyFillers reports whether s, with the spans in skip removed, holds
// nothing but fillers, particles, punctuation and box marks.
func onlyFillers(s string, from, to int, skip [][2]int) bool {
	var b strings.Builder
	last := from
	for _, sp := range skip {
		if sp[1] <= from || sp[0] >= to {
			continue
		}
		if sp[0] > last {
			b.WriteString(s[last:sp[0]])
		}
		b.WriteString(" ")
		last = max(last, sp[1])
	}
	if last < to {
		b.WriteString(s[last:to])
	}
	rest := b.String()
	for p := 0; p < len(rest); {
		r, n := utf8.DecodeRuneInString(rest[p:])
		if !isWordRune(r) || r == '\'' {
			p += n
			continue
		}
		if e, _, ok := fillerList.startsWith(rest, p); ok {
			p = e
			continue
		}
		if e, _, ok := particleList.startsWith(rest, p); ok {
			p = e
			continue
		}
		if unicode.IsDigit(r) {
			p += n
			continue
		}
		return false
	}
	return true
}

// descKeys are the form descriptions, normalised for comparison.
var descKeys = func() []string {
	out := make([]string, 0, len(formDescriptions)+len(earlierDescriptions))
	for _, d := range append(append([]string(nil), formDescriptions...), earlierDescriptions...) {
		out = append(out, descKey(d))
	}
	return out
}()

func descKey(s string) string {
	s = strings.Join(strings.Fields(normalize(s)), " ")
	return strings.TrimRight(s, " .。;；:：")
}

// knownDescription reports whether s is (the start of) a description the
// forms print beside an option.
func knownDescription(s string) bool {
	k := descKey(s)
	if k == "" {
		return false
	}
	for _, d := range descKeys {
		if k == d || utf8.RuneCountInString(k) >= 8 && (strings.HasPrefix(d, k) || strings.HasPrefix(k, d) && utf8.RuneCountInString(d) >= 8) {
			return true
		}
	}
	return false
}

var optionSeps = []string{" – ", " — ", " - ", " -- ", "\t–\t", "\t-\t", " –", "\t"}

// splitOption splits a copied option line "YES / เห็นด้วย  – เห็นด้วยกับข้อเสนอ"
// into its option part and its description.
func splitOption(t string) (string, string, bool) {
	best := -1
	sepLen := 0
	for _, sep := range optionSeps {
		if i := strings.Index(t, sep); i > 0 && (best < 0 || i < best) {
			best, sepLen = i, len(sep)
		}
	}
	if best < 0 || utf8.RuneCountInString(t[:best]) > 48 {
		return "", "", false
	}
	return t[:best], strings.TrimSpace(t[best+sepLen:]), true
}
