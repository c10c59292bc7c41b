package forms

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Errors of ParseDocx.
var (
	// ErrNotDocx: the file is not a zip holding word/document.xml.
	ErrNotDocx = errors.New("not a .docx document")
	// ErrTooLarge: word/document.xml is larger than MaxDocumentXML, or its
	// text larger than MaxDocxText.
	ErrTooLarge = errors.New(".docx document too large")
	// ErrTooComplex: word/document.xml nests elements deeper than
	// MaxDocxDepth or has more than MaxDocxElements of them.
	ErrTooComplex = errors.New(".docx document too complex")
)

// Limits of ParseDocx. A .docx past any of them is refused with an error,
// quickly and in bounded memory, whatever its compressed size: an
// application form is a few pages, nests tables two or three deep (about 20
// elements) and holds a few thousand elements.
const (
	// MaxDocumentXML bounds the uncompressed size of word/document.xml that
	// ParseDocx reads (8 MB): an entry declaring more is refused unread, and
	// reading stops there whatever the entry declared (a zip bomb stops
	// here).
	MaxDocumentXML = 8 << 20
	// MaxDocxDepth bounds how deep the elements of word/document.xml nest.
	MaxDocxDepth = 64
	// MaxDocxElements bounds how many elements word/document.xml holds.
	MaxDocxElements = 200_000
	// MaxDocxText bounds the text ParseDocx collects (1 MB), table cells'
	// text counted once for each table they sit in.
	MaxDocxText = 1 << 20
)

// ParseDocx reads a form from a .docx file: the text of word/document.xml
// (paragraphs, tabs and breaks; table rows as tab-separated cells; checkbox
// content controls (w14:checkbox) and legacy FORMCHECKBOX fields as "[x]"
// or "[ ]"; Wingdings box symbols likewise; "☒"/"☐" typed as text kept) is
// given to Parse. Deleted revisions, field codes and the fallback copy of
// alternate content are not read.
func ParseDocx(r io.ReaderAt, size int64) (Form, error) {
	text, err := DocxText(r, size)
	if err != nil {
		return Form{}, err
	}
	return Parse(text), nil
}

// DocxText returns the text of a .docx file as ParseDocx reads it, within the
// same limits: for a letter that is not a form (an endorsement, a cover letter).
func DocxText(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrNotDocx, err)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
			break
		}
	}
	if doc == nil {
		return "", fmt.Errorf("%w: no word/document.xml", ErrNotDocx)
	}
	if doc.UncompressedSize64 > MaxDocumentXML {
		return "", ErrTooLarge
	}
	rc, err := doc.Open()
	if err != nil {
		return "", fmt.Errorf("open document.xml: %w", err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: MaxDocumentXML + 1}
	text, err := docxText(lr)
	if lr.N <= 0 {
		return "", ErrTooLarge
	}
	if err != nil {
		return "", fmt.Errorf("read document.xml: %w", err)
	}
	return text, nil
}

// The WordprocessingML namespaces docxText reads.
const (
	nsW   = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsW14 = "http://schemas.microsoft.com/office/word/2010/wordml"
	nsMC  = "http://schemas.openxmlformats.org/markup-compatibility/2006"
)

// textSink collects text; a table cell is its own sink, so that a row can
// be written out as its cells joined by tabs.
type textSink struct {
	b     strings.Builder
	cells []string // finished cells of the current row (table rows only)
}

