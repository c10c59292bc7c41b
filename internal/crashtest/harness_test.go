package crashtest

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
)

const (
	botAddress  = "govbot@mmn.example"
	secretariat = "info@mmn.example"
)

// harness is one bot: its config and store in a scratch directory, the in-process
// mail servers it talks to (they outlive every kill), and the clock it is given.
type harness struct {
	t      *testing.T
	srv    *devmail.Server
	dir    string
	config string
	loc    *time.Location

	// now is the --now of the next command; every command moves it on by step, so
	// that a retry scheduled by one run (outbox retry_max 2s) is due in the next.
	now  time.Time
	step time.Duration

	moves bool // handled messages are moved to Processed, not flagged

	rng *rand.Rand // the scenario's, for faults that must follow the seed

	mu      sync.Mutex
	running map[*exec.Cmd]struct{}
	stats   stats
}

// stats counts what the kills met.
type stats struct {
	runs      int // processes started
	kills     int // SIGKILLs sent
	landed    int // kills that met a process still at work (it had not exited)
	finished  int // runs that exited on their own before their kill came
	runKills  int // kills of `govbot run`
	failedRun int // runs that exited with an error (a fault the servers injected)
}

// newHarness starts the mail servers and writes the bot's config; imapExtra is added
// to its imap mapping ("processed_mailbox: Processed").
func newHarness(t *testing.T, imapExtra string) *harness {
	t.Helper()
	if testing.Short() {
		t.Skip("crash tests run the real binary many times; skipped with -short")
	}
	if binary == "" {
		t.Fatal("the govbot binary was not built")
	}
	srv, err := devmail.Start(devmail.Options{BotAddress: botAddress})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, moves: strings.Contains(imapExtra, "processed_mailbox"), dir: t.TempDir(), loc: loc, step: 5 * time.Second, running: map[*exec.Cmd]struct{}{}}
	// Registered after the servers' Close, so it runs first: no bot outlives its servers.
	t.Cleanup(func() { srv.Close() })
	t.Cleanup(h.killAll)
	// A Unix socket path is limited to about 100 bytes; t.TempDir() may be longer.
	sockDir, err := os.MkdirTemp("", "gc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	imapHost, imapPort := hostPort(srv.IMAPAddr)
	smtpHost, smtpPort := hostPort(srv.SMTPAddr)
	cfg := fmt.Sprintf(`network: {name: Crash Test Network, timezone: Asia/Bangkok}
bot: {address: %s, name: MMN govbot}
secretariat: [%s]
imap: {host: %s, port: %d, security: none, username: %s, password: %s, poll_interval: 1s%s}
smtp: {host: %s, port: %d, security: none}
store: {path: %s}
outbox: {retry_min: 1s, retry_max: 2s, give_up_after: 72h}
limits: {refusals_per_address_per_day: 100000}
control: {socket: %s}
`, botAddress, secretariat, imapHost, imapPort, srv.User, srv.Password, imapExtra, smtpHost, smtpPort,
		filepath.Join(h.dir, "govbot.db"), filepath.Join(sockDir, "c.sock"))
	h.config = filepath.Join(h.dir, "config.yaml")
	if err := os.WriteFile(h.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func hostPort(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	p, _ := strconv.Atoi(addr[i+1:])
	return addr[:i], p
}

// setNow sets the clock of the next command.
func (h *harness) setNow(t time.Time) { h.now = t }

// command returns govbot with the config, the clock (moved on by one step) and args.
func (h *harness) command(args ...string) *exec.Cmd {
	now := h.now
	h.now = h.now.Add(h.step)
	all := append([]string{"--config", h.config, "--now", now.Format(time.RFC3339)}, args...)
	cmd := exec.Command(binary, all...)
	cmd.Dir = h.dir
	return cmd
}

// run runs govbot to its end and returns its exit code, output and error output.
func (h *harness) run(args ...string) (int, string, string) {
	h.t.Helper()
	cmd := h.command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := h.start(cmd); err != nil {
		h.t.Fatalf("start govbot %s: %v", strings.Join(args, " "), err)
	}
	err := h.wait(cmd)
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return code, out.String(), errb.String()
}

func (h *harness) mustRun(args ...string) string {
	h.t.Helper()
	code, out, errs := h.run(args...)
	if code != 0 {
		h.t.Fatalf("govbot %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func (h *harness) start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	h.mu.Lock()
	h.running[cmd] = struct{}{}
	h.stats.runs++
	h.mu.Unlock()
	return nil
}

func (h *harness) wait(cmd *exec.Cmd) error {
	err := cmd.Wait()
	h.mu.Lock()
	delete(h.running, cmd)
	h.mu.Unlock()
	return err
}

// killAll kills the processes this harness started and still runs.
func (h *harness) killAll() {
	h.mu.Lock()
	var cmds []*exec.Cmd
	for c := range h.running {
		cmds = append(cmds, c)
	}
	h.mu.Unlock()
	for _, c := range cmds {
		_ = c.Process.Kill()
		_ = h.wait(c)
	}
}

// killAfter starts govbot with args, kills it with SIGKILL after d unless it has
// ended by then, and reports whether the kill met it still at work.
func (h *harness) killAfter(d time.Duration, args ...string) (killed bool) {
	h.t.Helper()
	cmd := h.command(args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := h.start(cmd); err != nil {
		h.t.Fatalf("start govbot: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- h.wait(cmd) }()
	timer := time.NewTimer(d)
	defer timer.Stop()
	var err error
	select {
	case err = <-done:
		h.stats.finished++
		if err != nil {
			h.stats.failedRun++
			h.t.Logf("govbot %s ended before its kill: %v\n%s", strings.Join(args, " "), err, lastLines(errb.String(), 5))
		}
		return false
	case <-timer.C:
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	err = <-done
	h.stats.kills++
	if args[0] == "run" {
		h.stats.runKills++
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		h.stats.landed++
		return true
	}
	// It exited between the timer and the signal.
	h.stats.finished++
	if err != nil {
		h.stats.failedRun++
	}
	return false
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

var cycleRE = regexp.MustCompile(`msg="cycle done" handled=(\d+) sent=(\d+) retried=(\d+) failed=(\d+)`)

// cycle is what one `govbot once` reported.
type cycle struct {
	code                           int
	handled, sent, retried, failed int
	errs                           string
}

func (h *harness) once() cycle {
	h.t.Helper()
	code, _, errs := h.run("once")
	c := cycle{code: code, errs: errs}
	m := cycleRE.FindStringSubmatch(errs)
	if m == nil {
		c.handled = -1
		return c
	}
	c.handled, _ = strconv.Atoi(m[1])
	c.sent, _ = strconv.Atoi(m[2])
	c.retried, _ = strconv.Atoi(m[3])
	c.failed, _ = strconv.Atoi(m[4])
	return c
}

var waitingRE = regexp.MustCompile(`(\d+) mails waiting`)

// waiting returns how many mails `govbot outbox list` shows waiting.
func (h *harness) waiting() int {
	h.t.Helper()
	out := h.mustRun("outbox", "list")
	m := waitingRE.FindStringSubmatch(out)
	if m == nil {
		h.t.Fatalf("outbox list: no count in\n%s", out)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// settle runs `govbot once` without kills until the outbox is empty and a further
// run handles and sends nothing. Runs that fail (a fault the servers still inject)
// are tried again.
func (h *harness) settle() {
	h.t.Helper()
	var last cycle
	for i := 0; i < 60; i++ {
		began := time.Now()
		last = h.once()
		if last.handled != 0 || last.sent != 0 {
			h.t.Logf("settle: a run handled %d, sent %d, retried %d in %v", last.handled, last.sent, last.retried, time.Since(began).Round(time.Millisecond))
		}
		if last.code == 0 && last.handled == 0 && last.sent == 0 && last.retried == 0 && h.waiting() == 0 {
			return
		}
	}
	h.t.Fatalf("the bot did not settle after 60 runs; last: exit %d handled %d sent %d retried %d\n%s",
		last.code, last.handled, last.sent, last.retried, lastLines(last.errs, 10))
}
