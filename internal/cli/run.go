package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"

	"github.com/mekongmigration/govbot/internal/demo"
)

func cmdDemo(e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	keep := fs.Bool("keep", false, "leave the servers up")
	verbose := fs.Bool("verbose", false, "print every mail in full")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	return demo.Run(e.ctx, e.out, demo.Options{Keep: *keep, Verbose: *verbose})
}

func cmdOnce(e *env, args []string) error {
	if _, err := flags(flag.NewFlagSet("once", flag.ContinueOnError), args); err != nil {
		return err
	}
	if err := e.openApp(false, false); err != nil {
		return err
	}
	s, err := e.app.Once(e.ctx)
	e.log.Info("cycle done", "handled", s.Handled, "sent", s.Sent, "retried", s.Retried, "failed", s.Failed)
	return err
}

func cmdRun(e *env, args []string) error {
	if _, err := flags(flag.NewFlagSet("run", flag.ContinueOnError), args); err != nil {
		return err
	}
	if err := e.openApp(false, true); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	sock := e.cfg.ControlSocket()
	ln, err := listenControl(sock)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		serveControl(ctx, ln, e)
	}()
	e.log.Info("govbot running", "store", e.cfg.Store.Path, "control", sock, "imap", e.cfg.IMAP.Host, "smtp", e.cfg.SMTP.Host)
	err = e.app.Run(ctx)
	// Stop intake, wait for the control socket's commands, then the store closes.
	cancel()
	ln.Close()
	wg.Wait()
	os.Remove(sock)
	e.log.Info("govbot stopped")
	return err
}

func cmdCheckConfig(e *env, args []string) error {
	fs := flag.NewFlagSet("check-config", flag.ContinueOnError)
	offline := fs.Bool("offline", false, "only validate the file")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "config %s: valid\n", e.configPath)
	if *offline {
		return nil
	}
	// The logins need no store: this works while `govbot run` holds it.
	return checkMail(e, cfg)
}
