package oauth

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Options configure a [Source].
type Options struct {
	Settings Settings
	File     File
	// Margin: an access token is refreshed this long before it expires.
	// Default 5 minutes.
	Margin time.Duration
	// FreshFor: a token the provider issued less than this long ago is not
	// refreshed again when a server refuses it (a new one would be refused
	// too; the server refuses this account, not this token). Default 5 minutes.
	FreshFor time.Duration
	// RetryMin and RetryMax bound the wait between failed refreshes (doubling
	// from RetryMin). Defaults 1 minute and 1 hour. A new token file (after
	// `govbot oauth login`) is used at once, whatever the wait.
	RetryMin, RetryMax time.Duration
	Clock              func() time.Time
	Logger             *slog.Logger
	// OnProblem, when set, is called after each failure that is new: a failed
	// refresh, a refused fresh token, a token file that turned unreadable; not
	// when a failure is only returned again while the source waits to retry.
	// It is called without any lock held.
	OnProblem func(*Error)
}

// Source hands out access tokens. It reads the token file lazily (and again
// whenever the file changes on disk, so that `govbot oauth login` takes effect in
// a running bot), refreshes the access token Margin before it expires, saves a
// refresh token the provider rotates, and backs off after failures. It is safe
// for concurrent use: the IMAP reader and the outbox share one.
type Source struct {
	opts Options
	cfg  *oauth2.Config

	mu       sync.Mutex
	stored   Stored
	loaded   bool
	seen     stamp
	obtained time.Time // when the provider issued the current access token; zero: read from the file
	lastErr  *Error
	failures int
	retryAt  time.Time
	since    time.Time // first failure of the current run
	refused  time.Time // first refusal of a fresh token since the file was read
}

// NewSource returns a Source. It does not touch the file or the network.
func NewSource(o Options) *Source {
	if o.Margin <= 0 {
		o.Margin = 5 * time.Minute
	}
	if o.FreshFor <= 0 {
		o.FreshFor = 5 * time.Minute
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Minute
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(time.Hour, o.RetryMin)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Source{opts: o, cfg: o.Settings.Config()}
}

// Token returns an access token that is valid for at least Margin, refreshing it
// when needed. Its errors are [*Error] values.
func (s *Source) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	tok, err, report := s.token(ctx)
	s.mu.Unlock()
	s.report(report)
	return tok, err
}

// Renew is called when a server refused token refused (why is the server's
// answer, for the messages). It returns a newer token to try once more, or an
// error when a new one cannot help: the provider refuses to refresh, or the
// refused token is fresh (then the server refuses the account, not the token:
// an error of kind [Refused]).
func (s *Source) Renew(ctx context.Context, refused string, why error) (string, error) {
	s.mu.Lock()
	tok, err, report := s.renew(ctx, refused, why)
	s.mu.Unlock()
	s.report(report)
	return tok, err
}

// Expiry returns when the current access token expires (zero before the first).
func (s *Source) Expiry() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stored.Expiry
}

func (s *Source) report(e *Error) {
	if e != nil && s.opts.OnProblem != nil {
		s.opts.OnProblem(e)
	}
}

func (s *Source) token(ctx context.Context) (string, error, *Error) {
	now := s.opts.Clock()
	if e, fresh := s.reload(now); e != nil {
		return "", e, s.fileProblem(e, fresh)
	}
	if s.fresh(now) {
		return s.stored.AccessToken, nil, nil
	}
	if s.lastErr != nil && now.Before(s.retryAt) {
		if s.usable(now) {
			return s.stored.AccessToken, nil, nil
		}
		return "", s.lastErr, nil
	}
	if e := s.refresh(ctx, now); e != nil {
		if s.usable(now) {
			// The provider failed, but the token still has some minutes.
			return s.stored.AccessToken, nil, e
		}
		return "", e, e
	}
	return s.stored.AccessToken, nil, nil
}

func (s *Source) renew(ctx context.Context, refused string, why error) (string, error, *Error) {
	now := s.opts.Clock()
	if e, fresh := s.reload(now); e != nil {
		return "", e, s.fileProblem(e, fresh)
	}
	if s.stored.AccessToken != refused && s.fresh(now) {
		return s.stored.AccessToken, nil, nil // renewed meanwhile (another connection, a new login)
	}
	if !s.obtained.IsZero() && now.Sub(s.obtained) < s.opts.FreshFor {
		if s.refused.IsZero() {
			s.refused = now
		}
		e := &Error{Kind: Refused, Op: "login", Since: s.refused,
			Msg: "the mail server refused an access token the provider issued " + now.Sub(s.obtained).Round(time.Second).String() +
				" ago; check that the app may use IMAP and SMTP (its permissions or scope), that IMAP/SMTP AUTH is enabled for the mailbox, and the username",
			Err: why}
		return "", e, e
	}
	if s.lastErr != nil && s.lastErr.Kind != Refused && now.Before(s.retryAt) {
		return "", s.lastErr, nil
	}
	if e := s.refresh(ctx, now); e != nil {
		return "", e, e
	}
	return s.stored.AccessToken, nil, nil
}

// fresh reports whether the current access token needs no refresh yet.
func (s *Source) fresh(now time.Time) bool {
	return s.stored.AccessToken != "" && !s.stored.Expiry.IsZero() && now.Add(s.opts.Margin).Before(s.stored.Expiry)
}

// usable reports whether the current access token can still log in, though it
// is due for a refresh.
func (s *Source) usable(now time.Time) bool {
	return s.stored.AccessToken != "" && !s.stored.Expiry.IsZero() && now.Add(30*time.Second).Before(s.stored.Expiry)
}

