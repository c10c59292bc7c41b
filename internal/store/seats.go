package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mekongmigration/govbot/internal/gov"
)

// NextNominationID returns a new nomination id: N1, N2, …
func (t *Tx) NextNominationID() (string, error) {
	n, err := t.tx.Bucket(bNominations).NextSequence()
	return fmt.Sprintf("N%d", n), err
}

// PutNomination stores n.
func (t *Tx) PutNomination(n gov.Nomination) error {
	return putJSON(t.tx.Bucket(bNominations), []byte(n.ID), n)
}

// Nomination returns the nomination with id.
func (t *Tx) Nomination(id string) (gov.Nomination, bool, error) {
	var n gov.Nomination
	ok, err := getJSON(t.tx.Bucket(bNominations), []byte(strings.ToUpper(id)), &n)
	return n, ok, err
}

// Nominations returns every nomination.
func (t *Tx) Nominations() ([]gov.Nomination, error) {
	var out []gov.Nomination
	err := t.tx.Bucket(bNominations).ForEach(func(k, v []byte) error {
		var n gov.Nomination
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("nomination %s: %w", k, err)
		}
		out = append(out, n)
		return nil
	})
	return out, err
}

// AddSeatHistory records terms that ended.
func (t *Tx) AddSeatHistory(terms ...gov.SeatTerm) error {
	b := t.tx.Bucket(bSeatHistory)
	for _, h := range terms {
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		if err := putJSON(b, u64(seq), h); err != nil {
			return err
		}
	}
	return nil
}

// SeatHistory returns every term that ended, oldest first.
func (t *Tx) SeatHistory() ([]gov.SeatTerm, error) {
	var out []gov.SeatTerm
	err := t.tx.Bucket(bSeatHistory).ForEach(func(k, v []byte) error {
		var h gov.SeatTerm
		if err := json.Unmarshal(v, &h); err != nil {
			return err
		}
		out = append(out, h)
		return nil
	})
	return out, err
}
