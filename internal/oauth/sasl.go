package oauth

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
)

// SASL mechanisms, as the config keys imap.auth and smtp.auth name them.
const (
	MechXOAuth2     = "xoauth2"     // Google's and Microsoft's XOAUTH2
	MechOAuthBearer = "oauthbearer" // OAUTHBEARER, RFC 7628
)

// IsMechanism reports whether auth names an OAuth mechanism.
func IsMechanism(auth string) bool {
	switch strings.ToLower(auth) {
	case MechXOAuth2, MechOAuthBearer:
		return true
	}
	return false
}

// SASLClient is a SASL client for XOAUTH2 or OAUTHBEARER. When the server
// answers the token with an error challenge (a JSON object), the client keeps it
// ([SASLClient.Status]) and answers with the single byte %x01, which ends the
// exchange in a failure the server reports in its own words (RFC 7628 3.2.3;
// Dovecot also wants it for XOAUTH2, refusing the empty response "=").
type SASLClient struct {
	mech  string
	start func() (string, []byte, error)
	// Status is the server's error challenge: its "status" field, or "" when
	// the server sent none.
	Status string
}

// NewSASLClient returns a client of mech (MechXOAuth2 or MechOAuthBearer, any
// case) for user with the access token. OAUTHBEARER also sends the server's
// host and port (RFC 7628 3.1); zero values leave them out.
func NewSASLClient(mech, user, token, host string, port int) (*SASLClient, error) {
	switch strings.ToLower(mech) {
	case MechXOAuth2:
		ir := []byte("user=" + user + "\x01auth=Bearer " + token + "\x01\x01")
		return &SASLClient{mech: "XOAUTH2", start: func() (string, []byte, error) { return "XOAUTH2", ir, nil }}, nil
	case MechOAuthBearer:
		c := sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: user, Token: token, Host: host, Port: port})
		return &SASLClient{mech: sasl.OAuthBearer, start: c.Start}, nil
	}
	return nil, fmt.Errorf("unknown SASL mechanism %q (want %s or %s)", mech, MechXOAuth2, MechOAuthBearer)
}

// Mechanism returns the mechanism's name as servers advertise it.
func (c *SASLClient) Mechanism() string { return c.mech }

// Start returns the mechanism and the initial response (which holds the token).
func (c *SASLClient) Start() (string, []byte, error) { return c.start() }

// Next answers a challenge: only an error can come after the initial response.
func (c *SASLClient) Next(challenge []byte) ([]byte, error) {
	var e struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(challenge, &e) == nil {
		c.Status = clean(e.Status, 60)
	}
	if c.Status == "" {
		c.Status = "error"
	}
	return []byte{0x01}, nil
}

var _ sasl.Client = (*SASLClient)(nil)
