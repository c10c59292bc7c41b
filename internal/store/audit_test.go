package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// auditDB writes n audit entries, one a minute from t0, and returns the store.
func auditDB(tb testing.TB, n int) *DB {
	tb.Helper()
	db := openTemp(tb)
	appendAudit(tb, db, 0, n)
	return db
}

// appendAudit writes entries from..to-1 (numbered by position, one a minute from t0).
func appendAudit(tb testing.TB, db *DB, from, to int) {
	tb.Helper()
	for i := from; i < to; i++ {
		if err := db.Update(t0.Add(time.Duration(i)*time.Minute), func(tx *Tx) error {
			return tx.Audit("vote.record", "B1", fmt.Sprintf("org%d@x.example", i), "YES")
		}); err != nil {
			tb.Fatal(err)
		}
	}
}

// auditEntries reads the log and its recorded head.
func auditEntries(tb testing.TB, db *DB) ([]AuditEntry, AuditHead) {
	tb.Helper()
	var entries []AuditEntry
	var head AuditHead
	view(tb, db, func(tx *Tx) error {
		var err error
		if entries, err = tx.AuditLog(); err != nil {
			return err
		}
		head, err = tx.AuditHead()
		return err
	})
	return entries, head
}

// rechain recomputes every entry's Prev and Hash from position i on, as a forger
// who controls the whole file would: the chain is consistent again.
func rechain(entries []AuditEntry, i int) {
	for ; i < len(entries); i++ {
		entries[i].Prev = ""
		if i > 0 {
			entries[i].Prev = entries[i-1].Hash
		}
		entries[i].Hash = entries[i].digest()
	}
}

// TestAuditSeq_GapsNamed: an entry removed from the middle, even with every later
// hash recomputed so that the chain holds, shows as the missing sequence numbers.
func TestAuditSeq_GapsNamed(t *testing.T) {
	db := auditDB(t, 10)
	entries, head := auditEntries(t, db)
	if err := VerifyAuditHead(entries, head); err != nil {
		t.Fatalf("intact log: %v", err)
	}
	tests := []struct {
		name   string
		remove []int // positions, descending
		want   string
	}{
		{"one", []int{2}, "missing 3)"},
		{"two apart", []int{6, 2}, "missing 3, 7)"},
		{"a run", []int{5, 4, 3}, "missing 4-6)"},
		{"the first", []int{0}, "missing 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forged := append([]AuditEntry(nil), entries...)
			for _, i := range tt.remove {
				forged = append(forged[:i], forged[i+1:]...)
			}
			rechain(forged, 0)
			err := VerifyAudit(forged)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "not consecutive from 1") {
				t.Errorf("got %v, want an error naming %q", err, tt.want)
			}
		})
	}
	// Removed in the database file itself: the chain and the numbering both break;
	// the numbering is reported, naming what is gone.
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(u64(4)) }); err != nil {
		t.Fatal(err)
	}
	entries, head = auditEntries(t, db)
	if err := VerifyAuditHead(entries, head); err == nil || !strings.Contains(err.Error(), "missing 4)") {
		t.Errorf("entry 4 deleted from the file: got %v, want missing 4", err)
	}
}

// TestAuditSeq_RepeatsNamed: an entry added with a number already used, or the
// numbers swapped, is named even when the hash chain was made consistent.
func TestAuditSeq_RepeatsNamed(t *testing.T) {
	entries, _ := auditEntries(t, auditDB(t, 5))

	dup := append(append(append([]AuditEntry(nil), entries[:3]...), entries[2]), entries[3:]...)
	dup[3].Detail = "NO"
	rechain(dup, 3)
	if err := VerifyAudit(dup); err == nil || !strings.Contains(err.Error(), "repeated 3") {
		t.Errorf("a second entry 3: got %v, want repeated 3", err)
	}

	swapped := append([]AuditEntry(nil), entries...)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	rechain(swapped, 0)
	if err := VerifyAudit(swapped); err == nil || !strings.Contains(err.Error(), "out of order: entry 3 at position 2") {
		t.Errorf("entries 2 and 3 swapped: got %v, want out of order", err)
	}

	zero := append([]AuditEntry(nil), entries...)
	zero[0].Seq = 0
	rechain(zero, 0)
	if err := VerifyAudit(zero); err == nil || !strings.Contains(err.Error(), "numbered below 1: 0") || !strings.Contains(err.Error(), "missing 1;") {
		t.Errorf("an entry 0: got %v, want it named", err)
	}
}

