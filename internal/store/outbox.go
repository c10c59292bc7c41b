package store

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
)

// OutMail is a rendered mail waiting in the outbox.
type OutMail struct {
	Seq       uint64   `json:"seq"`
	Key       string   `json:"key"`
	Kind      string   `json:"kind"`
	MessageID string   `json:"message_id"` // without angle brackets
	FromName  string   `json:"from_name"`
	From      string   `json:"from"`
	To        []string `json:"to"`
	Cc        []string `json:"cc,omitempty"`
	Subject   string   `json:"subject"`
	Text      string   `json:"text,omitempty"`
	HTML      string   `json:"html,omitempty"`
	// Body names the text and HTML in the bodies bucket when they are kept there:
	// the result of a ballot, the same for every member of a language, is stored
	// once rather than once per recipient. Text and HTML are filled in on reading.
	Body        string           `json:"body,omitempty"`
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
	if err := t.shareBody(&m); err != nil {
		return false, err
	}
	return true, putJSON(ob, u64(seq), m)
}

// bodyShareMin: bodies shorter than this stay inline.
const bodyShareMin = 512

type body struct{ Text, HTML string }

// A stored body is the text's length (4 bytes, big-endian), the text, then the
// HTML: no JSON, so that a 10 KB HTML part is not escaped and unescaped.
func encodeBody(text, html string) []byte {
	v := make([]byte, 4, 4+len(text)+len(html))
	binary.BigEndian.PutUint32(v, uint32(len(text)))
	return append(append(v, text...), html...)
}

func decodeBody(v []byte) (body, bool) {
	if len(v) < 4 {
		return body{}, false
	}
	n := binary.BigEndian.Uint32(v)
	if uint64(n) > uint64(len(v)-4) {
		return body{}, false
	}
	return body{Text: string(v[4 : 4+n]), HTML: string(v[4+n:])}, true
}

// shareBody moves m's text and HTML to the bodies bucket (once per distinct body
// of the transaction) and counts the reference. A body's key is the bucket's
// next sequence number: bodies are added at the end of the bucket and, sent
// in the order they were queued, leave it from its start. (Under random keys,
// as a hash, bbolt rewrote the neighbours of each body added or removed, up to
// four 10 KB bodies a leaf: 35 KB written for each receipt queued, and again
// for each sent.) Stores written before keep their bodies under 16-byte hashes,
// which read and release the same.
func (t *Tx) shareBody(m *OutMail) error {
	if len(m.Text)+len(m.HTML) < bodyShareMin {
		return nil
	}
	refs := t.tx.Bucket(bBodyRefs)
	key, ok := t.bodyKeys[[2]string{m.Text, m.HTML}]
	if !ok {
		bodies := t.tx.Bucket(bBodies)
		seq, err := bodies.NextSequence()
		if err != nil {
			return err
		}
		key = u64(seq)
		if err := bodies.Put(key, encodeBody(m.Text, m.HTML)); err != nil {
			return err
		}
		if t.bodyKeys == nil {
			t.bodyKeys = map[[2]string][]byte{}
		}
		t.bodyKeys[[2]string{m.Text, m.HTML}] = key
	}
	n := uint64(0)
	if v := refs.Get(key); v != nil {
		n = be64(v)
	}
	if err := refs.Put(key, u64(n+1)); err != nil {
		return err
	}
	m.Body, m.Text, m.HTML = hex.EncodeToString(key), "", ""
	return nil
}

// loadBody fills in m's text and HTML from the bodies bucket.
func (t *Tx) loadBody(m *OutMail, cache map[string]body) error {
	if m.Body == "" {
		return nil
	}
	b, ok := cache[m.Body]
	if !ok {
		key, err := hex.DecodeString(m.Body)
		if err != nil {
			return fmt.Errorf("outbox mail %d: body %q: %w", m.Seq, m.Body, err)
		}
		v := t.tx.Bucket(bBodies).Get(key)
		if v == nil {
			return fmt.Errorf("outbox mail %d: body %s missing", m.Seq, m.Body)
		}
		if b, ok = decodeBody(v); !ok {
			return fmt.Errorf("outbox mail %d: body %s damaged", m.Seq, m.Body)
		}
		if cache != nil {
			cache[m.Body] = b
		}
	}
	m.Text, m.HTML = b.Text, b.HTML
	return nil
}

// releaseBody drops m's reference to its shared body, and the body with the last.
func (t *Tx) releaseBody(m OutMail) error {
	if m.Body == "" {
		return nil
	}
	key, err := hex.DecodeString(m.Body)
	if err != nil {
		return nil
	}
	refs := t.tx.Bucket(bBodyRefs)
	v := refs.Get(key)
	if v == nil || be64(v) <= 1 {
		if err := refs.Delete(key); err != nil {
			return err
		}
		return t.tx.Bucket(bBodies).Delete(key)
	}
	return refs.Put(key, u64(be64(v)-1))
}

// stored is m as the outbox keeps it: without the text of a shared body.
func stored(m OutMail) OutMail {
	if m.Body != "" {
		m.Text, m.HTML = "", ""
	}
	return m
}

// MailQueued reports whether a mail with key was ever queued.
func (t *Tx) MailQueued(key string) bool {
	return t.tx.Bucket(bMailKeys).Get([]byte(key)) != nil
}

// DueMail returns up to limit mails whose next attempt is due at now, oldest first.
func (t *Tx) DueMail(now time.Time, limit int) ([]OutMail, error) {
	return t.DueMailAfter(now, 0, limit)
}

// DueMailAfter is DueMail for the mails queued after sequence number after.
func (t *Tx) DueMailAfter(now time.Time, after uint64, limit int) ([]OutMail, error) {
	var out []OutMail
	cache := map[string]body{}
	c := t.tx.Bucket(bOutbox).Cursor()
	for k, v := c.Seek(u64(after + 1)); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Next() {
		var m OutMail
		if err := json.Unmarshal(v, &m); err != nil {
			return nil, err
		}
		if !m.NextAttempt.After(now) {
			if err := t.loadBody(&m, cache); err != nil {
				return nil, err
			}
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
	if ob := t.tx.Bucket(bOutbox); ob.Get(u64(m.Seq)) != nil {
		if err := ob.Delete(u64(m.Seq)); err != nil {
			return err
		}
		if err := t.releaseBody(m); err != nil {
			return err
		}
	}
	s.MessageID, s.Key, s.Kind, s.To, s.Subject, s.Queued, s.Attempts = m.MessageID, m.Key, m.Kind, append(m.To, m.Cc...), m.Subject, m.Date, m.Attempts
	return putJSON(t.tx.Bucket(bSent), []byte(m.MessageID), s)
}

// Retry records a temporary failure and when to try again.
func (t *Tx) Retry(m OutMail, next time.Time, reason string) error {
	m.NextAttempt, m.LastError = next, reason
	return putJSON(t.tx.Bucket(bOutbox), u64(m.Seq), stored(m))
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
