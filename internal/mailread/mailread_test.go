package mailread

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/unicode/norm"
)

// vietnamese1258 rewrites s the way windows-1258 stores Vietnamese: a
// precomposed base letter where the code page has one, plus combining tone
// marks.
func vietnamese1258(enc encoding.Encoding, s string) string {
	var b strings.Builder
	for _, r := range s {
		if _, err := enc.NewEncoder().String(string(r)); err == nil {
			b.WriteRune(r)
			continue
		}
		d := []rune(norm.NFD.String(string(r)))
		if len(d) >= 2 {
			if base := norm.NFC.String(string(d[:2])); len([]rune(base)) == 1 {
				if _, err := enc.NewEncoder().String(base); err == nil {
					b.WriteString(base + string(d[2:]))
					continue
				}
			}
		}
		b.WriteString(string(d))
	}
	return b.String()
}

func mustRead(t testing.TB, raw string) *Message {
	t.Helper()
	m, err := Read(strings.NewReader(raw), Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return m
}

func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	if enc == charmap.Windows1258 {
		s = vietnamese1258(enc, s)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// TestLegacyCharsetsSynthetic encodes replies with golang.org/x/text under
// each label members' clients use, in the subject (RFC 2047) and the body.
func TestLegacyCharsetsSynthetic(t *testing.T) {
	tests := []struct {
		label string
		enc   encoding.Encoding
		text  string
	}{
		{"TIS-620", charmap.Windows874, "เห็นด้วย ครับ"},
		{"tis620", charmap.Windows874, "ไม่เห็นด้วย"},
		{"windows-874", charmap.Windows874, "งดออกเสียง"},
		{"cp874", charmap.Windows874, "เห็นด้วย"},
		{"x-windows-874", charmap.Windows874, "เห็นด้วย"},
		{"windows-1258", charmap.Windows1258, "Không đồng ý với đề xuất"},
		{"cp1258", charmap.Windows1258, "Bỏ phiếu trắng"},
		{"GB2312", simplifiedchinese.GBK, "同意，反对"},
		{"GBK", simplifiedchinese.GBK, "弃权"},
		{"GB18030", simplifiedchinese.GB18030, "不同意"},
		{"euc-cn", simplifiedchinese.GBK, "同意"},
		{"Big5", traditionalchinese.Big5, "反對 棄權"},
		{"x-big5", traditionalchinese.Big5, "同意"},
		{"cp950", traditionalchinese.Big5, "棄權"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			b := encode(t, tt.enc, tt.text)
			subj := "=?" + tt.label + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
			raw := "From: =?" + tt.label + "?B?" + base64.StdEncoding.EncodeToString(b) + "?= <Member@Example.ORG>\r\n" +
				"Subject: " + subj + "\r\nContent-Type: text/plain; charset=" + tt.label + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
				base64.StdEncoding.EncodeToString(b) + "\r\n"
			m := mustRead(t, raw)
			want := norm.NFC.String(tt.text)
			if m.Text != want {
				t.Errorf("Text: got %q, want %q (problems %q)", m.Text, want, m.Problems)
			}
			if m.Subject != want {
				t.Errorf("Subject: got %q, want %q", m.Subject, want)
			}
			if m.From.Email != "member@example.org" || m.From.Name != want {
				t.Errorf("From: got %+v, want name %q and a lower-cased address", m.From, want)
			}
			if !norm.NFC.IsNormalString(m.Text) {
				t.Errorf("Text is not NFC: %q", m.Text)
			}
		})
	}
}

// TestRaw8BitHeadersSynthetic: legacy bytes straight in the header.
func TestRaw8BitHeadersSynthetic(t *testing.T) {
	tests := []struct {
		name, charset string
		enc           encoding.Encoding
		text          string
	}{
		{"gbk with body hint", "GBK", simplifiedchinese.GBK, "投票同意"},
		{"tis-620 with body hint", "TIS-620", charmap.Windows874, "เห็นด้วยครับ"},
		{"tis-620 guessed", "us-ascii", charmap.Windows874, "เห็นด้วยครับ"},
		{"gbk guessed", "", simplifiedchinese.GBK, "投票同意"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := "text/plain"
			if tt.charset != "" {
				ct += "; charset=" + tt.charset
			}
			raw := "From: a@example.org\r\nSubject: " + string(encode(t, tt.enc, tt.text)) + "\r\nContent-Type: " + ct + "\r\n\r\nhello\r\n"
			if m := mustRead(t, raw); m.Subject != tt.text {
				t.Errorf("Subject: got %q, want %q", m.Subject, tt.text)
			}
		})
	}
}

