package render

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	gomail "github.com/wneessen/go-mail"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/templates"
)

// markers are the bytes the attacker of issue "[1 of 7] No mail can stop govbot"
// put in opinions and subjects: the block markup's three markers, NUL and NEL.
var markers = []string{blockMark, fieldSep, lineSep, "\x00", "\u0085"}

// mapStrings returns a copy of v in which every string (exported fields, at any
// depth, through pointers, slices, maps and interfaces; named string types too)
// is f of itself. It is written apart from the renderer's cleaner, so that a
// field the cleaner missed would show here.
func mapStrings(v any, f func(reflect.Type, string) string) any {
	p := reflect.New(reflect.TypeOf(v)).Elem()
	p.Set(reflect.ValueOf(v))
	mapValue(p, f)
	return p.Interface()
}

func mapValue(v reflect.Value, f func(reflect.Type, string) string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(f(v.Type(), v.String()))
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				mapValue(v.Field(i), f)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			n := reflect.New(v.Type().Elem())
			n.Elem().Set(v.Elem())
			mapValue(n.Elem(), f)
			v.Set(n)
		}
	case reflect.Slice:
		if !v.IsNil() {
			n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(n, v)
			for i := 0; i < n.Len(); i++ {
				mapValue(n.Index(i), f)
			}
			v.Set(n)
		}
	case reflect.Map:
		if !v.IsNil() {
			n := reflect.MakeMap(v.Type())
			for it := v.MapRange(); it.Next(); {
				k := reflect.New(v.Type().Key()).Elem()
				k.Set(it.Key())
				mapValue(k, f)
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(it.Value())
				mapValue(e, f)
				n.SetMapIndex(k, e)
			}
			v.Set(n)
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := reflect.New(v.Elem().Type()).Elem()
			e.Set(v.Elem())
			mapValue(e, f)
			v.Set(e)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"ภาษาไทย ខ្មែរ 中文", "ภาษาไทย ខ្មែរ 中文"},
		{"a\x1fb\x1ec\x1dd", "abcd"},
		{"\x1fh\x1fFORGED", "hFORGED"},
		{"nul\x00del\x7fnel\u0085c1\u009f", "nuldelnelc1"},
		{"keep\ttab\nand line", "keep\ttab\nand line"},
		{"crlf\r\ncr\rls\u2028ps\u2029", "crlf\ncr\nls\nps\n"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"\xc2\x85", ""}, // NEL as UTF-8
		{"", ""},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := isClean(tt.in); got != (tt.in == tt.want) {
			t.Errorf("isClean(%q) = %v", tt.in, got)
		}
	}
}

// TestHostileDataRendersWithoutMarkers: with the markers, NUL and NEL around and
// inside every string of every kind's data (the Data structs of gov.Mail,
// recursively), every mail renders in every language, at the first try, exactly
// as it does without them, and none of those characters is in the subject, the
// text or the HTML.
func TestHostileDataRendersWithoutMarkers(t *testing.T) {
	r := newTestRenderer(t)
	poison := strings.Join(markers, "")
	for kind, d := range sampleData(t) {
		hostile := mapStrings(d, func(_ reflect.Type, s string) string {
			if s == "" {
				return poison
			}
			// Around the value and between its first character and the rest.
			_, size := utf8.DecodeRuneInString(s)
			return poison + s[:size] + poison + s[size:] + poison
		})
		for _, lang := range gov.Languages {
			want, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: d})
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, kind, err)
			}
			got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: hostile})
			if err != nil {
				t.Errorf("%s/%s: %v", lang, kind, err)
				continue
			}
			if got.Degraded != nil {
				t.Errorf("%s/%s: Degraded = %v, want the first rendering to succeed", lang, kind, got.Degraded)
			}
			for _, m := range markers {
				for part, s := range map[string]string{"subject": got.Subject, "text": got.Text, "HTML": got.HTML} {
					if strings.Contains(s, m) {
						t.Errorf("%s/%s: %q in the %s", lang, kind, m, part)
					}
				}
			}
			if got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML {
				t.Errorf("%s/%s: the hostile data renders differently from the clean data:\n%q\n%q", lang, kind, got.Text, want.Text)
			}
		}
	}
}

