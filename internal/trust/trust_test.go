package trust

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

func hdr(ar ...string) map[string][]string { return map[string][]string{"Authentication-Results": ar} }

func TestAuthenticationResults(t *testing.T) {
	const id = "mx.mmn.example"
	tests := []struct {
		name   string
		policy Policy
		ar     []string
		want   string // "" OK, else Code
	}{
		{"no A-R, standard", Standard, nil, ""},
		{"no A-R, strict", Strict, nil, "unauthenticated"},
		{"dmarc pass", Strict, []string{id + "; dmarc=pass header.from=clrc.example"}, ""},
		{"dmarc fail", Standard, []string{id + "; dmarc=fail header.from=clrc.example"}, "dmarc_fail"},
		{"dmarc fail, relaxed", Relaxed, []string{id + "; dmarc=fail header.from=clrc.example"}, ""},
		{"dkim fail", Standard, []string{id + "; dkim=fail header.d=clrc.example"}, "dkim_fail"},
		{"dkim pass, gmail-style header.i", Strict, []string{id + "; dkim=pass header.i=@clrc.example"}, ""},
		{"dkim pass for another domain does not count", Strict, []string{id + "; dkim=pass header.d=evil.example"}, "unauthenticated"},
		{"dkim pass for a subdomain counts", Strict, []string{id + "; dkim=pass header.d=mail.clrc.example"}, ""},
		{"dkim fail for a subdomain counts", Standard, []string{id + "; dkim=fail header.d=mail.clrc.example"}, "dkim_fail"},
		{"dkim pass for the top-level domain does not count", Strict, []string{id + "; dkim=pass header.d=example"}, "unauthenticated"},
		{"a forged A-R from another server is ignored", Standard, []string{"evil.example; dmarc=pass header.from=clrc.example", id + "; dmarc=fail header.from=clrc.example"}, "dmarc_fail"},
		{"only another server's A-R", Strict, []string{"evil.example; dmarc=pass header.from=clrc.example"}, "unauthenticated"},
		// Our server's topmost header is unreadable: a lower one (which the sender
		// can write) must never be trusted instead.
		{"our unparseable A-R never falls through to a lower one", Standard, []string{id + "; dmarc", id + "; dmarc=pass header.from=clrc.example"}, "auth_results_unreadable"},
		{"our unparseable A-R under strict", Strict, []string{id + " (c); dmarc=pass header.from=clrc.example", id + "; dkim=pass header.d=clrc.example"}, "auth_results_unreadable"},
		{"our A-R with a version", Strict, []string{id + " 1; dmarc=pass header.from=clrc.example"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Check(Config{Policy: tt.policy, AuthservID: id}, hdr(tt.ar...), nil, "clrc.example")
			if got := v.Code; got != tt.want || v.OK != (tt.want == "") {
				t.Errorf("verdict %+v, want code %q", v, tt.want)
			}
		})
	}
}

func TestDKIMVerifiedDirectly(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	lookup := func(domain string) ([]string, error) {
		if domain == "s1._domainkey.clrc.example" {
			return []string{"v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}
		return nil, nil
	}
	msg := "From: chea@clrc.example\r\nTo: govbot@mmn.example\r\nSubject: vote\r\n\r\nYES\r\n"
	var signed bytes.Buffer
	if err := dkim.Sign(&signed, strings.NewReader(msg), &dkim.SignOptions{Domain: "clrc.example", Selector: "s1", Signer: key}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Policy: Strict, VerifyDKIM: true, LookupTXT: lookup}
	if v := Check(cfg, nil, bytes.NewReader(signed.Bytes()), "clrc.example"); !v.OK || v.DKIM != "pass" {
		t.Errorf("signed: %+v", v)
	}
	tampered := bytes.Replace(signed.Bytes(), []byte("YES"), []byte("NO!"), 1)
	if v := Check(cfg, nil, bytes.NewReader(tampered), "clrc.example"); v.OK || v.Code != "dkim_fail" {
		t.Errorf("tampered: %+v", v)
	}
	cfg.Policy = Standard
	if v := Check(cfg, nil, strings.NewReader(msg), "clrc.example"); !v.OK {
		t.Errorf("unsigned under standard: %+v", v)
	}
}

// TestAlignedRelaxed: DMARC relaxed alignment (RFC 7489 §3.1.1) compares
// organisational domains, the public suffix plus one label.
func TestAlignedRelaxed(t *testing.T) {
	tests := []struct {
		name, d, i, from string
		want             bool
	}{
		{"same domain", "example.org", "", "example.org", true},
		{"d= a subdomain of From", "mail.example.org", "", "example.org", true},
		{"From a subdomain of d=", "example.org", "", "news.example.org", true},
		{"siblings", "mail.example.org", "", "sub.example.org", true},
		{"cousins", "a.b.example.org", "", "c.d.example.org", true},
		{"under a two-label suffix", "mail.clrc.org.kh", "", "clrc.org.kh", true},
		{"case and a final dot", "Mail.Example.ORG.", "", "example.org", true},
		{"identity only", "", "vote@mail.example.org", "sub.example.org", true},
		{"internationalised and A-label", "mail.bücher.example", "", "xn--bcher-kva.example", true},
		{"unrelated", "example.net", "", "example.org", false},
		{"a longer name ending alike", "notexample.org", "", "example.org", false},
		{"identity of another domain", "", "vote@evil.example", "clrc.example", false},
		{"d= a public suffix", "co.uk", "", "x.co.uk", false},
		{"d= a top-level domain", "org", "", "example.org", false},
		{"From a public suffix, d= under it", "x.co.uk", "", "co.uk", false},
		{"two registrations under one suffix", "a.co.uk", "", "b.co.uk", false},
		{"two sites under a private suffix", "alice.github.io", "", "bob.github.io", false},
		{"nothing signed", "", "", "example.org", false},
		{"no From domain", "example.org", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aligned(tt.d, tt.i, tt.from); got != tt.want {
				t.Errorf("aligned(%q, %q, %q) = %v, want %v", tt.d, tt.i, tt.from, got, tt.want)
			}
		})
	}
}
