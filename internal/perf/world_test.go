package perf

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	bolt "go.etcd.io/bbolt"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/store"
)

const botAddress = "govbot@mmn.example"

var bangkok = time.FixedZone("+07", 7*3600)

// Times of the generated network: the ballot opens on 1 March 2027 and closes at the
// end of 31 March; the backlog is read a week after it opened.
var (
	openAt    = time.Date(2027, 3, 1, 9, 0, 0, 0, bangkok)
	catchUpAt = time.Date(2027, 3, 9, 9, 0, 0, 0, bangkok)
	closeAt   = time.Date(2027, 4, 1, 0, 5, 0, 0, bangkok)
)

// mailbox is where the backlog waits: Dovecot or the in-process devmail server.
type mailbox struct {
	kind       string // "dovecot" or "devmail"
	addr       string
	user, pass string
	dev        *devmail.Server
	maildir    string // Dovecot's Maildir of the user
}

func startMailbox(tb testing.TB, kind string) *mailbox {
	tb.Helper()
	switch kind {
	case "dovecot":
		d := mailtest.StartDovecot(tb)
		return &mailbox{kind: kind, addr: d.Addr, user: d.User, pass: d.Password,
			maildir: filepath.Join(d.Dir, "mail", d.User, "Maildir")}
	default:
		srv, err := devmail.Start(devmail.Options{BotAddress: "nobody-" + botAddress})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { srv.Close() })
		return &mailbox{kind: "devmail", addr: srv.IMAPAddr, user: srv.User, pass: srv.Password, dev: srv}
	}
}

