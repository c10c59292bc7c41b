package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// decodeAll gives the records in key order whether it decodes them on one core
// or several, and names the key of a record it cannot read.
func TestDecodeAllKeepsKeyOrder(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "d.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	type rec struct{ N int }
	for _, n := range []int{0, 3, 5000} {
		name := []byte(fmt.Sprintf("t%d", n))
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket(name)
			if err != nil {
				return err
			}
			for i := range n {
				if err := b.Put([]byte(fmt.Sprintf("k%06d", i)), []byte(fmt.Sprintf(`{"N":%d}`, i))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		db.bolt.View(func(tx *bolt.Tx) error {
			got, err := decodeAll[rec](tx.Bucket(name))
			if err != nil || len(got) != n {
				t.Fatalf("%d records: got %d, %v", n, len(got), err)
			}
			for i, r := range got {
				if r.N != i {
					t.Fatalf("%d records: record %d is %d", n, i, r.N)
				}
			}
			return nil
		})
	}
	db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("t5000")).Put([]byte("k004321"), []byte("{")) })
	db.bolt.View(func(tx *bolt.Tx) error {
		if _, err := decodeAll[rec](tx.Bucket([]byte("t5000"))); err == nil || !strings.HasPrefix(err.Error(), "k004321:") {
			t.Errorf("a broken record: got %v, want an error naming k004321", err)
		}
		return nil
	})
}
