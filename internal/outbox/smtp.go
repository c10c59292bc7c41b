package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mekongmigration/govbot/internal/store"
)

// SMTPConfig says how to reach the submission server.
type SMTPConfig struct {
	Host     string
	Port     int
	Security string // starttls | tls | none
	Username string // empty: no AUTH
	Password string
	TLS      *tls.Config
	HELO     string
	Timeout  time.Duration
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

// sendError carries whether a failure is temporary.
type sendError struct {
	err  error
	temp bool
}

func (e *sendError) Error() string   { return e.err.Error() }
func (e *sendError) Unwrap() error   { return e.err }
func (e *sendError) Temporary() bool { return e.temp }

func (s *SMTP) client() (*gomail.Client, error) {
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
	if s.cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if s.cfg.Security == "none" {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	return gomail.NewClient(s.cfg.Host, opts...)
}

func (c SMTPConfig) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

// Check connects (and authenticates, when configured) and disconnects.
func (s *SMTP) Check(ctx context.Context) error {
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return err
	}
	return c.Close()
}

// Send sends mails over one connection, the one left open by the previous batch
// when there is one.
func (s *SMTP) Send(ctx context.Context, mails []store.OutMail) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	errs := make([]error, len(mails))
	fail := func(err error, temp bool) []error {
		for i := range errs {
			if errs[i] == nil { // a mail that could not be built keeps its own error
				errs[i] = &sendError{err: err, temp: temp}
			}
		}
		return errs
	}
	msgs := make([]*gomail.Msg, len(mails))
	for i, m := range mails {
		var err error
		if msgs[i], err = Build(m); err != nil {
			errs[i] = &sendError{err: err}
		}
	}
	if s.conn == nil {
		c, err := s.client()
		if err != nil {
			return fail(err, false)
		}
		if err := c.DialWithContext(ctx); err != nil {
			// Refused connections, timeouts, TLS trouble: the server may come back.
			return fail(err, true)
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
