package answer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpusWebRidgeDataset builds upstream's compositional dataset (every basemail ×
// signature × quoted reply, with the quote below and above) and checks that
// ReplyText returns the basemail, whitespace-trimmed, as upstream's test does. The
// layout with the quote above the reply is not what members' clients produce, and our
// extractor keeps text typed between quotes rather than drop it; both layouts are
// reported apart.
func TestCorpusWebRidgeDataset(t *testing.T) {
	dir := corpus(t, "web-ridge-email-reply-parser/dataset")
	read := func(sub string) map[string]string {
		out := map[string]string{}
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.txt"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out[filepath.Base(f)] = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
		return out
	}
	bases, sigs, quotes := read("basemail"), read("signatures"), read("quoted_reply")
	if len(bases)*len(sigs)*len(quotes) == 0 {
		t.Fatalf("dataset incomplete: %d basemails, %d signatures, %d quoted replies", len(bases), len(sigs), len(quotes))
	}
	bottom, top, total := 0, 0, 0
	for _, b := range bases {
		want := strings.TrimSpace(b)
		for _, s := range sigs {
			for _, q := range quotes {
				total++
				if strings.TrimSpace(ReplyText(b+"\n\n"+s+"\n\n"+q)) == want {
					bottom++
				}
				if strings.TrimSpace(ReplyText(q+"\n\n"+b+"\n\n"+s+"\n\n")) == want {
					top++
				}
			}
		}
	}
	recordRate(t, "web-ridge dataset, quote below the reply", bottom, total, 51, "ReplyText equals the basemail (upstream's compositional test)")
	recordRate(t, "web-ridge dataset, quote above the reply", top, total, 48, "same, with the quote first (not a layout the network's clients produce)")
}
