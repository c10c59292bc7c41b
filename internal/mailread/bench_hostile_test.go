package mailread

import (
	"io"
	"runtime"
	"strings"
	"testing"
)

// The hostile messages of hostile_test.go, timed against an ordinary
// message of the same size read in the same run, so that the ratio, not
// the machine, is what counts. Each reports the bytes allocated per read
// as MB/op.

func benchRead(b *testing.B, raw string) {
	b.Helper()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		n++
		if _, err := Read(strings.NewReader(raw), Options{Attachment: func(a Attachment, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/(1<<20), "MB/op")
}

// BenchmarkRead_PlainBaseline: an ordinary reply with a PDF, as large as
// the 20,000-deep message (about 1.4 MB).
func BenchmarkRead_PlainBaseline(b *testing.B) {
	benchRead(b, plainMessage(len(nestedMultipart(20000))))
}

// BenchmarkRead_Nested20000: multipart nested 20,000 deep.
func BenchmarkRead_Nested20000(b *testing.B) { benchRead(b, nestedMultipart(20000)) }

// BenchmarkRead_PlainBaseline1MB: an ordinary reply with a PDF, as large as
// the message of 10,000 attachments (about 1 MB).
func BenchmarkRead_PlainBaseline1MB(b *testing.B) {
	benchRead(b, plainMessage(len(manyAttachments(10000))))
}

// BenchmarkRead_10000Parts: 10,000 tiny attachments.
func BenchmarkRead_10000Parts(b *testing.B) { benchRead(b, manyAttachments(10000)) }
