package forms

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors of PDFText.
var (
	// ErrNotPDF: the data does not start with a PDF header.
	ErrNotPDF = errors.New("not a PDF document")
	// ErrPDFTooLarge: the file, its decompressed content or its text passed a
	// limit; the text read up to there is returned with it.
	ErrPDFTooLarge = errors.New("PDF document too large")
)

// Limits of PDFText. Past any of them it stops, in bounded time and memory,
// and returns the text read so far with ErrPDFTooLarge. A letter is a few
// pages: a few streams, a few KB of text.
const (
	// MaxPDFBytes bounds the file PDFText reads (8 MB).
	MaxPDFBytes = 8 << 20
	// MaxPDFStreams bounds how many streams are looked at.
	MaxPDFStreams = 2000
	// MaxPDFInflate bounds the bytes decompressed from all streams together
	// (16 MB): a compression bomb stops here.
	MaxPDFInflate = 16 << 20
	// MaxPDFText bounds the text returned (256 KB).
	MaxPDFText = 256 << 10
)

// PDFText returns the text of a PDF letter, for the bot to look for the facts
// the printed forms lack (an applicant's country, its endorser). It is a small,
// bounded reader, not a PDF renderer: it reads the page content streams that are
// uncompressed or FlateDecode-compressed (as word processors write them), and
// the text they show with the text operators (Tj, TJ, ', ") in strings encoded
// as single bytes (WinAnsi, PDFDocEncoding) or as UTF-16 with a byte-order mark.
// What it cannot read gives no text, never an error: fonts with their own
// encodings (most CID fonts, hence most Thai, Khmer, Lao, Burmese and Chinese
// PDFs), encrypted files, scanned letters (images) and other filters. A line
// break ends each text object and each move to a new line.
func PDFText(data []byte) (string, error) {
	head := data[:min(len(data), 1024)]
	if !bytes.Contains(head, []byte("%PDF-")) {
		return "", ErrNotPDF
	}
	if len(data) > MaxPDFBytes {
		return "", ErrPDFTooLarge
	}
	if bytes.Contains(data, []byte("/Encrypt")) {
		return "", nil
	}
	var out strings.Builder
	budget := MaxPDFInflate
	streams := 0
	for pos := 0; pos < len(data); {
		i := bytes.Index(data[pos:], []byte("stream"))
		if i < 0 {
			break
		}
		i += pos
		pos = i + len("stream")
		if i >= 3 && string(data[i-3:i]) == "end" {
			continue
		}
		dict, ok := streamDict(data, i)
		if !ok {
			continue
		}
		// The data starts after the EOL that follows the keyword.
		start := pos
		switch {
		case bytes.HasPrefix(data[start:], []byte("\r\n")):
			start += 2
		case start < len(data) && (data[start] == '\n' || data[start] == '\r'):
			start++
		default:
			continue
		}
		end := bytes.Index(data[start:], []byte("endstream"))
		if end < 0 {
			end = len(data) - start
		}
		raw := data[start : start+end]
		pos = start + end
		if streams++; streams > MaxPDFStreams {
			return out.String(), ErrPDFTooLarge
		}
		flate, ok := contentStream(dict)
		if !ok {
			continue
		}
		content := raw
		if flate {
			var b bytes.Buffer
			zr, err := zlib.NewReader(bytes.NewReader(raw))
			if err != nil {
				continue
			}
			n, _ := io.Copy(&b, io.LimitReader(zr, int64(budget)+1))
			zr.Close()
			if budget -= int(n); budget < 0 {
				return out.String(), ErrPDFTooLarge
			}
			content = b.Bytes()
		}
		if !bytes.Contains(content, []byte("BT")) {
			continue
		}
		if !showText(content, &out) {
			return out.String(), ErrPDFTooLarge
		}
	}
	return out.String(), nil
}

// streamDict returns the dictionary before the "stream" keyword at i: from
// the "<<" that opens it to the ">>" that closes it, looked for at most 4 KB
// back.
func streamDict(data []byte, i int) ([]byte, bool) {
	j := i - 1
	for j >= 0 && isPDFSpace(data[j]) {
		j--
	}
	if j < 1 || data[j] != '>' || data[j-1] != '>' {
		return nil, false
	}
	end := j + 1
	depth := 0
	for k := j; k >= 1 && end-k < 4096; k-- {
		switch {
		case data[k] == '>' && data[k-1] == '>':
			depth++
			k--
		case data[k] == '<' && data[k-1] == '<':
			if depth--; depth == 0 {
				return data[k-1 : end], true
			}
			k--
		}
	}
	return nil, false
}

