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
	"sync"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode legacy charsets
	gmail "github.com/emersion/go-message/mail"
	mtextproto "github.com/emersion/go-message/textproto"
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

// Message is what Read makes of a raw message. Its strings are inert: valid
// UTF-8 without C0 or C1 control characters (Text keeps tab and line feed),
// header-like values on one line (see makeInert).
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
	Text     string
	FromHTML bool
	// Attachments lists the attachments read, in order; with
	// Options.MaxAttachments set it holds at most that many.
	Attachments []Attachment
	// AttachmentCount is how many attachments Read saw in this message and
	// in the messages attached to it, counting those past
	// Options.MaxAttachments that were neither listed nor passed to the
	// callback. Parts past MaxParts, or after the Deadline, are not seen.
	AttachmentCount int
	// TooManyAttachments is set when attachments past
	// Options.MaxAttachments were skipped; the caller can refuse the message
	// ("the message has N attachments; the bot accepts at most M").
	TooManyAttachments bool
	// Forwarded holds the originals recovered from inline forwards and from
	// attached message/rfc822 parts.
	Forwarded []*Message
	// Auto is "" for a person's mail, else why it must never be answered:
	// "auto-submitted", "precedence", "x-autoreply", "list", "bounce",
	// "mailer-daemon".
	Auto string
	// Problems says, in plain English, what could not be read; a limit of
	// Options that was reached comes first.
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
	// error aborts reading and is returned by Read. a has been cleaned like
	// every string Read returns. The callback is not called for parts past
	// MaxDepth or MaxParts, nor for attachments past MaxAttachments.
	Attachment func(a Attachment, r io.Reader) error
	// MaxDepth bounds how deep parts may nest: a multipart inside a
	// multipart, or a message attached inside one, is one level deeper. 0
	// (or less) means DefaultMaxDepth. Read stops at the first part deeper
	// than this, and the message gets a Problem ("the message nests parts
	// more than 20 deep").
	MaxDepth int
	// MaxParts bounds how many parts Read reads, attached messages' parts
	// included. 0 (or less) means DefaultMaxParts. Read stops at the limit and
	// the message gets a Problem ("the message has more than 500 parts").
	MaxParts int
	// MaxAttachments, when above 0, bounds the attachments listed in
	// Message.Attachments and passed to the Attachment callback; later ones
	// are only counted (Message.AttachmentCount), TooManyAttachments is set
	// and the message gets a Problem. 0 means no bound beyond MaxParts.
	MaxAttachments int
	// Deadline, when not zero, is when Read stops reading: the message read
	// so far is returned with a Problem ("reading the message took longer
	// than the time allowed"), without an error.
	Deadline time.Time

	now func() time.Time // the clock, for tests; nil means time.Now
}

// Defaults of Options.
const (
	// DefaultMaxDepth is the nesting depth of parts Read opens when
	// Options.MaxDepth is 0. Ordinary mail nests 3 or 4 deep; a forward of a
	// signed reply about 8.
	DefaultMaxDepth = 20
	// DefaultMaxParts is the number of parts Read reads when Options.MaxParts
	// is 0.
	DefaultMaxParts = 500
)

// ErrTooLarge is returned by Read when the input exceeds Options.MaxBytes.
var ErrTooLarge = errors.New("mailread: message too large")

// errLate is what the input gives once Options.Deadline has passed.
var errLate = errors.New("mailread: time allowed for reading ran out")

const (
	maxForwardDepth = 5       // nesting of attached and inline forwarded messages
	maxTextBytes    = 8 << 20 // body text kept per text part
	peekBytes       = 16 << 10
	maxProblems     = 20 // problems kept per message, besides the limits reached
)

// budget is what one Read may spend, shared by the attached messages it
// opens, and which limits were reached.
type budget struct {
	maxDepth, maxParts, maxAttach int
	deadline                      time.Time
	now                           func() time.Time

	parts, attachments int

	tooDeep, tooManyParts, tooManyAttach, late bool
}

// expired reports whether the deadline has passed, remembering it.
func (b *budget) expired() bool {
	if !b.late && !b.deadline.IsZero() && b.now().After(b.deadline) {
		b.late = true
	}
	return b.late
}

// stop reports whether reading must stop: parts nested too deep, too many
// parts, or too late. What follows is then skipped by one reader, the one
// under all the parts' readers.
func (b *budget) stop() bool { return b.tooDeep || b.tooManyParts || b.expired() }

