package mailtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SinkEnv names the environment variable that points at the smtp-sink
// binary; SinkLibEnv the directory holding its postfix libraries (needed
// when postfix is extracted, not installed).
const (
	SinkEnv    = "GOVBOT_SMTP_SINK"
	SinkLibEnv = "GOVBOT_SMTP_SINK_LIBDIR"
)

// ciSink is where .ci/install-mailstack extracts smtp-sink.
const ciSink = "/opt/govbot-ci/postfix/usr/sbin/smtp-sink"

// SMTPSink is a running postfix smtp-sink: a real SMTP server that accepts
// every message and writes each to a file in Dir.
type SMTPSink struct {
	Addr string // "127.0.0.1:port"
	Dir  string // holds the dump file
	Log  *bytes.Buffer

	proc *process
}

// SinkMessage is one message the sink received.
type SinkMessage struct {
	From string   // MAIL FROM, without angle brackets
	To   []string // RCPT TO, without angle brackets
	Raw  []byte   // the message, CRLF line endings, without the sink's trace lines
}

// StartSMTPSink starts postfix's smtp-sink on a free loopback port and stops
// it at tb.Cleanup. The binary is $GOVBOT_SMTP_SINK, /usr/sbin/smtp-sink,
// /usr/lib/postfix/sbin/smtp-sink or the copy .ci/install-mailstack extracts
// to /opt/govbot-ci; its libraries are looked for in $GOVBOT_SMTP_SINK_LIBDIR
// or the usr/lib/postfix beside it.
//
// If smtp-sink is not found it calls tb.Skip, unless
// GOVBOT_REQUIRE_REAL_SERVERS=1, then tb.Fatal.
func StartSMTPSink(tb testing.TB) *SMTPSink {
	tb.Helper()
	bin := findSink()
	if bin == "" {
		unavailable(tb, "postfix smtp-sink not found (set %s, or run .ci/install-mailstack)", SinkEnv)
	}
	acct := runAccount(tb)
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		s, err := startSink(tb, bin, acct)
		if err == nil {
			return s
		}
		lastErr = err
	}
	tb.Fatalf("start smtp-sink: %v", lastErr)
	return nil
}

func findSink() string {
	cands := []string{os.Getenv(SinkEnv), "/usr/sbin/smtp-sink", "/usr/lib/postfix/sbin/smtp-sink", ciSink}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c
		}
	}
	return ""
}

func sinkLibDir(bin string) string {
	if d := os.Getenv(SinkLibEnv); d != "" {
		return d
	}
	// bin is ROOT/usr/sbin/smtp-sink; an extracted package has ROOT/usr/lib/postfix.
	d := filepath.Join(filepath.Dir(bin), "..", "lib", "postfix")
	if _, err := os.Stat(filepath.Join(d, "libpostfix-util.so")); err == nil {
		return filepath.Clean(d)
	}
	return ""
}

func startSink(tb testing.TB, bin string, acct account) (*SMTPSink, error) {
	tb.Helper()
	dir := scratchDir(tb, "govbot-smtpsink-", acct)
	s := &SMTPSink{
		Addr: "127.0.0.1:" + strconv.Itoa(freePort(tb)),
		Dir:  dir,
		Log:  new(bytes.Buffer),
	}
	// One file for all messages keeps their order (per-message files are
	// named by the second plus a random number). Each record starts with
	// sinkRecordStart, written as a C escape for -S.
	args := []string{"-D", s.dumpPath(), "-S", `\a\agovbot-smtp-sink-record\a\a\n`}
	if acct.asRoot {
		// smtp-sink drops to this user itself after binding.
		args = append(args, "-u", acct.name)
	}
	args = append(args, s.Addr, "100")
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	if lib := sinkLibDir(bin); lib != "" {
		ld := lib
		if old := os.Getenv("LD_LIBRARY_PATH"); old != "" {
			ld += ":" + old
		}
		cmd.Env = append(cmd.Env, "LD_LIBRARY_PATH="+ld)
	}
	cmd.Stdout, cmd.Stderr = s.Log, s.Log
	cmd.SysProcAttr = procAttr(account{}) // own process group only; -u drops privileges
	proc, err := startProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	s.proc = proc
	if err := waitPort(s.Addr, proc.done, 10*time.Second); err != nil {
		proc.stop()
		return nil, fmt.Errorf("%w\noutput: %s", err, s.Log)
	}
	tb.Cleanup(proc.stop)
	return s, nil
}

