// Package mailtest starts real mail servers for tests: Dovecot (IMAP) and
// postfix's smtp-sink (SMTP), each on a free loopback port with its own
// scratch directory, stopped at tb.Cleanup.
//
// When a server is not installed the test is skipped, unless the
// environment has GOVBOT_REQUIRE_REAL_SERVERS=1 (as CI does), in which case
// it fails. `.ci/install-mailstack` installs both.
//
// For fast tests of the same code paths use package devmail instead.
package mailtest

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// RequireEnv is the environment variable that turns a missing server into
// a test failure instead of a skip.
const RequireEnv = "GOVBOT_REQUIRE_REAL_SERVERS"

func unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("%s (%s=1; run .ci/install-mailstack)", msg, RequireEnv)
	}
	tb.Skipf("%s; run .ci/install-mailstack or set %s=1 to fail instead", msg, RequireEnv)
}

// freePort returns a loopback port that was free a moment ago.
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitPort waits until addr accepts connections, the process exits (done is
// closed) or timeout passes.
func waitPort(addr string, done <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("server exited before listening on %s", addr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listening on %s after %v: %w", addr, timeout, err)
		}
	}
}

// account is the system account a server runs as: nobody when the tests
// run as root (Dovecot refuses uid 0 for mail), else the current user.
type account struct {
	name, group string
	uid, gid    int
	asRoot      bool // we are root and must drop privileges
}

func runAccount(tb testing.TB) account {
	tb.Helper()
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			tb.Fatalf("current user: %v", err)
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			tb.Fatalf("current group: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return account{name: u.Username, group: g.Name, uid: uid, gid: gid}
	}
	u, err := user.Lookup("nobody")
	if err != nil {
		tb.Fatalf("look up user nobody: %v", err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		tb.Fatalf("look up nobody's group: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return account{name: u.Username, group: g.Name, uid: uid, gid: gid, asRoot: true}
}

// scratchDir makes a directory under os.TempDir that the run account can
// use (t.TempDir may be 0700 root-owned, which nobody cannot traverse), and
// removes it at cleanup.
func scratchDir(tb testing.TB, prefix string, acct account) string {
	tb.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		tb.Fatalf("scratch dir: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatalf("scratch dir: %v", err)
	}
	if acct.asRoot {
		if err := os.Chown(dir, acct.uid, acct.gid); err != nil {
			tb.Fatalf("scratch dir: %v", err)
		}
	}
	return dir
}

// chownTree gives every file under dir to the run account.
func chownTree(dir string, acct account) error {
	if !acct.asRoot {
		return nil
	}
	return filepathWalkChown(dir, acct.uid, acct.gid)
}

func filepathWalkChown(dir string, uid, gid int) error {
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
}

// lookBin finds a program in PATH or in the sbin directories, which are
// not in a normal user's PATH on Debian.
func lookBin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in PATH or sbin directories", name)
}

// procAttr runs a child as the account, in its own process group.
func procAttr(acct account) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if acct.asRoot {
		a.Credential = &syscall.Credential{Uid: uint32(acct.uid), Gid: uint32(acct.gid), Groups: []uint32{}}
	}
	return a
}

// process is a server child process, stopped at cleanup.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

func startProcess(cmd *exec.Cmd) (*process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop sends SIGTERM to the process group, then SIGKILL after a grace period.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	pgid := p.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}
