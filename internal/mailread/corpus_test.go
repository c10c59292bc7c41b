package mailread

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// corpusDir holds real messages from other projects' test suites, unchanged,
// with their licences (see its README.md).
const corpusDir = "testdata/corpus"

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
		md := "# mailread: corpus pass rates\n\nMeasured by `CORPUS_RESULTS_WRITE=1 go test ./internal/mailread/` against testdata/corpus.\n\n" +
			"| source | passed | rate | what is checked |\n| --- | --- | --- | --- |\n" + strings.Join(rows, "\n") + "\n"
		_ = os.WriteFile("testdata/CORPUS_RESULTS.md", []byte(md), 0o644)
	}
	os.Exit(code)
}

func readFile(t *testing.T, path string) *Message {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Read(f, Options{})
	if err != nil {
		t.Fatalf("%s: Read: %v", path, err)
	}
	return m
}

// TestCorpusEnmimeMalformed: 31 malformed real-world messages must not crash
// and must yield valid UTF-8; "readable" means a sender or some text came out.
func TestCorpusEnmimeMalformed(t *testing.T) {
	dir := corpus(t, "enmime-testdata")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.raw"))
	pass := 0
	for _, p := range files {
		m := readFile(t, p)
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Errorf("%s: invalid UTF-8 in the result", p)
			continue
		}
		if m.From.Email != "" || strings.TrimSpace(m.Text) != "" {
			pass++
		} else {
			t.Logf("%s: nothing readable; problems %q", filepath.Base(p), m.Problems)
		}
	}
	recordRate(t, "enmime-testdata (malformed MIME)", pass, len(files), 100, "no crash, valid UTF-8, sender or text recovered")
}

// TestCorpusMailgunFlanker reads 10 real messages from common clients.
func TestCorpusMailgunFlanker(t *testing.T) {
	dir := corpus(t, "mailgun-flanker")
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	pass := 0
	for _, p := range files {
		m := readFile(t, p)
		ok := utf8.ValidString(m.Text) && m.From.Email != "" && (strings.TrimSpace(m.Text) != "" || len(m.Attachments) > 0)
		if ok {
			pass++
		} else {
			t.Logf("%s: from %q text %q problems %q", filepath.Base(p), m.From.Email, m.Text, m.Problems)
		}
	}
	recordRate(t, "mailgun-flanker", pass, len(files), 90, "sender, and valid non-empty text or an attachment")
}

// TestCorpusMimekit: ISO-2022-JP subject and body, Office 365 TNEF, flowed.
func TestCorpusMimekit(t *testing.T) {
	dir := corpus(t, "mimekit-testdata")
	pass, total := 0, 0
	check := func(name string, ok bool, detail string) {
		total++
		if ok {
			pass++
		} else {
			t.Logf("%s: %s", name, detail)
		}
	}
	m := readFile(t, filepath.Join(dir, "japanese.txt"))
	_ = m
	check("japanese subject", m.Subject == "日本語メールテスト (testing Japanese emails)", m.Subject)
	check("japanese body", strings.Contains(m.Text, "日本語が"), m.Text)
	m = readFile(t, filepath.Join(dir, "tnef-ukr.eml"))
	hasTNEF := false
	for _, a := range m.Attachments {
		hasTNEF = hasTNEF || strings.EqualFold(a.Name, "winmail.dat") || a.ContentType == "application/ms-tnef"
	}
	check("tnef attachment listed", hasTNEF, fmt.Sprint(m.Attachments))
	check("tnef sender", m.From.Email != "", fmt.Sprint(m.From))
	m = readFile(t, filepath.Join(dir, "issue1130.txt"))
	check("issue1130 text", utf8.ValidString(m.Text) && strings.TrimSpace(m.Text) != "", m.Text)
	recordRate(t, "mimekit-testdata", pass, total, 100, "ISO-2022-JP subject/body, TNEF listed, text read")
}

// TestCorpusSpamscopeGB2312 reads an 8-bit GB2312 message.
func TestCorpusSpamscopeGB2312(t *testing.T) {
	dir := corpus(t, "spamscope-mail-parser")
	m := readFile(t, filepath.Join(dir, "mail_test_12.eml"))
	pass := 0
	if utf8.ValidString(m.Text) && strings.ContainsFunc(m.Text, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		pass++
	} else {
		t.Logf("text %q problems %q", m.Text, m.Problems)
	}
	if utf8.ValidString(m.Subject) && !strings.ContainsRune(m.Subject, utf8.RuneError) {
		pass++
	} else {
		t.Logf("subject %q", m.Subject)
	}
	recordRate(t, "spamscope GB2312", pass, 2, 100, "Chinese body text and a clean subject")
}

// TestCorpusGolangTextEncoding wraps each legacy-encoded text in a message
// labelled with its charset and checks the decoded text equals the UTF-8
// twin.
func TestCorpusGolangTextEncoding(t *testing.T) {
	dir := corpus(t, "golang-text-encoding")
	cases := []struct{ file, charset, twin string }{
		{"sunzi-bingfa-simplified-gbk.txt", "GBK", "sunzi-bingfa-simplified-utf-8.txt"},
		{"sunzi-bingfa-gb-levels-1-and-2-hz-gb2312.txt", "HZ-GB-2312", "sunzi-bingfa-gb-levels-1-and-2-utf-8.txt"},
		{"sunzi-bingfa-traditional-big5.txt", "Big5", "sunzi-bingfa-traditional-utf-8.txt"},
		{"sunzi-bingfa-traditional-big5.txt", "x-big5", "sunzi-bingfa-traditional-utf-8.txt"},
		{"sunzi-bingfa-traditional-big5.txt", "cp950", "sunzi-bingfa-traditional-utf-8.txt"},
		{"sunzi-bingfa-simplified-gbk.txt", "euc-cn", "sunzi-bingfa-simplified-utf-8.txt"},
		{"rashomon-euc-jp.txt", "EUC-JP", "rashomon-utf-8.txt"},
		{"rashomon-iso-2022-jp.txt", "ISO-2022-JP", "rashomon-utf-8.txt"},
		{"rashomon-shift-jis.txt", "Shift_JIS", "rashomon-utf-8.txt"},
		{"unsu-joh-eun-nal-euc-kr.txt", "EUC-KR", "unsu-joh-eun-nal-utf-8.txt"},
	}
	pass := 0
	for _, c := range cases {
		src, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		twin, err := os.ReadFile(filepath.Join(dir, c.twin))
		if err != nil {
			t.Fatal(err)
		}
		raw := "From: a@example.org\r\nSubject: t\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + c.charset +
			"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(src) + "\r\n"
		m, err := Read(strings.NewReader(raw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := cleanText(string(twin))
		if m.Text == want {
			pass++
		} else {
			t.Logf("%s as %s: differs (problems %q); got %d bytes, want %d", c.file, c.charset, m.Problems, len(m.Text), len(want))
		}
	}
	recordRate(t, "golang-text-encoding", pass, len(cases), 100, "decoded text equals the UTF-8 twin")
	_ = bytes.MinRead
}
