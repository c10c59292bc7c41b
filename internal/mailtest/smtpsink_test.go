package mailtest_test

import (
	"bytes"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	gomail "github.com/wneessen/go-mail"

	"github.com/mekongmigration/govbot/internal/mailtest"
)

func TestSMTPSink(t *testing.T) {
	s := mailtest.StartSMTPSink(t)
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	c, err := gomail.NewClient(host, gomail.WithPort(p), gomail.WithTLSPolicy(gomail.NoTLS), gomail.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*gomail.Msg
	for _, subj := range []string{"ผลการลงคะแนน 1", "second", "third"} {
		m := gomail.NewMsg()
		m.From("govbot@example.org")
		m.To("alice@example.org", "bob@example.org")
		m.Subject(subj)
		m.SetBodyString(gomail.TypeTextPlain, "Line one\n.leading dot\nสวัสดี")
		msgs = append(msgs, m)
	}
	if err := c.DialAndSend(msgs...); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := s.WaitReceived(t, 3, 10*time.Second)
	if len(got) != 3 {
		t.Fatalf("got %d messages, want 3", len(got))
	}
	for i, want := range []string{"ผลการลงคะแนน 1", "second", "third"} {
		m := got[i]
		if m.From != "govbot@example.org" || strings.Join(m.To, ",") != "alice@example.org,bob@example.org" {
			t.Errorf("message %d envelope: from %q to %q", i, m.From, m.To)
		}
		if bytes.HasPrefix(m.Raw, []byte("X-")) || bytes.HasPrefix(m.Raw, []byte("Received:")) {
			t.Errorf("message %d keeps sink trace lines:\n%s", i, m.Raw)
		}
		mr, err := mail.CreateReader(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatalf("message %d: parse: %v", i, err)
		}
		subj, _ := mr.Header.Subject()
		if subj != want {
			t.Errorf("message %d subject %q, want %q", i, subj, want)
		}
		part, err := mr.NextPart()
		if err != nil {
			t.Fatalf("message %d: body: %v", i, err)
		}
		body, _ := io.ReadAll(part.Body)
		if want := "Line one\r\n.leading dot\r\nสวัสดี"; strings.TrimRight(string(body), "\r\n") != want {
			t.Errorf("message %d body %q, want %q", i, body, want)
		}
	}
	if n := len(s.Messages(t)); n != 3 {
		t.Errorf("Messages returned %d", n)
	}
}

func TestParseSinkDump(t *testing.T) {
	dump := "X-Client-Addr: 127.0.0.1\nX-Client-Proto: ESMTP\nX-Helo-Args: vm\n" +
		"X-Mail-Args: <a@x.org> BODY=8BITMIME SMTPUTF8\nX-Rcpt-Args: <b@y.org>\nX-Rcpt-Args: <c@y.org> NOTIFY=NEVER\n" +
		"Received: from vm ([127.0.0.1])\n\tby smtp-sink (smtp-sink) with ESMTP id 1;\n\tMon, 23 Nov 2026 09:05:31 +0000 (UTC)\n" +
		"Received: from elsewhere\nSubject: hi\n\nbody\n\n"
	m := mailtest.ParseSinkDump([]byte(dump))
	if m.From != "a@x.org" || strings.Join(m.To, " ") != "b@y.org c@y.org" {
		t.Errorf("envelope: %q %q", m.From, m.To)
	}
	if want := "Received: from elsewhere\r\nSubject: hi\r\n\r\nbody\r\n"; string(m.Raw) != want {
		t.Errorf("raw = %q, want %q", m.Raw, want)
	}
}

func FuzzParseSinkDump(f *testing.F) {
	f.Add([]byte("X-Client-Addr: 127.0.0.1\nX-Mail-Args: <a@x>\nX-Rcpt-Args: <b@y>\nReceived: from x\n\tby smtp-sink\n\tdate\nSubject: s\n\nb\n\n"))
	f.Add([]byte("Subject: no trace\n\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := mailtest.ParseSinkDump(b)
		if bytes.Contains(bytes.ReplaceAll(m.Raw, []byte("\r\n"), nil), []byte("\n")) {
			t.Errorf("bare LF left in %q", m.Raw)
		}
	})
}
