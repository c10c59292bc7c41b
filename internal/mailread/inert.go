package mailread

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Hostile input is made inert once, at the boundary: Read passes the Message
// it built through makeInert, and the Attachment callback receives an
// Attachment that went through the same cleaning. After it, no string in a
// Message carries a C0 or C1 control character (U+0000–U+001F,
// U+007F–U+009F), except tab and line feed in a body (Text), nor invalid
// UTF-8; header-like values are one line. This is what lets the rest of the
// program use control characters as its own markers (the renderer uses
// U+001D–U+001F) and print what a member sent without fear of injection.

const (
	// maxLineBytes caps a single-line value (a name, an address, the subject,
	// a file name, a message ID, a problem); longer values are cut at a rune
	// boundary.
	maxLineBytes = 2000
	// maxHeaderValueBytes caps each value in Message.Header.
	maxHeaderValueBytes = 16 << 10
)

// makeInert cleans every string of m and of the messages it forwards.
func (m *Message) makeInert() {
	m.From.makeInert()
	for _, l := range [][]Address{m.To, m.Cc, m.ReplyTo} {
		for i := range l {
			l[i].makeInert()
		}
	}
	m.Subject = inertLine(m.Subject, maxLineBytes)
	m.MessageID = inertLine(m.MessageID, maxLineBytes)
	for _, l := range [][]string{m.InReplyTo, m.References, m.Problems} {
		for i := range l {
			l[i] = inertLine(l[i], maxLineBytes)
		}
	}
	for k, vs := range m.Header {
		for i := range vs {
			vs[i] = inertLine(vs[i], maxHeaderValueBytes)
		}
		if ck := inertLine(k, maxLineBytes); ck != k {
			delete(m.Header, k)
			m.Header[ck] = append(m.Header[ck], vs...)
		}
	}
	m.Text = inertText(m.Text)
	for i := range m.Attachments {
		m.Attachments[i].makeInert()
	}
	m.Auto = inertLine(m.Auto, maxLineBytes)
	for _, f := range m.Forwarded {
		f.makeInert()
	}
}

func (a *Address) makeInert() {
	a.Name = strings.TrimSpace(inertLine(a.Name, maxLineBytes))
	a.Email = strings.TrimSpace(inertLine(a.Email, maxLineBytes))
}

func (a *Attachment) makeInert() {
	a.Name = strings.TrimSpace(inertLine(a.Name, maxLineBytes))
	a.ContentType = strings.TrimSpace(inertLine(a.ContentType, maxLineBytes))
}

// isControl reports whether r is a C0 or C1 control character or DEL.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// isBidiControl reports whether r is a bidirectional embedding, override or
// isolate control, which can make a file name or subject read backwards
// ("gpj.exe" shown as "exe.jpg").
func isBidiControl(r rune) bool { return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 }

// inertLine returns s as one line of valid UTF-8 of at most max bytes: tab,
// CR, LF and the Unicode line and paragraph separators become a space, other
// C0/C1 controls and bidi controls are dropped, invalid bytes become U+FFFD.
func inertLine(s string, max int) string {
	if len(s) <= max && cleanLine(s) {
		return s
	}
	var b strings.Builder
	b.Grow(min(len(s), max))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			r = ' '
		case isControl(r) || isBidiControl(r):
			continue
		}
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// cleanLine reports whether s needs nothing from inertLine.
func cleanLine(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isControl(r) || isBidiControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += n
	}
	return true
}

// inertText returns a body as valid UTF-8 with LF line ends: CRLF and a lone
// CR become LF, tab and LF are kept, every other C0/C1 control is dropped,
// invalid bytes become U+FFFD.
func inertText(s string) string {
	if cleanBody(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			r = '\n'
		case r == '\t' || r == '\n':
		case isControl(r):
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// cleanBody reports whether s needs nothing from inertText.
func cleanBody(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || isControl(r) {
			return false
		}
		i += n
	}
	return true
}
