package answer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func fuzzSeeds(f *testing.F) {
	f.Add("YES\n\nOn Mon, 3 Jun 2024, Govbot <bot@x.org> wrote:\n> [ ] YES\n> [ ] NO\n")
	f.Add("[x] Yes [ ] No\n" + Marker("th"))
	f.Add("ខ្ញុំ\u200bមិន\u200bយល់\u200bព្រម\n-- \nsig")
	f.Add("________________________________\nจาก: a\nส่ง: b\nถึง: c\n")
	f.Add("> a\nb\n> c\n##-\n-##")
	f.Add("\u1031\u1011\u102c\u1000\u1039\u1001\u1036 ไม่เห็นด้วย 不同意 Không đồng ý")
}

// FuzzReplyText: never panics, returns valid UTF-8 no longer than its input
// (after normalisation) and is idempotent on its own output's marker cut.
func FuzzReplyText(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, body string) {
		got := ReplyText(body)
		if utf8.ValidString(body) && !utf8.ValidString(got) {
			t.Errorf("invalid UTF-8 out of valid input: %q", got)
		}
		if strings.Contains(got, markerOpen) {
			t.Errorf("marker survived: %q", got)
		}
	})
}

// FuzzParse: never panics; an ambiguous result carries no answer, and a
// decided answer is among those found.
func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, reply string) {
		for _, k := range []Kind{KindVote, KindOpinion, KindReconfirm, KindAttend} {
			r := Parse(reply, k)
			if r.Ambiguous && r.Answer != None {
				t.Errorf("ambiguous with answer %q", r.Answer)
			}
			if r.Answer != None {
				ok := false
				for _, a := range r.Found {
					ok = ok || a == r.Answer
				}
				if !ok {
					t.Errorf("answer %q not in found %v", r.Answer, r.Found)
				}
			}
		}
	})
}
