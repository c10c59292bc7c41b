// Package devmail runs an IMAP server (imapserver + imapmemserver) and an SMTP
// server (go-smtp) in process, on loopback, for the demo and for tests.
//
// The IMAP server holds one user, the bot's mailbox. The SMTP server accepts
// any sender and recipient and records every message it accepts (see
// [Server.Sent]); mail addressed to [Options.BotAddress] is also appended to
// the bot's INBOX, so a person can talk to the bot with a real mail client.
//
// Faults can be injected to test retry paths: [Server.FailSMTP],
// [Server.FailRcpt], [Server.DropSMTP], [Server.Disconnect] and
// [Server.RecreateMailbox].
package devmail

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options configure [Start]. The zero value is usable.
type Options struct {
	// User and Password are the IMAP login of the bot's mailbox and the
	// credentials the SMTP server accepts for AUTH PLAIN (AUTH is optional
	// for SMTP clients). Default "govbot"/"govbot".
	User, Password string
	// IMAPAddr and SMTPAddr are the listening addresses. Default
	// "127.0.0.1:0" (a free port).
	IMAPAddr, SMTPAddr string
	// BotAddress, if set, is the bot's own mail address: every message the
	// SMTP server accepts with this address among its recipients is also
	// appended to the IMAP INBOX (compared case-insensitively).
	BotAddress string
	// TLS offers STARTTLS on both servers, with a self-signed certificate
	// made at start for 127.0.0.1, ::1 and localhost. Clients can trust it
	// with [Server.ClientTLSConfig]. Plain-text login stays allowed.
	TLS bool
	// Deliver, if set, is called for each message the SMTP server accepts,
	// after it is recorded. It runs on the SMTP session's goroutine.
	Deliver func(from string, to []string, raw []byte)
	// Logger receives server errors. Default: discard.
	Logger *slog.Logger
	// OAuth, when set, adds SASL XOAUTH2 and OAUTHBEARER to both servers: a
	// token is accepted when OAuth(user, token) returns nil (for IMAP, user must
	// also be User). PLAIN and LOGIN stay available.
	OAuth func(user, token string) error
}

// Sent is a message the SMTP server accepted.
type Sent struct {
	From string   // MAIL FROM
	To   []string // RCPT TO, in order
	Raw  []byte   // the message as received (CRLF line endings)
	At   time.Time
	// AuthUser is the user the client authenticated as; "" without AUTH.
	AuthUser string
}

// Server is a running pair of in-process mail servers. The exported fields
// are read-only after [Start].
type Server struct {
	IMAPAddr, SMTPAddr string // "127.0.0.1:port"
	User, Password     string
	BotAddress         string
	// TLSConfig is the servers' STARTTLS configuration and CertPool trusts
	// its certificate; both are nil unless Options.TLS was set.
	TLSConfig *tls.Config
	CertPool  *x509.CertPool

	log     *slog.Logger
	deliver func(from string, to []string, raw []byte)
	oauth   func(user, token string) error

	mem  *imapmemserver.Server
	user *imapmemserver.User
	imap *imapserver.Server
	smtp *smtp.Server
	iln  *trackingListener

	mu        sync.Mutex
	sent      []Sent
	sentCh    chan struct{} // closed and replaced whenever sent grows
	dataFail  fault
	rcptFail  fault
	drops     int
	closed    bool
	serveErrs chan error
}

type fault struct {
	n    int
	code int
	msg  string
}

