package store

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mekongmigration/govbot/internal/gov"
)

var t0 = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)

// openTemp opens a new store in a temporary directory, closed at the end of the test.
func openTemp(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "govbot.db"), time.Second)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// update runs fn in a read-write transaction at t0 and fails the test on error.
func update(tb testing.TB, db *DB, fn func(*Tx) error) {
	tb.Helper()
	if err := db.Update(t0, fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

// view runs fn in a read-only transaction and fails the test on error.
func view(tb testing.TB, db *DB, fn func(*Tx) error) {
	tb.Helper()
	if err := db.View(fn); err != nil {
		tb.Fatalf("View: %v", err)
	}
}

func TestOpenCreatesBucketsAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "govbot.db")
	db, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var secret []byte
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if tx.Bucket(b.name) == nil {
				t.Errorf("got no bucket %s, want it created", b.name)
			}
		}
		if got := string(tx.Bucket(bMeta).Get([]byte("schema"))); got != "1" {
			t.Errorf("got schema %q, want %q", got, "1")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	view(t, db, func(tx *Tx) error { secret = tx.Secret(); return nil })
	if len(secret) != 32 {
		t.Errorf("got a %d-byte secret, want 32", len(secret))
	}
	if db.Path() != path || db.Size() <= 0 {
		t.Errorf("got path %q size %d, want %q and a size", db.Path(), db.Size(), path)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopening keeps the secret: tokens already mailed stay valid.
	db, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	view(t, db, func(tx *Tx) error {
		if got := tx.Secret(); string(got) != string(secret) {
			t.Errorf("got a new secret after reopening, want the same")
		}
		return nil
	})
}

// TestBucketsDeclaredOnce: every bucket has one name and says what it holds.
func TestBucketsDeclaredOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, b := range allBuckets {
		if seen[string(b.name)] {
			t.Errorf("bucket %s declared twice", b.name)
		}
		seen[string(b.name)] = true
		if strings.TrimSpace(b.holds) == "" {
			t.Errorf("bucket %s does not say what it holds", b.name)
		}
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	tests := []struct {
		name, schema string
	}{
		{"newer", "2"},
		{"much newer", "100"},
		{"garbage", "v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "govbot.db")
			db, err := Open(path, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if err := b.Update(func(tx *bolt.Tx) error {
				return tx.Bucket(bMeta).Put([]byte("schema"), []byte(tt.schema))
			}); err != nil {
				t.Fatal(err)
			}
			b.Close()

			db, err = Open(path, time.Second)
			if err == nil {
				db.Close()
				t.Fatalf("got no error opening schema %q, want a refusal", tt.schema)
			}
			if !strings.Contains(err.Error(), "newer") {
				t.Errorf("got error %q, want it to say the file is newer", err)
			}
			// The refusal released the file: it can be opened (and repaired) directly.
			b, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatalf("got %v reopening after a refusal, want the lock released", err)
			}
			b.Close()
		})
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "govbot.db")
	db, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	db2, err := Open(path, 200*time.Millisecond)
	elapsed := time.Since(start)
	if err == nil {
		db2.Close()
		t.Fatal("got a second handle on a locked file, want ErrLocked")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("got error %v, want ErrLocked", err)
	}
	if elapsed < 150*time.Millisecond || elapsed > 5*time.Second {
		t.Errorf("got ErrLocked after %v, want about the 200ms timeout", elapsed)
	}
}

func org(id, contact, alternate string) gov.Org {
	return gov.Org{ID: id, Name: "Org " + id, Kind: gov.Regular, Country: "TH", Language: "en",
		Contact: gov.Person{Email: contact}, Alternate: gov.Person{Email: alternate}}
}

// owner returns the id of the organisation addr resolves to, or "".
func owner(tb testing.TB, tx *Tx, addr string) string {
	tb.Helper()
	o, ok, err := tx.OrgByAddress(addr)
	if err != nil {
		tb.Fatalf("OrgByAddress(%s): %v", addr, err)
	}
	if !ok {
		return ""
	}
	return o.ID
}