// Received returns the messages received so far, in arrival order.
func (s *SMTPSink) Received(tb testing.TB) []SinkMessage {
	tb.Helper()
	b, err := os.ReadFile(s.dumpPath())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		tb.Fatalf("read sink dump: %v", err)
	}
	var msgs []SinkMessage
	for _, rec := range strings.Split(string(b), sinkRecordStart)[1:] {
		msgs = append(msgs, ParseSinkDump([]byte(rec)))
	}
	return msgs
}

// Messages returns the raw messages received so far, in arrival order.
func (s *SMTPSink) Messages(tb testing.TB) [][]byte {
	tb.Helper()
	return raws(s.Received(tb))
}

func raws(msgs []SinkMessage) [][]byte {
	out := make([][]byte, len(msgs))
	for i, m := range msgs {
		out[i] = m.Raw
	}
	return out
}

// WaitReceived waits until at least n messages have arrived and returns
// them all; it fails the test after timeout.
func (s *SMTPSink) WaitReceived(tb testing.TB, n int, timeout time.Duration) []SinkMessage {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Received(tb)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("smtp-sink received %d of %d messages after %v", len(msgs), n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Wait is WaitReceived returning only the raw messages.
func (s *SMTPSink) Wait(tb testing.TB, n int, timeout time.Duration) [][]byte {
	tb.Helper()
	return raws(s.WaitReceived(tb, n, timeout))
}

// sinkRecordStart separates the messages in the dump file.
const sinkRecordStart = "\a\agovbot-smtp-sink-record\a\a\n"

func (s *SMTPSink) dumpPath() string { return filepath.Join(s.Dir, "dump") }

// ParseSinkDump splits one smtp-sink dump record into the envelope and the
// message: it removes the leading X-Client-*, X-Helo-Args, X-Mail-Args and
// X-Rcpt-Args lines, the sink's own Received header and the empty line the
// sink appends, and turns LF line endings into CRLF.
func ParseSinkDump(b []byte) SinkMessage {
	var m SinkMessage
	lines := strings.SplitAfter(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	i := 0
	for ; i < len(lines); i++ {
		name, val, ok := strings.Cut(strings.TrimRight(lines[i], "\n"), ":")
		if !ok {
			break
		}
		val = strings.TrimSpace(val)
		switch name {
		case "X-Client-Addr", "X-Client-Proto", "X-Helo-Args":
		case "X-Mail-Args":
			m.From = envelopeAddr(val)
		case "X-Rcpt-Args":
			m.To = append(m.To, envelopeAddr(val))
		default:
			goto trace
		}
	}
trace:
	if i < len(lines) && strings.HasPrefix(lines[i], "Received:") {
		j := i + 1
		for j < len(lines) && (strings.HasPrefix(lines[j], " ") || strings.HasPrefix(lines[j], "\t")) {
			j++
		}
		if strings.Contains(strings.Join(lines[i:j], ""), "smtp-sink") {
			i = j
		}
	}
	body := strings.Join(lines[i:], "")
	if strings.HasSuffix(body, "\n\n") {
		body = body[:len(body)-1] // the sink's record terminator
	}
	m.Raw = []byte(strings.ReplaceAll(body, "\n", "\r\n"))
	return m
}

// envelopeAddr takes "<a@b> SIZE=123" and returns "a@b".
func envelopeAddr(args string) string {
	f, _, _ := strings.Cut(args, " ")
	return strings.TrimSuffix(strings.TrimPrefix(f, "<"), ">")
}
