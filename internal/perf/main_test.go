package perf

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// binary is the govbot executable built by TestMain when benchmarks run.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	// Build the real binary only when something will use it: a -bench run, or
	// GOVBOT_PERF=1. The plain `go test ./...` runs just the cheap generator tests.
	if f := flag.Lookup("test.bench"); (f == nil || f.Value.String() == "") && os.Getenv("GOVBOT_PERF") != "1" {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "govbot-perf-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf: go env GOMOD:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "govbot")
	build := exec.Command("go", "build", "-o", binary, "./cmd/govbot")
	build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if src := os.Getenv("GOVBOT_PERF_SRC"); src != "" {
		// Measure another checkout (a branch with a fix) with the same harness.
		build.Dir = src
	}
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "perf: go build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// envInts reads a comma-separated list of sizes from the environment.
func envInts(name string, def ...int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(f), "_", ""))
		if err == nil && n > 0 {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return def
	}
	return out
}

// seed is GOVBOT_PERF_SEED (default 1): the same seed generates the same backlog.
func seed() uint64 {
	n, err := strconv.ParseUint(os.Getenv("GOVBOT_PERF_SEED"), 10, 64)
	if err != nil || n == 0 {
		return 1
	}
	return n
}