// TestAuditHead_MailedHeadCatchesRewrittenHistory: the SC was mailed the head after
// entry 4. Someone later rewrites entry 2 and recomputes every later hash: the log
// verifies on its own, and its recorded head matches, but the mailed head is no
// longer in it.
func TestAuditHead_MailedHeadCatchesRewrittenHistory(t *testing.T) {
	db := auditDB(t, 4)
	var mailed string
	view(t, db, func(tx *Tx) error { mailed = tx.AuditHeadHash(); return nil })
	appendAudit(t, db, 4, 8)
	entries, _ := auditEntries(t, db)
	if mailed != entries[3].Hash {
		t.Fatalf("AuditHeadHash after 4 entries: got %s, want entry 4's hash %s", mailed, entries[3].Hash)
	}
	firstMailed := entries[0].Hash

	forged := append([]AuditEntry(nil), entries...)
	forged[1].Detail = "NO"
	rechain(forged, 1)
	if err := VerifyAuditHead(forged, AuditHead{Seq: 8, Hash: forged[7].Hash}); err != nil {
		t.Fatalf("the forged log should be consistent on its own: %v", err)
	}
	_, err := VerifyAuditExtends(forged, mailed)
	if !errors.Is(err, ErrAuditHeadUnknown) || !strings.Contains(err.Error(), "rewritten") {
		t.Errorf("forged log against the head mailed at entry 4: got %v, want ErrAuditHeadUnknown", err)
	}
	// A head mailed before the rewritten entry still holds: the history it was
	// mailed for is intact; the rewrite shows against every head mailed after it.
	if e, err := VerifyAuditExtends(forged, firstMailed); err != nil || e.Seq != 1 {
		t.Errorf("head mailed at entry 1: got entry %d, %v; want entry 1, nil", e.Seq, err)
	}

	// Rewritten without recomputing: the mailed head is found, but what leads to it
	// or follows from it does not verify.
	before := append([]AuditEntry(nil), entries...)
	before[1].Detail = "NO"
	if _, err := VerifyAuditExtends(before, mailed); err == nil || !strings.Contains(err.Error(), "the history up to the mailed head (entry 4)") {
		t.Errorf("entry 2 edited in place: got %v, want the history up to entry 4 broken", err)
	}
	after := append([]AuditEntry(nil), entries...)
	after[5].Detail = "NO"
	if _, err := VerifyAuditExtends(after, mailed); err == nil || !strings.Contains(err.Error(), "after the mailed head (entry 4)") || !strings.Contains(err.Error(), "audit entry 6") {
		t.Errorf("entry 6 edited in place: got %v, want entry 6 named after the head", err)
	}
	gap := append(append([]AuditEntry(nil), entries[:5]...), entries[6:]...)
	rechain(gap, 5)
	if _, err := VerifyAuditExtends(gap, mailed); err == nil || !strings.Contains(err.Error(), "not consecutive from 5 (missing 6)") {
		t.Errorf("entry 6 removed after the head: got %v, want missing 6", err)
	}
}

// TestAuditHead_GenuineLaterLogExtendsMailedHead: a log that only grew since the
// mail extends the head it carried; the entry found says when that was.
func TestAuditHead_GenuineLaterLogExtendsMailedHead(t *testing.T) {
	db := auditDB(t, 3)
	var mailed string
	view(t, db, func(tx *Tx) error { mailed = tx.AuditHeadHash(); return nil })
	appendAudit(t, db, 3, 20)
	entries, head := auditEntries(t, db)
	if err := VerifyAuditHead(entries, head); err != nil {
		t.Fatalf("VerifyAuditHead: %v", err)
	}
	for _, h := range []string{mailed, strings.ToUpper(mailed), " " + mailed + "\n"} {
		e, err := VerifyAuditExtends(entries, h)
		if err != nil {
			t.Fatalf("VerifyAuditExtends(%q): %v", h, err)
		}
		if e.Seq != 3 || !e.At.Equal(t0.Add(2*time.Minute)) || e.Hash != mailed {
			t.Errorf("got entry %d at %v, want entry 3 at %v", e.Seq, e.At, t0.Add(2*time.Minute))
		}
	}
	if e, err := VerifyAuditExtends(entries, head.Hash); err != nil || e.Seq != 20 {
		t.Errorf("the current head: got entry %d, %v; want entry 20", e.Seq, err)
	}
	for _, h := range []string{"", strings.Repeat("0", 64)} {
		if _, err := VerifyAuditExtends(entries, h); !errors.Is(err, ErrAuditHeadUnknown) {
			t.Errorf("VerifyAuditExtends(%q): got %v, want ErrAuditHeadUnknown", h, err)
		}
	}
	if got := openTemp(t); true {
		var h string
		view(t, got, func(tx *Tx) error { h = tx.AuditHeadHash(); return nil })
		if h != "" {
			t.Errorf("AuditHeadHash of an empty log: got %q, want \"\"", h)
		}
	}
}