// TestDataCannotForgeABlock: a value that starts a line with the block markup
// stays plain text; it does not become a heading or an answer to type.
func TestDataCannotForgeABlock(t *testing.T) {
	r := newTestRenderer(t)
	clean := sampleData(t)["ballot_form"].(gov.FormData)
	d := clean
	d.Ballot.Question = "Adopt?\n\x1fh\x1fFORGED\x1eFIELD\n\x1fo\x1fYES\x1e\x1dfor"
	for _, lang := range []string{"en", "th"} {
		want, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: lang, Data: clean})
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: lang, Data: d})
		if err != nil {
			t.Fatal(err)
		}
		for _, style := range []string{"font-size:21px", "<table", "<div"} {
			if g, w := strings.Count(got.HTML, style), strings.Count(want.HTML, style); g != w {
				t.Errorf("%s: %d × %q in the HTML, want %d as without the markup", lang, g, style, w)
			}
		}
		if !strings.Contains(got.Text, "hFORGEDFIELD") {
			t.Errorf("%s: the value's text is not kept as plain text:\n%s", lang, got.Text)
		}
	}
}

// TestOddValuesNeverFailARender: whatever the strings of a mail's data hold (the
// vote and outcome values included), every kind renders in every language.
func TestOddValuesNeverFailARender(t *testing.T) {
	r := newTestRenderer(t)
	odd := []string{"", " ", "maybe", "{{.X}} %!s(MISSING)", "\x1f\x1e\x1d", strings.Repeat("ក្រុម", 300)}
	for kind, d := range sampleData(t) {
		for i, o := range odd {
			data := mapStrings(d, func(reflect.Type, string) string { return o })
			for _, lang := range gov.Languages {
				got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: data})
				if err != nil {
					t.Errorf("%s/%s with odd value %d: %v", lang, kind, i, err)
					continue
				}
				if got.Degraded != nil {
					t.Errorf("%s/%s with odd value %d: Degraded = %v", lang, kind, i, got.Degraded)
				}
			}
		}
	}
}

// TestRenderDegradesWithoutEchoedText: a mail that fails to render because of
// what it echoes (here a template that trips on the refused message's subject)
// is rendered again without the echoed text, says so in Degraded, and is sent.
func TestRenderDegradesWithoutEchoedText(t *testing.T) {
	override := fstestMap{"en/refusal.tmpl": `{{define "subject"}}Not recorded: {{if .Subject}}{{word .Subject}}{{else}}your message{{end}}{{end}}` +
		`{{define "body"}}Why: {{if .Reason}}{{word .Reason}}{{else}}the reason is in the Secretariat's log{{end}}.{{end}}`}
	r, err := New(templates.FS, Options{Override: override.FS()})
	if err != nil {
		t.Fatal(err)
	}
	d := gov.RefusalData{Code: gov.RefuseUnreadable, Reason: "could not read \x1f", Subject: "Re: \x1fh\x1f"}
	got, err := r.Render(gov.Mail{Kind: "refusal", Lang: "en", Data: d})
	if err != nil {
		t.Fatalf("Render: %v, want a degraded mail", err)
	}
	if got.Degraded == nil || !strings.Contains(got.Degraded.Error(), "subject") {
		t.Errorf("Degraded = %v, want the subject's failure", got.Degraded)
	}
	if got.Subject != "Not recorded: your message" || !strings.Contains(got.Text, "the reason is in the Secretariat's log") {
		t.Errorf("got %q\n%s", got.Subject, got.Text)
	}
	// The same mail without anything echoed renders at the first try.
	d.Subject, d.Reason = "", ""
	if got, err := r.Render(gov.Mail{Kind: "refusal", Lang: "en", Data: d}); err != nil || got.Degraded != nil {
		t.Errorf("err = %v, Degraded = %v; want neither", err, got.Degraded)
	}
}

