package crashtest

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the govbot executable TestMain builds once for every test.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // every test skips; no need to build
	}
	if b := os.Getenv("CRASHTEST_BINARY"); b != "" {
		binary = b // a binary built elsewhere (another commit, another build mode)
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "govbot-crashtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "crashtest: go env GOMOD:", err)
		return 1
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	binary = filepath.Join(dir, "govbot")
	build := exec.Command("go", "build", "-o", binary, "./cmd/govbot")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}
