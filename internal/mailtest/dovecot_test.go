package mailtest_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/mekongmigration/govbot/internal/mailtest"
)

func rawMsg(subject, body string) []byte {
	return []byte("From: Alice <alice@example.org>\r\nTo: bot@example.org\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\n" + body + "\r\n")
}

func TestDovecot(t *testing.T) {
	d := mailtest.StartDovecot(t)
	uid1 := d.Append(t, "INBOX", rawMsg("one", "VOTE YES"), time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC))
	uid2 := d.Append(t, "INBOX", rawMsg("two", "VOTE NO"), time.Time{})
	if uid1 != 1 || uid2 != 2 {
		t.Errorf("got UIDs %d, %d, want 1, 2", uid1, uid2)
	}
	if n := d.Count(t, "INBOX"); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	v1 := d.UIDValidity(t, "INBOX")
	if v1 < 1000 {
		t.Errorf("UIDVALIDITY %d: want Dovecot's large values", v1)
	}

	c := d.Dial(t, nil)
	for _, cp := range []imap.Cap{imap.CapMove, imap.CapUIDPlus, imap.CapIdle} {
		if !c.Caps().Has(cp) {
			t.Errorf("dovecot lacks %s", cp)
		}
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(imap.UID(uid1)), &imap.FetchOptions{UID: true, Envelope: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Envelope.Subject != "one" ||
		!bytes.Contains(msgs[0].FindBodySection(&imap.FetchItemBodySection{}), []byte("VOTE YES")) {
		t.Fatalf("unexpected fetch: %+v", msgs)
	}
	if err := c.Store(imap.UIDSetNum(imap.UID(uid1)), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true,
		Flags: []imap.Flag{imap.FlagSeen, "$BotProcessed"}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if !d.HasFlag(t, "INBOX", uid1, "$BotProcessed") || !d.HasFlag(t, "INBOX", uid1, `\Seen`) {
		t.Errorf("flags after STORE: %v", d.Flags(t, "INBOX", uid1))
	}
	if d.HasFlag(t, "INBOX", uid2, `\Seen`) {
		t.Errorf("peek fetch set \\Seen")
	}
	d.CreateMailbox(t, "Processed")
	if _, err := c.Move(imap.UIDSetNum(imap.UID(uid1)), "Processed").Wait(); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Count(t, "INBOX"), 1; got != want {
		t.Errorf("INBOX count after MOVE = %d, want %d", got, want)
	}
	moved := d.Messages(t, "Processed")
	if len(moved) != 1 || !strings.Contains(string(moved[0].Raw), "VOTE YES") {
		t.Errorf("Processed = %+v", moved)
	}

	v2 := d.ChangeUIDValidity(t, "INBOX")
	if v2 == v1 {
		t.Errorf("UIDVALIDITY unchanged")
	}
	if err := c.Noop().Wait(); err == nil {
		t.Error("Dovecot kept a session whose mailbox changed UIDVALIDITY")
	}
	c2 := d.Dial(t, nil)
	sel, err := c2.Select("INBOX", nil).Wait()
	if err != nil || sel.UIDValidity != v2 || sel.NumMessages != 1 {
		t.Errorf("after change: %+v, %v", sel, err)
	}
}

func TestDovecotIdle(t *testing.T) {
	d := mailtest.StartDovecot(t)
	exists := make(chan uint32, 10)
	c := d.Dial(t, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(m *imapclient.UnilateralDataMailbox) {
			if m.NumMessages != nil {
				exists <- *m.NumMessages
			}
		},
	}})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	idle, err := c.Idle()
	if err != nil {
		t.Fatal(err)
	}
	d.Append(t, "INBOX", rawMsg("idle", "hello"), time.Time{})
	select {
	case n := <-exists:
		if n != 1 {
			t.Errorf("EXISTS %d, want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no EXISTS during IDLE")
	}
	idle.Close()
	if err := idle.Wait(); err != nil {
		t.Fatal(err)
	}
}
