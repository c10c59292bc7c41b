package mailread

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// outlookRule is the line Outlook puts above the header of the message being
// replied to or forwarded; the reply extractor recognises it.
const outlookRule = "________________________________"

// htmlToText renders HTML as plain text keeping its line structure: block
// elements and <br> become newlines, <style> and <script> vanish, quoted
// content (blockquote, Gmail's gmail_quote, Yahoo's yahoo_quoted) is prefixed
// with "> ", and Outlook's reply header gets its underscore rule.
func htmlToText(s string) string {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return s
	}
	w := &textWriter{}
	w.node(doc)
	return tidyLines(w.b.String())
}

type textWriter struct {
	b       strings.Builder
	line    strings.Builder
	depth   int
	pre     int
	pending bool // a space is owed before the next word
}

// maxQuoteMarks bounds the "> " marks htmlToText puts before a line, so that
// text nested in hundreds of blockquotes does not grow with their number.
const maxQuoteMarks = 10

func (w *textWriter) endLine() {
	if w.b.Len() > maxTextBytes {
		w.line.Reset() // enough text: the rest is dropped
		return
	}
	text := strings.TrimRight(w.line.String(), " \t")
	w.b.WriteString(quotePrefix(min(w.depth, maxQuoteMarks)))
	w.b.WriteString(text)
	w.b.WriteByte('\n')
	w.line.Reset()
	w.pending = false
}

// block ends the current line if it has content.
func (w *textWriter) block() {
	if w.line.Len() > 0 {
		w.endLine()
	}
}

func (w *textWriter) text(s string) {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	if w.pre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.endLine()
			}
			w.line.WriteString(part)
		}
		return
	}
	for i, f := range strings.Fields(s) {
		if (i > 0 || w.pending || startsWithSpace(s)) && w.line.Len() > 0 {
			w.line.WriteByte(' ')
		}
		w.line.WriteString(f)
		w.pending = false
	}
	if endsWithSpace(s) && w.line.Len() > 0 {
		w.pending = true
	}
}

func startsWithSpace(s string) bool { return s != "" && strings.ContainsAny(s[:1], " \t\n\r\f") }
func endsWithSpace(s string) bool {
	return s != "" && strings.ContainsAny(s[len(s)-1:], " \t\n\r\f")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, c string) bool {
	for _, f := range strings.Fields(attr(n, "class")) {
		if f == c {
			return true
		}
	}
	return false
}

var reForwardWord = regexp.MustCompile(`(?i)forward|weitergeleitet|transf|ส่งต่อ|បញ្ជូន|ສົ່ງຕໍ່|တစ်ဆင့်|chuyển tiếp|转发|轉寄|轉發`)

// innerText returns up to limit bytes of n's text, for peeking; it looks at
// no more than 8*limit nodes, so that peeking into nested quotes stays
// linear.
func innerText(n *html.Node, limit int) string {
	var b strings.Builder
	nodes := 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if nodes++; b.Len() >= limit || nodes > 8*limit {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.CommentNode, html.DoctypeNode:
		return
	case html.ElementNode:
	default:
		w.children(n)
		return
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Head, atom.Title, atom.Noscript, atom.Template, atom.Svg, atom.Object:
		return
	case atom.Br:
		w.endLine()
		return
	case atom.Hr:
		w.block()
		w.line.WriteString(outlookRule)
		w.endLine()
		return
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.text(" [" + alt + "] ")
		}
		return
	case atom.Td, atom.Th:
		if w.line.Len() > 0 {
			w.pending = true
		}
		w.children(n)
		w.pending = true
		return
	case atom.Pre:
		w.block()
		w.pre++
		w.children(n)
		w.pre--
		w.block()
		return
	case atom.Li:
		w.block()
		w.line.WriteString("- ")
		w.children(n)
		w.block()
		return
	case atom.Blockquote:
		w.quoted(n)
		return
	case atom.Div:
		switch {
		case hasClass(n, "gmail_quote") && !reForwardWord.MatchString(firstLine(innerText(n, 300))):
			w.quoted(n)
			return
		case hasClass(n, "yahoo_quoted"):
			w.quoted(n)
			return
		case attr(n, "id") == "divRplyFwdMsg" || strings.Contains(strings.ReplaceAll(strings.ToLower(attr(n, "style")), " ", ""), "border-top:solid"):
			w.block()
			if !strings.HasSuffix(w.b.String(), outlookRule+"\n") {
				w.line.WriteString(outlookRule)
				w.endLine()
			}
			w.children(n)
			w.block()
			return
		}
	}
	if isBlock(n.DataAtom) {
		w.block()
		w.children(n)
		w.block()
		return
	}
	w.children(n)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func (w *textWriter) quoted(n *html.Node) {
	w.block()
	w.depth++
	w.children(n)
	w.block()
	w.depth--
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol,
		atom.Table, atom.Tr, atom.Tbody, atom.Thead, atom.Tfoot, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Form, atom.Dl, atom.Dt, atom.Dd, atom.Center, atom.Address, atom.Body, atom.Html,
		atom.Main, atom.Nav, atom.Aside, atom.Figure, atom.Caption, atom.Fieldset:
		return true
	}
	return false
}

// tidyLines trims trailing spaces and collapses runs of blank lines.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if strings.Trim(l, "> ") == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.Trim(strings.Join(out, "\n"), "\n")
}
