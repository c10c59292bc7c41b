// Package render turns a gov.Mail into a subject, a plain-text part and an HTML part,
// with the templates of the recipient's language followed by the English text.
//
// Each language has a directory of templates (templates/<lang>/<kind>.tmpl, each
// defining "subject" and "body") and a words file (templates/<lang>/words.txt: month
// and weekday names, date patterns, the vote words, outcome words and chart labels).
// A template marks the lines that the HTML part shows specially with block functions
// (heading, question, option, choice, deadline, marker, chart); every other line is plain text.
// The text part is the same text with the blocks written out as plain lines, so it
// is complete on its own.
//
// Data is hostile until cleaned: an opinion, a refused message's subject, an
// organisation's name may hold anything. Render copies a mail's data with every
// string cleaned (cleanText: no control characters but line feed and tab) before
// a template sees it, and every template function but the block functions cleans
// what it returns; the block functions clean their arguments. So the block
// markup's markers can only come from the templates themselves. The subject is
// made one line of at most [MaxSubjectRunes] characters. A mail that still fails
// to render with its data is rendered again without the text it echoes (see
// [Renderer.Render]).
package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/mekongmigration/govbot/internal/forms"
	"github.com/mekongmigration/govbot/internal/gov"
)

// Rendered is a mail ready to queue.
type Rendered struct {
	Subject string // one line, at most MaxSubjectRunes characters
	Text    string
	HTML    string
	// Degraded, when not nil, is why the mail could not be rendered with its
	// data: it was rendered without the text it echoes (see Render). The mail
	// is fine to send; the caller should log Degraded.
	Degraded error
}

// Options configure a Renderer.
type Options struct {
	Location *time.Location
	Network  string // the network's name, in footers
	// Marker returns the "reply above this line" marker of a language.
	Marker func(lang string) string
	// Override, when set, is searched before the embedded templates. A file there
	// (a template, a words.txt or layout.html) replaces the built-in file of the same path.
	Override fs.FS
}

// Renderer holds every template, parsed at start-up.
type Renderer struct {
	opts   Options
	sets   map[string]*template.Template // "lang/kind"
	words  map[string]map[string]string  // lang → key → word
	layout *htmltemplate.Template
}

// ErrBlockInSubject is returned when a subject template calls a block function
// (heading, option, …): a mistake in the template, which no data can cause.
var ErrBlockInSubject = errors.New("a block function in the subject template")

// blockFuncs are the template functions that write the block markup; the others
// have their results cleaned (cleanFuncs).
var blockFuncs = []string{"marker", "heading", "question", "deadline", "note", "option", "choice", "chart"}

// WordsFile is the name of each language's file of words, beside its templates.
const WordsFile = "words.txt"

