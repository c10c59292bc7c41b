package forms

import (
	"bytes"
	"runtime"
	"testing"
)

// The hostile .docx of hostile_test.go, timed against an ordinary form of
// about the same zipped size read in the same run, so that the ratio, not
// the machine, is what counts. Each reports the bytes allocated per read
// as MB/op.

func benchDocx(b *testing.B, file []byte, wantErr bool) {
	b.Helper()
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		n++
		if _, err := ParseDocx(bytes.NewReader(file), int64(len(file))); (err != nil) != wantErr {
			b.Fatalf("error %v", err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/(1<<20), "MB/op")
}

// BenchmarkDocx_FormBaseline: the regular membership form with prose, as
// large zipped as the nested-cells file.
func BenchmarkDocx_FormBaseline(b *testing.B) {
	benchDocx(b, plainFormDocx(b, len(nestedCellsDocx(b))), false)
}

// BenchmarkDocx_NestedCells: tables nested in table cells 100,000 deep,
// 22 KB zipped.
func BenchmarkDocx_NestedCells(b *testing.B) { benchDocx(b, nestedCellsDocx(b), true) }