func TestRoster_AddressIndex(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		if err := tx.PutOrg(org("A", "Alice@A.example", "alt@a.example")); err != nil {
			return err
		}
		return tx.PutOrg(org("B", "bob@b.example", ""))
	})
	view(t, db, func(tx *Tx) error {
		tests := []struct{ addr, want string }{
			{"alice@a.example", "A"},
			{"ALICE@A.EXAMPLE", "A"},
			{"  Alt@A.example ", "A"},
			{"bob@b.example", "B"},
			{"nobody@example.org", ""},
		}
		for _, tt := range tests {
			if got := owner(t, tx, tt.addr); got != tt.want {
				t.Errorf("OrgByAddress(%q): got %q, want %q", tt.addr, got, tt.want)
			}
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		if len(orgs) != 2 || orgs[0].ID != "A" || orgs[1].ID != "B" {
			t.Errorf("got orgs %v, want A and B in id order", orgs)
		}
		return nil
	})

	// An address owned by another organisation is refused, and nothing changes.
	err := db.Update(t0, func(tx *Tx) error { return tx.PutOrg(org("B", "bob@b.example", "ALICE@a.example")) })
	if !errors.Is(err, ErrAddressInUse) || !strings.Contains(err.Error(), "alice@a.example") {
		t.Errorf("got error %v, want ErrAddressInUse naming alice@a.example", err)
	}
	// Changing an org's own address frees the old one.
	update(t, db, func(tx *Tx) error { return tx.PutOrg(org("A", "alice@a.example", "alt2@a.example")) })
	view(t, db, func(tx *Tx) error {
		for addr, want := range map[string]string{"alice@a.example": "A", "alt@a.example": "", "alt2@a.example": "A", "bob@b.example": "B"} {
			if got := owner(t, tx, addr); got != want {
				t.Errorf("OrgByAddress(%q): got %q, want %q", addr, got, want)
			}
		}
		return nil
	})
}

func TestRoster_ImportOrgs(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		added, updated, err := tx.ImportOrgs([]gov.Org{org("A", "a@x.example", ""), org("B", "b@x.example", ""), org("C", "c@x.example", "")})
		if err != nil {
			return err
		}
		if added != 3 || updated != 0 {
			t.Errorf("got added %d updated %d, want 3 and 0", added, updated)
		}
		return nil
	})

	// Re-import updates: C changes address; A is unchanged.
	update(t, db, func(tx *Tx) error {
		c := org("C", "c2@x.example", "")
		c.Name = "Renamed"
		added, updated, err := tx.ImportOrgs([]gov.Org{org("A", "a@x.example", ""), c, org("D", "d@x.example", "")})
		if err != nil {
			return err
		}
		if added != 1 || updated != 2 {
			t.Errorf("got added %d updated %d, want 1 and 2", added, updated)
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		for addr, want := range map[string]string{"a@x.example": "A", "c@x.example": "", "c2@x.example": "C", "d@x.example": "D", "b@x.example": "B"} {
			if got := owner(t, tx, addr); got != want {
				t.Errorf("after re-import OrgByAddress(%q): got %q, want %q", addr, got, want)
			}
		}
		if c, _, _ := tx.Org("C"); c.Name != "Renamed" {
			t.Errorf("got C named %q, want Renamed", c.Name)
		}
		return nil
	})

	// An import may not take an address from an organisation it does not touch.
	err := db.Update(t0, func(tx *Tx) error {
		_, _, err := tx.ImportOrgs([]gov.Org{org("E", "b@x.example", "")})
		return err
	})
	if err == nil {
		t.Errorf("got no error importing E with B's address, want a refusal")
	}

	// Two organisations swap addresses within one import.
	if err := db.Update(t0, func(tx *Tx) error {
		_, _, err := tx.ImportOrgs([]gov.Org{org("A", "b@x.example", ""), org("B", "a@x.example", "")})
		return err
	}); err != nil {
		t.Fatalf("got %v swapping A's and B's addresses, want the swap accepted", err)
	}
	view(t, db, func(tx *Tx) error {
		if a, _, _ := tx.Org("A"); a.Contact.Email != "b@x.example" {
			t.Errorf("got A's contact %q, want b@x.example", a.Contact.Email)
		}
		if got := owner(t, tx, "a@x.example"); got != "B" {
			t.Errorf("after the swap a@x.example: got %q, want B", got)
		}
		return nil
	})
	t.Run("index after swap", func(t *testing.T) {
		view(t, db, func(tx *Tx) error {
			if got := owner(t, tx, "b@x.example"); got != "A" {
				t.Errorf("regression: store/roster.go ImportOrgs: after swapping, b@x.example resolves to %q, want A "+
					"(PutOrg(B) deletes B's old addresses from the index, removing the entry just written for A)", got)
			}
			return nil
		})
	})
}

