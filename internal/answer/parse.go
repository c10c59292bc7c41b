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

// Doubt says why Parse asks again instead of recording an answer.
type Doubt string

// The doubts Parse reports.
const (
	DoubtNone        Doubt = ""
	DoubtTwoAnswers  Doubt = "two_answers"  // two different answers, e.g. "YES to the first part, NO to the second"
	DoubtNegated     Doubt = "negated"      // a negated answer word whose meaning is not certain ("we do not disagree")
	DoubtHedged      Doubt = "hedged"       // a condition or a doubt in the sentence ("if", "maybe", "ถ้า", "如果")
	DoubtQuestion    Doubt = "question"     // the answer word sits in a question
	DoubtCorrection  Doubt = "correction"   // a later sentence changes the answer ("sorry, I meant NO")
	DoubtClosingOnly Doubt = "closing_only" // answer words only in the signature, disclaimer or tagline
)

// Result is what Parse found in a reply.
type Result struct {
	Answer    Answer   // None when nothing was found, or when the reader asks again
	Ambiguous bool     // the reader asks again: two answers, or one it is not sure of (see Doubt)
	Found     []Answer // every distinct answer the answer words read as, in order
	Reasons   string   // for opinions: the author's text, kept exactly as written (trimmed only)
	Body      string   // the reply without its closing block (sign-off, signature, disclaimer, "Sent from…"), trimmed: where an objection's reasons are
	Language  string   // en, th, km, lo, my, vi, zh; "" if unknown
	Line      string   // the reply line the answer was read from, as written (trimmed); "" without an answer
	LineNo    int      // its 1-based number in the reply; 0 without an answer
	Rule      string   // the rule that gave the answer, or why the reader asks again, in plain English
	Doubt     Doubt    // why the reader asks again; DoubtClosingOnly with no answer found in what was typed
	Quote     string   // what the reader read, to quote back in a refusal: the lines holding answer words, or the reply's first line
	Option    int      // ParseOption: the option chosen (1-based); 0 for none, or ABSTAIN in Answer
	Evidence  []Evidence
}

// Evidence is one answer word the reader met and what became of it; `govbot
// inspect --explain` prints them.
type Evidence struct {
	LineNo  int    `json:"line"`    // 1-based line of the reply
	Line    string `json:"text"`    // the line, as written
	Word    string `json:"word"`    // the answer word, lower-cased
	Answer  Answer `json:"answer"`  // what it reads as ("" when it reads as nothing)
	Zone    string `json:"zone"`    // top line, body, closing block, form line
	Rule    string `json:"rule"`    // how it was read
	Counted bool   `json:"counted"` // whether it counted towards the result
}

type wordGroup struct {
	lang  string
	ans   Answer
	flags int
	list  []string
}

const (
	flagLoose = 1 << iota // English "no": counts only standing alone (see looseOK)
	flagAlone             // counts only as the whole phrase: "ใช่", "có", "是"
	flagNeg               // carries its own negation: "ไม่เห็นด้วย", "不同意"
)

type keyword struct {
	text  string // normalised: NFC, lower-case, no zero-width characters
	ans   Answer
	lang  string
	latin bool // needs word boundaries
	flags int
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
				t[k] = append(t[k], keyword{text: n, ans: g.ans, lang: g.lang, latin: isLatin(n), flags: g.flags})
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

// apostrophes folds typographic apostrophes so that "don’t" reads as "don't".
var apostrophes = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "ʼ", "'")

// normalize prepares text for keyword matching: NFC, no zero-width
// characters, plain spaces, lower-case, typographic apostrophes folded.
func normalize(s string) string {
	s = norm.NFC.String(clean(s))
	s = apostrophes.Replace(strings.ToLower(s))
	return norm.NFC.String(s)
}

// wordList is a list of normalised words, longest first, with their
// Latin-ness.
type wordList []keyword

func newWordList(ws []string) wordList {
	out := make(wordList, 0, len(ws))
	for _, w := range ws {
		n := normalize(w)
		out = append(out, keyword{text: n, latin: isLatin(n)})
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].text) > len(out[j].text) })
	return out
}

