package oauth_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a provider, a signed-in token file and a source reading it.
type fixture struct {
	p        *oauthtest.Provider
	file     oauth.File
	clk      *clock
	src      *oauth.Source
	signedIn oauth.Stored
	mu       sync.Mutex
	problems []*oauth.Error
}

func newFixture(t *testing.T, o oauthtest.Options, change func(*oauth.Options)) *fixture {
	t.Helper()
	f := &fixture{clk: newClock()}
	o.Clock = f.clk.Now
	f.p = oauthtest.Start(t, o)
	f.file = oauth.File{Path: filepath.Join(t.TempDir(), "token.json")}
	f.signedIn = f.p.SignIn()
	if err := f.file.Save(f.signedIn); err != nil {
		t.Fatal(err)
	}
	opts := oauth.Options{Settings: f.p.Settings(), File: f.file, Clock: f.clk.Now, OnProblem: func(e *oauth.Error) {
		f.mu.Lock()
		f.problems = append(f.problems, e)
		f.mu.Unlock()
	}}
	if change != nil {
		change(&opts)
	}
	f.src = oauth.NewSource(opts)
	return f
}

func (f *fixture) reported() []*oauth.Error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*oauth.Error(nil), f.problems...)
}

// noSecrets fails when err's text holds a token.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{"rt-", "at-", "Bearer "} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error text holds a token (%q): %v", s, err)
		}
	}
}