func TestAttachmentFilenamesRFC2231And2047(t *testing.T) {
	raw := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYES\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=UTF-8''%E0%B9%83%E0%B8%9A%E0%B8%AA%E0%B8%A1%E0%B8%B1%E0%B8%84%E0%B8%A3.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + mime.BEncoding.Encode("utf-8", "申请表.pdf") + "\"\r\n\r\nhello\r\n--b--\r\n"
	m := mustRead(t, raw)
	if len(m.Attachments) != 2 {
		t.Fatalf("got %d attachments, want 2: %+v", len(m.Attachments), m.Attachments)
	}
	if got, want := m.Attachments[0].Name, "ใบสมัคร.pdf"; got != want {
		t.Errorf("RFC 2231 name: got %q, want %q", got, want)
	}
	if got, want := m.Attachments[1].Name, "申请表.pdf"; got != want {
		t.Errorf("RFC 2047 name: got %q, want %q", got, want)
	}
	// sha256("hello")
	if got, want := m.Attachments[0].SHA256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"; got != want || m.Attachments[0].Size != 5 {
		t.Errorf("hash/size: got %s/%d, want %s/5", got, m.Attachments[0].Size, want)
	}
	if m.Text != "YES" {
		t.Errorf("Text: got %q, want %q", m.Text, "YES")
	}
}

func TestHeadersAndIDs(t *testing.T) {
	raw := "From: \"Somchai\" <Somchai@MAP.org>\r\nTo: a@x.org, \"B, Two\" <b@x.org>\r\nCc: c@x.org\r\nReply-To: r@x.org\r\n" +
		"Message-ID: <abc@mail.gmail.com>\r\nIn-Reply-To: <vote-1@govbot>\r\nReferences: <x@y> <vote-1@govbot>\r\nDate: Mon, 3 Jun 2024 10:00:00 +0700\r\nSubject: Re: Vote\r\n\r\nYES\r\n"
	m := mustRead(t, raw)
	if m.From != (Address{"Somchai", "somchai@map.org"}) || len(m.To) != 2 || m.To[1].Name != "B, Two" || len(m.Cc) != 1 || m.ReplyTo[0].Email != "r@x.org" {
		t.Errorf("addresses: got from %+v to %+v cc %+v reply-to %+v", m.From, m.To, m.Cc, m.ReplyTo)
	}
	if m.MessageID != "abc@mail.gmail.com" || len(m.InReplyTo) != 1 || m.InReplyTo[0] != "vote-1@govbot" || len(m.References) != 2 {
		t.Errorf("ids: got %q %q %q", m.MessageID, m.InReplyTo, m.References)
	}
	if m.Date.IsZero() || m.Date.Year() != 2024 {
		t.Errorf("date: got %v", m.Date)
	}
	if m.Header["Subject"][0] != "Re: Vote" {
		t.Errorf("Header map: got %q", m.Header["Subject"])
	}
}

