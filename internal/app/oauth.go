package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/outbox"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/templates"
)

// LoginFailureKind is the mail that tells the Secretariat the bot cannot log in
// to its mailbox with its OAuth sign-in.
const LoginFailureKind = "login_failure"

// outageGrace is how long the provider may fail to answer before the
// Secretariat is told: a short outage ends by itself.
const outageGrace = time.Hour

// OAuthSettings returns the provider and client settings of cfg's oauth
// section, reading the client id and secret from their files or environment.
func OAuthSettings(cfg config.Config) (oauth.Settings, error) {
	o := cfg.OAuth
	id, err := o.ClientIDValue()
	if err != nil {
		return oauth.Settings{}, fmt.Errorf("oauth client id: %w", err)
	}
	secret, err := o.ClientSecret()
	if err != nil {
		return oauth.Settings{}, fmt.Errorf("oauth client secret: %w", err)
	}
	return oauth.Settings{
		Provider: o.Provider, Tenant: o.Tenant, ClientID: id, ClientSecret: secret, Scopes: o.Scopes,
		AuthURL: o.AuthURL, TokenURL: o.TokenURL, DeviceAuthURL: o.DeviceAuthURL,
	}, nil
}

// tokenSource builds the token source of the mail logins. Tokens live in real
// time, whatever clock the app runs on (--now).
func (a *App) tokenSource() (*oauth.Source, error) {
	s, err := OAuthSettings(a.Cfg)
	if err != nil {
		return nil, err
	}
	return oauth.NewSource(oauth.Options{
		Settings: s, File: oauth.File{Path: a.Cfg.OAuth.TokenFile},
		Logger: a.Log.With("component", "oauth"), OnProblem: a.loginProblem,
	}), nil
}

// loginProblem hears of each new failure of the OAuth login. It logs it, and
// tells the Secretariat by mail at most once a day (a provider outage only once
// it has lasted outageGrace). The mail is queued like any other and goes through
// whatever still works: SMTP when its login does not depend on the failing
// sign-in, or else once it works again; the log line is there at once.
func (a *App) loginProblem(e *oauth.Error) {
	a.mu.Lock()
	quiet := a.quiet
	a.mu.Unlock()
	if quiet {
		return
	}
	a.Log.Error("mail login failed", "cause", e.Kind.String(), "since", e.Since.Format(time.RFC3339), "action", action(e.Kind), "err", e)
	if e.Kind == oauth.Unavailable && time.Since(e.Since) < outageGrace {
		return
	}
	queued, err := a.queueLoginFailure(a.Now(), e)
	if err != nil {
		a.Log.Error("queue the login failure notice", "err", err)
		return
	}
	if queued {
		a.Log.Warn("the Secretariat is told that the bot cannot log in", "to", a.Cfg.Secretariat.Addresses)
		a.Outbox.Kick()
	}
}

// MailCheck is what logging in to the mail servers found.
type MailCheck struct {
	Messages int    // in imap.mailbox
	IMAPMech string // LOGIN, XOAUTH2 or OAUTHBEARER
	IMAPErr  error
	SMTPMech string // PLAIN, XOAUTH2, OAUTHBEARER, or "" without AUTH
	SMTPErr  error
	// Expiry is when the OAuth access token expires; zero without OAuth.
	Expiry time.Time
}

// CheckMail logs in to IMAP and SMTP and says how each went. A login failure is
// returned here, not logged nor mailed to the Secretariat.
func (a *App) CheckMail(ctx context.Context) MailCheck {
	a.mu.Lock()
	a.quiet = true
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.quiet = false
		a.mu.Unlock()
	}()
	var c MailCheck
	c.Messages, c.IMAPErr = a.Source.Check()
	c.IMAPMech = a.Source.Mechanism()
	if s, ok := a.Outbox.Sender.(*outbox.SMTP); ok {
		c.SMTPMech, c.SMTPErr = s.Check(ctx)
	}
	if a.Tokens != nil {
		c.Expiry = a.Tokens.Expiry()
	}
	return c
}

