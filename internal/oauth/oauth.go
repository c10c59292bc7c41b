// Package oauth owns the OAuth 2.0 side of the bot's mail login (SASL XOAUTH2 and
// OAUTHBEARER, RFC 7628): the providers' endpoints and scopes ([Settings]), the
// token file that keeps the refresh token ([File]), the token source that hands
// out access tokens and refreshes them before they expire and once more when a
// server refuses one ([Source]), the SASL clients ([NewSASLClient]) and the
// sign-in flows of `govbot oauth login` ([DeviceLogin], [BrowserLogin]).
//
// Nothing secret leaves this package in an error or a log line: errors are
// [*Error] values whose text names what failed and what to do, never a token, a
// client secret or a provider's raw answer.
package oauth

import (
	"context"
	"net/http"
	"slices"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"
)

// Providers, the values of the config key oauth.provider.
const (
	Microsoft = "microsoft" // Microsoft 365 / Exchange Online (Microsoft Entra ID)
	Google    = "google"    // Google Workspace and Gmail
	Custom    = "custom"    // any other provider: endpoints from the config
)

// Flows, the ways `govbot oauth login` signs in.
const (
	// FlowDevice is the device authorization grant (RFC 8628): the officer opens
	// an address on any device and types a code. Works on a headless server.
	FlowDevice = "device"
	// FlowBrowser is the authorization code grant with PKCE and a loopback
	// redirect (RFC 8252): the officer opens an address, signs in, and the
	// browser comes back to http://127.0.0.1:PORT/ (pasted by hand when the
	// browser runs on another machine).
	FlowBrowser = "browser"
)

// DefaultTenant is the Microsoft tenant used when none is configured: any work or
// school account.
const DefaultTenant = "organizations"

// Scopes of the providers' mail access.
var (
	// MicrosoftScopes: IMAP and SMTP submission as the signed-in user, and a
	// refresh token (offline_access).
	MicrosoftScopes = []string{
		"https://outlook.office.com/IMAP.AccessAsUser.All",
		"https://outlook.office.com/SMTP.Send",
		"offline_access",
	}
	// GoogleScopes: the one scope of IMAP, POP and SMTP at Google.
	GoogleScopes = []string{"https://mail.google.com/"}
)

// Settings say who the provider is and who the client (the app registration) is.
type Settings struct {
	Provider string
	// Tenant is the Microsoft directory: its id, a domain, or "organizations"
	// (the default).
	Tenant                 string
	ClientID, ClientSecret string
	// Scopes replace the provider's defaults when set.
	Scopes []string
	// AuthURL, TokenURL and DeviceAuthURL are the custom provider's endpoints;
	// for Microsoft and Google they replace the built-in ones when set.
	AuthURL, TokenURL, DeviceAuthURL string
	// HTTPClient makes the requests to the provider; nil: a client with a 30 s
	// timeout.
	HTTPClient *http.Client
}

// Endpoint returns the provider's endpoints.
func (s Settings) Endpoint() oauth2.Endpoint {
	var e oauth2.Endpoint
	switch s.Provider {
	case Microsoft:
		tenant := s.Tenant
		if tenant == "" {
			tenant = DefaultTenant
		}
		e = endpoints.AzureAD(tenant)
		e.AuthStyle = oauth2.AuthStyleInParams
	case Google:
		e = endpoints.Google
		e.AuthStyle = oauth2.AuthStyleInParams
	}
	if s.AuthURL != "" {
		e.AuthURL = s.AuthURL
	}
	if s.TokenURL != "" {
		e.TokenURL = s.TokenURL
	}
	if s.DeviceAuthURL != "" {
		e.DeviceAuthURL = s.DeviceAuthURL
	}
	return e
}

// ScopeList returns the scopes asked for: Scopes, or the provider's defaults.
func (s Settings) ScopeList() []string {
	if len(s.Scopes) > 0 {
		return slices.Clone(s.Scopes)
	}
	switch s.Provider {
	case Microsoft:
		return slices.Clone(MicrosoftScopes)
	case Google:
		return slices.Clone(GoogleScopes)
	}
	return nil
}

// Flow returns the sign-in flow that suits the provider: the device flow for
// Microsoft (and a custom provider with a device endpoint), the browser flow for
// Google, whose device flow does not grant mail access.
func (s Settings) Flow() string {
	switch s.Provider {
	case Microsoft:
		return FlowDevice
	case Google:
		return FlowBrowser
	}
	if s.Endpoint().DeviceAuthURL != "" {
		return FlowDevice
	}
	return FlowBrowser
}

// Config returns the x/oauth2 configuration.
func (s Settings) Config() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     s.ClientID,
		ClientSecret: s.ClientSecret,
		Endpoint:     s.Endpoint(),
		Scopes:       s.ScopeList(),
	}
}

// httpClient returns the client for the provider's endpoints.
func (s Settings) httpClient() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

// withClient puts the HTTP client where x/oauth2 looks for it.
func (s Settings) withClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, s.httpClient())
}
