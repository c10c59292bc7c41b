// Package mailread turns a raw RFC 5322 message into a Message: decoded
// headers, the body as text, attachments (hashed while streamed), forwarded
// originals, and whether the mail was sent by a machine and must never be
// answered. It does no network or storage work.
package mailread

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode legacy charsets
	gmail "github.com/emersion/go-message/mail"
	"golang.org/x/text/unicode/norm"
	"net/textproto"
)

// Address is one mailbox: a display name and an address.
type Address struct {
	Name  string
	Email string // lower-cased, trimmed
}

// Attachment describes one attached file. Size and SHA256 are measured while
// the decoded bytes stream past; the bytes themselves are never kept.
type Attachment struct {
	Name, ContentType string
	Size              int64
	SHA256            string // hex
}

// Message is what Read makes of a raw message.
type Message struct {
	From            Address
	To, Cc, ReplyTo []Address
	Subject         string   // decoded, NFC
	MessageID       string   // without angle brackets; "" if absent
	InReplyTo       []string // without brackets
	References      []string // without brackets
	Date            time.Time
	// Header holds every header field under its canonical key, decoded
	// (RFC 2047, legacy 8-bit bytes) where possible, for the trust layer.
	Header map[string][]string
	// Text is the body as text: text/plain preferred, else HTML converted to
	// text; format=flowed joined; CRLF turned into LF; NFC.
	Text        string
	FromHTML    bool
	Attachments []Attachment
	// Forwarded holds the originals recovered from inline forwards and from
	// attached message/rfc822 parts.
	Forwarded []*Message
	// Auto is "" for a person's mail, else why it must never be answered:
	// "auto-submitted", "precedence", "x-autoreply", "list", "bounce",
	// "mailer-daemon".
	Auto string
	// Problems says, in plain English, what could not be read.
	Problems []string
}

// Options tune Read.
type Options struct {
	// MaxBytes limits the size of the raw input; 0 means no limit. Larger
	// input makes Read return ErrTooLarge.
	MaxBytes int64
	// Attachment, when set, receives each attachment's decoded bytes as a
	// stream (never buffered whole). a carries Name and ContentType; Size and
	// SHA256 are filled in the Message once the stream is consumed. A non-nil
	// error aborts reading and is returned by Read.
	Attachment func(a Attachment, r io.Reader) error
}

// ErrTooLarge is returned by Read when the input exceeds Options.MaxBytes.
var ErrTooLarge = errors.New("mailread: message too large")

const (
	maxDepth     = 5       // nesting of attached messages
	maxTextBytes = 8 << 20 // body text kept per text part
	peekBytes    = 16 << 10
)

// limitReader counts input bytes, enforces MaxBytes and remembers the first
// real read error, so that go-message's own error wrapping cannot hide it.
type limitReader struct {
	r       io.Reader
	n, max  int64
	over    bool
	readErr error
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, ErrTooLarge
	}
	if l.readErr != nil {
		return 0, l.readErr
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.max > 0 && l.n > l.max {
		l.over = true
		return 0, ErrTooLarge
	}
	if err != nil && err != io.EOF {
		l.readErr = err
	}
	return n, err
}

// Read parses a raw message. It returns an error only for ErrTooLarge, a read
// error from r, or an error returned by Options.Attachment; a broken message
// still yields a *Message with Problems set.
func Read(r io.Reader, opts Options) (*Message, error) {
	lr := &limitReader{r: r, max: opts.MaxBytes}
	m, err := readMessage(lr, opts, 0)
	if err == nil {
		// consume the rest (epilogue, unread parts) to enforce MaxBytes and
		// surface read errors.
		_, _ = io.Copy(io.Discard, lr)
	}
	switch {
	case lr.over:
		return nil, ErrTooLarge
	case lr.readErr != nil:
		return nil, fmt.Errorf("read message: %w", lr.readErr)
	case err != nil:
		return m, err
	}
	return m, nil
}

// reader holds the state of one message being read.
type reader struct {
	opts     Options
	depth    int
	m        *Message
	haveText bool
	html     string
	haveHTML bool
	charset  string // first declared text charset, a hint for raw headers
	bounce   bool
	abort    error
}

func (rd *reader) problem(format string, args ...any) {
	p := fmt.Sprintf(format, args...)
	for _, q := range rd.m.Problems {
		if q == p {
			return
		}
	}
	rd.m.Problems = append(rd.m.Problems, p)
}