// problems says which limits were reached, for the top message.
func (b *budget) problems() []string {
	var out []string
	if b.tooDeep {
		out = append(out, fmt.Sprintf("the message nests parts more than %d deep; the rest was not read", b.maxDepth))
	}
	if b.tooManyParts {
		out = append(out, fmt.Sprintf("the message has more than %d parts; the rest were not read", b.maxParts))
	}
	if b.tooManyAttach {
		out = append(out, fmt.Sprintf("the message has more than %d attachments; only the first %d were read", b.maxAttach, b.maxAttach))
	}
	if b.late {
		out = append(out, "reading the message took longer than the time allowed; the rest was not read")
	}
	return out
}

// limitReader counts input bytes, enforces MaxBytes and the deadline, and
// remembers the first real read error, so that go-message's own error
// wrapping cannot hide it.
type limitReader struct {
	r       io.Reader
	n, max  int64
	over    bool
	readErr error
	b       *budget
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.over {
		return 0, ErrTooLarge
	}
	if l.readErr != nil {
		return 0, l.readErr
	}
	if l.b.expired() {
		return 0, errLate
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
// error from r, or an error returned by Options.Attachment; a broken message,
// or one that reaches a limit of opts, still yields a *Message with Problems
// set. The cost of Read is linear in the size of the input, whatever its
// structure. Every string of the Message is inert: see makeInert.
func Read(r io.Reader, opts Options) (*Message, error) {
	b := &budget{maxDepth: opts.MaxDepth, maxParts: opts.MaxParts, maxAttach: opts.MaxAttachments, deadline: opts.Deadline, now: opts.now}
	if b.now == nil {
		b.now = time.Now
	}
	if b.maxDepth <= 0 {
		b.maxDepth = DefaultMaxDepth
	}
	if b.maxParts <= 0 {
		b.maxParts = DefaultMaxParts
	}
	lr := &limitReader{r: r, max: opts.MaxBytes, b: b}
	m, err := readMessage(lr, opts, b, 0, 0)
	if err == nil {
		// consume the rest (epilogue, unread parts) with the one reader
		// underneath them all, to enforce MaxBytes and surface read errors.
		_, _ = io.Copy(io.Discard, lr)
	}
	switch {
	case lr.over:
		return nil, ErrTooLarge
	case lr.readErr != nil:
		return nil, fmt.Errorf("read message: %w", lr.readErr)
	}
	if b.tooManyAttach {
		m.TooManyAttachments = true
	}
	if lp := b.problems(); len(lp) > 0 {
		m.Problems = append(lp, m.Problems...)
	}
	m.makeInert()
	if err != nil {
		return m, err
	}
	return m, nil
}

// reader holds the state of one message being read.
type reader struct {
	opts     Options
	b        *budget
	fwd      int // how deep this message is among attached messages
	level    int // how deep its header lies among parts
	m        *Message
	haveText bool
	html     string
	haveHTML bool
	charset  string // first declared text charset, a hint for raw headers
	bounce   bool
	abort    error
}

// problem records what could not be read, once. Once the deadline has passed
// the parts' errors are its consequences, and are not recorded.
func (rd *reader) problem(format string, args ...any) {
	if rd.b.late || len(rd.m.Problems) >= maxProblems {
		return
	}
	p := fmt.Sprintf(format, args...)
	for _, q := range rd.m.Problems {
		if q == p {
			return
		}
	}
	rd.m.Problems = append(rd.m.Problems, p)
}

// readMessage reads one message, the top one or an attached one (fwd > 0)
// whose header lies level parts deep.
func readMessage(r io.Reader, opts Options, b *budget, fwd, level int) (*Message, error) {
	rd := &reader{opts: opts, b: b, fwd: fwd, level: level, m: &Message{Header: map[string][]string{}}}
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	defer func() {
		br.Reset(nil)
		readers.Put(br)
	}()
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
	rd.entity(e, err, true, level)
	if rd.abort != nil {
		rd.finish(e.Header)
		return rd.m, rd.abort
	}
	rd.finish(e.Header)
	return rd.m, nil
}

// readers keeps the buffered readers readMessage reads through, of peekBytes.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, peekBytes) }}

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

// entity reads one entity (the message itself or a part) and its children;
// level is how deep it lies. go-message stacks one reader per multipart
// level, each scanning for its boundary, so every byte costs as many scans
// as it lies deep: a multipart deeper than MaxDepth is not opened, and
// reading stops there (Read skips the rest with the reader underneath them
// all), which keeps Read linear.
func (rd *reader) entity(e *message.Entity, perr error, top bool, level int) {
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
			rd.leaf(e, "text/plain", params, false, level)
			return
		}
		if level >= rd.b.maxDepth {
			rd.b.tooDeep = true
			return
		}
		mr := mtextproto.NewMultipartReader(e.Body, params["boundary"])
		n := 0
		for {
			if rd.b.stop() {
				return
			}
			var p *message.Entity
			tp, err := mr.NextPart()
			if err == nil {
				p, err = newPart(tp)
			}
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
			if rd.b.parts++; rd.b.parts > rd.b.maxParts {
				rd.b.tooManyParts = true
				return
			}
			rd.entity(p, err, false, level+1)
			if rd.abort != nil {
				return
			}
		}
		return
	}
	rd.leaf(e, mt, params, top, level)
}

