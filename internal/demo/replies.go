package demo

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/mailread"
)

// Style is how a mail client lays out a reply.
type Style int

const (
	// Gmail puts the answer on top, then "On <date>, <name> wrote:" and the
	// original quoted with "> ".
	Gmail Style = iota
	// Outlook puts the answer on top, then a rule and a From:/Sent:/To:/Subject:
	// block, then the original unquoted.
	Outlook
	// GmailThai is Gmail in Thai: "เมื่อ <date> <name> เขียนว่า:".
	GmailThai
	// AppleMail: "On <date>, at <time>, <name> wrote:" and "> " quoting.
	AppleMail
)

// ReplyOptions describe a member's reply to a mail the bot sent.
type ReplyOptions struct {
	From     string // address
	FromName string
	Body     string // what the member types above the quote
	Style    Style
	Date     time.Time
	// Headers are extra header lines ("Auto-Submitted: auto-replied").
	Headers []string
	// MessageID; "" makes one from the date and sender.
	MessageID string
}

// Reply builds the raw message a mail client would send in answer to orig.
func Reply(orig []byte, o ReplyOptions) ([]byte, error) {
	m, err := mailread.Read(bytes.NewReader(orig), mailread.Options{})
	if err != nil {
		return nil, fmt.Errorf("read original: %w", err)
	}
	if o.MessageID == "" {
		o.MessageID = fmt.Sprintf("%d.%s@client.example", o.Date.UnixNano(), strings.ReplaceAll(o.From, "@", "."))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\n", o.FromName, o.From)
	fmt.Fprintf(&b, "To: %s\r\n", m.From.Email)
	fmt.Fprintf(&b, "Subject: %s\r\n", encodeHeader("Re: "+m.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", o.Date.Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", o.MessageID)
	if m.MessageID != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\nReferences: <%s>\r\n", m.MessageID, m.MessageID)
	}
	for _, h := range o.Headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	body := o.Body + "\n\n"
	when := m.Date.Format("Mon, 2 Jan 2006 at 15:04")
	sender := fmt.Sprintf("%s <%s>", m.From.Name, m.From.Email)
	switch o.Style {
	case Outlook:
		body += "________________________________\nFrom: " + sender + "\nSent: " + m.Date.Format("Monday, January 2, 2006 3:04 PM") +
			"\nTo: " + o.From + "\nSubject: " + m.Subject + "\n\n" + m.Text
	case GmailThai:
		body += "เมื่อ " + m.Date.Format("2 Jan 2006 15:04") + " " + sender + " เขียนว่า:\n\n" + quote(m.Text)
	case AppleMail:
		body += "> On " + m.Date.Format("2 Jan 2006") + ", at " + m.Date.Format("15:04") + ", " + sender + " wrote:\n>\n" + quote(m.Text)
	default:
		body += "On " + when + " " + sender + " wrote:\n\n" + quote(m.Text)
	}
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	return []byte(b.String()), nil
}

// Message builds a new message (not a reply) from a person to the bot.
func Message(from, fromName, to, subject, body string, date time.Time, headers ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s@client.example>\r\n",
		fromName, from, to, encodeHeader(subject), date.Format(time.RFC1123Z), date.UnixNano(), strings.ReplaceAll(from, "@", "."))
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	return []byte(b.String())
}

func quote(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		if l == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func encodeHeader(s string) string {
	for _, r := range s {
		if r > 127 {
			return mime.BEncoding.Encode("utf-8", s)
		}
	}
	return s
}
