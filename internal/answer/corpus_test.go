package answer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// corpusDir holds real reply bodies from other projects' test suites,
// unchanged, with their licences (see its README.md).
const corpusDir = "testdata/corpus"

// corpusResults collects pass rates per source for CORPUS_RESULTS.md.
var corpusResults = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

func corpus(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(corpusDir, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("corpus folder %s: %v", dir, err)
	}
	return dir
}

// recordRate logs a source's pass rate, stores it for the summary file and
// fails when it falls below the floor measured when the test was written.
func recordRate(t *testing.T, source string, pass, total int, floor float64, note string) {
	t.Helper()
	rate := 100 * float64(pass) / float64(total)
	t.Logf("%s: %d/%d pass (%.0f%%)", source, pass, total, rate)
	corpusResults.Lock()
	corpusResults.m[source] = fmt.Sprintf("| %s | %d/%d | %.0f%% | %s |", source, pass, total, rate, note)
	corpusResults.Unlock()
	if rate < floor {
		t.Errorf("%s: pass rate %.0f%% fell below the floor %.0f%%", source, rate, floor)
	}
}

// TestMain writes testdata/CORPUS_RESULTS.md after the corpus tests ran.
func TestMain(m *testing.M) {
	code := m.Run()
	corpusResults.Lock()
	defer corpusResults.Unlock()
	if len(corpusResults.m) > 0 && os.Getenv("CORPUS_RESULTS_WRITE") != "" {
		var rows []string
		for _, r := range corpusResults.m {
			rows = append(rows, r)
		}
		sort.Strings(rows)
		md := "# answer: corpus pass rates\n\nMeasured by `CORPUS_RESULTS_WRITE=1 go test ./internal/answer/` against testdata/corpus.\n\n" +
			"| source | passed | rate | what is checked |\n| --- | --- | --- | --- |\n" + strings.Join(rows, "\n") + "\n"
		_ = os.WriteFile("testdata/CORPUS_RESULTS.md", []byte(md), 0o644)
	}
	os.Exit(code)
}

// TestCorpusGitHubReplyText checks ReplyText against the exact reply_text of
// github/email_reply_parser's fixtures, plus the time limits.
func TestCorpusGitHubReplyText(t *testing.T) {
	dir := corpus(t, "github-email_reply_parser")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp map[string]json.RawMessage
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	pass, total := 0, 0
	for name, v := range exp {
		if strings.HasPrefix(name, "_") {
			continue
		}
		var e struct {
			ReplyText  *string `json:"reply_text"`
			MaxSeconds float64 `json:"max_seconds"`
		}
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatal(err)
		}
		body, err := os.ReadFile(filepath.Join(dir, "emails", name))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := ReplyText(string(body))
		if e.MaxSeconds > 0 {
			if d := time.Since(start); d.Seconds() > e.MaxSeconds {
				t.Errorf("%s: took %v, want under %vs", name, d, e.MaxSeconds)
			}
		}
		if e.ReplyText == nil {
			continue
		}
		total++
		if got == *e.ReplyText {
			pass++
		} else {
			t.Logf("%s: got %q, want %q", name, got, *e.ReplyText)
		}
	}
	recordRate(t, "github-email_reply_parser reply_text", pass, total, 100, "ReplyText equals upstream's exact `reply_text`")
}

// TestCorpusCrispCommonFragment checks that ReplyText cuts the crisp
// fixtures (European quote headers, Outlook iOS, MSN, Zoho) exactly before
// the quote header.
func TestCorpusCrispCommonFragment(t *testing.T) {
	dir := corpus(t, "crisp-email-reply-parser")
	raw, err := os.ReadFile(filepath.Join(dir, "expected_common_fragment.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Common   string `json:"COMMON_FIRST_FRAGMENT"`
		Fixtures map[string]struct {
			First string `json:"first_fragment_trimmed"`
		} `json:"fixtures"`
	}
	if err := json.Unmarshal(raw, &exp); err != nil {
		t.Fatal(err)
	}
	pass, total := 0, 0
	for name, f := range exp.Fixtures {
		want := f.First
		if want == "COMMON_FIRST_FRAGMENT" {
			want = exp.Common
		}
		body, err := os.ReadFile(filepath.Join(dir, "emails", name))
		if err != nil {
			t.Fatal(err)
		}
		total++
		got := strings.TrimSpace(ReplyText(string(body)))
		if got == want {
			pass++
		} else {
			t.Logf("%s: got %q", name, got)
		}
	}
	recordRate(t, "crisp-email-reply-parser common fragment", pass, total, 100, "ReplyText, trimmed, equals the common first fragment")
}
