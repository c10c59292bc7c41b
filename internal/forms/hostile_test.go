package forms

import (
	"archive/zip"
	"bytes"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Hostile forms: .docx files built to make ParseDocx slow or large, and
// over-long or control-laden values. The allocation bounds hold whatever
// the machine; timing is the benchmarks' business.

// maxHostileAlloc bounds what ParseDocx may allocate for any one hostile
// file here.
const maxHostileAlloc = 64 << 20

// nestedCells returns the body of a document nesting a table in a cell of a
// table levels deep, each cell holding a paragraph: with 100,000 levels
// about 7.5 MB of XML, 22 KB once zipped.
func nestedCells(levels int) string {
	var b strings.Builder
	for range levels {
		b.WriteString("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p>")
	}
	for range levels {
		b.WriteString("</w:tc></w:tr></w:tbl>")
	}
	return b.String()
}

// nestedCellsDocx is the .docx of nestedCells(100000).
func nestedCellsDocx(tb testing.TB) []byte {
	tb.Helper()
	return docx(tb, nestedCells(100000))
}

// plainFormDocx returns the regular membership form as a .docx padded with
// ordinary prose (a description of activities) to about size bytes zipped:
// the baseline the hostile files are compared with.
func plainFormDocx(tb testing.TB, size int) []byte {
	tb.Helper()
	words := strings.Fields("migrant workers legal aid shelter training health labour rights advocacy research network " +
		"province border district community women children fishing factory domestic agriculture construction " +
		"support referral hotline interpreter translation documentation registration employer recruitment")
	rnd := rand.New(rand.NewPCG(1, 2))
	var body strings.Builder
	body.WriteString(para("Application for Regular Membership") + "<w:tbl>" + row("Name of organization:", "Friends of Migrants Foundation") +
		row("Country:", "Thailand") + row("Designated contact person for MMN:", "Malee Srisuk") + row("Email (contact person):", "malee@fom.example.org") + "</w:tbl>")
	for {
		var p strings.Builder
		for range 40 {
			p.WriteString(words[rnd.IntN(len(words))] + " ")
		}
		body.WriteString(para(p.String()))
		if body.Len()%20 == 0 {
			if b := docx(tb, body.String()); len(b) >= size {
				return b
			}
		}
	}
}

// allocFor returns the bytes allocated while f runs.
func allocFor(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if raceEnabled {
		return 0 // see raceEnabled
	}
	return after.TotalAlloc - before.TotalAlloc
}

func TestDocx_NestedCellsRefused(t *testing.T) {
	b := nestedCellsDocx(t)
	var err error
	alloc := allocFor(func() { _, err = ParseDocx(bytes.NewReader(b), int64(len(b))) })
	if !errors.Is(err, ErrTooComplex) || !strings.Contains(err.Error(), "nested more than 64 deep") {
		t.Errorf("got %v, want ErrTooComplex about nesting", err)
	}
	t.Logf("%d-byte .docx: %d bytes allocated", len(b), alloc)
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
}

func TestDocx_LimitsOfTheXML(t *testing.T) {
	deep := func(n int) string {
		return strings.Repeat("<w:sdt>", n) + para("Name: A") + strings.Repeat("</w:sdt>", n)
	}
	tests := []struct {
		name string
		body string
		want error
	}{
		// document, body, then n elements, then p, r, t
		{"nesting at the limit", deep(MaxDocxDepth - 5), nil},
		{"nesting past the limit", deep(MaxDocxDepth - 4), ErrTooComplex},
		{"elements at the limit", strings.Repeat("<w:p/>", MaxDocxElements-2), nil},
		{"elements past the limit", strings.Repeat("<w:p/>", MaxDocxElements-1), ErrTooComplex},
		{"text past the limit", para(strings.Repeat("x", MaxDocxText+1)), ErrTooLarge},
		// 400 KB in cells, once more for their rows and once for the outer
		// row, and 300 KB besides: 1.5 MB
		{"cells' text counted in each table", "<w:tbl><w:tr><w:tc><w:tbl>" + strings.Repeat(row(strings.Repeat("y", 1000)), 400) + "</w:tbl></w:tc></w:tr></w:tbl>" +
			para(strings.Repeat("x", 300_000)), ErrTooLarge},
		{"text under the limit", "<w:tbl><w:tr><w:tc><w:tbl>" + strings.Repeat(row(strings.Repeat("y", 1000)), 200) + "</w:tbl></w:tc></w:tr></w:tbl>" +
			para(strings.Repeat("x", 300_000)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := docx(t, tt.body)
			var err error
			alloc := allocFor(func() { _, err = ParseDocx(bytes.NewReader(b), int64(len(b))) })
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if alloc > maxHostileAlloc {
				t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
			}
		})
	}
}

// TestDocx_UncompressedSizeLimits: an entry declaring more than
// MaxDocumentXML is refused unread; one declaring less than it holds stops
// at what it declared.
func TestDocx_UncompressedSizeLimits(t *testing.T) {
	content := documentXML(strings.Repeat(para("x"), MaxDocumentXML/30+1))
	for _, tt := range []struct {
		name     string
		declared uint64
	}{{"declared too large", MaxDocumentXML + 1}, {"declared small, holds more", 1000}} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Store,
				CRC32: crc32.ChecksumIEEE([]byte(content)), CompressedSize64: uint64(len(content)), UncompressedSize64: tt.declared})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(content)); err != nil {
				t.Fatal(err)
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			b := buf.Bytes()
			alloc := allocFor(func() { _, err = ParseDocx(bytes.NewReader(b), int64(len(b))) })
			if err == nil {
				t.Error("no error")
			}
			if tt.declared > MaxDocumentXML && !errors.Is(err, ErrTooLarge) {
				t.Errorf("got %v, want ErrTooLarge", err)
			}
			if alloc > maxHostileAlloc {
				t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
			}
		})
	}
}