func TestSeats_Replace(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		return tx.ReplaceSeats([]gov.Seat{{Seat: "thailand", OrgID: "A", Voting: true}, {Seat: "cambodia", OrgID: "B", Voting: true}})
	})
	update(t, db, func(tx *Tx) error {
		return tx.ReplaceSeats([]gov.Seat{{Seat: gov.RegionalCoordinator, OrgID: "C"}})
	})
	view(t, db, func(tx *Tx) error {
		seats, err := tx.Seats()
		if err != nil {
			return err
		}
		if len(seats) != 1 || seats[0].OrgID != "C" {
			t.Errorf("got seats %+v, want only the RC", seats)
		}
		return nil
	})
}

func TestBallots_VotersTokensVotes(t *testing.T) {
	db := openTemp(t)
	voters := []gov.Voter{
		{OrgID: "A", Name: "Org A", Addresses: []string{"a@x.example"}, Token: "B1-AAAAAAAA"},
		{OrgID: "B", Name: "Org B", Addresses: []string{"b@x.example"}, Token: "B1-BBBBBBBB"},
	}
	update(t, db, func(tx *Tx) error {
		id, err := tx.NextBallotID()
		if err != nil {
			return err
		}
		if id != "B1" {
			t.Errorf("got first ballot id %q, want B1", id)
		}
		if id2, _ := tx.NextBallotID(); id2 != "B2" {
			t.Errorf("got second ballot id %q, want B2", id2)
		}
		if err := tx.PutBallot(gov.Ballot{ID: "B1", Title: "T", ElectorateSize: 2}); err != nil {
			return err
		}
		return tx.PutVoters("B1", voters)
	})
	view(t, db, func(tx *Tx) error {
		b, ok, err := tx.Ballot("b1")
		if err != nil || !ok || b.Title != "T" {
			t.Errorf("Ballot(b1): got %+v %v %v, want the ballot", b, ok, err)
		}
		got, err := tx.Voters("B1")
		if err != nil || len(got) != 2 {
			t.Errorf("Voters: got %v %v, want 2", got, err)
		}
		if v, ok, _ := tx.Voter("B1", "B"); !ok || v.Token != "B1-BBBBBBBB" {
			t.Errorf("Voter(B1, B): got %+v %v, want B's entry", v, ok)
		}
		if v, _ := tx.Voters("B9"); v != nil {
			t.Errorf("Voters(B9): got %v, want none", v)
		}
		tests := []struct{ token, ballot, org string }{
			{"B1-AAAAAAAA", "B1", "A"},
			{"b1-bbbbbbbb", "B1", "B"},
			{"B1-CCCCCCCC", "", ""},
		}
		for _, tt := range tests {
			ballot, orgID, ok := tx.TokenOwner(tt.token)
			if ballot != tt.ballot || orgID != tt.org || ok != (tt.org != "") {
				t.Errorf("TokenOwner(%s): got %q %q %v, want %q %q", tt.token, ballot, orgID, ok, tt.ballot, tt.org)
			}
		}
		return nil
	})

	update(t, db, func(tx *Tx) error {
		if v, err := tx.Vote("B1", "A"); v != nil || err != nil {
			t.Errorf("Vote before voting: got %v %v, want nil", v, err)
		}
		if err := tx.PutVote("B1", gov.Vote{OrgID: "A", Choice: gov.Yes}); err != nil {
			return err
		}
		return tx.PutVote("B1", gov.Vote{OrgID: "A", Choice: gov.No, Changes: 1})
	})
	view(t, db, func(tx *Tx) error {
		votes, err := tx.Votes("B1")
		if err != nil || len(votes) != 1 {
			t.Fatalf("Votes: got %v %v, want one vote (replaced)", votes, err)
		}
		if v, _ := tx.Vote("B1", "A"); v == nil || v.Choice != gov.No || v.Changes != 1 {
			t.Errorf("Vote(B1, A): got %+v, want NO with one change", v)
		}
		if !tx.HasVoted("B1", "A") || tx.HasVoted("B1", "B") || tx.HasVoted("B2", "A") {
			t.Errorf("HasVoted: got A=%v B=%v B2/A=%v, want true false false", tx.HasVoted("B1", "A"), tx.HasVoted("B1", "B"), tx.HasVoted("B2", "A"))
		}
		return nil
	})
}

