package mailread

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead: any input must be read without a panic, into inert strings:
// valid UTF-8 without C0 or C1 control characters (tab and line feed kept in
// bodies), header-like values on one line; and within the limits of Options.
func FuzzRead(f *testing.F) {
	f.Add("From: a@x.org\r\nSubject: =?TIS-620?B?4Nk=?=\r\n\r\nYES\r\n")
	f.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y\r\n\r\nhi\r\n--b--\r\n")
	f.Add("Content-Type: text/html\r\n\r\n<blockquote><div class=gmail_quote>x</div></blockquote><hr>")
	f.Add("Content-Type: text/plain; format=flowed; delsp=yes\r\n\r\n> a \r\n>b\r\n-- \r\n")
	f.Add("Subject: Fwd: x\r\n\r\n---------- Forwarded message ---------\nFrom: a <a@b>\nDate: x\n\nbody")
	f.Add("From: =?utf-8?q?a=1Fb?= <a@x>\r\nSubject: \x1e\x1d\u0085\u202e\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Disposition: attachment; filename*=UTF-8''a%0Ab%1F\r\n\r\nx\x00\r\n--b--\r\n")
	f.Add(nestedMultipart(30))
	f.Add(manyAttachments(20))
	files, _ := filepath.Glob(filepath.Join(corpusDir, "enmime-testdata", "*", "*.raw"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		const maxParts, maxAttach = 50, 10
		calls := 0
		m, err := Read(strings.NewReader(raw), Options{MaxBytes: 1 << 20, MaxDepth: 8, MaxParts: maxParts, MaxAttachments: maxAttach, Attachment: func(a Attachment, r io.Reader) error {
			calls++
			if f := inertFault(a.Name, false) + inertFault(a.ContentType, false); f != "" {
				t.Errorf("callback got %+v: %s", a, f)
			}
			_, err := io.Copy(io.Discard, r)
			return err
		}})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Errorf("invalid UTF-8: %q %q", m.Subject, m.Text)
		}
		checkInert(t, m)
		if calls > maxAttach || len(m.Attachments) > maxAttach || m.AttachmentCount > maxParts {
			t.Errorf("got %d callbacks, %d attachments, %d counted; want at most %d, %d, %d", calls, len(m.Attachments), m.AttachmentCount, maxAttach, maxAttach, maxParts)
		}
	})
}
