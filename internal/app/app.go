// Package app wires the adapters around the bot from a configuration: the store, the
// IMAP source, the outbox and its SMTP sender, the templates. `govbot once`, `govbot
// run`, the demo and the end-to-end tests all go through it.
package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/config"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/imapsource"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/outbox"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
	"github.com/mekongmigration/govbot/templates"
)

// App is a configured govbot.
type App struct {
	Cfg    config.Config
	DB     *store.DB
	Bot    *bot.Bot
	Outbox *outbox.Outbox
	Source *imapsource.Source
	Log    *slog.Logger
	// Tokens are the OAuth access tokens of imap.auth or smtp.auth xoauth2 or
	// oauthbearer; nil when both log in with a password.
	Tokens *oauth.Source

	mu     sync.Mutex
	clock  func() time.Time
	render *render.Renderer
	quiet  bool // a check is running: login failures are reported to the caller, not mailed
}

// Options are what the command line adds to the configuration.
type Options struct {
	Clock  func() time.Time // nil: time.Now
	Logger *slog.Logger
	// DBTimeout is how long to wait for another process's lock on the store.
	DBTimeout time.Duration
	// Offline skips reading the mail passwords (commands that need no mail server).
	Offline bool
}

// Open opens the store and builds the pipeline. It returns store.ErrLocked when a
// running govbot holds the store.
func Open(cfg config.Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	loc := cfg.Location()
	r, err := render.New(templates.FS, render.Options{Location: loc, Network: cfg.Network.Name, Marker: answer.Marker, Override: overrideFS(cfg)})
	if err != nil {
		return nil, err
	}
	db, err := store.Open(cfg.Store.Path, o.DBTimeout)
	if err != nil {
		return nil, err
	}
	a := &App{Cfg: cfg, DB: db, Log: o.Logger, clock: o.Clock, render: r}
	digestDay, digestOn := cfg.Digest.WeekdayOf()
	campaignMonth, campaignDay := cfg.Membership.CampaignDate()
	a.Outbox = outbox.New(outbox.Options{
		DB: db, Clock: a.Now, Logger: o.Logger.With("component", "outbox"),
		RetryMin: cfg.Outbox.RetryMin.Std(), RetryMax: cfg.Outbox.RetryMax.Std(), GiveUpAfter: cfg.Outbox.GiveUpAfter.Std(),
		Batch: cfg.Outbox.Batch,
	})
	a.Bot = bot.New(bot.Options{
		DB: db, Renderer: r, Rules: cfg.GovRules(), Location: loc,
		Address: cfg.Bot.Address, Name: cfg.Bot.Name, Secretariat: cfg.Secretariat.Addresses,
		SecretariatAuth: cfg.Secretariat.Auth, ChallengeHours: cfg.Secretariat.ChallengeHours,
		ReminderDays: cfg.Reminders.DaysBefore, ReminderHour: cfg.Reminders.Hour,
		CountryName: cfg.CountryName, SCVoteDays: cfg.Applications.SCVoteDays, FilesDir: cfg.Store.Path + ".files",
		FeeBands: feeBands(cfg), CampaignMonth: campaignMonth, CampaignDay: campaignDay,
		Countries: cfg.Network.Countries, GCBase: gov.GCQuorumBase(cfg.Membership.GCQuorumBase), SpecialSeats: specialSeats(cfg),
		RenewalLeadDays: cfg.SC.RenewalLeadDays, RecommendDays: cfg.SC.RecommendDays,
		LetterFacts: cfg.Applications.LetterFacts, GCWarnMonths: cfg.Membership.GCWarnMonths, MTAllowRC: cfg.SC.MTAllowRC,
		DigestWeekday: digestDay, DigestHour: cfg.Digest.Hour, DigestOff: !digestOn,
		Limits: bot.Limits{
			MaxMessageBytes: cfg.Limits.MaxMessageBytes, MaxAttachments: cfg.Limits.MaxAttachments,
			RefusalsPerDay: cfg.Limits.RefusalsPerAddressPerDay, StrangerRefusalsPerDay: cfg.Limits.StrangerRefusalsPerDay,
			StrangerRefusalsPerHour: cfg.Limits.StrangerRefusalsPerHour, DirectApplicationsPerHour: cfg.Limits.DirectApplicationsPerHour,
			SecretariatRefusalsPerDay: cfg.Secretariat.RefusalsPerDay, BouncesBeforeMarking: cfg.Limits.BouncesBeforeMarking,
			MaxAttempts: cfg.Limits.MaxAttempts, MaxDepth: cfg.Limits.MaxMIMEDepth, MaxParts: cfg.Limits.MaxMIMEParts,
			MessageBudget: cfg.Limits.MessageTimeBudget.Std(), StrangerRawBytes: cfg.Limits.StrangerRawBytes, RawKeepDays: cfg.Limits.RawKeepDays,
		},
		Trust:  trust.Config{Policy: trust.Policy(cfg.Trust.Policy), AuthservID: cfg.Trust.AuthservID, VerifyDKIM: cfg.Trust.VerifyDKIM},
		Logger: o.Logger.With("component", "bot"), Kick: a.Outbox.Kick,
	})
	a.Outbox.Failed = a.Bot.DeliveryFailed
	if !o.Offline {
		if err := a.connectors(); err != nil {
			db.Close()
			return nil, err
		}
	}
	return a, nil
}

