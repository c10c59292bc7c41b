package render

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// colons are the colons a label ends with in the seven languages: ASCII, the
// full-width colon of Chinese, and the Khmer sign ៖ (khan colon).
const colons = ":：៖"

// labelRunes is the longest a label runs (without its colon): "Reference",
// "สถานะปัจจุบัน", "Organisation". A longer text before a colon is a sentence that
// introduces what follows ("Your organisation is asked to vote on this question:").
const labelRunes = 32

// EmptyLabels returns the lines of a rendered text part that label a value and
// show none: "State:" or "Reference:  – reply…" when the value is empty, in any
// of the languages. A line ending with a colon is not one when it introduces what
// follows: a list on the next lines (indented, or starting with "-", "*" or "•",
// after blank lines or not), or a text below when the line is a sentence rather
// than a label (longer than labelRunes, or more than four words). Mail is read by
// people who act on it: a labelled line with nothing after it is a fault.
func EmptyLabels(text string) []string {
	lines := strings.Split(text, "\n")
	var out []string
	for i, line := range lines {
		trimmed := strings.TrimRightFunc(line, unicode.IsSpace)
		if trimmed == "" {
			continue
		}
		if label, ok := emptyInside(trimmed); ok {
			out = append(out, strings.TrimSpace(line)+"   ← "+label+" has no value")
			continue
		}
		last, _ := utf8.DecodeLastRuneInString(trimmed)
		if !strings.ContainsRune(colons, last) || isBullet(trimmed) {
			continue // a list item ending with a colon heads what follows it
		}
		label := strings.TrimSpace(strings.TrimRight(trimmed, colons))
		// The label is the text after the last comma, dash or semicolon of the
		// line ("Mekong Youth Centre, Reference:"), so a sentence ending in a
		// label counts.
		if j := strings.LastIndexAny(label, ",–;"); j >= 0 {
			_, size := utf8.DecodeRuneInString(label[j:])
			label = strings.TrimSpace(label[j+size:])
		}
		if label == "" || utf8.RuneCountInString(label) > labelRunes || len(strings.Fields(label)) > 4 {
			continue
		}
		if next, ok := nextLine(lines[i+1:]); ok && (isListItem(next) || !isLabelLine(next)) {
			// What follows is a list, the value on the next line ("  * Org, 1
			// June 2027:" then the reasons), or the text a greeting or a question
			// introduces.
			continue
		}
		out = append(out, strings.TrimSpace(line))
	}
	return out
}

// emptyInside finds a label inside a line whose value is missing: a colon, then
// only spaces before a dash, comma, semicolon or closing bracket ("Reference:  –
// reply to this mail", "By: , on 1 June").
func emptyInside(line string) (string, bool) {
	for i, r := range line {
		if !strings.ContainsRune(colons, r) {
			continue
		}
		rest := line[i+utf8.RuneLen(r):]
		after := strings.TrimLeft(rest, " \t")
		if after == rest || after == "" { // no space after the colon (a time, a URL), or the end of line
			continue
		}
		next, _ := utf8.DecodeRuneInString(after)
		if !strings.ContainsRune("–—,;)]", next) {
			continue
		}
		label := strings.TrimSpace(line[:i])
		if j := strings.LastIndexAny(label, ",;("); j >= 0 {
			label = strings.TrimSpace(label[j+1:])
		}
		if label != "" && utf8.RuneCountInString(label) <= labelRunes {
			return label, true
		}
	}
	return "", false
}

// isLabelLine reports whether line is a "Label: value" line: a short label, then
// a colon.
func isLabelLine(line string) bool {
	line = strings.TrimSpace(line)
	i := strings.IndexAny(line, colons)
	if i <= 0 {
		return false
	}
	label := line[:i]
	return utf8.RuneCountInString(label) <= labelRunes && len(strings.Fields(label)) <= 4
}

// nextLine returns the first line of after that is not blank, and false at the
// end of the part: the end of the text, the signature ("-- ") or the separator of
// the English text ("---- English ----").
func nextLine(after []string) (string, bool) {
	for _, l := range after {
		switch {
		case strings.TrimSpace(l) == "":
			continue
		case l == "-- " || strings.HasPrefix(l, "---- "):
			return "", false
		}
		return l, true
	}
	return "", false
}

// isBullet reports whether line, after its indentation, starts with a bullet.
func isBullet(line string) bool {
	line = strings.TrimLeftFunc(line, unicode.IsSpace)
	for _, b := range []string{"* ", "- ", "• "} {
		if strings.HasPrefix(line, b) {
			return true
		}
	}
	return false
}

// isListItem reports whether line is an item of a list: indented, or starting
// with "-", "*" or "•".
func isListItem(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	return unicode.IsSpace(r) || strings.ContainsRune("-*•", r)
}
