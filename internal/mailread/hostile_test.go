package mailread

import (
	"encoding/base64"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Hostile mail: structures built to make Read slow or large, and strings
// built to carry control characters into the rest of the program. The
// allocation bounds below hold whatever the machine; timing is the
// benchmarks' business (bench_hostile_test.go).

// maxHostileAlloc bounds what Read may allocate for any one of the hostile
// messages here.
const maxHostileAlloc = 64 << 20

// nestedMultipart returns a message whose body nests multipart/mixed depth
// levels deep, each with its own boundary, a text part at the bottom.
func nestedMultipart(depth int) string {
	var b strings.Builder
	b.WriteString("From: Somchai <s@map.org>\r\nSubject: nested\r\nMessage-ID: <nest@map.org>\r\n")
	for i := 0; i < depth; i++ {
		b.WriteString("Content-Type: multipart/mixed; boundary=b" + strconv.Itoa(i) + "\r\n\r\n--b" + strconv.Itoa(i) + "\r\n")
	}
	b.WriteString("Content-Type: text/plain\r\n\r\nYES\r\n")
	for i := depth - 1; i >= 0; i-- {
		b.WriteString("--b" + strconv.Itoa(i) + "--\r\n")
	}
	return b.String()
}

// manyAttachments returns a message with a text part and n tiny
// attachments.
func manyAttachments(n int) string {
	var b strings.Builder
	b.WriteString("From: Somchai <s@map.org>\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYES\r\n")
	for i := 0; i < n; i++ {
		b.WriteString("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f" + strconv.Itoa(i) + ".bin\r\n\r\nx\r\n")
	}
	b.WriteString("--b--\r\n")
	return b.String()
}

// plainMessage returns an ordinary reply (a text part and one base64 PDF)
// of about size bytes: the baseline the hostile messages are compared with.
func plainMessage(size int) string {
	head := "From: Somchai <s@map.org>\r\nTo: bot@map.org\r\nSubject: Re: Vote\r\nMessage-ID: <plain@map.org>\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYES, we support the application.\r\n\r\nOn Mon, 3 Jun 2024 Govbot <bot@map.org> wrote:\r\n> Vote YES or NO\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=letter.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	tail := "--b--\r\n"
	line := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("%PDF-1.4 plain ", 4)[:57])) + "\r\n"
	var b strings.Builder
	b.WriteString(head)
	for b.Len()+len(line)+len(tail) <= size {
		b.WriteString(line)
	}
	b.WriteString(tail)
	return b.String()
}

// allocFor returns the bytes allocated while f runs.
func allocFor(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if raceEnabled {
		return 0 // see raceEnabled
	}
	return after.TotalAlloc - before.TotalAlloc
}

func hasProblem(m *Message, part string) bool {
	for _, p := range m.Problems {
		if strings.Contains(p, part) {
			return true
		}
	}
	return false
}

// forEachString calls f with every string of m and the messages it
// forwards; body marks the texts that may keep tab and line feed.
func forEachString(m *Message, f func(field, s string, body bool)) {
	addr := func(field string, a Address) {
		f(field+".Name", a.Name, false)
		f(field+".Email", a.Email, false)
	}
	addr("From", m.From)
	for _, l := range []struct {
		field string
		as    []Address
	}{{"To", m.To}, {"Cc", m.Cc}, {"ReplyTo", m.ReplyTo}} {
		for _, a := range l.as {
			addr(l.field, a)
		}
	}
	f("Subject", m.Subject, false)
	f("MessageID", m.MessageID, false)
	for _, s := range m.InReplyTo {
		f("InReplyTo", s, false)
	}
	for _, s := range m.References {
		f("References", s, false)
	}
	for k, vs := range m.Header {
		f("Header key", k, false)
		for _, v := range vs {
			f("Header["+k+"]", v, false)
		}
	}
	f("Text", m.Text, true)
	for _, a := range m.Attachments {
		f("Attachment.Name", a.Name, false)
		f("Attachment.ContentType", a.ContentType, false)
		f("Attachment.SHA256", a.SHA256, false)
	}
	f("Auto", m.Auto, false)
	for _, p := range m.Problems {
		f("Problems", p, false)
	}
	for _, fm := range m.Forwarded {
		forEachString(fm, func(field, s string, body bool) { f("Forwarded."+field, s, body) })
	}
}