// CheckLogins is [App.CheckMail] without the store, so that it works while
// `govbot run` holds it: `govbot check-config` and `govbot oauth login` use it. It
// also loads the templates (and templates.dir), as the bot does at start.
func CheckLogins(ctx context.Context, cfg config.Config, log *slog.Logger) (MailCheck, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if _, err := render.New(templates.FS, render.Options{Location: cfg.Location(), Network: cfg.Network.Name, Marker: answer.Marker, Override: overrideFS(cfg)}); err != nil {
		return MailCheck{}, err
	}
	a := &App{Cfg: cfg, Log: log, clock: time.Now, quiet: true}
	a.Outbox = outbox.New(outbox.Options{Logger: log})
	if err := a.connectors(); err != nil {
		return MailCheck{}, err
	}
	defer a.Source.Close()
	return a.CheckMail(ctx), nil
}

// action says what ends a failure of kind k.
func action(k oauth.Kind) string {
	switch k {
	case oauth.LoginNeeded:
		return "run `" + oauth.LoginCommand + "`"
	case oauth.Refused:
		return "check the app's mail permissions and the username, then run `" + oauth.LoginCommand + "`"
	}
	return "none: the bot retries"
}

// queueLoginFailure queues the notice to the Secretariat unless one was queued
// the same day (in the network's time zone). It reports whether it queued one.
func (a *App) queueLoginFailure(now time.Time, e *oauth.Error) (bool, error) {
	cfg := a.Cfg
	key := "login-failure/" + now.In(cfg.Location()).Format("2006-01-02")
	account := cfg.IMAP.Username
	if !config.IsOAuth(cfg.IMAP.Auth) {
		account = cfg.SMTP.Username
	}
	since := e.Since
	if since.IsZero() {
		since = time.Now()
	}
	m := gov.Mail{
		Kind: LoginFailureKind, Key: key, To: cfg.Secretariat.Addresses, Lang: "en", Auto: gov.AutoGenerated,
		Data: gov.LoginFailureData{
			Account: account, Provider: cfg.OAuth.Provider, Cause: e.Kind.String(), At: since, Error: e.Error(),
			Reading: config.IsOAuth(cfg.IMAP.Auth), Sending: cfg.SMTP.Username != "" && config.IsOAuth(cfg.SMTP.Auth),
		},
	}
	queued := false
	err := a.DB.Update(now, func(tx *store.Tx) error {
		if tx.MailQueued(key) {
			return nil
		}
		r, err := a.render.Render(m)
		if err != nil {
			return err
		}
		out := store.OutMail{
			Key: key, Kind: m.Kind, MessageID: a.Bot.MessageID(key, ""),
			FromName: cfg.Bot.Name, From: cfg.Bot.Address, To: m.To,
			Subject: r.Subject, Text: r.Text, HTML: r.HTML, Date: tx.Now,
			Headers: [][2]string{{"Auto-Submitted", gov.AutoGenerated}, {"X-Auto-Response-Suppress", "All"}, {"X-Govbot-Kind", m.Kind}},
		}
		if _, err := tx.Enqueue(out); err != nil {
			return err
		}
		queued = true
		return tx.Audit("mail.login_failed", key, "bot", e.Kind.String()+": "+e.Error())
	})
	return queued, err
}

// spool returns where large messages are spooled. A check leaves the store's
// spool directory alone (a running daemon may be using it; spoolDir clears it)
// and needs none: the system's temporary directory.
func (a *App) spool() string {
	if a.quiet {
		return ""
	}
	return spoolDir(a.Cfg.Store.Path)
}

// loginRetryMax caps the wait between two attempts to read mail while the login
// fails.
const loginRetryMax = 15 * time.Minute

// retryWait is how long Run waits after reading failed for the n-th time in a
// row: 30 s (or poll, if shorter) after a failed connection; after a failed OAuth
// login, doubling from there up to loginRetryMax, so that a server refusing the
// account is not asked every 30 seconds (the provider itself is asked only as
// the token source's own backoff allows).
func retryWait(err error, poll time.Duration, n int) time.Duration {
	wait := min(poll, 30*time.Second)
	if _, ok := oauth.KindOf(err); !ok {
		return wait
	}
	for i := 1; i < n && wait < loginRetryMax; i++ {
		wait *= 2
	}
	return min(wait, loginRetryMax)
}
