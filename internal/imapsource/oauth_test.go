package imapsource_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/imapsource"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/oauth/oauthtest"
)

// signedIn returns a token source over a token file holding a fresh sign-in at p,
// changed by edit (nil: as signed in).
func signedIn(t *testing.T, p *oauthtest.Provider, edit func(*oauth.Stored)) *oauth.Source {
	t.Helper()
	st := p.SignIn()
	if edit != nil {
		edit(&st)
	}
	f := oauth.File{Path: filepath.Join(t.TempDir(), "token.json")}
	if err := f.Save(st); err != nil {
		t.Fatal(err)
	}
	return oauth.NewSource(oauth.Options{Settings: p.Settings(), File: f})
}

func TestOAuthLoginInProcess(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{})
	s, err := devmail.Start(devmail.Options{OAuth: p.Check})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Append("INBOX", message("one", 100), time.Now())
	for _, mech := range []string{"xoauth2", "oauthbearer"} {
		src := imapsource.New(imapsource.Config{Addr: s.IMAPAddr, Security: "none", Username: s.User, Auth: mech, Token: signedIn(t, p, nil)})
		n, err := src.Check()
		if err != nil {
			t.Fatalf("%s: %v", mech, err)
		}
		if n != 1 || src.Mechanism() != strings.ToUpper(mech) {
			t.Errorf("%s: %d messages, mechanism %q", mech, n, src.Mechanism())
		}
		src.Close()
	}
	// The provider ended the token early: the server refuses it, the source
	// renews it once, and the login succeeds.
	tokens := signedIn(t, p, nil)
	p.ExpireAccessTokens()
	src := imapsource.New(imapsource.Config{Addr: s.IMAPAddr, Security: "none", Username: s.User, Auth: "xoauth2", Token: tokens})
	defer src.Close()
	if _, err := src.Check(); err != nil {
		t.Fatalf("after the provider ended the token: %v", err)
	}
	if p.Refreshes() != 1 {
		t.Errorf("%d refreshes, want 1", p.Refreshes())
	}
}

// TestOAuthLoginDovecot runs the logins against Dovecot's oauth2 passdb, whose
// introspection endpoint is the fake provider on loopback.
func TestOAuthLoginDovecot(t *testing.T) {
	p := oauthtest.Start(t, oauthtest.Options{Rotate: true})
	d := mailtest.StartDovecotWith(t, mailtest.DovecotOptions{OAuthIntrospectionURL: p.IntrospectionURL()})
	d.Append(t, "INBOX", message("one", 100), time.Time{})
	config := func(mech string, tokens imapsource.TokenSource) imapsource.Config {
		return imapsource.Config{Addr: d.Addr, Security: "none", Username: d.User, Auth: mech, Token: tokens}
	}
	check := func(t *testing.T, cfg imapsource.Config) (*imapsource.Source, error) {
		t.Helper()
		src := imapsource.New(cfg)
		t.Cleanup(func() { src.Close() })
		_, err := src.Check()
		return src, err
	}

	t.Run("both mechanisms", func(t *testing.T) {
		for _, mech := range []string{"xoauth2", "oauthbearer"} {
			src, err := check(t, config(mech, signedIn(t, p, nil)))
			if err != nil {
				t.Fatalf("%s: %v", mech, err)
			}
			if src.Mechanism() != strings.ToUpper(mech) {
				t.Errorf("mechanism %q, want %s", src.Mechanism(), strings.ToUpper(mech))
			}
		}
	})

	t.Run("expired token is refreshed first", func(t *testing.T) {
		before := p.Refreshes()
		tokens := signedIn(t, p, func(s *oauth.Stored) { s.Expiry = time.Now().Add(-time.Minute) })
		if _, err := check(t, config("oauthbearer", tokens)); err != nil {
			t.Fatal(err)
		}
		if p.Refreshes() != before+1 {
			t.Errorf("%d refreshes, want 1", p.Refreshes()-before)
		}
	})

	t.Run("token refused by Dovecot is renewed once", func(t *testing.T) {
		tokens := signedIn(t, p, nil) // valid by its expiry…
		p.ExpireAccessTokens()        // …but no longer at the provider
		before, introspected := p.Refreshes(), p.Introspections()
		src, err := check(t, config("xoauth2", tokens))
		if err != nil {
			t.Fatal(err)
		}
		if p.Refreshes() != before+1 || p.Introspections() != introspected+2 {
			t.Errorf("refreshes %d, introspections %d; want 1 and 2 (refused, then accepted)", p.Refreshes()-before, p.Introspections()-introspected)
		}
		// And the connection reads mail.
		st := &memState{}
		n, err := src.Poll(context.Background(), st, func(imapsource.Message) error { return nil })
		if err != nil || n != 1 {
			t.Errorf("poll: %d, %v", n, err)
		}
	})

	t.Run("revoked refresh token names govbot oauth login", func(t *testing.T) {
		tokens := signedIn(t, p, nil)
		p.RevokeAll()
		_, err := check(t, config("oauthbearer", tokens))
		if err == nil {
			t.Fatal("logged in with a revoked token")
		}
		if k, _ := oauth.KindOf(err); k != oauth.LoginNeeded || !strings.Contains(err.Error(), "govbot oauth login") {
			t.Errorf("revoked: %v (kind %v); want one that names govbot oauth login", err, k)
		}
		if !strings.Contains(err.Error(), "imap login as govbot with OAUTHBEARER") {
			t.Errorf("error does not say what failed: %v", err)
		}
	})

	t.Run("a fresh token for another account is refused", func(t *testing.T) {
		cfg := config("xoauth2", signedIn(t, p, nil))
		cfg.Username = "someone-else"
		_, err := check(t, cfg)
		if k, _ := oauth.KindOf(err); k != oauth.Refused || !strings.Contains(err.Error(), "AUTHENTICATIONFAILED") {
			t.Errorf("another account: %v (kind %v); want refused with the server's answer", err, k)
		}
	})

	t.Run("password login still works", func(t *testing.T) {
		if _, err := check(t, imapsource.Config{Addr: d.Addr, Security: "none", Username: d.User, Password: d.Password}); err != nil {
			t.Error(err)
		}
	})
}
