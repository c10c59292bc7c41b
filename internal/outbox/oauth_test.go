package outbox

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// oauthFixture is an outbox sending through devmail's SMTP server with an OAuth
// login at a fake provider.
type oauthFixture struct {
	*fixture
	srv    *devmail.Server
	p      *oauthtest.Provider
	file   oauth.File
	tokens *oauth.Source
	smtp   *SMTP
}

func newOAuthFixture(t *testing.T, mech string) *oauthFixture {
	t.Helper()
	p := oauthtest.Start(t, oauthtest.Options{Rotate: true})
	srv, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	file := oauth.File{Path: filepath.Join(t.TempDir(), "token.json")}
	if err := file.Save(p.SignIn()); err != nil {
		t.Fatal(err)
	}
	tokens := oauth.NewSource(oauth.Options{Settings: p.Settings(), File: file})
	host, port, _ := net.SplitHostPort(srv.SMTPAddr)
	n, _ := strconv.Atoi(port)
	s := NewSMTP(SMTPConfig{Host: host, Port: n, Security: "none", Username: "govbot", Auth: mech, Token: tokens, Timeout: 10 * time.Second})
	return &oauthFixture{fixture: newFixture(t, s), srv: srv, p: p, file: file, tokens: tokens, smtp: s}
}

func TestSMTP_OAuthMechanisms(t *testing.T) {
	for _, mech := range []string{"xoauth2", "oauthbearer"} {
		t.Run(mech, func(t *testing.T) {
			f := newOAuthFixture(t, mech)
			got, err := f.smtp.Check(context.Background())
			if err != nil || got != strings.ToUpper(mech) {
				t.Fatalf("check: %q, %v", got, err)
			}
			f.enqueue(t, outMail("a"), outMail("b"))
			f.runOnce(t, Stats{Sent: 2})
			for _, s := range f.srv.Sent() {
				if s.AuthUser != "govbot" {
					t.Errorf("mail sent as %q, want authenticated as govbot", s.AuthUser)
				}
			}
		})
	}
}

func TestSMTP_OAuthRefusedTokenRenewedOnce(t *testing.T) {
	f := newOAuthFixture(t, "xoauth2")
	if _, err := f.tokens.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.p.ExpireAccessTokens() // the server refuses the token the bot holds
	f.enqueue(t, outMail("a"))
	f.runOnce(t, Stats{Sent: 1})
	if f.p.Refreshes() != 1 {
		t.Errorf("%d refreshes, want 1", f.p.Refreshes())
	}
}

// TestOutbox_LoginFailureHoldsMailPastGiveUp: with the token revoked, mail waits
// in the queue however long it takes (past give_up_after), retried with backoff,
// and goes once the officer has signed in again.
func TestOutbox_LoginFailureHoldsMailPastGiveUp(t *testing.T) {
	f := newOAuthFixture(t, "oauthbearer")
	f.p.RevokeAll()
	f.enqueue(t, outMail("a"), outMail("b"))
	f.runOnce(t, Stats{Retried: 2})
	p := f.pending(t)
	if len(p) != 2 || !strings.Contains(p[0].LastError, "govbot oauth login") {
		t.Fatalf("pending %+v; want both, naming govbot oauth login", p)
	}
	for i := 0; i < 20; i++ { // 20 × 10 minutes: past the hour of GiveUpAfter
		f.clock.Add(10 * time.Minute)
		f.runOnce(t, Stats{Retried: 2})
	}
	if got := f.failures(); len(got) != 0 {
		t.Fatalf("mail given up while the bot could not log in: %v", got)
	}
	if next := f.pending(t)[0].NextAttempt; next.After(f.clock.Now().Add(heldRetryMax)) {
		t.Errorf("next attempt %v, more than %v away", next, heldRetryMax)
	}
	// `govbot oauth login` writes a new token file.
	if err := f.file.Save(f.p.SignIn()); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(10 * time.Minute)
	f.runOnce(t, Stats{Sent: 2})
	if n := len(f.srv.Sent()); n != 2 {
		t.Errorf("%d delivered, want 2", n)
	}
}

func TestSMTP_WrongPasswordIsHeldToo(t *testing.T) {
	f, srv := smtpFixture(t)
	host, port, _ := net.SplitHostPort(srv.SMTPAddr)
	n, _ := strconv.Atoi(port)
	f.ob.Sender = NewSMTP(SMTPConfig{Host: host, Port: n, Security: "none", Username: srv.User, Password: "wrong", Timeout: 10 * time.Second})
	f.enqueue(t, outMail("a"))
	f.runOnce(t, Stats{Retried: 1})
	f.clock.Add(2 * time.Hour)
	f.runOnce(t, Stats{Retried: 1})
	if p := f.pending(t); len(p) != 1 || !strings.Contains(p[0].LastError, "535") {
		t.Errorf("pending %+v, want the mail waiting with the 535", p)
	}
}