func (m *mailbox) dial(tb testing.TB) *imapclient.Client {
	tb.Helper()
	c, err := imapclient.DialInsecure(m.addr, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.Login(m.user, m.pass).Wait(); err != nil {
		tb.Fatal(err)
	}
	return c
}

// appendAll delivers the messages in order over one connection.
func (m *mailbox) appendAll(tb testing.TB, msgs []genMsg) {
	tb.Helper()
	if m.dev != nil {
		for _, g := range msgs {
			if _, err := m.dev.Append("INBOX", g.Raw, g.Date); err != nil {
				tb.Fatal(err)
			}
		}
		return
	}
	if m.maildir != "" && len(msgs) > 1 {
		m.deliverMaildir(tb, msgs)
		return
	}
	c := m.dial(tb)
	defer c.Close()
	for _, g := range msgs {
		cmd := c.Append("INBOX", int64(len(g.Raw)), &imap.AppendOptions{Time: g.Date})
		if _, err := cmd.Write(g.Raw); err != nil {
			tb.Fatal(err)
		}
		if err := cmd.Close(); err != nil {
			tb.Fatal(err)
		}
		if _, err := cmd.Wait(); err != nil {
			tb.Fatal(err)
		}
	}
}

// deliverMaildir writes the messages straight into Dovecot's Maildir/new, as a local
// delivery agent would (APPEND fsyncs each message: 30 ms apiece on this machine's
// disk). Dovecot indexes them at the next SELECT, which the first bare FETCH pays for.
func (m *mailbox) deliverMaildir(tb testing.TB, msgs []genMsg) {
	tb.Helper()
	fi, err := os.Stat(m.maildir)
	if err != nil {
		tb.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	dir := filepath.Join(m.maildir, "new")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	os.Lchown(dir, int(st.Uid), int(st.Gid))
	for i, g := range msgs {
		p := filepath.Join(dir, fmt.Sprintf("%d.P%08d.perf", g.Date.Unix(), i))
		if err := os.WriteFile(p, g.Raw, 0o644); err != nil {
			tb.Fatal(err)
		}
		if err := os.Lchown(p, int(st.Uid), int(st.Gid)); err != nil {
			tb.Fatal(err)
		}
		if err := os.Chtimes(p, g.Date, g.Date); err != nil {
			tb.Fatal(err)
		}
	}
}

// bareFetch is the floor: one UID FETCH 1:* of UID, INTERNALDATE, RFC822.SIZE and
// BODY.PEEK[] with go-imap, every literal read into memory as the bot does, nothing
// else. It returns how many messages and bytes it read.
func (m *mailbox) bareFetch(tb testing.TB) (n int, size int64, d time.Duration) {
	tb.Helper()
	c := m.dial(tb)
	defer c.Close()
	start := time.Now()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		tb.Fatal(err)
	}
	var all imap.UIDSet
	all.AddRange(1, 0)
	cmd := c.Fetch(all, &imap.FetchOptions{UID: true, InternalDate: true, RFC822Size: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
	for {
		fm := cmd.Next()
		if fm == nil {
			break
		}
		for {
			item := fm.Next()
			if item == nil {
				break
			}
			if bs, ok := item.(imapclient.FetchItemDataBodySection); ok {
				b, err := io.ReadAll(bs.Literal)
				if err != nil {
					tb.Fatal(err)
				}
				size += int64(len(b))
				n++
			}
		}
	}
	if err := cmd.Close(); err != nil {
		tb.Fatal(err)
	}
	return n, size, time.Since(start)
}

// world is a configured bot on a scratch directory: roster imported, one ballot open
// to every member, its forms sent.
type world struct {
	tb      testing.TB
	dir     string
	config  string
	db      string
	box     *mailbox
	smtp    string // sink address
	orgs    int
	forms   map[string]form
	addrs   []string
	formsN  int
	openDur time.Duration // `govbot ballot open`
	sendDur time.Duration // `govbot once` sending the forms
	env     []string      // added to the environment of the next run only
}

// sink starts postfix's smtp-sink (a real SMTP server that writes every message to
// disk), or the devmail SMTP server when smtp-sink is not installed.
func sink(tb testing.TB) (addr, kind string) {
	tb.Helper()
	if os.Getenv("GOVBOT_SMTP_SINK") != "" || fileExists("/usr/sbin/smtp-sink") || fileExists("/opt/govbot-ci/postfix/usr/sbin/smtp-sink") {
		s := mailtest.StartSMTPSink(tb)
		return s.Addr, "postfix smtp-sink"
	}
	srv, err := devmail.Start(devmail.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return srv.SMTPAddr, "devmail SMTP"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func hostPort(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	p, _ := strconv.Atoi(addr[i+1:])
	return addr[:i], p
}

// newWorld sets up a bot with a roster of orgs members reading box and sending to smtp,
// and opens the ballot. When send is set the forms are sent too.
func newWorld(tb testing.TB, box *mailbox, smtp string, orgs int, maxBytes int64) *world {
	tb.Helper()
	if binary == "" {
		tb.Fatal("the govbot binary was not built (run with -bench or GOVBOT_PERF=1)")
	}
	dir := tb.TempDir()
	w := &world{tb: tb, dir: dir, box: box, smtp: smtp, orgs: orgs, db: filepath.Join(dir, "govbot.db")}
	ih, ip := hostPort(box.addr)
	sh, sp := hostPort(smtp)
	cfg := fmt.Sprintf(`network: {name: Perf Federation, timezone: Asia/Bangkok}
bot: {address: %s, name: MMN govbot}
secretariat: [info@mmn.example]
imap: {host: %s, port: %d, security: none, username: %s, password: %s}
smtp: {host: %s, port: %d, security: none}
store: {path: %s}
limits: {max_message_bytes: %d}
log: {level: info}
`, botAddress, ih, ip, box.user, box.pass, sh, sp, w.db, maxBytes)
	if n := envInts("GOVBOT_PERF_OUTBOX_BATCH", 0); len(n) > 0 && n[0] > 0 {
		cfg += fmt.Sprintf("outbox: {batch: %d}\n", n[0]) // to try another outbox.batch
	}
	w.config = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(w.config, []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	roster := filepath.Join(dir, "roster.csv")
	if err := os.WriteFile(roster, rosterCSV(orgs), 0o600); err != nil {
		tb.Fatal(err)
	}
	w.mustRun(openAt, "roster", "import", roster)
	r := w.run(openAt, "ballot", "open", "--electorate", "members", "--title", "Adopt the 2027 work plan",
		"--question", "Do you approve the 2027 regional work plan?", "--closes", "2027-03-31")
	if r.err != nil {
		tb.Fatalf("ballot open: %v\n%s", r.err, r.stderr)
	}
	w.openDur = r.wall
	var pending []store.OutMail
	w.view(func(tx *store.Tx) error {
		var err error
		pending, err = tx.Pending()
		return err
	})
	w.forms, w.addrs = formsOf(pending)
	w.formsN = len(w.addrs)
	return w
}

// sendForms runs `govbot once` on an empty mailbox: it sends the forms.
func (w *world) sendForms() result {
	if dir := os.Getenv("GOVBOT_PERF_PROFILE"); dir != "" {
		p := filepath.Join(dir, fmt.Sprintf("sendforms-%d", w.orgs))
		w.env = []string{"GOVBOT_CPUPROFILE=" + p + ".cpu", "GOVBOT_MEMPROFILE=" + p + ".allocs"}
	}
	r := w.run(openAt.Add(time.Minute), "once")
	if r.err != nil || r.sent < w.formsN {
		w.tb.Fatalf("once (forms): %v, sent %d of %d\n%s", r.err, r.sent, w.formsN, tail(r.stderr, 10))
	}
	w.sendDur = r.wall
	return r
}

func (w *world) view(fn func(*store.Tx) error) {
	w.tb.Helper()
	db, err := store.Open(w.db, 5*time.Second)
	if err != nil {
		w.tb.Fatal(err)
	}
	defer db.Close()
	if err := db.View(fn); err != nil {
		w.tb.Fatal(err)
	}
}

// result is one run of the binary.
type result struct {
	err    error
	wall   time.Duration
	maxRSS int64 // bytes
	// anonRSS and fileRSS are the peaks, sampled every 10 ms, of the resident
	// memory of the heap (and stacks) and of mapped files (the store's mmap).
	anonRSS, fileRSS int64
	cpu              time.Duration // user + system time of the process
	stdout, stderr   string
	handled, sent    int
	lastHandled      time.Duration // from start to the last "message handled" log line
	started          time.Time
}

// gnuTime measures a child's peak RSS (Debian package time).
const gnuTime = "/usr/bin/time"

func (w *world) run(now time.Time, args ...string) result {
	w.tb.Helper()
	all := append([]string{"--config", w.config, "--now", now.Format(time.RFC3339)}, args...)
	// The peak RSS of a child that Go starts is polluted: Go forks with CLONE_VM, and
	// the kernel keeps the parent's high-water mark as the child's at exec. GNU time,
	// a small C program, starts govbot from its own tiny address space and reports
	// its true maximum (%M, kilobytes).
	rssFile := filepath.Join(w.dir, "maxrss")
	os.Remove(rssFile)
	cmd := exec.Command(binary, all...)
	if fileExists(gnuTime) {
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M %U %S", "-o", rssFile, binary}, all...)...)
	}
	cmd.Dir = w.dir
	if len(w.env) > 0 {
		cmd.Env = append(os.Environ(), w.env...)
		w.env = nil
	}
	var out bytes.Buffer
	errf, err := os.Create(filepath.Join(w.dir, "stderr.log"))
	if err != nil {
		w.tb.Fatal(err)
	}
	defer errf.Close()
	cmd.Stdout, cmd.Stderr = &out, errf
	r := result{started: time.Now()}
	r.err = cmd.Start()
	if r.err == nil {
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			r.anonRSS, r.fileRSS = sampleRSS(cmd.Process.Pid, stop)
		}()
		r.err = cmd.Wait()
		close(stop)
		<-sampled
	}
	r.wall = time.Since(r.started)
	if b, err := os.ReadFile(rssFile); err == nil {
		// "%M %U %S" on the last line (GNU time writes "Command exited…" before it)
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		f := strings.Fields(lines[len(lines)-1])
		if len(f) == 3 {
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			r.maxRSS = kb * 1024
			u, _ := strconv.ParseFloat(f[1], 64)
			s, _ := strconv.ParseFloat(f[2], 64)
			r.cpu = time.Duration((u + s) * float64(time.Second))
		}
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024 // an upper bound: see above
	}
	if r.cpu == 0 && cmd.ProcessState != nil {
		r.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	r.stdout = out.String()
	errf.Seek(0, 0)
	var eb strings.Builder
	sc := bufio.NewScanner(errf)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.Contains(line, `msg="message handled"`):
			if t, ok := logTime(line); ok {
				r.lastHandled = t.Sub(r.started)
			}
		case strings.Contains(line, `msg="cycle done"`):
			r.handled = intField(line, "handled=")
			r.sent = intField(line, "sent=")
			eb.WriteString(line + "\n")
		default:
			eb.WriteString(line + "\n")
		}
	}
	r.stderr = eb.String()
	return r
}

func (w *world) mustRun(now time.Time, args ...string) result {
	w.tb.Helper()
	r := w.run(now, args...)
	if r.err != nil {
		w.tb.Fatalf("govbot %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, tail(r.stderr, 10))
	}
	return r
}

func logTime(line string) (time.Time, bool) {
	if !strings.HasPrefix(line, "time=") {
		return time.Time{}, false
	}
	f := line[len("time="):]
	if i := strings.IndexByte(f, ' '); i > 0 {
		f = f[:i]
	}
	t, err := time.Parse(time.RFC3339Nano, f)
	return t, err == nil
}

func intField(line, key string) int {
	i := strings.Index(line, key)
	if i < 0 {
		return -1
	}
	f := line[i+len(key):]
	if j := strings.IndexByte(f, ' '); j >= 0 {
		f = f[:j]
	}
	n, _ := strconv.Atoi(f)
	return n
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// snapshot copies the store file; restore puts a copy back.
func (w *world) snapshot(name string) string {
	w.tb.Helper()
	p := filepath.Join(w.dir, name)
	if err := copyFile(w.db, p); err != nil {
		w.tb.Fatal(err)
	}
	return p
}

func (w *world) restore(snap string) {
	w.tb.Helper()
	if err := copyFile(snap, w.db); err != nil {
		w.tb.Fatal(err)
	}
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// backlog generates n messages from the seed, dated over the week before catchUpAt.
func (w *world) backlog(n int) ([]genMsg, map[string]int) {
	g := newGenerator(seed(), botAddress, w.forms, w.addrs)
	step := 7 * 24 * time.Hour / time.Duration(n+1)
	start := catchUpAt.Add(-7 * 24 * time.Hour)
	msgs := make([]genMsg, 0, n)
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		m := g.next(start.Add(time.Duration(i) * step))
		msgs = append(msgs, m)
		kinds[m.Kind]++
	}
	return msgs, kinds
}

var _ = context.Background

// storeInUse returns the bytes the store's pages hold (branch and leaf pages in use,
// summed over every bucket), which, unlike the file size, does not count the free
// pages bbolt keeps after the outbox empties.
func storeInUse(tb testing.TB, path string) int64 {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	var n int64
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			s := b.Stats()
			n += int64(s.BranchInuse + s.LeafInuse)
			return nil
		})
	})
	return n
}

// sampleRSS samples /proc's RssAnon and RssFile of govbot (pid, or the child of
// pid when pid is GNU time) every 10 ms until stop, and returns their peaks.
func sampleRSS(pid int, stop <-chan struct{}) (anon, file int64) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	target := 0
	for {
		select {
		case <-stop:
			return anon, file
		case <-t.C:
		}
		if target == 0 {
			target = pid
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
				if f := strings.Fields(string(b)); len(f) > 0 {
					target, _ = strconv.Atoi(f[0])
				} else if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); exe == gnuTime {
					target = 0 // govbot not started yet
					continue
				}
			}
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", target))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			switch f[0] {
			case "RssAnon:":
				anon = max(anon, kb*1024)
			case "RssFile:":
				file = max(file, kb*1024)
			}
		}
	}
}
