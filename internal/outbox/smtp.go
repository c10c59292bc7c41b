package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/mekongmigration/govbot/internal/oauth"
	"github.com/mekongmigration/govbot/internal/store"
)

// SMTPConfig says how to reach the submission server.
type SMTPConfig struct {
	Host     string
	Port     int
	Security string // starttls | tls | none
	Username string // empty: no AUTH
	Password string
	// Auth is how to log in when Username is set: "" or "password" (AUTH
	// PLAIN with Password), or "xoauth2" or "oauthbearer" (an access token from
	// Token).
	Auth    string
	Token   TokenSource
	TLS     *tls.Config
	HELO    string
	Timeout time.Duration
}

// TokenSource hands out the OAuth 2.0 access tokens of Auth xoauth2 and
// oauthbearer (an *oauth.Source).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	// Renew is told that the server refused token refused (why): it returns a
	// newer token to try once more, or an error when none would do.
	Renew(ctx context.Context, refused string, why error) (string, error)
}

// SMTP sends mail with go-mail. The connection stays open from one batch to the
// next while the outbox is sending, and is closed by Idle (or on any error).
type SMTP struct {
	cfg  SMTPConfig
	mu   sync.Mutex
	conn *gomail.Client
}

// Idle closes the connection kept open between batches.
func (s *SMTP) Idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drop()
}

func (s *SMTP) drop() {
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// NewSMTP returns a Sender for cfg.
func NewSMTP(cfg SMTPConfig) *SMTP { return &SMTP{cfg: cfg} }

// sendError carries whether a failure is temporary, and whether it is the
// bot's own login (held).
type sendError struct {
	err  error
	temp bool
	held bool
}

func (e *sendError) Error() string   { return e.err.Error() }
func (e *sendError) Unwrap() error   { return e.err }
func (e *sendError) Temporary() bool { return e.temp }
func (e *sendError) Held() bool      { return e.held }

// usesOAuth reports whether the login takes an access token.
func (c SMTPConfig) usesOAuth() bool { return c.Username != "" && oauth.IsMechanism(c.Auth) }

// Mechanism names how the client logs in: PLAIN, XOAUTH2, OAUTHBEARER, or ""
// without AUTH.
func (c SMTPConfig) Mechanism() string {
	switch {
	case c.Username == "":
		return ""
	case c.usesOAuth():
		return strings.ToUpper(c.Auth)
	}
	return "PLAIN"
}

// client returns a go-mail client; token is the access token of an OAuth login.
func (s *SMTP) client(token string) (*gomail.Client, error) {
	// No NOOP before each mail (a failed command says as much about the
	// connection as a NOOP would) and no RSET after each delivered one (a finished
	// transaction needs none, RFC 5321 3.3; after a failure Send resets itself).
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.timeout()),
		gomail.WithoutNoop(), gomail.WithoutRset()}
	switch s.cfg.Security {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.TLS != nil {
		opts = append(opts, gomail.WithTLSConfig(s.cfg.TLS))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	switch {
	case s.cfg.Username == "":
	case strings.EqualFold(s.cfg.Auth, oauth.MechXOAuth2):
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthXOAUTH2), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(token))
	case strings.EqualFold(s.cfg.Auth, oauth.MechOAuthBearer):
		sc, err := oauth.NewSASLClient(oauth.MechOAuthBearer, s.cfg.Username, token, s.cfg.Host, s.cfg.Port)
		if err != nil {
			return nil, err
		}
		opts = append(opts, gomail.WithSMTPAuthCustom(saslAuth{sc}))
	default:
		auth := gomail.SMTPAuthPlain
		if s.cfg.Security == "none" {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

// saslAuth lets go-mail use a SASL client (OAUTHBEARER).
type saslAuth struct{ c *oauth.SASLClient }

func (a saslAuth) Start(*gosmtp.ServerInfo) (string, []byte, error) { return a.c.Start() }

func (a saslAuth) Next(challenge []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	return a.c.Next(challenge)
}

// dial connects and logs in. With an OAuth login, a token the server refuses is
// renewed once.
func (s *SMTP) dial(ctx context.Context) (*gomail.Client, error) {
	token := ""
	if s.cfg.usesOAuth() {
		if s.cfg.Token == nil {
			return nil, &sendError{err: fmt.Errorf("smtp login: %s needs an OAuth token source", s.cfg.Auth), temp: true, held: true}
		}
		var err error
		if token, err = s.cfg.Token.Token(ctx); err != nil {
			return nil, s.loginError(err)
		}
	}
	for attempt := 0; ; attempt++ {
		c, err := s.client(token)
		if err != nil {
			return nil, &sendError{err: err}
		}
		err = c.DialWithContext(ctx)
		if err == nil {
			return c, nil
		}
		if !authRefused(err) {
			// Refused connections, timeouts, TLS trouble: the server may come back.
			return nil, &sendError{err: err, temp: true}
		}
		if !s.cfg.usesOAuth() {
			return nil, s.loginError(err)
		}
		why := fmt.Errorf("smtp %s refused %s for %s: %w", s.cfg.Host, s.cfg.Mechanism(), s.cfg.Username, err)
		if token, err = s.cfg.Token.Renew(ctx, token, why); err != nil {
			return nil, s.loginError(err)
		}
		if attempt > 0 {
			return nil, s.loginError(why)
		}
	}
}

// loginError is a failure to log in: the mail waits (held) until the login works.
func (s *SMTP) loginError(err error) error {
	return &sendError{err: fmt.Errorf("smtp login as %s with %s: %w", s.cfg.Username, s.cfg.Mechanism(), err), temp: true, held: true}
}

// authRefused reports whether the server refused the login: a 535 (credentials
// invalid), 534 (mechanism too weak), 530 (authentication required) reply, or
// no such mechanism on offer.
func authRefused(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code == 535 || te.Code == 534 || te.Code == 530
	}
	return errors.Is(err, gomail.ErrXOauth2AuthNotSupported) || errors.Is(err, gomail.ErrPlainAuthNotSupported)
}

func (c SMTPConfig) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// Check connects (and authenticates, when configured) and disconnects. It
// returns the mechanism that logged in ("" without AUTH).
func (s *SMTP) Check(ctx context.Context) (string, error) {
	c, err := s.dial(ctx)
	if err != nil {
		var se *sendError
		if errors.As(err, &se) {
			return "", se.err
		}
		return "", err
	}
	return s.cfg.Mechanism(), c.Close()
}

// Send sends mails over one connection, the one left open by the previous batch
// when there is one.
func (s *SMTP) Send(ctx context.Context, mails []store.OutMail) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]error, len(mails))
	msgs := make([]*gomail.Msg, len(mails))
	for i, m := range mails {
		var err error
		if msgs[i], err = Build(m); err != nil {
			errs[i] = &sendError{err: err}
		}
	}
	if s.conn == nil {
		c, err := s.dial(ctx)
		if err != nil {
			for i := range errs {
				if errs[i] == nil { // a mail that could not be built keeps its own error
					errs[i] = err
				}
			}
			return errs
		}
		s.conn = c
	}
	c := s.conn
	for i, msg := range msgs {
		if msg == nil {
			continue
		}
		if err := c.Send(msg); err != nil {
			// After any failure, the next batch starts on a new connection.
			defer s.drop()
			errs[i] = classify(err)
			if !errs[i].(*sendError).temp {
				_ = c.Reset()
				continue
			}
			var se *gomail.SendError
			if !errors.As(err, &se) || se.Reason == gomail.ErrConnCheck || se.Reason == gomail.ErrSMTPReset {
				// The connection is gone: everything after this mail waits too.
				for j := i + 1; j < len(msgs); j++ {
					if errs[j] == nil {
						errs[j] = &sendError{err: err, temp: true}
					}
				}
				return errs
			}
			_ = c.Reset()
		}
	}
	return errs
}

