package devmail_test

import (
	"bytes"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/wneessen/go-mail"

	"github.com/mekongmigration/govbot/internal/devmail"
)

func start(t *testing.T, opts devmail.Options) *devmail.Server {
	t.Helper()
	s, err := devmail.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func login(t *testing.T, s *devmail.Server, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.IMAPAddr, opts)
	if err != nil {
		t.Fatalf("dial imap: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	return c
}

func rawMsg(subject, body string) []byte {
	return []byte("From: Alice <alice@example.org>\r\nTo: bot@example.org\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@example.org>\r\n\r\n" + body + "\r\n")
}

func newClient(t *testing.T, addr string, opts ...mail.Option) *mail.Client {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	opts = append([]mail.Option{mail.WithPort(p), mail.WithTLSPolicy(mail.NoTLS), mail.WithTimeout(5 * time.Second)}, opts...)
	c, err := mail.NewClient(host, opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

func newMsg(t *testing.T, subject string, to ...string) *mail.Msg {
	t.Helper()
	m := mail.NewMsg()
	if err := m.From("govbot@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := m.To(to...); err != nil {
		t.Fatal(err)
	}
	m.Subject(subject)
	m.SetBodyString(mail.TypeTextPlain, "สวัสดี hello")
	return m
}

func TestIMAPAppendFetch(t *testing.T) {
	s := start(t, devmail.Options{})
	c := login(t, s, nil)
	for _, cp := range []imap.Cap{imap.CapMove, imap.CapUIDPlus, imap.CapIdle, imap.CapIMAP4rev2} {
		if !c.Caps().Has(cp) {
			t.Errorf("server lacks capability %s", cp)
		}
	}

	uid1, err := s.Append("INBOX", rawMsg("first", "VOTE YES"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	raw2 := rawMsg("second", "VOTE NO")
	a := c.Append("INBOX", int64(len(raw2)), nil)
	a.Write(raw2)
	a.Close()
	ad, err := a.Wait()
	if err != nil {
		t.Fatalf("append: %v", err)
	}
	if uid1 != 1 || ad.UID != 2 {
		t.Errorf("got uids %d, %d, want 1, 2", uid1, ad.UID)
	}

	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel.NumMessages != 2 {
		t.Fatalf("got %d messages, want 2", sel.NumMessages)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(1, 2), &imap.FetchOptions{UID: true, Envelope: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Envelope.Subject != "first" || !bytes.Contains(msgs[1].FindBodySection(&imap.FetchItemBodySection{}), []byte("VOTE NO")) {
		t.Errorf("unexpected fetch result: %+v", msgs)
	}

	// Append creates missing mailboxes.
	if _, err := s.Append("Archive/2026", rawMsg("third", "x"), time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.Messages("Archive/2026")
	if err != nil || len(got) != 1 || got[0].UID != 1 {
		t.Errorf("Messages(Archive/2026) = %+v, %v", got, err)
	}
}

func TestIMAPIdleSeesNewMessage(t *testing.T) {
	s := start(t, devmail.Options{})
	exists := make(chan uint32, 10)
	c := login(t, s, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append("INBOX", rawMsg("during idle", "hi"), time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("got EXISTS %d, want 1", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no EXISTS during IDLE")
	}
	if err := idle.Close(); err != nil {
		t.Fatal(err)
	}
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
}

func TestSMTPSendRecordsAndDelivers(t *testing.T) {
	type delivered struct {
		from string
		to   []string
	}
	hook := make(chan delivered, 1)
	s := start(t, devmail.Options{
		BotAddress: "Bot@Example.org",
		Deliver:    func(from string, to []string, raw []byte) { hook <- delivered{from, to} },
	})
	c := newClient(t, s.SMTPAddr)
	if err := c.DialAndSend(newMsg(t, "ผลการลงคะแนน", "alice@example.org", "bot@example.org")); err != nil {
		t.Fatalf("send: %v", err)
	}
	sent, err := s.WaitSent(1, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0].From != "govbot@example.org" ||
		strings.Join(sent[0].To, ",") != "alice@example.org,bot@example.org" ||
		!bytes.Contains(bytes.ToLower(sent[0].Raw), []byte("=?utf-8?q?")) {
		t.Errorf("unexpected Sent: %+v", sent)
	}
	d := <-hook
	if d.from != "govbot@example.org" || len(d.to) != 2 {
		t.Errorf("Deliver got %+v", d)
	}
	inbox, _, err := s.Messages("INBOX")
	if err != nil || len(inbox) != 1 || !bytes.Equal(inbox[0].Raw, sent[0].Raw) {
		t.Errorf("mail to the bot address was not mirrored into INBOX: %d messages, %v", len(inbox), err)
	}
}

func TestSMTPAuthPlain(t *testing.T) {
	s := start(t, devmail.Options{User: "bot", Password: "secret"})
	good := newClient(t, s.SMTPAddr, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername("bot"), mail.WithPassword("secret"))
	if err := good.DialAndSend(newMsg(t, "auth", "a@example.org")); err != nil {
		t.Fatalf("send with auth: %v", err)
	}
	bad := newClient(t, s.SMTPAddr, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername("bot"), mail.WithPassword("wrong"))
	if err := bad.DialAndSend(newMsg(t, "auth", "a@example.org")); err == nil {
		t.Error("send with a wrong password succeeded")
	}
	if n := len(s.Sent()); n != 1 {
		t.Errorf("got %d sent, want 1", n)
	}
}

func TestFailSMTP(t *testing.T) {
	tests := []struct {
		name   string
		fail   func(s *devmail.Server)
		code   int
		temp   bool
		reason mail.SendErrReason
	}{
		{"data temp", func(s *devmail.Server) { s.FailSMTP(1, 451, "try later") }, 451, true, mail.ErrSMTPDataClose},
		{"data perm", func(s *devmail.Server) { s.FailSMTP(1, 554, "rejected") }, 554, false, mail.ErrSMTPDataClose},
		{"rcpt temp", func(s *devmail.Server) { s.FailRcpt(1, 450, "mailbox busy") }, 450, true, mail.ErrSMTPRcptTo},
		{"rcpt perm", func(s *devmail.Server) { s.FailRcpt(1, 550, "no such user") }, 550, false, mail.ErrSMTPRcptTo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, devmail.Options{})
			tt.fail(s)
			c := newClient(t, s.SMTPAddr)
			err := c.DialAndSend(newMsg(t, "will fail", "a@example.org"))
			var se *mail.SendError
			if !errors.As(err, &se) {
				t.Fatalf("got error %v (%T), want a *mail.SendError", err, err)
			}
			if se.IsTemp() != tt.temp || se.ErrorCode() != tt.code || se.Reason != tt.reason {
				t.Errorf("got IsTemp %v code %d (%v), want %v %d %v", se.IsTemp(), se.ErrorCode(), se, tt.temp, tt.code, tt.reason)
			}
			if n := len(s.Sent()); n != 0 {
				t.Errorf("failed message was recorded: %d", n)
			}
			// Only one failure was asked for: the retry goes through.
			if err := c.DialAndSend(newMsg(t, "retry", "a@example.org")); err != nil {
				t.Fatalf("retry: %v", err)
			}
			if n := len(s.Sent()); n != 1 {
				t.Errorf("got %d sent after retry, want 1", n)
			}
		})
	}
}

func TestDropSMTP(t *testing.T) {
	s := start(t, devmail.Options{})
	s.DropSMTP(1)
	c := newClient(t, s.SMTPAddr)
	if err := c.DialAndSend(newMsg(t, "lost", "a@example.org")); err == nil {
		t.Fatal("send over a dropped connection succeeded")
	} else {
		t.Logf("dropped: %v", err)
	}
	if n := len(s.Sent()); n != 0 {
		t.Errorf("dropped message was recorded")
	}
	if err := c.DialAndSend(newMsg(t, "again", "a@example.org")); err != nil {
		t.Fatalf("send after drop: %v", err)
	}
	if _, err := s.WaitSent(1, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestWaitSentTimeout(t *testing.T) {
	s := start(t, devmail.Options{})
	if _, err := s.WaitSent(1, 50*time.Millisecond); err == nil {
		t.Error("WaitSent with nothing sent returned no error")
	}
}

func TestRecreateMailboxChangesUIDValidity(t *testing.T) {
	s := start(t, devmail.Options{})
	for _, subj := range []string{"a", "b", "c"} {
		if _, err := s.Append("INBOX", rawMsg(subj, subj), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	c := login(t, s, nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Store(imap.UIDSetNum(3), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
		Flags: []imap.Flag{imap.FlagSeen, "$BotProcessed"}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	before, v1, err := s.Messages("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	v2, err := s.RecreateMailbox("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	after, v3, err := s.Messages("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if v2 == v1 || v3 != v2 {
		t.Errorf("UIDVALIDITY before %d, returned %d, after %d: want a change", v1, v2, v3)
	}
	if len(after) != len(before) {
		t.Fatalf("got %d messages after, want %d", len(after), len(before))
	}
	for i := range after {
		if !bytes.Equal(after[i].Raw, before[i].Raw) || !after[i].Time.Equal(before[i].Time) ||
			strings.Join(after[i].Flags, " ") != strings.Join(before[i].Flags, " ") {
			t.Errorf("message %d changed: before %+v, after %+v", i, before[i], after[i])
		}
	}
	if !strings.Contains(strings.ToLower(strings.Join(after[2].Flags, " ")), "$botprocessed") {
		t.Errorf("flags lost: %v", after[2].Flags)
	}
	if err := c.Noop().Wait(); err == nil {
		t.Error("connection survived RecreateMailbox")
	}
	c2 := login(t, s, nil)
	sel, err := c2.Select("INBOX", nil).Wait()
	if err != nil || sel.UIDValidity != v2 || sel.NumMessages != 3 {
		t.Errorf("after reconnect: %+v, %v", sel, err)
	}
}

func TestDisconnect(t *testing.T) {
	s := start(t, devmail.Options{})
	c := login(t, s, nil)
	if s.IMAPConns() != 1 {
		t.Errorf("got %d conns, want 1", s.IMAPConns())
	}
	s.Disconnect()
	if err := c.Noop().Wait(); err == nil {
		t.Error("NOOP after Disconnect succeeded")
	}
	if n := s.IMAPConns(); n != 0 {
		t.Errorf("got %d conns after Disconnect, want 0", n)
	}
	login(t, s, nil) // new connections still work
}

func TestSTARTTLS(t *testing.T) {
	s := start(t, devmail.Options{TLS: true, BotAddress: "bot@example.org"})
	c, err := imapclient.DialStartTLS(s.IMAPAddr, &imapclient.Options{TLSConfig: s.ClientTLSConfig()})
	if err != nil {
		t.Fatalf("imap starttls: %v", err)
	}
	defer c.Close()
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	mc := newClient(t, s.SMTPAddr, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithTLSConfig(s.ClientTLSConfig()),
		mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(s.User), mail.WithPassword(s.Password))
	if err := mc.DialAndSend(newMsg(t, "over tls", "bot@example.org")); err != nil {
		t.Fatalf("smtp starttls: %v", err)
	}
	if _, err := s.WaitSent(1, time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestStartFailsOnBusyPort(t *testing.T) {
	s := start(t, devmail.Options{})
	if _, err := devmail.Start(devmail.Options{IMAPAddr: s.IMAPAddr}); err == nil {
		t.Error("Start on a busy port succeeded")
	}
}
