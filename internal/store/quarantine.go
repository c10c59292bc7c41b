package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Failure counts the failed attempts to handle one inbound message (an error or a
// panic in its handling), so that it is retried a few times and then quarantined,
// never retried forever.
type Failure struct {
	Key       string    `json:"key"`
	MessageID string    `json:"message_id,omitempty"`
	Attempts  int       `json:"attempts"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Error     string    `json:"error"`
}

// Quarantined is an inbound message set aside after its handling failed repeatedly.
// Its raw bytes are kept (bucket quarantine_raw) until it is retried or dropped.
type Quarantined struct {
	ID          string    `json:"id"` // Q1, Q2, …
	MessageID   string    `json:"message_id"`
	At          time.Time `json:"at"`
	Mailbox     string    `json:"mailbox,omitempty"`
	UIDValidity uint32    `json:"uidvalidity,omitempty"`
	UID         uint32    `json:"uid,omitempty"`
	From        string    `json:"from,omitempty"`
	Subject     string    `json:"subject,omitempty"`
	Size        int64     `json:"size"`
	Attempts    int       `json:"attempts"`
	Error       string    `json:"error"`
}

// RecordFailure adds one failed attempt to the message known by key and returns
// the record as it now stands.
func (t *Tx) RecordFailure(key, messageID, errText string) (Failure, error) {
	b := t.tx.Bucket(bFailures)
	var f Failure
	if _, err := getJSON(b, []byte(key), &f); err != nil {
		return f, err
	}
	if f.Attempts == 0 {
		f = Failure{Key: key, First: t.Now}
	}
	f.Attempts++
	f.Last = t.Now
	f.MessageID = messageID
	f.Error = errText
	return f, putJSON(b, []byte(key), f)
}

// Failure returns the failed attempts recorded for key.
func (t *Tx) Failure(key string) (Failure, bool, error) {
	var f Failure
	ok, err := getJSON(t.tx.Bucket(bFailures), []byte(key), &f)
	return f, ok, err
}

// ClearFailure forgets the failed attempts of key (the message was handled after all).
func (t *Tx) ClearFailure(key string) error {
	return t.tx.Bucket(bFailures).Delete([]byte(key))
}

// Quarantine sets q aside with its raw bytes, gives it the next id (Q1, Q2, …) and
// returns it.
func (t *Tx) Quarantine(q Quarantined, raw []byte) (Quarantined, error) {
	b := t.tx.Bucket(bQuarantine)
	seq, err := b.NextSequence()
	if err != nil {
		return q, err
	}
	q.ID = "Q" + strconv.FormatUint(seq, 10)
	if err := putJSON(b, []byte(q.ID), q); err != nil {
		return q, err
	}
	return q, t.tx.Bucket(bQuarantineRaw).Put([]byte(q.ID), raw)
}

// QuarantinedMessage returns the quarantined message id and its raw bytes.
func (t *Tx) QuarantinedMessage(id string) (Quarantined, []byte, bool, error) {
	var q Quarantined
	ok, err := getJSON(t.tx.Bucket(bQuarantine), []byte(strings.ToUpper(id)), &q)
	if !ok || err != nil {
		return q, nil, ok, err
	}
	raw := append([]byte(nil), t.tx.Bucket(bQuarantineRaw).Get([]byte(q.ID))...)
	return q, raw, true, nil
}

// QuarantineList returns every quarantined message, oldest first.
func (t *Tx) QuarantineList() ([]Quarantined, error) {
	var out []Quarantined
	err := t.tx.Bucket(bQuarantine).ForEach(func(k, v []byte) error {
		var q Quarantined
		if err := json.Unmarshal(v, &q); err != nil {
			return fmt.Errorf("quarantine %s: %w", k, err)
		}
		out = append(out, q)
		return nil
	})
	sortQuarantine(out)
	return out, err
}

func sortQuarantine(qs []Quarantined) {
	num := func(id string) int { n, _ := strconv.Atoi(strings.TrimPrefix(id, "Q")); return n }
	for i := 1; i < len(qs); i++ {
		for j := i; j > 0 && num(qs[j].ID) < num(qs[j-1].ID); j-- {
			qs[j], qs[j-1] = qs[j-1], qs[j]
		}
	}
}

// Unquarantine removes a quarantined message and its raw bytes.
func (t *Tx) Unquarantine(id string) error {
	id = strings.ToUpper(id)
	if err := t.tx.Bucket(bQuarantine).Delete([]byte(id)); err != nil {
		return err
	}
	return t.tx.Bucket(bQuarantineRaw).Delete([]byte(id))
}

// ForgetProcessed removes the record that Message-ID id was handled (its content
// hash too), so that it can be handled again: for a quarantined message retried.
func (t *Tx) ForgetProcessed(id string) error {
	var p Processed
	ok, err := getJSON(t.tx.Bucket(bProcessed), []byte(id), &p)
	if err != nil || !ok {
		return err
	}
	if p.Hash != "" {
		if err := t.tx.Bucket(bHashes).Delete([]byte(p.Hash)); err != nil {
			return err
		}
	}
	return t.tx.Bucket(bProcessed).Delete([]byte(id))
}

// ExpireRaw removes the raw bytes kept of unreadable messages (bucket raw) recorded
// before cutoff, and returns how many it removed. The processed record stays.
func (t *Tx) ExpireRaw(cutoff time.Time) (int, error) {
	raw := t.tx.Bucket(bRaw)
	proc := t.tx.Bucket(bProcessed)
	var old [][]byte
	err := raw.ForEach(func(k, _ []byte) error {
		var p Processed
		ok, err := getJSON(proc, k, &p)
		if err != nil {
			return err
		}
		if !ok || p.At.Before(cutoff) {
			old = append(old, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range old {
		if err := raw.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}

// RawKept returns how many messages' raw bytes are kept, and their total size.
func (t *Tx) RawKept() (n int, size int64) {
	_ = t.tx.Bucket(bRaw).ForEach(func(_, v []byte) error {
		n++
		size += int64(len(v))
		return nil
	})
	return n, size
}

// HoldApplication notes a direct application opened without mail in hour (a
// "2006-01-02T15" string), for the summary sent after that hour.
func (t *Tx) HoldApplication(hour, caseID, name, from string) error {
	b := t.tx.Bucket(bMeta)
	k := []byte("held/" + hour)
	var list [][3]string
	if _, err := getJSON(b, k, &list); err != nil {
		return err
	}
	list = append(list, [3]string{caseID, name, from})
	return putJSON(b, k, list)
}

// HeldApplications returns the hours before hour with held applications, each with
// its list (case id, name, sender), oldest first.
func (t *Tx) HeldApplications(before string) (map[string][][3]string, error) {
	out := map[string][][3]string{}
	c := t.tx.Bucket(bMeta).Cursor()
	prefix := []byte("held/")
	for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), "held/"); k, v = c.Next() {
		hour := strings.TrimPrefix(string(k), "held/")
		if hour >= before {
			continue
		}
		var list [][3]string
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, err
		}
		out[hour] = list
	}
	return out, nil
}

// ClearHeld removes the held list of hour once summarised.
func (t *Tx) ClearHeld(hour string) error {
	return t.tx.Bucket(bMeta).Delete([]byte("held/" + hour))
}
