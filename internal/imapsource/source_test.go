package imapsource_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/imapsource"
)

type memState struct {
	uv, last uint32
	seen     map[uint32]bool
}

func (m *memState) Position(string) (uint32, uint32, error) { return m.uv, m.last, nil }
func (m *memState) SetPosition(_ string, uv, last uint32) error {
	m.uv, m.last = uv, last
	return nil
}
func (m *memState) Seen(_, uid uint32) bool { return m.seen[uid] }

func message(subject string, bodyBytes int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Alice <alice@example.org>\r\nTo: bot@example.org\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject + "@example.org>\r\n\r\n")
	line := strings.Repeat("x", 76) + "\r\n"
	for b.Len() < bodyBytes {
		b.WriteString(line)
	}
	return b.Bytes()
}

func source(t *testing.T, s *devmail.Server, cfg imapsource.Config) *imapsource.Source {
	t.Helper()
	cfg.Addr, cfg.Security, cfg.Username, cfg.Password = s.IMAPAddr, "none", s.User, s.Password
	src := imapsource.New(cfg)
	t.Cleanup(func() { src.Close() })
	return src
}

// A message larger than SpoolBytes reaches the handler as a file, byte for byte,
// and the file is gone once the handler has returned; small ones stay in memory.
func TestLargeMessageIsSpooledToDiskAndRemoved(t *testing.T) {
	s, err := devmail.Start(devmail.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	small, large := message("small", 2_000), message("large", 3<<20)
	for _, m := range [][]byte{small, large} {
		if _, err := s.Append("INBOX", m, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	src := source(t, s, imapsource.Config{SpoolDir: dir, SpoolBytes: 1 << 20})
	var spooled []string
	n, err := src.PollBatch(context.Background(), &memState{}, func(ms []imapsource.Message) ([]imapsource.Disposition, error) {
		for _, m := range ms {
			switch {
			case bytes.Contains(m.Raw, []byte("Subject: small")):
				if m.Spool != nil || !bytes.Equal(m.Raw, small) {
					t.Errorf("small message: spool %v, %d bytes in memory", m.Spool, len(m.Raw))
				}
			case m.Spool != nil:
				if m.Raw != nil || m.Spooled != int64(len(large)) || filepath.Dir(m.Spool.Name()) != dir {
					t.Errorf("large message: raw %d bytes, spooled %d of %d, in %s", len(m.Raw), m.Spooled, len(large), m.Spool.Name())
				}
				got, err := io.ReadAll(io.NewSectionReader(m.Spool, 0, m.Spooled))
				if err != nil || !bytes.Equal(got, large) {
					t.Errorf("spooled message differs (%d bytes, %v)", len(got), err)
				}
				spooled = append(spooled, m.Spool.Name())
			default:
				t.Errorf("unexpected message: %d bytes in memory, not spooled", len(m.Raw))
			}
		}
		return nil, nil
	})
	if err != nil || n != 2 {
		t.Fatalf("PollBatch = %d, %v", n, err)
	}
	if len(spooled) != 1 {
		t.Fatalf("spooled %d messages, want 1", len(spooled))
	}
	if _, err := os.Stat(spooled[0]); !os.IsNotExist(err) {
		t.Errorf("spool file %s still there after the handler returned (%v)", spooled[0], err)
	}
}

// A spooled message over MaxBytes is cut at MaxBytes+1 and marked Truncated; the
// next message is still read whole, and a failing handler still removes the file.
func TestOversizedSpooledMessageIsTruncatedAndCleanedOnError(t *testing.T) {
	s, err := devmail.Start(devmail.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	huge, next := message("huge", 4<<20), message("next", 500)
	for _, m := range [][]byte{huge, next} {
		if _, err := s.Append("INBOX", m, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	src := source(t, s, imapsource.Config{SpoolDir: dir, SpoolBytes: 1 << 20, MaxBytes: 2 << 20, Batch: 1})
	var truncated, whole bool
	_, err = src.PollBatch(context.Background(), &memState{}, func(ms []imapsource.Message) ([]imapsource.Disposition, error) {
		for _, m := range ms {
			if m.Spool != nil {
				truncated = m.Truncated && m.Spooled == 2<<20+1
			} else {
				whole = bytes.Equal(m.Raw, next) && !m.Truncated
			}
		}
		return nil, nil
	})
	if err != nil || !truncated || !whole {
		t.Fatalf("truncated %v, next whole %v, err %v", truncated, whole, err)
	}

	if _, err := s.Append("INBOX", message("again", 3<<20), time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err = src.PollBatch(context.Background(), &memState{uv: 0}, func([]imapsource.Message) ([]imapsource.Disposition, error) { return nil, io.ErrUnexpectedEOF })
	if err == nil {
		t.Fatal("handler error not returned")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "govbot-spool-*")); len(left) != 0 {
		t.Errorf("spool files left after a failed handler: %v", left)
	}
}

// A message the handler asks to retry holds the position below it: it is read
// again next time, the messages after it are not handed over twice, and a
// quarantined message is flagged \Flagged and $GovbotQuarantined, not handled.
func TestRetryHoldsPositionAndQuarantineFlags(t *testing.T) {
	s, err := devmail.Start(devmail.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, subj := range []string{"one", "poison", "three", "bad"} {
		if _, err := s.Append("INBOX", message(subj, 200), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	src := source(t, s, imapsource.Config{})
	st := &memState{seen: map[uint32]bool{}}
	var handled []string
	handle := func(ms []imapsource.Message) ([]imapsource.Disposition, error) {
		disp := make([]imapsource.Disposition, len(ms))
		for i, m := range ms {
			switch {
			case bytes.Contains(m.Raw, []byte("Subject: poison")):
				disp[i] = imapsource.Retry
			case bytes.Contains(m.Raw, []byte("Subject: bad")):
				disp[i] = imapsource.Quarantined
				st.seen[m.UID] = true
			default:
				st.seen[m.UID] = true
			}
			handled = append(handled, string(m.Raw[bytes.Index(m.Raw, []byte("Subject: "))+9:][:5]))
		}
		return disp, nil
	}
	if _, err := src.PollBatch(context.Background(), st, handle); err != nil {
		t.Fatal(err)
	}
	if st.last != 1 {
		t.Errorf("position after a retry of UID 2 = %d, want 1", st.last)
	}
	handled = nil
	if _, err := src.PollBatch(context.Background(), st, handle); err != nil {
		t.Fatal(err)
	}
	if len(handled) != 1 || handled[0] != "poiso" {
		t.Errorf("second poll handed over %q, want only the retried message", handled)
	}
	msgs, _, err := s.Messages("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		has := func(f string) bool {
			return slices.ContainsFunc(m.Flags, func(g string) bool { return strings.EqualFold(f, g) })
		}
		q, p := has(imapsource.QuarantinedFlag), has(imapsource.ProcessedFlag)
		bad := bytes.Contains(m.Raw, []byte("Subject: bad"))
		poison := bytes.Contains(m.Raw, []byte("Subject: poison"))
		switch {
		case bad && (!q || !has(`\Flagged`) || p):
			t.Errorf("quarantined message flags %v", m.Flags)
		case poison && (p || q):
			t.Errorf("message to retry flags %v, want none of ours", m.Flags)
		case !bad && !poison && !p:
			t.Errorf("handled message flags %v", m.Flags)
		}
	}
}

type prepared struct {
	uid      uint32
	released *[]uint32
}

func (p *prepared) Release() { *p.released = append(*p.released, p.uid) }

// With a Prepare stage, every batch is prepared before the handler sees it, in
// order, and what was prepared is released once the handler has returned; when
// the handler fails, the batches not handled are released too.
func TestPrepareStageRunsBeforeTheHandlerAndIsReleased(t *testing.T) {
	s, err := devmail.Start(devmail.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 7 {
		if _, err := s.Append("INBOX", message("m"+string(rune('a'+i)), 300), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	var released []uint32 // appended by the handler's goroutine only
	cfg := imapsource.Config{HandleBatch: 2, Prepare: func(ms []imapsource.Message) {
		for i := range ms {
			ms[i].Prepared = &prepared{uid: ms[i].UID, released: &released}
		}
	}}
	src := source(t, s, cfg)
	var handled []uint32
	n, err := src.PollBatch(context.Background(), &memState{}, func(ms []imapsource.Message) ([]imapsource.Disposition, error) {
		for _, m := range ms {
			p, ok := m.Prepared.(*prepared)
			if !ok || p.uid != m.UID {
				t.Errorf("uid %d reached the handler unprepared (%v)", m.UID, m.Prepared)
			}
			handled = append(handled, m.UID)
		}
		return nil, nil
	})
	if err != nil || n != 7 {
		t.Fatalf("PollBatch = %d, %v", n, err)
	}
	if want := []uint32{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(handled, want) || !slices.Equal(released, want) {
		t.Errorf("handled %v, released %v; want both %v", handled, released, want)
	}

	// A failing handler: everything prepared is released all the same.
	for i := range 4 {
		if _, err := s.Append("INBOX", message("n"+string(rune('a'+i)), 300), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	released = nil
	src2 := source(t, s, cfg)
	_, err = src2.PollBatch(context.Background(), &memState{}, func([]imapsource.Message) ([]imapsource.Disposition, error) {
		return nil, io.ErrUnexpectedEOF
	})
	if err == nil {
		t.Fatal("PollBatch of a failing handler returned no error")
	}
	slices.Sort(released)
	if len(released) == 0 || !slices.Equal(released, slices.Compact(slices.Clone(released))) {
		t.Errorf("released %v after a failing handler, want each prepared message once", released)
	}
}