// leaf reads a non-multipart entity.
func (rd *reader) leaf(e *message.Entity, mt string, params map[string]string, top bool, level int) {
	if rd.b.stop() {
		return
	}
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
		rd.attachedMessage(e, mt, name, level)
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

// cleanText normalises line ends (format=flowed needs them); the other
// controls go when the Message is made inert.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
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

// hashedReader is the reader the Attachment callback receives: it knows the
// hash of what it gave once it has given everything (SHA256).
type hashedReader struct {
	r   io.Reader
	h   hash.Hash
	eof bool
}

func (r *hashedReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err == io.EOF {
		r.eof = true
	}
	return n, err
}

// SHA256 returns the hex SHA-256 of what r gave, and true, once r has been read
// to its end; "" and false before.
func (r *hashedReader) SHA256() (string, bool) {
	if !r.eof {
		return "", false
	}
	return hex.EncodeToString(r.h.Sum(nil)), true
}

// SumOf returns the SHA-256 of an attachment (the hex Attachment.SHA256) when r
// is the reader Options.Attachment received and it has been read to its end, so
// that a caller that streams the attachment need not hash it again. It returns
// false for any other reader, or before the end.
func SumOf(r io.Reader) (string, bool) {
	if hr, ok := r.(*hashedReader); ok {
		return hr.SHA256()
	}
	return "", false
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// countAttachment counts one attachment, before it is read, and reports
// whether it may be read: false past Options.MaxAttachments.
func (rd *reader) countAttachment() bool {
	rd.m.AttachmentCount++
	rd.b.attachments++
	if rd.b.maxAttach > 0 && rd.b.attachments > rd.b.maxAttach {
		rd.b.tooManyAttach = true
		rd.m.TooManyAttachments = true
		return false
	}
	return true
}

// attachment streams one part through the hash, the counter and the caller's
// callback, never holding it whole.
func (rd *reader) attachment(e *message.Entity, mt, name string) {
	if !rd.countAttachment() {
		return // its bytes are skipped by the multipart reader
	}
	a := Attachment{Name: name, ContentType: mt}
	a.makeInert()
	h := sha256.New()
	c := &counter{}
	src := &errReader{r: e.Body}
	body := &hashedReader{r: io.TeeReader(src, io.MultiWriter(h, c)), h: h}
	if rd.opts.Attachment != nil {
		if err := rd.opts.Attachment(a, body); err != nil {
			if src.err == nil || !errors.Is(err, src.err) {
				rd.abort = fmt.Errorf("attachment %q: %w", a.Name, err)
				return
			}
			// the part itself was broken; the callback only passed that on
		}
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		rd.problem("attachment %q truncated: %v", a.Name, err)
	}
	if rd.b.late {
		return // read in part only: its size and hash would mislead
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
func (rd *reader) attachedMessage(e *message.Entity, mt, name string, level int) {
	if !rd.countAttachment() {
		return
	}
	h := sha256.New()
	c := &counter{}
	body := io.TeeReader(e.Body, io.MultiWriter(h, c))
	switch {
	case rd.fwd+1 >= maxForwardDepth:
		rd.problem("attached messages nested deeper than %d levels were not opened", maxForwardDepth)
	case level >= rd.b.maxDepth:
		rd.b.tooDeep = true
	default:
		fm, err := readMessage(body, rd.opts, rd.b, rd.fwd+1, level+1)
		if err != nil {
			rd.abort = err
			return
		}
		rd.m.Forwarded = append(rd.m.Forwarded, fm)
		rd.m.AttachmentCount += fm.AttachmentCount
		rd.m.TooManyAttachments = rd.m.TooManyAttachments || fm.TooManyAttachments
		if name == "" && fm.Subject != "" {
			name = fm.Subject + ".eml"
		}
	}
	if rd.b.stop() {
		return // read in part only: its size and hash would mislead
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		rd.problem("attached message truncated: %v", err)
	}
	if rd.b.late {
		return
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