// TestTemplateMistakesStillFail: a template that fails whatever the data, or
// writes a block into a subject, is an error: dropping data would not fix it.
func TestTemplateMistakesStillFail(t *testing.T) {
	for name, tt := range map[string]struct {
		tmpl string
		is   error
	}{
		"unknown word":     {`{{define "subject"}}{{word "nope"}}{{end}}{{define "body"}}x{{end}}`, nil},
		"block in subject": {`{{define "subject"}}{{heading "x"}}{{end}}{{define "body"}}x{{end}}`, ErrBlockInSubject},
	} {
		r, err := New(templates.FS, Options{Override: fstestMap{"en/refusal.tmpl": tt.tmpl}.FS()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Render(gov.Mail{Kind: "refusal", Lang: "en", Data: gov.RefusalData{Code: "late", Subject: "Re: vote"}})
		if err == nil || tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: err = %v, want %v", name, err, tt.is)
		}
	}
}

func TestShortenKeepsCharactersWhole(t *testing.T) {
	// ក្រុម: KA, COENG, RO, vowel sign U, MO – the COENG stacks RO under KA.
	khmer := strings.Repeat("ក្រុម ", 100)
	for max := 7; max < 60; max++ { // from one character (5 runes) and "…" on
		got := shorten(khmer, max)
		rs := []rune(got)
		if len(rs) > max || rs[len(rs)-1] != '…' {
			t.Fatalf("shorten(_, %d) = %q: %d runes", max, got, len(rs))
		}
		body := strings.TrimSuffix(got, "…")
		if !strings.HasPrefix(khmer, body) {
			t.Fatalf("shorten(_, %d) = %q: not a prefix", max, got)
		}
		last, _ := utf8.DecodeLastRuneInString(body)
		next, _ := utf8.DecodeRuneInString(strings.TrimLeft(khmer[len(body):], " "))
		if body != "" && (last == '\u17d2' || unicode.In(next, unicode.Mn, unicode.Mc)) {
			t.Errorf("shorten(_, %d) = %q splits a character", max, got)
		}
	}
	if got := shorten("short", 10); got != "short" {
		t.Errorf("shorten(short) = %q", got)
	}
	if got := shorten(strings.Repeat("a", 300), MaxSubjectRunes); utf8.RuneCountInString(got) != MaxSubjectRunes {
		t.Errorf("shorten: %d runes, want %d", utf8.RuneCountInString(got), MaxSubjectRunes)
	}
}

// goMailMessage builds the mail as internal/outbox's Build does, with go-mail,
// and returns it as it goes on the wire.
func goMailMessage(t *testing.T, got Rendered) []byte {
	t.Helper()
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat("Test Network", "govbot@network.example"); err != nil {
		t.Fatal(err)
	}
	if err := msg.To("a@x.example"); err != nil {
		t.Fatal(err)
	}
	msg.Subject(got.Subject)
	msg.SetMessageIDWithValue("govbot.abc@network.example")
	msg.SetDate()
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), gov.AutoReplied)
	msg.SetBodyString(gomail.TypeTextPlain, got.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, got.HTML)
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLongOrganisationNameKeepsHeadersWithinRFC5322: a 5,000-character
// organisation name (in Khmer, in ASCII without a space) makes no subject longer
// than MaxSubjectRunes and no line of the message go-mail writes longer than 998
// octets (RFC 5322 2.1.1); the subject reads back as rendered.
func TestLongOrganisationNameKeepsHeadersWithinRFC5322(t *testing.T) {
	r := newTestRenderer(t)
	names := map[string]string{
		"khmer": string([]rune(strings.Repeat("អង្គការ", 5000/7+1))[:5000]),
		"ascii": strings.Repeat("A", 5000),
	}
	nameFields := map[string]bool{"Name": true, "OrgName": true, "Nominee": true, "Outgoing": true, "Endorser": true, "Title": true}
	for script, name := range names {
		if n := utf8.RuneCountInString(name); n != 5000 {
			t.Fatalf("%s name: %d characters", script, n)
		}
		shortened := 0
		for kind, d := range sampleData(t) {
			// Every name of the data: set through each struct's fields.
			data := mapNames(d, nameFields, name)
			for _, lang := range []string{"en", "km", "th"} {
				got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: data})
				if err != nil {
					t.Errorf("%s %s/%s: %v", script, lang, kind, err)
					continue
				}
				if n := utf8.RuneCountInString(got.Subject); n > MaxSubjectRunes || !utf8.ValidString(got.Subject) {
					t.Errorf("%s %s/%s: subject of %d characters", script, lang, kind, n)
				}
				if strings.HasSuffix(got.Subject, "…") {
					shortened++
				}
				raw := goMailMessage(t, got)
				for i, line := range strings.Split(string(raw), "\r\n") {
					if len(line) > 998 {
						t.Errorf("%s %s/%s: line %d is %d octets: %.80q…", script, lang, kind, i+1, len(line), line)
					}
				}
				m, err := mail.ReadMessage(bytes.NewReader(raw))
				if err != nil {
					t.Fatalf("%s %s/%s: %v", script, lang, kind, err)
				}
				subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
				if err != nil || subj != got.Subject {
					t.Errorf("%s %s/%s: subject reads back as %q (%v), want %q", script, lang, kind, subj, err, got.Subject)
				}
			}
		}
		if shortened == 0 {
			t.Errorf("%s: no subject was shortened; the test does not reach the names", script)
		}
	}
	// The organisation's own mail: its name in the subject, the subject cut.
	d := sampleData(t)["standing_change"].(gov.StandingData)
	d.Org.Name = names["khmer"]
	got, err := r.Render(gov.Mail{Kind: "standing_change", Lang: "km", Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got.Subject, "…") || !strings.Contains(got.Subject, "អង្គការ") || utf8.RuneCountInString(got.Subject) > MaxSubjectRunes {
		t.Errorf("subject %q", got.Subject)
	}
}