// New parses every template and words file of fsys (and of opts.Override, which
// wins), and checks that every language's words file has every key the English one has.
func New(fsys fs.FS, opts Options) (*Renderer, error) {
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Marker == nil {
		opts.Marker = func(string) string { return "##- Please type your reply above this line -##" }
	}
	r := &Renderer{opts: opts, sets: map[string]*template.Template{}, words: map[string]map[string]string{}}
	read := func(name string) ([]byte, error) {
		if opts.Override != nil {
			if data, err := fs.ReadFile(opts.Override, name); err == nil {
				return data, nil
			}
		}
		return fs.ReadFile(fsys, name)
	}
	glob := func(pattern string) ([]string, error) {
		files, err := fs.Glob(fsys, pattern)
		if err != nil {
			return nil, err
		}
		if opts.Override != nil {
			extra, _ := fs.Glob(opts.Override, pattern)
			for _, f := range extra {
				if !contains(files, f) {
					files = append(files, f)
				}
			}
		}
		sort.Strings(files)
		return files, nil
	}
	files, err := glob("*/*.tmpl")
	if err != nil {
		return nil, err
	}
	var problems []string
	for _, f := range files {
		lang, kind := path.Dir(f), strings.TrimSuffix(path.Base(f), ".tmpl")
		if strings.HasPrefix(kind, "_") {
			continue
		}
		data, err := read(f)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		t, err := template.New(f).Option("missingkey=error").Funcs(cleanFuncs(r.funcs(lang), blockFuncs...)).Parse(string(data))
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		for _, name := range []string{"subject", "body"} {
			if t.Lookup(name) == nil {
				problems = append(problems, fmt.Sprintf("%s: no %q template", f, name))
			}
		}
		r.sets[lang+"/"+kind] = t
	}
	wordFiles, err := glob("*/" + WordsFile)
	if err != nil {
		return nil, err
	}
	for _, f := range wordFiles {
		data, err := read(f)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		w, errs := parseWords(f, data)
		problems = append(problems, errs...)
		r.words[path.Dir(f)] = w
	}
	problems = append(problems, r.checkWords()...)
	layout, err := read("layout.html")
	if err != nil {
		problems = append(problems, "layout.html: "+err.Error())
	} else if r.layout, err = htmltemplate.New("layout.html").Option("missingkey=error").Parse(string(layout)); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("templates: %s", strings.Join(problems, "; "))
	}
	return r, nil
}

// parseWords reads a words file: "key = value" lines; blank lines and lines
// starting with # are comments.
func parseWords(name string, data []byte) (map[string]string, []string) {
	w := map[string]string{}
	var problems []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case !ok || k == "":
			problems = append(problems, fmt.Sprintf("%s:%d: want key = value", name, n))
		case w[k] != "":
			problems = append(problems, fmt.Sprintf("%s:%d: %s given twice", name, n, k))
		default:
			w[k] = v
		}
	}
	return w, problems
}