func TestTokenFileIsSavedAtomicallyAndPrivately(t *testing.T) {
	dir := t.TempDir()
	f := oauth.File{Path: filepath.Join(dir, "token.json")}
	want := oauth.Stored{Provider: "microsoft", ClientID: "c", RefreshToken: "r1", AccessToken: "a1", Expiry: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(f.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode %04o, want 0600", got)
	}
	got, err := f.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got.RefreshToken != "r1" || got.AccessToken != "a1" || !got.Expiry.Equal(want.Expiry) {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
	// A second save replaces the file and leaves no temporary file behind.
	want.RefreshToken = "r2"
	if err := f.Save(want); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after two saves, want 1", len(entries))
	}
	if got, _ := f.Load(); got.RefreshToken != "r2" {
		t.Errorf("refresh token %q after the second save, want r2", got.RefreshToken)
	}

	if err := os.Chmod(f.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable token file loaded: %v", err)
	}
	if _, err := (oauth.File{Path: filepath.Join(dir, "none.json")}).Load(); !errors.Is(err, oauth.ErrNoTokenFile) {
		t.Errorf("missing file: %v, want ErrNoTokenFile", err)
	}
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{not json rt-secret"), 0o600)
	_, err = (oauth.File{Path: filepath.Join(dir, "bad.json")}).Load()
	if err == nil || strings.Contains(err.Error(), "rt-secret") {
		t.Errorf("a broken file: %v (must fail without quoting the file)", err)
	}
}

func TestAccessTokenIsRefreshedBeforeItExpiresAndTheRotatedRefreshTokenSaved(t *testing.T) {
	f := newFixture(t, oauthtest.Options{Rotate: true}, nil)
	ctx := context.Background()
	tok, err := f.src.Token(ctx)
	if err != nil || tok != f.signedIn.AccessToken {
		t.Fatalf("first token: %v; want the stored one without a refresh", err)
	}
	f.clk.Add(50 * time.Minute) // 10 minutes left: still fresh
	if tok, _ := f.src.Token(ctx); tok != f.signedIn.AccessToken || f.p.Refreshes() != 0 {
		t.Fatalf("refreshed with 10 minutes left (refreshes %d)", f.p.Refreshes())
	}
	f.clk.Add(6 * time.Minute) // 4 minutes left: inside the 5-minute margin
	tok, err = f.src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok == f.signedIn.AccessToken || f.p.Refreshes() != 1 {
		t.Fatalf("not refreshed 4 minutes before expiry (refreshes %d)", f.p.Refreshes())
	}
	if err := f.p.Check("govbot", tok); err != nil {
		t.Errorf("new token: %v", err)
	}
	saved, err := f.file.Load()
	if err != nil {
		t.Fatal(err)
	}
	if saved.RefreshToken == f.signedIn.RefreshToken || saved.AccessToken != tok {
		t.Errorf("the rotated refresh token and the new access token were not saved")
	}
	if want := f.clk.Now().Add(time.Hour); !saved.Expiry.Equal(want) {
		t.Errorf("saved expiry %v, want %v", saved.Expiry, want)
	}
	if fi, _ := os.Stat(f.file.Path); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %04o after the refresh", fi.Mode().Perm())
	}
	// A restart reads the saved token: no refresh needed.
	again := oauth.NewSource(oauth.Options{Settings: f.p.Settings(), File: f.file, Clock: f.clk.Now})
	if tok2, err := again.Token(ctx); err != nil || tok2 != tok || f.p.Refreshes() != 1 {
		t.Errorf("after a restart: %v, refreshes %d", err, f.p.Refreshes())
	}
}

func TestRefusedTokenIsRenewedOnceThenTheRefusalIsReported(t *testing.T) {
	f := newFixture(t, oauthtest.Options{}, nil)
	ctx := context.Background()
	tok, err := f.src.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.p.ExpireAccessTokens() // the provider ended it early; the bot still believes it valid
	refusal := f.p.Check("govbot", tok)
	if refusal == nil {
		t.Fatal("the expired token still checks")
	}
	renewed, err := f.src.Renew(ctx, tok, refusal)
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if err := f.p.Check("govbot", renewed); err != nil {
		t.Fatalf("renewed token: %v", err)
	}
	// The server refuses the fresh token too: the account, not the token, is refused.
	_, err = f.src.Renew(ctx, renewed, errors.New("imap: NO [AUTHENTICATIONFAILED] Authentication failed."))
	if k, _ := oauth.KindOf(err); k != oauth.Refused {
		t.Fatalf("second refusal: %v, kind %v; want refused", err, k)
	}
	if !strings.Contains(err.Error(), "AUTHENTICATIONFAILED") || !strings.Contains(err.Error(), "permissions") {
		t.Errorf("refusal text: %v", err)
	}
	if f.p.Refreshes() != 1 {
		t.Errorf("%d refreshes, want 1 (no refresh for a fresh token)", f.p.Refreshes())
	}
	if r := f.reported(); len(r) != 1 || r[0].Kind != oauth.Refused {
		t.Errorf("reported %v, want the refusal once", r)
	}
	noSecrets(t, err)
}

func TestRevokedRefreshTokenNamesTheLoginCommandAndANewLoginIsUsedAtOnce(t *testing.T) {
	f := newFixture(t, oauthtest.Options{}, nil)
	ctx := context.Background()
	f.p.RevokeAll()
	f.clk.Add(2 * time.Hour)
	_, err := f.src.Token(ctx)
	if k, _ := oauth.KindOf(err); k != oauth.LoginNeeded {
		t.Fatalf("revoked: %v (kind %v), want login needed", err, k)
	}
	for _, want := range []string{"govbot oauth login", "invalid_grant", "revoked"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Trace ID") {
		t.Errorf("error keeps the provider's trace lines: %v", err)
	}
	noSecrets(t, err)
	var oe *oauth.Error
	if !errors.As(err, &oe) || oe.Temporary() || !oe.Since.Equal(f.clk.Now()) {
		t.Errorf("error %+v: want permanent, since now", oe)
	}
	// Asked again at once: the same error, without asking the provider again.
	before := len(f.reported())
	if _, err2 := f.src.Token(ctx); err2 == nil || err2.Error() != err.Error() {
		t.Errorf("second call: %v", err2)
	}
	if len(f.reported()) != before {
		t.Errorf("a repeated failure was reported again")
	}
	// The officer runs `govbot oauth login`: the new file is used at once.
	if err := f.file.Save(f.p.SignIn()); err != nil {
		t.Fatal(err)
	}
	tok, err := f.src.Token(ctx)
	if err != nil {
		t.Fatalf("after a new login: %v", err)
	}
	if err := f.p.Check("govbot", tok); err != nil {
		t.Errorf("token after the new login: %v", err)
	}
}

func TestProviderOutageIsTemporaryAndRetriedWithBackoff(t *testing.T) {
	f := newFixture(t, oauthtest.Options{}, nil)
	ctx := context.Background()
	f.p.Down(-1)
	f.clk.Add(58 * time.Minute) // 2 minutes left: due for a refresh, still usable
	tok, err := f.src.Token(ctx)
	if err != nil || tok != f.signedIn.AccessToken {
		t.Fatalf("with 2 minutes left and the provider down: %v; want the old token", err)
	}
	if r := f.reported(); len(r) != 1 || r[0].Kind != oauth.Unavailable {
		t.Fatalf("reported %v, want one outage", r)
	}
	f.clk.Add(3 * time.Minute) // expired
	_, err = f.src.Token(ctx)
	var oe *oauth.Error
	if !errors.As(err, &oe) || !oe.Temporary() || !strings.Contains(err.Error(), "503") {
		t.Fatalf("outage: %v; want a temporary error naming the 503", err)
	}
	if strings.Contains(err.Error(), LoginHint) {
		t.Errorf("an outage asks for a new login: %v", err)
	}
	f.p.Down(0)
	// The second failure waits 2 minutes before the next try.
	if _, err := f.src.Token(ctx); err == nil {
		t.Errorf("retried before the backoff ended")
	}
	f.clk.Add(2 * time.Minute)
	if _, err := f.src.Token(ctx); err != nil {
		t.Errorf("after the outage: %v", err)
	}
}

// LoginHint is the command an error asks the officer to run.
const LoginHint = "govbot oauth login"

func TestWrongClientIDOrAnotherClientsTokenNeedsLogin(t *testing.T) {
	f := newFixture(t, oauthtest.Options{}, func(o *oauth.Options) { o.Settings.ClientID = "not-the-client" })
	f.clk.Add(2 * time.Hour)
	_, err := f.src.Token(context.Background())
	if k, _ := oauth.KindOf(err); k != oauth.LoginNeeded || !strings.Contains(err.Error(), "another client") {
		t.Errorf("a token of another client: %v", err)
	}

	// The token file has no client id (written by hand): the provider refuses the client.
	g := newFixture(t, oauthtest.Options{}, func(o *oauth.Options) { o.Settings.ClientID = "not-the-client" })
	s := g.signedIn
	s.ClientID = ""
	g.file.Save(s)
	g.clk.Add(2 * time.Hour)
	_, err = g.src.Token(context.Background())
	if k, _ := oauth.KindOf(err); k != oauth.LoginNeeded || !strings.Contains(err.Error(), "invalid_client") || !strings.Contains(err.Error(), "client_id") {
		t.Errorf("wrong client id: %v", err)
	}
	noSecrets(t, err)
}

func TestNoTokenFileYet(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	src := oauth.NewSource(oauth.Options{Settings: p.Settings(), File: oauth.File{Path: filepath.Join(t.TempDir(), "token.json")}})
	_, err := src.Token(context.Background())
	if k, _ := oauth.KindOf(err); k != oauth.LoginNeeded || !strings.Contains(err.Error(), "no token file") || !strings.Contains(err.Error(), LoginHint) {
		t.Errorf("no token file: %v", err)
	}
}