var (
	negatorList    = newWordList(negators)
	windowList     = newWordList(windowWords)
	postNegList    = newWordList(postNegators)
	postWindowList = newWordList(postWindow)
	particleList   = newWordList(particles)
	fillerList     = newWordList(fillers)
	hedgeList      = newWordList(hedges)
	questionList   = newWordList(questionWords)
	correctionList = newWordList(corrections)
	nominalBList   = newWordList(nominalBefore)
	nominalAList   = newWordList(nominalAfter)
	deferralList   = newWordList(deferrals)
	afterNegList   = newWordList([]string{"don't", "doesn't", "didn't", "can't", "won't", "wouldn't", "shouldn't", "couldn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "mustn't", "not", "never", "cannot", "neither", "nor", "unable", "ไม่", "không", "chưa", "chẳng", "khong", "不", "没", "沒", "未", "别", "別", "勿", "មិន", "ពុំ", "ບໍ່"})
	ackList        = newWordList(acknowledgements)
	doubleNegList  = newWordList([]string{"no", "without", "nothing", "none", "nobody", "never", "not", "cannot", "neither", "nor", "unable", "ไม่", "ไม่มี", "không", "chưa", "không có",
		"不", "没有", "沒有", "无", "無", "មិន", "គ្មាន", "ບໍ່"})
	distantList = newWordList([]string{"don't", "doesn't", "didn't", "can't", "won't", "wouldn't", "shouldn't", "couldn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't", "hadn't", "mustn't", "not", "never", "cannot", "neither", "nor", "unable", "hardly", "ไม่", "ยังไม่", "không", "chưa", "chẳng", "khong",
		"不能", "不会", "不會", "无法", "無法", "没有", "沒有", "不太", "不想", "不愿", "不願", "不打算", "并不", "並不", "绝不", "不是", "មិន", "ពុំ", "គ្មាន", "ບໍ່"})
)

// endsWith returns the longest word of l that s[:pos] ends with (whole
// words for Latin ones), and where it starts.
func (l wordList) endsWith(s string, pos int) (int, string, bool) {
	for _, w := range l {
		if !strings.HasSuffix(s[:pos], w.text) {
			continue
		}
		b := pos - len(w.text)
		if !w.latin && splitsCluster(s, pos) {
			continue
		}
		if w.latin {
			if r, _ := utf8.DecodeLastRuneInString(s[:b]); b > 0 && isWordRune(r) {
				continue
			}
			if r, _ := utf8.DecodeRuneInString(s[pos:]); w.text != "" && pos < len(s) && isWordRune(r) && isWordRune(lastRune(w.text)) {
				continue
			}
		}
		return b, w.text, true
	}
	return pos, "", false
}

// startsWith returns the longest word of l that s[pos:] starts with (whole
// words for Latin ones), and where it ends.
func (l wordList) startsWith(s string, pos int) (int, string, bool) {
	for _, w := range l {
		if !strings.HasPrefix(s[pos:], w.text) {
			continue
		}
		e := pos + len(w.text)
		if !w.latin && splitsCluster(s, e) {
			continue
		}
		if w.latin {
			if r, _ := utf8.DecodeRuneInString(s[e:]); e < len(s) && isWordRune(r) {
				continue
			}
			if r, _ := utf8.DecodeLastRuneInString(s[:pos]); pos > 0 && isWordRune(r) {
				continue
			}
		}
		return e, w.text, true
	}
	return pos, "", false
}

// containsIn reports the first word of l found in s[from:to] (whole words for
// Latin ones) outside the spans in skip.
func (l wordList) containsIn(s string, from, to int, skip [][2]int) (string, bool) {
	if from < 0 {
		from = 0
	}
	if to > len(s) {
		to = len(s)
	}
	for _, w := range l {
		for off := from; off < to; {
			i := strings.Index(s[off:to], w.text)
			if i < 0 {
				break
			}
			b := off + i
			e := b + len(w.text)
			off = b + 1
			for off < len(s) && !utf8.RuneStart(s[off]) {
				off++
			}
			if !w.latin && splitsCluster(s, e) {
				continue
			}
			if w.latin {
				if r, _ := utf8.DecodeLastRuneInString(s[:b]); b > 0 && isWordRune(r) {
					continue
				}
				if r, _ := utf8.DecodeRuneInString(s[e:]); e < len(s) && isWordRune(r) {
					continue
				}
			}
			inside := false
			for _, sp := range skip {
				if b < sp[1] && e > sp[0] {
					inside = true
					break
				}
			}
			if !inside {
				return w.text, true
			}
		}
	}
	return "", false
}

// splitsCluster reports whether a match ending at e in s would cut a
// syllable: the next rune is a combining mark (Thai, Lao, Khmer, Burmese
// tone and vowel marks), as "ບໍ" inside "ບໍ່".
func splitsCluster(s string, e int) bool {
	if e >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[e:])
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || r == '\''
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
		lines[i], _ = resolveBoxLine(l)
	}
	return strings.Join(lines, "\n")
}

// resolveBoxLine resolves one line's checkboxes and reports whether it held
// a ticked one.
func resolveBoxLine(l string) (string, bool) {
	locs := reAnyBox.FindAllStringIndex(l, -1)
	if locs == nil {
		return l, false
	}
	ticked := false
	var b strings.Builder
	b.WriteString(l[:locs[0][0]])
	for j, loc := range locs {
		end := len(l)
		if j+1 < len(locs) {
			end = locs[j+1][0]
		}
		box := l[loc[0]:loc[1]]
		if reTicked.MatchString(box) && !reUnticked.MatchString(box) {
			ticked = true
			b.WriteString(" ")
			b.WriteString(l[loc[1]:end])
			b.WriteString(" ")
		} else {
			b.WriteString(" ")
		}
	}
	return b.String(), ticked
}

var reDeterminer = regexp.MustCompile(`\b(a|an|our|the|my|their|his|her)\s+$`)

var reNoLead = regexp.MustCompile(`\b(vote|voting|answer|reply|response|choice|is|say|says|opinion)\s*[:\-–—]?\s*$`)

// looseOK reports whether an English "no" stands alone: the rest of its
// line is empty or starts with punctuation or "to" ("NO to the second
// part"), or a "vote:" or similar leads in. This keeps "no problem" and "no
// comments" from counting as a vote, and "No. 12 Main Road" too.
func looseOK(text string, start, end int) bool {
	rest := text[end:min(len(text), end+16)]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, ".") && len(strings.TrimLeft(rest[1:], " ")) > 0 && unicode.IsDigit(rune(strings.TrimLeft(rest[1:], " ")[0])) {
		return false // "No. 12", "no.5"
	}
	rest = strings.TrimLeft(rest, " \t")
	if rest == "" || strings.ContainsAny(rest[:1], ".!?,;:)-/") || strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "—") {
		return true
	}
	if strings.HasPrefix(rest, "to ") || strings.HasPrefix(rest, "on ") || strings.HasPrefix(rest, "for ") {
		return true
	}
	if strings.HasPrefix(rest, "vote") && reDeterminer.MatchString(text[max(0, start-12):start]) {
		return true // "a NO vote", "our no vote"
	}
	lead := text[max(0, start-32):start]
	if i := strings.LastIndexByte(lead, '\n'); i >= 0 {
		lead = lead[i+1:]
	}
	return reNoLead.MatchString(lead)
}
