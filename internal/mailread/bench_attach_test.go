package mailread

import (
	"bytes"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// BenchmarkRead_Attachment1MB: a reply carrying a 1 MB PDF in base64, its bytes
// decoded and hashed (the throughput of reading attachments).
func BenchmarkRead_Attachment1MB(b *testing.B) {
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	s := base64.StdEncoding.EncodeToString(data)
	var w strings.Builder
	for len(s) > 76 {
		w.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	w.WriteString(s + "\r\n")
	raw := []byte("From: a@x.org\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nYES\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + w.String() + "--b--\r\n")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(raw), Options{Attachment: func(_ Attachment, r io.Reader) error { _, err := io.Copy(io.Discard, r); return err }}); err != nil {
			b.Fatal(err)
		}
	}
}
