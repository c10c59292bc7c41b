package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mekongmigration/govbot/internal/store"
	bolt "go.etcd.io/bbolt"
)

var headRE = regexp.MustCompile(`; head ([0-9a-f]{64})\n`)

// TestAuditVerifyHead_MailedHeadCatchesRewrittenHistory: the head printed by
// `audit verify` (and mailed to the SC) is checked later with --head. A log that only
// grew extends it; a log whose first entry was rewritten, with every later hash and
// the recorded head recomputed, passes a plain verify but not --head.
func TestAuditVerifyHead_MailedHeadCatchesRewrittenHistory(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "--now", "2026-12-01T08:00:00+07:00", "roster", "import", h.file(t, "roster.csv", rosterCSV))
	h.mustRun(t, "--now", "2026-12-01T09:00:00+07:00", "ballot", "open", "--electorate", "members", "--title", "T", "--question", "Q", "--closes", "2026-12-14")
	out := h.mustRun(t, "audit", "verify")
	m := headRE.FindStringSubmatch(out)
	if !strings.HasPrefix(out, "audit log intact: 2 entries, seq 1-2; head ") || m == nil {
		t.Fatalf("verify: got %q, want the entries, their numbers and the head", out)
	}
	mailed := m[1]

	h.mustRun(t, "--now", "2026-12-02T10:00:00+07:00", "ballot", "open", "--electorate", "members", "--title", "T2", "--question", "Q2", "--closes", "2026-12-14")
	out = h.mustRun(t, "audit", "verify", "--head", strings.ToUpper(mailed))
	if !strings.Contains(out, "audit log intact: 3 entries, seq 1-3; head ") {
		t.Errorf("verify after a third entry: %s", out)
	}
	if want := "the log extends the history mailed with head " + mailed + " (entry 2, 2026-12-01 09:00)\n"; !strings.HasSuffix(out, want) {
		t.Errorf("verify --head: got %q, want it to end %q", out, want)
	}

	// Usage errors: not a hash, a stray argument.
	if code, _, errs := h.run(t, "audit", "verify", "--head", "abc"); code != 2 || !strings.Contains(errs, "64 hexadecimal digits") {
		t.Errorf("--head abc: exit %d, %s", code, errs)
	}
	if code, _, errs := h.run(t, "audit", "verify", mailed); code != 2 || !strings.Contains(errs, "no arguments") {
		t.Errorf("hash without --head: exit %d, %s", code, errs)
	}

	// Someone with the database file rewrites the first entry and recomputes the
	// chain and the recorded head, so that the log is consistent on its own.
	db, err := bolt.Open(filepath.Join(h.dir, "govbot.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		prev := ""
		var last store.AuditEntry
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var e store.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.Seq == 1 {
				e.Detail = "forged " + e.Detail
			}
			e.Prev, e.Hash = prev, ""
			data, _ := json.Marshal(e)
			sum := sha256.Sum256(data)
			e.Hash = hex.EncodeToString(sum[:])
			prev, last = e.Hash, e
			data, _ = json.Marshal(e)
			if err := b.Put(k, data); err != nil {
				return err
			}
		}
		data, _ := json.Marshal(store.AuditHead{Seq: last.Seq, Hash: last.Hash})
		return tx.Bucket([]byte("meta")).Put([]byte("audit_head"), data)
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out := h.mustRun(t, "audit", "verify"); !strings.HasPrefix(out, "audit log intact: 3 entries") {
		t.Fatalf("the forged log should verify on its own: %s", out)
	}
	code, _, errs := h.run(t, "audit", "verify", "--head", mailed)
	if code != 1 || !strings.Contains(errs, "no entry with hash "+mailed) || !strings.Contains(errs, "rewritten") {
		t.Errorf("forged log against the mailed head: exit %d, %s", code, errs)
	}
}
