package perf

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// These two tests are cheap and run in the normal `go test ./...`: they keep the
// generator honest (deterministic, and its words mean what the figures assume).

func TestGeneratorWords(t *testing.T) {
	for _, b := range checkWords() {
		t.Error(b)
	}
}

func TestGeneratorDeterministic(t *testing.T) {
	forms := map[string]form{}
	var addrs []string
	for i := 1; i <= 40; i++ {
		a := fmt.Sprintf("contact%05d@org%05d.example", i, i)
		forms[a] = form{To: a, Subject: "[B1-ABCDEFGH] Vote by Monday", MessageID: fmt.Sprintf("govbot.x%d.abcdefgh@mmn.example", i), Text: "VOTING FORM\nReply YES or NO.\n"}
		addrs = append(addrs, a)
	}
	gen := func() [][]byte {
		g := newGenerator(7, "govbot@mmn.example", forms, addrs)
		var out [][]byte
		for i := 0; i < 200; i++ {
			out = append(out, g.next(time.Time{}).Raw)
		}
		return out
	}
	a, b := gen(), gen()
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			t.Fatalf("message %d differs between two runs with the same seed", i)
		}
	}
}