// Start starts both servers. Call [Server.Close] to stop them.
func Start(opts Options) (*Server, error) {
	s := &Server{
		IMAPAddr:   orDefault(opts.IMAPAddr, "127.0.0.1:0"),
		SMTPAddr:   orDefault(opts.SMTPAddr, "127.0.0.1:0"),
		User:       orDefault(opts.User, "govbot"),
		Password:   orDefault(opts.Password, "govbot"),
		BotAddress: opts.BotAddress,
		log:        opts.Logger,
		deliver:    opts.Deliver,
		oauth:      opts.OAuth,
		sentCh:     make(chan struct{}),
		serveErrs:  make(chan error, 2),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.TLS {
		cfg, pool, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("devmail: tls: %w", err)
		}
		s.TLSConfig, s.CertPool = cfg, pool
	}

	s.mem = imapmemserver.New()
	s.user = imapmemserver.NewUser(s.User, s.Password)
	if err := s.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("devmail: create INBOX: %w", err)
	}
	s.mem.AddUser(s.user)

	iln, err := net.Listen("tcp", s.IMAPAddr)
	if err != nil {
		return nil, fmt.Errorf("devmail: imap listen: %w", err)
	}
	sln, err := net.Listen("tcp", s.SMTPAddr)
	if err != nil {
		iln.Close()
		return nil, fmt.Errorf("devmail: smtp listen: %w", err)
	}
	s.iln = &trackingListener{Listener: iln, conns: make(map[net.Conn]struct{})}
	s.IMAPAddr = iln.Addr().String()
	s.SMTPAddr = sln.Addr().String()

	s.imap = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			sess := pollingIdle{s.mem.NewSession().(imapserver.SessionIMAP4rev2)}
			if s.oauth != nil {
				return oauthSession{sess, s}, nil, nil
			}
			return sess, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {},
			imap.CapIMAP4rev2: {}, // implies MOVE, UIDPLUS, NAMESPACE, ESEARCH, …
			imap.CapIdle:      {},
			imap.CapMove:      {},
			imap.CapUIDPlus:   {},
		},
		InsecureAuth: true,
		TLSConfig:    s.TLSConfig,
		Logger:       printfLogger{s.log.With("server", "imap")},
	})

	ss := smtp.NewServer(backend{s})
	ss.Domain = "localhost"
	ss.AllowInsecureAuth = true
	ss.EnableSMTPUTF8 = true
	ss.MaxMessageBytes = 64 << 20
	ss.ReadTimeout = 5 * time.Minute
	ss.WriteTimeout = time.Minute
	ss.TLSConfig = s.TLSConfig
	ss.ErrorLog = printfLogger{s.log.With("server", "smtp")}
	s.smtp = ss

	go func() { s.serveErrs <- s.imap.Serve(s.iln) }()
	go func() { s.serveErrs <- ss.Serve(sln) }()
	s.log.Debug("devmail started", "imap", s.IMAPAddr, "smtp", s.SMTPAddr)
	return s, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Close stops both servers and closes every connection.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	err1 := s.imap.Close()
	s.iln.closeAll()
	err2 := s.smtp.Close()
	return errors.Join(err1, err2)
}

// ClientTLSConfig returns a client configuration that trusts the servers'
// certificate, or nil unless Options.TLS was set.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.CertPool == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.CertPool, ServerName: "127.0.0.1"}
}

// Append puts a message into one of the bot's mailboxes as if it had been
// delivered, creating the mailbox if it is missing. A zero t means now.
func (s *Server) Append(mailbox string, raw []byte, t time.Time) (uid uint32, err error) {
	return s.appendFlags(mailbox, raw, t, nil)
}

func (s *Server) appendFlags(mailbox string, raw []byte, t time.Time, flags []imap.Flag) (uint32, error) {
	opts := &imap.AppendOptions{Time: t, Flags: flags}
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), opts)
	if isNoMailbox(err) {
		if err := s.user.Create(mailbox, nil); err != nil && !isAlreadyExists(err) {
			return 0, fmt.Errorf("devmail: create %q: %w", mailbox, err)
		}
		data, err = s.user.Append(mailbox, bytes.NewReader(raw), opts)
	}
	if err != nil {
		return 0, fmt.Errorf("devmail: append to %q: %w", mailbox, err)
	}
	return uint32(data.UID), nil
}

func isNoMailbox(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && (ie.Code == imap.ResponseCodeTryCreate || ie.Code == imap.ResponseCodeNonExistent)
}

func isAlreadyExists(err error) bool {
	var ie *imap.Error
	return errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists
}

// Disconnect closes every current IMAP connection, as a server that drops
// its clients would. New connections are still accepted.
func (s *Server) Disconnect() {
	s.iln.closeAll()
}

