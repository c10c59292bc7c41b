// Package oauthtest runs a fake OAuth 2.0 provider on loopback for tests. It has
// a token endpoint (the refresh_token, authorization_code with PKCE, and
// device_code grants), a device authorization endpoint (RFC 8628), an
// authorization endpoint that signs the configured user in at once (it redirects
// straight back), and an introspection endpoint (RFC 7662) for Dovecot's oauth2
// passdb. Tokens can be expired, revoked, and the token endpoint taken down.
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/oauth"
)

// Options configure [Start].
type Options struct {
	// ClientID is the only client the provider knows; default "govbot-test".
	ClientID string
	// ClientSecret, when set, must come with every token request.
	ClientSecret string
	// User is the account every sign-in is for; default "govbot".
	User string
	// Lifetime of an access token; default one hour.
	Lifetime time.Duration
	// Rotate issues a new refresh token at every refresh, and forgets the old
	// one, as Microsoft does.
	Rotate bool
	// Clock tells the time the tokens expire by; default time.Now.
	Clock func() time.Time
}

// Provider is a running fake provider.
type Provider struct {
	URL string
	o   Options
	srv *httptest.Server

	mu             sync.Mutex
	access         map[string]*grant  // access token → grant
	refresh        map[string]string  // refresh token → user
	codes          map[string]code    // authorization code → its request
	devices        map[string]*device // device code → state
	down           int                // the token endpoint fails this many more times; -1 forever
	refreshes      int
	introspections int
}

type grant struct {
	user    string
	expires time.Time
}

type code struct {
	user, redirect, challenge string
}

type device struct {
	user  string
	polls int
}

// Start starts a provider, stopped at tb.Cleanup.
func Start(tb testing.TB, o Options) *Provider {
	tb.Helper()
	if o.ClientID == "" {
		o.ClientID = "govbot-test"
	}
	if o.User == "" {
		o.User = "govbot"
	}
	if o.Lifetime <= 0 {
		o.Lifetime = time.Hour
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	p := &Provider{o: o, access: map[string]*grant{}, refresh: map[string]string{}, codes: map[string]code{}, devices: map[string]*device{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("POST /device", p.device)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /introspect", p.introspect)
	p.srv = httptest.NewServer(mux)
	p.URL = p.srv.URL
	tb.Cleanup(p.srv.Close)
	return p
}

// Settings returns the settings of a custom provider pointing here.
func (p *Provider) Settings() oauth.Settings {
	return oauth.Settings{
		Provider: oauth.Custom, ClientID: p.o.ClientID, ClientSecret: p.o.ClientSecret,
		Scopes:  []string{"mail"},
		AuthURL: p.URL + "/authorize", TokenURL: p.URL + "/token", DeviceAuthURL: p.URL + "/device",
	}
}

// IntrospectionURL is the RFC 7662 endpoint for Dovecot.
func (p *Provider) IntrospectionURL() string { return p.URL + "/introspect" }

// ClientID returns the client the provider knows.
func (p *Provider) ClientID() string { return p.o.ClientID }

// SignIn does what a sign-in does and returns the token file's content: a
// refresh token, and an access token valid for the provider's lifetime.
func (p *Provider) SignIn() oauth.Stored {
	p.mu.Lock()
	defer p.mu.Unlock()
	rt := p.newRefresh(p.o.User)
	at, exp := p.newAccess(p.o.User)
	now := p.o.Clock()
	return oauth.Stored{Provider: oauth.Custom, ClientID: p.o.ClientID, TokenURL: p.URL + "/token",
		RefreshToken: rt, AccessToken: at, TokenType: "Bearer", Expiry: exp, Saved: now}
}

// ExpireAccessTokens makes every access token issued so far invalid, as if they
// had expired (their holders still believe them valid).
func (p *Provider) ExpireAccessTokens() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.access)
}

// RevokeAll revokes every refresh and access token, as an administrator or a
// password change does.
func (p *Provider) RevokeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.access)
	clear(p.refresh)
}

// Down makes the token endpoint answer 503 the next n times; -1 until Down(0).
func (p *Provider) Down(n int) {
	p.mu.Lock()
	p.down = n
	p.mu.Unlock()
}

// Refreshes returns how many refresh_token grants succeeded.
func (p *Provider) Refreshes() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refreshes
}

// Introspections returns how many tokens the introspection endpoint checked.
func (p *Provider) Introspections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.introspections
}