// contentStream reports whether a stream with dict may hold page content, and
// whether it is FlateDecode-compressed. Images, fonts, cross-reference and
// object streams, metadata, embedded files and other filters are skipped.
func contentStream(dict []byte) (flate, ok bool) {
	for _, skip := range []string{"/Image", "/XRef", "/ObjStm", "/Metadata", "/EmbeddedFile", "/Length1", "/Length2", "/Length3",
		"/Type1C", "/CIDFontType0C", "/OpenType", "/Predictor", "/ICCBased", "/N 3", "/N 4"} {
		if bytes.Contains(dict, []byte(skip)) {
			return false, false
		}
	}
	if !bytes.Contains(dict, []byte("/Filter")) {
		return false, true
	}
	// Every filter named must be FlateDecode (/Fl abbreviated).
	f := bytes.TrimLeftFunc(dict[bytes.Index(dict, []byte("/Filter"))+len("/Filter"):], func(r rune) bool { return r < 0x80 && isPDFSpace(byte(r)) })
	if bytes.HasPrefix(f, []byte("[")) {
		if k := bytes.IndexByte(f, ']'); k >= 0 {
			f = f[1:k]
		}
	} else if bytes.HasPrefix(f, []byte("/")) {
		k := 1
		for k < len(f) && !isPDFSpace(f[k]) && !strings.ContainsRune("/[]()<>", rune(f[k])) {
			k++
		}
		f = f[:k]
	} else {
		return false, false // an indirect reference or worse: not read
	}
	names := 0
	for _, name := range bytes.FieldsFunc(f, func(r rune) bool { return r == '/' || r < 0x80 && isPDFSpace(byte(r)) }) {
		names++
		if string(name) != "FlateDecode" && string(name) != "Fl" {
			return false, false
		}
	}
	return names > 0, names > 0
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// showText writes the text shown by the content stream c to out; false when
// out reached MaxPDFText.
func showText(c []byte, out *strings.Builder) bool {
	var operands [][]byte // the strings since the last operator
	var numbers []float64 // the numbers since the last operator, and inside TJ arrays with their place
	var array []any       // the TJ array being read: []byte strings and float64 numbers
	inArray := false
	inText := false
	line := func() {
		if s := out.String(); len(s) > 0 && !strings.HasSuffix(s, "\n") {
			out.WriteByte('\n')
		}
	}
	write := func(b []byte) {
		out.WriteString(decodePDFString(b))
	}
	for i := 0; i < len(c); {
		if out.Len() > MaxPDFText {
			return false
		}
		ch := c[i]
		switch {
		case isPDFSpace(ch):
			i++
		case ch == '%':
			for i < len(c) && c[i] != '\n' && c[i] != '\r' {
				i++
			}
		case ch == '(':
			s, n := literalString(c[i:])
			i += n
			if inArray {
				array = append(array, s)
			} else {
				operands = append(operands, s)
			}
		case ch == '<' && i+1 < len(c) && c[i+1] == '<', ch == '>' && i+1 < len(c) && c[i+1] == '>':
			i += 2
		case ch == '<':
			s, n := hexString(c[i:])
			i += n
			if inArray {
				array = append(array, s)
			} else {
				operands = append(operands, s)
			}
		case ch == '[':
			inArray, array = true, array[:0]
			i++
		case ch == ']':
			inArray = false
			i++
		case ch == '/':
			i++
			for i < len(c) && !isPDFSpace(c[i]) && !strings.ContainsRune("/[]()<>{}%", rune(c[i])) {
				i++
			}
		case ch == '+' || ch == '-' || ch == '.' || ch >= '0' && ch <= '9':
			j := i + 1
			for j < len(c) && (c[j] == '.' || c[j] >= '0' && c[j] <= '9') {
				j++
			}
			v := parseNumber(c[i:j])
			if inArray {
				array = append(array, v)
			} else {
				numbers = append(numbers, v)
			}
			i = j
		default:
			j := i
			for j < len(c) && !isPDFSpace(c[j]) && !strings.ContainsRune("/[]()<>{}%", rune(c[j])) {
				j++
			}
			if j == i {
				i++ // a stray delimiter
				continue
			}
			op := string(c[i:j])
			i = j
			switch op {
			case "BT":
				inText = true
			case "ET":
				inText = false
				line()
			case "Tj":
				if inText && len(operands) > 0 {
					write(operands[len(operands)-1])
				}
			case "'", "\"":
				if inText && len(operands) > 0 {
					line()
					write(operands[len(operands)-1])
				}
			case "TJ":
				if inText {
					for _, e := range array {
						switch v := e.(type) {
						case []byte:
							write(v)
						case float64:
							if v < -200 { // a gap as wide as a space or wider
								out.WriteByte(' ')
							}
						}
					}
				}
			case "Td", "TD":
				if inText && len(numbers) >= 2 {
					if numbers[len(numbers)-1] != 0 {
						line()
					} else if s := out.String(); s != "" && !strings.HasSuffix(s, " ") && !strings.HasSuffix(s, "\n") {
						out.WriteByte(' ')
					}
				}
			case "T*", "Tm":
				if inText {
					line()
				}
			case "ID":
				// Inline image data runs to "EI": skip it unread.
				k := bytes.Index(c[i:], []byte("EI"))
				if k < 0 {
					return true
				}
				i += k + 2
			}
			operands, numbers, array = operands[:0], numbers[:0], array[:0]
		}
	}
	line()
	return out.Len() <= MaxPDFText
}

func parseNumber(b []byte) float64 {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	var v, scale float64 = 0, 0
	for _, c := range b {
		switch {
		case c == '.' && scale == 0:
			scale = 1
		case c >= '0' && c <= '9':
			v = v*10 + float64(c-'0')
			if scale > 0 {
				scale *= 10
			}
		}
	}
	if scale > 0 {
		v /= scale
	}
	if neg {
		v = -v
	}
	return v
}

// literalString reads a "(…)" string at the start of c, with nested
// parentheses and escapes; it returns the bytes and how many bytes of c it used.
func literalString(c []byte) ([]byte, int) {
	var out []byte
	depth := 0
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case ch == '(':
			if depth > 0 {
				out = append(out, ch)
			}
			depth++
		case ch == ')':
			if depth--; depth == 0 {
				return out, i + 1
			}
			out = append(out, ch)
		case ch == '\\' && i+1 < len(c):
			i++
			switch e := c[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b', 'f':
			case '\r':
				if i+1 < len(c) && c[i+1] == '\n' {
					i++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := 0
					k := 0
					for ; k < 3 && i+k < len(c) && c[i+k] >= '0' && c[i+k] <= '7'; k++ {
						v = v*8 + int(c[i+k]-'0')
					}
					i += k - 1
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, ch)
		}
	}
	return out, len(c)
}

