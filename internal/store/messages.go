package store

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Processed records an inbound message the bot has handled.
type Processed struct {
	MessageID   string    `json:"message_id"`
	At          time.Time `json:"at"`
	Mailbox     string    `json:"mailbox,omitempty"`
	UIDValidity uint32    `json:"uidvalidity,omitempty"`
	UID         uint32    `json:"uid,omitempty"`
	From        string    `json:"from,omitempty"`
	Subject     string    `json:"subject,omitempty"`
	Hash        string    `json:"hash,omitempty"`
	// Outcome says what the bot did: "vote", "refused:<code>", "ignored:<why>", …
	Outcome string `json:"outcome"`
}

func uidKey(uidValidity, uid uint32) []byte {
	var k [8]byte
	binary.BigEndian.PutUint32(k[:4], uidValidity)
	binary.BigEndian.PutUint32(k[4:], uid)
	return k[:]
}

// SeenUID reports whether the message at (uidValidity, uid) was already handled.
func (t *Tx) SeenUID(uidValidity, uid uint32) bool {
	return t.tx.Bucket(bUIDs).Get(uidKey(uidValidity, uid)) != nil
}

// ProcessedByID returns the record of Message-ID id, if handled.
func (t *Tx) ProcessedByID(id string) (Processed, bool, error) {
	var p Processed
	ok, err := getJSON(t.tx.Bucket(bProcessed), []byte(id), &p)
	return p, ok, err
}

// ProcessedByHash returns the Message-ID of an earlier message with the same content hash.
func (t *Tx) ProcessedByHash(hash string) (string, bool) {
	v := t.tx.Bucket(bHashes).Get([]byte(hash))
	return string(v), v != nil
}

// MarkProcessed records p. A message is handled once: its Message-ID, its content
// hash and its IMAP UID all point to this record afterwards.
func (t *Tx) MarkProcessed(p Processed) error {
	if p.MessageID == "" {
		return fmt.Errorf("mark processed: empty Message-ID")
	}
	if err := putJSON(t.tx.Bucket(bProcessed), []byte(p.MessageID), p); err != nil {
		return err
	}
	if p.Hash != "" {
		if err := t.tx.Bucket(bHashes).Put([]byte(p.Hash), []byte(p.MessageID)); err != nil {
			return err
		}
	}
	if p.UID != 0 {
		return t.MarkUID(p.UIDValidity, p.UID, p.MessageID)
	}
	return nil
}

// MarkUID points (uidValidity, uid) at a handled message.
func (t *Tx) MarkUID(uidValidity, uid uint32, messageID string) error {
	return t.tx.Bucket(bUIDs).Put(uidKey(uidValidity, uid), []byte(messageID))
}

// KeepRaw keeps the raw bytes of a message that could not be read.
func (t *Tx) KeepRaw(messageID string, raw []byte) error {
	return t.tx.Bucket(bRaw).Put([]byte(messageID), raw)
}

// Raw returns kept raw bytes.
func (t *Tx) Raw(messageID string) []byte {
	return append([]byte(nil), t.tx.Bucket(bRaw).Get([]byte(messageID))...)
}

// CountRefusal adds one to addr's refusals on day and returns the new count.
func (t *Tx) CountRefusal(addr, day string) (int, error) {
	b := t.tx.Bucket(bRefusals)
	k := []byte(strings.ToLower(addr) + "/" + day)
	n, _ := strconv.Atoi(string(b.Get(k)))
	n++
	return n, b.Put(k, []byte(strconv.Itoa(n)))
}

// Refusals returns addr's refusals on day.
func (t *Tx) Refusals(addr, day string) int {
	n, _ := strconv.Atoi(string(t.tx.Bucket(bRefusals).Get([]byte(strings.ToLower(addr) + "/" + day))))
	return n
}