// classify sorts a send error: a 5xx reply is permanent; a 4xx reply or a failure
// without a reply (a dropped connection) is temporary.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 {
		return &sendError{err: err}
	}
	return &sendError{err: err, temp: true}
}

// Build turns a stored mail into a go-mail message.
func Build(m store.OutMail) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(m.FromName, m.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	if len(m.Cc) > 0 {
		if err := msg.Cc(m.Cc...); err != nil {
			return nil, fmt.Errorf("cc: %w", err)
		}
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject contains a line break")
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetDateWithValue(m.Date)
	if strings.ContainsAny(m.MessageID, "\r\n<> ") {
		return nil, errors.New("malformed Message-ID")
	}
	for _, h := range m.Headers {
		if !validHeaderName(h[0]) {
			return nil, fmt.Errorf("invalid header name %q", h[0])
		}
		if strings.ContainsAny(h[1], "\r\n") {
			return nil, fmt.Errorf("header %s contains a line break", h[0])
		}
		switch h[0] {
		case "In-Reply-To", "References":
			msg.SetGenHeaderPreformatted(gomail.Header(h[0]), h[1])
		default:
			msg.SetGenHeader(gomail.Header(h[0]), h[1])
		}
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := gomail.ContentType(a.ContentType)
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(ct)); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// validHeaderName reports whether name is a field name of RFC 5322: printable ASCII
// without the colon.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}
