package mailtest_test

import (
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// TestDovecotOAuth2Passdb: Dovecot's oauth2 passdb takes the fake provider's
// tokens through its introspection endpoint, with both mechanisms; an expired
// token is refused; the password keeps working.
func TestDovecotOAuth2Passdb(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	d := mailtest.StartDovecotWith(t, mailtest.DovecotOptions{OAuthIntrospectionURL: p.IntrospectionURL()})
	login := func(mech, token string) error {
		t.Helper()
		c, err := imapclient.DialInsecure(d.Addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, m := range []string{"AUTH=XOAUTH2", "AUTH=OAUTHBEARER"} {
			if !c.Caps().Has(imap.Cap(m)) {
				t.Errorf("Dovecot does not offer %s", m)
			}
		}
		sc, err := oauth.NewSASLClient(mech, d.User, token, "127.0.0.1", 0)
		if err != nil {
			t.Fatal(err)
		}
		return c.Authenticate(sc)
	}
	tok := p.SignIn().AccessToken
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		if err := login(mech, tok); err != nil {
			t.Errorf("%s: %v", mech, err)
		}
	}
	p.ExpireAccessTokens()
	for _, mech := range []string{oauth.MechXOAuth2, oauth.MechOAuthBearer} {
		if err := login(mech, tok); err == nil {
			t.Errorf("%s: an expired token was accepted", mech)
		}
	}
	if p.Introspections() != 4 {
		t.Errorf("%d introspections, want 4", p.Introspections())
	}
	d.Append(t, "INBOX", rawMsg("after oauth", "body"), time.Time{})
	if n := d.Count(t, "INBOX"); n != 1 {
		t.Errorf("password helpers: %d messages, want 1", n)
	}
}
