// Package forms reads the application forms printed at the end of the Terms
// of Partnership — regular membership (ToP 6.1-6.3), associate organisation
// and associate individual (6.5) — from a mail body or a .docx attachment.
// It owns the forms' labels in English and the region's languages, reads
// "Label: value" lines, "[x]" checklists and the commitment, tells which form
// it is, and names what is missing. It knows nothing of mail or the roster.
package forms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind is which of the ToP's forms was filled in.
type Kind string

// The forms at the end of the ToP.
const (
	Unknown             Kind = ""
	Regular             Kind = "regular"              // application for regular membership (6.1)
	AssociateOrg        Kind = "associate_org"        // associate application for organisations (6.5)
	AssociateIndividual Kind = "associate_individual" // associate application for individuals (6.5)
)

// Field is one field of a form with its label in some language.
type Field struct{ Key, Label, Value string }

// Form is what Parse read.
type Form struct {
	Kind Kind
	// Fields holds every non-empty field found, by key, trimmed and
	// otherwise exactly as written (NFC). The first non-empty value of a
	// label wins: the signature block repeating "Chairperson/chief officer"
	// does not overwrite the field above it.
	Fields map[string]string
	// Checked holds the checklist items seen: true for ticked, false for a
	// box left empty. An item never mentioned is absent.
	Checked map[string]bool
	// Language is the language most of the labels found were written in:
	// en, th, km, lo, my, vi or zh; "" when no label was found.
	Language string
	// Missing lists, in form order, the keys RequiredKeys(Kind) gives that
	// are empty or unticked.
	Missing []string
	// TooLong lists, in form order, the keys whose value was longer than
	// MaxLen allows. Such a value is not taken: the field is left out of
	// Fields (and so is Missing when required).
	TooLong []string
	// Problems says, in plain English, what was not taken and why, naming
	// each field by its English label: `"Name of organization" is 812
	// characters long; at most 200 are accepted`.
	Problems []string
}

// Length limits of the forms' fields, in characters (Unicode code points,
// counted after NFC). A longer value is refused: see Form.TooLong.
const (
	// MaxNameLen bounds a name: of the organisation (org_name), of a person
	// (name, chair, contact_name, alternate_name) and of the endorsing
	// member (endorser).
	MaxNameLen = 200
	// MaxLineLen bounds the other single-line fields: email addresses,
	// country, phone, fax, website, year founded and annual income.
	MaxLineLen = 500
	// MaxTextLen bounds the free-text fields that may run over several
	// lines: org_description, address, activities, expertise and networks.
	MaxTextLen = 5000
	// MaxFormText bounds the text Parse reads, in bytes (512 KB; a filled-in
	// form is some 10 KB): the rest is not read.
	MaxFormText = 512 << 10
)

// MaxLen returns the length limit of the field key, in characters:
// MaxNameLen, MaxLineLen or MaxTextLen; 0 for a checklist item or a key it
// does not know.
func MaxLen(key string) int {
	i, ok := defIndex[key]
	switch {
	case !ok || key == office || defs[i].check:
		return 0
	case defs[i].multi:
		return MaxTextLen
	}
	switch key {
	case "org_name", "name", "chair", "contact_name", "alternate_name", "endorser":
		return MaxNameLen
	}
	return MaxLineLen
}

// The keys of each form, in form order.
var (
	required = map[Kind][]string{
		Regular: {"org_name", "chair", "contact_name", "contact_email", "alternate_name", "alternate_email", "country",
			"doc_constitution", "doc_annual_report", "doc_endorsement", "agree_top"},
		AssociateOrg:        {"org_name", "org_description", "chair", "contact_name", "contact_email", "country", "agree_top"},
		AssociateIndividual: {"name", "email", "country", "expertise", "agree_top"},
	}
	optional = map[Kind][]string{
		Regular: {"address", "phone", "fax", "website", "founded", "annual_income_usd", "activities", "networks", "endorser"},
		AssociateOrg: {"alternate_name", "alternate_email", "address", "phone", "fax", "website", "founded",
			"annual_income_usd", "activities", "networks"},
		AssociateIndividual: {"address", "phone", "website", "networks"},
	}
)

