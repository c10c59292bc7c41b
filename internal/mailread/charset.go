package mailread

import (
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/unicode/norm"
)

// init registers the charset labels that real mail uses but go-message's
// charset package does not know. The keys must be lower-case.
func init() {
	for _, l := range []string{"tis620", "cp874", "x-windows-874", "windows874", "tis-620-2533"} {
		charset.RegisterEncoding(l, charmap.Windows874)
	}
	charset.RegisterEncoding("euc-cn", simplifiedchinese.GBK)
	charset.RegisterEncoding("x-euc-cn", simplifiedchinese.GBK)
	for _, l := range []string{"x-big5", "cp950", "big5-2003", "x-x-big5"} {
		charset.RegisterEncoding(l, traditionalchinese.Big5)
	}
}

// isPlainCharset reports whether a charset label names ASCII or UTF-8, which
// give no hint for decoding stray 8-bit bytes.
func isPlainCharset(cs string) bool {
	switch strings.ToLower(strings.TrimSpace(cs)) {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		return true
	}
	return false
}

// decodeWith decodes b from the named charset; ok is false when the charset is
// unknown.
func decodeWith(cs string, b []byte) (string, bool) {
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err != nil {
		return "", false
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false
	}
	return string(out), true
}

// looksThai reports whether b reads as TIS-620: every high byte is in the
// Thai range and at least one Thai vowel or tone mark follows a consonant.
func looksThai(b []byte) bool {
	marks := 0
	for i, c := range b {
		if c < 0x80 {
			continue
		}
		if c < 0xA1 || c > 0xFB || (c > 0xDA && c < 0xDF) {
			return false
		}
		isMark := c == 0xD1 || (c >= 0xD4 && c <= 0xDA) || (c >= 0xE7 && c <= 0xEE)
		if isMark {
			if i == 0 || b[i-1] < 0xA1 || b[i-1] > 0xCE && !(b[i-1] >= 0xD4 && b[i-1] <= 0xDA) {
				// a mark must follow a consonant (or an upper vowel)
				continue
			}
			marks++
		}
	}
	return marks > 0
}

// fixText returns s as valid, NFC-normalised UTF-8. Invalid UTF-8 (raw 8-bit
// legacy bytes) is decoded with the hinted charset when there is one, else with
// a guess among the legacy charsets the network's members use.
func fixText(s, hint string) string {
	if utf8.ValidString(s) {
		return norm.NFC.String(s)
	}
	return norm.NFC.String(guessDecode([]byte(s), hint))
}

// guessDecode decodes legacy bytes; it never fails (the last resort is
// windows-1252, which maps every byte).
func guessDecode(b []byte, hint string) string {
	if !isPlainCharset(hint) {
		if out, ok := decodeWith(hint, b); ok && !strings.ContainsRune(out, utf8.RuneError) {
			return out
		}
	}
	if looksThai(b) {
		if out, err := charmap.Windows874.NewDecoder().Bytes(b); err == nil {
			return string(out)
		}
	}
	for _, enc := range []encoding.Encoding{simplifiedchinese.GB18030, traditionalchinese.Big5} {
		out, err := enc.NewDecoder().Bytes(b)
		if err == nil && !bytes.ContainsRune(out, utf8.RuneError) {
			return string(out)
		}
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return strings.ToValidUTF8(string(out), "\uFFFD")
}