// reload reads the token file when it changed on disk (or was never read). fresh
// says the error is new (the file changed since the last one).
func (s *Source) reload(now time.Time) (e *Error, fresh bool) {
	st, ok := s.opts.File.stamp()
	if s.loaded && (!ok || st == s.seen) {
		return nil, false // unchanged, or removed: keep the token in memory (saved again on refresh)
	}
	if ok && st == s.seen && s.lastErr != nil && s.lastErr.Op == "token file" {
		return s.lastErr, false
	}
	stored, err := s.opts.File.Load()
	if err != nil {
		msg := err.Error()
		if errors.Is(err, ErrNoTokenFile) {
			msg = "no token file at " + s.opts.File.Path + ": the bot has not signed in yet"
		}
		e := &Error{Kind: LoginNeeded, Op: "token file", Msg: msg, Since: s.sinceOr(now)}
		fresh = s.lastErr == nil || s.lastErr.Msg != e.Msg
		s.seen = st
		s.lastErr = e
		return e, fresh
	}
	if stored.ClientID != "" && s.cfg.ClientID != "" && stored.ClientID != s.cfg.ClientID {
		e := &Error{Kind: LoginNeeded, Op: "token file", Since: s.sinceOr(now),
			Msg: "the token in " + s.opts.File.Path + " was issued to another client than oauth.client_id (a refresh token works only with its own client)"}
		fresh = s.lastErr == nil || s.lastErr.Msg != e.Msg
		s.stored, s.loaded, s.seen, s.lastErr = Stored{}, false, st, e
		return e, fresh
	}
	if s.loaded {
		s.opts.Logger.Info("oauth token file changed on disk: using the new sign-in", "file", s.opts.File.Path)
	}
	s.stored, s.loaded, s.seen = stored, true, st
	s.obtained = time.Time{}
	s.lastErr, s.failures, s.retryAt, s.since, s.refused = nil, 0, time.Time{}, time.Time{}, time.Time{}
	return nil, false
}

// fileProblem returns e to report when it is new.
func (s *Source) fileProblem(e *Error, fresh bool) *Error {
	if fresh {
		return e
	}
	return nil
}

func (s *Source) sinceOr(now time.Time) time.Time {
	if s.lastErr != nil && !s.lastErr.Since.IsZero() {
		return s.lastErr.Since
	}
	if !s.since.IsZero() {
		return s.since
	}
	return now
}

// refresh gets a new access token with the refresh token and saves it.
func (s *Source) refresh(ctx context.Context, now time.Time) *Error {
	if s.stored.RefreshToken == "" {
		return s.fail(now, &Error{Kind: LoginNeeded, Op: "refresh", Msg: "the token file " + s.opts.File.Path + " holds no refresh token"})
	}
	ctx = s.opts.Settings.withClient(ctx)
	t, err := s.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: s.stored.RefreshToken}).Token()
	if err != nil {
		return s.fail(now, refreshError("refresh", err))
	}
	if t.AccessToken == "" {
		return s.fail(now, &Error{Kind: Unavailable, Op: "refresh", Msg: "the provider answered without an access token"})
	}
	now = s.opts.Clock()
	expiry := t.Expiry
	if t.ExpiresIn > 0 {
		expiry = now.Add(time.Duration(t.ExpiresIn) * time.Second)
	}
	if expiry.IsZero() {
		expiry = now.Add(time.Hour) // no lifetime given; an hour is what Microsoft and Google give
	}
	rotated := t.RefreshToken != "" && t.RefreshToken != s.stored.RefreshToken
	next := s.stored
	next.AccessToken, next.TokenType, next.Expiry, next.Saved = t.AccessToken, t.TokenType, expiry, now
	if rotated {
		next.RefreshToken = t.RefreshToken
	}
	if next.ClientID == "" {
		next.ClientID = s.cfg.ClientID
	}
	// `govbot oauth login` may have replaced the file while we refreshed: its
	// sign-in is the newer one, so ours is dropped.
	if st, ok := s.opts.File.stamp(); ok && s.loaded && st != s.seen {
		if e, _ := s.reload(now); e != nil {
			return e
		}
		return nil
	}
	s.stored, s.obtained = next, now
	if err := s.opts.File.Save(next); err != nil {
		level := slog.LevelWarn
		if rotated {
			level = slog.LevelError // the new refresh token lives only in memory until the next save
		}
		s.opts.Logger.Log(ctx, level, "oauth token file not saved", "file", s.opts.File.Path, "rotated", rotated, "err", err)
	} else if st, ok := s.opts.File.stamp(); ok {
		s.seen = st
	}
	s.lastErr, s.failures, s.retryAt, s.since = nil, 0, time.Time{}, time.Time{}
	s.opts.Logger.Info("oauth access token refreshed", "expires", expiry.Format(time.RFC3339), "refresh_token_rotated", rotated)
	return nil
}

// fail records a failed refresh and when to try again.
func (s *Source) fail(now time.Time, e *Error) *Error {
	if s.since.IsZero() {
		s.since = now
	}
	e.Since = s.since
	s.failures++
	wait := s.opts.RetryMin
	for i := 1; i < s.failures && wait < s.opts.RetryMax; i++ {
		wait *= 2
	}
	s.retryAt = now.Add(min(wait, s.opts.RetryMax))
	s.lastErr = e
	s.opts.Logger.Warn("oauth refresh failed", "kind", e.Kind.String(), "retry", s.retryAt.Format(time.RFC3339), "err", e)
	return e
}
