// Package outbox delivers the mail queued in the store: it sends what is due, retries
// temporary failures with backoff and gives up on permanent ones, telling the
// Secretariat. A mail sent twice (after a crash between sending and recording) carries
// the same Message-ID, so recipients' clients see one message.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mekongmigration/govbot/internal/store"
)

// Sender sends a batch of mails over one connection. It returns one error per mail
// (nil when accepted). A connection failure applies to every mail.
type Sender interface {
	Send(ctx context.Context, mails []store.OutMail) []error
}

// Temporary reports whether err is worth retrying (SMTP 4xx, connection problems).
type Temporary interface{ Temporary() bool }

// Held reports whether a failure is the bot's own login (an OAuth token to renew,
// a provider that does not answer, a refused AUTH) rather than the mail's. Such
// mail waits, retried with backoff, however long that takes: it is never given
// up, since nothing is wrong with it.
type Held interface{ Held() bool }

// heldRetryMax caps the wait of held mail, so that it goes soon after the login
// works again (the login itself backs off in the token source).
const heldRetryMax = 5 * time.Minute

// Options configure an Outbox.
type Options struct {
	DB     *store.DB
	Sender Sender
	Clock  func() time.Time
	Logger *slog.Logger
	// RetryMin and RetryMax bound the backoff; GiveUpAfter turns a temporary failure
	// into a permanent one.
	RetryMin, RetryMax, GiveUpAfter time.Duration
	Batch                           int
	// Failed is called in the transaction that gives up on m, to tell the Secretariat.
	Failed func(tx *store.Tx, m store.OutMail, reason string) error
}

// Outbox is the delivery loop.
type Outbox struct {
	Options
	kick chan struct{}
	mu   sync.Mutex // one RunOnce at a time
}

// New returns an Outbox.
func New(o Options) *Outbox {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.RetryMin <= 0 {
		o.RetryMin = time.Minute
	}
	if o.RetryMax <= 0 {
		o.RetryMax = time.Hour
	}
	if o.GiveUpAfter <= 0 {
		o.GiveUpAfter = 72 * time.Hour
	}
	if o.Batch <= 0 {
		o.Batch = 50
	}
	return &Outbox{Options: o, kick: make(chan struct{}, 1)}
}

// Kick wakes the loop; it never blocks.
func (o *Outbox) Kick() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// Stats is what one RunOnce did.
type Stats struct{ Sent, Retried, Failed int }

// RunOnce sends every mail due now, batch by batch, until none is due or a batch fails
// as a whole (the server is down: try later). Batches are recorded while the next
// ones are sent, so the disk's fsync does not hold the SMTP connections up: the
// batches sent while one transaction commits are recorded together in the next
// (a group commit, recordGroup batches at most). After a crash at most
// recordGroup+3 batches were sent and not recorded (those of the transaction, two
// waiting for the next, one being sent); they are sent again under the same
// Message-IDs.
func (o *Outbox) RunOnce(ctx context.Context) (total Stats, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if idler, ok := o.Sender.(interface{ Idle() }); ok {
		defer idler.Idle() // no connection is held between runs
	}
	type sent struct {
		due  []store.OutMail
		errs []error
	}
	type recorded struct {
		st  Stats
		err error
	}
	var failed atomic.Bool // a transaction failed: stop sending
	toRecord := make(chan sent, 2)
	done := make(chan recorded, 1)
	go func() {
		var r recorded
		for first := range toRecord {
			group := []sent{first}
		more:
			for len(group) < recordGroup {
				select {
				case s, ok := <-toRecord:
					if !ok {
						break more
					}
					group = append(group, s)
				default:
					break more
				}
			}
			if r.err != nil {
				continue // not recorded: still due, sent again next time
			}
			var due []store.OutMail
			var errs []error
			for _, s := range group {
				due = append(due, s.due...)
				for i := range s.due {
					errs = append(errs, errAt(s.errs, i))
				}
			}
			st, err := o.record(due, errs)
			r.st.Sent += st.Sent
			r.st.Retried += st.Retried
			r.st.Failed += st.Failed
			if err != nil {
				r.err = err
				failed.Store(true)
			}
		}
		done <- r
	}()
	defer func() {
		close(toRecord)
		r := <-done
		total = r.st
		if err == nil {
			err = r.err
		}
	}()
	var last uint64
	for ctx.Err() == nil && !failed.Load() {
		now := o.Clock()
		var due []store.OutMail
		if err := o.DB.View(func(tx *store.Tx) error {
			var err error
			due, err = tx.DueMailAfter(now, last, o.Batch)
			return err
		}); err != nil {
			return total, err
		}
		if len(due) == 0 {
			return total, nil
		}
		last = due[len(due)-1].Seq
		errs := o.Sender.Send(ctx, due)
		toRecord <- sent{due, errs}
		n := 0
		for i := range due {
			if errAt(errs, i) == nil {
				n++
			}
		}
		if n == 0 {
			return total, nil // nothing went through: wait for the next attempt
		}
	}
	return total, ctx.Err()
}

