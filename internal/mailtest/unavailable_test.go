package mailtest

import (
	"fmt"
	"testing"
)

// recorder records Skipf and Fatalf and stops the caller with a panic,
// as the real ones stop it with runtime.Goexit.
type recorder struct {
	testing.TB
	skipped, fatal string
}

type stopped struct{}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func callUnavailable(r *recorder) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stopped); !ok {
				panic(v)
			}
		}
	}()
	unavailable(r, "dovecot is not installed")
}

func TestUnavailableSkipsUnlessRequired(t *testing.T) {
	tests := []struct {
		env       string
		wantSkip  bool
		wantFatal bool
	}{
		{"", true, false},
		{"0", true, false},
		{"1", false, true},
	}
	for _, tt := range tests {
		t.Run("env="+tt.env, func(t *testing.T) {
			t.Setenv(RequireEnv, tt.env)
			r := &recorder{TB: t}
			callUnavailable(r)
			if (r.skipped != "") != tt.wantSkip || (r.fatal != "") != tt.wantFatal {
				t.Errorf("skipped %q, fatal %q; want skip %v, fatal %v", r.skipped, r.fatal, tt.wantSkip, tt.wantFatal)
			}
		})
	}
}
