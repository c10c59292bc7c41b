// Command govbot runs the Mekong Migration Network's governance procedures by email.
//
// Usage: govbot [--config FILE] [--now RFC3339] COMMAND [ARGS]. See `govbot help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/mekongmigration/govbot/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