func readMessage(r io.Reader, opts Options, depth int) (*Message, error) {
	rd := &reader{opts: opts, depth: depth, m: &Message{Header: map[string][]string{}}}
	br := bufio.NewReaderSize(r, peekBytes)
	head, _ := br.Peek(peekBytes)
	if n := junkBeforeHeader(head); n > 0 {
		_, _ = br.Discard(n)
		head = head[n:]
	}
	headCopy := append([]byte(nil), head...)

	e, err := message.ReadWithOptions(br, &message.ReadOptions{MaxHeaderBytes: 1 << 20})
	if e == nil {
		rd.problem("could not read the message header: %v", err)
		rd.m.Text = cleanText(fixText(string(headCopy), ""))
		return rd.m, nil
	}
	rd.entity(e, err, true)
	if rd.abort != nil {
		rd.finish(e.Header)
		return rd.m, rd.abort
	}
	rd.finish(e.Header)
	return rd.m, nil
}

// junkBeforeHeader returns how many leading bytes to skip: blank or
// whitespace-only lines, and an mbox "From " line.
func junkBeforeHeader(b []byte) int {
	n := 0
	for n < len(b) {
		i := bytes.IndexByte(b[n:], '\n')
		if i < 0 {
			break
		}
		line := b[n : n+i+1]
		if len(bytes.TrimSpace(line)) == 0 || (n == 0 || len(bytes.TrimSpace(b[:n])) == 0) && bytes.HasPrefix(line, []byte("From ")) {
			n += i + 1
			continue
		}
		break
	}
	return n
}

// entity reads one entity (the message itself or a part) and its children.
func (rd *reader) entity(e *message.Entity, perr error, top bool) {
	if rd.abort != nil {
		return
	}
	mt, params, cterr := e.Header.ContentType()
	if cterr != nil && strings.TrimSpace(e.Header.Get("Content-Type")) != "" {
		rd.problem("unreadable Content-Type %q", e.Header.Get("Content-Type"))
		mt = roughMediaType(e.Header.Get("Content-Type"))
	}
	if mt == "" {
		mt = "text/plain"
	}
	if perr != nil {
		switch {
		case message.IsUnknownEncoding(perr):
			rd.problem("unknown transfer encoding %q; part kept undecoded", e.Header.Get("Content-Transfer-Encoding"))
		case message.IsUnknownCharset(perr):
			rd.problem("unknown charset %q; text decoded by guess", params["charset"])
		default:
			rd.problem("part could not be decoded: %v", perr)
		}
	}
	if strings.HasPrefix(mt, "text/") && rd.charset == "" && !isPlainCharset(params["charset"]) {
		rd.charset = params["charset"]
	}
	if strings.HasPrefix(mt, "multipart/") {
		if mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
			rd.bounce = true
		}
		if params["boundary"] == "" {
			rd.problem("multipart without a boundary; read as plain text")
			rd.leaf(e, "text/plain", params, false)
			return
		}
		mr := e.MultipartReader()
		n := 0
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if p == nil {
				if n == 0 || !errors.Is(err, io.ErrUnexpectedEOF) {
					rd.problem("broken multipart structure: %v", err)
				} else {
					rd.problem("multipart ends without its final boundary")
				}
				break
			}
			n++
			rd.entity(p, err, false)
			if rd.abort != nil {
				return
			}
		}
		return
	}
	rd.leaf(e, mt, params, top)
}

// leaf reads a non-multipart entity.
func (rd *reader) leaf(e *message.Entity, mt string, params map[string]string, top bool) {
	disp, dparams, _ := e.Header.ContentDisposition()
	ah := gmail.AttachmentHeader{Header: e.Header}
	name, _ := ah.Filename()
	if name == "" {
		name = dparams["filename"]
	}
	name = fixText(name, rd.charset)
	isAttach := strings.EqualFold(disp, "attachment")
	switch {
	case mt == "message/rfc822" || mt == "message/global":
		rd.attachedMessage(e, mt, name)
	case mt == "message/delivery-status":
		rd.bounce = true
		rd.attachment(e, mt, name)
	case !isAttach && mt == "text/plain" && !rd.haveText && (name == "" || top):
		t := rd.readText(e.Body, params["charset"])
		if strings.EqualFold(params["format"], "flowed") {
			t = decodeFlowed(t, strings.EqualFold(params["delsp"], "yes"))
		}
		rd.m.Text = t
		rd.haveText = true
	case !isAttach && mt == "text/html" && !rd.haveHTML && (name == "" || top):
		rd.html = rd.readText(e.Body, params["charset"])
		rd.haveHTML = true
	case mt == "application/pkcs7-mime" || mt == "application/x-pkcs7-mime":
		rd.problem("encrypted or opaque-signed S/MIME content cannot be read")
		rd.attachment(e, mt, name)
	default:
		rd.attachment(e, mt, name)
	}
}

