// Package imapsource reads new messages from an IMAP mailbox with go-imap v2. It knows
// nothing of governance: it hands each message to a handler and, once the handler has
// committed it, flags (or moves) it on the server and remembers how far it has read.
package imapsource

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"

	"github.com/mekongmigration/govbot/internal/oauth"
)

// ProcessedFlag is the keyword set on every handled message.
const ProcessedFlag = "$GovbotProcessed"

// QuarantinedFlag is the keyword set on a message the handler quarantined.
const QuarantinedFlag = "$GovbotQuarantined"

// Disposition is what a handler did with one message of a batch.
type Disposition int

const (
	// Done: committed; the message is marked handled and the position moves past it.
	Done Disposition = iota
	// Retry: handling failed this time; the message is left as it is and read
	// again on the next poll (the position stays below it).
	Retry
	// Quarantined: handling failed for good and the handler set the message
	// aside; it is flagged (or moved to QuarantineMailbox) and not read again.
	Quarantined
)

// BatchHandler commits a batch of messages and says what became of each (nil: all
// Done). An error means nothing of the batch is known to be committed.
type BatchHandler func([]Message) ([]Disposition, error)

// Config says how to reach the mailbox.
type Config struct {
	Addr     string // host:port
	Security string // tls | starttls | none
	Username string
	Password string
	// Auth is how to log in: "" or "password" (LOGIN with Password), or
	// "xoauth2" or "oauthbearer" (AUTHENTICATE with an access token from Token).
	Auth             string
	Token            TokenSource
	Mailbox          string // default INBOX
	ProcessedMailbox string // when set, handled messages are moved there
	// QuarantineMailbox, when set, receives the messages the handler quarantined;
	// otherwise they stay where they are, flagged \Flagged and $GovbotQuarantined.
	QuarantineMailbox string
	TLS               *tls.Config
	// MaxBytes caps how much of one message is read; the handler sees Truncated.
	MaxBytes int64
	// Batch is how many messages one FETCH asks for (default 5000). The server
	// flags (or moves) them, and the position advances, once per FETCH; between
	// two FETCHes the handler's pipeline empties (≈0.15 s on two cores), so a
	// catch-up should take few of them. A crash in between costs nothing: the
	// messages already handled are recognised (State.Seen) and not read again.
	Batch int
	// HandleBatch and BatchBytes cap the messages handed to a batch handler at
	// once (default 200 messages, 16 MB). While the handler works on one batch,
	// the next is read from the server.
	HandleBatch int
	BatchBytes  int64
	// SpoolBytes: a message larger than this is read to a temporary file in
	// SpoolDir rather than into memory, so that a 25 MB attachment costs no
	// memory, nor do the batches in flight (read, prepared, committed) of a
	// catch-up whose bytes are mostly scans and PDFs. Default 256 KiB; SpoolDir
	// defaults to the system's temporary directory.
	SpoolBytes int64
	SpoolDir   string
	// Prepare, when set, is called with each batch before the batch handler, on
	// a goroutine of its own: the next batch is prepared (parsed, say) while the
	// handler commits the one before. It may set each message's Prepared.
	Prepare func([]Message)
	Logger  *slog.Logger
}

// TokenSource hands out the OAuth 2.0 access tokens of Auth xoauth2 and
// oauthbearer (an *oauth.Source).
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	// Renew is told that the server refused token refused (why): it returns a
	// newer token to try once more, or an error when none would do.
	Renew(ctx context.Context, refused string, why error) (string, error)
}

// Message is one fetched message.
type Message struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Received    time.Time // INTERNALDATE
	Size        int64
	Raw         []byte
	// Spool holds the message instead of Raw when it is larger than SpoolBytes;
	// Spooled is its length. The file is removed once the handler returns.
	Spool     *os.File
	Spooled   int64
	Truncated bool // the message holds only its first MaxBytes+1 bytes
	// Prepared is what Config.Prepare made of the message; it is released
	// with the message, once the handler returns (or the batch is dropped).
	Prepared interface{ Release() }
}

// release removes a spooled message's file and releases what was prepared.
func (m *Message) release() {
	if m.Prepared != nil {
		m.Prepared.Release()
		m.Prepared = nil
	}
	if m.Spool != nil {
		m.Spool.Close()
		os.Remove(m.Spool.Name())
		m.Spool = nil
	}
}

