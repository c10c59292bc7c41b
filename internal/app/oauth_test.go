package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
	"github.com/mekongmigration/govbot/internal/store"
)

// withOAuth switches cfg's logins to OAuth at the fake provider p: IMAP with
// imapAuth, SMTP with smtpAuth ("password" keeps SMTP as it is), and signs in.
// It returns the token file.
func withOAuth(t *testing.T, cfg *config.Config, p *oauthtest.Provider, user, imapAuth, smtpAuth string) oauth.File {
	t.Helper()
	file := oauth.File{Path: filepath.Join(t.TempDir(), "oauth-token.json")}
	if err := file.Save(p.SignIn()); err != nil {
		t.Fatal(err)
	}
	cfg.IMAP.Auth, cfg.IMAP.Username, cfg.IMAP.InlinePassword = imapAuth, user, ""
	if smtpAuth != config.AuthPassword {
		cfg.SMTP.Auth, cfg.SMTP.Username, cfg.SMTP.InlinePassword = smtpAuth, user, ""
	}
	s := p.Settings()
	cfg.OAuth = config.OAuth{Provider: config.ProviderCustom, ClientID: s.ClientID, Scopes: s.Scopes,
		AuthURL: s.AuthURL, TokenURL: s.TokenURL, DeviceAuthURL: s.DeviceAuthURL, TokenFile: file.Path}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return file
}

// oauthMemServers are the in-process servers taking OAuth tokens.
type oauthMemServers struct {
	memServers
	p                  *oauthtest.Provider
	imapAuth, smtpAuth string
}

func (m oauthMemServers) config(t *testing.T) config.Config {
	cfg := m.memServers.config(t)
	withOAuth(t, &cfg, m.p, m.srv.User, m.imapAuth, m.smtpAuth)
	return cfg
}

// oauthRealServers are Dovecot with its oauth2 passdb (tokens introspected at the
// fake provider) and the in-process SMTP server taking XOAUTH2 and OAUTHBEARER.
type oauthRealServers struct {
	imap               *mailtest.Dovecot
	smtp               *devmail.Server
	p                  *oauthtest.Provider
	imapAuth, smtpAuth string
}

func (r oauthRealServers) config(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.Bot.Address, cfg.Bot.Name = demo.BotAddress, "MMN govbot"
	cfg.Secretariat.Addresses = []string{demo.Secretariat}
	host, port := splitHostPort(t, r.imap.Addr)
	cfg.IMAP.Host, cfg.IMAP.Port, cfg.IMAP.Security = host, port, config.SecurityNone
	host, port = splitHostPort(t, r.smtp.SMTPAddr)
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security = host, port, config.SecurityNone
	cfg.Store.Path = t.TempDir() + "/govbot.db"
	withOAuth(t, &cfg, r.p, r.imap.User, r.imapAuth, r.smtpAuth)
	return cfg
}
func (r oauthRealServers) deliver(t *testing.T, raw []byte, at time.Time) {
	t.Helper()
	r.imap.Append(t, "INBOX", raw, at)
}
func (r oauthRealServers) sent(t *testing.T, n int) [][]byte {
	t.Helper()
	return memServers{r.smtp}.sent(t, n)
}
func (r oauthRealServers) processedFlag(t *testing.T) int {
	return realServers{imap: r.imap}.processedFlag(t)
}

// sentAs fails unless every mail the server took came through AUTH as user.
func sentAs(t *testing.T, srv *devmail.Server, user string) {
	t.Helper()
	for _, s := range srv.Sent() {
		if s.AuthUser != user {
			t.Fatalf("a mail was sent with AUTH as %q, want %q", s.AuthUser, user)
		}
	}
}

func TestR_E_GeneralBallotEndToEnd_OAuthInProcess(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{Rotate: true})
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress, OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	runGeneralBallot(t, oauthMemServers{memServers: memServers{srv}, p: p, imapAuth: config.AuthXOAuth2, smtpAuth: config.AuthOAuthBearer})
	sentAs(t, srv, srv.User)
}

// TestR_E_GeneralBallotEndToEnd_OAuthDovecot plays the whole ballot with IMAP at
// Dovecot over OAUTHBEARER (its oauth2 passdb checking each token at the
// provider) and SMTP over XOAUTH2; the access token expires early on the way and
// is renewed.
func TestR_E_GeneralBallotEndToEnd_OAuthDovecot(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{Rotate: true})
	d := mailtest.StartDovecotWith(t, mailtest.DovecotOptions{OAuthIntrospectionURL: p.IntrospectionURL()})
	smtp, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	servers := oauthRealServers{imap: d, smtp: smtp, p: p, imapAuth: config.AuthOAuthBearer, smtpAuth: config.AuthXOAuth2}
	expired := &expiringServers{oauthRealServers: servers}
	runGeneralBallot(t, expired)
	sentAs(t, smtp, d.User)
	if p.Refreshes() == 0 {
		t.Errorf("the token the provider ended early was not refreshed")
	}
}

// expiringServers ends the provider's access tokens before every delivery, as if
// they had expired or been revoked early: each next login must renew.
type expiringServers struct{ oauthRealServers }

func (e *expiringServers) deliver(t *testing.T, raw []byte, at time.Time) {
	t.Helper()
	e.p.ExpireAccessTokens()
	e.oauthRealServers.deliver(t, raw, at)
}

