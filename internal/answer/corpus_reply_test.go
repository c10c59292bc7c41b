package answer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// replyPartFloor is the share of real replies whose reply part ReplyText must
// cut exactly; the target is 95%.
const replyPartFloor = 95

// TestCorpusReplyPartExact checks ReplyText against the hand-labelled reply
// part of every real reply body in testdata/corpus (108 messages from
// github/email_reply_parser, crisp-oss/email-reply-parser and
// alfonsrv/mail-parser-reply; the labelling convention is in the file's
// _format). It reports the rate per source and overall.
func TestCorpusReplyPartExact(t *testing.T) {
	raw, err := os.ReadFile("testdata/corpus_reply.json")
	if err != nil {
		t.Fatal(err)
	}
	var lab struct {
		Expected map[string]string `json:"expected"`
	}
	if err := json.Unmarshal(raw, &lab); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(lab.Expected))
	for n := range lab.Expected {
		names = append(names, n)
	}
	sort.Strings(names)
	pass, total := map[string]int{}, map[string]int{}
	allPass := 0
	for _, name := range names {
		body, err := os.ReadFile(filepath.Join(corpusDir, strings.Replace(name, "/", "/emails/", 1)))
		if err != nil {
			t.Fatal(err)
		}
		src := name[:strings.IndexByte(name, '/')]
		total[src]++
		got := strings.TrimSpace(ReplyText(string(body)))
		if want := lab.Expected[name]; got == want {
			pass[src]++
			allPass++
		} else {
			t.Logf("%s:\n got %q\nwant %q", name, clip(got), clip(want))
		}
	}
	for _, src := range []string{"github-email_reply_parser", "crisp-email-reply-parser", "alfonsrv-mail-parser-reply"} {
		recordRate(t, src+" exact reply part", pass[src], total[src], 0, "ReplyText equals the hand-labelled reply part (testdata/corpus_reply.json)")
	}
	recordRate(t, "real replies, all three sources: exact reply part", allPass, len(names), replyPartFloor, "ReplyText equals the hand-labelled reply part")
}

func clip(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}