// hexString reads a "<…>" string at the start of c.
func hexString(c []byte) ([]byte, int) {
	var out []byte
	hi, half := byte(0), false
	for i := 1; i < len(c); i++ {
		ch := c[i]
		var v byte
		switch {
		case ch == '>':
			if half {
				out = append(out, hi<<4)
			}
			return out, i + 1
		case ch >= '0' && ch <= '9':
			v = ch - '0'
		case ch >= 'a' && ch <= 'f':
			v = ch - 'a' + 10
		case ch >= 'A' && ch <= 'F':
			v = ch - 'A' + 10
		default:
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return out, len(c)
}

// winAnsi maps the bytes 0x80-0x9F of WinAnsiEncoding that differ from Latin-1.
var winAnsi = map[byte]rune{0x80: '€', 0x85: '…', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x95: '•', 0x96: '–', 0x97: '—'}

// decodePDFString turns a string's bytes into text: UTF-16BE after a byte-order
// mark, else one byte a character (WinAnsi, Latin-1). A string that is mostly
// control bytes is in a font's own encoding and gives nothing.
func decodePDFString(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return cleanPDFText(string(utf16.Decode(u)))
	}
	control := 0
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			control++
		}
	}
	if control*3 > len(b) {
		return ""
	}
	var s strings.Builder
	for _, c := range b {
		switch {
		case c >= 0x80 && c < 0xA0:
			if r, ok := winAnsi[c]; ok {
				s.WriteRune(r)
			}
		default:
			s.WriteRune(rune(c))
		}
	}
	return cleanPDFText(s.String())
}

// cleanPDFText drops control characters (a line break kept) and invalid UTF-8.
func cleanPDFText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r >= 0x7f && r < 0xa0 || r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}