func TestMessages_MarkProcessed(t *testing.T) {
	db := openTemp(t)
	view(t, db, func(tx *Tx) error {
		if _, ok, _ := tx.ProcessedByID("m1@x"); ok {
			t.Error("ProcessedByID before marking: got true, want false")
		}
		if _, ok := tx.ProcessedByHash("h1"); ok {
			t.Error("ProcessedByHash before marking: got true, want false")
		}
		if tx.SeenUID(7, 42) {
			t.Error("SeenUID before marking: got true, want false")
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		if err := tx.MarkProcessed(Processed{}); err == nil {
			t.Error("MarkProcessed without a Message-ID: got no error, want one")
		}
		return tx.MarkProcessed(Processed{MessageID: "m1@x", At: t0, UIDValidity: 7, UID: 42, Hash: "h1", Outcome: "vote"})
	})
	view(t, db, func(tx *Tx) error {
		p, ok, err := tx.ProcessedByID("m1@x")
		if err != nil || !ok || p.Outcome != "vote" || !p.At.Equal(t0) {
			t.Errorf("ProcessedByID: got %+v %v %v, want the record", p, ok, err)
		}
		if id, ok := tx.ProcessedByHash("h1"); !ok || id != "m1@x" {
			t.Errorf("ProcessedByHash: got %q %v, want m1@x", id, ok)
		}
		if !tx.SeenUID(7, 42) {
			t.Error("SeenUID(7, 42): got false, want true")
		}
		if tx.SeenUID(8, 42) || tx.SeenUID(7, 43) {
			t.Error("SeenUID of another UIDVALIDITY or UID: got true, want false")
		}
		return nil
	})
}

func TestMessages_CountRefusal(t *testing.T) {
	db := openTemp(t)
	steps := []struct {
		addr, day string
		want      int
	}{
		{"a@x.example", "2026-03-01", 1},
		{"a@x.example", "2026-03-01", 2},
		{"b@x.example", "2026-03-01", 1},
		{"a@x.example", "2026-03-02", 1},
		{"a@x.example", "2026-03-01", 3},
	}
	for _, s := range steps {
		update(t, db, func(tx *Tx) error {
			n, err := tx.CountRefusal(s.addr, s.day)
			if n != s.want {
				t.Errorf("CountRefusal(%s, %s): got %d, want %d", s.addr, s.day, n, s.want)
			}
			return err
		})
	}
	view(t, db, func(tx *Tx) error {
		if got := tx.Refusals("a@x.example", "2026-03-01"); got != 3 {
			t.Errorf("Refusals: got %d, want 3", got)
		}
		if got := tx.Refusals("c@x.example", "2026-03-01"); got != 0 {
			t.Errorf("Refusals of a new address: got %d, want 0", got)
		}
		return nil
	})
}

func mail(key string, next time.Time) OutMail {
	return OutMail{Key: key, Kind: "test", MessageID: "id-" + key + "@bot.example", From: "bot@example.org",
		To: []string{"a@x.example"}, Cc: []string{"c@x.example"}, Subject: "S " + key, Text: "hello", Date: t0, NextAttempt: next}
}

func TestOutbox_EnqueueOnce(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		for i, want := range []bool{true, false} {
			added, err := tx.Enqueue(mail("k1", time.Time{}))
			if err != nil {
				return err
			}
			if added != want {
				t.Errorf("Enqueue #%d: got added %v, want %v", i+1, added, want)
			}
		}
		if !tx.MailQueued("k1") || tx.MailQueued("k2") {
			t.Errorf("MailQueued: got k1=%v k2=%v, want true false", tx.MailQueued("k1"), tx.MailQueued("k2"))
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		if n := tx.OutboxLen(); n != 1 {
			t.Errorf("OutboxLen: got %d, want 1", n)
		}
		p, _ := tx.Pending()
		if len(p) != 1 || !p[0].NextAttempt.Equal(t0) || p[0].Seq == 0 {
			t.Errorf("got pending %+v, want one mail due at the transaction's time with a sequence", p)
		}
		if !tx.IsOwnMessageID("id-k1@bot.example") || tx.IsOwnMessageID("other@x") {
			t.Error("IsOwnMessageID: want true for a queued mail, false for another")
		}
		return nil
	})
	// Once sent, the same key is still never queued again.
	update(t, db, func(tx *Tx) error {
		p, _ := tx.Pending()
		if err := tx.MarkSent(p[0], t0); err != nil {
			return err
		}
		if added, _ := tx.Enqueue(mail("k1", time.Time{})); added {
			t.Error("Enqueue after sending: got added, want the key remembered")
		}
		return nil
	})
}