// checkWords reports the languages with templates but no words file, and the keys
// of the English words file that another language lacks.
func (r *Renderer) checkWords() []string {
	en := r.words["en"]
	if len(r.sets) > 0 && en == nil {
		return []string{"en/" + WordsFile + ": missing"}
	}
	var problems []string
	langs := map[string]bool{}
	for k := range r.sets {
		lang, _, _ := strings.Cut(k, "/")
		langs[lang] = true
	}
	for lang := range r.words {
		langs[lang] = true
	}
	for lang := range langs {
		w := r.words[lang]
		if w == nil {
			problems = append(problems, lang+"/"+WordsFile+": missing")
			continue
		}
		var missing []string
		for k := range en {
			if _, ok := w[k]; !ok {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			problems = append(problems, fmt.Sprintf("%s/%s: missing %s", lang, WordsFile, strings.Join(missing, ", ")))
		}
	}
	sort.Strings(problems)
	return problems
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Kinds returns the kinds of mail with an English template, sorted.
func (r *Renderer) Kinds() []string {
	var out []string
	for k := range r.sets {
		if lang, kind, _ := strings.Cut(k, "/"); lang == "en" {
			out = append(out, kind)
		}
	}
	sort.Strings(out)
	return out
}

// Has reports whether kind has a template in lang.
func (r *Renderer) Has(lang, kind string) bool { return r.sets[lang+"/"+kind] != nil }

// Render renders m: its language's subject and body, then the English body below it.
//
// Odd data never makes Render fail. Every string of m.Data (in exported fields,
// at any depth, through pointers, slices, maps and interfaces) is cleaned before
// the templates run: control characters other than line feed and tab are
// dropped, so no value can forge the block markup or reach a header. The subject
// is one line (line breaks become spaces) of at most MaxSubjectRunes characters.
// If rendering still fails (a template function refusing a value, a panic), Render
// tries once more with the fields that echo what a person or a server wrote left
// empty (the refused message's Subject and the refusal's Reason, an opinion's
// Reasons, form values, free notes: see echoedFields), and returns that mail with
// Rendered.Degraded set to the first failure. Render returns an error only when
// m.Kind has no template or the templates fail whatever the data.
func (r *Renderer) Render(m gov.Mail) (Rendered, error) {
	if r.sets["en/"+m.Kind] == nil {
		return Rendered{}, fmt.Errorf("render %s: no template", m.Kind)
	}
	out, err := r.render(m, false)
	if err == nil {
		return out, nil
	}
	if out, err2 := r.render(m, true); err2 == nil {
		out.Degraded = err
		return out, nil
	}
	return Rendered{}, err
}

// errNothingDropped says that the data echoes nothing, so rendering it again
// without the echoed fields would fail the same way.
var errNothingDropped = errors.New("no echoed text to drop")

// render renders m with its data cleaned, and with dropEcho the echoedFields
// left empty. A panic is returned as an error.
func (r *Renderer) render(m gov.Mail, dropEcho bool) (out Rendered, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = Rendered{}, fmt.Errorf("render %s: panic: %v", m.Kind, p)
		}
	}()
	data, dropped := cleanData(m.Data, dropEcho)
	if dropEcho && !dropped {
		return Rendered{}, errNothingDropped
	}
	langs := []string{"en"}
	if m.Lang != "" && m.Lang != "en" && r.sets[m.Lang+"/"+m.Kind] != nil {
		langs = []string{m.Lang, "en"}
	}
	var texts []string
	var parts []htmlPart
	for i, lang := range langs {
		t := r.sets[lang+"/"+m.Kind]
		if i == 0 {
			s, err := exec(t, "subject", data)
			if err != nil {
				return Rendered{}, fmt.Errorf("render %s/%s subject: %w", lang, m.Kind, err)
			}
			if strings.Contains(s, blockMark) {
				return Rendered{}, fmt.Errorf("render %s/%s: %w", lang, m.Kind, ErrBlockInSubject)
			}
			out.Subject = subjectLine(s)
		}
		body, err := exec(t, "body", data)
		if err != nil {
			return Rendered{}, fmt.Errorf("render %s/%s body: %w", lang, m.Kind, err)
		}
		bs := parseBlocks(body)
		if i > 0 {
			bs = withoutMarker(bs) // one marker, at the top, is enough
		}
		texts = append(texts, blocksText(bs))
		h, err := r.blocksHTML(lang, bs, data)
		if err != nil {
			return Rendered{}, fmt.Errorf("render %s/%s html: %w", lang, m.Kind, err)
		}
		parts = append(parts, htmlPart{Lang: lang, HTML: h, English: i > 0})
	}
	var text strings.Builder
	for i, p := range texts {
		if i > 0 {
			text.WriteString("\n\n---- English ----\n\n")
		}
		text.WriteString(p)
		text.WriteString("\n")
	}
	footer := cleanText(r.opts.Network) + " – this message was sent by the network's governance bot. Every action is a reply to this email."
	text.WriteString("\n-- \n" + footer + "\n")
	out.Text = text.String()

	var buf bytes.Buffer
	err = r.layout.Execute(&buf, map[string]any{
		"Lang": langs[0], "Subject": out.Subject, "Parts": parts, "Footer": footer,
	})
	if err != nil {
		return Rendered{}, fmt.Errorf("render %s html: %w", m.Kind, err)
	}
	out.HTML = buf.String()
	return out, nil
}

type htmlPart struct {
	Lang    string
	HTML    htmltemplate.HTML
	English bool // the English text below a translation
}

func exec(t *template.Template, name string, data any) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// word returns lang's word for key, or an error naming the file to correct.
func (r *Renderer) word(lang, key string) (string, error) {
	if w, ok := r.words[lang][key]; ok {
		return w, nil
	}
	return "", fmt.Errorf("%s/%s has no %q", lang, WordsFile, key)
}

var rePlaceholder = regexp.MustCompile(`\{[a-z_]+\}`)

