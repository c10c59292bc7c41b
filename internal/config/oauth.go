package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Values of [IMAP.Auth] and [SMTP.Auth].
const (
	AuthPassword    = "password"    // LOGIN / AUTH PLAIN with the password
	AuthXOAuth2     = "xoauth2"     // SASL XOAUTH2 with an OAuth 2.0 access token
	AuthOAuthBearer = "oauthbearer" // SASL OAUTHBEARER (RFC 7628) with an access token
)

// Providers of [OAuth.Provider].
const (
	ProviderMicrosoft = "microsoft"
	ProviderGoogle    = "google"
	ProviderCustom    = "custom"
)

// OAuth says how the bot gets the OAuth 2.0 access tokens it logs in with when
// imap.auth or smtp.auth is xoauth2 or oauthbearer. `govbot oauth login` signs
// in once and writes TokenFile; the bot refreshes the access token from it.
type OAuth struct {
	// Provider is microsoft (Microsoft 365), google (Google Workspace) or
	// custom (AuthURL, TokenURL, DeviceAuthURL below).
	Provider string `yaml:"provider"`
	// Tenant is the Microsoft directory: its id or domain, or organizations
	// (the default: any work or school account).
	Tenant string `yaml:"tenant"`
	// ClientID is the app registration's (OAuth client's) id: inline, or from
	// ClientIDFile or ClientIDEnv. Read it with [OAuth.ClientIDValue].
	ClientID     string `yaml:"client_id"`
	ClientIDFile string `yaml:"client_id_file"`
	ClientIDEnv  string `yaml:"client_id_env"`
	// InlineClientSecret (key "client_secret") is refused unless the token
	// endpoint is on loopback; use ClientSecretFile or ClientSecretEnv.
	// Google's clients need a secret; Microsoft's public clients have none.
	InlineClientSecret Secret `yaml:"client_secret"`
	ClientSecretFile   string `yaml:"client_secret_file"`
	ClientSecretEnv    string `yaml:"client_secret_env"`
	// TokenFile keeps the refresh token; the bot's user alone may read it
	// (mode 0600). `govbot oauth login` writes it; the bot rewrites it when
	// the provider rotates the refresh token.
	TokenFile string `yaml:"token_file"`
	// Scopes replace the provider's defaults (Microsoft: IMAP.AccessAsUser.All,
	// SMTP.Send, offline_access; Google: https://mail.google.com/).
	Scopes []string `yaml:"scopes"`
	// AuthURL, TokenURL and DeviceAuthURL are the custom provider's endpoints
	// (authorization, token, device authorization); for microsoft and google
	// they replace the built-in ones when set.
	AuthURL       string `yaml:"auth_url"`
	TokenURL      string `yaml:"token_url"`
	DeviceAuthURL string `yaml:"device_auth_url"`
	// RedirectPort is the loopback port of the browser sign-in
	// (http://127.0.0.1:PORT/); 0, the default, picks a free one.
	RedirectPort int `yaml:"redirect_port"`
}

// IsOAuth reports whether auth is xoauth2 or oauthbearer.
func IsOAuth(auth string) bool { return auth == AuthXOAuth2 || auth == AuthOAuthBearer }

// UsesOAuth reports whether IMAP or SMTP logs in with an OAuth token.
func (c Config) UsesOAuth() bool {
	return IsOAuth(c.IMAP.Auth) || (c.SMTP.Username != "" && IsOAuth(c.SMTP.Auth))
}

// IsZero reports whether the oauth section is absent.
func (o OAuth) IsZero() bool {
	return o.Provider == "" && o.Tenant == "" && o.ClientID == "" && o.ClientIDFile == "" && o.ClientIDEnv == "" &&
		o.InlineClientSecret == "" && o.ClientSecretFile == "" && o.ClientSecretEnv == "" && o.TokenFile == "" &&
		len(o.Scopes) == 0 && o.AuthURL == "" && o.TokenURL == "" && o.DeviceAuthURL == "" && o.RedirectPort == 0
}

