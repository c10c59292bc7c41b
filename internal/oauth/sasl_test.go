package oauth_test

import (
	"encoding/base64"
	"testing"

	"github.com/mekongmigration/govbot/internal/oauth"
)

// TestXOAuth2InitialResponseAsGoogleDocumentsIt uses the example of Google's
// XOAUTH2 protocol page.
func TestXOAuth2InitialResponseAsGoogleDocumentsIt(t *testing.T) {
	c, err := oauth.NewSASLClient("XOAUTH2", "someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	mech, ir, err := c.Start()
	if err != nil || mech != "XOAUTH2" {
		t.Fatalf("start: %q, %v", mech, err)
	}
	want := "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
	if got := base64.StdEncoding.EncodeToString(ir); got != want {
		t.Errorf("initial response\n got %s\nwant %s", got, want)
	}
}

// TestRFC7628_3_2_OAuthBearerMessageAndErrorChallenge: the initial client
// response of RFC 7628's example (section 4.1) and the answer to a server error
// (3.2.3: the client sends %x01).
func TestRFC7628_3_2_OAuthBearerMessageAndErrorChallenge(t *testing.T) {
	c, err := oauth.NewSASLClient("oauthbearer", "user@example.com", "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143)
	if err != nil {
		t.Fatal(err)
	}
	mech, ir, err := c.Start()
	if err != nil || mech != "OAUTHBEARER" {
		t.Fatalf("start: %q, %v", mech, err)
	}
	want := "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
	if string(ir) != want {
		t.Errorf("initial response %q, want %q", ir, want)
	}
	resp, err := c.Next([]byte(`{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}`))
	if err != nil || string(resp) != "\x01" {
		t.Errorf("answer to the error challenge: %q, %v; want %%x01", resp, err)
	}
	if c.Status != "invalid_token" {
		t.Errorf("status %q, want invalid_token", c.Status)
	}
	x, _ := oauth.NewSASLClient("xoauth2", "u", "t", "", 0)
	if resp, _ := x.Next([]byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`)); string(resp) != "\x01" || x.Status != "401" {
		t.Errorf("XOAUTH2 error challenge: %q, status %q", resp, x.Status)
	}
	if _, err := oauth.NewSASLClient("plain", "u", "t", "", 0); err == nil {
		t.Errorf("PLAIN accepted as an OAuth mechanism")
	}
}
