// Package trust decides whether a reply may speak for the organisation it claims to
// come from, beyond the reference token and the sender's address that the bot always
// requires: by the receiving server's Authentication-Results (DMARC, DKIM) and, when
// configured, by verifying DKIM signatures directly.
package trust

import (
	"io"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Policy is how much evidence a reply needs beyond its token and sender address.
type Policy string

const (
	// Relaxed: the token and the sender's address are enough; authentication
	// results are ignored.
	Relaxed Policy = "relaxed"
	// Standard (default): a reply whose From domain FAILS DMARC or DKIM, according
	// to the configured receiving server (or our own DKIM check), is refused.
	// Mail without authentication results passes.
	Standard Policy = "standard"
	// Strict: a reply must PASS DMARC, or carry a valid DKIM signature of its From
	// domain, according to the configured server or our own check.
	Strict Policy = "strict"
)

// Config configures Check.
type Config struct {
	Policy Policy
	// AuthservID is the authserv-id of the receiving server whose
	// Authentication-Results headers are trusted; every other A-R header is ignored.
	// "" trusts none.
	AuthservID string
	// VerifyDKIM checks DKIM signatures with go-msgauth.
	VerifyDKIM bool
	// LookupTXT replaces DNS for DKIM keys (tests); nil uses the resolver.
	LookupTXT func(domain string) ([]string, error)
}

// Verdict is the outcome of Check.
type Verdict struct {
	OK bool
	// Code and Reason explain a refusal: dmarc_fail, dkim_fail, unauthenticated.
	Code, Reason string
	// DMARC and DKIM are what was found for the From domain: pass, fail, none, …
	DMARC, DKIM string
}

// Check judges a message from fromDomain with header fields header (canonical keys,
// in order) and the message raw, read from its start (for DKIM; nil if none).
func Check(cfg Config, header map[string][]string, raw io.Reader, fromDomain string) Verdict {
	v := Verdict{OK: true, DMARC: "none", DKIM: "none"}
	if cfg.Policy == Relaxed || cfg.Policy == "" && cfg.AuthservID == "" && !cfg.VerifyDKIM {
		return v
	}
	fromDomain = strings.ToLower(fromDomain)
	dkimPass, dkimFail := false, false
	if cfg.AuthservID != "" {
		for _, h := range header["Authentication-Results"] {
			if !strings.EqualFold(authservID(h), cfg.AuthservID) {
				continue
			}
			_, results, err := authres.Parse(h)
			if err != nil {
				// Our own server's verdict is unreadable: never fall through to a
				// lower header, which the sender can write.
				v.OK, v.Code = false, "auth_results_unreadable"
				v.Reason = "the receiving server's authentication results for your message could not be read, so it cannot be trusted"
				return v
			}
			for _, r := range results {
				switch r := r.(type) {
				case *authres.DMARCResult:
					if strings.EqualFold(r.From, fromDomain) || r.From == "" {
						v.DMARC = string(r.Value)
					}
				case *authres.DKIMResult:
					if aligned(r.Domain, r.Identifier, fromDomain) {
						switch r.Value {
						case authres.ResultPass:
							dkimPass = true
						case authres.ResultFail, authres.ResultPermError:
							dkimFail = true
						}
					}
				}
			}
			break // only the topmost header of our own server counts
		}
	}
	if cfg.VerifyDKIM && raw != nil {
		verifs, err := dkim.VerifyWithOptions(raw, &dkim.VerifyOptions{LookupTXT: cfg.LookupTXT, MaxVerifications: 5})
		if err == nil {
			for _, ver := range verifs {
				if !aligned(ver.Domain, ver.Identifier, fromDomain) {
					continue
				}
				if ver.Err == nil {
					dkimPass = true
				} else if !dkim.IsTempFail(ver.Err) {
					dkimFail = true
				}
			}
		}
	}
	switch {
	case dkimPass:
		v.DKIM = "pass"
	case dkimFail:
		v.DKIM = "fail"
	}
	switch {
	case v.DMARC == "fail":
		v.OK, v.Code, v.Reason = false, "dmarc_fail", "the receiving server found that your message does not really come from "+fromDomain+" (DMARC failed)"
	case v.DKIM == "fail" && v.DMARC != "pass":
		v.OK, v.Code, v.Reason = false, "dkim_fail", "the digital signature of your message (DKIM) does not verify for "+fromDomain
	case cfg.Policy == Strict && v.DMARC != "pass" && v.DKIM != "pass":
		v.OK, v.Code, v.Reason = false, "unauthenticated", "your message could not be authenticated as coming from "+fromDomain+" (no DMARC or DKIM pass), which this network requires"
	}
	return v
}

// authservID returns the authserv-id an Authentication-Results header starts with
// (RFC 8601: the first token, before any version and the first ';'), even when the
// rest of the header does not parse.
func authservID(h string) string {
	id, _, _ := strings.Cut(h, ";")
	// A comment, then the version number, may follow the id.
	if i := strings.IndexAny(id, " \t\r\n("); i >= 0 {
		id = id[:i]
	}
	return strings.TrimSpace(id)
}

// aligned reports whether a DKIM signature's domain (d=), or the domain of its
// identity (i=) when d= is absent, is aligned with the From domain in DMARC's
// relaxed mode (RFC 7489 §3.1.1): the two are the same, or they share an
// organisational domain, the public suffix plus one label. So mail.example.org is
// aligned with example.org and with its sibling news.example.org, but a d= of a
// public suffix (co.uk) is aligned with no one else's domain (x.co.uk).
func aligned(d, i, from string) bool {
	d = normDomain(d)
	if d == "" {
		if _, dom, ok := strings.Cut(i, "@"); ok {
			d = normDomain(dom)
		}
	}
	from = normDomain(from)
	if d == "" || from == "" {
		return false
	}
	if d == from {
		return true
	}
	od, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return false
	}
	of, err := publicsuffix.EffectiveTLDPlusOne(from)
	return err == nil && od == of
}

// normDomain returns a domain in lower case without a final dot, and in A-labels
// (xn--…) as the public suffix list spells it; "" if an internationalised name
// is not valid.
func normDomain(s string) string {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if s == "" {
		return ""
	}
	for _, r := range s {
		if r >= 0x80 {
			a, err := idna.Lookup.ToASCII(s)
			if err != nil {
				return ""
			}
			return a
		}
	}
	return s
}
