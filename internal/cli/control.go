package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The control socket lets CLI commands reach the store while `govbot run` holds it:
// bbolt allows one process at a time, so the daemon runs the command for the client.
// The socket is a Unix socket with mode 0600, so only the daemon's user can use it.

type controlRequest struct {
	Args []string `json:"args"` // the whole command line, global flags included
	Cwd  string   `json:"cwd"`  // relative file names are resolved here
	// Files are the files named on the command line, read by the client: the
	// daemon may not see the operator's files (ProtectHome, PrivateTmp).
	Files map[string][]byte `json:"files,omitempty"`
}

type controlResponse struct {
	Output string `json:"output"`
	Errors string `json:"errors"`
	Code   int    `json:"code"`
	// Writes are the files the command wrote (--out), written by the client.
	Writes map[string][]byte `json:"writes,omitempty"`
}

// maxForwardedFile bounds a file the client sends to the daemon.
const maxForwardedFile = 64 << 20

// exitCode carries a forwarded command's exit code.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit %d", int(c)) }

func listenControl(path string) (net.Listener, error) {
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("control socket %s: another govbot is running", path)
	}
	os.Remove(path) // stale, from a process that was killed
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// serveControl answers the control socket until ln is closed, and returns only
// when every command it accepted has finished (so the store is not closed under one).
func serveControl(ctx context.Context, ln net.Listener, daemon *env) {
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Minute))
			var req controlRequest
			if err := json.NewDecoder(io.LimitReader(conn, 2*maxForwardedFile)).Decode(&req); err != nil {
				return
			}
			var out, errb bytes.Buffer
			writes := map[string][]byte{}
			code := runRemote(ctx, daemon, req, &out, &errb, writes)
			daemon.log.Info("control command", "args", req.Args, "code", code)
			json.NewEncoder(conn).Encode(controlResponse{Output: out.String(), Errors: errb.String(), Code: code, Writes: writes})
		}()
	}
}

// runRemote runs a forwarded command line with the daemon's open store.
func runRemote(ctx context.Context, daemon *env, req controlRequest, out, errw io.Writer, writes map[string][]byte) int {
	e := &env{ctx: ctx, stdin: bytes.NewReader(nil), out: out, errw: errw, cfg: daemon.cfg, app: daemon.app, log: daemon.log, remote: true, cwd: req.Cwd,
		files: req.Files, writes: writes}
	fs := flag.NewFlagSet("govbot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.String("config", "", "")
	nowFlag := fs.String("now", "", "")
	if err := fs.Parse(req.Args); err != nil {
		fmt.Fprintf(errw, "govbot: %v\n", err)
		return 2
	}
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(errw, "govbot: --now: %v\n", err)
			return 2
		}
		e.now = &t
	}
	cmd, args := lookup(fs.Args())
	if cmd == nil || !cmd.store {
		fmt.Fprintf(errw, "govbot: this command cannot run through the control socket\n")
		return 2
	}
	return e.report(cmd, cmd.run(e, args))
}

// forward sends the command line to the running daemon and prints its answer.
func (e *env) forward(all []string) error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	sock := cfg.ControlSocket()
	conn, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		return fmt.Errorf("the store %s is in use by another process, and its control socket %s does not answer (%v); is `govbot run` starting or stopping?", cfg.Store.Path, sock, err)
	}
	defer conn.Close()
	cwd, _ := os.Getwd()
	// The client reads every file the command line names: the daemon may not see
	// the operator's files.
	files := map[string][]byte{}
	for _, a := range all {
		if fi, err := os.Stat(a); err == nil && fi.Mode().IsRegular() && fi.Size() <= maxForwardedFile {
			if data, err := os.ReadFile(a); err == nil {
				files[a] = data
			}
		}
	}
	if err := json.NewEncoder(conn).Encode(controlRequest{Args: all, Cwd: cwd, Files: files}); err != nil {
		return err
	}
	var resp controlResponse
	if err := json.NewDecoder(conn).Decode(&resp); err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	for name, data := range resp.Writes {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return err
		}
	}
	io.WriteString(e.out, resp.Output)
	io.WriteString(e.errw, resp.Errors)
	if resp.Code != 0 {
		return exitCode(resp.Code)
	}
	return nil
}

// openFile opens a file named on the command line: in a forwarded command, the
// copy the client sent.
func (e *env) openFile(name string) (io.ReadCloser, error) {
	if e.remote {
		data, ok := e.files[name]
		if !ok {
			return nil, fmt.Errorf("%s: not sent by the client (missing, not a regular file, or over %d MB)", name, maxForwardedFile>>20)
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return os.Open(name)
}

// writeFile writes a file named on the command line: in a forwarded command, the
// client writes it.
func (e *env) writeFile(name string, data []byte) error {
	if e.remote {
		e.writes[name] = data
		return nil
	}
	return os.WriteFile(name, data, 0o600)
}

// path resolves a file name given on the command line.
func (e *env) path(p string) string {
	if e.cwd == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.cwd, p)
}
