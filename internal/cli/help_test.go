package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// -h and --help print usage to standard output and exit 0 at every level, with no
// config file; govbot help CMD too; an unknown command exits 2.
func TestHelpAtEveryLevel(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"-h"}, 0, "Commands:"},
		{[]string{"help"}, 0, "Commands:"},
		{[]string{"audit", "--help"}, 0, "audit verify [--head HASH]"},
		{[]string{"audit", "verify", "--help"}, 0, "audit verify [--head HASH]"},
		{[]string{"--config", "/nonexistent.yaml", "ballot", "open", "-h"}, 0, "--electorate members|sc"},
		{[]string{"help", "ballot", "open"}, 0, "--electorate members|sc"},
		{[]string{"help", "frobnicate"}, 2, ""},
		{[]string{"version"}, 0, "govbot "},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := Main(context.Background(), tt.args, nil, &out, &errb)
		if code != tt.code || !strings.Contains(out.String(), tt.want) {
			t.Errorf("govbot %v: exit %d (want %d), stdout %q, stderr %q", tt.args, code, tt.code, out.String(), errb.String())
		}
	}
}
