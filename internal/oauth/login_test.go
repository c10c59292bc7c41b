package oauth_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until out matches re and returns the match.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindString(out.String()); m != "" {
			return m
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no match for %s in:\n%s", re, out.String())
	return ""
}

var authURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/authorize\?\S+`)

// noRedirect is a browser on another machine: it is sent to the loopback
// address, which it cannot load.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestDeviceLoginPrintsTheCodeAndGetsARefreshToken(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tok, err := oauth.DeviceLogin(ctx, p.Settings(), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), p.URL+"/verify") || !strings.Contains(out.String(), "WDJB-MJHT") {
		t.Errorf("the address and the code are not shown:\n%s", out.String())
	}
	now := time.Now()
	st, err := oauth.NewStored(p.Settings(), tok, now)
	if err != nil {
		t.Fatal(err)
	}
	if st.RefreshToken == "" || st.ClientID != p.ClientID() || st.Expiry.Before(now.Add(50*time.Minute)) {
		t.Errorf("stored %+v", st)
	}
	if err := p.Check("govbot", st.AccessToken); err != nil {
		t.Errorf("access token: %v", err)
	}
}

func TestBrowserLoginOnAHeadlessServerTakesThePastedAddress(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{ClientSecret: "s3cret"})
	out := &syncBuffer{}
	in, paste := io.Pipe()
	type result struct {
		st  oauth.Stored
		err error
	}
	done := make(chan result, 1)
	go func() {
		tok, err := oauth.BrowserLogin(context.Background(), p.Settings(), in, out, 0)
		if err != nil {
			done <- result{err: err}
			return
		}
		st, err := oauth.NewStored(p.Settings(), tok, time.Now())
		done <- result{st, err}
	}()
	u := waitFor(t, out, authURL)
	if !strings.Contains(u, "code_challenge_method=S256") || !strings.Contains(u, "redirect_uri=http%3A%2F%2F127.0.0.1%3A") {
		t.Errorf("authorization address without PKCE or loopback redirect: %s", u)
	}
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back := resp.Header.Get("Location")
	if !strings.Contains(back, "code=") {
		t.Fatalf("the provider did not send the browser back with a code: %q", back)
	}
	io.WriteString(paste, "\nsomething else\n")
	io.WriteString(paste, "  "+back+"  \n")
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.st.RefreshToken == "" {
		t.Errorf("no refresh token")
	}
	if !strings.Contains(out.String(), "not the address") {
		t.Errorf("a wrong line got no hint:\n%s", out.String())
	}
}

func TestBrowserLoginOnThisMachineCatchesTheRedirect(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		_, err := oauth.BrowserLogin(context.Background(), p.Settings(), strings.NewReader(""), out, 0)
		done <- err
	}()
	u := waitFor(t, out, authURL)
	resp, err := http.Get(u) // follows the redirect to the bot's loopback listener
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "signed in") {
		t.Errorf("the browser was told %q", body)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestBrowserLoginRefusesAnotherSignInsAddress(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	out := &syncBuffer{}
	in, paste := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := oauth.BrowserLogin(context.Background(), p.Settings(), in, out, 0)
		done <- err
	}()
	waitFor(t, out, authURL)
	io.WriteString(paste, "http://127.0.0.1:1/?code=abc&state=forged\n")
	if err := <-done; err == nil || !strings.Contains(err.Error(), "another sign-in") {
		t.Errorf("a forged state: %v", err)
	}
	in2, paste2 := io.Pipe()
	go func() {
		_, err := oauth.BrowserLogin(context.Background(), p.Settings(), in2, out, 0)
		done <- err
	}()
	io.WriteString(paste2, "http://127.0.0.1:1/?error=access_denied&error_description=The+user+declined\n")
	if err := <-done; err == nil || !strings.Contains(err.Error(), "declined") {
		t.Errorf("a refused consent: %v", err)
	}
}

func TestSettingsOfTheProviders(t *testing.T) {
	ms := oauth.Settings{Provider: oauth.Microsoft, Tenant: "contoso.onmicrosoft.com"}
	if e := ms.Endpoint(); e.DeviceAuthURL != "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode" {
		t.Errorf("microsoft device endpoint %s", e.DeviceAuthURL)
	}
	if e := (oauth.Settings{Provider: oauth.Microsoft}).Endpoint(); !strings.Contains(e.TokenURL, "/organizations/") {
		t.Errorf("microsoft default tenant: %s", e.TokenURL)
	}
	if got := strings.Join(ms.ScopeList(), " "); got != "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access" {
		t.Errorf("microsoft scopes %s", got)
	}
	g := oauth.Settings{Provider: oauth.Google}
	if got := strings.Join(g.ScopeList(), " "); got != "https://mail.google.com/" || g.Flow() != oauth.FlowBrowser || ms.Flow() != oauth.FlowDevice {
		t.Errorf("google scopes %s, flows %s, %s", got, g.Flow(), ms.Flow())
	}
	c := oauth.Settings{Provider: oauth.Custom, AuthURL: "https://idp.example/auth", TokenURL: "https://idp.example/token"}
	if c.Flow() != oauth.FlowBrowser {
		t.Errorf("custom without a device endpoint: flow %s", c.Flow())
	}
}