// IMAPConns reports how many IMAP connections are open.
func (s *Server) IMAPConns() int {
	return s.iln.count()
}

// trackingListener remembers its accepted connections so that they can be
// closed at once.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[tc] = struct{}{}
	l.mu.Unlock()
	return tc, nil
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	conns := make([]net.Conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

func (l *trackingListener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}

// Message is a message in one of the bot's mailboxes, as seen over IMAP.
type Message struct {
	UID   uint32
	Flags []string // sorted, as the server reports them; keywords come back lower-cased
	Time  time.Time
	Raw   []byte
}

// Messages returns the messages of a mailbox in UID order and its
// UIDVALIDITY, read over an IMAP connection of the bot's user.
func (s *Server) Messages(mailbox string) (msgs []Message, uidValidity uint32, err error) {
	c, err := s.dial()
	if err != nil {
		return nil, 0, err
	}
	defer c.Close()
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, 0, fmt.Errorf("devmail: select %q: %w", mailbox, err)
	}
	if sel.NumMessages == 0 {
		return nil, sel.UIDValidity, nil
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	res, err := c.Fetch(all, &imap.FetchOptions{
		UID:          true,
		Flags:        true,
		InternalDate: true,
		BodySection:  []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		return nil, 0, fmt.Errorf("devmail: fetch %q: %w", mailbox, err)
	}
	for _, m := range res {
		msg := Message{UID: uint32(m.UID), Time: m.InternalDate}
		for _, f := range m.Flags {
			msg.Flags = append(msg.Flags, string(f))
		}
		sort.Strings(msg.Flags)
		for _, b := range m.BodySection {
			msg.Raw = b.Bytes
		}
		msgs = append(msgs, msg)
	}
	return msgs, sel.UIDValidity, nil
}

func (s *Server) dial() (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
	if err != nil {
		return nil, fmt.Errorf("devmail: dial imap: %w", err)
	}
	if err := c.Login(s.User, s.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("devmail: imap login: %w", err)
	}
	return c, nil
}

// RecreateMailbox deletes a mailbox and creates it again with the same
// messages, flags and dates, which gives it a new UIDVALIDITY and renumbers
// its UIDs from 1: what a client sees when a server's mailbox index is
// rebuilt. It returns the new UIDVALIDITY.
//
// Then it closes every IMAP connection, as Dovecot closes the sessions
// that have the mailbox selected when its UIDVALIDITY changes (imapmemserver
// would leave them a stale view of the deleted mailbox).
func (s *Server) RecreateMailbox(name string) (uidValidity uint32, err error) {
	defer s.Disconnect()
	msgs, _, err := s.Messages(name)
	if err != nil {
		return 0, err
	}
	if err := s.user.Delete(name); err != nil {
		return 0, fmt.Errorf("devmail: delete %q: %w", name, err)
	}
	if err := s.user.Create(name, nil); err != nil {
		return 0, fmt.Errorf("devmail: create %q: %w", name, err)
	}
	for _, m := range msgs {
		var flags []imap.Flag
		for _, f := range m.Flags {
			if !strings.EqualFold(f, `\Recent`) {
				flags = append(flags, imap.Flag(f))
			}
		}
		if _, err := s.appendFlags(name, m.Raw, m.Time, flags); err != nil {
			return 0, err
		}
	}
	st, err := s.user.Status(name, &imap.StatusOptions{UIDValidity: true})
	if err != nil {
		return 0, fmt.Errorf("devmail: status %q: %w", name, err)
	}
	return st.UIDValidity, nil
}

// Sent returns a copy of every message the SMTP server accepted, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sent, len(s.sent))
	copy(out, s.sent)
	return out
}

// WaitSent waits until the SMTP server has accepted at least n messages and
// returns them all; after timeout it returns those accepted so far and an
// error.
func (s *Server) WaitSent(n int, timeout time.Duration) ([]Sent, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ch := s.sentCh
		got := len(s.sent)
		s.mu.Unlock()
		if got >= n {
			return s.Sent(), nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			sent := s.Sent()
			return sent, fmt.Errorf("devmail: %d of %d messages sent after %v", len(sent), n, timeout)
		}
	}
}

