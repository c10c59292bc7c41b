package outbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
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
	// Connections is how many connections a batch is sent over at once (default
	// 1). Each mail goes over one of them, whole; a batch of a few mails uses one.
	Connections int
}

// TokenSource hands out the OAuth 2.0 access tokens of Auth xoauth2 and
// oauthbearer (an *oauth.Source).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	// Renew is told that the server refused token refused (why): it returns a
	// newer token to try once more, or an error when none would do.
	Renew(ctx context.Context, refused string, why error) (string, error)
}

// SMTP sends mail over SMTPConfig.Connections connections at once, each logged
// in by go-mail, with the commands of a mail pipelined where the server offers
// PIPELINING (RFC 2920) and 8-bit text where it offers 8BITMIME. The connections
// stay open from one batch to the next while the outbox is sending, and are
// closed by Idle (or after any error).
type SMTP struct {
	cfg    SMTPConfig
	mu     sync.Mutex
	conns  []*conn
	bodies bodyCache
}

// conn is one logged-in connection.
type conn struct {
	c                    *gosmtp.Client
	pipelining, eightBit bool
	// dirty: a command failed on it; it is closed at the end of the batch.
	dirty bool
}

// Idle closes the connections kept open between batches.
func (s *SMTP) Idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.conns {
		s.drop(i)
	}
}

func (s *SMTP) drop(i int) {
	if c := s.conns[i]; c != nil {
		quit(c.c)
		s.conns[i] = nil
	}
}

// quit says QUIT and closes the connection.
func quit(c *gosmtp.Client) {
	if err := c.Quit(); err != nil {
		_ = c.Close()
	}
}

