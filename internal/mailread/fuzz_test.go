package mailread

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead: any input must be read without a panic, into valid UTF-8.
func FuzzRead(f *testing.F) {
	f.Add("From: a@x.org\r\nSubject: =?TIS-620?B?4Nk=?=\r\n\r\nYES\r\n")
	f.Add("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nFrom: x@y\r\n\r\nhi\r\n--b--\r\n")
	f.Add("Content-Type: text/html\r\n\r\n<blockquote><div class=gmail_quote>x</div></blockquote><hr>")
	f.Add("Content-Type: text/plain; format=flowed; delsp=yes\r\n\r\n> a \r\n>b\r\n-- \r\n")
	f.Add("Subject: Fwd: x\r\n\r\n---------- Forwarded message ---------\nFrom: a <a@b>\nDate: x\n\nbody")
	files, _ := filepath.Glob(filepath.Join(corpusDir, "enmime-testdata", "*", "*.raw"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 20000 {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := Read(strings.NewReader(raw), Options{MaxBytes: 1 << 20, Attachment: func(a Attachment, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) {
			t.Errorf("invalid UTF-8: %q %q", m.Subject, m.Text)
		}
	})
}
