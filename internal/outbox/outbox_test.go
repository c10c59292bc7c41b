package outbox

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

var t0 = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)

// clock is a controllable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fakeSender is a Sender whose behaviour is a function.
type fakeSender struct {
	mu    sync.Mutex
	calls [][]store.OutMail
	send  func(mails []store.OutMail) []error
}

func (f *fakeSender) Send(_ context.Context, mails []store.OutMail) []error {
	f.mu.Lock()
	f.calls = append(f.calls, mails)
	f.mu.Unlock()
	if f.send == nil {
		return make([]error, len(mails))
	}
	return f.send(mails)
}

// tempErr is a failure worth retrying.
type tempErr string

func (e tempErr) Error() string   { return string(e) }
func (e tempErr) Temporary() bool { return true }

// failure records a call of Options.Failed.
type failure struct {
	key, reason string
}

type fixture struct {
	db     *store.DB
	clock  *clock
	ob     *Outbox
	mu     sync.Mutex
	failed []failure
}

func (f *fixture) failures() []failure {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]failure(nil), f.failed...)
}

// newFixture opens a store and an Outbox over sender with a clock at t0.
func newFixture(tb testing.TB, sender Sender) *fixture {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "govbot.db"), time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	f := &fixture{db: db, clock: &clock{now: t0}}
	f.ob = New(Options{
		DB: db, Sender: sender, Clock: f.clock.Now,
		RetryMin: time.Minute, RetryMax: 10 * time.Minute, GiveUpAfter: time.Hour,
		Failed: func(tx *store.Tx, m store.OutMail, reason string) error {
			f.mu.Lock()
			f.failed = append(f.failed, failure{m.Key, reason})
			f.mu.Unlock()
			return nil
		},
	})
	return f
}

func outMail(key string) store.OutMail {
	return store.OutMail{
		Key: key, Kind: "ballot_form", MessageID: "govbot." + key + ".b1-abcdefgh@bot.example",
		FromName: "Govbot", From: "bot@bot.example", To: []string{key + "@member.example"},
		Subject: "Voting form " + key, Text: "Reply YES, NO or ABSTAIN.", Date: t0,
	}
}