// RequiredKeys returns the keys a form of kind k must fill, in form order:
// the fields of the ToP's form, the country (the roster needs one for every
// entry), for a regular member the alternate (5.1.3) and the three
// documents (6.1, 6.3), and for every kind the commitment to the ToP (6.2).
// For Unknown it returns every key any form requires, in form order, so
// that unreadable input has everything missing.
func RequiredKeys(k Kind) []string {
	if r, ok := required[k]; ok {
		return slices.Clone(r)
	}
	var out []string
	for _, d := range defs {
		for _, r := range required {
			if slices.Contains(r, d.key) {
				out = append(out, d.key)
				break
			}
		}
	}
	return out
}

// OptionalKeys returns the keys a form of kind k may fill besides
// RequiredKeys, in form order; nil for Unknown.
func OptionalKeys(k Kind) []string { return slices.Clone(optional[k]) }

// Label returns the label of key in lang (en, th, km, lo, my, vi, zh;
// "zh-Hant", "zh-TW" or "zh-HK" for traditional characters), falling back
// to English, and to the key itself for a key it does not know. The
// non-English labels are machine-drafted (see labels.go).
func Label(key, lang string) string {
	i, ok := defIndex[key]
	if !ok || key == office {
		return key
	}
	if l, ok := defs[i].label[langTag(lang)]; ok {
		return l
	}
	if l, ok := defs[i].label["en"]; ok {
		return l
	}
	return key
}

// List returns the form's fields in form order, labelled in lang.
func (f Form) List(lang string) []Field {
	var out []Field
	for _, d := range defs {
		if v, ok := f.Fields[d.key]; ok && !d.check {
			out = append(out, Field{Key: d.key, Label: Label(d.key, lang), Value: v})
		}
	}
	return out
}

func langTag(lang string) string {
	l := strings.ToLower(strings.ReplaceAll(lang, "_", "-"))
	switch {
	case l == "zh-hant" || strings.HasPrefix(l, "zh-hant-") || l == "zh-tw" || l == "zh-hk" || l == "zh-mo":
		return "zh-Hant"
	case len(l) > 2 && l[2] == '-':
		return l[:2]
	}
	return l
}

// defIndex maps a key to its index in defs.
var defIndex = map[string]int{}

// alias is one label spelling, folded.
type alias struct {
	text  string
	key   string
	lang  string
	latin bool // ends in a Latin letter or digit: needs a word boundary after it
}

var (
	aliasesByFirst = map[rune][]alias{}
	checkKW        []alias // checklist keywords, longest first
)

