package devmail

import (
	"bytes"
	"errors"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The SASL mechanisms of OAuth 2.0 access tokens.
const (
	mechXOAuth2     = "XOAUTH2"
	mechOAuthBearer = sasl.OAuthBearer
)

// imapAuthFailed and smtp.ErrAuthFailed are what a refused token gets.
var imapAuthFailed = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeAuthenticationFailed, Text: "Invalid credentials"}

// tokenServer returns the SASL server of mech (XOAUTH2 or OAUTHBEARER): it
// checks the token with check, calls login for the user on success, and after a
// refused token sends the error challenge and then fails with failed.
func tokenServer(mech string, check func(user, token string) error, login func(user string) error, failed error) (sasl.Server, error) {
	switch mech {
	case mechXOAuth2:
		return &xoauth2Server{check: check, login: login, failed: failed}, nil
	case mechOAuthBearer:
		srv := sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if check(o.Username, o.Token) != nil || login(o.Username) != nil {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
			}
			return nil
		})
		return failAs{srv, failed}, nil
	}
	return nil, errors.New("devmail: unknown mechanism " + mech)
}

// failAs replaces the errors of a SASL server with the protocol's refusal.
type failAs struct {
	sasl.Server
	err error
}

func (f failAs) Next(resp []byte) ([]byte, bool, error) {
	c, done, err := f.Server.Next(resp)
	if err != nil {
		return nil, true, f.err
	}
	return c, done, nil
}

// xoauth2Server is the server side of XOAUTH2 (Google's and Microsoft's
// documentation): "user=" user ^A "auth=Bearer " token ^A ^A; a refused token
// gets a JSON error challenge, and whatever the client answers, a failure.
type xoauth2Server struct {
	check  func(user, token string) error
	login  func(user string) error
	failed error
	refuse bool
}

func (x *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if x.refuse {
		return nil, true, x.failed
	}
	if resp == nil {
		return []byte{}, false, nil // no initial response: ask for it
	}
	var user, token string
	for _, f := range bytes.Split(resp, []byte{0x01}) {
		switch {
		case bytes.HasPrefix(f, []byte("user=")):
			user = string(f[len("user="):])
		case bytes.HasPrefix(bytes.ToLower(f), []byte("auth=bearer ")):
			token = string(f[len("auth=bearer "):])
		}
	}
	if user == "" || token == "" {
		return nil, true, x.failed
	}
	if x.check(user, token) != nil || x.login(user) != nil {
		x.refuse = true
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.example/"}`), false, nil
	}
	return nil, true, nil
}

// oauthSession adds XOAUTH2 and OAUTHBEARER to an IMAP session.
type oauthSession struct {
	pollingIdle
	s *Server
}

func (o oauthSession) AuthenticateMechanisms() []string {
	return []string{sasl.Plain, mechXOAuth2, mechOAuthBearer}
}

func (o oauthSession) Authenticate(mech string) (sasl.Server, error) {
	if mech == sasl.Plain {
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return imapAuthFailed
			}
			return o.Login(username, password)
		}), nil
	}
	if mech != mechXOAuth2 && mech != mechOAuthBearer {
		return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
	}
	return tokenServer(mech, o.s.oauth, func(user string) error {
		if user != o.s.User {
			return imapAuthFailed
		}
		return o.Login(user, o.s.Password)
	}, imapAuthFailed)
}

// smtpAuth is the SMTP server's AUTH: PLAIN with the password, and the token
// mechanisms when Options.OAuth is set.
func (ss *session) smtpAuth(mech string) (sasl.Server, error) {
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if (identity != "" && identity != username) || username != ss.s.User || password != ss.s.Password {
				return smtp.ErrAuthFailed
			}
			ss.authed = username
			return nil
		}), nil
	case mechXOAuth2, mechOAuthBearer:
		if ss.s.oauth != nil {
			return tokenServer(mech, ss.s.oauth, func(user string) error { ss.authed = user; return nil }, smtp.ErrAuthFailed)
		}
	}
	return nil, smtp.ErrAuthUnknownMechanism
}
