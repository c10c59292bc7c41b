package perf

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// servers is GOVBOT_PERF_SERVERS (default "dovecot,devmail").
func servers() []string {
	v := os.Getenv("GOVBOT_PERF_SERVERS")
	if v == "" {
		v = "dovecot,devmail"
	}
	return strings.Split(v, ",")
}

const mb = 1 << 20

// BenchmarkCatchUp measures `govbot once` catching up on a backlog of
// GOVBOT_PERF_MESSAGES replies (default 10000) from a roster of GOVBOT_PERF_ORGS
// organisations (default 10000), against the floor of a bare go-imap FETCH of the
// same messages from the same server.
func BenchmarkCatchUp(b *testing.B) {
	for _, srv := range servers() {
		for _, orgs := range envInts("GOVBOT_PERF_ORGS", 10000) {
			for _, n := range envInts("GOVBOT_PERF_MESSAGES", 10000) {
				b.Run(fmt.Sprintf("server=%s/orgs=%d/msgs=%d", srv, orgs, n), func(b *testing.B) { catchUp(b, srv, orgs, n) })
			}
		}
	}
}

func catchUp(b *testing.B, srv string, orgs, n int) {
	box := startMailbox(b, srv)
	smtpAddr, _ := sink(b)
	w := newWorld(b, box, smtpAddr, orgs, 30*mb)
	w.sendForms()
	snap := w.snapshot("forms-sent.db")
	began := time.Now()
	msgs, kinds := w.backlog(n)
	var raw int64
	for _, m := range msgs {
		raw += int64(len(m.Raw))
	}
	gen := time.Since(began)
	box.appendAll(b, msgs)
	b.Logf("backlog: %d messages, %.1f MB, %v (generated in %v, delivered in %v)", n, float64(raw)/mb, kinds, gen.Round(time.Millisecond), (time.Since(began) - gen).Round(time.Millisecond))
	msgs = nil

	// The floor: the best of two bare FETCHes (the second reads a warm server).
	var floor time.Duration
	for i := 0; i < 2; i++ {
		got, _, d := box.bareFetch(b)
		if got != n {
			b.Fatalf("bare fetch read %d messages, want %d", got, n)
		}
		if floor == 0 || d < floor {
			floor = d
		}
	}

	var r result
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w.restore(snap)
		if dir := os.Getenv("GOVBOT_PERF_PROFILE"); dir != "" {
			// CPU and allocation profiles of this `govbot once`: go tool pprof FILE.
			p := filepath.Join(dir, fmt.Sprintf("catchup-%s-%d", srv, n))
			w.env = []string{"GOVBOT_CPUPROFILE=" + p + ".cpu", "GOVBOT_MEMPROFILE=" + p + ".allocs"}
			if os.Getenv("GOVBOT_PERF_TRACE") != "" {
				w.env = append(w.env, "GOVBOT_TRACE="+p+".trace") // go tool trace FILE
			}
		}
		b.StartTimer()
		r = w.run(catchUpAt, "once")
		if r.err != nil || r.handled != n {
			b.Fatalf("once: %v; handled %d of %d\n%s", r.err, r.handled, n, tail(r.stderr, 10))
		}
	}
	b.StopTimer()
	if dir := os.Getenv("GOVBOT_PERF_PROFILE"); dir != "" {
		// and its log, but for the "message handled" lines
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("catchup-%s-%d.log", srv, n)), []byte(r.stderr), 0o644)
	}
	read := r.lastHandled
	botRate := float64(n) / read.Seconds()
	floorRate := float64(n) / floor.Seconds()
	grown := storeInUse(b, w.db) - storeInUse(b, snap)
	b.ReportMetric(botRate, "msgs/s")
	b.ReportMetric(floorRate, "fetch-msgs/s")
	b.ReportMetric(botRate/floorRate, "ratio")
	b.ReportMetric(float64(r.maxRSS)/mb, "peak-RSS-MB")
	b.ReportMetric(float64(r.anonRSS)/mb, "peak-heap-RSS-MB")
	b.ReportMetric(float64(r.fileRSS)/mb, "peak-mmap-RSS-MB")
	b.ReportMetric(float64(grown)/float64(n)*10000/mb, "store-MB/10k-msgs")
	b.ReportMetric(r.wall.Seconds(), "once-s")
	// CPU time of the whole `govbot once` (reading and sending the replies) per
	// message: what a change costs or saves, whatever else the machine is doing.
	b.ReportMetric(float64(r.cpu.Microseconds())/1000/float64(n), "cpu-ms/msg")
	b.ReportMetric(float64(r.sent), "replies-sent")
	b.Logf("catch-up %s orgs=%d msgs=%d: read+handled in %v (%.0f msgs/s); bare FETCH %v (%.0f msgs/s); ratio %.3f; once total %v, CPU %v (sent %d replies); peak RSS %.1f MB (sampled: heap %.1f MB, mapped files %.1f MB); store file %.1f MB → %.1f MB, in use +%.1f MB",
		srv, orgs, n, read.Round(time.Millisecond), botRate, floor.Round(time.Millisecond), floorRate, botRate/floorRate,
		r.wall.Round(time.Millisecond), r.cpu.Round(time.Millisecond), r.sent, float64(r.maxRSS)/mb, float64(r.anonRSS)/mb, float64(r.fileRSS)/mb, float64(fileSize(snap))/mb, float64(fileSize(w.db))/mb, float64(grown)/mb)
}

