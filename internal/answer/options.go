package answer

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseOption reads which option of an options ballot a reply (ReplyText's
// output) chooses: 1-based in Result.Option, or ABSTAIN in Result.Answer.
//
// An option is chosen by its number (in any script: 2, ๒, ២, ၂, 二, "option 2",
// "第二"), by its text, or by a part of its text that no other option shares
// ("Phnom" for "Phnom Penh"). The rules of Parse apply: the closing block
// (signature, disclaimer, taglines) never chooses; the reader reads the lines
// from the top and stops at the first that names an option; a line that names two
// options, a negated option ("not Bangkok") or a question is ambiguous and the
// member is asked again; so is a reply naming another option further down.
func ParseOption(reply string, options []string) Result {
	var res Result
	reply = strings.ReplaceAll(strings.ReplaceAll(reply, "\r\n", "\n"), "\r", "\n")
	raws := strings.Split(reply, "\n")
	if len(raws) > maxLines {
		raws = raws[:maxLines]
	}
	lines := make([]pline, len(raws))
	for i, r := range raws {
		lines[i] = readLine(r)
	}
	keys := optionKeys(options)
	// First find every line naming an option, so that the zones treat such a line
	// as an answer line (a short "Phnom Penh" is not a signature's name).
	type hit struct {
		found   map[int]bool
		negated string
		n       int
	}
	hits := make([]hit, len(lines))
	var ms []mention
	for i := range lines {
		l := lines[i]
		if l.skip {
			continue
		}
		text := strings.ToLower(l.raw)
		h := hit{found: map[int]bool{}}
		if n, ok := optionNumber(text, len(options)); ok {
			h.found[n] = true
			ms = append(ms, mention{line: i, start: 0, end: len(lines[i].text)})
		}
		for n, ks := range keys {
			for _, k := range ks {
				if pos := wordIndex(text, k); pos >= 0 {
					h.found[n+1] = true
					if neg, _, ok := preNegation(text, pos); ok && neg != "" {
						h.negated, h.n = neg, n+1
					}
					if b := strings.Index(strings.ToLower(lines[i].text), k); b >= 0 {
						ms = append(ms, mention{line: i, start: b, end: b + len(k)})
					} else {
						ms = append(ms, mention{line: i, start: 0, end: len(lines[i].text)})
					}
					break
				}
			}
		}
		hits[i] = h
	}
	zoneLines(lines, raws, ms)
	var chosen []int // the options named, in order
	first := -1
	for i := range lines {
		l, h := lines[i], hits[i]
		if l.skip || l.zone == zoneClosing || l.zone == zoneBanner || len(h.found) == 0 {
			continue
		}
		if first < 0 {
			first = i
		}
		if h.negated != "" {
			res.Ambiguous, res.Doubt = true, DoubtNegated
			res.Rule = fmt.Sprintf("option %d is negated (%q)", h.n, h.negated)
		}
		if len(h.found) > 1 {
			res.Ambiguous, res.Doubt = true, DoubtTwoAnswers
			res.Rule = "the line names more than one option"
		}
		if strings.ContainsAny(l.raw, "?？") {
			res.Ambiguous, res.Doubt = true, DoubtQuestion
			res.Rule = "the option is named in a question"
		}
		for n := range h.found {
			if !containsInt(chosen, n) {
				chosen = append(chosen, n)
			}
		}
	}
	// A different option named lower down, even where the zones see a closing
	// block, makes the reply doubtful unless that line is plainly a signature's
	// (an address, a phone number, an organisation).
	for i := range lines {
		l, h := lines[i], hits[i]
		if l.skip || l.zone != zoneClosing || len(h.found) == 0 || signatureDetail(l.raw) {
			continue
		}
		for n := range h.found {
			if len(chosen) > 0 && !containsInt(chosen, n) {
				res.Ambiguous, res.Doubt = true, DoubtCorrection
				res.Rule = fmt.Sprintf("a later line names option %d", n)
			}
		}
	}
	if len(chosen) > 1 && !res.Ambiguous {
		res.Ambiguous, res.Doubt = true, DoubtTwoAnswers
		res.Rule = "the reply names more than one option"
	}
	if res.Ambiguous {
		res.Quote = quoteLine(lines, first)
		return res
	}
	if len(chosen) == 1 {
		res.Option = chosen[0]
		res.Line, res.LineNo = lines[first].raw, first+1
		res.Rule = fmt.Sprintf("option %d named on the first line that names one", chosen[0])
		// An ABSTAIN beside the option makes two answers.
		if v := Parse(reply, KindVote); v.Answer == Abstain {
			res.Option, res.Ambiguous, res.Doubt = 0, true, DoubtTwoAnswers
			res.Rule = "the reply names an option and ABSTAIN"
		}
		return res
	}
	// No option named: ABSTAIN, read as in a YES/NO vote.
	v := Parse(reply, KindVote)
	switch {
	case v.Answer == Abstain:
		v.Found = []Answer{Abstain}
		return v
	case v.Answer == Yes || v.Answer == No:
		res.Ambiguous, res.Doubt = true, DoubtTwoAnswers
		res.Rule = "the reply says " + strings.ToUpper(string(v.Answer)) + ", but this ballot asks to choose an option"
		res.Line, res.Quote = v.Line, v.Line
		return res
	}
	res.Ambiguous, res.Doubt, res.Rule, res.Quote = v.Ambiguous, v.Doubt, v.Rule, v.Quote
	return res
}

// signatureDetail reports whether a line reads as a signature's detail: it holds
// a number (an address, a phone), an address or a web link.
func signatureDetail(s string) bool {
	return strings.ContainsAny(s, "0123456789@") || strings.Contains(strings.ToLower(s), "www.") || strings.Contains(s, "://")
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

func quoteLine(lines []pline, i int) string {
	if i >= 0 && i < len(lines) {
		return lines[i].raw
	}
	return ""
}

// optionKeys returns, for each option, the texts that name it: the whole text,
// and each word (at least 4 letters, or 2 characters of a script without
// spaces) that no other option contains.
func optionKeys(options []string) [][]string {
	norm := make([]string, len(options))
	for i, o := range options {
		norm[i] = strings.ToLower(strings.Join(strings.Fields(o), " "))
	}
	keys := make([][]string, len(options))
	for i, o := range norm {
		keys[i] = append(keys[i], o)
		for _, w := range strings.FieldsFunc(o, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) }) {
			if !distinctive(w) {
				continue
			}
			unique := true
			for j, other := range norm {
				if j != i && strings.Contains(other, w) {
					unique = false
					break
				}
			}
			if unique && !containsString(keys[i], w) {
				keys[i] = append(keys[i], w)
			}
		}
	}
	return keys
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// distinctive reports whether w is long enough to name an option by itself.
func distinctive(w string) bool {
	n := utf8.RuneCountInString(w)
	r, _ := utf8.DecodeRuneInString(w)
	if unicode.In(r, unicode.Han, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) {
		return n >= 2
	}
	return n >= 4
}

// wordIndex finds k in text as a whole word (for scripts with spaces), or
// anywhere (for scripts without); -1 if absent.
func wordIndex(text, k string) int {
	from := 0
	for {
		i := strings.Index(text[from:], k)
		if i < 0 {
			return -1
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(k):])
		first, _ := utf8.DecodeRuneInString(k)
		spaced := !unicode.In(first, unicode.Han, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
		if !spaced || (i == 0 || !isLetterOrDigit(before)) && (i+len(k) == len(text) || !isLetterOrDigit(after)) {
			return i
		}
		from = i + len(k)
	}
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// optionWords introduce an option's number ("option 2", "ตัวเลือก 2").
var optionWords = []string{"option", "choice", "number", "no.", "#", "số", "phương án", "lựa chọn", "ตัวเลือก", "ข้อ", "ជម្រើស", "លេខ", "ທາງເລືອກ", "ຂໍ້", "ရွေးချယ်မှု", "နံပါတ်", "选项", "選項", "第"}

var hanDigits = map[rune]int{'一': 1, '二': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

// optionNumber finds an option's number in a line: the line's first word, a line
// that is a number, or a number after one of optionWords. Digits of any script
// count; so do the Chinese numerals one to nine after 第 or 选项.
func optionNumber(text string, n int) (int, bool) {
	tokens := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(".,:;()[]!。，：；（）、-–", r)
	})
	num := func(tok string) (int, bool) {
		tok = strings.Trim(tok, "#*\"'“”")
		if utf8.RuneCountInString(tok) != 1 {
			return 0, false
		}
		r, _ := utf8.DecodeRuneInString(tok)
		d := -1
		if v, ok := hanDigits[r]; ok {
			d = v
		} else if unicode.IsDigit(r) {
			d = digitValue(r)
		}
		return d, d >= 1 && d <= n
	}
	if len(tokens) == 0 {
		return 0, false
	}
	if d, ok := num(tokens[0]); ok {
		return d, true
	}
	for _, w := range optionWords {
		from := 0
		for {
			i := strings.Index(text[from:], w)
			if i < 0 {
				break
			}
			from += i + len(w)
			// "option 2", "phương án 3", "第2", "选项 2", "#2"
			rest := strings.FieldsFunc(text[from:], func(r rune) bool {
				return unicode.IsSpace(r) || strings.ContainsRune(".,:;()[]!。，：；（）、-–", r)
			})
			if len(rest) > 0 {
				if d, ok := num(rest[0]); ok {
					return d, true
				}
				// "第二个" and the like: the first character after the word
				if r, _ := utf8.DecodeRuneInString(rest[0]); hanDigits[r] > 0 && hanDigits[r] <= n {
					return hanDigits[r], true
				}
			}
		}
	}
	return 0, false
}

// digitValue is the value of a decimal digit of any script.
func digitValue(r rune) int {
	for _, zero := range []rune{'0', '๐', '໐', '០', '၀', '０'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero)
		}
	}
	return -1
}