func init() {
	for i, d := range defs {
		defIndex[d.key] = i
	}
	seen := map[string]bool{}
	add := func(text, key, lang string) {
		text = foldString(text)
		if text == "" || seen[text] {
			return
		}
		seen[text] = true
		if lang == "zh-Hant" {
			lang = "zh"
		}
		r, _ := utf8.DecodeRuneInString(text)
		last, _ := utf8.DecodeLastRuneInString(text)
		aliasesByFirst[r] = append(aliasesByFirst[r], alias{text, key, lang, isLatinWord(last)})
	}
	for _, d := range defs {
		for _, lang := range sortedKeys(d.label) {
			add(d.label[lang], d.key, lang)
		}
		for _, lang := range sortedKeys(d.alias) {
			for _, a := range d.alias[lang] {
				add(a, d.key, lang)
			}
		}
	}
	// "Annual income" of "Annual income (USD)", unless it is another
	// field's label ("Email" of "Email (contact person)").
	for _, d := range defs {
		for _, lang := range sortedKeys(d.label) {
			if j := strings.IndexAny(d.label[lang], "(（"); j > 0 {
				add(strings.TrimSpace(d.label[lang][:j]), d.key, lang)
			}
		}
	}
	for _, d := range defs {
		for _, lang := range sortedKeys(d.kw) {
			for _, w := range d.kw[lang] {
				last, _ := utf8.DecodeLastRuneInString(w)
				checkKW = append(checkKW, alias{foldString(w), d.key, lang, isLatinWord(last)})
			}
		}
	}
	for r, as := range aliasesByFirst {
		slices.SortStableFunc(as, func(a, b alias) int { return len(b.text) - len(a.text) })
		aliasesByFirst[r] = as
	}
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func isLatinWord(r rune) bool {
	return r < 0x0250 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r >= 0x1E00 && r <= 0x1EFF
}

// fold makes a rune comparable: lower case, full-width and typographic
// punctuation as ASCII.
func fold(r rune) rune {
	switch r {
	case '（':
		return '('
	case '）':
		return ')'
	case '：':
		return ':'
	case '’', '‘', 'ʼ':
		return '\''
	case '‐', '‑', '–', '—':
		return '-'
	case '／':
		return '/'
	case '\u00a0':
		return ' '
	}
	return unicode.ToLower(r)
}

func foldString(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFC.String(s) {
		r = fold(r)
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// foldPrefix reports whether s starts with the folded text p, and how many
// bytes of s it covers. A space in p matches any run of white space in s,
// or none.
func foldPrefix(s, p string) (int, bool) {
	i := 0
	for _, pr := range p {
		if pr == ' ' {
			for i < len(s) {
				r, n := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r) {
					break
				}
				i += n
			}
			continue
		}
		if i >= len(s) {
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if fold(r) != pr {
			return 0, false
		}
		i += n
	}
	return i, true
}

// containsWord reports whether the folded line contains the folded word w,
// standing alone when w is Latin.
func containsWord(line, w string) bool {
	for off := 0; ; {
		j := strings.Index(line[off:], w)
		if j < 0 {
			return false
		}
		j += off
		end := j + len(w)
		before, _ := utf8.DecodeLastRuneInString(line[:j])
		after, _ := utf8.DecodeRuneInString(line[end:])
		first, _ := utf8.DecodeRuneInString(w)
		last, _ := utf8.DecodeLastRuneInString(w)
		if (j == 0 || !isLatinWord(first) || !isLatinWord(before)) &&
			(end == len(line) || !isLatinWord(last) || !isLatinWord(after)) {
			return true
		}
		off = j + 1
		for off < len(line) && !utf8.RuneStart(line[off]) {
			off++
		}
	}
}

// wordList is a list of words, folded once.
type wordList []string

func words(byLang map[string][]string) wordList {
	var out wordList
	for _, lang := range sortedKeys(byLang) {
		out = append(out, list(byLang[lang]...)...)
	}
	return out
}

func list(ws ...string) wordList {
	out := make(wordList, 0, len(ws))
	for _, w := range ws {
		if w = foldString(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// in reports whether the folded line contains one of the words.
func (l wordList) in(line string) bool {
	for _, w := range l {
		if containsWord(line, w) {
			return true
		}
	}
	return false
}

var (
	assocList, indivList, orgList, regularList = words(associateWords), words(individualWords), words(organisationWords), words(regularWords)
	topList, negList, yesList                  = list(topWords...), list(negations...), list(yesWords...)
	mmnList                                    = list("mmn")
)

var (
	reTicked   = regexp.MustCompile(`^(\[[\s\x{a0}]*[xX✓✔✗✘vV*●■][\s\x{a0}]*\]|\([\s\x{a0}]*[xX✓✔●][\s\x{a0}]*\)|[☑☒✅✓✔⊠])$`)
	reAnyBox   = regexp.MustCompile(`\[[\s\x{a0}]*[xX✓✔✗✘vV*●■]?[\s\x{a0}]*\]|\([\s\x{a0}]*[xX✓✔●]?[\s\x{a0}]*\)|[☑☒✅✓✔⊠☐□]`)
	reLoneBox  = regexp.MustCompile(`^\s*(` + reAnyBox.String() + `)\s*$`)
	reBullet   = regexp.MustCompile(`^(\(?[0-9]{1,3}[.)]+|[0-9]{1,3}\s*[-–]\s|[a-hA-H][.)]\s|[-*•·▪‣◦➢►]+)\s*`)
	reBlank    = regexp.MustCompile(`^[\s_.…·\-–—=]*$`)
	reParenOly = regexp.MustCompile(`^[(（][^)）]*[)）]$`)
	reStop     = regexp.MustCompile(`^((we|i)\s+(hereby\s+)?(confirm|agree|commit)|all of the following|for (membership|associate) application|(mmn\s+)?membership confirmed|begin forwarded message|-+\s*(forwarded|original) message|on .* wrote:$|(from|sent|to|subject|cc|date)\s*:|-- ?$)`)
	zeroWidth  = strings.NewReplacer("\u200b", "", "\u2060", "", "\ufeff", "", "\r\n", "\n", "\r", "\n")
)

// prepare turns text into lines: NFC, zero-width characters dropped, quote
// markers ("> ", any depth) removed, and table rows ("a | b", "a\tb") split
// into one line per cell, a lone checkbox cell joined to its neighbour.
func prepare(text string) []string {
	text = zeroWidth.Replace(norm.NFC.String(text))
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		line = unquote(line)
		out = append(out, cells(line)...)
	}
	return out
}

func unquote(line string) string {
	for {
		t := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(t, ">") {
			return line
		}
		line = strings.TrimPrefix(strings.TrimPrefix(t, ">"), " ")
	}
}

func cells(line string) []string {
	t := strings.TrimSpace(line)
	var cs []string
	switch {
	case strings.Contains(t, "\t"):
		cs = strings.Split(t, "\t")
	case strings.HasPrefix(t, "|") || strings.HasSuffix(t, "|") || strings.Contains(t, " | "):
		cs = strings.Split(strings.Trim(t, "|"), "|")
	default:
		return []string{line}
	}
	var out []string
	for _, c := range cs {
		c = strings.TrimSpace(c)
		if c == "" || strings.Trim(c, "-+=: ") == "" {
			continue
		}
		out = append(out, c)
	}
	for i := 0; i < len(out); i++ {
		if !reLoneBox.MatchString(out[i]) {
			continue
		}
		switch {
		case i+1 < len(out) && !reLoneBox.MatchString(out[i+1]):
			out[i+1] = out[i] + " " + out[i+1]
			out = slices.Delete(out, i, i+1)
			i--
		case i > 0:
			out[i-1] = out[i-1] + " " + out[i]
			out = slices.Delete(out, i, i+1)
			i--
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// label reports whether line (bullet already stripped) opens with a known
// label followed by ":" (or the line's end), and what follows.
func label(line string) (key, lang, rest string, ok bool) {
	r, _ := utf8.DecodeRuneInString(line)
	for _, a := range aliasesByFirst[fold(r)] {
		n, ok := foldPrefix(line, a.text)
		if !ok {
			continue
		}
		if a.latin {
			if next, _ := utf8.DecodeRuneInString(line[n:]); n < len(line) && isLatinWord(next) {
				continue
			}
		}
		if rest, ok := afterLabel(line[n:]); ok {
			return a.key, a.lang, rest, true
		}
	}
	return "", "", "", false
}

// afterLabel accepts what may follow a label: white space, parenthesised
// notes ("(if any)", "（如有）"), a star, then ":" or "=" and the value, or
// nothing at all.
func afterLabel(s string) (string, bool) {
	for {
		s = strings.TrimLeft(s, " \t\u00a0*")
		switch {
		case s == "":
			return "", true
		case strings.HasPrefix(s, "("), strings.HasPrefix(s, "（"):
			j := strings.IndexAny(s, ")）")
			if j < 0 {
				return "", false
			}
			_, n := utf8.DecodeRuneInString(s[j:])
			s = s[j+n:]
		case strings.HasPrefix(s, ":"), strings.HasPrefix(s, "="):
			return strings.TrimSpace(s[1:]), true
		case strings.HasPrefix(s, "："):
			return strings.TrimSpace(s[len("："):]), true
		default:
			return "", false
		}
	}
}

func cleanValue(v string) string {
	v = strings.TrimSpace(v)
	if reBlank.MatchString(v) {
		return ""
	}
	return strings.TrimSpace(strings.Trim(v, "_"))
}

func stripBullet(t string) string {
	if reAnyBox.FindStringIndex(t) != nil && reAnyBox.FindStringIndex(t)[0] == 0 {
		return t
	}
	return reBullet.ReplaceAllString(t, "")
}

// parser holds the state of one Parse.
type parser struct {
	lines   []string
	fields  map[string]string
	seen    map[string]bool // labels seen, filled or not
	checked map[string]bool
	boxed   map[string]bool // checklist items seen with a box
	langs   map[string]int
	agree   int // +1 commitment text seen, -1 negated

	// title words seen
	assoc, indiv, org, regular bool
}

// Parse reads a form from a mail body: "Label: value" lines, or a label
// alone on its line with the value on the next ("Label\nvalue"), numbered
// or bulleted ("1. Name of organisation: …"), tables flattened to text
// (cells split by tabs or "|"), and checklists ("[x]", "[X]", "(x)", "☒",
// "☑", "✓" ticked; "[ ]", "( )", "☐" not). Quote markers ("> ", any depth)
// are removed first, so a form pasted in a forwarded or quoted mail reads
// the same; a caller reading a reply to the bot should pass only the new
// text (answer.ReplyText). A label given twice keeps its first non-empty
// value. A bare "Email:" belongs to the contact or alternate named just
// above it; when a form gives a contact's address only inside the name
// ("Jane Doe <jane@x.org>"), that address is the contact's email.
//
// The commitment (agree_top) is ticked by a ticked box on an agreement line
// or, with no such box, by the form's own text of agreement ("We agree to
// the above basic framework principles and Terms of Partnership…").
//
// Parse reads at most the first MaxFormText bytes of text (a Problem says
// so when there is more); a value longer than MaxLen allows is refused (see
// Form.TooLong).
func Parse(text string) Form {
	cut := false
	if len(text) > MaxFormText {
		text, cut = text[:MaxFormText], true
		if i := strings.LastIndexByte(text, '\n'); i > 0 {
			text = text[:i]
		}
	}
	p := &parser{
		lines:   prepare(text),
		fields:  map[string]string{},
		seen:    map[string]bool{},
		checked: map[string]bool{},
		boxed:   map[string]bool{},
		langs:   map[string]int{},
	}
	person := ""
	for i := 0; i < len(p.lines); i++ {
		t := strings.TrimSpace(p.lines[i])
		if t == "" {
			continue
		}
		s := stripBullet(t)
		if key, lang, rest, ok := label(s); ok && !(rest == "" && defs[defIndex[key]].check) {
			p.langs[lang]++
			i = p.field(i, key, rest, &person)
			continue
		}
		if p.boxes(t) {
			continue
		}
		p.plain(t)
	}
	f := p.finish()
	if cut {
		f.Problems = append(f.Problems, fmt.Sprintf("the text is longer than %d KB; only its first %d KB were read", MaxFormText>>10, MaxFormText>>10))
	}
	return f
}

// field records the label key at line i with rest, reading the value from
// the lines after it when rest is empty; it returns the last line used.
func (p *parser) field(i int, key, rest string, person *string) int {
	if key == office {
		return i
	}
	p.seen[key] = true
	d := defs[defIndex[key]]
	if d.check {
		if rest != "" {
			p.boxed[key] = true
			p.checked[key] = p.checked[key] || isYes(rest)
		}
		return i
	}
	value := cleanValue(rest)
	if value == "" {
		blanks := 0
		for j := i + 1; j < len(p.lines); j++ {
			t := strings.TrimSpace(p.lines[j])
			if t == "" {
				if blanks++; blanks > 2 || value != "" {
					break
				}
				continue
			}
			if reParenOly.MatchString(t) && value == "" {
				i = j
				continue
			}
			if !p.isValue(t) {
				break
			}
			if v := cleanValue(t); v != "" {
				value = joinLine(value, v)
			}
			i = j
			if !d.multi && value != "" {
				break
			}
		}
	} else if d.multi {
		for j := i + 1; j < len(p.lines); j++ {
			t := strings.TrimSpace(p.lines[j])
			if t == "" || !p.isValue(t) {
				break
			}
			value = joinLine(value, cleanValue(t))
			i = j
		}
	}
	switch key {
	case "email":
		switch *person {
		case "contact_name":
			if p.fields["contact_email"] == "" {
				key = "contact_email"
			}
		case "alternate_name":
			if p.fields["alternate_email"] == "" {
				key = "alternate_email"
			}
		}
	case "contact_name", "alternate_name", "chair", "name", "org_name":
		*person = key
	}
	if value != "" && p.fields[key] == "" {
		p.fields[key] = value
	}
	return i
}

func joinLine(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "\n" + b
}

// isValue reports whether line t can be a value: not a label, a checklist
// line, the form's boilerplate or a title.
func (p *parser) isValue(t string) bool {
	if _, _, _, ok := label(stripBullet(t)); ok {
		return false
	}
	if reAnyBox.MatchString(t) && p.boxKey(t) != "" {
		return false
	}
	f := foldString(t)
	if reStop.MatchString(f) {
		return false
	}
	if mmnList.in(f) && (assocList.in(f) || regularList.in(f)) {
		return false
	}
	return true
}

func (p *parser) boxKey(t string) string {
	for _, loc := range reAnyBox.FindAllStringIndex(t, -1) {
		if k, _ := checkKey(t[loc[1]:]); k != "" {
			return k
		}
		if k, _ := checkKey(t[:loc[0]]); k != "" {
			return k
		}
	}
	return ""
}

// boxes reads the checkboxes on line t; each box governs the text up to the
// next box, or, for a box at the end of the line, the text before it.
func (p *parser) boxes(t string) bool {
	locs := reAnyBox.FindAllStringIndex(t, -1)
	if locs == nil {
		return false
	}
	found := false
	for j, loc := range locs {
		end := len(t)
		if j+1 < len(locs) {
			end = locs[j+1][0]
		}
		item := t[loc[1]:end]
		if strings.TrimSpace(item) == "" && len(locs) == 1 {
			item = t[:loc[0]]
		}
		key, lang := checkKey(item)
		if key == "" {
			continue
		}
		ticked := reTicked.MatchString(t[loc[0]:loc[1]])
		if key == "agree_top" && ticked && hasNegation(item) {
			ticked = false
		}
		found = true
		p.seen[key] = true
		p.boxed[key] = true
		p.checked[key] = p.checked[key] || ticked
		p.langs[lang]++
	}
	return found
}

// checkKey finds the checklist item that text names.
func checkKey(text string) (key, lang string) {
	f := foldString(text)
	if f == "" {
		return "", ""
	}
	for _, k := range checkKW {
		if containsWord(f, k.text) {
			return k.key, k.lang
		}
	}
	return "", ""
}

func hasNegation(text string) bool { return negList.in(foldString(text)) }

// plain reads a line that is neither a label nor a checklist: titles and
// the commitment text.
func (p *parser) plain(t string) {
	f := foldString(t)
	p.assoc = p.assoc || assocList.in(f)
	p.indiv = p.indiv || indivList.in(f)
	p.org = p.org || orgList.in(f)
	p.regular = p.regular || regularList.in(f)
	if k, lang := checkKey(t); k == "agree_top" && topList.in(f) {
		p.langs[lang]++
		if hasNegation(t) {
			p.agree = -1
		} else if p.agree == 0 {
			p.agree = 1
		}
	}
}

func (p *parser) kind() Kind {
	s := p.seen
	docs := s["doc_constitution"] || s["doc_annual_report"] || s["doc_endorsement"]
	orgLabels := s["org_name"] || s["org_description"] || s["chair"] || s["contact_name"]
	switch {
	case p.assoc && p.indiv:
		return AssociateIndividual
	case p.assoc && (p.org || orgLabels):
		return AssociateOrg
	case p.assoc && (s["name"] || s["expertise"]):
		return AssociateIndividual
	case p.assoc:
		return Unknown
	case p.regular:
		return Regular
	case s["expertise"] || s["name"] && !orgLabels:
		return AssociateIndividual
	case s["org_description"] && !docs:
		return AssociateOrg
	case orgLabels || s["alternate_name"] || docs:
		return Regular
	}
	return Unknown
}

var reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

func (p *parser) finish() Form {
	f := Form{Kind: p.kind(), Fields: p.fields, Checked: p.checked}
	f.limit()
	move := func(to, from string) {
		if f.Fields[to] == "" && f.Fields[from] != "" {
			f.Fields[to] = f.Fields[from]
			delete(f.Fields, from)
		}
	}
	fromName := func(to, name string) {
		if f.Fields[to] == "" {
			if m := reEmail.FindString(f.Fields[name]); m != "" {
				f.Fields[to] = m
			}
		}
	}
	switch f.Kind {
	case AssociateIndividual:
		move("email", "contact_email")
		fromName("email", "name")
	default:
		move("contact_email", "email")
		fromName("contact_email", "contact_name")
		fromName("alternate_email", "alternate_name")
	}
	if !p.boxed["agree_top"] && p.agree != 0 {
		f.Checked["agree_top"] = p.agree > 0
	}
	best := 0
	for _, l := range []string{"th", "km", "lo", "my", "vi", "zh", "en"} {
		if p.langs[l] > best {
			best, f.Language = p.langs[l], l
		}
	}
	for _, k := range RequiredKeys(f.Kind) {
		if defs[defIndex[k]].check {
			if !f.Checked[k] {
				f.Missing = append(f.Missing, k)
			}
		} else if f.Fields[k] == "" {
			f.Missing = append(f.Missing, k)
		}
	}
	return f
}

func isYes(v string) bool {
	if m := reAnyBox.FindString(v); m != "" {
		return reTicked.MatchString(m)
	}
	f := foldString(v)
	for _, w := range yesList {
		if f == w || strings.HasPrefix(f, w) && !isLatinWord(firstRune(f[len(w):])) {
			return true
		}
	}
	return false
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// limit cleans each value of control characters (a line break kept in the
// fields that run over several lines) and refuses those longer than MaxLen,
// in form order.
func (f *Form) limit() {
	for _, d := range defs {
		v, ok := f.Fields[d.key]
		if !ok {
			continue
		}
		v = strings.TrimSpace(dropControls(v, d.multi))
		if v == "" {
			delete(f.Fields, d.key)
			continue
		}
		if n, max := utf8.RuneCountInString(v), MaxLen(d.key); n > max {
			delete(f.Fields, d.key)
			f.TooLong = append(f.TooLong, d.key)
			f.Problems = append(f.Problems, fmt.Sprintf("%q is %d characters long; at most %d are accepted", Label(d.key, "en"), n, max))
			continue
		}
		f.Fields[d.key] = v
	}
}

// dropControls removes C0 and C1 control characters from v, turning a tab
// or CR into a space, and a line feed too unless keepLF is set.
func dropControls(v string, keepLF bool) string {
	out := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepLF:
			return r
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			return -1
		}
		return r
	}, v)
	if out != v {
		out = norm.NFC.String(out)
	}
	return out
}
