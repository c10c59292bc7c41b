package bot

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/forms"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
)

// Facts the printed forms lack (gov.FormLacks): where the ToP's form has no
// field for something the procedure needs, the bot looks for it in the cover
// letter (the applicant's mail around the form) and in the text of the attached
// letters (.docx; PDF as forms.PDFText reads it) before it asks the Secretariat.

// letter is an attached .docx or PDF: the temporary file it was written to
// (or, without one, its bytes) until prepare reads it, then its text. Read
// before the transaction, never inside it.
type letter struct {
	name string
	path string
	data []byte
	text string
}

// Bounds on the letters read from one message.
const (
	maxLetters     = 4
	maxLetterBytes = 5 << 20
	// maxLetterText is how much of a letter's text is searched.
	maxLetterText = 64 << 10
)

// Values of Options.LetterFacts (config applications.letter_facts).
const (
	LetterFactsUse = "use" // a fact read without ambiguity is taken (default)
	LetterFactsAsk = "ask" // it is only suggested to the Secretariat with its question
	LetterFactsOff = "off" // letters are not read
)

// wantsLetter reports whether attachment a is a letter the bot can read, and
// there is room for one more.
func (p *prepared) wantsLetter(a mailread.Attachment) bool {
	name, ct := strings.ToLower(a.Name), strings.ToLower(a.ContentType)
	return len(p.letters) < maxLetters && (strings.HasSuffix(name, ".pdf") || strings.HasSuffix(name, ".docx") || strings.HasPrefix(ct, "application/pdf"))
}

// keepLetter buffers letter a when it is not written to a file, and returns the
// reader the rest of the attachment callback goes on with.
func (p *prepared) keepLetter(a mailread.Attachment, r io.Reader) io.Reader {
	buf := letterBuffer()
	p.bufs = append(p.bufs, buf)
	_, err := buf.ReadFrom(io.LimitReader(r, maxLetterBytes+1))
	data := buf.Bytes()
	if err == nil && len(data) <= maxLetterBytes {
		p.letters = append(p.letters, letter{name: a.Name, data: data})
	}
	return io.MultiReader(bytes.NewReader(data), r)
}

// loadLetter reads l's file into a buffer of p's; false when it is larger than
// maxLetterBytes or cannot be read.
func (p *prepared) loadLetter(l *letter) bool {
	f, err := os.Open(l.path)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() > maxLetterBytes {
		return false
	}
	buf := letterBuffer()
	p.bufs = append(p.bufs, buf)
	buf.Grow(int(fi.Size()) + bytes.MinRead) // ReadFrom wants MinRead free to see the end
	if _, err := buf.ReadFrom(f); err != nil {
		return false
	}
	l.data = buf.Bytes()
	return true
}

// letterBuffers keeps a few buffers for the letters prepare reads, so that a
// PDF of a megabyte costs no allocation (nor the clearing of one) each time.
var letterBuffers = make(chan *bytes.Buffer, 4)

func letterBuffer() *bytes.Buffer {
	select {
	case b := <-letterBuffers:
		b.Reset()
		return b
	default:
		return new(bytes.Buffer)
	}
}

// releaseBuffers gives back the buffers of p's letters, once their text is read;
// a buffer grown past 2 MB is left to the garbage collector.
func (p *prepared) releaseBuffers() {
	for _, b := range p.bufs {
		if b.Cap() > 2<<20 {
			continue
		}
		select {
		case letterBuffers <- b:
		default:
		}
	}
	p.bufs = nil
	for i := range p.letters {
		p.letters[i].data = nil
	}
}

// readLetters turns the letters kept into text: what forms.DocxText and
// forms.PDFText can read, at most maxLetterText of each; a letter neither can
// read, or larger than maxLetterBytes, is dropped.
func (p *prepared) readLetters() {
	out := p.letters[:0]
	for _, l := range p.letters {
		if l.path != "" && !p.loadLetter(&l) {
			continue
		}
		var text string
		if t, err := forms.PDFText(l.data); err == nil || t != "" {
			text = t
		} else if t, err := forms.DocxText(bytes.NewReader(l.data), int64(len(l.data))); err == nil {
			text = t
		}
		if len(text) > maxLetterText {
			text = text[:maxLetterText]
		}
		if strings.TrimSpace(text) != "" {
			out = append(out, letter{name: l.name, text: text})
		}
	}
	p.letters = out
}

