package mailread

import (
	"mime"
	"strings"

	"github.com/emersion/go-message"
)

// autoReason says why a message must never be answered, or "" for a person's
// mail (RFC 3834 and the common vendor headers). X-Auto-Response-Suppress
// alone is not a marker: Outlook users' ordinary mail can carry it.
func autoReason(h message.Header, m *Message, dsn bool) string {
	if isDaemon(m.From.Email) {
		return "mailer-daemon"
	}
	if dsn || nullReturnPath(m.Header) {
		return "bounce"
	}
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" {
		if i := strings.IndexAny(v, ";( \t"); i >= 0 {
			v = v[:i]
		}
		if v != "no" {
			return "auto-submitted"
		}
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "junk", "list", "auto_reply", "auto-reply":
		return "precedence"
	}
	if h.Has("X-Autoreply") || h.Has("X-Autorespond") || h.Has("X-Autoresponder") {
		return "x-autoreply"
	}
	if h.Has("List-Id") || h.Has("List-Unsubscribe") {
		return "list"
	}
	return ""
}

func isDaemon(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	switch local {
	case "mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon":
		return true
	}
	return false
}

func nullReturnPath(h map[string][]string) bool {
	for _, v := range h["Return-Path"] {
		if strings.TrimSpace(strings.Trim(strings.TrimSpace(v), "<>")) == "" {
			return true
		}
	}
	return false
}

// IsBounce reports whether m is a delivery failure report: an RFC 3464 DSN
// (multipart/report; report-type=delivery-status), mail from mailer-daemon or
// postmaster, or mail with a null Return-Path.
func IsBounce(m *Message) bool {
	if m == nil {
		return false
	}
	if m.Auto == "bounce" || m.Auto == "mailer-daemon" || isDaemon(m.From.Email) || nullReturnPath(m.Header) {
		return true
	}
	for _, v := range m.Header["Content-Type"] {
		mt, params, err := mime.ParseMediaType(v)
		if err == nil && mt == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") {
			return true
		}
	}
	return false
}