// inertFault describes what makes s not inert, or "".
func inertFault(s string, body bool) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if body && (r == '\t' || r == '\n') {
			continue
		}
		if isControl(r) {
			return "control character U+" + strconv.FormatInt(int64(r), 16)
		}
		if !body && (isBidiControl(r) || r == '\u2028' || r == '\u2029') {
			return "bidi or line-separator character U+" + strconv.FormatInt(int64(r), 16)
		}
	}
	return ""
}

// checkInert fails t when a string of m is not inert.
func checkInert(t testing.TB, m *Message) {
	t.Helper()
	forEachString(m, func(field, s string, body bool) {
		if fault := inertFault(s, body); fault != "" {
			t.Errorf("%s = %q: %s", field, s, fault)
		}
	})
}

func TestRead_NestingDepthLimit(t *testing.T) {
	raw := nestedMultipart(20000)
	var m *Message
	var err error
	alloc := allocFor(func() { m, err = Read(strings.NewReader(raw), Options{}) })
	if err != nil {
		t.Fatal(err)
	}
	if !hasProblem(m, "nests parts more than 20 deep") {
		t.Errorf("problems %q, want one about nesting more than 20 deep", m.Problems)
	}
	if m.Subject != "nested" || m.MessageID != "nest@map.org" {
		t.Errorf("header: got %q %q", m.Subject, m.MessageID)
	}
	t.Logf("20,000 levels (%d bytes): %d bytes allocated", len(raw), alloc)
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
}

func TestRead_NestingWithinLimitIsReadWhole(t *testing.T) {
	for _, tt := range []struct {
		depth, max int
		text       string
		problem    bool
	}{
		{19, 0, "YES", false},
		{20, 0, "YES", false},
		{21, 0, "", true},
		{3, 3, "YES", false},
		{4, 3, "", true},
	} {
		m, err := Read(strings.NewReader(nestedMultipart(tt.depth)), Options{MaxDepth: tt.max})
		if err != nil {
			t.Fatal(err)
		}
		if m.Text != tt.text || hasProblem(m, "nests parts") != tt.problem {
			t.Errorf("depth %d, MaxDepth %d: got text %q problems %q, want %q and a problem %v", tt.depth, tt.max, m.Text, m.Problems, tt.text, tt.problem)
		}
	}
}

// TestRead_NestingCountsAttachedMessages: a message attached inside a part
// is a level deeper than that part.
func TestRead_NestingCountsAttachedMessages(t *testing.T) {
	inner := "From: lan@example.vn\r\nSubject: Application\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nPlease admit us.\r\n--i--\r\n"
	raw := "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--o\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "--o--\r\n"
	// top multipart 0, the attached part 1, its message 2, its text part 3
	for _, tt := range []struct {
		max  int
		text string
	}{{3, "Please admit us."}, {2, ""}} {
		m, err := Read(strings.NewReader(raw), Options{MaxDepth: tt.max})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Forwarded) != 1 || m.Forwarded[0].Text != tt.text || hasProblem(m, "nests parts") != (tt.text == "") {
			t.Errorf("MaxDepth %d: got forwards %+v problems %q, want text %q", tt.max, m.Forwarded, m.Problems, tt.text)
		}
	}
}

