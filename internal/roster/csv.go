// Package roster reads and writes the network's roster (member organisations
// and associates) and its Steering Committee (SC) seats as CSV files, the form
// the Secretariat keeps them in a spreadsheet.
//
// Imports check every row and report every problem with its line number in one
// [*ImportError]; an import with any problem returns nothing. A file may start
// with a UTF-8 byte order mark, use CRLF line endings, have blank lines (also
// rows of empty cells, as spreadsheets export them) and spaces around values.
// Columns come in any order, named in a header row (case-insensitive).
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
}

func (r row) get(col string) string { return r.values[col] }

// readTable reads a CSV file with a header row. It reports to ps: unknown,
// repeated and missing required columns; rows with the wrong number of fields
// (not returned); values that are not UTF-8 or hold control characters (then
// read as empty). Only an I/O failure is returned as an error.
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
		rw := row{line: line, values: map[string]string{}}
		for i, v := range rec {
			col := header[i]
			if col == "" {
				continue
			}
			v = strings.TrimSpace(v)
			switch {
			case !utf8.ValidString(v):
				ps.add(line, col, "not valid UTF-8 (save the file as UTF-8)")
				v = ""
			case strings.ContainsFunc(v, isControl):
				ps.add(line, col, "contains a line break or control character")
				v = ""
			}
			rw.values[col] = norm.NFC.String(v)
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