// recordGroup is how many batches one transaction records at most.
const recordGroup = 4

func (o *Outbox) record(due []store.OutMail, errs []error) (Stats, error) {
	var st Stats
	now := o.Clock()
	var held error
	err := o.DB.Update(now, func(tx *store.Tx) error {
		st, held = Stats{}, nil
		for i, m := range due {
			err := errAt(errs, i)
			m.Attempts++
			switch {
			case err == nil:
				st.Sent++
				if e := tx.MarkSent(m, now); e != nil {
					return e
				}
			case isHeld(err):
				st.Retried++
				held = err
				next := now.Add(min(o.backoff(m.Attempts), max(o.RetryMin, heldRetryMax)))
				if e := tx.Retry(m, next, err.Error()); e != nil {
					return e
				}
			case isTemporary(err) && (m.Date.IsZero() || now.Sub(m.Date) < o.GiveUpAfter):
				st.Retried++
				next := now.Add(o.backoff(m.Attempts))
				o.Logger.Warn("delivery deferred", "message_id", m.MessageID, "to", m.To, "attempt", m.Attempts, "next", next, "err", err)
				if e := tx.Retry(m, next, err.Error()); e != nil {
					return e
				}
			default:
				st.Failed++
				o.Logger.Error("delivery failed", "message_id", m.MessageID, "to", m.To, "err", err)
				if e := tx.MarkFailed(m, err.Error()); e != nil {
					return e
				}
				if e := tx.Audit("mail.failed", m.MessageID, "", fmt.Sprintf("%s to %v: %v", m.Kind, m.To, err)); e != nil {
					return e
				}
				if o.Failed != nil && m.Kind != "delivery_failure" {
					if e := o.Failed(tx, m, err.Error()); e != nil {
						return e
					}
				}
			}
		}
		return nil
	})
	if err == nil && held != nil {
		o.Logger.Warn("delivery held: the bot cannot log in to send; the mail waits", "mails", st.Retried, "err", held)
	}
	return st, err
}

func (o *Outbox) backoff(attempt int) time.Duration {
	d := o.RetryMin
	for i := 1; i < attempt && d < o.RetryMax; i++ {
		d *= 2
	}
	return min(d, o.RetryMax)
}

func isHeld(err error) bool {
	var h Held
	return errors.As(err, &h) && h.Held()
}

func isTemporary(err error) bool {
	var t Temporary
	return errors.As(err, &t) && t.Temporary()
}

// Run delivers until ctx is done: at each kick, and at least every poll interval
// (or sooner, when a retry falls due).
func (o *Outbox) Run(ctx context.Context, poll time.Duration) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.kick:
		case <-timer.C:
		}
		if st, err := o.RunOnce(ctx); err != nil && ctx.Err() == nil {
			o.Logger.Error("outbox", "err", err)
		} else if st.Sent+st.Failed+st.Retried > 0 {
			o.Logger.Info("outbox", "sent", st.Sent, "retried", st.Retried, "failed", st.Failed)
		}
		wait := poll
		var next time.Time
		_ = o.DB.View(func(tx *store.Tx) error { next = tx.NextAttempt(); return nil })
		if !next.IsZero() {
			if d := next.Sub(o.Clock()); d < wait {
				wait = max(d, time.Second)
			}
		}
		timer.Reset(wait)
	}
}

// errAt is the sender's error for mail i: nil when it went (a sender may return
// fewer errors than mails).
func errAt(errs []error, i int) error {
	if i < len(errs) {
		return errs[i]
	}
	return nil
}