// Check reports whether token is a valid access token of user: the check a mail
// server makes (devmail's OAuth option).
func (p *Provider) Check(user, token string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, ok := p.access[token]
	switch {
	case !ok:
		return errors.New("unknown or expired token")
	case !p.o.Clock().Before(g.expires):
		return errors.New("expired token")
	case g.user != user:
		return fmt.Errorf("token of %s, not of %s", g.user, user)
	}
	return nil
}

func (p *Provider) newRefresh(user string) string {
	rt := "rt-" + random()
	p.refresh[rt] = user
	return rt
}

func (p *Provider) newAccess(user string) (string, time.Time) {
	at := "at-" + random()
	exp := p.o.Clock().Add(p.o.Lifetime)
	p.access[at] = &grant{user: user, expires: exp}
	return at, exp
}

func random() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// client checks the client's id (and secret) in the form or in Basic auth.
func (p *Provider) client(r *http.Request) bool {
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	return id == p.o.ClientID && (p.o.ClientSecret == "" || secret == p.o.ClientSecret)
}

func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "unreadable form")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down != 0 {
		if p.down > 0 {
			p.down--
		}
		oauthError(w, 503, "temporarily_unavailable", "the service is down for the test")
		return
	}
	if !p.client(r) {
		oauthError(w, 401, "invalid_client", "AADSTS700016: Application with identifier was not found in the directory.\r\nTrace ID: 123")
		return
	}
	f := r.PostForm
	var user string
	switch f.Get("grant_type") {
	case "refresh_token":
		rt := f.Get("refresh_token")
		u, ok := p.refresh[rt]
		if !ok {
			oauthError(w, 400, "invalid_grant", "AADSTS70000: The provided grant has expired due to it being revoked.")
			return
		}
		user = u
		p.refreshes++
		at, _ := p.newAccess(user)
		resp := map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(p.o.Lifetime / time.Second)}
		if p.o.Rotate {
			delete(p.refresh, rt)
			resp["refresh_token"] = p.newRefresh(user)
		}
		writeJSON(w, 200, resp)
		return
	case "authorization_code":
		c, ok := p.codes[f.Get("code")]
		delete(p.codes, f.Get("code"))
		switch {
		case !ok:
			oauthError(w, 400, "invalid_grant", "unknown or used code")
			return
		case f.Get("redirect_uri") != c.redirect:
			oauthError(w, 400, "invalid_grant", "redirect_uri differs from the authorization request")
			return
		case s256(f.Get("code_verifier")) != c.challenge:
			oauthError(w, 400, "invalid_grant", "PKCE verification failed")
			return
		}
		user = c.user
	case "urn:ietf:params:oauth:grant-type:device_code":
		d, ok := p.devices[f.Get("device_code")]
		if !ok {
			oauthError(w, 400, "expired_token", "unknown device code")
			return
		}
		d.polls++
		if d.polls < 2 {
			oauthError(w, 400, "authorization_pending", "the user has not signed in yet")
			return
		}
		delete(p.devices, f.Get("device_code"))
		user = d.user
	default:
		oauthError(w, 400, "unsupported_grant_type", f.Get("grant_type"))
		return
	}
	at, _ := p.newAccess(user)
	writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(p.o.Lifetime / time.Second), "refresh_token": p.newRefresh(user)})
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (p *Provider) device(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") != p.o.ClientID {
		oauthError(w, 400, "invalid_client", "unknown client")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	dc := "dc-" + random()
	p.devices[dc] = &device{user: p.o.User}
	writeJSON(w, 200, map[string]any{"device_code": dc, "user_code": "WDJB-MJHT", "verification_uri": p.URL + "/verify", "expires_in": 600, "interval": 1})
}

// authorize signs the user in at once and redirects to redirect_uri, as a
// browser would after the officer's consent.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme != "http" || redirect.Hostname() != "127.0.0.1" {
		http.Error(w, "redirect_uri must be a loopback address", 400)
		return
	}
	back := redirect.Query()
	switch {
	case q.Get("client_id") != p.o.ClientID:
		back.Set("error", "unauthorized_client")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		back.Set("error", "invalid_request")
		back.Set("error_description", "PKCE S256 required")
	default:
		p.mu.Lock()
		c := "code-" + random()
		p.codes[c] = code{user: p.o.User, redirect: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
		p.mu.Unlock()
		back.Set("code", c)
	}
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (p *Provider) introspect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request", "unreadable form")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.introspections++
	g, ok := p.access[r.PostForm.Get("token")]
	if !ok || !p.o.Clock().Before(g.expires) {
		writeJSON(w, 200, map[string]any{"active": false})
		return
	}
	writeJSON(w, 200, map[string]any{"active": true, "username": g.user, "exp": g.expires.Unix(), "client_id": p.o.ClientID, "token_type": "Bearer"})
}
