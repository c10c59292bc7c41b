package forms

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// pdfOf builds a minimal PDF whose page content is each of contents, as its own
// stream: compressed with FlateDecode when flate is set. extra streams (fonts,
// images) are added as they are.
func pdfOf(flate bool, contents []string, extra ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	n := 3
	for _, c := range contents {
		data := []byte(c)
		dict := fmt.Sprintf("<< /Length %d >>", len(data))
		if flate {
			var z bytes.Buffer
			w := zlib.NewWriter(&z)
			w.Write(data)
			w.Close()
			data = z.Bytes()
			dict = fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>", len(data))
		}
		fmt.Fprintf(&b, "%d 0 obj\n%s\nstream\r\n%s\r\nendstream\nendobj\n", n, dict, data)
		n++
	}
	for _, e := range extra {
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, e)
		n++
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

const letterContent = `BT /F1 12 Tf 72 720 Td (Endorsement letter) Tj 0 -14 Td
(Centre for Worker Development Vietnam endorses the application of) Tj
0 -14 Td [(Mekong Youth ) -50 (Centre, an organisation based in) -250 (Viet Nam.)] TJ
T* (It works with migrants \(returnees\) in Hanoi\222s suburbs.) Tj ET
BT 72 600 Td <FEFF004E0067007500791EC5006E> Tj ET`

func TestPDFTextReadsLetters(t *testing.T) {
	want := []string{
		"Endorsement letter",
		"Centre for Worker Development Vietnam endorses the application of",
		"Mekong Youth Centre, an organisation based in Viet Nam.",
		"It works with migrants (returnees) in Hanoi’s suburbs.",
		"Nguyễn",
	}
	font := "<< /Length1 20 /Length 20 >>\nstream\n(Not text) Tj BT ET\nendstream"
	image := "<< /Type /XObject /Subtype /Image /Length 20 >>\nstream\nBT (Not text) Tj ET\nendstream"
	for _, flate := range []bool{false, true} {
		got, err := PDFText(pdfOf(flate, []string{letterContent}, font, image))
		if err != nil {
			t.Fatalf("flate %v: %v", flate, err)
		}
		lines := strings.Split(strings.TrimSpace(got), "\n")
		if strings.Join(lines, "|") != strings.Join(want, "|") {
			t.Errorf("flate %v: got\n%q\nwant\n%q", flate, lines, want)
		}
	}
}

func TestPDFTextWhatItDoesNotRead(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		err  error
	}{
		{"not a PDF", []byte("PK\x03\x04 a zip"), ErrNotPDF},
		{"encrypted", append(pdfOf(false, []string{"BT (secret) Tj ET"}), "trailer << /Encrypt 9 0 R >>"...), nil},
		{"other filter", []byte("%PDF-1.4\n1 0 obj << /Filter /ASCII85Decode /Length 5 >>\nstream\nBT (x) Tj ET\nendstream\n"), nil},
		{"CID font codes", pdfOf(false, []string{"BT <0011002400330037> Tj ET"}), nil},
		{"no text objects", pdfOf(true, []string{"0 0 m 100 100 l S"}), nil},
		{"broken flate", []byte("%PDF-1.4\n1 0 obj << /Filter /FlateDecode /Length 5 >>\nstream\nxxxxx\nendstream\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PDFText(tt.data)
			if !errors.Is(err, tt.err) || strings.TrimSpace(got) != "" {
				t.Errorf("got %q, %v; want no text, %v", got, err, tt.err)
			}
		})
	}
}

// TestPDFTextBounded: a compression bomb, a flood of streams and of text stop at
// their limits, quickly, with the text read so far.
func TestPDFTextBounded(t *testing.T) {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte("BT "))
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MB of content from about 64 KB
		w.Write(zeros)
	}
	w.Close()
	bomb := []byte(fmt.Sprintf("%%PDF-1.7\n1 0 obj << /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream\n", z.Len(), z.Bytes()))
	many := pdfOf(false, slicesRepeat("BT (x) Tj ET", MaxPDFStreams+5))
	long := pdfOf(false, []string{"BT " + strings.Repeat("(lots of words here) Tj ", 30000) + "ET"})
	for name, data := range map[string][]byte{"bomb": bomb, "streams": many, "text": long} {
		start := time.Now()
		got, err := PDFText(data)
		if !errors.Is(err, ErrPDFTooLarge) || len(got) > MaxPDFText+1024 {
			t.Errorf("%s: %d bytes of text, %v; want at most %d, ErrPDFTooLarge", name, len(got), err, MaxPDFText)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s took %s", name, d)
		}
	}
	if _, err := PDFText(append([]byte("%PDF-1.7\n"), make([]byte, MaxPDFBytes)...)); !errors.Is(err, ErrPDFTooLarge) {
		t.Errorf("a file over MaxPDFBytes: %v", err)
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestDocxTextOfALetter(t *testing.T) {
	data := docx(t, `<w:p><w:r><w:t>We, Migrant Workers Foundation Thailand, endorse this application.</w:t></w:r></w:p>`)
	got, err := DocxText(bytes.NewReader(data), int64(len(data)))
	if err != nil || !strings.Contains(got, "Migrant Workers Foundation Thailand, endorse") {
		t.Errorf("got %q, %v", got, err)
	}
}

func FuzzPDFText(f *testing.F) {
	f.Add(pdfOf(false, []string{letterContent}))
	f.Add(pdfOf(true, []string{letterContent}))
	f.Add([]byte("%PDF-1.4\n<< >>stream\n(((\\"))
	f.Add([]byte("%PDF-1.4\n<< /Filter [/FlateDecode /Fl] >>\nstream\r\nBT [(a) -300 <41> ] TJ ' \" ID xx EI ET"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, _ := PDFText(data)
		if len(got) > MaxPDFText+64<<10 {
			t.Fatalf("%d bytes of text", len(got))
		}
		for _, r := range got {
			if r < 0x20 && r != '\n' {
				t.Fatalf("control character %U in %q", r, got)
			}
		}
	})
}
