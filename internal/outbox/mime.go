package outbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mekongmigration/govbot/internal/store"
)

// Message is a stored mail made ready to send: its envelope and its bytes (CRLF
// line ends), the header of its own and the body, which mails of the same stored
// body share.
type Message struct {
	From   string   // envelope sender
	To     []string // envelope recipients: the To and the Cc
	header []byte
	body   *encodedBody
}

// WriteTo writes the message as it is sent (before the SMTP dot-stuffing).
func (m *Message) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.header)
	if err != nil {
		return int64(n), err
	}
	k, err := w.Write(m.body.plain)
	return int64(n + k), err
}

// EightBit reports whether the message carries 8-bit text (sent with BODY=8BITMIME).
func (m *Message) EightBit() bool { return m.body.eightBit }

// encodedBody is the MIME part of a message after its own header fields: the
// MIME-Version, the Content-Type and the encoded parts.
type encodedBody struct {
	plain    []byte
	stuffed  []byte // plain with SMTP's dot-stuffing (RFC 5321 4.5.2)
	eightBit bool
}

// Build turns a stored mail into a message, its text in quoted-printable.
func Build(m store.OutMail) (*Message, error) { return buildMessage(m, false, nil) }

// buildMessage makes m's message. With eightBit, text goes as 8-bit (the server
// offers 8BITMIME) unless a line is too long for it. Bodies stored once for many
// mails (OutMail.Body) are encoded once, in cache.
func buildMessage(m store.OutMail, eightBit bool, cache *bodyCache) (*Message, error) {
	h, err := buildHeader(m)
	if err != nil {
		return nil, err
	}
	msg := &Message{From: m.From, To: append(append([]string{}, m.To...), m.Cc...), header: h}
	key := ""
	if cache != nil && m.Body != "" && len(m.Attachments) == 0 {
		key = fmt.Sprintf("%s/%t", m.Body, eightBit)
		if b := cache.get(key); b != nil {
			msg.body = b
			return msg, nil
		}
	}
	if msg.body, err = buildBody(m, eightBit); err != nil {
		return nil, err
	}
	if key != "" {
		cache.put(key, msg.body)
	}
	return msg, nil
}

// buildHeader writes m's own header fields, refusing anything that would break
// the header (CR or LF in a value, a malformed name or address).
func buildHeader(m store.OutMail) ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil || from.Address != strings.TrimSpace(m.From) {
		return nil, fmt.Errorf("from: invalid address %q", m.From)
	}
	if strings.ContainsAny(m.FromName, "\r\n") {
		return nil, errors.New("from: the name contains a line break")
	}
	to, err := addressList(m.To)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if len(to) == 0 {
		return nil, errors.New("to: no recipient")
	}
	cc, err := addressList(m.Cc)
	if err != nil {
		return nil, fmt.Errorf("cc: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject contains a line break")
	}
	if m.MessageID == "" || strings.ContainsAny(m.MessageID, "\r\n<> ") {
		return nil, errors.New("malformed Message-ID")
	}
	for _, h := range m.Headers {
		if !validHeaderName(h[0]) {
			return nil, fmt.Errorf("invalid header name %q", h[0])
		}
		if strings.ContainsAny(h[1], "\r\n") {
			return nil, fmt.Errorf("header %s contains a line break", h[0])
		}
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	var b bytes.Buffer
	b.Grow(512)
	field(&b, "Date", date.Format(time.RFC1123Z))
	field(&b, "From", (&mail.Address{Name: m.FromName, Address: from.Address}).String())
	field(&b, "To", strings.Join(to, ", "))
	if len(cc) > 0 {
		field(&b, "Cc", strings.Join(cc, ", "))
	}
	field(&b, "Subject", encodeText(m.Subject))
	field(&b, "Message-ID", "<"+m.MessageID+">")
	for _, h := range m.Headers {
		field(&b, h[0], encodeText(h[1]))
	}
	return b.Bytes(), nil
}

// addressList checks each address and returns them as "<addr>".
func addressList(addrs []string) ([]string, error) {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		p, err := mail.ParseAddress(a)
		if err != nil || p.Address != strings.TrimSpace(a) || strings.ContainsAny(a, "\r\n") {
			return nil, fmt.Errorf("invalid address %q", a)
		}
		out = append(out, "<"+p.Address+">")
	}
	return out, nil
}

// encodeText returns v as a header value: as it is when it is printable ASCII,
// else as RFC 2047 encoded words.
func encodeText(v string) string {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' || c >= 0x7f {
			return mime.BEncoding.Encode("UTF-8", strings.ToValidUTF8(v, "\uFFFD"))
		}
	}
	return v
}