// fill replaces each {name} of pattern with vars[name].
func fill(pattern string, vars map[string]string) string {
	return rePlaceholder.ReplaceAllStringFunc(pattern, func(p string) string {
		if v, ok := vars[p[1:len(p)-1]]; ok {
			return v
		}
		return p
	})
}

// lastDay returns an instant on the last day of the deadline t in loc: a deadline
// at midnight (an exclusive end of day) ends the day before.
func lastDay(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		t = t.Add(-time.Nanosecond)
	}
	return t
}

// dateOnly returns noon UTC of the calendar date t holds in its own location, so
// that formatDate shows that date whatever t's zone and clock time.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
}

// formatDate writes t in lang's pattern (key "date" or "datetime"). Years are always
// Gregorian (2027, not the Thai Buddhist 2570), so that every language of a mail
// shows the same year.
func (r *Renderer) formatDate(lang, key string, t time.Time) (string, error) {
	pattern, err := r.word(lang, key)
	if err != nil {
		return "", err
	}
	month, err := r.word(lang, "month."+strconv.Itoa(int(t.Month())))
	if err != nil {
		return "", err
	}
	weekday, err := r.word(lang, "weekday."+strconv.Itoa(int(t.Weekday())))
	if err != nil {
		return "", err
	}
	return fill(pattern, map[string]string{
		"weekday": weekday, "day": strconv.Itoa(t.Day()), "month": month,
		"month_number": strconv.Itoa(int(t.Month())), "year": strconv.Itoa(t.Year()),
		"time": t.Format("15:04"), "zone": r.zoneName(lang),
	}), nil
}

// zoneName names the network's time zone in lang: words.txt's "zone.<name>"
// ("zone.Asia/Bangkok = Bangkok time"), else the zone's own name.
func (r *Renderer) zoneName(lang string) string {
	name := r.opts.Location.String()
	if w, ok := r.words[lang]["zone."+name]; ok && w != "" {
		return w
	}
	return name
}