func TestAutoAndBounce(t *testing.T) {
	base := "From: a@example.org\r\nSubject: x\r\n"
	tests := []struct {
		name, hdr, want string
		bounce          bool
	}{
		{"person", "", "", false},
		{"auto-submitted no", "Auto-Submitted: no\r\n", "", false},
		{"auto-replied", "Auto-Submitted: auto-replied\r\n", "auto-submitted", false},
		{"precedence bulk", "Precedence: bulk\r\n", "precedence", false},
		{"precedence auto_reply", "Precedence: auto_reply\r\n", "precedence", false},
		{"x-autoreply", "X-Autoreply: yes\r\n", "x-autoreply", false},
		{"x-autorespond", "X-Autorespond: yes\r\n", "x-autoreply", false},
		{"suppress alone is not a marker", "X-Auto-Response-Suppress: All\r\n", "", false},
		{"list-id", "List-Id: <members.example.org>\r\n", "list", false},
		{"list-unsubscribe", "List-Unsubscribe: <mailto:u@x>\r\n", "list", false},
		{"null return path", "Return-Path: <>\r\n", "bounce", true},
	}
	for _, tt := range tests {
		m := mustRead(t, tt.hdr+base+"\r\nhi\r\n")
		if m.Auto != tt.want || IsBounce(m) != tt.bounce {
			t.Errorf("%s: got Auto %q bounce %v, want %q %v", tt.name, m.Auto, IsBounce(m), tt.want, tt.bounce)
		}
	}
	dsn := "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n" +
		"--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n"
	m := mustRead(t, dsn)
	if m.Auto != "mailer-daemon" || !IsBounce(m) {
		t.Errorf("dsn: got Auto %q bounce %v", m.Auto, IsBounce(m))
	}
	dsn2 := strings.Replace(dsn, "MAILER-DAEMON@mx.example.org", "notify@mx.example.org", 1)
	if m := mustRead(t, dsn2); m.Auto != "bounce" || !IsBounce(m) {
		t.Errorf("dsn from other sender: got Auto %q bounce %v", m.Auto, IsBounce(m))
	}
}

func TestBrokenMessagesYieldProblems(t *testing.T) {
	tests := []struct{ name, raw, text string }{
		{"unknown top-level encoding", "From: a@x.org\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 YES\r\n", "begin 644 YES\n"},
		{"unknown charset", "From: a@x.org\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nYES\r\n", "YES\n"},
		{"missing final boundary", "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYES\r\n", "YES"},
		{"no boundary", "From: a@x.org\r\nContent-Type: multipart/mixed\r\n\r\nYES\r\n", "YES\n"},
	}
	for _, tt := range tests {
		m := mustRead(t, tt.raw)
		if m.Text != tt.text || len(m.Problems) == 0 {
			t.Errorf("%s: got text %q problems %q, want %q and a problem", tt.name, m.Text, m.Problems, tt.text)
		}
	}
}

func TestSignedMessageReadNormally(t *testing.T) {
	raw := "From: a@x.org\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=s\r\n\r\n" +
		"--s\r\nContent-Type: multipart/alternative; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nVote: NO\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>Vote: NO</p>\r\n--a--\r\n" +
		"--s\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--s--\r\n"
	m := mustRead(t, raw)
	if m.Text != "Vote: NO" || m.FromHTML || len(m.Attachments) != 1 || m.Attachments[0].Name != "smime.p7s" {
		t.Errorf("got text %q html %v attachments %+v", m.Text, m.FromHTML, m.Attachments)
	}
}

func TestHTMLOnlyToText(t *testing.T) {
	html := `<html><head><style>p{color:red}</style><script>x()</script></head><body>
<div dir="ltr">YES<br>we support</div><br>
<div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Jun 2024 Govbot &lt;bot@x.org&gt; wrote:<br></div>
<blockquote class="gmail_quote"><p>YES / NO / ABSTAIN</p></blockquote></div></body></html>`
	raw := "From: a@x.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
	m := mustRead(t, raw)
	want := "YES\nwe support\n\n> On Mon, 3 Jun 2024 Govbot <bot@x.org> wrote:\n>> YES / NO / ABSTAIN"
	if !m.FromHTML || m.Text != want {
		t.Errorf("got %q, want %q", m.Text, want)
	}
	outlook := `<div>NO</div><div id="divRplyFwdMsg"><b>From:</b> Govbot<br><b>Sent:</b> Monday<br><b>To:</b> a@x.org<br><b>Subject:</b> Vote</div><div>YES / NO</div>`
	m = mustRead(t, "From: a@x.org\r\nContent-Type: text/html\r\n\r\n"+outlook)
	if want := "NO\n" + outlookRule + "\nFrom: Govbot\nSent: Monday\nTo: a@x.org\nSubject: Vote\nYES / NO"; m.Text != want {
		t.Errorf("outlook: got %q, want %q", m.Text, want)
	}
}