// State remembers how far the mailbox has been read.
type State interface {
	Position(mailbox string) (uidValidity, lastUID uint32, err error)
	SetPosition(mailbox string, uidValidity, lastUID uint32) error
	// Seen reports whether the message was already handled (crash between commit
	// and SetPosition).
	Seen(uidValidity, uid uint32) bool
}

// Source is a connection to one mailbox. It is not safe for concurrent use.
type Source struct {
	cfg    Config
	c      *imapclient.Client
	mech   string // how the current connection logged in
	newMsg chan struct{}
	mu     sync.Mutex
	// marked holds the UIDs this Source has already flagged or moved while the
	// position is held below a message to retry, so they are not marked twice.
	marked map[imap.UID]bool
}

// New returns a Source; it connects on first use.
func New(cfg Config) *Source {
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 5000
	}
	if cfg.HandleBatch <= 0 {
		cfg.HandleBatch = 200
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 16 << 20
	}
	if cfg.SpoolBytes <= 0 {
		cfg.SpoolBytes = 256 << 10
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Source{cfg: cfg, newMsg: make(chan struct{}, 1)}
}

// Close logs out and closes the connection.
func (s *Source) Close() error {
	if s.c == nil {
		return nil
	}
	_ = s.c.Logout().Wait()
	err := s.c.Close()
	s.c = nil
	return err
}

func (s *Source) drop() {
	if s.c != nil {
		_ = s.c.Close()
		s.c = nil
	}
}

// Connect dials and logs in, if not connected.
func (s *Source) Connect() error { return s.connect(context.Background()) }

// Mechanism names how the connection logged in: LOGIN, XOAUTH2 or OAUTHBEARER
// ("" when not connected).
func (s *Source) Mechanism() string {
	if s.c == nil {
		return ""
	}
	return s.mech
}