func (a *App) connectors() error {
	cfg := a.Cfg
	var imapTokens imapsource.TokenSource
	var smtpTokens outbox.TokenSource
	if cfg.UsesOAuth() {
		tokens, err := a.tokenSource()
		if err != nil {
			return err
		}
		a.Tokens, imapTokens, smtpTokens = tokens, tokens, tokens
	}
	imapPass, smtpPass := "", ""
	var err error
	if !config.IsOAuth(cfg.IMAP.Auth) {
		if imapPass, err = cfg.IMAP.Password(); err != nil {
			return fmt.Errorf("imap password: %w", err)
		}
	}
	if cfg.SMTP.Username != "" && !config.IsOAuth(cfg.SMTP.Auth) {
		if smtpPass, err = cfg.SMTP.Password(); err != nil {
			return fmt.Errorf("smtp password: %w", err)
		}
	}
	imapTLS, err := tlsConfig(cfg.IMAP.Host, cfg.IMAP.CAFile, cfg.IMAP.TLSInsecureSkipVerify)
	if err != nil {
		return fmt.Errorf("imap.ca_file: %w", err)
	}
	smtpTLS, err := tlsConfig(cfg.SMTP.Host, cfg.SMTP.CAFile, cfg.SMTP.TLSInsecureSkipVerify)
	if err != nil {
		return fmt.Errorf("smtp.ca_file: %w", err)
	}
	a.Source = imapsource.New(imapsource.Config{
		Addr: net.JoinHostPort(cfg.IMAP.Host, strconv.Itoa(cfg.IMAP.Port)), Security: cfg.IMAP.Security,
		Username: cfg.IMAP.Username, Password: imapPass, Auth: cfg.IMAP.Auth, Token: imapTokens, Mailbox: cfg.IMAP.Mailbox,
		ProcessedMailbox: cfg.IMAP.ProcessedMailbox, QuarantineMailbox: cfg.IMAP.QuarantineMailbox, TLS: imapTLS, MaxBytes: cfg.Limits.MaxMessageBytes,
		SpoolDir: a.spool(), Prepare: a.prepareBatch, Logger: a.Log.With("component", "imap"),
	})
	a.Outbox.Sender = outbox.NewSMTP(outbox.SMTPConfig{
		Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, Security: cfg.SMTP.Security,
		Username: cfg.SMTP.Username, Password: smtpPass, Auth: cfg.SMTP.Auth, Token: smtpTokens, TLS: smtpTLS, HELO: cfg.SMTP.HELO,
		Connections: cfg.Outbox.Connections,
	})
	return nil
}

func tlsConfig(host, caFile string, insecure bool) (*tls.Config, error) {
	c := &tls.Config{ServerName: host, InsecureSkipVerify: insecure, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("no certificate found in " + caFile)
		}
		c.RootCAs = pool
	}
	return c, nil
}

// Now reads the clock.
func (a *App) Now() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.clock()
}

// SetClock replaces the clock (the demo moves time forward).
func (a *App) SetClock(c func() time.Time) {
	a.mu.Lock()
	a.clock = c
	a.mu.Unlock()
}

// Close closes the mail connection and the store.
func (a *App) Close() error {
	if a.Source != nil {
		a.Source.Close()
	}
	return a.DB.Close()
}

// Summary is what one cycle did.
type Summary struct {
	Handled int
	Sent    int
	Retried int
	Failed  int
}