func (r *Renderer) funcs(lang string) template.FuncMap {
	loc := r.opts.Location
	word := func(key string) (string, error) { return r.word(lang, key) }
	// vote is an answer as a member types it: the English word and, in a
	// translation, the local word the parser accepts ("YES / เห็นด้วย").
	// voteStrict refuses a word that words.txt lacks (option's literals, so a
	// template's typo fails the tests); vote, given data, shows such a value
	// upper-cased, so an odd value never stops a mail.
	voteStrict := func(c any) (string, error) {
		s := strings.ToLower(fmt.Sprint(c))
		if s == "" {
			return "-", nil
		}
		local, err := word("vote." + s)
		if err != nil {
			return "", err
		}
		if en := strings.ToUpper(s); local != en {
			return en + " / " + local, nil
		}
		return local, nil
	}
	vote := func(c any) string {
		if v, err := voteStrict(c); err == nil {
			return v
		}
		return strings.ToUpper(fmt.Sprint(c))
	}
	// outcomeIn names an outcome in lang's words; a value words.txt lacks shows
	// as it is.
	outcomeIn := func(lang string, o gov.Outcome) string {
		if o == "" {
			o = gov.OutcomeOpen
		}
		if w, err := r.word(lang, "outcome."+string(o)); err == nil {
			return w
		}
		return string(o)
	}
	return template.FuncMap{
		"marker": func() string { return block("m", r.opts.Marker(lang)) },
		// Three kinds of time value reach a mail, and each has its function:
		//
		// date shows a deadline: the last day before an exclusive end of day
		// (gov.EndOfDay), in the network's zone, so a ballot closing at midnight
		// that starts 16 March shows "15 March".
		"date": func(t time.Time) (string, error) { return r.formatDate(lang, "date", lastDay(t, loc)) },
		// day shows a date-only value (a term's first or last day, a General
		// Conference's date): the calendar date it holds, read in the zone it
		// was stored in, never converted to another zone and never shifted. A
		// term starting 1 June 2027 shows "1 June 2027" whatever its clock time.
		"day": func(t time.Time) (string, error) { return r.formatDate(lang, "date", dateOnly(t)) },
		// dayOf shows the calendar day an instant (a letter's date, the digest's
		// date) falls on in the network's zone; an instant at midnight is that day.
		"dayOf": func(t time.Time) (string, error) { return r.formatDate(lang, "date", t.In(loc)) },
		// datetime shows an instant with its time of day, in the network's zone.
		"datetime": func(t time.Time) (string, error) { return r.formatDate(lang, "datetime", t.In(loc)) },
		"zone":     func() string { return r.zoneName(lang) },
		"upper":    func(v any) string { return strings.ToUpper(fmt.Sprint(v)) },
		"upperOr": func(v any, def string) string {
			if s := fmt.Sprint(v); s != "" {
				return strings.ToUpper(s)
			}
			return def
		},
		"join": strings.Join,
		// missing names a missing item of an application in lang: words.txt's
		// "missing.<key>" (the endorsement, a clash of addresses), else the
		// form field's label.
		"missing": func(key string) string {
			if w, err := word("missing." + key); err == nil {
				return w
			}
			return forms.Label(key, lang)
		},
		"word": word,
		"vote": vote,
		// term names in lang a value the program gives in English: an
		// application's kind, a case's stage, a contact's role. {{term "kind"
		// .Case.Kind}} is words.txt's "kind.regular"; a value without a key
		// shows as it is, so a new value never stops a mail.
		"term": func(group string, v any) string {
			s := fmt.Sprint(v)
			if w, err := word(group + "." + s); err == nil {
				return w
			}
			return s
		},
		"outcome": func(o gov.Outcome) string { return outcomeIn(lang, o) },
		// outcomeEN is the English outcome, for translated subjects.
		"outcomeEN": func(o gov.Outcome) string { return outcomeIn("en", o) },
		// Block functions mark a line the HTML part shows specially. Called with
		// arguments, the block is their text; called alone, it is the rest of the
		// line: {{deadline}}Deadline: end of {{date .Ballot.ClosesAt}}
		"heading":  func(s ...string) string { return block("h", strings.Join(s, "")) },
		"question": func(s ...string) string { return block("q", strings.Join(s, "")) },
		"deadline": func(s ...string) string { return block("d", strings.Join(s, "")) },
		"note":     func(s ...string) string { return block("n", strings.Join(s, "")) },
		// option shows an answer to type, its words ("YES / เห็นด้วย") then what it
		// means, given or on the rest of the line: {{option "yes"}}for
		"option": func(c any, meaning ...string) (string, error) {
			v, err := voteStrict(c)
			if err != nil {
				return "", err
			}
			return block("o", v, strings.Join(meaning, "")), nil
		},
		// choice shows an option of an options ballot, its number then its text, in
		// the list of answers to type: {{choice .N .Text}} ("  2. Phnom Penh").
		"choice": func(n int, text string) string { return block("k", strconv.Itoa(n), text) },
		// chart places the HTML bar chart of a result; the text part has the counts.
		"chart": func() string { return block("c") },
		// quorum says "quorum 6 of 10 reached" (or not reached) in lang.
		"quorum": func(t gov.Tally) (string, error) { return r.quorumText(lang, t) },
	}
}

// quorumText says "quorum 6 of 10 reached" (or not reached) in lang.
func (r *Renderer) quorumText(lang string, t gov.Tally) (string, error) {
	key := "quorum.reached"
	if !t.QuorumMet {
		key = "quorum.not_reached"
	}
	p, err := r.word(lang, key)
	if err != nil {
		return "", err
	}
	return fill(p, map[string]string{"need": strconv.Itoa(t.QuorumRequired), "base": strconv.Itoa(t.QuorumBase), "returned": strconv.Itoa(t.Returned())}), nil
}
