package mailread

import (
	"bytes"
	"encoding/base64"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
)

// wrapped encodes data in base64 lines of n characters ending in eol, with
// spaces or tabs where sep says.
func wrapped(data []byte, n int, eol, sep string) string {
	s := base64.StdEncoding.EncodeToString(data)
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + sep + eol)
		s = s[n:]
	}
	b.WriteString(s + eol)
	return b.String()
}

// base64Reader decodes what go-message's decoder decodes, byte for byte,
// however the source hands its bytes over and however the lines are cut.
func TestBase64ReaderDecodesAsGoMessage(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 2, 3, 4, 57, 1000, 24 << 10, 100<<10 + 7} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		for _, form := range []struct {
			n        int
			eol, sep string
		}{{76, "\r\n", ""}, {76, "\n", ""}, {64, "\r\n", " "}, {3, "\n", "\t"}, {1 << 30, "", ""}} {
			enc := wrapped(data, form.n, form.eol, form.sep)
			for name, src := range map[string]io.Reader{
				"whole":    strings.NewReader(enc),
				"one byte": iotest.OneByteReader(strings.NewReader(enc)),
				"halves":   iotest.HalfReader(strings.NewReader(enc)),
			} {
				got, err := io.ReadAll(newBase64Reader(src))
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("%d bytes, lines of %d %q %q, %s: got %d bytes, %v", size, form.n, form.eol, form.sep, name, len(got), err)
				}
			}
		}
	}
}

// Broken base64 is an error, as it is to go-message, after the groups before
// it are given.
func TestBase64ReaderErrors(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		err  bool
	}{
		{"aGVsbG8=\r\n", "hello", false},
		{"aGVs\r\nbG8\r\n", "hel", true},    // a group cut short
		{"aGVs*G8=\r\n", "hel", true},       // not base64
		{"aGVsbG8=aGk=\r\n", "hello", true}, // data after the padding
	} {
		got, err := io.ReadAll(newBase64Reader(strings.NewReader(tt.in)))
		if string(got) != tt.want || (err != nil) != tt.err {
			t.Errorf("%q: got %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

// FuzzBase64Reader: whatever the input, base64Reader agrees with
// encoding/base64 on valid input and never panics on the rest.
func FuzzBase64Reader(f *testing.F) {
	f.Add([]byte("hello, world"), 76, true)
	f.Add([]byte{0, 1, 2, 250}, 4, false)
	f.Fuzz(func(t *testing.T, data []byte, n int, crlf bool) {
		if n <= 0 || n > 1000 {
			n = 76
		}
		eol := "\n"
		if crlf {
			eol = "\r\n"
		}
		got, err := io.ReadAll(newBase64Reader(strings.NewReader(wrapped(data, n, eol, ""))))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("got %d bytes, %v; want %d", len(got), err, len(data))
		}
		_, _ = io.ReadAll(newBase64Reader(bytes.NewReader(data))) // arbitrary bytes: no panic
	})
}