// NewSMTP returns a Sender for cfg.
func NewSMTP(cfg SMTPConfig) *SMTP {
	if cfg.Connections <= 0 {
		cfg.Connections = 1
	}
	return &SMTP{cfg: cfg, conns: make([]*conn, cfg.Connections)}
}

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
func (s *SMTP) dial(ctx context.Context) (*gosmtp.Client, error) {
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
		sc, err := c.DialToSMTPClientWithContext(ctx)
		if err == nil {
			return sc, nil
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
	quit(c)
	return s.cfg.Mechanism(), nil
}

// Send sends mails over up to SMTPConfig.Connections connections, those left
// open by the previous batch when there are some. A mail that cannot be built
// fails alone (permanently); a connection that breaks leaves its mails to the
// others, and the mails no connection could take wait (temporary).
func (s *SMTP) Send(ctx context.Context, mails []store.OutMail) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]error, len(mails))
	done := make([]bool, len(mails))
	if s.conns[0] == nil {
		// The first connection alone: when the login fails, it fails once.
		c, err := s.dial(ctx)
		if err != nil {
			for i, m := range mails {
				if _, berr := buildMessage(m, false, nil); berr != nil {
					errs[i] = &sendError{err: berr} // a mail that could not be built keeps its own error
				} else {
					errs[i] = err
				}
			}
			return errs
		}
		s.conns[0] = newConn(c)
	}
	// A connection for every 8 mails, up to Connections: a batch of a few mails
	// does not open connections it would hardly use.
	n := min(len(s.conns), (len(mails)+7)/8)
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		lastErr error // why a connection could not be used
	)
	for k := range max(n, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.conns[k] == nil {
				c, err := s.dial(ctx)
				if err != nil {
					mu.Lock()
					lastErr = err
					mu.Unlock()
					return
				}
				s.conns[k] = newConn(c)
			}
			if err := s.work(ctx, s.conns[k], mails, errs, done, &next); err != nil {
				s.drop(k) // broken: its mail failed; the others take the rest
				mu.Lock()
				lastErr = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for k, c := range s.conns {
		if c != nil && c.dirty {
			s.drop(k) // after any failure, the next batch starts on a new connection
		}
	}
	for i := range mails {
		if !done[i] {
			err := lastErr
			if err == nil {
				err = ctx.Err()
			}
			if err == nil {
				err = errors.New("smtp: no connection took the mail")
			}
			errs[i] = &sendError{err: err, temp: true}
		}
	}
	return errs
}

func newConn(c *gosmtp.Client) *conn {
	pipe, _ := c.Extension("PIPELINING")
	eight, _ := c.Extension("8BITMIME")
	return &conn{c: c, pipelining: pipe, eightBit: eight}
}

// work sends the mails it takes from next over c, until none is left. It
// returns an error when the connection broke (the mail it was sending has that
// error); each mail's outcome goes into errs, and done says it was tried.
func (s *SMTP) work(ctx context.Context, c *conn, mails []store.OutMail, errs []error, done []bool, next *atomic.Int64) error {
	for ctx.Err() == nil {
		i := int(next.Add(1) - 1)
		if i >= len(mails) {
			return nil
		}
		msg, err := buildMessage(mails[i], c.eightBit, &s.bodies)
		if err != nil {
			errs[i], done[i] = &sendError{err: err}, true
			continue
		}
		broken, err := c.send(msg, s.cfg.timeout())
		errs[i], done[i] = err, true
		if broken {
			return err
		}
		if err != nil {
			c.dirty = true
		}
	}
	return ctx.Err()
}

// send sends one message. It returns whether the connection is broken, and the
// mail's error (nil when the server accepted it).
func (c *conn) send(m *Message, timeout time.Duration) (broken bool, err error) {
	if err := c.c.UpdateDeadline(timeout); err != nil {
		return true, &sendError{err: err, temp: true}
	}
	tp := c.c.Text
	mail := "MAIL FROM:<" + m.From + ">"
	if m.EightBit() {
		mail += " BODY=8BITMIME"
	}
	if c.pipelining {
		// MAIL, RCPT and, for a single recipient, DATA in one go (RFC 2920); a
		// mail to several waits for every RCPT before DATA, so that a refused
		// recipient stops it for all of them.
		w := tp.W
		w.WriteString(mail + "\r\n")
		for _, to := range m.To {
			w.WriteString("RCPT TO:<" + to + ">\r\n")
		}
		withData := len(m.To) == 1
		if withData {
			w.WriteString("DATA\r\n")
		}
		if err := w.Flush(); err != nil {
			return true, &sendError{err: err, temp: true}
		}
		_, _, failed := tp.ReadResponse(250)
		for range m.To {
			if _, _, err := tp.ReadResponse(25); err != nil && failed == nil {
				failed = err
			}
		}
		if withData {
			_, _, err := tp.ReadResponse(354)
			if failed == nil {
				failed = err
			} else if err == nil {
				// DATA accepted after a refused command: end it empty.
				w.WriteString(".\r\n")
				if err := w.Flush(); err != nil {
					return true, &sendError{err: err, temp: true}
				}
				tp.ReadResponse(0)
			}
		} else if failed == nil {
			_, _, failed = cmd(tp, 354, "DATA")
		}
		if failed != nil {
			return c.abort(failed)
		}
	} else {
		if _, _, err := cmd(tp, 250, mail); err != nil {
			return c.abort(err)
		}
		for _, to := range m.To {
			if _, _, err := cmd(tp, 25, "RCPT TO:<"+to+">"); err != nil {
				return c.abort(err)
			}
		}
		if _, _, err := cmd(tp, 354, "DATA"); err != nil {
			return c.abort(err)
		}
	}
	w := tp.W
	w.Write(dotStuff(m.header)) // a copy only if a header line starts with a dot
	w.Write(m.body.stuffed)
	w.WriteString(".\r\n")
	if err := w.Flush(); err != nil {
		return true, &sendError{err: err, temp: true}
	}
	if _, _, err := tp.ReadResponse(2); err != nil {
		// The server ended the transaction itself: no RSET needed.
		return classify(err)
	}
	return false, nil
}

// cmd sends one command and reads its reply.
func cmd(tp *textproto.Conn, expect int, line string) (int, string, error) {
	if err := tp.PrintfLine("%s", line); err != nil {
		return 0, "", err
	}
	return tp.ReadResponse(expect)
}

// abort ends a transaction a command of which failed (RSET), and returns
// whether the connection is broken and the mail's error.
func (c *conn) abort(err error) (bool, error) {
	broken, se := classify(err)
	if broken {
		return true, se
	}
	c.dirty = true
	if _, _, rerr := cmd(c.c.Text, 250, "RSET"); rerr != nil {
		return true, se
	}
	return false, se
}

// classify sorts a failure: a 5xx reply is permanent, a 4xx reply temporary;
// a failure without a reply (a dropped connection, a timeout) is temporary and
// breaks the connection.
func classify(err error) (broken bool, _ error) {
	var te *textproto.Error
	if errors.As(err, &te) {
		return false, &sendError{err: err, temp: te.Code < 500}
	}
	return true, &sendError{err: err, temp: true}
}