// ClientIDValue returns the client id: ClientID, else the contents of
// ClientIDFile, else the environment variable ClientIDEnv.
func (o OAuth) ClientIDValue() (string, error) {
	if o.ClientID != "" {
		return o.ClientID, nil
	}
	if o.ClientIDFile == "" && o.ClientIDEnv == "" {
		return "", errors.New("no client_id, client_id_file or client_id_env set")
	}
	return password(o.ClientIDFile, o.ClientIDEnv, "")
}

// ClientSecret returns the client secret, from the same kinds of source as a
// password; "" when none is set (a public client).
func (o OAuth) ClientSecret() (string, error) {
	if o.ClientSecretFile == "" && o.ClientSecretEnv == "" && o.InlineClientSecret == "" {
		return "", nil
	}
	return password(o.ClientSecretFile, o.ClientSecretEnv, o.InlineClientSecret)
}

// LogValue logs the oauth settings without the client id's value or the secret.
func (o OAuth) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("provider", o.Provider),
		slog.String("tenant", o.Tenant),
		slog.String("client_id", sourceOf(o.ClientIDFile, o.ClientIDEnv, Secret(o.ClientID))),
		slog.String("client_secret", sourceOf(o.ClientSecretFile, o.ClientSecretEnv, o.InlineClientSecret)),
		slog.String("token_file", o.TokenFile),
	)
}

func sourceOf(file, env string, inline Secret) string {
	return passwordSource(file, env, inline)
}

var tenantRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// validateOAuth checks the auth keys and, when OAuth is used (or the section is
// set, for `govbot oauth login`), the oauth section.
func (c *Config) validateOAuth(p *problems) {
	for _, a := range []struct{ key, auth string }{{"imap.auth", c.IMAP.Auth}, {"smtp.auth", c.SMTP.Auth}} {
		switch a.auth {
		case AuthPassword, AuthXOAuth2, AuthOAuthBearer:
		default:
			p.add(a.key, "%q is not one of %s, %s, %s", a.auth, AuthPassword, AuthXOAuth2, AuthOAuthBearer)
		}
	}
	if IsOAuth(c.IMAP.Auth) && (c.IMAP.InlinePassword != "" || c.IMAP.PasswordFile != "" || c.IMAP.PasswordEnv != "") {
		p.add("imap.password_file", "not used with imap.auth %s (the bot logs in with an OAuth token); remove the password keys", c.IMAP.Auth)
	}
	if IsOAuth(c.SMTP.Auth) {
		if c.SMTP.Username == "" {
			p.add("smtp.username", "required with smtp.auth %s: the account the token was issued for (or may send as)", c.SMTP.Auth)
		}
		if c.SMTP.InlinePassword != "" || c.SMTP.PasswordFile != "" || c.SMTP.PasswordEnv != "" {
			p.add("smtp.password_file", "not used with smtp.auth %s (the bot logs in with an OAuth token); remove the password keys", c.SMTP.Auth)
		}
	}
	o := c.OAuth
	used := IsOAuth(c.IMAP.Auth) || IsOAuth(c.SMTP.Auth)
	if !used && o.IsZero() {
		return
	}
	if o.IsZero() {
		p.add("oauth", "required when imap.auth or smtp.auth is %s or %s: provider, client_id and token_file", AuthXOAuth2, AuthOAuthBearer)
		return
	}
	switch o.Provider {
	case ProviderMicrosoft, ProviderGoogle, ProviderCustom:
	case "":
		p.add("oauth.provider", "required: microsoft, google or custom")
	default:
		p.add("oauth.provider", "%q is not one of microsoft, google, custom", o.Provider)
	}
	if o.Tenant != "" && (o.Provider != ProviderMicrosoft || !tenantRE.MatchString(o.Tenant)) {
		if o.Provider != ProviderMicrosoft {
			p.add("oauth.tenant", "only for provider microsoft")
		} else {
			p.add("oauth.tenant", "%q is not a tenant id or domain", o.Tenant)
		}
	}
	// The client id: exactly one source.
	n := 0
	for _, set := range []bool{o.ClientID != "", o.ClientIDFile != "", o.ClientIDEnv != ""} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		p.add("oauth.client_id", "required (or client_id_file, client_id_env): the app registration's client id")
	case n > 1:
		p.add("oauth.client_id", "set only one of client_id, client_id_file, client_id_env")
	case o.ClientID != "" && hasControl(o.ClientID):
		p.add("oauth.client_id", "contains a control character")
	}
	checkSecretFile(p, "oauth.client_id_file", o.ClientIDFile)
	checkSecretEnv(p, "oauth.client_id_env", o.ClientIDEnv)
	// The secret: at most one source; inline only for a loopback token endpoint.
	n = 0
	for _, set := range []bool{o.InlineClientSecret != "", o.ClientSecretFile != "", o.ClientSecretEnv != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		p.add("oauth.client_secret_file", "set only one of client_secret_file, client_secret_env, client_secret")
	}
	if n == 0 && o.Provider == ProviderGoogle {
		p.add("oauth.client_secret_file", "required for google (or client_secret_env): the secret of the Desktop app client")
	}
	if o.InlineClientSecret != "" && !loopbackURL(o.TokenURL) {
		p.add("oauth.client_secret", "an inline client secret is allowed only with a loopback token_url (tests); use client_secret_file or client_secret_env")
	}
	checkSecretFile(p, "oauth.client_secret_file", o.ClientSecretFile)
	checkSecretEnv(p, "oauth.client_secret_env", o.ClientSecretEnv)
	// The token file: its directory must exist; the file itself may not yet
	// (`govbot oauth login` writes it), but when it does, others may not read it.
	if strings.TrimSpace(o.TokenFile) == "" {
		p.add("oauth.token_file", "required: where the refresh token is kept, e.g. /var/lib/govbot/oauth-token.json")
	} else {
		if fi, err := os.Stat(filepath.Dir(o.TokenFile)); err != nil || !fi.IsDir() {
			p.add("oauth.token_file", "the directory of %s does not exist", o.TokenFile)
		}
		if fi, err := os.Stat(o.TokenFile); err == nil {
			if !fi.Mode().IsRegular() {
				p.add("oauth.token_file", "%s is not a regular file", o.TokenFile)
			} else if fi.Mode().Perm()&0o077 != 0 {
				p.add("oauth.token_file", "%s is open to other users (mode %04o); it holds the mailbox's sign-in: chmod 600 %s", o.TokenFile, fi.Mode().Perm(), o.TokenFile)
			}
		}
	}
	for _, u := range []struct{ key, v string }{{"oauth.auth_url", o.AuthURL}, {"oauth.token_url", o.TokenURL}, {"oauth.device_auth_url", o.DeviceAuthURL}} {
		if u.v != "" && !httpsOrLoopback(u.v) {
			p.add(u.key, "%q: want an https:// address (http:// only on loopback)", u.v)
		}
	}
	if o.Provider == ProviderCustom {
		if o.TokenURL == "" {
			p.add("oauth.token_url", "required for provider custom")
		}
		if o.AuthURL == "" && o.DeviceAuthURL == "" {
			p.add("oauth.auth_url", "provider custom needs auth_url (browser sign-in) or device_auth_url (device sign-in)")
		}
	}
	for i, s := range o.Scopes {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, " \t\r\n") {
			p.add(fmt.Sprintf("oauth.scopes[%d]", i), "%q: one scope per item, without spaces", s)
		}
	}
	if o.RedirectPort < 0 || o.RedirectPort > 65535 {
		p.add("oauth.redirect_port", "must be 0-65535 (0: any free port)")
	}
}

func checkSecretFile(p *problems, key, file string) {
	if file == "" {
		return
	}
	b, err := os.ReadFile(file)
	switch {
	case err != nil:
		p.add(key, "cannot read %s: %v", file, unwrapPathError(err))
	case strings.TrimRight(string(b), "\r\n") == "":
		p.add(key, "%s is empty", file)
	}
}

func checkSecretEnv(p *problems, key, env string) {
	if env == "" {
		return
	}
	if v, ok := os.LookupEnv(env); !ok || v == "" {
		p.add(key, "environment variable %s is not set or empty", env)
	}
}

func httpsOrLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "https" || (u.Scheme == "http" && IsLoopback(u.Hostname()))
}

func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Host != "" && IsLoopback(u.Hostname())
}
