package store

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mekongmigration/govbot/internal/gov"
	bolt "go.etcd.io/bbolt"
)

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

// NextBallotID returns a new ballot id: B1, B2, …
func (t *Tx) NextBallotID() (string, error) {
	n, err := t.tx.Bucket(bBallots).NextSequence()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("B%d", n), nil
}

// PutBallot stores b.
func (t *Tx) PutBallot(b gov.Ballot) error {
	return putJSON(t.tx.Bucket(bBallots), []byte(b.ID), b)
}

// Ballot returns the ballot with id (case-insensitive).
func (t *Tx) Ballot(id string) (gov.Ballot, bool, error) {
	var b gov.Ballot
	ok, err := getJSON(t.tx.Bucket(bBallots), []byte(strings.ToUpper(id)), &b)
	return b, ok, err
}

// Ballots returns every ballot.
func (t *Tx) Ballots() ([]gov.Ballot, error) {
	var out []gov.Ballot
	err := t.tx.Bucket(bBallots).ForEach(func(k, v []byte) error {
		var b gov.Ballot
		if err := json.Unmarshal(v, &b); err != nil {
			return fmt.Errorf("ballot %s: %w", k, err)
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

func (t *Tx) nested(parent []byte, id string, create bool) (*bolt.Bucket, error) {
	p := t.tx.Bucket(parent)
	if create {
		return p.CreateBucketIfNotExists([]byte(id))
	}
	return p.Bucket([]byte(id)), nil
}

// PutVoters records the electorate of ballot id and indexes their tokens.
func (t *Tx) PutVoters(id string, voters []gov.Voter) error {
	b, err := t.nested(bVoters, id, true)
	if err != nil {
		return err
	}
	tokens := t.tx.Bucket(bTokens)
	for _, v := range voters {
		if err := putJSON(b, []byte(v.OrgID), v); err != nil {
			return err
		}
		if err := tokens.Put([]byte(v.Token), []byte(id+"\x00"+v.OrgID)); err != nil {
			return err
		}
	}
	return nil
}

// Voters returns the electorate of ballot id.
func (t *Tx) Voters(id string) ([]gov.Voter, error) {
	b, _ := t.nested(bVoters, id, false)
	if b == nil {
		return nil, nil
	}
	return decodeAll[gov.Voter](b)
}

// Voter returns orgID's entry in ballot id's electorate.
func (t *Tx) Voter(id, orgID string) (gov.Voter, bool, error) {
	b, _ := t.nested(bVoters, id, false)
	if b == nil {
		return gov.Voter{}, false, nil
	}
	var v gov.Voter
	ok, err := getJSON(b, []byte(orgID), &v)
	return v, ok, err
}

// TokenOwner returns the ballot and organisation a token was issued for.
func (t *Tx) TokenOwner(token string) (ballotID, orgID string, ok bool) {
	v := t.tx.Bucket(bTokens).Get([]byte(strings.ToUpper(token)))
	if v == nil {
		return "", "", false
	}
	ballotID, orgID, _ = strings.Cut(string(v), "\x00")
	return ballotID, orgID, true
}

// PutVote records v as its organisation's vote on ballot id, replacing any earlier one.
func (t *Tx) PutVote(id string, v gov.Vote) error {
	b, err := t.nested(bVotes, id, true)
	if err != nil {
		return err
	}
	return putJSON(b, []byte(v.OrgID), v)
}

// Vote returns orgID's current vote on ballot id.
func (t *Tx) Vote(id, orgID string) (*gov.Vote, error) {
	b, _ := t.nested(bVotes, id, false)
	if b == nil {
		return nil, nil
	}
	var v gov.Vote
	ok, err := getJSON(b, []byte(orgID), &v)
	if !ok || err != nil {
		return nil, err
	}
	return &v, nil
}

// Votes returns every vote on ballot id.
func (t *Tx) Votes(id string) ([]gov.Vote, error) {
	b, _ := t.nested(bVotes, id, false)
	if b == nil {
		return nil, nil
	}
	return decodeAll[gov.Vote](b)
}

// HasVoted reports whether orgID has a vote on ballot id.
func (t *Tx) HasVoted(id, orgID string) bool {
	b, _ := t.nested(bVotes, id, false)
	return b != nil && b.Get([]byte(orgID)) != nil
}
