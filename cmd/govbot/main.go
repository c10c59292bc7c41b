// Command govbot runs the Mekong Migration Network's governance procedures by email.
//
// Usage: govbot [--config FILE] [--now RFC3339] COMMAND [ARGS]. See `govbot help`.
//
// For engineers: with GOVBOT_CPUPROFILE=PREFIX set, each run writes a CPU profile
// to PREFIX.<pid>, with GOVBOT_MEMPROFILE=PREFIX a profile of its allocations
// (read either with `go tool pprof`; -sample_index=alloc_space for the bytes), and
// with GOVBOT_TRACE=PREFIX an execution trace (`go tool trace`).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"
	"syscall"

	"github.com/mekongmigration/govbot/internal/cli"
)

func main() {
	if prefix := os.Getenv("GOVBOT_CPUPROFILE"); prefix != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", prefix, os.Getpid()))
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer f.Close()
		}
	}
	if prefix := os.Getenv("GOVBOT_TRACE"); prefix != "" {
		f, err := os.Create(fmt.Sprintf("%s.%d", prefix, os.Getpid()))
		if err == nil && trace.Start(f) == nil {
			defer f.Close()
		}
	}
	code := run()
	trace.Stop()
	pprof.StopCPUProfile()
	if prefix := os.Getenv("GOVBOT_MEMPROFILE"); prefix != "" {
		if f, err := os.Create(fmt.Sprintf("%s.%d", prefix, os.Getpid())); err == nil {
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