// BenchmarkBallot opens a ballot of GOVBOT_PERF_ORGS members (default 10000): the
// forms queued (`govbot ballot open`) and sent to postfix's smtp-sink (`govbot once`)
// against a bare SMTP client sending the same number of mails to the same sink; then
// every voter votes, the ballot closes (tally, results queued; timed in process) and
// `govbot ballot show` runs on it.
func BenchmarkBallot(b *testing.B) {
	for _, orgs := range envInts("GOVBOT_PERF_ORGS", 10000) {
		b.Run(fmt.Sprintf("orgs=%d", orgs), func(b *testing.B) { ballot(b, orgs) })
	}
}

func ballot(b *testing.B, orgs int) {
	for i := 0; i < b.N; i++ {
		box := startMailbox(b, "devmail")
		smtpAddr, sinkKind := sink(b)
		w := newWorld(b, box, smtpAddr, orgs, 30*mb)
		var pending []store.OutMail
		w.view(func(tx *store.Tx) error { var err error; pending, err = tx.Pending(); return err })
		send := w.sendForms()
		floor := bareSMTP(b, smtpAddr, pending)

		// Every voter votes (written straight into the store: the catch-up benchmark
		// measures reading votes; this one the closing).
		nVotes := castAll(b, w)
		cfg, err := config.Load(w.config)
		if err != nil {
			b.Fatal(err)
		}
		a, err := app.Open(cfg, app.Options{Offline: true, Clock: func() time.Time { return closeAt }})
		if err != nil {
			b.Fatal(err)
		}
		var before, after int
		a.DB.View(func(tx *store.Tx) error { before = tx.OutboxLen(); return nil })
		if p := os.Getenv("GOVBOT_PERF_CPUPROFILE"); p != "" {
			f, err := os.Create(p) // a CPU profile of the closing: go tool pprof FILE
			if err != nil {
				b.Fatal(err)
			}
			pprof.StartCPUProfile(f)
			defer f.Close()
		}
		start := time.Now()
		if err := a.Bot.RunDue(closeAt); err != nil {
			b.Fatal(err)
		}
		closeDur := time.Since(start)
		pprof.StopCPUProfile()
		var tally gov.Tally
		a.DB.View(func(tx *store.Tx) error {
			after = tx.OutboxLen()
			bal, _, _ := tx.Ballot("B1")
			if bal.Tally != nil {
				tally = *bal.Tally
			}
			return nil
		})
		a.Close()
		if !tallyClosed(tally, nVotes) {
			b.Fatalf("ballot not closed with %d votes: %+v", nVotes, tally)
		}
		show := w.mustRun(closeAt, "ballot", "show", "B1")
		showVotes := w.mustRun(closeAt, "ballot", "show", "B1", "--votes")
		sendResults := w.mustRun(closeAt.Add(time.Minute), "once")

		b.ReportMetric(w.openDur.Seconds(), "open-s")
		b.ReportMetric(float64(w.formsN)/w.openDur.Seconds(), "forms-queued/s")
		b.ReportMetric(float64(send.sent)/send.wall.Seconds(), "forms-sent/s")
		b.ReportMetric(float64(len(pending))/floor.Seconds(), "sink-floor-msgs/s")
		b.ReportMetric(closeDur.Seconds(), "close-s")
		b.ReportMetric(show.wall.Seconds(), "show-s")
		b.ReportMetric(showVotes.wall.Seconds(), "show-votes-s")
		b.ReportMetric(float64(send.maxRSS)/mb, "send-peak-RSS-MB")
		b.ReportMetric(float64(fileSize(w.db))/mb, "store-file-MB")
		b.Logf("ballot orgs=%d: open %v (%d forms queued, %.0f/s); once sent %d forms to %s in %v (%.0f/s, peak RSS %.1f MB); bare SMTP client %v for %d mails (%.0f/s); %d votes; close %v (%d result mails queued); results sent by once in %v; ballot show %v, --votes %v",
			orgs, w.openDur.Round(time.Millisecond), w.formsN, float64(w.formsN)/w.openDur.Seconds(), send.sent, sinkKind, send.wall.Round(time.Millisecond),
			float64(send.sent)/send.wall.Seconds(), float64(send.maxRSS)/mb, floor.Round(time.Millisecond), len(pending), float64(len(pending))/floor.Seconds(),
			nVotes, closeDur.Round(time.Millisecond), after-before, sendResults.wall.Round(time.Millisecond), show.wall.Round(time.Millisecond), showVotes.wall.Round(time.Millisecond))
	}
}