func TestMaxLen(t *testing.T) {
	for key, want := range map[string]int{
		"org_name": MaxNameLen, "name": MaxNameLen, "chair": MaxNameLen, "contact_name": MaxNameLen, "alternate_name": MaxNameLen, "endorser": MaxNameLen,
		"contact_email": MaxLineLen, "email": MaxLineLen, "country": MaxLineLen, "phone": MaxLineLen, "website": MaxLineLen, "annual_income_usd": MaxLineLen,
		"org_description": MaxTextLen, "address": MaxTextLen, "activities": MaxTextLen, "expertise": MaxTextLen, "networks": MaxTextLen,
		"agree_top": 0, "doc_constitution": 0, "no_such_key": 0, office: 0,
	} {
		if got := MaxLen(key); got != want {
			t.Errorf("MaxLen(%q): got %d, want %d", key, got, want)
		}
	}
	// every field has a limit
	for _, d := range defs {
		if !d.check && d.key != office && MaxLen(d.key) == 0 {
			t.Errorf("%s: no limit", d.key)
		}
	}
}

func TestParse_FieldLengthLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("ก", n) } // one character, three bytes
	tests := []struct {
		name, key, text string
		taken           bool
		problem         string
	}{
		{"organisation name at the limit", "org_name", "Name of organization: " + long(MaxNameLen), true, ""},
		{"organisation name too long", "org_name", "Name of organization: " + long(MaxNameLen+1), false, `"Name of organization" is 201 characters long; at most 200 are accepted`},
		{"country at the limit", "country", "Country: " + long(MaxLineLen), true, ""},
		{"country too long", "country", "Country: " + long(MaxLineLen+1), false, `"Country" is 501 characters long; at most 500 are accepted`},
		{"description at the limit", "org_description", "Brief description of organization:\n" + long(MaxTextLen/2) + "\n" + long(MaxTextLen/2-1), true, ""},
		{"description too long", "org_description", "Brief description of organization:\n" + long(MaxTextLen/2) + "\n" + long(MaxTextLen/2), false, `is 5001 characters long; at most 5000 are accepted`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse("Application for Regular Membership\n" + tt.text + "\nChairperson or chief officer: Somchai\n")
			_, taken := f.Fields[tt.key]
			if taken != tt.taken || slices.Contains(f.TooLong, tt.key) == tt.taken {
				t.Errorf("taken %v, TooLong %q; want taken %v", taken, f.TooLong, tt.taken)
			}
			if tt.problem == "" && len(f.Problems) > 0 || tt.problem != "" && (len(f.Problems) != 1 || !strings.Contains(f.Problems[0], tt.problem)) {
				t.Errorf("problems %q, want %q", f.Problems, tt.problem)
			}
			if !taken && tt.key == "org_name" && !slices.Contains(f.Missing, "org_name") {
				t.Errorf("missing %q, want org_name among them", f.Missing)
			}
			if f.Fields["chair"] != "Somchai" {
				t.Errorf("the other fields: got %q", f.Fields)
			}
		})
	}
}

// TestParse_OverLongNameGivesNoEmail: an email is not taken from a name
// that was refused.
func TestParse_OverLongNameGivesNoEmail(t *testing.T) {
	f := Parse("Application for Regular Membership\nDesignated contact person for MMN: " + strings.Repeat("x", MaxNameLen) + " <a@b.org>\n")
	if f.Fields["contact_email"] != "" || !slices.Contains(f.TooLong, "contact_name") {
		t.Errorf("got fields %q, too long %q", f.Fields, f.TooLong)
	}
}

func TestParse_ControlCharactersDropped(t *testing.T) {
	f := Parse("Application for Regular Membership\nName of organization: Friends\x1f of\x1e Migrants\u0085\x7f\nAddress:\n12 Moo 3\x1d\nMae Sot\n")
	if got, want := f.Fields["org_name"], "Friends of Migrants"; got != want {
		t.Errorf("org_name: got %q, want %q", got, want)
	}
	if got, want := f.Fields["address"], "12 Moo 3\nMae Sot"; got != want {
		t.Errorf("address: got %q, want %q", got, want)
	}
	// C1 controls are legal in XML 1.0, so a .docx can carry them
	b := docx(t, para("Application for Regular Membership")+"<w:tbl>"+row("Name of organization:", "Friends\u009b of\u0085 Migrants")+"</w:tbl>")
	f, err := ParseDocx(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Fields["org_name"], "Friends of Migrants"; got != want {
		t.Errorf("docx org_name: got %q, want %q", got, want)
	}
}

// TestParse_LongTextReadInPart: text past MaxFormText is not read, and a
// problem says so; the form above it is.
func TestParse_LongTextReadInPart(t *testing.T) {
	text := "Application for Regular Membership\nName of organization: Friends of Migrants\n" +
		strings.Repeat("migrant workers legal aid shelter\n", MaxFormText/34) + "Country: Thailand\n"
	var f Form
	alloc := allocFor(func() { f = Parse(text) })
	if f.Fields["org_name"] != "Friends of Migrants" || f.Fields["country"] != "" {
		t.Errorf("got fields %q, want the name and not the country", f.Fields)
	}
	if len(f.Problems) != 1 || !strings.Contains(f.Problems[0], "only its first 512 KB were read") {
		t.Errorf("got problems %q", f.Problems)
	}
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
	if f := Parse(text[:MaxFormText/2]); len(f.Problems) != 0 {
		t.Errorf("half as long: got problems %q", f.Problems)
	}
}
