package store

import (
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
)

// OutMail is a rendered mail waiting in the outbox.
type OutMail struct {
	Seq         uint64           `json:"seq"`
	Key         string           `json:"key"`
	Kind        string           `json:"kind"`
	MessageID   string           `json:"message_id"` // without angle brackets
	FromName    string           `json:"from_name"`
	From        string           `json:"from"`
	To          []string         `json:"to"`
	Cc          []string         `json:"cc,omitempty"`
	Subject     string           `json:"subject"`
	Text        string           `json:"text"`
	HTML        string           `json:"html,omitempty"`
	Headers     [][2]string      `json:"headers,omitempty"` // extra headers, in order
	Attachments []gov.Attachment `json:"attachments,omitempty"`
	Date        time.Time        `json:"date"`
	Attempts    int              `json:"attempts,omitempty"`
	NextAttempt time.Time        `json:"next_attempt"`
	LastError   string           `json:"last_error,omitempty"`
}

// SentMail is what the store keeps of a mail that left (or was given up).
type SentMail struct {
	MessageID string    `json:"message_id"`
	Key       string    `json:"key"`
	Kind      string    `json:"kind"`
	To        []string  `json:"to"`
	Subject   string    `json:"subject"`
	Queued    time.Time `json:"queued"`
	SentAt    time.Time `json:"sent_at,omitzero"`
	Attempts  int       `json:"attempts"`
	// Failed holds the permanent error when the mail was given up.
	Failed string `json:"failed,omitempty"`
}

// Enqueue puts m in the outbox unless a mail with the same key was queued before. It
// reports whether m was added.
func (t *Tx) Enqueue(m OutMail) (bool, error) {
	keys := t.tx.Bucket(bMailKeys)
	if keys.Get([]byte(m.Key)) != nil {
		return false, nil
	}
	if err := keys.Put([]byte(m.Key), []byte(m.MessageID)); err != nil {
		return false, err
	}
	ob := t.tx.Bucket(bOutbox)
	seq, err := ob.NextSequence()
	if err != nil {
		return false, err
	}
	m.Seq = seq
	if m.NextAttempt.IsZero() {
		m.NextAttempt = t.Now
	}
	return true, putJSON(ob, u64(seq), m)
}

// MailQueued reports whether a mail with key was ever queued.
func (t *Tx) MailQueued(key string) bool {
	return t.tx.Bucket(bMailKeys).Get([]byte(key)) != nil
}

// DueMail returns up to limit mails whose next attempt is due at now, oldest first.
func (t *Tx) DueMail(now time.Time, limit int) ([]OutMail, error) {
	var out []OutMail
	c := t.tx.Bucket(bOutbox).Cursor()
	for k, v := c.First(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		var m OutMail
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, err
		}
		if !m.NextAttempt.After(now) {
			out = append(out, m)
		}
	}
	return out, nil
}

// OutboxLen returns the number of mails waiting.
func (t *Tx) OutboxLen() int { return t.tx.Bucket(bOutbox).Stats().KeyN }

// NextAttempt returns the earliest next attempt in the outbox, or zero when empty.
func (t *Tx) NextAttempt() time.Time {
	var min time.Time
	_ = t.tx.Bucket(bOutbox).ForEach(func(_, v []byte) error {
		var m OutMail
		if json.Unmarshal(v, &m) == nil && (min.IsZero() || m.NextAttempt.Before(min)) {
			min = m.NextAttempt
		}
		return nil
	})
	return min
}

// Pending returns every mail in the outbox.
func (t *Tx) Pending() ([]OutMail, error) { return t.DueMail(time.Unix(1<<40, 0), 0) }

// MarkSent moves mail seq from the outbox to the sent record.
func (t *Tx) MarkSent(m OutMail, at time.Time) error {
	return t.finish(m, SentMail{SentAt: at})
}

// MarkFailed gives up on mail seq after a permanent error.
func (t *Tx) MarkFailed(m OutMail, reason string) error {
	return t.finish(m, SentMail{Failed: reason})
}

func (t *Tx) finish(m OutMail, s SentMail) error {
	if err := t.tx.Bucket(bOutbox).Delete(u64(m.Seq)); err != nil {
		return err
	}
	s.MessageID, s.Key, s.Kind, s.To, s.Subject, s.Queued, s.Attempts = m.MessageID, m.Key, m.Kind, append(m.To, m.Cc...), m.Subject, m.Date, m.Attempts
	return putJSON(t.tx.Bucket(bSent), []byte(m.MessageID), s)
}

// Retry records a temporary failure and when to try again.
func (t *Tx) Retry(m OutMail, next time.Time, reason string) error {
	m.NextAttempt, m.LastError = next, reason
	return putJSON(t.tx.Bucket(bOutbox), u64(m.Seq), m)
}

// Sent returns the record of a mail that left, by Message-ID.
func (t *Tx) Sent(messageID string) (SentMail, bool, error) {
	var s SentMail
	ok, err := getJSON(t.tx.Bucket(bSent), []byte(messageID), &s)
	return s, ok, err
}

// IsOwnMessageID reports whether id is the Message-ID of a mail the bot queued.
func (t *Tx) IsOwnMessageID(id string) bool {
	if t.tx.Bucket(bSent).Get([]byte(id)) != nil {
		return true
	}
	// Still in the outbox (sent but not yet recorded, e.g. after a crash).
	found := false
	_ = t.tx.Bucket(bOutbox).ForEach(func(_, v []byte) error {
		var m struct {
			MessageID string `json:"message_id"`
		}
		if json.Unmarshal(v, &m) == nil && m.MessageID == id {
			found = true
		}
		return nil
	})
	return found
}

func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }
