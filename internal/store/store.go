// Package store keeps govbot's state in a bbolt file.
//
// Every change happens in one read-write transaction (DB.Update) that carries the time
// it was read at (Tx.Now): the inbound message it handles, the state change, the audit
// entry and every mail it causes commit together or not at all.
//
// Buckets (values are JSON unless noted):
//
//	meta        schema version, the token secret, IMAP positions ("imap/<mailbox>")
//	orgs        org id → gov.Org
//	addresses   address → org id (index of orgs)
//	seats       seat → gov.Seat
//	ballots     ballot id → gov.Ballot
//	voters      ballot id → { org id → gov.Voter }   (nested buckets)
//	votes       ballot id → { org id → gov.Vote }    (nested buckets)
//	tokens      token → ballot id "\x00" org id
//	processed   Message-ID → Processed
//	hashes      sha256 of the message body → Message-ID (replays under a new Message-ID)
//	uids        "<uidvalidity>/<uid>" (big-endian) → Message-ID
//	outbox      sequence (big-endian) → OutMail waiting to be sent (its text and HTML in bodies)
//	bodies      16-byte hash → a rendered body: text length (4 bytes), text, HTML; kept once however many mails carry it
//	bodyrefs    16-byte hash → how many outbox mails use that body (big-endian)
//	sent        Message-ID → SentMail (what left, for bounces and audits)
//	mailkeys    gov.Mail key → Message-ID (a mail is queued once)
//	audit       sequence (big-endian) → AuditEntry, hash-chained
//	refusals    "<address>/<YYYY-MM-DD>" → count (decimal text)
//	raw         Message-ID → raw message bytes kept for messages that could not be read
//	failures    "<uidvalidity>/<uid>" or Message-ID → Failure (failed attempts to handle a message)
//	quarantine  Q<n> → Quarantined (a message set aside after repeated failures)
//	quarantine_raw Q<n> → its raw bytes
//	challenges  X<n> → Challenge (a Secretariat command by mail awaiting its confirmation)
package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the version of the layout above. Open refuses a newer file.
const SchemaVersion = 1

var (
	bMeta      = []byte("meta")
	bOrgs      = []byte("orgs")
	bAddresses = []byte("addresses")
	bSeats     = []byte("seats")
	bBallots   = []byte("ballots")
	bVoters    = []byte("voters")
	bVotes     = []byte("votes")
	bTokens    = []byte("tokens")
	bProcessed = []byte("processed")
	bHashes    = []byte("hashes")
	bUIDs      = []byte("uids")
	bOutbox    = []byte("outbox")
	bSent      = []byte("sent")
	bMailKeys  = []byte("mailkeys")
	bAudit     = []byte("audit")
	bRefusals  = []byte("refusals")
	bRaw       = []byte("raw")
	// bBodies holds each distinct rendered body of queued mail once (key: hash;
	// value: {"text","html"}); bBodyRefs counts the outbox entries using it.
	bBodies   = []byte("bodies")
	bBodyRefs = []byte("bodyrefs")
	// bFailures counts failed attempts per inbound message; bQuarantine and
	// bQuarantineRaw keep the messages set aside after too many.
	bFailures      = []byte("failures")
	bQuarantine    = []byte("quarantine")
	bQuarantineRaw = []byte("quarantine_raw")
	bChallenges    = []byte("challenges")

	allBuckets = [][]byte{bMeta, bOrgs, bAddresses, bSeats, bBallots, bVoters, bVotes, bTokens,
		bProcessed, bHashes, bUIDs, bOutbox, bSent, bMailKeys, bAudit, bRefusals, bRaw, bBodies, bBodyRefs, bFailures, bQuarantine, bQuarantineRaw, bChallenges}
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("the database is in use by another govbot process")

// DB is an open store.
type DB struct {
	bolt *bolt.DB
	path string
}

// Open opens or creates the store at path. It waits at most timeout for another
// process's lock and then returns ErrLocked.
func Open(path string, timeout time.Duration) (*DB, error) {
	if timeout <= 0 {
		timeout = 100 * time.Millisecond
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	db := &DB{bolt: b, path: path}
	if err := db.init(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) init() error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bMeta)
		if v := meta.Get([]byte("schema")); v != nil {
			var n int
			if _, err := fmt.Sscan(string(v), &n); err != nil || n > SchemaVersion {
				return fmt.Errorf("store schema %q is newer than this govbot (%d)", v, SchemaVersion)
			}
		} else if err := meta.Put([]byte("schema"), fmt.Appendf(nil, "%d", SchemaVersion)); err != nil {
			return err
		}
		if meta.Get([]byte("secret")) == nil {
			secret := make([]byte, 32)
			if _, err := rand.Read(secret); err != nil {
				return err
			}
			if err := meta.Put([]byte("secret"), secret); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close closes the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path returns the file's path.
func (db *DB) Path() string { return db.path }

// Size returns the file's size in bytes.
func (db *DB) Size() int64 {
	fi, err := os.Stat(db.path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// Tx is a transaction. Now is the time the clock was read for it.
type Tx struct {
	tx  *bolt.Tx
	Now time.Time
	// bodyKeys remembers the key of each body shared in this transaction, so that
	// a result queued for 10,000 members is hashed once.
	bodyKeys map[[2]string][]byte
}

// Update runs fn in a read-write transaction at time now.
func (db *DB) Update(now time.Time, fn func(*Tx) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, Now: now}) })
}

// ViewAt runs fn in a read-only transaction whose Now is now.
func (db *DB) ViewAt(now time.Time, fn func(*Tx) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, Now: now}) })
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Secret returns the key of the reference tokens.
func (t *Tx) Secret() []byte {
	return append([]byte(nil), t.tx.Bucket(bMeta).Get([]byte("secret"))...)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	data := b.Get(key)
	if data == nil {
		return false, nil
	}
	return true, json.Unmarshal(data, v)
}

func u64(n uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], n)
	return k[:]
}

// IMAPState is how far the bot has read a mailbox.
type IMAPState struct {
	UIDValidity uint32 `json:"uidvalidity"`
	LastUID     uint32 `json:"last_uid"`
}

// IMAPState returns the position in mailbox.
func (t *Tx) IMAPState(mailbox string) (IMAPState, error) {
	var s IMAPState
	_, err := getJSON(t.tx.Bucket(bMeta), []byte("imap/"+mailbox), &s)
	return s, err
}

// PutIMAPState records the position in mailbox.
func (t *Tx) PutIMAPState(mailbox string, s IMAPState) error {
	return putJSON(t.tx.Bucket(bMeta), []byte("imap/"+mailbox), s)
}