func TestFormatFlowed(t *testing.T) {
	raw := "From: a@x.org\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\nWe support this applicat \r\nion.\r\n-- \r\nSig\r\n"
	if m := mustRead(t, raw); m.Text != "We support this application.\n-- \nSig\n" {
		t.Errorf("delsp: got %q", m.Text)
	}
	raw = "From: a@x.org\r\nContent-Type: text/plain; format=flowed\r\n\r\nYES, we support \r\nthem.\r\n> quoted \r\n> line\r\n From stuffed\r\n"
	if m := mustRead(t, raw); m.Text != "YES, we support them.\n> quoted line\nFrom stuffed\n" {
		t.Errorf("flowed: got %q", m.Text)
	}
}

func TestForwardedInlineAndAttached(t *testing.T) {
	tests := []struct{ name, body, from, subject string }{
		{"gmail", "FYI\n\n---------- Forwarded message ---------\nFrom: Lan Nguyen <lan@example.vn>\nDate: Mon, Jun 3, 2024 at 10:00 AM\nSubject: Application\nTo: <bot@x.org>\n\nPlease admit us.\n", "lan@example.vn", "Application"},
		{"apple", "See below\n\nBegin forwarded message:\n\nFrom: Lan Nguyen <lan@example.vn>\nSubject: Application\nDate: 3 June 2024 at 10:00:00 GMT+7\nTo: bot@x.org\n\nPlease admit us.\n", "lan@example.vn", "Application"},
		{"gmail thai", "---------- จดหมายที่ส่งต่อ ----------\nจาก: Somchai <s@example.th>\nวันที่: Mon, 3 Jun 2024 10:00\nหัวเรื่อง: ใบสมัคร\nถึง: bot@x.org\n\nข้อความ\n", "s@example.th", "ใบสมัคร"},
		{"gmail zh", "---------- 转发的邮件 ----------\n发件人：Wang <w@example.cn>\n日期：2024年6月3日\n主题：申请\n收件人：bot@x.org\n\n正文\n", "w@example.cn", "申请"},
	}
	for _, tt := range tests {
		m := mustRead(t, "From: a@x.org\r\nSubject: Fwd: Application\r\n\r\n"+tt.body)
		if len(m.Forwarded) != 1 || m.Forwarded[0].From.Email != tt.from || m.Forwarded[0].Subject != tt.subject || m.Forwarded[0].Text == "" {
			t.Errorf("%s: got %d forwards %+v", tt.name, len(m.Forwarded), m.Forwarded)
		}
	}
	outlook := "FYI\n\n-----Original Message-----\nFrom: Lan <lan@example.vn>\nSent: Monday, June 3, 2024 10:00 AM\nTo: bot@x.org\nSubject: Application\n\nPlease admit us.\n"
	if m := mustRead(t, "From: a@x.org\r\nSubject: FW: Application\r\n\r\n"+outlook); len(m.Forwarded) != 1 || m.Forwarded[0].Date.IsZero() {
		t.Errorf("outlook FW: got %+v", m.Forwarded)
	}
	if m := mustRead(t, "From: a@x.org\r\nSubject: RE: Application\r\n\r\n"+outlook); len(m.Forwarded) != 0 {
		t.Errorf("outlook RE is a reply, not a forward: got %+v", m.Forwarded)
	}
	attached := "From: a@x.org\r\nSubject: Fwd\r\nContent-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n" +
		"--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: Lan <Lan@Example.vn>\r\nSubject: Application\r\nDate: Mon, 3 Jun 2024 10:00:00 +0700\r\nContent-Type: multipart/mixed; boundary=i\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nPlease admit us.\r\n--i\r\nContent-Type: application/pdf; name=form.pdf\r\n\r\nPDF\r\n--i--\r\n--o--\r\n"
	m := mustRead(t, attached)
	if len(m.Forwarded) != 1 {
		t.Fatalf("attached: got %d forwards", len(m.Forwarded))
	}
	f := m.Forwarded[0]
	if f.From.Email != "lan@example.vn" || f.Subject != "Application" || f.Text != "Please admit us." || len(f.Attachments) != 1 || f.Date.IsZero() {
		t.Errorf("attached: got %+v", f)
	}
}