// enqueue queues mails at the fixture's current time.
func (f *fixture) enqueue(tb testing.TB, mails ...store.OutMail) {
	tb.Helper()
	if err := f.db.Update(f.clock.Now(), func(tx *store.Tx) error {
		for _, m := range mails {
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
}

// runOnce runs the outbox once and checks what it did.
func (f *fixture) runOnce(tb testing.TB, want Stats) {
	tb.Helper()
	got, err := f.ob.RunOnce(context.Background())
	if err != nil {
		tb.Fatalf("RunOnce: %v", err)
	}
	if got != want {
		tb.Errorf("RunOnce: got %+v, want %+v", got, want)
	}
}

func (f *fixture) pending(tb testing.TB) []store.OutMail {
	tb.Helper()
	var out []store.OutMail
	if err := f.db.View(func(tx *store.Tx) error {
		var err error
		out, err = tx.Pending()
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

func (f *fixture) sent(tb testing.TB, messageID string) (store.SentMail, bool) {
	tb.Helper()
	var s store.SentMail
	var ok bool
	if err := f.db.View(func(tx *store.Tx) error {
		var err error
		s, ok, err = tx.Sent(messageID)
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return s, ok
}

func TestOutbox_SendsDueMail(t *testing.T) {
	sender := &fakeSender{}
	f := newFixture(t, sender)
	f.ob.Batch = 2
	a, b, c, later := outMail("a"), outMail("b"), outMail("c"), outMail("later")
	later.NextAttempt = t0.Add(time.Hour)
	f.enqueue(t, a, b, c, later)

	f.runOnce(t, Stats{Sent: 3})
	if len(sender.calls) != 2 || len(sender.calls[0]) != 2 || len(sender.calls[1]) != 1 {
		t.Errorf("got batches of %v, want 2 then 1", batchSizes(sender.calls))
	}
	for _, m := range []store.OutMail{a, b, c} {
		s, ok := f.sent(t, m.MessageID)
		if !ok || !s.SentAt.Equal(t0) || s.Attempts != 1 || s.Failed != "" {
			t.Errorf("sent record of %s: got %+v %v, want sent at t0 after one attempt", m.Key, s, ok)
		}
	}
	if p := f.pending(t); len(p) != 1 || p[0].Key != "later" {
		t.Errorf("got pending %v, want only the mail not yet due", p)
	}
	f.runOnce(t, Stats{}) // nothing due
	f.clock.Add(time.Hour)
	f.runOnce(t, Stats{Sent: 1})
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("got %d pending, want none", len(p))
	}
}

func batchSizes(calls [][]store.OutMail) []int {
	var out []int
	for _, c := range calls {
		out = append(out, len(c))
	}
	return out
}

func TestOutbox_TemporaryRetriedWithBackoff(t *testing.T) {
	fails := 3
	sender := &fakeSender{}
	sender.send = func(mails []store.OutMail) []error {
		errs := make([]error, len(mails))
		if fails > 0 {
			fails--
			for i := range errs {
				errs[i] = tempErr("451 4.3.0 try again later")
			}
		}
		return errs
	}
	f := newFixture(t, sender)
	m := outMail("a")
	f.enqueue(t, m)

	// Backoff doubles from RetryMin: 1, 2, 4 minutes.
	for i, wait := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		f.runOnce(t, Stats{Retried: 1})
		p := f.pending(t)
		if len(p) != 1 {
			t.Fatalf("attempt %d: got %d pending, want 1", i+1, len(p))
		}
		if want := f.clock.Now().Add(wait); !p[0].NextAttempt.Equal(want) {
			t.Errorf("attempt %d: got next attempt %v, want %v", i+1, p[0].NextAttempt, want)
		}
		if p[0].Attempts != i+1 || p[0].LastError != "451 4.3.0 try again later" {
			t.Errorf("attempt %d: got attempts %d error %q, want %d and the server's reply", i+1, p[0].Attempts, p[0].LastError, i+1)
		}
		f.clock.Add(wait - time.Second)
		f.runOnce(t, Stats{}) // not yet due
		f.clock.Add(time.Second)
	}
	f.runOnce(t, Stats{Sent: 1})
	if s, ok := f.sent(t, m.MessageID); !ok || s.Attempts != 4 {
		t.Errorf("got sent record %+v %v, want sent after 4 attempts", s, ok)
	}
	if got := f.failures(); len(got) != 0 {
		t.Errorf("got failures %v, want none", got)
	}
}

func TestOutbox_Backoff(t *testing.T) {
	o := New(Options{RetryMin: time.Minute, RetryMax: 10 * time.Minute})
	tests := []struct {
		attempt int
		want    time.Duration
	}{
		{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {4, 8 * time.Minute}, {5, 10 * time.Minute}, {50, 10 * time.Minute},
	}
	for _, tt := range tests {
		if got := o.backoff(tt.attempt); got != tt.want {
			t.Errorf("backoff(%d): got %v, want %v", tt.attempt, got, tt.want)
		}
	}
}

func TestOutbox_PermanentFailure(t *testing.T) {
	sender := &fakeSender{send: func(mails []store.OutMail) []error {
		errs := make([]error, len(mails))
		for i, m := range mails {
			switch m.Key {
			case "bad":
				errs[i] = errors.New("550 5.1.1 no such user")
			case "bad-notice":
				errs[i] = errors.New("550 5.1.1 no such secretariat")
			}
		}
		return errs
	}}
	f := newFixture(t, sender)
	notice := outMail("bad-notice")
	notice.Kind = "delivery_failure"
	f.enqueue(t, outMail("good"), outMail("bad"), notice)
	f.runOnce(t, Stats{Sent: 1, Failed: 2})

	// Failed is called once, for the mail that is not itself a failure notice.
	if got, want := f.failures(), []failure{{"bad", "550 5.1.1 no such user"}}; !equalFailures(got, want) {
		t.Errorf("got failures %v, want %v", got, want)
	}
	if s, ok := f.sent(t, outMail("bad").MessageID); !ok || s.Failed != "550 5.1.1 no such user" {
		t.Errorf("got record %+v %v, want the permanent error", s, ok)
	}
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("got %d pending, want none: a permanent failure is not retried", len(p))
	}
	f.clock.Add(24 * time.Hour)
	f.runOnce(t, Stats{})
	if n := len(sender.calls); n != 1 {
		t.Errorf("got %d sends, want 1", n)
	}
	var audit []store.AuditEntry
	if err := f.db.View(func(tx *store.Tx) error { var err error; audit, err = tx.AuditLog(); return err }); err != nil {
		t.Fatal(err)
	}
	if len(audit) != 2 || audit[0].Action != "mail.failed" {
		t.Errorf("got audit %+v, want two mail.failed entries", audit)
	}
}

func equalFailures(a, b []failure) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOutbox_GiveUpAfter(t *testing.T) {
	sender := &fakeSender{send: func(mails []store.OutMail) []error {
		errs := make([]error, len(mails))
		for i := range errs {
			errs[i] = tempErr("421 4.7.0 too busy")
		}
		return errs
	}}
	f := newFixture(t, sender)
	f.enqueue(t, outMail("a"))
	f.runOnce(t, Stats{Retried: 1})
	f.clock.Add(59 * time.Minute) // GiveUpAfter is an hour from the mail's Date
	f.runOnce(t, Stats{Retried: 1})
	f.clock.Add(2 * time.Minute) // the next attempt, 61 minutes after Date
	f.runOnce(t, Stats{Failed: 1})
	if got := f.failures(); len(got) != 1 || got[0].key != "a" || got[0].reason != "421 4.7.0 too busy" {
		t.Errorf("got failures %v, want one for a with the last error", got)
	}
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("got %d pending after giving up, want none", len(p))
	}
}

func TestOutbox_KickNeverBlocks(t *testing.T) {
	o := New(Options{})
	done := make(chan struct{})
	go func() {
		for range 100 {
			o.Kick()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Kick blocked")
	}
	if n := len(o.kick); n != 1 {
		t.Errorf("got %d pending kicks, want 1", n)
	}
}

func TestOutbox_RunStopsOnCancel(t *testing.T) {
	sender := &fakeSender{}
	f := newFixture(t, sender)
	f.enqueue(t, outMail("a"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.ob.Run(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(f.pending(t)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(f.pending(t)) != 0 {
		t.Error("Run did not send the queued mail")
	}
	f.enqueue(t, outMail("b"))
	f.ob.Kick()
	for len(f.pending(t)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(f.pending(t)) != 0 {
		t.Error("Run did not wake on Kick")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
}

// smtpFixture is a fixture delivering to an in-process SMTP server.
func smtpFixture(tb testing.TB) (*fixture, *devmail.Server) {
	tb.Helper()
	srv, err := devmail.Start(devmail.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	host, port, err := net.SplitHostPort(srv.SMTPAddr)
	if err != nil {
		tb.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return newFixture(tb, NewSMTP(SMTPConfig{Host: host, Port: p, Security: "none", Timeout: 10 * time.Second})), srv
}

// parse reads a message the server received.
func parse(tb testing.TB, raw []byte) *mail.Message {
	tb.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		tb.Fatalf("parse sent message: %v\n%s", err, raw)
	}
	return msg
}

func TestSMTP_Delivers(t *testing.T) {
	f, srv := smtpFixture(t)
	a, b := outMail("a"), outMail("b")
	b.Cc = []string{"cc@member.example"}
	f.enqueue(t, a, b)
	f.runOnce(t, Stats{Sent: 2})
	sent := srv.Sent()
	if len(sent) != 2 {
		t.Fatalf("got %d messages at the server, want 2", len(sent))
	}
	for i, m := range []store.OutMail{a, b} {
		msg := parse(t, sent[i].Raw)
		if got := msg.Header.Get("Message-Id"); got != "<"+m.MessageID+">" {
			t.Errorf("got Message-ID %q, want <%s>", got, m.MessageID)
		}
		if got := sent[i].From; got != m.From {
			t.Errorf("got MAIL FROM %q, want %q", got, m.From)
		}
	}
	if got := strings.Join(sent[1].To, ","); got != "b@member.example,cc@member.example" {
		t.Errorf("got RCPT TO %s, want the To and the Cc", got)
	}
}

func TestSMTP_TemporaryFailureRetried(t *testing.T) {
	f, srv := smtpFixture(t)
	m := outMail("a")
	f.enqueue(t, m)
	srv.FailSMTP(1, 451, "try again later")
	f.runOnce(t, Stats{Retried: 1})
	p := f.pending(t)
	if len(p) != 1 || !p[0].NextAttempt.Equal(t0.Add(time.Minute)) || !strings.Contains(p[0].LastError, "451") {
		t.Fatalf("got pending %+v, want a retry a minute later with the 451", p)
	}
	f.runOnce(t, Stats{}) // not due yet: the server is not contacted
	if n := len(srv.Sent()); n != 0 {
		t.Fatalf("got %d delivered, want 0", n)
	}
	f.clock.Add(time.Minute)
	f.runOnce(t, Stats{Sent: 1})
	sent := srv.Sent()
	if len(sent) != 1 {
		t.Fatalf("got %d delivered, want 1", len(sent))
	}
	if got := parse(t, sent[0].Raw).Header.Get("Message-Id"); got != "<"+m.MessageID+">" {
		t.Errorf("got Message-ID %q, want <%s>", got, m.MessageID)
	}
	if got := f.failures(); len(got) != 0 {
		t.Errorf("got failures %v, want none", got)
	}
}

func TestSMTP_PermanentFailure(t *testing.T) {
	f, srv := smtpFixture(t)
	bad, good := outMail("bad"), outMail("good")
	f.enqueue(t, bad, good)
	srv.FailRcpt(1, 550, "no such user")
	f.runOnce(t, Stats{Sent: 1, Failed: 1})
	got := f.failures()
	if len(got) != 1 || got[0].key != "bad" || !strings.Contains(got[0].reason, "550") {
		t.Fatalf("got failures %v, want one for bad naming the 550", got)
	}
	if p := f.pending(t); len(p) != 0 {
		t.Errorf("got %d pending, want none", len(p))
	}
	f.clock.Add(24 * time.Hour)
	f.runOnce(t, Stats{})
	if sent := srv.Sent(); len(sent) != 1 || parse(t, sent[0].Raw).Header.Get("Message-Id") != "<"+good.MessageID+">" {
		t.Errorf("got %d delivered, want only the good mail", len(sent))
	}
	if n := len(f.failures()); n != 1 {
		t.Errorf("got Failed called %d times, want once", n)
	}
}

func TestSMTP_GiveUp(t *testing.T) {
	f, srv := smtpFixture(t)
	f.enqueue(t, outMail("a"))
	srv.FailSMTP(100, 451, "greylisted")
	f.runOnce(t, Stats{Retried: 1})
	f.clock.Add(2 * time.Hour) // past GiveUpAfter
	f.runOnce(t, Stats{Failed: 1})
	if got := f.failures(); len(got) != 1 || !strings.Contains(got[0].reason, "451") {
		t.Errorf("got failures %v, want one with the last 451", got)
	}
}

func TestSMTP_DroppedConnectionSameMessageID(t *testing.T) {
	f, srv := smtpFixture(t)
	a, b := outMail("a"), outMail("b")
	f.enqueue(t, a, b)
	srv.DropSMTP(1)
	f.runOnce(t, Stats{Retried: 2}) // the connection is gone: b waits too
	if n := len(srv.Sent()); n != 0 {
		t.Fatalf("got %d delivered, want 0", n)
	}
	f.clock.Add(time.Minute)
	f.runOnce(t, Stats{Sent: 2})
	sent := srv.Sent()
	if len(sent) != 2 {
		t.Fatalf("got %d delivered, want 2", len(sent))
	}
	for i, m := range []store.OutMail{a, b} {
		if got := parse(t, sent[i].Raw).Header.Get("Message-Id"); got != "<"+m.MessageID+">" {
			t.Errorf("got Message-ID %q, want the same as queued <%s>", got, m.MessageID)
		}
	}
}

func TestSMTP_ServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now
	f := newFixture(t, NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, Security: "none", Timeout: 2 * time.Second}))
	f.enqueue(t, outMail("a"), outMail("b"))
	f.runOnce(t, Stats{Retried: 2})
	if got := f.failures(); len(got) != 0 {
		t.Errorf("got failures %v, want none: a refused connection is temporary", got)
	}
}

// build renders m with Build and parses the result.
func build(tb testing.TB, m store.OutMail) *mail.Message {
	tb.Helper()
	msg, err := Build(m)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return parse(tb, buf.Bytes())
}

func TestBuild_Headers(t *testing.T) {
	m := outMail("a")
	m.Date = time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	m.Cc = []string{"cc@member.example"}
	m.Headers = [][2]string{
		{"Auto-Submitted", gov.AutoReplied},
		{"X-Auto-Response-Suppress", "All"},
		{"In-Reply-To", "<m1@member.example>"},
		{"References", "<m0@member.example> <m1@member.example>"},
		{"X-Govbot-Ref", "B1-ABCDEFGH"},
	}
	msg := build(t, m)
	tests := []struct{ header, want string }{
		{"Message-Id", "<" + m.MessageID + ">"},
		{"Auto-Submitted", "auto-replied"},
		{"X-Auto-Response-Suppress", "All"},
		{"In-Reply-To", "<m1@member.example>"},
		{"References", "<m0@member.example> <m1@member.example>"},
		{"X-Govbot-Ref", "B1-ABCDEFGH"},
		{"Subject", "Voting form a"},
		{"To", "<a@member.example>"},
		{"Cc", "<cc@member.example>"},
	}
	for _, tt := range tests {
		if got := msg.Header.Get(tt.header); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.header, got, tt.want)
		}
	}
	from, err := mail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Address != "bot@bot.example" || from.Name != "Govbot" {
		t.Errorf("From: got %v %v, want Govbot <bot@bot.example>", from, err)
	}
	date, err := msg.Header.Date()
	if err != nil || !date.Equal(m.Date) {
		t.Errorf("Date: got %v %v, want %v", date, err, m.Date)
	}
	if ua := msg.Header.Get("User-Agent") + msg.Header.Get("X-Mailer"); ua != "" {
		t.Errorf("got User-Agent/X-Mailer %q, want none", ua)
	}
}

// part is a leaf of a MIME tree.
type part struct {
	path        string // content types from the root, e.g. multipart/mixed/multipart/alternative/text/plain
	contentType string
	filename    string
	body        []byte
}

// leaves walks a MIME entity and returns its leaves, decoded.
func leaves(tb testing.TB, prefix string, header map[string][]string, body io.Reader) []part {
	tb.Helper()
	get := func(k string) string {
		if v := header[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	ct, params, err := mime.ParseMediaType(get("Content-Type"))
	if err != nil {
		tb.Fatalf("Content-Type %q: %v", get("Content-Type"), err)
	}
	path := strings.TrimPrefix(prefix+"/"+ct, "/")
	if strings.HasPrefix(ct, "multipart/") {
		var out []part
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, leaves(tb, path, p.Header, p)...)
		}
	}
	data, err := io.ReadAll(body)
	if err != nil {
		tb.Fatal(err)
	}
	switch strings.ToLower(get("Content-Transfer-Encoding")) {
	case "base64":
		data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), ""))
		if err != nil {
			tb.Fatalf("base64: %v", err)
		}
	case "quoted-printable":
		data, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(data)))
		if err != nil {
			tb.Fatal(err)
		}
	}
	_, dp, _ := mime.ParseMediaType(get("Content-Disposition"))
	name := dp["filename"]
	if name == "" {
		name = params["name"]
	}
	return []part{{path: path, contentType: ct, filename: name, body: data}}
}

func TestBuild_AlternativeAndAttachment(t *testing.T) {
	result, _ := json.Marshal(gov.ResultJSON{ID: "B1", Title: "Amend", ElectorateSize: 5, Yes: 3, Outcome: gov.OutcomeCarried})
	m := outMail("a")
	m.Text = "Result: carried.\nYes 3"
	m.HTML = "<p>Result: <b>carried</b></p>"
	m.Attachments = []gov.Attachment{{Name: "result.json", ContentType: "application/json", Data: result}}
	msg := build(t, m)
	parts := leaves(t, "", msg.Header, msg.Body)
	want := []struct{ path, filename string }{
		{"multipart/mixed/multipart/alternative/text/plain", ""},
		{"multipart/mixed/multipart/alternative/text/html", ""},
		{"multipart/mixed/application/json", "result.json"},
	}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts %+v, want %d", len(parts), parts, len(want))
	}
	for i, w := range want {
		if parts[i].path != w.path || parts[i].filename != w.filename {
			t.Errorf("part %d: got %s %q, want %s %q", i, parts[i].path, parts[i].filename, w.path, w.filename)
		}
	}
	if got := strings.ReplaceAll(string(parts[0].body), "\r\n", "\n"); got != m.Text {
		t.Errorf("text: got %q, want %q", got, m.Text)
	}
	if got := string(parts[1].body); got != m.HTML {
		t.Errorf("html: got %q, want %q", got, m.HTML)
	}
	var r gov.ResultJSON
	if err := json.Unmarshal(parts[2].body, &r); err != nil {
		t.Fatalf("result.json: %v\n%s", err, parts[2].body)
	}
	if r.ID != "B1" || r.Yes != 3 || r.Outcome != gov.OutcomeCarried || r.ElectorateSize != 5 {
		t.Errorf("result.json: got %+v, want B1 carried with 3 yes of 5", r)
	}

	// Text only: a single text/plain part.
	plain := build(t, outMail("b"))
	if parts := leaves(t, "", plain.Header, plain.Body); len(parts) != 1 || parts[0].path != "text/plain" {
		t.Errorf("text only: got %+v, want a single text/plain", parts)
	}
	// Text and HTML without attachments: multipart/alternative at the top.
	alt := outMail("c")
	alt.HTML = "<p>hi</p>"
	altMsg := build(t, alt)
	if parts := leaves(t, "", altMsg.Header, altMsg.Body); len(parts) != 2 || parts[0].path != "multipart/alternative/text/plain" || parts[1].path != "multipart/alternative/text/html" {
		t.Errorf("alternative: got %+v, want text/plain and text/html in multipart/alternative", parts)
	}
}

func TestBuild_RefusesLineBreaks(t *testing.T) {
	tests := []struct {
		name string
		edit func(*store.OutMail)
	}{
		{"header value LF", func(m *store.OutMail) { m.Headers = [][2]string{{"X-Govbot-Ref", "B1\nBcc: evil@example.com"}} }},
		{"header value CRLF", func(m *store.OutMail) { m.Headers = [][2]string{{"Auto-Submitted", "no\r\nBcc: evil@example.com"}} }},
		{"In-Reply-To CR", func(m *store.OutMail) { m.Headers = [][2]string{{"In-Reply-To", "<m1@x>\rBcc: evil@example.com"}} }},
		{"References LF", func(m *store.OutMail) { m.Headers = [][2]string{{"References", "<m0@x>\n<m1@x>"}} }},
		{"subject LF", func(m *store.OutMail) { m.Subject = "Vote\nBcc: evil@example.com" }},
		{"subject CR", func(m *store.OutMail) { m.Subject = "Vote\rBcc: evil@example.com" }},
		{"recipient", func(m *store.OutMail) { m.To = []string{"a@x.example\r\nBcc: evil@example.com"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := outMail("a")
			tt.edit(&m)
			if _, err := Build(m); err == nil {
				t.Errorf("Build: got no error, want the line break refused")
			}
		})
	}
}

func TestSMTP_BuildErrorIsPermanent(t *testing.T) {
	f, srv := smtpFixture(t)
	bad := outMail("bad")
	bad.Subject = "Vote\nBcc: evil@example.com"
	f.enqueue(t, bad, outMail("good"))
	f.runOnce(t, Stats{Sent: 1, Failed: 1})
	if got := f.failures(); len(got) != 1 || got[0].key != "bad" {
		t.Errorf("got failures %v, want one for bad", got)
	}
	if n := len(srv.Sent()); n != 1 {
		t.Errorf("got %d delivered, want 1", n)
	}
}

func TestBuild_RefusesLineBreakInHeaderName(t *testing.T) {
	m := outMail("a")
	m.Headers = [][2]string{{"X-A\r\nBcc: evil@example.com\r\nX-B", "v"}}
	msg, err := Build(m)
	if err == nil {
		var buf bytes.Buffer
		_, _ = msg.WriteTo(&buf)
		if strings.Contains(buf.String(), "\r\nBcc: evil@example.com\r\n") {
			t.Error("regression: outbox/smtp.go Build checks only header values for CR/LF; a header name with CR/LF " +
				"injects a Bcc line (fix: refuse names containing anything but printable ASCII without ':')")
		}
		t.Errorf("Build: got no error for a header name with CR/LF, want a refusal")
	}
}

func TestSMTP_BuildErrorStaysPermanentWhenServerDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	f := newFixture(t, NewSMTP(SMTPConfig{Host: "127.0.0.1", Port: port, Security: "none", Timeout: 2 * time.Second}))
	bad := outMail("bad")
	bad.Subject = "Vote\nBcc: evil@example.com"
	f.enqueue(t, bad, outMail("good"))
	st, err := f.ob.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st == (Stats{Retried: 2}) {
		t.Error("regression: outbox/smtp.go Send: when DialWithContext fails, fail(err, true) overwrites the permanent " +
			"Build error of a malformed mail with a temporary dial error, so it is retried until GiveUpAfter " +
			"(fix: in fail, only set errs[i] where it is nil)")
	}
	if want := (Stats{Retried: 1, Failed: 1}); st != want {
		t.Errorf("RunOnce: got %+v, want %+v", st, want)
	}
}