func keys(ms []OutMail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

func TestOutbox_DueMail(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		for _, m := range []OutMail{
			mail("1", t0.Add(time.Hour)),
			mail("2", t0),
			mail("3", t0.Add(-time.Hour)),
			mail("4", t0.Add(2*time.Hour)),
			mail("5", t0.Add(time.Minute)),
		} {
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		now   time.Time
		limit int
		want  []string
	}{
		{t0.Add(-2 * time.Hour), 0, nil},
		{t0, 0, []string{"2", "3"}},
		{t0.Add(time.Hour), 0, []string{"1", "2", "3", "5"}},
		{t0.Add(time.Hour), 2, []string{"1", "2"}},
		{t0.Add(3 * time.Hour), 0, []string{"1", "2", "3", "4", "5"}},
	}
	view(t, db, func(tx *Tx) error {
		for _, tt := range tests {
			due, err := tx.DueMail(tt.now, tt.limit)
			if err != nil {
				return err
			}
			if got := keys(due); !slices.Equal(got, tt.want) {
				t.Errorf("DueMail(%v, %d): got %v, want %v", tt.now.Sub(t0), tt.limit, got, tt.want)
			}
		}
		if got := tx.NextAttempt(); !got.Equal(t0.Add(-time.Hour)) {
			t.Errorf("NextAttempt: got %v, want %v", got, t0.Add(-time.Hour))
		}
		return nil
	})
}

func TestOutbox_RetrySentFailed(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		for _, k := range []string{"a", "b", "c"} {
			if _, err := tx.Enqueue(mail(k, time.Time{})); err != nil {
				return err
			}
		}
		return nil
	})
	later := t0.Add(10 * time.Minute)
	update(t, db, func(tx *Tx) error {
		due, err := tx.DueMail(t0, 0)
		if err != nil {
			return err
		}
		for i := range due {
			due[i].Attempts++
		}
		if err := tx.MarkSent(due[0], t0.Add(time.Second)); err != nil {
			return err
		}
		if err := tx.Retry(due[1], later, "451 try later"); err != nil {
			return err
		}
		return tx.MarkFailed(due[2], "550 no such user")
	})
	view(t, db, func(tx *Tx) error {
		if n := tx.OutboxLen(); n != 1 {
			t.Errorf("OutboxLen: got %d, want 1 (the retried mail)", n)
		}
		if due, _ := tx.DueMail(t0, 0); len(due) != 0 {
			t.Errorf("DueMail before the retry: got %v, want none", keys(due))
		}
		due, _ := tx.DueMail(later, 0)
		if len(due) != 1 || due[0].Key != "b" || due[0].LastError != "451 try later" || due[0].Attempts != 1 {
			t.Errorf("DueMail at the retry: got %+v, want b with its error and one attempt", due)
		}
		if got := tx.NextAttempt(); !got.Equal(later) {
			t.Errorf("NextAttempt: got %v, want %v", got, later)
		}

		s, ok, err := tx.Sent("id-a@bot.example")
		if err != nil || !ok {
			t.Fatalf("Sent(a): got %v %v, want the record", ok, err)
		}
		want := SentMail{MessageID: "id-a@bot.example", Key: "a", Kind: "test", To: []string{"a@x.example", "c@x.example"},
			Subject: "S a", Queued: t0, SentAt: t0.Add(time.Second), Attempts: 1}
		if !sentEqual(s, want) {
			t.Errorf("Sent(a): got %+v, want %+v", s, want)
		}
		f, ok, _ := tx.Sent("id-c@bot.example")
		if !ok || f.Failed != "550 no such user" || !f.SentAt.IsZero() {
			t.Errorf("Sent(c): got %+v, want the permanent failure and no sent time", f)
		}
		if _, ok, _ := tx.Sent("id-b@bot.example"); ok {
			t.Error("Sent(b): got a record for a mail still queued")
		}
		for _, id := range []string{"id-a@bot.example", "id-b@bot.example", "id-c@bot.example"} {
			if !tx.IsOwnMessageID(id) {
				t.Errorf("IsOwnMessageID(%s): got false, want true", id)
			}
		}
		return nil
	})
}

func sentEqual(a, b SentMail) bool {
	return a.MessageID == b.MessageID && a.Key == b.Key && a.Kind == b.Kind && slices.Equal(a.To, b.To) &&
		a.Subject == b.Subject && a.Queued.Equal(b.Queued) && a.SentAt.Equal(b.SentAt) && a.Attempts == b.Attempts && a.Failed == b.Failed
}

// auditKeys returns the bbolt keys of the audit log in order.
func auditKeys(tb testing.TB, db *DB) [][]byte {
	tb.Helper()
	var out [][]byte
	if err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bAudit).ForEach(func(k, _ []byte) error {
			out = append(out, append([]byte(nil), k...))
			return nil
		})
	}); err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestAudit_HashChain(t *testing.T) {
	tamper := map[string]func(tb testing.TB, b *bolt.Bucket, keys [][]byte){
		"untouched": nil,
		"detail changed": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			var e AuditEntry
			if err := json.Unmarshal(b.Get(keys[1]), &e); err != nil {
				tb.Fatal(err)
			}
			e.Detail = "YES" // was NO
			mustPut(tb, b, keys[1], e)
		},
		"detail changed and its hash recomputed": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			var e AuditEntry
			if err := json.Unmarshal(b.Get(keys[1]), &e); err != nil {
				tb.Fatal(err)
			}
			e.Detail = "YES"
			e.Hash = e.digest()
			mustPut(tb, b, keys[1], e)
		},
		"middle entry removed": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			if err := b.Delete(keys[1]); err != nil {
				tb.Fatal(err)
			}
		},
		"first entry removed": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			if err := b.Delete(keys[0]); err != nil {
				tb.Fatal(err)
			}
		},
		"two entries swapped": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			v1 := append([]byte(nil), b.Get(keys[1])...)
			v2 := append([]byte(nil), b.Get(keys[2])...)
			if err := b.Put(keys[1], v2); err != nil {
				tb.Fatal(err)
			}
			if err := b.Put(keys[2], v1); err != nil {
				tb.Fatal(err)
			}
		},
		"actor changed": func(tb testing.TB, b *bolt.Bucket, keys [][]byte) {
			var e AuditEntry
			if err := json.Unmarshal(b.Get(keys[0]), &e); err != nil {
				tb.Fatal(err)
			}
			e.Actor = "someone@else.example"
			mustPut(tb, b, keys[0], e)
		},
	}
	for name, fn := range tamper {
		t.Run(name, func(t *testing.T) {
			db := openTemp(t)
			for i, e := range [][3]string{
				{"ballot.open", "B1", "secretariat@example.org"},
				{"vote.record", "B1", "a@x.example"},
				{"vote.record", "B1", "b@x.example"},
				{"ballot.close", "B1", ""},
			} {
				detail := "NO"
				if err := db.Update(t0.Add(time.Duration(i)*time.Minute), func(tx *Tx) error {
					return tx.Audit(e[0], e[1], e[2], detail)
				}); err != nil {
					t.Fatal(err)
				}
			}
			if fn != nil {
				keys := auditKeys(t, db)
				if err := db.bolt.Update(func(tx *bolt.Tx) error {
					fn(t, tx.Bucket(bAudit), keys)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
			}
			var entries []AuditEntry
			view(t, db, func(tx *Tx) error {
				var err error
				entries, err = tx.AuditLog()
				return err
			})
			err := VerifyAudit(entries)
			if fn == nil {
				if err != nil {
					t.Errorf("VerifyAudit on an untouched log: got %v, want nil", err)
				}
				if len(entries) != 4 || entries[0].Prev != "" || entries[1].Prev != entries[0].Hash || entries[3].Action != "ballot.close" {
					t.Errorf("got entries %+v, want 4 chained entries in order", entries)
				}
				if !entries[2].At.Equal(t0.Add(2 * time.Minute)) {
					t.Errorf("got entry time %v, want the transaction's time %v", entries[2].At, t0.Add(2*time.Minute))
				}
				return
			}
			if err == nil {
				t.Errorf("VerifyAudit after %s: got nil, want an error", name)
			}
		})
	}
}

func mustPut(tb testing.TB, b *bolt.Bucket, key []byte, v any) {
	tb.Helper()
	if err := putJSON(b, key, v); err != nil {
		tb.Fatal(err)
	}
}

func TestIMAPState(t *testing.T) {
	db := openTemp(t)
	update(t, db, func(tx *Tx) error {
		if s, err := tx.IMAPState("INBOX"); err != nil || s != (IMAPState{}) {
			t.Errorf("IMAPState before: got %+v %v, want zero", s, err)
		}
		return tx.PutIMAPState("INBOX", IMAPState{UIDValidity: 3, LastUID: 9})
	})
	view(t, db, func(tx *Tx) error {
		if s, _ := tx.IMAPState("INBOX"); s != (IMAPState{UIDValidity: 3, LastUID: 9}) {
			t.Errorf("IMAPState: got %+v, want {3 9}", s)
		}
		return nil
	})
}

func TestAuditHeadDetectsRemovedLastEntries(t *testing.T) {
	db := openTemp(t)
	for i := 0; i < 3; i++ {
		update(t, db, func(tx *Tx) error { return tx.Audit("x", "r", "a", "d") })
	}
	var entries []AuditEntry
	var head AuditHead
	view(t, db, func(tx *Tx) error {
		entries, _ = tx.AuditLog()
		head, _ = tx.AuditHead()
		return nil
	})
	if err := VerifyAuditHead(entries, head); err != nil {
		t.Fatalf("intact log: %v", err)
	}
	if err := VerifyAuditHead(entries[:2], head); err == nil {
		t.Errorf("a removed last entry went unnoticed")
	}
	if err := VerifyAuditHead(nil, head); err == nil {
		t.Errorf("an emptied log went unnoticed")
	}
}

// TestOutbox_SharedBodiesStoredOnce: a ballot's result, the same text for every
// member, is kept once however many mails carry it; each mail reads it whole, and
// the body goes with the last mail that used it (sent, given up, or retried first).
func TestOutbox_SharedBodiesStoredOnce(t *testing.T) {
	db := openTemp(t)
	result := strings.Repeat("The ballot B1 is CARRIED: 7 yes, 2 no. ", 40)
	update(t, db, func(tx *Tx) error {
		for i, text := range []string{result, result, result, "short", result + "(Thai)"} {
			m := mail(fmt.Sprintf("k%d", i), time.Time{})
			m.Text, m.HTML = text, "<p>"+text+"</p>"
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	bodies := func() int {
		n := 0
		view(t, db, func(tx *Tx) error { n = tx.tx.Bucket(bBodies).Stats().KeyN; return nil })
		return n
	}
	if n := bodies(); n != 2 {
		t.Fatalf("%d bodies stored, want 2 (the shared result and the Thai one; the short one inline)", n)
	}
	var due []OutMail
	view(t, db, func(tx *Tx) (err error) { due, err = tx.Pending(); return err })
	if len(due) != 5 {
		t.Fatalf("%d pending", len(due))
	}
	for i, m := range due {
		want := []string{result, result, result, "short", result + "(Thai)"}[i]
		if m.Text != want || m.HTML != "<p>"+want+"</p>" {
			t.Fatalf("mail %d read back with text %.40q…", i, m.Text)
		}
	}
	update(t, db, func(tx *Tx) error {
		if err := tx.Retry(due[0], t0.Add(time.Hour), "421 try later"); err != nil {
			return err
		}
		if err := tx.MarkSent(due[1], t0); err != nil {
			return err
		}
		if err := tx.MarkFailed(due[4], "550 no such user"); err != nil {
			return err
		}
		return tx.MarkSent(due[4], t0) // finishing twice must not drop a reference twice
	})
	if n := bodies(); n != 1 {
		t.Fatalf("%d bodies after the Thai mail was given up, want 1", n)
	}
	view(t, db, func(tx *Tx) error {
		p, err := tx.Pending()
		if err != nil || len(p) != 3 || p[0].Text != result || p[0].LastError != "421 try later" {
			t.Fatalf("after a retry: %d pending, %v", len(p), err)
		}
		return nil
	})
	update(t, db, func(tx *Tx) error {
		if err := tx.MarkSent(due[0], t0); err != nil {
			return err
		}
		return tx.MarkSent(due[2], t0)
	})
	if n := bodies(); n != 0 {
		t.Fatalf("%d bodies left after every mail using them was sent", n)
	}
}

// TestOutbox_BodiesKeptInQueueOrder: a body is kept under the next sequence
// number, so that bodies queued together lie together (and leave together); a
// body a store written before keeps under its hash is read and released the same.
func TestOutbox_BodiesKeptInQueueOrder(t *testing.T) {
	db := openTemp(t)
	old := strings.Repeat("queued by an older govbot ", 40)
	oldKey := bytes.Repeat([]byte{0xab}, 16)
	update(t, db, func(tx *Tx) error {
		if err := tx.tx.Bucket(bBodies).Put(oldKey, encodeBody(old, "")); err != nil {
			return err
		}
		if err := tx.tx.Bucket(bBodyRefs).Put(oldKey, u64(1)); err != nil {
			return err
		}
		m := mail("old", time.Time{})
		m.Seq, m.Body, m.NextAttempt = 1, hex.EncodeToString(oldKey), t0
		if _, err := tx.tx.Bucket(bOutbox).NextSequence(); err != nil {
			return err
		}
		return putJSON(tx.tx.Bucket(bOutbox), u64(1), m)
	})
	update(t, db, func(tx *Tx) error {
		for i := range 3 {
			m := mail(fmt.Sprintf("k%d", i), time.Time{})
			m.Text = strings.Repeat(fmt.Sprintf("receipt %d ", i), 100)
			if _, err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	var due []OutMail
	view(t, db, func(tx *Tx) (err error) { due, err = tx.Pending(); return err })
	if len(due) != 4 || due[0].Text != old {
		t.Fatalf("got %d pending, the first reading %.30q", len(due), due[0].Text)
	}
	for i, m := range due[1:] {
		if want := hex.EncodeToString(u64(uint64(i + 1))); m.Body != want || !strings.HasPrefix(m.Text, fmt.Sprintf("receipt %d ", i)) {
			t.Errorf("mail %d: body %q reading %.20q, want body %s", i+1, m.Body, m.Text, want)
		}
	}
	update(t, db, func(tx *Tx) error {
		for _, m := range due {
			if err := tx.MarkSent(m, t0); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, db, func(tx *Tx) error {
		if n, r := tx.tx.Bucket(bBodies).Stats().KeyN, tx.tx.Bucket(bBodyRefs).Stats().KeyN; n != 0 || r != 0 {
			t.Errorf("%d bodies and %d counts left after every mail was sent, want none", n, r)
		}
		return nil
	})
}