func TestMaxBytesAndCallbackAbort(t *testing.T) {
	raw := "From: a@x.org\r\n\r\n" + strings.Repeat("x", 1000)
	if _, err := Read(strings.NewReader(raw), Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("got %v, want ErrTooLarge", err)
	}
	if _, err := Read(strings.NewReader(raw), Options{MaxBytes: 2000}); err != nil {
		t.Errorf("under the limit: got %v", err)
	}
	stop := errors.New("stop")
	att := "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/zip; name=a.zip\r\n\r\nPK\r\n--b--\r\n"
	_, err := Read(strings.NewReader(att), Options{Attachment: func(a Attachment, r io.Reader) error { return stop }})
	if !errors.Is(err, stop) {
		t.Errorf("callback error: got %v, want it returned", err)
	}
}

// bigAttachment streams a message whose base64 attachment decodes to about
// n bytes, without building it in memory; it returns the exact size.
func bigAttachment(n int) (io.Reader, int64) {
	head := "From: a@x.org\r\nSubject: big\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYES\r\n--b\r\nContent-Type: application/octet-stream; name=big.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
	raw := make([]byte, 57)
	_, _ = rand.Read(raw)
	line := base64.StdEncoding.EncodeToString(raw) + "\r\n"
	block := strings.Repeat(line, 1024)
	blocks := n / (57 * 1024)
	parts := []io.Reader{strings.NewReader(head)}
	for i := 0; i < blocks; i++ {
		parts = append(parts, strings.NewReader(block))
	}
	parts = append(parts, strings.NewReader("--b--\r\n"))
	return io.MultiReader(parts...), int64(blocks * 57 * 1024)
}

func memFor(t *testing.T, n int) (alloc, heap uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, size := bigAttachment(n)
	m, err := Read(r, Options{Attachment: func(a Attachment, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}})
	if err != nil || len(m.Attachments) != 1 || m.Attachments[0].Size != size {
		t.Fatalf("read: %v %+v", err, m)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.HeapInuse - min(after.HeapInuse, before.HeapInuse)
}

// TestAttachmentMemoryDoesNotGrow reads a 1 MB and a 25 MB attachment: the
// bytes allocated must not grow with the attachment.
func TestAttachmentMemoryDoesNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	a1, h1 := memFor(t, 1<<20)
	a25, h25 := memFor(t, 25<<20)
	t.Logf("1 MB: TotalAlloc %d B, HeapInuse delta %d B; 25 MB: TotalAlloc %d B, HeapInuse delta %d B", a1, h1, a25, h25)
	if a25 > a1+4<<20 {
		t.Errorf("TotalAlloc grew by %d bytes from 1 MB to 25 MB, want well under 25 MB", a25-a1)
	}
	_ = bytes.MinRead
}

// TestCallbackPassingBrokenPartError came from FuzzRead: a callback that
// returns a truncated part's own read error must not abort Read.
func TestCallbackPassingBrokenPartError(t *testing.T) {
	raw := "From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/zip; name=a.zip\r\n\r\nPK"
	m, err := Read(strings.NewReader(raw), Options{Attachment: func(a Attachment, r io.Reader) error {
		_, err := io.Copy(io.Discard, r)
		return err
	}})
	if err != nil || len(m.Problems) == 0 {
		t.Errorf("got err %v problems %q, want no error and a problem", err, m.Problems)
	}
}

// SumOf gives the callback's reader's hash, the Attachment's SHA256, once it has
// been read to its end; before that, and for any other reader, nothing.
func TestSumOfTheAttachmentReader(t *testing.T) {
	raw := "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYES\r\n" +
		"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--b--\r\n"
	var sums []string
	m, err := Read(strings.NewReader(raw), Options{Attachment: func(_ Attachment, r io.Reader) error {
		if s, ok := SumOf(r); ok {
			t.Errorf("SumOf before reading = %q, true", s)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		s, ok := SumOf(r)
		if !ok {
			t.Error("SumOf after reading to the end = false")
		}
		sums = append(sums, s)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 1 || len(sums) != 1 || sums[0] != m.Attachments[0].SHA256 {
		t.Errorf("SumOf gave %q, the message lists %+v", sums, m.Attachments)
	}
	if _, ok := SumOf(strings.NewReader("hello")); ok {
		t.Error("SumOf of another reader = true")
	}
}
