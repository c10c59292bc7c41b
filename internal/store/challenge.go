package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Challenge is a Secretariat command by mail held until the Secretariat confirms
// it by replying to the challenge mail (the confirm-by-reply proof).
type Challenge struct {
	ID string `json:"id"` // X1, X2, …
	// MessageID is the command's message, kept raw beside the record and run
	// again when confirmed.
	MessageID string `json:"message_id"`
	// Address is the Secretariat address the command came from and the challenge
	// went to.
	Address string `json:"address"`
	// Action says what will be done, as mailed in the challenge.
	Action  string    `json:"action"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// State: pending, done, cancelled, expired.
	State   string    `json:"state"`
	Decided time.Time `json:"decided,omitzero"`
	Outcome string    `json:"outcome,omitempty"`
}

// NextChallengeID returns the next challenge id (X1, X2, …).
func (t *Tx) NextChallengeID() (string, error) {
	n, err := t.tx.Bucket(bChallenges).NextSequence()
	return "X" + strconv.FormatUint(n, 10), err
}

// PutChallenge records c and, when raw is not nil, the command's message.
func (t *Tx) PutChallenge(c Challenge, raw []byte) error {
	b := t.tx.Bucket(bChallenges)
	if raw != nil {
		if err := b.Put([]byte(c.ID+"/raw"), raw); err != nil {
			return err
		}
	}
	if c.State != "pending" {
		// Answered: the message is no longer needed.
		if err := b.Delete([]byte(c.ID + "/raw")); err != nil {
			return err
		}
	}
	return putJSON(b, []byte(c.ID), c)
}

// Challenge returns challenge id.
func (t *Tx) Challenge(id string) (Challenge, bool, error) {
	var c Challenge
	ok, err := getJSON(t.tx.Bucket(bChallenges), []byte(strings.ToUpper(id)), &c)
	return c, ok, err
}

// ChallengeWithRaw returns challenge id and the command's message.
func (t *Tx) ChallengeWithRaw(id string) (Challenge, []byte, bool, error) {
	c, ok, err := t.Challenge(id)
	if !ok || err != nil {
		return c, nil, ok, err
	}
	raw := append([]byte(nil), t.tx.Bucket(bChallenges).Get([]byte(c.ID+"/raw"))...)
	return c, raw, true, nil
}

// Challenges returns every challenge, oldest first.
func (t *Tx) Challenges() ([]Challenge, error) {
	var out []Challenge
	err := t.tx.Bucket(bChallenges).ForEach(func(k, v []byte) error {
		if strings.Contains(string(k), "/") {
			return nil
		}
		var c Challenge
		if err := json.Unmarshal(v, &c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	return out, err
}