// FailSMTP makes the next n messages fail at the end of DATA with this
// reply (a 4xx code is a temporary failure, 5xx permanent). Nothing is
// recorded for a failed message. n <= 0 cancels pending failures.
func (s *Server) FailSMTP(n int, code int, msg string) {
	s.mu.Lock()
	s.dataFail = fault{n: n, code: code, msg: msg}
	s.mu.Unlock()
}

// FailRcpt makes the next n RCPT TO commands fail with this reply.
// n <= 0 cancels pending failures.
func (s *Server) FailRcpt(n int, code int, msg string) {
	s.mu.Lock()
	s.rcptFail = fault{n: n, code: code, msg: msg}
	s.mu.Unlock()
}

// DropSMTP makes the next n messages be lost mid-transaction: the server
// reads the DATA and closes the connection without a reply, so the client
// cannot know whether it was delivered. Nothing is recorded.
func (s *Server) DropSMTP(n int) {
	s.mu.Lock()
	s.drops = n
	s.mu.Unlock()
}

func (s *Server) takeFault(f *fault) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.n <= 0 {
		return nil
	}
	f.n--
	return smtpError(f.code, f.msg)
}

func (s *Server) takeDrop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drops <= 0 {
		return false
	}
	s.drops--
	return true
}

func smtpError(code int, msg string) *smtp.SMTPError {
	e := &smtp.SMTPError{Code: code, Message: msg, EnhancedCode: smtp.NoEnhancedCode}
	switch {
	case code >= 400 && code < 500:
		e.EnhancedCode = smtp.EnhancedCode{4, 0, 0}
	case code >= 500 && code < 600:
		e.EnhancedCode = smtp.EnhancedCode{5, 0, 0}
	}
	return e
}

func (s *Server) record(m Sent) {
	s.mu.Lock()
	s.sent = append(s.sent, m)
	close(s.sentCh)
	s.sentCh = make(chan struct{})
	s.mu.Unlock()
}

// backend is the go-smtp backend.
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s      *Server
	conn   *smtp.Conn
	from   string
	to     []string
	authed string // the user AUTH logged in, "" without AUTH
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	if ss.s.oauth != nil {
		return []string{sasl.Plain, mechXOAuth2, mechOAuthBearer}
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) { return ss.smtpAuth(mech) }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.from, ss.to = from, nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.takeFault(&ss.s.rcptFail); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.takeDrop() {
		ss.s.log.Debug("devmail: dropping smtp connection", "from", ss.from)
		ss.conn.Conn().Close()
		return errors.New("connection dropped")
	}
	if err := ss.s.takeFault(&ss.s.dataFail); err != nil {
		return err
	}
	m := Sent{From: ss.from, To: append([]string(nil), ss.to...), Raw: raw, At: time.Now(), AuthUser: ss.authed}
	ss.s.record(m)
	if ss.s.BotAddress != "" {
		for _, rcpt := range m.To {
			if strings.EqualFold(rcpt, ss.s.BotAddress) {
				if _, err := ss.s.Append("INBOX", raw, m.At); err != nil {
					ss.s.log.Error("devmail: deliver to INBOX", "err", err)
				}
				break
			}
		}
	}
	if ss.s.deliver != nil {
		ss.s.deliver(m.From, m.To, m.Raw)
	}
	return nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

// printfLogger adapts slog to the Printf/Println loggers of the servers.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, args ...any) {
	p.l.Warn(strings.TrimSpace(fmt.Sprintf(format, args...)))
}

func (p printfLogger) Println(args ...any) {
	p.l.Warn(strings.TrimSpace(fmt.Sprintln(args...)))
}

// pollingIdle replaces imapmemserver's IDLE, which can miss a message that
// arrives between the server's "+ idling" and the moment the session starts
// listening (go-imap v2.0.0-beta.8 writes the continuation before it
// registers). Polling the mailbox on entry and every 100 ms afterwards reports
// every change, at the cost of up to 100 ms of latency on a development server.
type pollingIdle struct{ imapserver.SessionIMAP4rev2 }

func (p pollingIdle) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := p.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-tick.C:
		}
	}
}