// Once runs one full cycle: read new mail, run what is due, send the outbox.
func (a *App) Once(ctx context.Context) (Summary, error) {
	var s Summary
	var errs []error
	if a.Source != nil {
		n, err := a.Source.PollBatch(ctx, a.position(), a.handleBatch)
		s.Handled = n
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := a.Bot.RunDue(a.Now()); err != nil {
		errs = append(errs, err)
	}
	if a.Outbox.Sender != nil {
		st, err := a.Outbox.RunOnce(ctx)
		s.Sent, s.Retried, s.Failed = st.Sent, st.Retried, st.Failed
		if err != nil {
			errs = append(errs, err)
		}
	}
	return s, errors.Join(errs...)
}

// prepareBatch reads a batch (the bot's PrepareBatch) while the one before it
// commits.
func (a *App) prepareBatch(ms []imapsource.Message) {
	ps := a.Bot.PrepareBatch(a.Now(), inbound(ms))
	for i := range ms {
		ms[i].Prepared = ps[i]
	}
}

func inbound(ms []imapsource.Message) []bot.Inbound {
	ins := make([]bot.Inbound, len(ms))
	for i, m := range ms {
		ins[i] = bot.Inbound{Mailbox: m.Mailbox, UIDValidity: m.UIDValidity, UID: m.UID, Received: m.Received, Raw: m.Raw, Truncated: m.Truncated}
		if m.Spool != nil {
			ins[i].Spool, ins[i].Size = m.Spool, m.Spooled
		}
	}
	return ins
}

func (a *App) handleBatch(ms []imapsource.Message) ([]imapsource.Disposition, error) {
	ps := make([]*bot.Prepared, len(ms))
	for i, m := range ms {
		p, ok := m.Prepared.(*bot.Prepared)
		if !ok {
			ps = nil
			break
		}
		ps[i] = p
	}
	if ps == nil { // not prepared (imapsource without a Prepare stage)
		ps = a.Bot.PrepareBatch(a.Now(), inbound(ms))
		defer bot.ReleaseAll(ps)
	}
	results, err := a.Bot.CommitBatch(a.Now(), ps)
	if err != nil {
		return nil, err
	}
	disp := make([]imapsource.Disposition, len(results))
	for i, r := range results {
		switch {
		case strings.HasPrefix(r.Outcome, bot.OutcomeFailed):
			disp[i] = imapsource.Retry
		case strings.HasPrefix(r.Outcome, bot.OutcomeQuarantined):
			disp[i] = imapsource.Quarantined
		}
	}
	return disp, nil
}

// Run runs until ctx is done: mail is read as it arrives (IDLE where the server has
// it, else every poll interval), due work runs every minute, the outbox sends as soon
// as mail is queued.
func (a *App) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.Outbox.Run(ctx, a.Cfg.IMAP.PollInterval.Std())
	}()
	poll := a.Cfg.IMAP.PollInterval.Std()
	lastDue := time.Time{}
	failures := 0 // reading failed this many times in a row
	for ctx.Err() == nil {
		n, err := a.Source.PollBatch(ctx, a.position(), a.handleBatch)
		if err != nil && ctx.Err() == nil {
			a.Log.Error("reading mail", "err", err)
		} else if n > 0 {
			a.Log.Info("mail read", "handled", n)
		}
		if now := a.Now(); now.Sub(lastDue) >= time.Minute {
			if err := a.Bot.RunDue(now); err != nil {
				a.Log.Error("due work", "err", err)
			}
			lastDue = now
		}
		wait := min(poll, time.Minute)
		if err != nil {
			failures++
			wait = retryWait(err, poll, failures) // a failed connection is retried soon, a failed login less and less often
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			continue
		}
		failures = 0
		if a.Cfg.IMAP.Idle {
			_ = a.Source.Wait(ctx, wait)
		} else {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
	wg.Wait()
	return nil
}

// position adapts the store to imapsource.State.
func (a *App) position() imapsource.State { return storeState{a} }

type storeState struct{ a *App }

func (s storeState) Position(mailbox string) (uint32, uint32, error) {
	var st store.IMAPState
	err := s.a.DB.View(func(tx *store.Tx) error {
		var err error
		st, err = tx.IMAPState(mailbox)
		return err
	})
	return st.UIDValidity, st.LastUID, err
}

func (s storeState) SetPosition(mailbox string, uv, last uint32) error {
	return s.a.DB.Update(s.a.Now(), func(tx *store.Tx) error {
		return tx.PutIMAPState(mailbox, store.IMAPState{UIDValidity: uv, LastUID: last})
	})
}

func (s storeState) Seen(uv, uid uint32) bool {
	seen := false
	_ = s.a.DB.View(func(tx *store.Tx) error { seen = tx.SeenUID(uv, uid); return nil })
	return seen
}

// overrideFS returns the directory of templates that override the embedded ones.
func overrideFS(cfg config.Config) fs.FS {
	if cfg.Templates.Dir == "" {
		return nil
	}
	return os.DirFS(cfg.Templates.Dir)
}

func feeBands(cfg config.Config) []gov.FeeBand {
	var out []gov.FeeBand
	for _, b := range cfg.Membership.FeeBands {
		out = append(out, gov.FeeBand{UpTo: b.UpTo, Fee: b.Fee})
	}
	return out
}

// spoolDir is where messages larger than a megabyte wait while they are handled:
// beside the store, so that they stay on the same disk and out of memory.
func spoolDir(storePath string) string {
	dir := storePath + ".files"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return ""
	}
	// The store is open, so no other govbot uses it: a spool file left here was
	// left by a crash, and its message is still on the server.
	old, _ := filepath.Glob(filepath.Join(dir, "govbot-spool-*"))
	for _, f := range old {
		os.Remove(f)
	}
	return dir
}

func specialSeats(cfg config.Config) []gov.SpecialSeat {
	var out []gov.SpecialSeat
	for _, s := range cfg.SpecialSeats {
		out = append(out, gov.SpecialSeat{ID: s.ID, Name: s.Name, TermYears: s.TermYears, Replacement: s.Replacement})
	}
	return out
}
