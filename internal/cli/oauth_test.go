package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	configpkg "github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// oauthConfig writes a config logging in to IMAP at imapAddr and SMTP at
// smtpAddr with OAuth tokens of the fake provider p, the token file in dir.
// device false leaves the provider's device endpoint out (browser sign-in).
func oauthConfig(t *testing.T, dir, imapAddr, smtpAddr, imapAuth, smtpAuth string, p *oauthtest.Provider, device bool) (config, tokenFile string) {
	t.Helper()
	imapHost, imapPort := hostPort(imapAddr)
	smtpHost, smtpPort := hostPort(smtpAddr)
	s := p.Settings()
	deviceURL := ""
	if device {
		deviceURL = s.DeviceAuthURL
	}
	tokenFile = filepath.Join(dir, "oauth-token.json")
	cfg := fmt.Sprintf(`network: {name: Test Network}
bot: {address: govbot@mmn.example, name: MMN govbot}
secretariat: [info@mmn.example]
imap: {host: %s, port: %d, security: none, auth: %s, username: govbot}
smtp: {host: %s, port: %d, security: none, auth: %s, username: govbot}
store: {path: %s}
digest: {weekday: off}
oauth:
  provider: custom
  client_id: %s
  scopes: [mail]
  auth_url: %s
  token_url: %s
  device_auth_url: "%s"
  token_file: %s
`, imapHost, imapPort, imapAuth, smtpHost, smtpPort, smtpAuth, filepath.Join(dir, "govbot.db"), s.ClientID, s.AuthURL, s.TokenURL, deviceURL, tokenFile)
	config = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return config, tokenFile
}

func runGovbot(t *testing.T, stdin io.Reader, stdout io.Writer, args ...string) (int, string) {
	t.Helper()
	var errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code := Main(context.Background(), args, stdin, stdout, &errb)
	return code, errb.String()
}

// TestCheckConfigOAuthDovecot: check-config logs in to Dovecot (oauth2 passdb)
// and to the SMTP server with each mechanism and says which one worked; with
// the sign-in revoked it fails and names `govbot oauth login`.
func TestCheckConfigOAuthDovecot(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{Rotate: true})
	d := mailtest.StartDovecotWith(t, mailtest.DovecotOptions{OAuthIntrospectionURL: p.IntrospectionURL()})
	smtp, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { smtp.Close() })
	for _, c := range []struct{ imap, smtp string }{{"oauthbearer", "xoauth2"}, {"xoauth2", "oauthbearer"}} {
		t.Run(c.imap+"+"+c.smtp, func(t *testing.T) {
			config, token := oauthConfig(t, t.TempDir(), d.Addr, smtp.SMTPAddr, c.imap, c.smtp, p, true)
			if err := (oauth.File{Path: token}).Save(p.SignIn()); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			code, errs := runGovbot(t, nil, &out, "--config", config, "check-config")
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errs)
			}
			for _, want := range []string{
				"logged in as govbot with " + strings.ToUpper(c.imap),
				"authenticated as govbot with " + strings.ToUpper(c.smtp),
				"oauth (custom): signed in",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("check-config output lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
	t.Run("revoked", func(t *testing.T) {
		config, token := oauthConfig(t, t.TempDir(), d.Addr, smtp.SMTPAddr, "oauthbearer", "xoauth2", p, true)
		if err := (oauth.File{Path: token}).Save(p.SignIn()); err != nil {
			t.Fatal(err)
		}
		p.RevokeAll()
		p.ExpireAccessTokens()
		var out bytes.Buffer
		code, _ := runGovbot(t, nil, &out, "--config", config, "check-config")
		if code != 1 || !strings.Contains(out.String(), "run `govbot oauth login`") || !strings.Contains(out.String(), "imap 127.0.0.1") {
			t.Errorf("exit %d:\n%s", code, out.String())
		}
		for _, secret := range []string{"rt-", "at-"} {
			if strings.Contains(out.String(), secret) {
				t.Errorf("check-config shows a token:\n%s", out.String())
			}
		}
	})
}

func TestOAuthLoginDeviceFlowWritesThePrivateTokenFile(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	srv, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	config, token := oauthConfig(t, t.TempDir(), srv.IMAPAddr, srv.SMTPAddr, "xoauth2", "xoauth2", p, true)

	var out bytes.Buffer
	if code, errs := runGovbot(t, nil, &out, "--config", config, "check-config"); code != 1 || !strings.Contains(out.String(), "govbot oauth login") {
		t.Errorf("check-config before any sign-in: exit %d\n%s%s", code, out.String(), errs)
	}
	out.Reset()
	if code, errs := runGovbot(t, nil, &out, "--config", config, "oauth", "login", "--provider", "google"); code != 2 || !strings.Contains(errs, "oauth.provider") {
		t.Errorf("--provider differing from the config: exit %d %s", code, errs)
	}
	// A running govbot holds the store: neither the sign-in nor the check needs it.
	cfg, err := configpkg.Load(config)
	if err != nil {
		t.Fatal(err)
	}
	daemon, err := app.Open(cfg, app.Options{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	defer daemon.Close()
	code, errs := runGovbot(t, nil, &out, "--config", config, "oauth", "login", "--provider", "custom")
	if code != 0 {
		t.Fatalf("oauth login: exit %d\n%s%s", code, out.String(), errs)
	}
	if !strings.Contains(out.String(), "WDJB-MJHT") || !strings.Contains(out.String(), "/verify") || !strings.Contains(out.String(), "Signed in") ||
		!strings.Contains(out.String(), "logged in as govbot with XOAUTH2") {
		t.Errorf("oauth login output:\n%s", out.String())
	}
	fi, err := os.Stat(token)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v", err, fi.Mode())
	}
	out.Reset()
	if code, errs := runGovbot(t, nil, &out, "--config", config, "check-config"); code != 0 || !strings.Contains(out.String(), "with XOAUTH2") {
		t.Errorf("check-config after the sign-in: exit %d\n%s%s", code, out.String(), errs)
	}
}

// lockedBuffer is a buffer written by the command and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOAuthLoginBrowserFlowOnAHeadlessServer: the officer opens the address on
// another machine and pastes back the address the browser was sent to.
func TestOAuthLoginBrowserFlowOnAHeadlessServer(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	srv, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	config, token := oauthConfig(t, t.TempDir(), srv.IMAPAddr, srv.SMTPAddr, "oauthbearer", "oauthbearer", p, false)
	out := &lockedBuffer{}
	stdin, paste := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code, errs := runGovbot(t, stdin, out, "--config", config, "oauth", "login")
		if code != 0 {
			t.Logf("oauth login: %s", errs)
		}
		done <- code
	}()
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/authorize\?\S+`)
	var authURL string
	for deadline := time.Now().Add(5 * time.Second); authURL == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		authURL = re.FindString(out.String())
	}
	if authURL == "" {
		t.Fatalf("no authorization address:\n%s", out.String())
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	io.WriteString(paste, resp.Header.Get("Location")+"\n")
	if code := <-done; code != 0 {
		t.Fatalf("oauth login: exit %d\n%s", code, out.String())
	}
	if _, err := (oauth.File{Path: token}).Load(); err != nil {
		t.Fatalf("token file: %v", err)
	}
	var check bytes.Buffer
	if code, errs := runGovbot(t, nil, &check, "--config", config, "check-config"); code != 0 || !strings.Contains(check.String(), "with OAUTHBEARER") {
		t.Errorf("check-config: exit %d\n%s%s", code, check.String(), errs)
	}
}
