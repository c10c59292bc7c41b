// Package roster reads and writes the network's roster (member organisations
// and associates) and its Steering Committee (SC) seats as CSV files, the form
// the Secretariat keeps them in a spreadsheet.
//
// Imports check every row and report every problem with its line number in one
// [*ImportError]; an import with any problem returns nothing. A file may start
// with a UTF-8 byte order mark, use CRLF line endings, have blank lines (also
// rows of empty cells, as spreadsheets export them) and spaces around values.
// Columns come in any order, named in a header row (case-insensitive).
//
// Every value is checked before anything else: it must be UTF-8, hold no line
// break or control character, and be no longer than its column's limit
// ([MaxNameRunes], [MaxCountryRunes], [MaxAddressOctets], [MaxLanguageRunes],
// [MaxFieldRunes]), so that a name cannot grow a mail's subject or a header past
// what a mail server accepts. Such a value is reported once, as
// `line 12: name: 5000 characters, the limit is 200`, and read as empty.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits of the values of the roster and SC files, counted after spaces
// around a value are trimmed. A longer value is refused with its line and column.
const (
	// MaxNameRunes is the longest organisation or person name (columns name,
	// contact_name, alternate_name), in characters. Names go into subjects,
	// which render cuts at 200 characters anyway.
	MaxNameRunes = 200
	// MaxCountryRunes is the longest country (column country) or seat (column
	// seat), in characters.
	MaxCountryRunes = 100
	// MaxAddressOctets is the longest e-mail address (columns contact_email,
	// alternate_email), in octets: RFC 5321 4.5.3.1.3 allows a path of 256
	// octets, the address and its angle brackets.
	MaxAddressOctets = 254
	// MaxLanguageRunes is the longest language code (column language), in
	// characters; the codes themselves (en, th, km, …) are shorter.
	MaxLanguageRunes = 16
	// MaxFieldRunes is the longest value of any other column, in characters.
	MaxFieldRunes = 1000
)

// limitOf returns the longest value of column col and whether it is counted in
// octets (addresses) rather than characters.
func limitOf(col string) (limit int, octets bool) {
	switch col {
	case "name", "contact_name", "alternate_name":
		return MaxNameRunes, false
	case "country", "seat":
		return MaxCountryRunes, false
	case "contact_email", "alternate_email":
		return MaxAddressOctets, true
	case "language":
		return MaxLanguageRunes, false
	}
	return MaxFieldRunes, false
}

// tooLong returns the problem of a value of col longer than its limit, or "".
func tooLong(col, v string) string {
	limit, octets := limitOf(col)
	if octets {
		if len(v) > limit {
			return fmt.Sprintf("%d octets, the limit is %d", len(v), limit)
		}
		return ""
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return fmt.Sprintf("%d characters, the limit is %d", n, limit)
	}
	return ""
}

// Problem is one thing wrong in an imported file.
type Problem struct {
	Line   int    // 1-based line in the file; the header is usually line 1
	Column string // the column, "" for the whole row or file
	Msg    string
}

// String returns "line 3: contact_email: ..." (no column part when Column is "").
func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("line %d: %s", p.Line, p.Msg)
	}
	return fmt.Sprintf("line %d: %s: %s", p.Line, p.Column, p.Msg)
}

// ImportError lists every problem an import found, in file order.
type ImportError struct {
	Problems []Problem
}

// Error lists the problems one per line.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import: %d problem(s):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

type problems []Problem

func (ps *problems) add(line int, col, format string, args ...any) {
	*ps = append(*ps, Problem{Line: line, Column: col, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ImportError{Problems: ps}
}

// row is one data row: its line and its values by column name, trimmed.
type row struct {
	line   int
	values map[string]string
	bad    map[string]bool // columns whose value was refused (and reads as empty)
}

// missing reports whether col is present in the file but empty on this row,
// not counting a value already refused for another reason.
func (r row) missing(present map[string]bool, col string) bool {
	return present[col] && r.values[col] == "" && !r.bad[col]
}

func (r row) get(col string) string { return r.values[col] }

// readTable reads a CSV file with a header row. It reports to ps: unknown,
// repeated and missing required columns; rows with the wrong number of fields
// (not returned); values that are not UTF-8, hold control characters or are
// longer than their column's limit (limitOf; then read as empty). Only an I/O
// failure is returned as an error.
func readTable(r io.Reader, columns, required []string, ps *problems) (present map[string]bool, rows []row, err error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\uFEFF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var header []string // column name per field; "" for an unknown column
	present = map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				ps.add(pe.StartLine, "", "not valid CSV: %v", pe.Err)
				continue
			}
			return nil, nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if header == nil {
			header = readHeader(rec, line, columns, required, present, ps)
			continue
		}
		if len(rec) != len(header) {
			ps.add(line, "", "has %d fields, want %d as in the header", len(rec), len(header))
			continue
		}
		rw := row{line: line, values: map[string]string{}, bad: map[string]bool{}}
		for i, v := range rec {
			col := header[i]
			if col == "" {
				continue
			}
			v = strings.TrimSpace(v)
			problem := ""
			switch {
			case !utf8.ValidString(v):
				problem = "not valid UTF-8 (save the file as UTF-8)"
			case strings.ContainsFunc(v, isControl):
				problem = "contains a line break or control character"
			default:
				v = norm.NFC.String(v)
				problem = tooLong(col, v)
			}
			if problem != "" {
				ps.add(line, col, "%s", problem)
				rw.bad[col] = true
				v = ""
			}
			rw.values[col] = v
		}
		rows = append(rows, rw)
	}
	if header == nil {
		ps.add(1, "", "empty file: want a header row (%s)", strings.Join(columns, ","))
	}
	return present, rows, nil
}

func readHeader(rec []string, line int, columns, required []string, present map[string]bool, ps *problems) []string {
	header := make([]string, len(rec))
	for i, h := range rec {
		name := strings.ToLower(strings.TrimSpace(h))
		switch {
		case name == "":
			ps.add(line, "", "column %d has no name in the header", i+1)
		case !contains(columns, name):
			ps.add(line, name, "unknown column; the columns are %s", strings.Join(columns, ","))
		case present[name]:
			ps.add(line, name, "column appears twice in the header")
		default:
			header[i] = name
			present[name] = true
		}
	}
	for _, c := range required {
		if !present[c] {
			ps.add(line, c, "required column is missing from the header")
		}
	}
	return header
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bareAddress reports whether a is a bare address ("a@b.example", no name or
// angle brackets) that net/mail accepts.
func bareAddress(a string) bool {
	p, err := mail.ParseAddress(a)
	return err == nil && p.Name == "" && strings.EqualFold(p.Address, a) && !strings.ContainsAny(a, "<>")
}

// parseDate reads YYYY-MM-DD as midnight in loc.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date as YYYY-MM-DD", s)
	}
	return t, nil
}

func formatDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateOnly)
}