// mapNames sets the string fields named in fields (at any depth) to name.
func mapNames(v any, fields map[string]bool, name string) any {
	p := reflect.New(reflect.TypeOf(v)).Elem()
	p.Set(reflect.ValueOf(v))
	var walk func(reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				switch {
				case !f.IsExported():
				case f.Type.Kind() == reflect.String && fields[f.Name]:
					v.Field(i).SetString(name)
				default:
					walk(v.Field(i))
				}
			}
		case reflect.Pointer:
			if !v.IsNil() {
				n := reflect.New(v.Type().Elem())
				n.Elem().Set(v.Elem())
				walk(n.Elem())
				v.Set(n)
			}
		case reflect.Slice:
			if !v.IsNil() {
				n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(n, v)
				for i := 0; i < n.Len(); i++ {
					walk(n.Index(i))
				}
				v.Set(n)
			}
		}
	}
	walk(p)
	return p.Interface()
}

// FuzzRefusal: whatever a refused message's subject and the reason hold, the
// refusal renders, its subject is one line within MaxSubjectRunes, and no
// marker reaches the mail.
func FuzzRefusal(f *testing.F) {
	f.Add("Re: vote", "too late", "Adopt the plan")
	f.Add("\x1fh\x1fx\x1ey\x1dz", "\x00\u0085", "\r\n\r\nBcc: x@y")
	f.Add(strings.Repeat("ក្", 600), strings.Repeat("x", 5000), "\xff\xfe")
	r, err := New(templates.FS, Options{Network: "Test Network"})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, subject, reason, title string) {
		b := sampleData(t)["ballot_form"].(gov.FormData).Ballot
		b.Title = title
		for _, code := range []string{gov.RefuseLate, gov.RefuseAmbiguous, gov.RefuseUnreadable} {
			d := gov.RefusalData{Code: code, Reason: reason, Subject: subject, Ballot: &b}
			got, err := r.Render(gov.Mail{Kind: "refusal", Lang: "km", Data: d})
			if err != nil {
				t.Fatal(err)
			}
			if got.Degraded != nil {
				t.Errorf("Degraded = %v", got.Degraded)
			}
			if strings.ContainsFunc(got.Subject, isControl) || utf8.RuneCountInString(got.Subject) > MaxSubjectRunes || !utf8.ValidString(got.Subject) {
				t.Errorf("subject %q", got.Subject)
			}
			for _, m := range markers {
				if strings.Contains(got.Text, m) || strings.Contains(got.HTML, m) {
					t.Errorf("%q in the mail", m)
				}
			}
		}
	})
}
