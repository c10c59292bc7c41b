// Package store keeps govbot's state in a bbolt file.
//
// Every change happens in one read-write transaction (DB.Update) that carries the time
// it was read at (Tx.Now): the inbound message it handles, the state change, the audit
// entry and every mail it causes commit together or not at all.
//
// The buckets, each with what it holds, are declared in one list in buckets.go
// (allBuckets); Open creates them all.
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

// SchemaVersion is the version of the layout in buckets.go. Open refuses a newer
// file.
const SchemaVersion = 1

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
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b.name); err != nil {
				return fmt.Errorf("create bucket %s: %w", b.name, err)
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
