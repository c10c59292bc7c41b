package answer

import (
	"strings"
	"testing"
	"time"
)

// TestReplyTextLinearTime guards against quadratic scans (one was found by
// fuzzing in Parse's check of a standalone "no").
func TestReplyTextLinearTime(t *testing.T) {
	limit := time.Second
	if raceEnabled {
		limit = 20 * time.Second
	}
	for _, body := range []string{
		strings.Repeat("a\n", 50000),
		strings.Repeat("a", 100000),
		strings.Repeat("On 1 2 3 @ x:\n", 5000),
		strings.Repeat("> q\n", 50000),
		strings.Repeat("From: a@b\n", 5000),
		strings.Repeat("yes no ", 20000),
	} {
		start := time.Now()
		ReplyText(body)
		Parse(body, KindVote)
		if d := time.Since(start); d > limit {
			t.Errorf("%q…: took %v", body[:20], d)
		}
	}
}