// TestLoginFailureKeepsTheQueueAndTellsTheSecretariatOncePerDay: the refresh
// token is revoked. IMAP (OAuth) fails; SMTP (password) still works and takes the
// notice to the Secretariat at once; a second failure the same day sends none;
// the next day one more.
func TestLoginFailureKeepsTheQueueAndTellsTheSecretariatOncePerDay(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	srv, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := demo.Config(srv, t.TempDir())
	cfg.SMTP.Username, cfg.SMTP.InlinePassword = srv.User, config.Secret(srv.Password)
	file := withOAuth(t, &cfg, p, srv.User, config.AuthXOAuth2, config.AuthPassword)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, cfg.Location())
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	if _, err := a.Once(ctx); err != nil {
		t.Fatalf("signed in: %v", err)
	}
	revoke := func() {
		t.Helper()
		// A new sign-in (the token file changes, so the source tries at once),
		// then revoked.
		if err := file.Save(p.SignIn()); err != nil {
			t.Fatal(err)
		}
		p.RevokeAll()
		p.ExpireAccessTokens()
		a.Source.Close() // the next cycle logs in again
	}
	notices := func() []devmail.Sent {
		var out []devmail.Sent
		for _, s := range srv.Sent() {
			if strings.Contains(string(s.Raw), "X-Govbot-Kind: login_failure") {
				out = append(out, s)
			}
		}
		return out
	}

	revoke()
	s, err := a.Once(ctx)
	if err == nil || !strings.Contains(err.Error(), "govbot oauth login") {
		t.Fatalf("cycle with a revoked token: %v; want an error naming govbot oauth login", err)
	}
	if s.Sent != 1 || len(notices()) != 1 {
		t.Fatalf("sent %d, %d notices; want the one notice, through SMTP's own login", s.Sent, len(notices()))
	}
	n := notices()[0]
	if n.To[0] != demo.Secretariat || !strings.Contains(string(n.Raw), "govbot oauth login") {
		t.Errorf("notice to %v:\n%s", n.To, n.Raw)
	}

	revoke()
	now = now.Add(3 * time.Hour)
	if _, err := a.Once(ctx); err == nil {
		t.Fatal("no error with a revoked token")
	}
	if len(notices()) != 1 {
		t.Errorf("%d notices on the same day, want 1", len(notices()))
	}

	revoke()
	now = now.Add(24 * time.Hour)
	a.Once(ctx)
	if len(notices()) != 2 {
		t.Errorf("%d notices the next day, want 2", len(notices()))
	}
}

// TestLoginFailureNeverLosesQueuedMail: IMAP and SMTP both log in with the
// revoked sign-in. The forms and the notice wait, past outbox.give_up_after,
// and all go once the officer has signed in again.
func TestLoginFailureNeverLosesQueuedMail(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	srv, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := demo.Config(srv, t.TempDir())
	cfg.Digest.Weekday = "off"
	file := withOAuth(t, &cfg, p, srv.User, config.AuthOAuthBearer, config.AuthXOAuth2)
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := demo.Seed(a.DB, cfg, now); err != nil {
		t.Fatal(err)
	}
	p.RevokeAll()
	p.ExpireAccessTokens()
	if _, err := a.Bot.OpenBallot(now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: now.AddDate(0, 0, 30)}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 8; i++ { // four days, past the 72 hours of give_up_after
		if _, err := a.Once(ctx); err == nil {
			t.Fatal("a cycle without error while the sign-in is revoked")
		}
		now = now.Add(12 * time.Hour)
	}
	var pending []store.OutMail
	a.DB.View(func(tx *store.Tx) error {
		pending, _ = tx.Pending()
		return nil
	})
	if len(srv.Sent()) != 0 {
		t.Fatalf("%d mails went out without a login", len(srv.Sent()))
	}
	notices := 0
	for _, m := range pending {
		if m.Kind == app.LoginFailureKind {
			notices++
		}
	}
	if len(pending) != 16+notices || notices == 0 || notices > 3 {
		t.Fatalf("%d mails pending with %d notices; want the 16 of the ballot and one notice a day (at most 3 here)", len(pending), notices)
	}
	// The officer signs in again; everything goes, the notices late.
	if err := file.Save(p.SignIn()); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Minute)
	s, err := a.Once(ctx)
	if err != nil {
		t.Fatalf("after the new sign-in: %v", err)
	}
	if s.Sent != len(pending) || s.Failed != 0 {
		t.Errorf("sent %d, failed %d; want all %d pending sent", s.Sent, s.Failed, len(pending))
	}
	var gaveUp int
	a.DB.View(func(tx *store.Tx) error {
		log, err := tx.AuditLog()
		for _, e := range log {
			if e.Action == "mail.failed" {
				gaveUp++
			}
		}
		return err
	})
	if gaveUp != 0 {
		t.Errorf("%d mails given up", gaveUp)
	}
}

// TestCheckLoginsLeavesTheSpoolAlone: a check beside a running bot does not
// touch the bot's spool files (nor open the store).
func TestCheckLoginsLeavesTheSpoolAlone(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := demo.Config(srv, t.TempDir())
	a, err := app.Open(cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	spool := filepath.Join(cfg.Store.Path+".files", "govbot-spool-123")
	if err := os.WriteFile(spool, []byte("a message being handled"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := app.CheckLogins(context.Background(), cfg, nil)
	if err != nil || c.IMAPErr != nil || c.SMTPErr != nil || c.IMAPMech != "LOGIN" {
		t.Fatalf("check: %+v, %v", c, err)
	}
	if _, err := os.Stat(spool); err != nil {
		t.Errorf("the running bot's spool file is gone: %v", err)
	}
}