// roughMediaType takes the type/subtype from an unparseable Content-Type.
func roughMediaType(v string) string {
	f := strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ';' || r == ' ' || r == '\t' || r == '"' })
	if len(f) > 0 && strings.Count(f[0], "/") == 1 {
		return f[0]
	}
	return "text/plain"
}

// readText reads a text part, bounded, and returns valid NFC text with LF
// line ends.
func (rd *reader) readText(r io.Reader, cs string) string {
	b, err := io.ReadAll(io.LimitReader(r, maxTextBytes))
	if err != nil {
		rd.problem("text part truncated: %v", err)
	}
	if n, _ := io.Copy(io.Discard, r); n > 0 {
		rd.problem("text part longer than %d bytes; the rest was dropped", maxTextBytes)
	}
	return cleanText(fixText(string(b), cs))
}

// cleanText normalises line ends and strips NULs.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	return s
}

// errReader remembers the error its source returned, so that a callback
// passing on a broken part's error is not mistaken for an abort.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// attachment streams one part through the hash, the counter and the caller's
// callback, never holding it whole.
func (rd *reader) attachment(e *message.Entity, mt, name string) {
	a := Attachment{Name: name, ContentType: mt}
	h := sha256.New()
	c := &counter{}
	src := &errReader{r: e.Body}
	body := io.TeeReader(src, io.MultiWriter(h, c))
	if rd.opts.Attachment != nil {
		if err := rd.opts.Attachment(a, body); err != nil {
			if src.err == nil || !errors.Is(err, src.err) {
				rd.abort = fmt.Errorf("attachment %q: %w", name, err)
				return
			}
			// the part itself was broken; the callback only passed that on
		}
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		rd.problem("attachment %q truncated: %v", name, err)
	}
	rd.addAttachment(a, h, c)
}

func (rd *reader) addAttachment(a Attachment, h hash.Hash, c *counter) {
	a.Size = c.n
	a.SHA256 = hex.EncodeToString(h.Sum(nil))
	rd.m.Attachments = append(rd.m.Attachments, a)
}

// attachedMessage parses an attached message/rfc822 into Forwarded, and lists
// it as an attachment too.
func (rd *reader) attachedMessage(e *message.Entity, mt, name string) {
	h := sha256.New()
	c := &counter{}
	body := io.TeeReader(e.Body, io.MultiWriter(h, c))
	if rd.depth+1 < maxDepth {
		fm, err := readMessage(body, rd.opts, rd.depth+1)
		if err != nil {
			rd.abort = err
			return
		}
		rd.m.Forwarded = append(rd.m.Forwarded, fm)
		if name == "" && fm.Subject != "" {
			name = fm.Subject + ".eml"
		}
	} else {
		rd.problem("attached messages nested deeper than %d levels were not opened", maxDepth)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		rd.problem("attached message truncated: %v", err)
	}
	rd.addAttachment(Attachment{Name: name, ContentType: mt}, h, c)
}

var (
	reMsgID = regexp.MustCompile(`<([^<>\s]+)>`)
	reEmail = regexp.MustCompile(`[^\s<>,;:"'()\[\]]+@[^\s<>,;:"'()\[\]]+`)
)

