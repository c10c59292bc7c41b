package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// AuditEntry is one state change in the hash-chained audit log.
type AuditEntry struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	Action string    `json:"action"` // e.g. ballot.open, vote.record, reply.refuse
	Ref    string    `json:"ref,omitempty"`
	Actor  string    `json:"actor,omitempty"`
	Detail string    `json:"detail,omitempty"`
	Prev   string    `json:"prev"`
	Hash   string    `json:"hash"`
}

func (e AuditEntry) digest() string {
	c := e
	c.Hash = ""
	data, _ := json.Marshal(c)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Audit appends an entry to the log, chained to the one before.
func (t *Tx) Audit(action, ref, actor, detail string) error {
	b := t.tx.Bucket(bAudit)
	prev := ""
	if k, v := b.Cursor().Last(); k != nil {
		var last AuditEntry
		if err := json.Unmarshal(v, &last); err != nil {
			return err
		}
		prev = last.Hash
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	e := AuditEntry{Seq: seq, At: t.Now, Action: action, Ref: ref, Actor: actor, Detail: detail, Prev: prev}
	e.Hash = e.digest()
	if err := putJSON(b, u64(seq), e); err != nil {
		return err
	}
	// The head pins the end of the chain, so removing the last entries shows too.
	return putJSON(t.tx.Bucket(bMeta), []byte("audit_head"), AuditHead{Seq: seq, Hash: e.Hash})
}

// AuditHead is the last entry's sequence number and hash.
type AuditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// AuditHead returns the recorded head of the audit log.
func (t *Tx) AuditHead() (AuditHead, error) {
	var h AuditHead
	_, err := getJSON(t.tx.Bucket(bMeta), []byte("audit_head"), &h)
	return h, err
}

// VerifyAuditHead checks the chain and that it ends at head.
func VerifyAuditHead(entries []AuditEntry, head AuditHead) error {
	if err := VerifyAudit(entries); err != nil {
		return err
	}
	if len(entries) == 0 {
		if head.Seq != 0 {
			return fmt.Errorf("audit log is empty but its head records entry %d: entries were removed", head.Seq)
		}
		return nil
	}
	last := entries[len(entries)-1]
	if last.Seq != head.Seq || last.Hash != head.Hash {
		return fmt.Errorf("audit log ends at entry %d but its head records entry %d (%s): entries at the end were removed or changed", last.Seq, head.Seq, head.Hash)
	}
	return nil
}

// AuditLog returns every entry in order.
func (t *Tx) AuditLog() ([]AuditEntry, error) {
	var out []AuditEntry
	err := t.tx.Bucket(bAudit).ForEach(func(k, v []byte) error {
		var e AuditEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("audit %d: %w", be64(k), err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// VerifyAudit checks the chain: every entry's hash matches its content, and each holds
// the hash of the one before. It returns the first broken entry's problem.
func VerifyAudit(entries []AuditEntry) error {
	prev := ""
	for i, e := range entries {
		if e.Prev != prev {
			return fmt.Errorf("audit entry %d (position %d): chain broken: an entry before it was changed, removed or reordered", e.Seq, i+1)
		}
		if e.digest() != e.Hash {
			return fmt.Errorf("audit entry %d (position %d): content does not match its hash", e.Seq, i+1)
		}
		prev = e.Hash
	}
	return nil
}
