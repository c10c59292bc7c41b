package mailread_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/mailread"
)

// benchMessages is the same set for both benchmarks: the flanker messages in
// testdata/corpus and a synthetic Gmail reply.
func benchMessages(b *testing.B) [][]byte {
	b.Helper()
	msgs := [][]byte{[]byte("From: Somchai <s@map.org>\r\nSubject: Re: Vote\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYES\r\n\r\nOn Mon, 3 Jun 2024 at 10:00, Govbot <bot@x.org> wrote:\r\n> " + answer.Marker("th") + "\r\n> [ ] YES\r\n> [ ] NO\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div>YES</div><div class=gmail_quote>...</div>\r\n--a--\r\n")}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "mailgun-flanker", "*.eml"))
	if len(files) == 0 {
		b.Fatal("no messages in testdata/corpus/mailgun-flanker")
	}
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, raw)
	}
	return msgs
}

// BenchmarkReadReplyParse: mailread.Read + answer.ReplyText + answer.Parse.
func BenchmarkReadReplyParse(b *testing.B) {
	msgs := benchMessages(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range msgs {
			m, err := mailread.Read(bytes.NewReader(raw), mailread.Options{})
			if err != nil {
				b.Fatal(err)
			}
			answer.Parse(answer.ReplyText(m.Text), answer.KindVote)
		}
	}
}

// BenchmarkBareGoMessage: go-message alone, walking every part and reading
// every body, as the baseline for the ratio.
func BenchmarkBareGoMessage(b *testing.B) {
	msgs := benchMessages(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, raw := range msgs {
			e, err := message.Read(bytes.NewReader(raw))
			if e == nil {
				continue
			}
			_ = err
			_ = e.Walk(func(path []int, ent *message.Entity, err error) error {
				if ent.MultipartReader() == nil {
					_, _ = io.Copy(io.Discard, ent.Body)
				}
				return nil
			})
		}
	}
}
