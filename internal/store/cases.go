package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mekongmigration/govbot/internal/gov"
)

// NextCaseID returns a new case id: A1, A2, …
func (t *Tx) NextCaseID() (string, error) {
	n, err := t.tx.Bucket(bCases).NextSequence()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("A%d", n), nil
}

// PutCase stores a.
func (t *Tx) PutCase(a gov.Application) error { return putJSON(t.tx.Bucket(bCases), []byte(a.ID), a) }

// Case returns the case with id (case-insensitive).
func (t *Tx) Case(id string) (gov.Application, bool, error) {
	var a gov.Application
	ok, err := getJSON(t.tx.Bucket(bCases), []byte(strings.ToUpper(id)), &a)
	return a, ok, err
}

// Cases returns every case.
func (t *Tx) Cases() ([]gov.Application, error) {
	var out []gov.Application
	err := t.tx.Bucket(bCases).ForEach(func(k, v []byte) error {
		var a gov.Application
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("case %s: %w", k, err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// PutOpinion records o as its organisation's opinion on case id, replacing any earlier one.
func (t *Tx) PutOpinion(id string, o gov.Opinion) error {
	b, err := t.nested(bOpinions, id, true)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(o.OrgID), o)
}

// Opinion returns orgID's opinion on case id.
func (t *Tx) Opinion(id, orgID string) (*gov.Opinion, error) {
	b, _ := t.nested(bOpinions, id, false)
	if b == nil {
		return nil, nil
	}
	var o gov.Opinion
	ok, err := getJSON(b, []byte(orgID), &o)
	if !ok || err != nil {
		return nil, err
	}
	return &o, nil
}

// Opinions returns every opinion on case id.
func (t *Tx) Opinions(id string) ([]gov.Opinion, error) {
	b, _ := t.nested(bOpinions, id, false)
	if b == nil {
		return nil, nil
	}
	var out []gov.Opinion
	err := b.ForEach(func(k, v []byte) error {
		var o gov.Opinion
		if err := json.Unmarshal(v, &o); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, err
}

// HasOpinion reports whether orgID gave an opinion on case id.
func (t *Tx) HasOpinion(id, orgID string) bool {
	b, _ := t.nested(bOpinions, id, false)
	return b != nil && b.Get([]byte(orgID)) != nil
}

// PutTokenOwner indexes a token that is not a voter's (the Secretariat's or the
// applicant's token for a case).
func (t *Tx) PutTokenOwner(token, id, who string) error {
	return t.tx.Bucket(bTokens).Put([]byte(token), []byte(id+"\x00"+who))
}