// source is a text the facts are looked for in, and how far it is trusted:
// ownText is the applicant's own (its mail, its letters), where a country named
// once, anywhere, is its country; the Secretariat's note counts only where it
// says where the applicant is based.
type source struct {
	what, text string
	ownText    bool
	endorse    bool // an endorsement letter (by its file name or its words)
}

// sources lists the texts of msg and its letters to read facts from.
func sources(msg *mailread.Message, letters []letter, bySecretariat bool) []source {
	var out []source
	if bySecretariat {
		out = append(out, source{what: "the Secretariat's mail", text: answer.ReplyText(msg.Text)})
		for _, f := range msg.Forwarded {
			out = append(out, source{what: "the cover letter", text: f.Text, ownText: true})
		}
	} else {
		out = append(out, source{what: "the cover letter", text: answer.ReplyText(msg.Text), ownText: true})
	}
	for _, l := range letters {
		e := classifyDocument(l.name) == "endorsement" || documentKeywords[0].re.MatchString(firstLines(l.text, 3))
		out = append(out, source{what: "the letter " + l.name, text: l.text, ownText: true, endorse: e})
	}
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// readFacts fills the facts the printed form of a's kind lacks and a has not got
// (gov.FormLacks) from msg and its letters, as Options.LetterFacts says: the
// contact's address from the applicant's own mail; the country and the endorser
// from the cover letter and the letters. It returns what it took, for the
// receipt, and leaves what it only suggests in a.Suggested.
func (b *Bot) readFacts(a *gov.Application, msg *mailread.Message, letters []letter, orgs []gov.Org, bySecretariat bool) []gov.Field {
	if a.Fields == nil {
		a.Fields = map[string]string{}
	}
	empty := func(k string) bool { return strings.TrimSpace(a.Fields[k]) == "" }
	var took []gov.Field
	take := func(key, value, from string) {
		a.Fields[key] = value
		if a.ReadFrom == nil {
			a.ReadFrom = map[string]string{}
		}
		a.ReadFrom[key] = from
		delete(a.Suggested, key)
		took = append(took, gov.Field{Label: forms.Label(key, "en") + " (read from " + from + ")", Value: value})
	}
	suggest := func(key, value string) {
		if a.Suggested == nil {
			a.Suggested = map[string]string{}
		}
		a.Suggested[key] = value
	}
	// The applicant's own address: the sender of its mail.
	contactKey := "contact_email"
	if a.Kind == gov.AppAssociateIndividual {
		contactKey = "email"
	}
	if empty(contactKey) {
		if addr := b.applicantAddress(msg, bySecretariat); addr != "" {
			take(contactKey, addr, "the applicant's own mail")
			a.Contact.Email = addr
		}
	}
	if b.LetterFacts == LetterFactsOff {
		return took
	}
	src := sources(msg, letters, bySecretariat)
	use := func(key, value, from string, candidates []string) {
		switch {
		case len(candidates) > 1:
			suggest(key, strings.Join(candidates, " or ")+" (each named in "+from+")")
		case b.LetterFacts == LetterFactsAsk:
			suggest(key, value+" (read from "+from+")")
		default:
			take(key, value, from)
		}
	}
	lacks := gov.FormLacks(a.Kind)
	if slices.Contains(lacks, "country") && empty("country") && b.CountryName != nil {
		if country, from, candidates := b.countryIn(src, orgs); len(candidates) > 0 {
			use("country", country, from, candidates)
			if !empty("country") {
				a.Country = a.Fields["country"]
			}
		}
	}
	if slices.Contains(lacks, "endorser") && strings.TrimSpace(a.EndorserText) == "" {
		if org, from, candidates := endorserIn(src, orgs); len(candidates) > 0 {
			use("endorser", org, from, candidates)
			if !empty("endorser") {
				a.EndorserText = a.Fields["endorser"]
			}
		}
	}
	return took
}

// applicantAddress is the address the applicant wrote from: the sender of a
// direct application, or of the mail the Secretariat forwarded.
func (b *Bot) applicantAddress(msg *mailread.Message, bySecretariat bool) string {
	if !bySecretariat {
		return gov.NormalizeAddress(msg.From.Email)
	}
	for _, f := range msg.Forwarded {
		if a := gov.NormalizeAddress(f.From.Email); a != "" && !b.isSecretariat(a) && !strings.EqualFold(a, b.Address) {
			return a
		}
	}
	return ""
}

// placeWords say that the country named after them is where the applicant is.
var placeWords = []string{"based", "located", "registered", "headquartered", "headquarters", "situated", "office", "offices", "address", "country"}

// countryIn finds the network country the sources say the applicant is in: one
// named after a word of place ("based in Viet Nam", "Address: …, Lao PDR") in
// any source; else, with none such, the only one the applicant's own texts name.
// Roster members' names are not read ("… Foundation Thailand"). It returns the
// country, where it was read, and every candidate (more than one: ambiguous).
func (b *Bot) countryIn(src []source, orgs []gov.Org) (string, string, []string) {
	type found struct{ country, from string }
	var placed, named []found
	add := func(list *[]found, f found) {
		if !slices.ContainsFunc(*list, func(x found) bool { return x.country == f.country }) {
			*list = append(*list, f)
		}
	}
	for _, s := range src {
		words := wordsOf(withoutNames(s.text, orgs))
		for i := 0; i < len(words); i++ {
			for n := min(4, len(words)-i); n >= 1; n-- {
				c, ok := b.CountryName(strings.Join(words[i:i+n], " "))
				if !ok {
					continue
				}
				if slices.ContainsFunc(words[max(0, i-6):i], func(w string) bool { return slices.Contains(placeWords, strings.ToLower(w)) }) {
					add(&placed, found{c, s.what})
				} else if s.ownText {
					add(&named, found{c, s.what})
				}
				i += n - 1
				break
			}
		}
	}
	list := placed
	if len(list) == 0 {
		list = named
	}
	if len(list) == 0 {
		return "", "", nil
	}
	var candidates, froms []string
	for _, f := range list {
		candidates = append(candidates, f.country)
		if !slices.Contains(froms, f.from) {
			froms = append(froms, f.from)
		}
	}
	return list[0].country, strings.Join(froms, " and "), candidates
}

// endorserIn finds the regular member the endorsement letters name (by name or
// address); else, with none, one named on a line of the other texts that speaks
// of endorsing or recommending. It returns the member's name, where it was read,
// and every candidate.
func endorserIn(src []source, orgs []gov.Org) (string, string, []string) {
	for _, pass := range []bool{true, false} {
		var names, froms []string
		for _, s := range src {
			if s.endorse != pass {
				continue
			}
			text := s.text
			if !pass {
				var lines []string
				for _, l := range strings.Split(text, "\n") {
					if documentKeywords[0].re.MatchString(l) {
						lines = append(lines, l)
					}
				}
				text = strings.Join(lines, "\n")
			}
			folded := fold(text)
			for _, o := range orgs {
				if o.Kind != gov.Regular || o.Lapsed || slices.Contains(names, o.Name) {
					continue
				}
				if n := fold(o.Name); len(n) > 3 && strings.Contains(folded, n) || slices.ContainsFunc(o.Addresses(), func(a string) bool { return strings.Contains(folded, a) }) {
					names = append(names, o.Name)
					if !slices.Contains(froms, s.what) {
						froms = append(froms, s.what)
					}
				}
			}
		}
		if len(names) > 0 {
			return names[0], strings.Join(froms, " and "), names
		}
	}
	return "", "", nil
}

// fold lowers s and turns every run of white space into one space.
func fold(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// withoutNames blanks out the names of roster organisations in s.
func withoutNames(s string, orgs []gov.Org) string {
	s = fold(s)
	for _, o := range orgs {
		if n := fold(o.Name); len(n) > 3 {
			s = strings.ReplaceAll(s, n, " ")
		}
	}
	return s
}

// wordsOf splits s into words of letters and digits.
func wordsOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
}

// factsDetail describes facts read, for the audit log and the receipt.
func factsDetail(took []gov.Field) string {
	var out []string
	for _, f := range took {
		out = append(out, fmt.Sprintf("%s: %s", f.Label, f.Value))
	}
	return strings.Join(out, "; ")
}
