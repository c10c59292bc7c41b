package oauth

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzPastedRedirect: whatever the officer pastes, a code is taken only from an
// address whose state matches, and an error's text carries no control character.
func FuzzPastedRedirect(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:8080/?code=abc&state=s",
		"  http://127.0.0.1:8080/?state=s&code=a%2Fb#frag ",
		"?error=access_denied&error_description=The+user+declined%0D%0AX-Injected: 1",
		"code=x&state=other",
		"http://127.0.0.1/?code=&state=s",
		"garbage",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		q, ok := pastedQuery(line)
		if !ok {
			return
		}
		r := parseRedirect(q, "s")
		if r.err == nil && (r.code == "" || q.Get("state") != "s" || q.Get("error") != "") {
			t.Errorf("%q: took code %q", line, r.code)
		}
		if r.err != nil && strings.ContainsFunc(r.err.Error(), unicode.IsControl) {
			t.Errorf("%q: error with a control character: %q", line, r.err)
		}
	})
}

// FuzzSASLErrorChallenge: any challenge is answered with %x01, and the status
// kept is short and printable.
func FuzzSASLErrorChallenge(f *testing.F) {
	f.Add([]byte(`{"status":"invalid_token","scope":"x"}`))
	f.Add([]byte(`{"status":"401","schemes":"bearer"}`))
	f.Add([]byte("{\"status\":\"\\u0000\\r\\nX\"}"))
	f.Add([]byte("not json"))
	f.Fuzz(func(t *testing.T, challenge []byte) {
		for _, mech := range []string{MechXOAuth2, MechOAuthBearer} {
			c, err := NewSASLClient(mech, "u", "t", "h", 1)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Next(challenge)
			if err != nil || string(resp) != "\x01" {
				t.Fatalf("answer %q, %v", resp, err)
			}
			if c.Status == "" || utf8.RuneCountInString(c.Status) > 61 || strings.ContainsFunc(c.Status, unicode.IsControl) {
				t.Errorf("status %q", c.Status)
			}
		}
	})
}
