package oauth

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/oauth2"
)

// LoginCommand is what the officer runs to sign the bot in again.
const LoginCommand = "govbot oauth login"

// Kind sorts a failure by who can end it.
type Kind int

const (
	// Unavailable: the provider or the network failed (a timeout, a 5xx, a
	// 429). It ends by itself; the bot keeps trying.
	Unavailable Kind = iota
	// LoginNeeded: the provider refuses the refresh token (revoked, expired,
	// issued to another client) or the client (a wrong client id or secret), or
	// there is no token yet. Only `govbot oauth login` (and maybe a corrected
	// config) ends it.
	LoginNeeded
	// Refused: the provider issues tokens, but the mail server refuses a fresh
	// one: the app lacks the mail permissions, IMAP/SMTP AUTH is off for the
	// mailbox, or the username is not the mailbox's.
	Refused
)

// String names the kind as the notice to the Secretariat does.
func (k Kind) String() string {
	switch k {
	case LoginNeeded:
		return "renew"
	case Refused:
		return "refused"
	}
	return "unavailable"
}

// Error is a failure to get or use an access token. Its text is safe to log and
// to mail to the Secretariat: it never holds a token, a secret, or the
// provider's raw answer.
type Error struct {
	Kind Kind
	// Op is what failed: "refresh", "token file", "imap", "smtp".
	Op  string
	Msg string
	// Since is when this run of failures began (the first failure after the
	// last success).
	Since time.Time
	// Err is the underlying error when it is safe to show (a network error).
	Err error
}

// Error says what failed and, when the officer must act, what to run.
func (e *Error) Error() string {
	s := "oauth " + e.Op + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Kind == LoginNeeded && !strings.Contains(s, LoginCommand) {
		s += "; run `" + LoginCommand + "`"
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether the failure may end by itself.
func (e *Error) Temporary() bool { return e.Kind == Unavailable }

// KindOf returns the kind of err's *Error, and false when err holds none.
func KindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

// refreshError sorts a failed token request.
func refreshError(op string, err error) *Error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		// No answer: the network, a timeout, a cancelled context.
		return &Error{Kind: Unavailable, Op: op, Msg: "the provider could not be reached", Err: safeNetError(err)}
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	detail := describe(re.ErrorCode, re.ErrorDescription, status)
	switch re.ErrorCode {
	case "invalid_grant":
		return &Error{Kind: LoginNeeded, Op: op, Msg: "the provider refused the refresh token (revoked, expired, or issued to another client) " + detail}
	case "invalid_client", "unauthorized_client":
		return &Error{Kind: LoginNeeded, Op: op, Msg: "the provider refused the client (check oauth.client_id and the client secret) " + detail}
	case "invalid_scope", "interaction_required", "consent_required", "access_denied":
		return &Error{Kind: LoginNeeded, Op: op, Msg: "the provider wants the account to sign in again " + detail}
	case "temporarily_unavailable", "server_error", "slow_down":
		return &Error{Kind: Unavailable, Op: op, Msg: "the provider is unavailable " + detail}
	}
	if status == 429 || status >= 500 || status == 0 {
		return &Error{Kind: Unavailable, Op: op, Msg: "the provider is unavailable " + detail}
	}
	return &Error{Kind: LoginNeeded, Op: op, Msg: "the provider refused the request " + detail}
}

// describe formats the provider's error code and description (RFC 6749 5.2),
// which carry no secret, cut short and stripped of control characters.
func describe(code, desc string, status int) string {
	var parts []string
	if status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", status))
	}
	if code != "" {
		parts = append(parts, clean(code, 60))
	}
	if desc != "" {
		// Microsoft's descriptions end with trace and correlation ids and a
		// timestamp; the first line says what is wrong.
		desc, _, _ = strings.Cut(desc, "\n")
		parts = append(parts, clean(desc, 200))
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ": ") + ")"
}

// clean removes control characters and cuts s to n runes.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "…"
	}
	return s
}

// safeNetError keeps a network error's text, which names the endpoint (not a
// secret: the token endpoint's address is public) but never a request body.
func safeNetError(err error) error {
	if err == nil {
		return nil
	}
	return errors.New(clean(err.Error(), 300))
}