func TestRead_PartCountLimit(t *testing.T) {
	raw := manyAttachments(10000)
	calls := 0
	var m *Message
	var err error
	alloc := allocFor(func() {
		m, err = Read(strings.NewReader(raw), Options{Attachment: func(a Attachment, r io.Reader) error {
			calls++
			_, err := io.Copy(io.Discard, r)
			return err
		}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if !hasProblem(m, "more than 500 parts") {
		t.Errorf("problems %q, want one about more than 500 parts", m.Problems)
	}
	if calls >= DefaultMaxParts || len(m.Attachments) >= DefaultMaxParts || m.AttachmentCount != len(m.Attachments) {
		t.Errorf("got %d callbacks, %d attachments listed, %d counted; want under %d, all listed", calls, len(m.Attachments), m.AttachmentCount, DefaultMaxParts)
	}
	if m.Text != "YES" {
		t.Errorf("text: got %q", m.Text)
	}
	t.Logf("10,000 parts (%d bytes): %d bytes allocated", len(raw), alloc)
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
	if m, _ := Read(strings.NewReader(manyAttachments(9)), Options{MaxParts: 10}); len(m.Problems) != 0 || len(m.Attachments) != 9 {
		t.Errorf("10 parts, MaxParts 10: got %d attachments, problems %q", len(m.Attachments), m.Problems)
	}
	if m, _ := Read(strings.NewReader(manyAttachments(10)), Options{MaxParts: 10}); !hasProblem(m, "more than 10 parts") || len(m.Attachments) != 9 {
		t.Errorf("11 parts, MaxParts 10: got %d attachments, problems %q", len(m.Attachments), m.Problems)
	}
}

func TestRead_MaxAttachments(t *testing.T) {
	var names []string
	m, err := Read(strings.NewReader(manyAttachments(10)), Options{MaxAttachments: 3, Attachment: func(a Attachment, r io.Reader) error {
		names = append(names, a.Name)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 3 || len(m.Attachments) != 3 || m.AttachmentCount != 10 || !m.TooManyAttachments {
		t.Errorf("got callbacks %q, %d listed, count %d, too many %v; want 3, 3, 10, true", names, len(m.Attachments), m.AttachmentCount, m.TooManyAttachments)
	}
	if !hasProblem(m, "more than 3 attachments") {
		t.Errorf("problems %q, want one about more than 3 attachments", m.Problems)
	}
	if m.Text != "YES" {
		t.Errorf("text: got %q", m.Text)
	}
	m, _ = Read(strings.NewReader(manyAttachments(3)), Options{MaxAttachments: 3})
	if len(m.Attachments) != 3 || m.AttachmentCount != 3 || m.TooManyAttachments || len(m.Problems) != 0 {
		t.Errorf("at the limit: got %d listed, count %d, too many %v, problems %q", len(m.Attachments), m.AttachmentCount, m.TooManyAttachments, m.Problems)
	}
	// without MaxAttachments every attachment is listed and counted
	m, _ = Read(strings.NewReader(manyAttachments(30)), Options{})
	if len(m.Attachments) != 30 || m.AttachmentCount != 30 || m.TooManyAttachments {
		t.Errorf("no limit: got %d listed, count %d, too many %v", len(m.Attachments), m.AttachmentCount, m.TooManyAttachments)
	}
}

// TestRead_MaxAttachmentsCountsAttachedMessages: an attached message is an
// attachment, and so is each of its own; the bound is on them all.
func TestRead_MaxAttachmentsCountsAttachedMessages(t *testing.T) {
	inner := "From: lan@example.vn\r\nSubject: Application\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nhi\r\n" +
		"--i\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\nA\r\n--i\r\nContent-Type: application/pdf; name=b.pdf\r\n\r\nB\r\n--i--\r\n"
	raw := "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--o\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "--o\r\nContent-Type: application/pdf; name=c.pdf\r\n\r\nC\r\n--o--\r\n"
	calls := 0
	m, err := Read(strings.NewReader(raw), Options{MaxAttachments: 2, Attachment: func(Attachment, io.Reader) error { calls++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	// seen: the message (1), a.pdf (2), b.pdf (3, skipped), c.pdf (4, skipped)
	if calls != 1 || m.AttachmentCount != 4 || !m.TooManyAttachments || len(m.Forwarded) != 1 || len(m.Forwarded[0].Attachments) != 1 {
		t.Errorf("got %d callbacks, count %d, too many %v, forwards %+v", calls, m.AttachmentCount, m.TooManyAttachments, m.Forwarded)
	}
}

func TestRead_DeadlinePassed(t *testing.T) {
	calls := 0
	m, err := Read(strings.NewReader(manyAttachments(5)), Options{Deadline: time.Now().Add(-time.Second), Attachment: func(Attachment, io.Reader) error { calls++; return nil }})
	if err != nil {
		t.Fatalf("Read: %v, want no error", err)
	}
	if !hasProblem(m, "took longer than the time allowed") || calls != 0 || len(m.Attachments) != 0 {
		t.Errorf("got problems %q, %d callbacks, %d attachments; want the deadline's problem and nothing read", m.Problems, calls, len(m.Attachments))
	}
	if len(m.Problems) != 1 {
		t.Errorf("got problems %q, want only the deadline's", m.Problems)
	}
	m, err = Read(strings.NewReader(manyAttachments(5)), Options{Deadline: time.Now().Add(time.Hour)})
	if err != nil || len(m.Problems) != 0 || len(m.Attachments) != 5 {
		t.Errorf("deadline ahead: got %v, problems %q, %d attachments", err, m.Problems, len(m.Attachments))
	}
}

// TestRead_DeadlinePassesWhileReading: the message read so far comes back,
// with the deadline's problem, and no error; reading stops, and no
// half-read attachment is listed. The clock is a counter: it passes the
// deadline on its 40th reading.
func TestRead_DeadlinePassesWhileReading(t *testing.T) {
	start := time.Date(2024, 6, 3, 10, 0, 0, 0, time.UTC)
	reads := 0
	clock := func() time.Time {
		reads++
		return start.Add(time.Duration(reads) * time.Second)
	}
	src := strings.NewReader(manyAttachments(1000))
	calls := 0
	m, err := Read(src, Options{Deadline: start.Add(40 * time.Second), now: clock, Attachment: func(Attachment, io.Reader) error { calls++; return nil }})
	if err != nil {
		t.Fatalf("Read: %v, want no error", err)
	}
	if !hasProblem(m, "took longer than the time allowed") || m.From.Email != "s@map.org" || m.Text != "YES" {
		t.Errorf("got problems %q, from %+v, text %q", m.Problems, m.From, m.Text)
	}
	if calls == 0 || calls >= 40 || len(m.Attachments) > calls || src.Len() == 0 {
		t.Errorf("got %d callbacks, %d attachments, %d bytes left unread; want reading stopped", calls, len(m.Attachments), src.Len())
	}
	for _, a := range m.Attachments {
		if a.Size != 1 {
			t.Errorf("attachment %+v: read in part", a)
		}
	}
}

func TestRead_HostileControlsAreInert(t *testing.T) {
	tests := []struct {
		name, raw string
		check     func(*Message) string
	}{
		{"subject with U+001F", "From: a@x.org\r\nSubject: vote\x1fYES\x1e\x1d\r\n\r\nhi\r\n",
			func(m *Message) string { return want(m.Subject, "voteYES") }},
		{"encoded word with controls", "From: =?utf-8?q?Som=1Fchai=0A=0D?= <a@x.org>\r\nSubject: =?utf-8?q?a=1Eb=0Ac=09d?=\r\n\r\nhi\r\n",
			func(m *Message) string { return want(m.Subject, "ab c d") + want(m.From.Name, "Somchai") }},
		{"C1 controls", "From: a@x.org\r\nSubject: =?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("x\u0085y\u009bz\u007f")) + "?=\r\n\r\nhi\r\n",
			func(m *Message) string { return want(m.Subject, "x yz") }}, // NEL is a line break: a space
		{"bidi override in a file name", "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''report%E2%80%AEfdp.exe\r\n\r\nx\r\n--b--\r\n",
			func(m *Message) string { return want(attachmentName(m), "reportfdp.exe") }},
		{"file name with a newline", "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''form%0A%1Fsigned.pdf\r\n\r\nx\r\n--b--\r\n",
			func(m *Message) string { return want(attachmentName(m), "form signed.pdf") }},
		{"body controls", "From: a@x.org\r\nContent-Type: text/plain\r\n\r\nYES\x1f\x00\r\n\tNO\x1d\rx\u0085\r\n",
			func(m *Message) string { return want(m.Text, "YES\n\tNO\nx\n") }},
		{"html body controls", "From: a@x.org\r\nContent-Type: text/html\r\n\r\n<p>YES&#x1f;\x1e</p><p>NO\u0085</p>",
			func(m *Message) string { return want(m.Text, "YES\nNO") }},
		{"message ids", "From: a@x.org\r\nMessage-ID: <a\x1fb@x>\r\nIn-Reply-To: <c\x1e@x>\r\nReferences: <d@x>\r\n <e\x1d@x>\r\n\r\nhi\r\n",
			func(m *Message) string {
				return want(m.MessageID, "ab@x") + want(strings.Join(m.InReplyTo, ","), "c@x") + want(strings.Join(m.References, ","), "d@x,e@x")
			}},
		{"folded header value", "From: a@x.org\r\nX-Note: one\r\n\ttwo\x1f\r\n\r\nhi\r\n",
			func(m *Message) string {
				return want(strings.Join(strings.Fields(m.Header["X-Note"][0]), " "), "one two")
			}},
		{"content type and charset", "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=\"x\x1f\"\r\n\r\nhi\r\n--b--\r\n",
			func(m *Message) string { return "" }},
		{"forwarded inline", "From: a@x.org\r\nSubject: Fwd: x\r\n\r\n---------- Forwarded message ---------\nFrom: Lan\x1f <lan@x.vn>\nSubject: App\x1elication\nDate: Mon, 3 Jun 2024 10:00:00 +0700\n\nPlease\x1d admit us.\n",
			func(m *Message) string {
				if len(m.Forwarded) != 1 {
					return "no forward; "
				}
				return want(m.Forwarded[0].Subject, "Application") + want(m.Forwarded[0].Text, "Please admit us.")
			}},
		{"forwarded attached", "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: Lan <lan@x.vn>\r\nSubject: App\x1flication\r\n\r\nhi\x1e\r\n--o--\r\n",
			func(m *Message) string {
				if len(m.Forwarded) != 1 {
					return "no forward; "
				}
				return want(m.Forwarded[0].Subject, "Application") + want(attachmentName(m), "Application.eml")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen []Attachment
			m, err := Read(strings.NewReader(tt.raw), Options{Attachment: func(a Attachment, r io.Reader) error {
				seen = append(seen, a)
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			checkInert(t, m)
			for _, a := range seen {
				if f := inertFault(a.Name, false) + inertFault(a.ContentType, false); f != "" {
					t.Errorf("callback got %+v: %s", a, f)
				}
			}
			if msg := tt.check(m); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func attachmentName(m *Message) string {
	if len(m.Attachments) == 0 {
		return ""
	}
	return m.Attachments[0].Name
}

func want(got, want string) string {
	if got != want {
		return "got " + strconv.Quote(got) + ", want " + strconv.Quote(want) + "; "
	}
	return ""
}

func TestInertLineAndText(t *testing.T) {
	tests := []struct{ in, line, text string }{
		{"plain", "plain", "plain"},
		{"a\tb\nc\r\nd", "a b c  d", "a\tb\nc\nd"},
		{"x\x00\x1d\x1e\x1f\x7fy", "xy", "xy"},
		{"x\u0080\u0085\u009fy", "xy", "xy"},
		{"x\u2028y\u2029z", "x y z", "x\u2028y\u2029z"},
		{"a\u202eb\u2066c", "abc", "a\u202eb\u2066c"},
		{"bad \xff byte", "bad \uFFFD byte", "bad \uFFFD byte"},
		{"e\x1f\u0301", "\u00e9", "\u00e9"}, // NFC again once the control is gone
	}
	for _, tt := range tests {
		if got := inertLine(tt.in, 100); got != tt.line {
			t.Errorf("inertLine(%q): got %q, want %q", tt.in, got, tt.line)
		}
		if got := inertText(tt.in); got != tt.text {
			t.Errorf("inertText(%q): got %q, want %q", tt.in, got, tt.text)
		}
	}
	if got := inertLine(strings.Repeat("ก", 10), 10); got != "กกก" {
		t.Errorf("cut: got %q, want three Thai letters (9 bytes)", got)
	}
}

// TestHTMLToText_DeepQuotesStayBounded: text inside hundreds of blockquotes
// gets a bounded number of quote marks per line.
func TestHTMLToText_DeepQuotesStayBounded(t *testing.T) {
	html := strings.Repeat("<blockquote>", 400) + strings.Repeat("x<br>", 20000)
	var out string
	alloc := allocFor(func() { out = htmlToText(html) })
	if !strings.HasPrefix(out, strings.Repeat(">", maxQuoteMarks)+" x\n") {
		t.Errorf("got %q…, want %d quote marks", out[:min(40, len(out))], maxQuoteMarks)
	}
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
}

// TestSplitForwards_ManyMarkersLinear: forward markers, each followed by a
// header line but no From, must not make every marker read the rest of the
// text.
func TestSplitForwards_ManyMarkersLinear(t *testing.T) {
	text := strings.Repeat("---------- Forwarded message ---------\nDate: Mon, 3 Jun 2024\n", 20000)
	var fs []*Message
	alloc := allocFor(func() { fs = splitForwards(text, true, 0) })
	if len(fs) != 0 {
		t.Errorf("got %d forwards, want none", len(fs))
	}
	if alloc > maxHostileAlloc {
		t.Errorf("allocated %d bytes, want under %d", alloc, maxHostileAlloc)
	}
}
