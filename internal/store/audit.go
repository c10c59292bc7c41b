package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
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

// AuditHeadHash returns the hash of the last audit entry, as it stands within t, or
// "" when the log is empty or its head cannot be read. It is the head printed in the
// mails to the SC, which `govbot audit verify --head` checks the log against later.
func (t *Tx) AuditHeadHash() string {
	h, err := t.AuditHead()
	if err != nil {
		return ""
	}
	return h.Hash
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

// VerifyAudit checks the log: its sequence numbers run 1, 2, 3, … with none missing
// or repeated, every entry's hash matches its content, and each holds the hash of the
// one before. It returns the first problem it finds.
func VerifyAudit(entries []AuditEntry) error {
	return verifyChain(entries, 0, AuditEntry{})
}

// verifyChain checks entries as the continuation of the log after its first skip
// entries, the last of which is from (the zero entry when skip is 0).
func verifyChain(entries []AuditEntry, skip int, from AuditEntry) error {
	if err := checkSeq(entries, from.Seq+1, skip); err != nil {
		return err
	}
	prev := from.Hash
	for i, e := range entries {
		if e.Prev != prev {
			return fmt.Errorf("audit entry %d (position %d): chain broken: an entry before it was changed, removed or reordered", e.Seq, skip+i+1)
		}
		if e.digest() != e.Hash {
			return fmt.Errorf("audit entry %d (position %d): content does not match its hash", e.Seq, skip+i+1)
		}
		prev = e.Hash
	}
	return nil
}

// ErrAuditHeadUnknown means no entry of the audit log has the head hash asked for.
var ErrAuditHeadUnknown = errors.New("the history mailed with that head was rewritten, or the hash is wrong")

// VerifyAuditExtends proves that entries extend the history whose head hash was
// mailed: an entry has hash headHash, the chain from the first entry up to it
// verifies (so that history is exactly the one the hash was computed over), and every
// later entry chains from it. It returns that entry, whose Seq and At say when the
// head was current. A head hash that no entry has gives ErrAuditHeadUnknown.
//
// A history rewritten before the mailed head, even with every later hash recomputed
// into a consistent chain, no longer holds the mailed hash; one rewritten only after
// it shows against a later mail's head.
func VerifyAuditExtends(entries []AuditEntry, headHash string) (AuditEntry, error) {
	h := strings.ToLower(strings.TrimSpace(headHash))
	if h == "" {
		return AuditEntry{}, fmt.Errorf("audit head: empty hash: %w", ErrAuditHeadUnknown)
	}
	at := -1
	for i, e := range entries {
		if e.Hash == h {
			at = i
			break
		}
	}
	if at < 0 {
		if err := VerifyAudit(entries); err != nil {
			return AuditEntry{}, fmt.Errorf("audit log has no entry with hash %s: %w; besides, %w", h, ErrAuditHeadUnknown, err)
		}
		return AuditEntry{}, fmt.Errorf("audit log has no entry with hash %s: %w", h, ErrAuditHeadUnknown)
	}
	head := entries[at]
	if err := verifyChain(entries[:at+1], 0, AuditEntry{}); err != nil {
		return head, fmt.Errorf("the history up to the mailed head (entry %d) does not verify: %w", head.Seq, err)
	}
	if err := verifyChain(entries[at+1:], at+1, head); err != nil {
		return head, fmt.Errorf("the entries after the mailed head (entry %d) do not chain from it: %w", head.Seq, err)
	}
	return head, nil
}

// checkSeq checks that entries, which follow the first skip entries of the log, are
// numbered first, first+1, … in order, and else names the sequence numbers missing,
// repeated, out of range or out of order.
func checkSeq(entries []AuditEntry, first uint64, skip int) error {
	bad := -1
	for i, e := range entries {
		if e.Seq != first+uint64(i) {
			bad = i
			break
		}
	}
	if bad < 0 {
		return nil
	}
	count := make(map[uint64]int, len(entries))
	var below []uint64
	for _, e := range entries {
		if e.Seq < first {
			below = append(below, e.Seq)
			continue
		}
		count[e.Seq]++
	}
	seqs := make([]uint64, 0, len(count))
	var repeated []uint64
	for s, n := range count {
		seqs = append(seqs, s)
		if n > 1 {
			repeated = append(repeated, s)
		}
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	sort.Slice(repeated, func(i, j int) bool { return repeated[i] < repeated[j] })
	var missing [][2]uint64 // ranges, inclusive
	next := first
	for _, s := range seqs {
		if s > next {
			missing = append(missing, [2]uint64{next, s - 1})
		}
		next = s + 1
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+seqRanges(missing))
	}
	if len(repeated) > 0 {
		r := make([][2]uint64, len(repeated))
		for i, s := range repeated {
			r[i] = [2]uint64{s, s}
		}
		parts = append(parts, "repeated "+seqRanges(r))
	}
	if len(below) > 0 {
		r := make([][2]uint64, len(below))
		for i, s := range below {
			r[i] = [2]uint64{s, s}
		}
		parts = append(parts, fmt.Sprintf("numbered below %d: %s", first, seqRanges(r)))
	}
	if len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("out of order: entry %d at position %d", entries[bad].Seq, skip+bad+1))
	}
	return fmt.Errorf("audit log sequence numbers are not consecutive from %d (%s): entries were removed, added or reordered", first, strings.Join(parts, "; "))
}

// seqRanges writes ranges as "3, 5-9, 12", at most ten of them.
func seqRanges(rs [][2]uint64) string {
	const most = 10
	var b strings.Builder
	for i, r := range rs {
		if i == most {
			fmt.Fprintf(&b, " and %d more", len(rs)-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatUint(r[0], 10))
		if r[1] != r[0] {
			b.WriteString("-" + strconv.FormatUint(r[1], 10))
		}
	}
	return b.String()
}
