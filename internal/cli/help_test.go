package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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

// A stray argument is refused, not ignored; an empty list prints [] in --json;
// inspect refuses an unknown --as and never creates a store file.
func TestCommandLineRefusesMistakes(t *testing.T) {
	h := newHarness(t)
	eml := h.file(t, "m.eml", "From: a@x.example\r\nSubject: [B1-ABCDEFGH] Re: vote\r\nMessage-ID: <m@x>\r\n\r\nYES\r\n")
	if code, _, errs := h.run(t, "inspect", eml, "--as", "bogus"); code != 2 || !strings.Contains(errs, "--as") {
		t.Errorf("inspect --as bogus: exit %d, %q", code, errs)
	}
	if code, _, _ := h.run(t, "inspect", eml, "--json"); code != 0 {
		t.Errorf("inspect: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(h.dir, "govbot.db")); err == nil {
		t.Error("inspect created the store file")
	}
	if code, _, errs := h.run(t, "ballot", "list", "extra"); code != 2 || !strings.Contains(errs, `unexpected argument "extra"`) {
		t.Errorf("ballot list extra: exit %d, %q", code, errs)
	}
	if out := h.mustRun(t, "ballot", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty ballot list --json: %q, want []", out)
	}
	if out := h.mustRun(t, "quarantine", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("empty quarantine list --json: %q, want []", out)
	}
}

// A command forwarded to the daemon reads the files the client sent and hands back
// the files it writes: the daemon may not see the operator's files (ProtectHome,
// PrivateTmp), so it never opens them itself.
func TestForwardedCommandsUseTheClientsFiles(t *testing.T) {
	h := newHarness(t)
	daemon := &env{ctx: context.Background(), configPath: h.config, out: &bytes.Buffer{}, errw: &bytes.Buffer{}}
	if err := daemon.openStore(); err != nil {
		t.Fatal(err)
	}
	defer daemon.app.Close()
	in, outFile := "/nonexistent/client/roster.csv", "/nonexistent/client/export.csv"
	var out, errb bytes.Buffer
	writes := map[string][]byte{}
	req := controlRequest{Args: []string{"--config", h.config, "roster", "import", in}, Files: map[string][]byte{in: []byte(rosterCSV)}}
	if code := runRemote(context.Background(), daemon, req, &out, &errb, writes); code != 0 {
		t.Fatalf("roster import through the daemon: exit %d: %s", code, errb.String())
	}
	req = controlRequest{Args: []string{"--config", h.config, "roster", "export", "--out", outFile}}
	if code := runRemote(context.Background(), daemon, req, &out, &errb, writes); code != 0 {
		t.Fatalf("roster export through the daemon: exit %d: %s", code, errb.String())
	}
	if len(writes[outFile]) == 0 {
		t.Errorf("the export was not handed back to the client: %v", writes)
	}
	if _, err := os.Stat(outFile); err == nil {
		t.Error("the daemon wrote the client's file itself")
	}
}