func (s *Source) connect(ctx context.Context) error {
	if s.c != nil {
		select {
		case <-s.c.Closed():
			s.c = nil
		default:
			return nil
		}
	}
	opts := &imapclient.Options{
		TLSConfig:   s.cfg.TLS,
		WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case s.newMsg <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	var c *imapclient.Client
	var err error
	switch s.cfg.Security {
	case "none":
		c, err = imapclient.DialInsecure(s.cfg.Addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(s.cfg.Addr, opts)
	default:
		c, err = imapclient.DialTLS(s.cfg.Addr, opts)
	}
	if err != nil {
		return fmt.Errorf("imap dial %s: %w", s.cfg.Addr, err)
	}
	if err := s.login(ctx, c); err != nil {
		c.Close()
		return err
	}
	s.c = c
	return nil
}

// login logs in with the password, or with an access token: when the server
// refuses the token, once more with a renewed one.
func (s *Source) login(ctx context.Context, c *imapclient.Client) error {
	if !oauth.IsMechanism(s.cfg.Auth) {
		if err := c.Login(s.cfg.Username, s.cfg.Password).Wait(); err != nil {
			return fmt.Errorf("imap login as %s: %w", s.cfg.Username, err)
		}
		s.mech = "LOGIN"
		return nil
	}
	if s.cfg.Token == nil {
		return fmt.Errorf("imap login as %s: %s needs an OAuth token source", s.cfg.Username, s.cfg.Auth)
	}
	probe, err := oauth.NewSASLClient(s.cfg.Auth, "", "", "", 0)
	if err != nil {
		return fmt.Errorf("imap login: %w", err)
	}
	mech := probe.Mechanism()
	if !c.Caps().Has(imap.Cap("AUTH=" + mech)) {
		return fmt.Errorf("imap login as %s: the server does not offer AUTH=%s (imap.auth %s)", s.cfg.Username, mech, s.cfg.Auth)
	}
	tok, err := s.cfg.Token.Token(ctx)
	if err != nil {
		return fmt.Errorf("imap login as %s with %s: %w", s.cfg.Username, mech, err)
	}
	for attempt := 0; ; attempt++ {
		err := s.authenticate(c, tok)
		if err == nil {
			s.mech = mech
			return nil
		}
		var ie *imap.Error
		if !errors.As(err, &ie) || ie.Type != imap.StatusResponseTypeNo {
			return fmt.Errorf("imap login as %s with %s: %w", s.cfg.Username, mech, err)
		}
		// Refused: an expired or revoked token, or an account the server will
		// not let in. The source renews the token once; a fresh token refused
		// again is reported as such.
		why := fmt.Errorf("imap %s refused %s for %s: %w", s.cfg.Addr, mech, s.cfg.Username, err)
		tok, err = s.cfg.Token.Renew(ctx, tok, why)
		if err != nil {
			return fmt.Errorf("imap login as %s with %s: %w", s.cfg.Username, mech, err)
		}
		if attempt > 0 {
			return why
		}
	}
}

// authenticate runs AUTHENTICATE with the token.
func (s *Source) authenticate(c *imapclient.Client, token string) error {
	host, port := splitAddr(s.cfg.Addr)
	sc, err := oauth.NewSASLClient(s.cfg.Auth, s.cfg.Username, token, host, port)
	if err != nil {
		return err
	}
	err = c.Authenticate(sc)
	if err != nil && sc.Status != "" {
		err = fmt.Errorf("%w (status %s)", err, sc.Status)
	}
	return err
}

// splitAddr splits host:port; a port it cannot read is 0 (left out).
func splitAddr(addr string) (string, int) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	port, _ := strconv.Atoi(p)
	return host, port
}

// Check logs in, selects the mailbox and reports how many messages it holds.
func (s *Source) Check() (int, error) {
	if err := s.Connect(); err != nil {
		return 0, err
	}
	sel, err := s.c.Select(s.cfg.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		s.drop()
		return 0, fmt.Errorf("imap select %s: %w", s.cfg.Mailbox, err)
	}
	return int(sel.NumMessages), nil
}

// Poll hands every new message to handle, oldest first, and returns how many it
// handled. A handler error stops the poll; the message is tried again next time.
func (s *Source) Poll(ctx context.Context, st State, handle func(Message) error) (int, error) {
	return s.PollBatch(ctx, st, func(ms []Message) ([]Disposition, error) {
		for _, m := range ms {
			if err := handle(m); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
}

// PollBatch is Poll with a handler that commits several messages at once and says
// what became of each. The messages are marked on the server, and the position
// moved, only after that; the position never passes a message to be retried.
func (s *Source) PollBatch(ctx context.Context, st State, handle BatchHandler) (int, error) {
	n, err := s.poll(ctx, st, handle)
	if err != nil {
		s.drop() // reconnect next time: the connection may be what failed
	}
	return n, err
}

func (s *Source) poll(ctx context.Context, st State, handle BatchHandler) (int, error) {
	if err := s.connect(ctx); err != nil {
		return 0, err
	}
	box := s.cfg.Mailbox
	sel, err := s.c.Select(box, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("imap select %s: %w", box, err)
	}
	uv, last, err := st.Position(box)
	if err != nil {
		return 0, err
	}
	if uv != sel.UIDValidity {
		if uv != 0 {
			s.cfg.Logger.Warn("UIDVALIDITY changed: reading the mailbox again; handled messages are recognised by Message-ID",
				"mailbox", box, "old", uv, "new", sel.UIDValidity)
		}
		uv, last = sel.UIDValidity, 0
		s.marked = nil
		if err := st.SetPosition(box, uv, 0); err != nil {
			return 0, err
		}
	}
	if sel.NumMessages == 0 || (sel.UIDNext != 0 && uint32(sel.UIDNext) <= last+1) {
		return 0, nil
	}
	var set imap.UIDSet
	set.AddRange(imap.UID(last+1), 0)
	found, err := s.c.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{set}}, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("imap search: %w", err)
	}
	var uids []imap.UID
	for _, u := range found.AllUIDs() {
		if uint32(u) > last { // n:* always matches the highest UID, even below n
			uids = append(uids, u)
		}
	}
	slices.Sort(uids)
	handled := 0
	// hold is the lowest UID to be retried: the position stays below it, so the
	// message is read again next time (those after it are recognised as handled).
	var hold imap.UID
	for len(uids) > 0 {
		if err := ctx.Err(); err != nil {
			return handled, err
		}
		chunk := uids[:min(len(uids), s.cfg.Batch)]
		uids = uids[len(chunk):]
		var fetch []imap.UID
		var r outcome
		for _, u := range chunk {
			if s.marked[u] {
				continue
			}
			if st.Seen(uv, uint32(u)) {
				r.done = append(r.done, u)
			} else {
				fetch = append(fetch, u)
			}
		}
		var err error
		if len(fetch) > 0 {
			var got outcome
			got, err = s.fetch(box, uv, fetch, handle)
			r.done = append(r.done, got.done...)
			r.quarantined, r.retry = got.quarantined, got.retry
			handled += len(got.done) + len(got.quarantined)
		}
		for _, u := range r.retry {
			if hold == 0 || u < hold {
				hold = u
			}
		}
		if ferr := s.finish(box, uv, r, hold, st); ferr != nil && err == nil {
			err = ferr
		}
		if err != nil {
			return handled, err
		}
		if hold != 0 {
			if s.marked == nil {
				s.marked = map[imap.UID]bool{}
			}
			for _, u := range append(r.done, r.quarantined...) {
				s.marked[u] = true
			}
		}
	}
	if hold == 0 {
		s.marked = nil
	}
	return handled, nil
}

// outcome sorts the UIDs of a fetch by what the handler did with them.
type outcome struct{ done, quarantined, retry []imap.UID }

// fetch streams the messages and hands them to handle in batches; it returns what
// became of the UIDs handled.
func (s *Source) fetch(box string, uv uint32, uids []imap.UID, handle BatchHandler) (outcome, error) {
	cmd := s.c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, InternalDate: true, RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	})
	defer cmd.Close()
	// One goroutine hands the batches to handle, in order, while this one reads
	// the next batch from the server: reading overlaps parsing and committing.
	var (
		done    outcome
		herr    error
		failed  atomic.Bool
		batches = make(chan []Message, 1)
		stopped = make(chan struct{})
	)
	// With a Prepare stage, batches go through it on their way to the handler:
	// one batch is read, one prepared and one committed at the same time.
	handled := batches
	if s.cfg.Prepare != nil {
		// unbuffered: no more batches in memory than without the stage
		batches, handled = make(chan []Message), make(chan []Message)
		go func() {
			defer close(handled)
			for batch := range batches {
				if !failed.Load() {
					s.cfg.Prepare(batch)
				}
				handled <- batch
			}
		}()
	}
	go func() {
		defer close(stopped)
		for batch := range handled {
			if !failed.Load() {
				if disp, err := handle(batch); err != nil {
					herr = fmt.Errorf("handle uids %d-%d: %w", batch[0].UID, batch[len(batch)-1].UID, err)
					failed.Store(true)
				} else {
					for i, m := range batch {
						d := Done
						if i < len(disp) {
							d = disp[i]
						}
						switch d {
						case Retry:
							done.retry = append(done.retry, imap.UID(m.UID))
						case Quarantined:
							done.quarantined = append(done.quarantined, imap.UID(m.UID))
						default:
							done.done = append(done.done, imap.UID(m.UID))
						}
					}
				}
			}
			for i := range batch {
				batch[i].release()
			}
		}
	}()
	var batch []Message
	var batchBytes int64
	// wait stops the handler and returns what it did.
	wait := func() (outcome, error) {
		if len(batch) > 0 {
			batches <- batch
			batch = nil
		}
		close(batches)
		<-stopped
		return done, herr
	}
	for !failed.Load() {
		fm := cmd.Next()
		if fm == nil {
			break
		}
		m := Message{Mailbox: box, UIDValidity: uv}
		var readErr error
		for {
			item := fm.Next()
			if item == nil {
				break
			}
			switch it := item.(type) {
			case imapclient.FetchItemDataUID:
				m.UID = uint32(it.UID)
			case imapclient.FetchItemDataInternalDate:
				m.Received = it.Time
			case imapclient.FetchItemDataRFC822Size:
				m.Size = it.Size
			case imapclient.FetchItemDataBodySection:
				m.Raw, m.Spool, m.Spooled, m.Truncated, readErr = s.read(it.Literal)
			}
		}
		if readErr != nil {
			m.release()
			done, err := wait()
			if err != nil {
				return done, err
			}
			return done, fmt.Errorf("imap fetch uid %d: %w", m.UID, readErr)
		}
		if m.UID == 0 || m.Raw == nil && m.Spool == nil {
			m.release()
			continue
		}
		batch = append(batch, m)
		batchBytes += int64(len(m.Raw)) + m.Spooled
		if batchBytes >= s.cfg.BatchBytes || len(batch) >= s.cfg.HandleBatch {
			batches <- batch
			batch, batchBytes = nil, 0
		}
	}
	done, err := wait()
	if err != nil {
		return done, err
	}
	if err := cmd.Close(); err != nil {
		return done, fmt.Errorf("imap fetch: %w", err)
	}
	return done, nil
}