// field writes one header field, folded at spaces to keep lines near 78
// characters (encoded words are separated by spaces).
func field(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	line := len(name) + 1
	for i, w := range strings.Split(value, " ") {
		switch {
		case i > 0 && line+1+len(w) > 78 && line > len(name)+1:
			b.WriteString("\r\n ")
			line = 1
		default:
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	b.WriteString("\r\n")
}

// buildBody encodes the text, the HTML and the attachments of m.
func buildBody(m store.OutMail, eightBit bool) (*encodedBody, error) {
	var b bytes.Buffer
	b.Grow(len(m.Text) + len(m.HTML) + 1024)
	b.WriteString("MIME-Version: 1.0\r\n")
	used8 := false
	textPart := func(ctype, s string) {
		enc := textEncoding(s, eightBit)
		used8 = used8 || enc == "8bit"
		fmt.Fprintf(&b, "Content-Type: %s; charset=UTF-8\r\nContent-Transfer-Encoding: %s\r\n\r\n", ctype, enc)
		writeText(&b, s, enc)
	}
	// content writes the text, or the text and HTML as alternatives.
	content := func() {
		if m.HTML == "" {
			textPart("text/plain", m.Text)
			return
		}
		bd := boundary()
		fmt.Fprintf(&b, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", bd)
		b.WriteString("--" + bd + "\r\n")
		textPart("text/plain", m.Text)
		b.WriteString("\r\n--" + bd + "\r\n")
		textPart("text/html", m.HTML)
		b.WriteString("\r\n--" + bd + "--\r\n")
	}
	if len(m.Attachments) == 0 {
		content()
	} else {
		bd := boundary()
		fmt.Fprintf(&b, "Content-Type: multipart/mixed;\r\n boundary=\"%s\"\r\n\r\n", bd)
		b.WriteString("--" + bd + "\r\n")
		content()
		for _, a := range m.Attachments {
			ct, params, err := mime.ParseMediaType(a.ContentType)
			if err != nil {
				ct, params = "application/octet-stream", nil
			}
			if strings.ContainsAny(a.Name, "\r\n") {
				return nil, fmt.Errorf("attach %q: the name contains a line break", a.Name)
			}
			if params == nil {
				params = map[string]string{}
			}
			params["name"] = a.Name
			ctype, disp := mime.FormatMediaType(ct, params), mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
			if ctype == "" || disp == "" {
				ctype, disp = "application/octet-stream", "attachment"
			}
			b.WriteString("\r\n--" + bd + "\r\n")
			fmt.Fprintf(&b, "Content-Type: %s\r\nContent-Disposition: %s\r\nContent-Transfer-Encoding: base64\r\n\r\n", ctype, disp)
			wrap64(&b, a.Data)
		}
		b.WriteString("\r\n--" + bd + "--\r\n")
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n")
	}
	plain := b.Bytes()
	return &encodedBody{plain: plain, stuffed: dotStuff(plain), eightBit: used8}, nil
}

// textEncoding returns the transfer encoding for s: 7bit for ASCII, 8bit for
// UTF-8 when the server takes it (eightBit), quoted-printable otherwise, or when a
// line is longer than RFC 5322's 998 octets or s holds a CR or a NUL.
func textEncoding(s string, eightBit bool) string {
	if strings.IndexByte(s, '\r') >= 0 || strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) {
		return "quoted-printable"
	}
	for rest := s; rest != ""; {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			i = len(rest)
		}
		if i > 998 {
			return "quoted-printable"
		}
		rest = rest[min(i+1, len(rest)):]
	}
	switch {
	case utf8.RuneCountInString(s) == len(s):
		return "7bit"
	case eightBit:
		return "8bit"
	}
	return "quoted-printable"
}

// writeText writes s in enc with CRLF line ends, without a final line break.
func writeText(b *bytes.Buffer, s, enc string) {
	if enc == "quoted-printable" {
		w := quotedprintable.NewWriter(b)
		w.Write([]byte(s))
		w.Close()
		return
	}
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			b.WriteString(s)
			return
		}
		b.WriteString(s[:i])
		b.WriteString("\r\n")
		s = s[i+1:]
	}
}

// wrap64 writes data in base64, in lines of 76 characters.
func wrap64(b *bytes.Buffer, data []byte) {
	s := base64.StdEncoding.EncodeToString(data)
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
}

// boundary returns a multipart boundary that cannot occur in an encoded part:
// "=_" is escaped by quoted-printable, and is not base64.
func boundary() string {
	var r [12]byte
	rand.Read(r[:])
	return "=_govbot_" + hex.EncodeToString(r[:])
}

// dotStuff doubles the dot that starts a line (RFC 5321 4.5.2).
func dotStuff(b []byte) []byte {
	n := bytes.Count(b, []byte("\n."))
	if len(b) > 0 && b[0] == '.' {
		n++
	}
	if n == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+n)
	if b[0] == '.' {
		out = append(out, '.')
	}
	for {
		i := bytes.Index(b, []byte("\n."))
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i+1]...)
		out = append(out, '.')
		b = b[i+1:]
	}
}

// bodyCache keeps the bodies encoded for the stored bodies many mails share (a
// ballot's result, the same for every member of a language): each is encoded
// once, not once per recipient.
type bodyCache struct {
	mu sync.Mutex
	m  map[string]*encodedBody
}

// bodyCacheMax bounds the bodies kept; the cache starts afresh when full.
const bodyCacheMax = 32

func (c *bodyCache) get(key string) *encodedBody {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *bodyCache) put(key string, b *encodedBody) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= bodyCacheMax {
		c.m = map[string]*encodedBody{}
	}
	c.m[key] = b
}

// validHeaderName reports whether name is a field name of RFC 5322: printable ASCII
// without the colon.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}
