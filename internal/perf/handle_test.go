package perf

import (
	"bytes"
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/mailread"
)

// BenchmarkHandle measures, in process and without a mail server, what the bot
// spends on each message of the backlog: batches of 200, each prepared while the
// one before commits, as `govbot once` hands them over, against mailread.Read of the same messages
// (MIME, charsets, transfer encodings, every attachment decoded and hashed: the
// reading every message needs) measured in the same run. It is the benchmark to
// profile (-cpuprofile, -memprofile): the catch-up benchmark runs the real binary
// against a real server and is what the targets are measured with.
func BenchmarkHandle(b *testing.B) {
	orgs := envInts("GOVBOT_PERF_ORGS", 10000)[0]
	n := envInts("GOVBOT_PERF_MESSAGES", 10000)[0]
	b.Run(fmt.Sprintf("orgs=%d/msgs=%d", orgs, n), func(b *testing.B) { handle(b, orgs, n) })
}

func handle(b *testing.B, orgs, n int) {
	box := startMailbox(b, "devmail") // only named in the configuration: nothing is read from it
	smtpAddr, _ := sink(b)
	w := newWorld(b, box, smtpAddr, orgs, 30*mb)
	w.sendForms()
	snap := w.snapshot("forms-sent.db")
	msgs, _ := w.backlog(n)
	cfg, err := config.Load(w.config)
	if err != nil {
		b.Fatal(err)
	}
	batch := envInts("GOVBOT_PERF_HANDLE_BATCH", 200)[0]

	// The floor: reading every message with mailread, attachments streamed
	// through its hash and dropped.
	start, cpu0 := time.Now(), cpuTime()
	for _, m := range msgs {
		if _, err := mailread.Read(bytes.NewReader(m.Raw), mailread.Options{
			Attachment: func(_ mailread.Attachment, r io.Reader) error { _, err := io.Copy(io.Discard, r); return err },
		}); err != nil {
			b.Fatal(err)
		}
	}
	read, readCPU := time.Since(start), cpuTime()-cpu0

	var handled, handledCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w.restore(snap)
		a, err := app.Open(cfg, app.Options{Offline: true, Clock: func() time.Time { return catchUpAt }})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start, cpu0 := time.Now(), cpuTime()
		// As `govbot once` does: the next batch is prepared while one commits.
		prepared := make(chan []*bot.Prepared)
		go func() {
			defer close(prepared)
			for j := 0; j < len(msgs); j += batch {
				ins := make([]bot.Inbound, 0, batch)
				for k, m := range msgs[j:min(j+batch, len(msgs))] {
					ins = append(ins, bot.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(j + k + 1), Received: m.Date, Raw: m.Raw})
				}
				prepared <- a.Bot.PrepareBatch(catchUpAt, ins)
			}
		}()
		for ps := range prepared {
			res, err := a.Bot.CommitBatch(catchUpAt, ps)
			bot.ReleaseAll(ps)
			if err != nil {
				b.Fatal(err)
			}
			if len(res) != len(ps) {
				b.Fatalf("%d results for %d messages", len(res), len(ps))
			}
		}
		handled, handledCPU = time.Since(start), cpuTime()-cpu0
		b.StopTimer()
		a.Close()
		b.StartTimer()
	}
	b.StopTimer()
	perMsg := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
	b.ReportMetric(perMsg(handled), "handle-ms/msg")
	b.ReportMetric(perMsg(read), "mailread-ms/msg")
	b.ReportMetric(float64(handled)/float64(read), "x-mailread")
	// CPU time, which other work on the machine changes less than the wall clock.
	b.ReportMetric(perMsg(handledCPU), "handle-cpu-ms/msg")
	b.ReportMetric(perMsg(readCPU), "mailread-cpu-ms/msg")
	b.Logf("handle orgs=%d msgs=%d: handled in %v (%.3f ms a message, CPU %.3f ms), mailread.Read alone %v (%.3f ms, CPU %.3f ms), %.2f×",
		orgs, n, handled.Round(time.Millisecond), perMsg(handled), perMsg(handledCPU), read.Round(time.Millisecond), perMsg(read), perMsg(readCPU), float64(handled)/float64(read))
}

// cpuTime is the user and system time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