// read reads one message: into memory, or to a spool file when it is larger than
// SpoolBytes (or of unknown size).
func (s *Source) read(r io.Reader) (raw []byte, spool *os.File, n int64, truncated bool, err error) {
	if l, ok := r.(interface{ Size() int64 }); ok && l.Size() >= 0 && l.Size() <= s.cfg.SpoolBytes {
		raw, truncated, err = readLimited(r, s.cfg.MaxBytes)
		return raw, nil, 0, truncated, err
	}
	spool, err = os.CreateTemp(s.cfg.SpoolDir, "govbot-spool-*")
	if err != nil {
		return nil, nil, 0, false, fmt.Errorf("spooling a large message: %w", err)
	}
	src := r
	if s.cfg.MaxBytes > 0 {
		src = io.LimitReader(r, s.cfg.MaxBytes+1)
	}
	n, err = io.Copy(spool, src)
	if err == nil && s.cfg.MaxBytes > 0 && n > s.cfg.MaxBytes {
		truncated = true
		_, err = io.Copy(io.Discard, r)
	}
	if err != nil {
		spool.Close()
		os.Remove(spool.Name())
		return nil, nil, 0, false, err
	}
	return nil, spool, n, truncated, nil
}

func readLimited(r io.Reader, max int64) ([]byte, bool, error) {
	// The literal's size is known: read it into one buffer of that size rather than
	// let io.ReadAll grow (and copy) its way there.
	if l, ok := r.(interface{ Size() int64 }); ok {
		if size := l.Size(); size >= 0 && (max <= 0 || size <= max) {
			b := make([]byte, size)
			_, err := io.ReadFull(r, b)
			return b, false, err
		}
	}
	if max <= 0 {
		b, err := io.ReadAll(r)
		return b, false, err
	}
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(b)) > max {
		_, err = io.Copy(io.Discard, r)
		return b, true, err
	}
	return b, false, nil
}