// finish fills the header-derived fields, the text from HTML, forwards and
// the automatic-mail verdict.
func (rd *reader) finish(h message.Header) {
	m := rd.m
	mh := gmail.Header{Header: h}
	fields := h.Fields()
	for fields.Next() {
		k := textproto.CanonicalMIMEHeaderKey(fields.Key())
		v, err := fields.Text()
		if err != nil {
			v = fields.Value()
		}
		m.Header[k] = append(m.Header[k], fixText(v, rd.charset))
	}

	m.From = first(rd.addresses(mh, "From"))
	m.To = rd.addresses(mh, "To")
	m.Cc = rd.addresses(mh, "Cc")
	m.ReplyTo = rd.addresses(mh, "Reply-To")

	if s, err := mh.Subject(); err == nil && utf8.ValidString(s) {
		m.Subject = norm.NFC.String(s)
	} else if len(m.Header["Subject"]) > 0 {
		m.Subject = m.Header["Subject"][0]
	}
	m.Subject = strings.TrimSpace(strings.Join(strings.Fields(m.Subject), " "))

	if id, err := mh.MessageID(); err == nil {
		m.MessageID = id
	} else if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		m.MessageID = ids[0]
	}
	m.InReplyTo = idList(mh, "In-Reply-To")
	m.References = idList(mh, "References")
	if d, err := mh.Date(); err == nil {
		m.Date = d
	} else if v := h.Get("Date"); v != "" {
		m.Date = parseLooseDate(v)
	}

	if !rd.haveText && rd.haveHTML {
		m.Text = htmlToText(rd.html)
		m.FromHTML = true
	}
	m.Text = norm.NFC.String(m.Text)
	rd.inlineForwards()
	m.Auto = autoReason(h, m, rd.bounce)
}

func first(a []Address) Address {
	if len(a) == 0 {
		return Address{}
	}
	return a[0]
}

// addresses parses an address header, falling back to a lenient scan when
// the header is not RFC 5322 (raw 8-bit names, stray commas, junk).
func (rd *reader) addresses(mh gmail.Header, key string) []Address {
	raw := mh.Get(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	if utf8.ValidString(raw) {
		if list, err := mh.AddressList(key); err == nil && len(list) > 0 {
			out := make([]Address, 0, len(list))
			for _, a := range list {
				out = append(out, Address{Name: norm.NFC.String(strings.TrimSpace(a.Name)), Email: strings.ToLower(strings.TrimSpace(a.Address))})
			}
			return out
		}
	}
	v, err := mh.Text(key)
	if err != nil {
		v = raw
	}
	return looseAddresses(fixText(v, rd.charset))
}

// looseAddresses finds mailboxes in free text such as `Name <a@b>, c@d`.
func looseAddresses(v string) []Address {
	if list, err := mail.ParseAddressList(v); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, Address{Name: strings.TrimSpace(a.Name), Email: strings.ToLower(strings.TrimSpace(a.Address))})
		}
		return out
	}
	var out []Address
	rest := v
	for {
		loc := reEmail.FindStringIndex(rest)
		if loc == nil {
			break
		}
		name := rest[:loc[0]]
		if i := strings.LastIndexAny(name, ","); i >= 0 {
			name = name[i+1:]
		}
		name = strings.Trim(strings.TrimSpace(name), `"'<>() `)
		email := strings.ToLower(strings.Trim(rest[loc[0]:loc[1]], "."))
		out = append(out, Address{Name: name, Email: email})
		rest = rest[loc[1]:]
	}
	return out
}

func msgIDs(v string) []string {
	var out []string
	for _, m := range reMsgID.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1])
	}
	return out
}

func idList(mh gmail.Header, key string) []string {
	if l, err := mh.MsgIDList(key); err == nil {
		return l
	}
	return msgIDs(mh.Get(key))
}

var looseDateLayouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, time.RFC3339,
	"Mon, 2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04 -0700",
	"Mon, Jan 2, 2006 at 3:04 PM", "Mon, Jan 2, 2006 at 15:04", "Monday, January 2, 2006 3:04 PM",
	"Monday, January 2, 2006 at 3:04 PM", "January 2, 2006 at 3:04:05 PM MST", "January 2, 2006 at 3:04:05 PM GMT-7",
	"Monday, 2 January 2006 15:04", "Mon, 2 Jan 2006 15:04", "2006-01-02 15:04", "2006/01/02 15:04", "02/01/2006 15:04",
	"Mon, Jan 2, 2006, 3:04 PM", "Jan 2, 2006, at 3:04 PM", "Jan 2, 2006 at 3:04 PM",
}

// parseLooseDate parses the date formats clients print in forward headers;
// it returns the zero time when none fits.
func parseLooseDate(v string) time.Time {
	v = strings.TrimSpace(strings.Join(strings.Fields(strings.ReplaceAll(v, "\u202f", " ")), " "))
	if i := strings.Index(v, " ("); i > 0 {
		v = v[:i]
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range looseDateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	return time.Time{}
}
