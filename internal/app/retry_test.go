package app

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/oauth"
)

func TestRetryWaitBacksOffOnlyForLoginFailures(t *testing.T) {
	login := fmt.Errorf("imap login: %w", &oauth.Error{Kind: oauth.LoginNeeded, Op: "refresh", Msg: "revoked"})
	for _, c := range []struct {
		err  error
		n    int
		want time.Duration
	}{
		{errors.New("connection refused"), 1, 30 * time.Second},
		{errors.New("connection refused"), 9, 30 * time.Second},
		{login, 1, 30 * time.Second},
		{login, 2, time.Minute},
		{login, 5, 8 * time.Minute},
		{login, 6, 15 * time.Minute},
		{login, 40, 15 * time.Minute},
	} {
		if got := retryWait(c.err, 2*time.Minute, c.n); got != c.want {
			t.Errorf("retryWait(%v, %d) = %v, want %v", c.err, c.n, got, c.want)
		}
	}
	if got := retryWait(login, 10*time.Second, 3); got != 40*time.Second {
		t.Errorf("poll 10s, third login failure: %v, want 40s", got)
	}
}