func tallyClosed(t gov.Tally, votes int) bool { return t.Yes+t.No+t.Abstain == votes }

// castAll records a vote for every voter of B1, one in three each way.
func castAll(b *testing.B, w *world) int {
	db, err := store.Open(w.db, 5*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	n := 0
	choices := []gov.Choice{gov.Yes, gov.No, gov.Abstain}
	err = db.Update(catchUpAt, func(tx *store.Tx) error {
		voters, err := tx.Voters("B1")
		if err != nil {
			return err
		}
		for i, v := range voters {
			if err := tx.PutVote("B1", gov.Vote{OrgID: v.OrgID, Choice: choices[i%3], At: catchUpAt, From: v.Addresses[0], MessageID: fmt.Sprintf("v%d@client.example", i)}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// bareSMTP sends mails like the pending ones (same headers and text, rendered by
// hand) over one connection with go-smtp's client: what the sink accepts at best.
func bareSMTP(b *testing.B, addr string, pending []store.OutMail) time.Duration {
	raws := make([][]byte, len(pending))
	for i, m := range pending {
		var s strings.Builder
		fmt.Fprintf(&s, "From: %s <%s>\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n--b--\r\n",
			m.FromName, m.From, strings.Join(m.To, ", "), m.Subject, m.MessageID, m.Date.Format(time.RFC1123Z),
			strings.ReplaceAll(m.Text, "\n", "\r\n"), strings.ReplaceAll(m.HTML, "\n", "\r\n"))
		raws[i] = []byte(s.String())
	}
	start := time.Now()
	c, err := smtp.Dial(addr)
	if err != nil {
		b.Fatal(err)
	}
	if err := c.Hello("perf.example"); err != nil {
		b.Fatal(err)
	}
	for i, m := range pending {
		if err := c.Mail(m.From, nil); err != nil {
			b.Fatal(err)
		}
		for _, to := range m.To {
			if err := c.Rcpt(to, nil); err != nil {
				b.Fatal(err)
			}
		}
		wc, err := c.Data()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := wc.Write(raws[i]); err != nil {
			b.Fatal(err)
		}
		if err := wc.Close(); err != nil {
			b.Fatal(err)
		}
	}
	c.Quit()
	return time.Since(start)
}

// BenchmarkAttachment measures the peak RSS of `govbot once` reading one reply that
// carries an attachment of GOVBOT_PERF_ATTACH_MB megabytes (default 0,5,25; 0 is a
// 1 KB attachment), each in a fresh mailbox, with limits.max_message_bytes raised to
// 64 MB so that the whole message is read whatever the default (48 MiB) becomes.
func BenchmarkAttachment(b *testing.B) {
	srv := servers()[0]
	var base float64
	for _, size := range envInts("GOVBOT_PERF_ATTACH_MB", 1000, 5, 25) { // 1000 stands for 0 MB: envInts drops zeros
		if size == 1000 {
			size = 0
		}
		b.Run(fmt.Sprintf("server=%s/attach=%dMB", srv, size), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				box := startMailbox(b, srv)
				smtpAddr, _ := sink(b)
				w := newWorld(b, box, smtpAddr, 100, 64*mb)
				w.sendForms()
				g := newGenerator(seed(), botAddress, w.forms, w.addrs)
				addr := w.addrs[0]
				bytes := size * mb
				if size == 0 {
					bytes = 1 << 10
				}
				raw := g.reply(addr, "en", "YES\n\nOur application and annual report are attached.", []attachment{{name: "annual-report-2026.pdf", ctype: "application/pdf", size: bytes}})
				box.appendAll(b, []genMsg{{Raw: raw, Date: catchUpAt.Add(-time.Hour)}})
				r := w.run(catchUpAt, "once")
				if r.err != nil || r.handled != 1 {
					b.Fatalf("once: %v; handled %d\n%s", r.err, r.handled, tail(r.stderr, 10))
				}
				rss := float64(r.maxRSS) / mb
				if size == 0 {
					base = rss
				}
				b.ReportMetric(rss, "peak-RSS-MB")
				b.ReportMetric(float64(len(raw))/mb, "message-MB")
				if base > 0 {
					b.ReportMetric(rss-base, "RSS-over-1KB-MB")
				}
				b.Logf("attachment %d MB (message %.1f MB): peak RSS %.1f MB (%.1f MB over the 1 KB case), once %v", size, float64(len(raw))/mb, rss, rss-base, r.wall.Round(time.Millisecond))
			}
		})
	}
}