// finish flags or moves the handled messages, flags or moves the quarantined ones,
// and records the position: past every message handled, but below hold (the
// lowest UID to retry) when there is one.
func (s *Source) finish(box string, uv uint32, r outcome, hold imap.UID, st State) error {
	if len(r.done) > 0 {
		if err := s.mark(r.done, s.cfg.ProcessedMailbox, ProcessedFlag); err != nil {
			return fmt.Errorf("imap mark handled: %w", err)
		}
	}
	if len(r.quarantined) > 0 {
		if err := s.mark(r.quarantined, s.cfg.QuarantineMailbox, QuarantinedFlag); err != nil {
			return fmt.Errorf("imap mark quarantined: %w", err)
		}
	}
	all := append(append([]imap.UID{}, r.done...), r.quarantined...)
	if hold != 0 {
		return st.SetPosition(box, uv, uint32(hold)-1)
	}
	if len(all) == 0 {
		return nil
	}
	return st.SetPosition(box, uv, uint32(slices.Max(all)))
}

// mark moves the messages to mailbox when it is set (creating it when missing),
// else flags them with keyword (and \Seen for handled ones, \Flagged for
// quarantined ones, so that a person looking at the mailbox sees them).
func (s *Source) mark(uids []imap.UID, mailbox, keyword string) error {
	set := imap.UIDSetNum(uids...)
	if mailbox != "" {
		_, err := s.c.Move(set, mailbox).Wait()
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Code == imap.ResponseCodeTryCreate {
			if err = s.c.Create(mailbox, nil).Wait(); err == nil {
				_, err = s.c.Move(set, mailbox).Wait()
			}
		}
		return err
	}
	flags := []imap.Flag{imap.FlagSeen, imap.Flag(keyword)}
	if keyword == QuarantinedFlag {
		flags = []imap.Flag{imap.FlagFlagged, imap.Flag(keyword)}
	}
	return s.c.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
}

// Wait returns when new mail may have arrived: at once when the server pushes it
// (IDLE), or after timeout, or when ctx is done. Without IDLE it just sleeps.
func (s *Source) Wait(ctx context.Context, timeout time.Duration) error {
	select {
	case <-s.newMsg:
		return nil
	default:
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	if s.c == nil || !s.c.Caps().Has(imap.CapIdle) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return nil
		}
	}
	idle, err := s.c.Idle()
	if err != nil {
		s.drop()
		return err
	}
	select {
	case <-ctx.Done():
	case <-timer.C:
	case <-s.newMsg:
	case <-s.c.Closed():
	}
	if err := idle.Close(); err != nil {
		s.drop()
		return nil
	}
	if err := idle.Wait(); err != nil {
		s.drop()
	}
	return ctx.Err()
}
