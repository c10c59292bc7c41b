package outbox

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/store"
)

// smtpFixtureN is smtpFixture with n connections.
func smtpFixtureN(tb testing.TB, n int) (*fixture, *devmail.Server) {
	tb.Helper()
	srv, err := devmail.Start(devmail.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(srv.SMTPAddr)
	p, _ := strconv.Atoi(port)
	return newFixture(tb, NewSMTP(SMTPConfig{Host: host, Port: p, Security: "none", Timeout: 10 * time.Second, Connections: n})), srv
}

// Over several connections every mail is delivered once, under its own
// Message-ID, with its own recipient.
func TestSMTP_SeveralConnectionsDeliverEachMailOnce(t *testing.T) {
	f, srv := smtpFixtureN(t, 3)
	var mails []store.OutMail
	for i := range 120 {
		mails = append(mails, outMail(fmt.Sprintf("m%03d", i)))
	}
	f.enqueue(t, mails...)
	f.runOnce(t, Stats{Sent: 120})
	byID := map[string]devmail.Sent{}
	for _, s := range srv.Sent() {
		id := parse(t, s.Raw).Header.Get("Message-Id")
		if _, dup := byID[id]; dup {
			t.Errorf("%s delivered twice", id)
		}
		byID[id] = s
	}
	for _, m := range mails {
		s, ok := byID["<"+m.MessageID+">"]
		if !ok {
			t.Errorf("%s not delivered", m.MessageID)
			continue
		}
		if !slices.Equal(s.To, m.To) {
			t.Errorf("%s went to %v, want %v", m.MessageID, s.To, m.To)
		}
	}
}

// Text in Thai goes as 8-bit to a server that offers 8BITMIME and reads back
// as written, a line that starts with a dot included (dot-stuffing); the
// subject and the sender's name are encoded words.
func TestSMTP_EightBitTextAndDotsArriveIntact(t *testing.T) {
	f, srv := smtpFixtureN(t, 1)
	m := outMail("th")
	m.FromName = "บอทของเครือข่าย"
	m.Subject = "แบบลงคะแนน: แผนงานปี 2027 ของเครือข่ายการย้ายถิ่นฐานลุ่มแม่น้ำโขง (ตอบกลับภายในวันที่ 31 มีนาคม)"
	m.Text = "กรุณาตอบ YES หรือ NO\n.\n.. two dots\nจบ"
	m.HTML = "<p>กรุณาตอบ</p>\n.<p>dot</p>"
	f.enqueue(t, m)
	f.runOnce(t, Stats{Sent: 1})
	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("got %d messages at the server, want 1", len(sent))
	}
	msg := parse(t, sent[0].Raw)
	dec := new(mime.WordDecoder)
	if got, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || got != m.Subject {
		t.Errorf("Subject: got %q %v, want %q", got, err, m.Subject)
	}
	from, err := (&mail.AddressParser{WordDecoder: dec}).Parse(msg.Header.Get("From"))
	if err != nil || from.Name != m.FromName || from.Address != m.From {
		t.Errorf("From: got %v %v, want %s <%s>", from, err, m.FromName, m.From)
	}
	for _, line := range strings.Split(string(sent[0].Raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("a line of %d octets", len(line))
		}
	}
	parts := leaves(t, "", msg.Header, msg.Body)
	if len(parts) != 2 {
		t.Fatalf("got %d parts, want text and HTML", len(parts))
	}
	if got := strings.ReplaceAll(string(parts[0].body), "\r\n", "\n"); got != m.Text {
		t.Errorf("text: got %q, want %q", got, m.Text)
	}
	if got := strings.ReplaceAll(string(parts[1].body), "\r\n", "\n"); got != m.HTML {
		t.Errorf("html: got %q, want %q", got, m.HTML)
	}
	if !strings.Contains(string(sent[0].Raw), "Content-Transfer-Encoding: 8bit") {
		t.Error("the Thai text did not go as 8bit to a server that offers 8BITMIME")
	}
}

// A body many mails share (a ballot's result) is encoded once and goes the same
// to each of them.
func TestSMTP_SharedBodyEncodedOnce(t *testing.T) {
	f, srv := smtpFixtureN(t, 2)
	var mails []store.OutMail
	for i := range 20 {
		m := outMail(fmt.Sprintf("r%02d", i))
		m.Kind, m.Text, m.HTML = "ballot_result_members", strings.Repeat("Result: carried.\n", 40), strings.Repeat("<p>carried</p>\n", 40)
		mails = append(mails, m)
	}
	f.enqueue(t, mails...)
	var pending []store.OutMail
	f.db.View(func(tx *store.Tx) error { pending, _ = tx.Pending(); return nil })
	if len(pending) == 0 || pending[0].Body == "" {
		t.Fatalf("the store did not share the body (%d pending)", len(pending))
	}
	f.runOnce(t, Stats{Sent: 20})
	s := f.ob.Sender.(*SMTP)
	if n := len(s.bodies.m); n != 1 {
		t.Errorf("the body was encoded %d times, want once", n)
	}
	for _, sent := range srv.Sent() {
		msg := parse(t, sent.Raw)
		if parts := leaves(t, "", msg.Header, msg.Body); len(parts) != 2 || strings.ReplaceAll(string(parts[0].body), "\r\n", "\n") != mails[0].Text {
			t.Errorf("a result arrived as %+v", parts)
		}
	}
}

// A server that offers neither PIPELINING nor 8BITMIME gets one command at a
// time, and quoted-printable text (a scripted server, as in net/smtp's tests).
func TestSMTP_WithoutPipeliningOneCommandAtATime(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var (
		mu         sync.Mutex
		transcript []string
		data       strings.Builder
	)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		say := func(s string) { io.WriteString(c, s+"\r\n") }
		say("220 plain.example ESMTP")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimRight(line, "\r\n")
			// Nothing may wait behind a command: it was sent alone.
			mu.Lock()
			if r.Buffered() > 0 && !strings.HasPrefix(line, "QUIT") {
				transcript = append(transcript, "PIPELINED:"+line)
			}
			transcript = append(transcript, line)
			mu.Unlock()
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
			case "EHLO":
				say("250-plain.example")
				say("250 HELP")
			case "DATA":
				say("354 go on")
				for {
					l, err := r.ReadString('\n')
					if err != nil {
						return
					}
					if l == ".\r\n" {
						break
					}
					mu.Lock()
					data.WriteString(l)
					mu.Unlock()
				}
				say("250 queued")
			case "QUIT":
				say("221 bye")
				return
			default:
				say("250 ok")
			}
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	f := newFixture(t, NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, Security: "none", Timeout: 5 * time.Second}))
	m := outMail("a")
	m.Text = "เห็นด้วย"
	f.enqueue(t, m)
	f.runOnce(t, Stats{Sent: 1})
	mu.Lock()
	defer mu.Unlock()
	want := []string{"MAIL FROM:<bot@bot.example>", "RCPT TO:<a@member.example>", "DATA"}
	var got []string
	for _, l := range transcript {
		if strings.HasPrefix(l, "PIPELINED:") {
			t.Errorf("sent without waiting for the reply: %s", l)
		}
		if strings.HasPrefix(l, "MAIL") || strings.HasPrefix(l, "RCPT") || l == "DATA" {
			got = append(got, l)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got commands %q, want %q", got, want)
	}
	if !strings.Contains(data.String(), "Content-Transfer-Encoding: quoted-printable") {
		t.Errorf("Thai text without 8BITMIME: want quoted-printable, got\n%s", data.String())
	}
}
