package answer

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// ReplyText remembers what it read; what it returns is what reading again would,
// for bodies read over and over, more than the memo holds, and from several
// goroutines at once.
func TestReplyTextMemoIsInvisible(t *testing.T) {
	var bodies []string
	for i := range memoEntries + 100 {
		bodies = append(bodies, fmt.Sprintf("Yes %d\n\nBest regards,\nMember %d\n\nOn Mon, 1 Mar 2027 at 09:00 MMN govbot <bot@mmn.example> wrote:\n> Do you approve?\n", i, i))
	}
	bodies = append(bodies, strings.Repeat("long line\n", memoMaxBody/5)) // not remembered
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 2 {
				for i := range bodies {
					b := bodies[(i+g*97+round*31)%len(bodies)]
					if got, want := ReplyText(b), replyText(b); got != want {
						t.Errorf("ReplyText(%.30q…) = %q, reading again gives %q", b, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	replies.mu.Lock()
	defer replies.mu.Unlock()
	if len(replies.m) > memoEntries {
		t.Errorf("the memo holds %d bodies, at most %d", len(replies.m), memoEntries)
	}
}
