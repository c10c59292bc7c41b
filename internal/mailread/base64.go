package mailread

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/textproto"
)

// newPart makes the entity of a multipart's part as go-message's
// MultipartReader does (message.New), except that a base64 body is decoded by
// base64Reader: go-message's decoder reads its source a kilobyte at a time,
// through three readers, which made decoding the attachments the largest cost of
// reading a message.
func newPart(p *textproto.Part) (*message.Entity, error) {
	h := message.Header{Header: p.Header}
	mt, _, _ := h.ContentType()
	if strings.HasPrefix(mt, "multipart/") || !strings.EqualFold(strings.TrimSpace(h.Get("Content-Transfer-Encoding")), "base64") {
		return message.New(h, p)
	}
	// The header as it is, but for the transfer encoding, which the body is
	// decoded from before message.New sees it.
	plain := message.Header{Header: p.Header.Copy()}
	plain.Del("Content-Transfer-Encoding")
	e, err := message.New(plain, newBase64Reader(p))
	if e != nil {
		e.Header = h
	}
	return e, err
}

// base64Reader decodes standard base64 as go-message reads it: line breaks,
// spaces and tabs anywhere are ignored. It reads its source in large chunks and
// decodes each with encoding/base64's Decode, which skips line breaks itself.
type base64Reader struct {
	src   io.Reader
	raw   []byte // read from src, not yet decoded
	out   []byte // decoded, not yet returned
	buf   []byte // backing array of out
	err   error  // src's error, once it has given one
	final error  // the error to return once out is empty
}

func newBase64Reader(src io.Reader) *base64Reader {
	return &base64Reader{src: src, raw: make([]byte, 0, 32<<10), buf: make([]byte, 24<<10)}
}

func (r *base64Reader) Read(p []byte) (int, error) {
	for len(r.out) == 0 {
		if r.final != nil {
			return 0, r.final
		}
		r.fill()
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// fill reads a chunk from src and decodes its whole groups of four base64
// characters; the few characters of a group the chunk cuts wait for the next.
func (r *base64Reader) fill() {
	if r.err == nil {
		start := len(r.raw)
		n, err := r.src.Read(r.raw[start:cap(r.raw)])
		r.raw = r.raw[:start+n]
		r.err = err
		if bytes.IndexByte(r.raw[start:], ' ') >= 0 || bytes.IndexByte(r.raw[start:], '\t') >= 0 {
			// Spaces and tabs (go-message reads them as line breaks), rare:
			// dropped here, one byte at a time.
			kept := start
			for _, c := range r.raw[start:] {
				if c != ' ' && c != '\t' {
					r.raw[kept] = c
					kept++
				}
			}
			r.raw = r.raw[:kept]
		}
	}
	// Line breaks are skipped by the decoder itself: cut after the last whole
	// group of significant characters.
	cut := len(r.raw)
	partial := (len(r.raw) - bytes.Count(r.raw, []byte{'\n'}) - bytes.Count(r.raw, []byte{'\r'})) % 4
	for partial > 0 {
		cut--
		if c := r.raw[cut]; c != '\n' && c != '\r' {
			partial--
		}
	}
	if cut > 0 {
		n, err := base64.StdEncoding.Decode(r.buf, r.raw[:cut])
		r.out = r.buf[:n]
		r.raw = r.raw[:copy(r.raw, r.raw[cut:])]
		if err != nil {
			r.final = err
			return
		}
	}
	if r.err != nil && len(r.out) == 0 {
		r.final = r.err
		if r.err == io.EOF && len(bytes.Trim(r.raw, "\r\n")) > 0 {
			r.final = io.ErrUnexpectedEOF // a group cut short
		}
	}
}