// docxText returns the text of a document.xml; past MaxDocxDepth,
// MaxDocxElements or MaxDocxText it stops with ErrTooComplex or ErrTooLarge.
func docxText(r io.Reader) (string, error) {
	d := xml.NewDecoder(r)
	d.Strict = false
	stack := []*textSink{{}} // stack[0] is the body; each open cell pushes
	top := func() *textSink { return stack[len(stack)-1] }
	depth, elements, written := 0, 0, 0
	var (
		inText     bool // inside w:t
		skip       int  // depth inside an element whose text is not read
		sdtBox     []bool
		boxChecked bool
		inFF       bool // inside w:ffData of a form field
		ffBox      bool
		ffChecked  string
		ffDefault  string
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return flush(stack), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > MaxDocxDepth {
				return flush(stack), fmt.Errorf("%w: elements nested more than %d deep", ErrTooComplex, MaxDocxDepth)
			}
			if elements++; elements > MaxDocxElements {
				return flush(stack), fmt.Errorf("%w: more than %d elements", ErrTooComplex, MaxDocxElements)
			}
			if skip > 0 {
				skip++
				continue
			}
			switch {
			case t.Name.Space == nsMC && t.Name.Local == "Fallback",
				t.Name.Space == nsW && (t.Name.Local == "delText" || t.Name.Local == "instrText"):
				skip = 1
			case t.Name.Space == nsW && t.Name.Local == "t":
				inText = true
			case t.Name.Space == nsW && t.Name.Local == "tab":
				top().b.WriteString("\t")
			case t.Name.Space == nsW && (t.Name.Local == "br" || t.Name.Local == "cr"):
				top().b.WriteString("\n")
			case t.Name.Space == nsW && t.Name.Local == "tc":
				stack = append(stack, &textSink{})
			case t.Name.Space == nsW && t.Name.Local == "sdt":
				sdtBox = append(sdtBox, false)
			case t.Name.Space == nsW14 && t.Name.Local == "checkbox":
				if len(sdtBox) > 0 {
					sdtBox[len(sdtBox)-1] = true
				}
				boxChecked = false
			case t.Name.Space == nsW14 && t.Name.Local == "checked":
				boxChecked = onOff(attr(t, "val"), true)
			case t.Name.Space == nsW && t.Name.Local == "sdtContent":
				if len(sdtBox) > 0 && sdtBox[len(sdtBox)-1] {
					top().b.WriteString(box(boxChecked))
					skip = 1 // the glyph inside is the box drawn; already written
				}
			case t.Name.Space == nsW && t.Name.Local == "ffData":
				inFF, ffBox, ffChecked, ffDefault = true, false, "", ""
			case inFF && t.Name.Space == nsW && t.Name.Local == "checkBox":
				ffBox = true
			case inFF && t.Name.Space == nsW && t.Name.Local == "default":
				ffDefault = attrOr(t, "val", "1")
			case inFF && t.Name.Space == nsW && t.Name.Local == "checked":
				ffChecked = attrOr(t, "val", "1")
			case t.Name.Space == nsW && t.Name.Local == "sym":
				if s, ok := symBox(attr(t, "font"), attr(t, "char")); ok {
					top().b.WriteString(s)
				}
			}
		case xml.EndElement:
			depth--
			if skip > 0 {
				skip--
				continue
			}
			switch {
			case t.Name.Space == nsW && t.Name.Local == "t":
				inText = false
			case t.Name.Space == nsW && t.Name.Local == "p":
				top().b.WriteString("\n")
			case t.Name.Space == nsW && t.Name.Local == "tc":
				if len(stack) > 1 {
					c := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					top().cells = append(top().cells, cellText(c.b.String()))
				}
			case t.Name.Space == nsW && t.Name.Local == "tr":
				s := top()
				row := strings.Join(s.cells, "\t")
				if written += len(row); written > MaxDocxText {
					return flush(stack), fmt.Errorf("%w: more than %d bytes of text", ErrTooLarge, MaxDocxText)
				}
				s.b.WriteString(row)
				s.b.WriteString("\n")
				s.cells = nil
			case t.Name.Space == nsW && t.Name.Local == "sdt":
				if len(sdtBox) > 0 {
					sdtBox = sdtBox[:len(sdtBox)-1]
				}
			case t.Name.Space == nsW && t.Name.Local == "ffData":
				if inFF && ffBox {
					v := ffChecked
					if v == "" {
						v = ffDefault
					}
					top().b.WriteString(box(onOff(v, false)))
				}
				inFF = false
			}
		case xml.CharData:
			if inText && skip == 0 {
				if written += len(t); written > MaxDocxText {
					return flush(stack), fmt.Errorf("%w: more than %d bytes of text", ErrTooLarge, MaxDocxText)
				}
				top().b.Write(t)
			}
		}
	}
	return flush(stack), nil
}

// cellText tidies a table cell: white space (tabs too) collapsed within
// each line, blank lines dropped, its paragraphs kept as lines so that a
// multi-line value ("Address") stays one.
func cellText(s string) string {
	var lines []string
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// flush returns the body's text, with any cells left open by a broken
// document appended.
func flush(stack []*textSink) string {
	var b strings.Builder
	for _, s := range stack {
		b.WriteString(s.b.String())
		if len(s.cells) > 0 {
			b.WriteString(strings.Join(s.cells, "\t"))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func box(checked bool) string {
	if checked {
		return "[x] "
	}
	return "[ ] "
}

func attr(e xml.StartElement, local string) string {
	v, _ := attrOK(e, local)
	return v
}

func attrOr(e xml.StartElement, local, def string) string {
	if v, ok := attrOK(e, local); ok {
		return v
	}
	return def
}

func attrOK(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// onOff reads an ST_OnOff value; empty means def.
func onOff(v string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return def
	case "1", "true", "on":
		return true
	}
	return false
}

// symBox reads a w:sym that draws a checkbox in a symbol font.
func symBox(font, char string) (string, bool) {
	n, err := strconv.ParseUint(char, 16, 32)
	if err != nil {
		return "", false
	}
	if n >= 0xF000 && n <= 0xF0FF {
		n -= 0xF000 // symbol fonts map to the private use area
	}
	switch strings.ToLower(font) {
	case "wingdings":
		switch n {
		case 0xFE, 0x78, 0xFD:
			return box(true), true
		case 0xA8, 0x6F, 0x71:
			return box(false), true
		}
	case "wingdings 2":
		switch n {
		case 0x52, 0x54, 0x51, 0x53:
			return box(true), true
		case 0xA3, 0x2A:
			return box(false), true
		}
	case "ms gothic", "segoe ui symbol", "ms mincho":
		switch rune(n) {
		case '☒', '☑':
			return box(true), true
		case '☐':
			return box(false), true
		}
	}
	return "", false
}
