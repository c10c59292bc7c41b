// Package bounce reads delivery status notifications (RFC 3464): which recipients
// failed, how, and which message of ours it was.
package bounce

import (
	"bufio"
	"bytes"
	"io"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
)

// Recipient is one recipient's delivery status.
type Recipient struct {
	Address    string // Final-Recipient (or Original-Recipient), lower-cased
	Action     string // failed, delayed, delivered, relayed, expanded
	Status     string // e.g. 5.1.1
	Diagnostic string
}

// Permanent reports whether the recipient failed for good (action failed, status 5.x.x).
func (r Recipient) Permanent() bool {
	return r.Action == "failed" || strings.HasPrefix(r.Status, "5.")
}

// Report is what a bounce says.
type Report struct {
	// MessageID is the Message-ID of the returned message, without brackets; "" if
	// the bounce did not include its headers.
	MessageID  string
	Recipients []Recipient
}

const maxPart = 1 << 20

var msgIDRE = regexp.MustCompile(`(?im)^Message-ID:\s*<([^>\s]+)>`)

// Parse reads a DSN. It also accepts the common non-standard bounces that quote the
// returned message's headers in plain text.
func Parse(raw []byte) Report {
	var rep Report
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return rep
	}
	_ = err
	walk(e, &rep, 0)
	if rep.MessageID == "" {
		// A plain-text bounce that quotes the original headers.
		if m := msgIDRE.FindSubmatch(bodyAfterHeader(raw)); m != nil {
			rep.MessageID = string(m[1])
		}
	}
	return rep
}

func bodyAfterHeader(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[i+4:]
	}
	if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		return raw[i+2:]
	}
	return nil
}

func walk(e *message.Entity, rep *Report, depth int) {
	if depth > 5 {
		return
	}
	mt, _, _ := e.Header.ContentType()
	if mr := e.MultipartReader(); mr != nil {
		for {
			p, err := mr.NextPart()
			if err != nil {
				return
			}
			walk(p, rep, depth+1)
		}
	}
	switch mt {
	case "message/delivery-status", "message/global-delivery-status":
		body, _ := io.ReadAll(io.LimitReader(e.Body, maxPart))
		rep.Recipients = append(rep.Recipients, parseStatus(body)...)
	case "text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers":
		body, _ := io.ReadAll(io.LimitReader(e.Body, maxPart))
		if m := msgIDRE.FindSubmatch(body); m != nil && rep.MessageID == "" {
			rep.MessageID = string(m[1])
		}
	}
}

// parseStatus reads the per-message block and the per-recipient blocks of a
// message/delivery-status body.
func parseStatus(body []byte) []Recipient {
	var out []Recipient
	blocks := bytes.Split(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	for _, b := range blocks {
		tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(bytes.TrimSpace(b), '\n', '\n'))))
		h, err := tp.ReadMIMEHeader()
		if err != nil && len(h) == 0 {
			continue
		}
		addr := h.Get("Final-Recipient")
		if addr == "" {
			addr = h.Get("Original-Recipient")
		}
		if addr == "" {
			continue // the per-message block
		}
		if _, a, ok := strings.Cut(addr, ";"); ok {
			addr = a
		}
		out = append(out, Recipient{
			Address:    strings.ToLower(strings.Trim(strings.TrimSpace(addr), "<>")),
			Action:     strings.ToLower(strings.TrimSpace(h.Get("Action"))),
			Status:     strings.TrimSpace(h.Get("Status")),
			Diagnostic: strings.TrimSpace(h.Get("Diagnostic-Code")),
		})
	}
	return out
}
