package crashtest

import (
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/store"
)

// envInt reads a positive integer from the environment, else def.
func envInt(t *testing.T, name string, def int64) int64 {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a non-negative integer", name, v)
	}
	return n
}

// scenario is one crash test: a backlog, kills while the bot works through it, then
// kills while it closes the ballots, with faults the mail servers inject.
type scenario struct {
	kills      int // kills while the backlog is worked through
	formKills  int // kills while the forms go out
	closeKills int // kills while the ballots close
	replies    int
	// runEvery: every runEvery-th kill hits `govbot run` instead of `once` (0: never).
	runEvery int
	// before is called before each kill of the backlog phase, i counting from 0.
	before func(h *harness, i int)
	// during runs alongside the backlog phase until stop is closed.
	during func(h *harness, stop <-chan struct{})
	// heal is called before the bot is left to finish without kills.
	heal func(h *harness)
	// closing is called before the kills of the closing phase.
	closing func(h *harness)
	// imapExtra is added to the imap section of the bot's configuration.
	imapExtra string
}

func (sc scenario) run(t *testing.T) {
	start := time.Now()
	seed := envInt(t, "CRASHTEST_SEED", time.Now().UnixNano()%1_000_000)
	t.Logf("seed %d (CRASHTEST_SEED=%d reproduces this run)", seed, seed)
	rng := rand.New(rand.NewSource(seed))
	h := newHarness(t, sc.imapExtra)
	h.rng = rng

	n := h.setupNetwork(rng, 60, 3, sc.formKills)
	replies, err := n.backlog(rng, sc.replies, time.Date(2027, 3, 1, 10, 0, 0, 0, h.loc))
	if err != nil {
		t.Fatal(err)
	}
	exp := expect(replies)
	d := newDelays(rng, h, len(replies)) // measured before the backlog arrives
	for _, r := range replies {
		if _, err := h.srv.Append("INBOX", r.raw, r.at); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("backlog: %d replies, %d votes, %d (ballot, organisation) pairs answered more than once; setup %v",
		len(replies), exp.recorded, multi(replies), time.Since(start).Round(time.Millisecond))

	// The backlog, under kills.
	h.setNow(time.Date(2027, 3, 2, 9, 0, 0, 0, h.loc))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	stopDuring := sync.OnceFunc(func() { close(stop); wg.Wait() })
	t.Cleanup(stopDuring) // also when the test stops early
	if sc.during != nil {
		wg.Add(1)
		go func() { defer wg.Done(); sc.during(h, stop) }()
	}
	d.last = d.work(h)
	phase := time.Now()
	for i := 0; i < sc.kills; i++ {
		if sc.before != nil {
			sc.before(h, i)
		}
		mode := "once"
		if sc.runEvery > 0 && i%sc.runEvery == sc.runEvery-1 {
			mode = "run"
		}
		d.kill(h, mode, sc.kills-i)
	}
	stopDuring()
	backlog := h.stats
	t.Logf("work left after each kill: %v", d.trace)
	t.Logf("%d kills met a process while work was left", d.midWork)
	t.Logf("backlog phase: %d runs, %d kills (%d of `run`), %d landed mid-run, %d runs ended before their kill (%d with an error); %v",
		backlog.runs, backlog.kills, backlog.runKills, backlog.landed, backlog.finished, backlog.failedRun, time.Since(phase).Round(time.Millisecond))
	if sc.heal != nil {
		sc.heal(h)
	}
	h.settle()
	if sc.closing != nil && sc.heal != nil {
		sc.heal(h)
	}
	h.verify(n, replies, exp, false)

	// The deadline passes: the ballots close, under kills.
	h.setNow(time.Date(2027, 3, 21, 0, 10, 0, 0, h.loc))
	if sc.closing != nil {
		sc.closing(h)
	}
	before := h.stats
	for i := 0; i < sc.closeKills; i++ {
		h.killAfter(time.Duration(rng.Int63n(int64(d.max))), "once")
	}
	h.settle()
	t.Logf("closing phase: %d kills, %d landed mid-run", h.stats.kills-before.kills, h.stats.landed-before.landed)
	h.verify(n, replies, exp, true)
	t.Logf("in all: %d runs, %d kills, %d landed mid-run; %v", h.stats.runs, h.stats.kills, h.stats.landed, time.Since(start).Round(time.Millisecond))
	if h.stats.landed < h.stats.kills/2 {
		t.Errorf("only %d of %d kills met a process at work: the delays do not fit this machine", h.stats.landed, h.stats.kills)
	}
}

// delays picks when to kill, so that the kills spread over the whole backlog instead
// of landing on idle runs once the first few runs have done the work: it measures how
// long a run takes to start, and after each kill how much work is left and how fast
// the last runs went, and draws the next delay so that each remaining kill gets its
// share of the work. One kill in ten lands during start-up.
type delays struct {
	rng     *rand.Rand
	startup time.Duration // an idle `once`, start to exit
	rate    float64       // units of work per millisecond past start-up
	last    int           // work left before the last kill
	lastD   time.Duration
	max     time.Duration // the longest delay drawn
	replies int
	// midWork counts kills that met a process while work was left; trace is the
	// work left after each kill.
	midWork int
	trace   []int
}

// work counts what is left: two units per reply not yet handled (the handling and
// its answer), one per mail waiting in the outbox. It reads the store directly; the
// bot is not running.
func (d *delays) work(h *harness) int {
	h.t.Helper()
	db, err := store.Open(filepath.Join(h.dir, "govbot.db"), time.Second)
	if err != nil {
		h.t.Fatalf("open the store between runs: %v", err)
	}
	defer db.Close()
	handled, waiting := 0, 0
	if err := db.View(func(tx *store.Tx) error {
		log, err := tx.AuditLog()
		for _, e := range log {
			if e.Action == "vote.record" || e.Action == "reply.refuse" {
				handled++
			}
		}
		waiting = tx.OutboxLen()
		return err
	}); err != nil {
		h.t.Fatal(err)
	}
	return 2*(d.replies-handled) + waiting
}

func newDelays(rng *rand.Rand, h *harness, replies int) *delays {
	var idle []time.Duration
	for range 3 {
		began := time.Now()
		h.mustRun("once")
		idle = append(idle, time.Since(began))
	}
	slices.Sort(idle)
	d := &delays{rng: rng, startup: idle[1], replies: replies}
	// A first guess, corrected after every kill: 1000 units a second.
	d.rate = 1
	h.t.Logf("an idle run takes %v", d.startup.Round(time.Millisecond))
	return d
}

// kill runs govbot in mode and kills it; left counts the kills still to come, this one
// included.
func (d *delays) kill(h *harness, mode string, left int) {
	var delay time.Duration
	if d.rng.Intn(10) == 0 {
		delay = time.Duration(d.rng.Int63n(int64(d.startup)))
	} else {
		share := float64(d.last) / float64(left) / d.rate // ms of work for this kill
		delay = d.startup + time.Duration(d.rng.Float64()*2*share*float64(time.Millisecond))
	}
	d.max = max(d.max, delay)
	killed := h.killAfter(delay, mode)
	now := d.work(h)
	if killed && d.last > 0 {
		d.midWork++
	}
	d.trace = append(d.trace, now)
	if worked := delay - d.startup; worked > 20*time.Millisecond && d.last > now {
		// What this run did, blended into what the earlier ones did.
		r := float64(d.last-now) / float64(worked.Milliseconds())
		d.rate = 0.7*d.rate + 0.3*r
	}
	d.last = now
}

// TestCrashSafety_Backlog: SIGKILL at random points while the bot works through 300
// replies to three ballots, and again while it closes them.
func TestCrashSafety_Backlog(t *testing.T) {
	scenario{
		kills:      int(envInt(t, "CRASHTEST_KILLS", 50)),
		formKills:  5,
		closeKills: 5,
		replies:    300,
		runEvery:   5,
	}.run(t)
}

func variantKills(t *testing.T) int { return int(envInt(t, "CRASHTEST_VARIANT_KILLS", 10)) }

// TestCrashSafety_SMTPRefusesForAWhile: the SMTP server answers 451 to the end of
// DATA for a while (twice during the backlog, once at the closing) while the bot is
// killed; every mail still arrives, under one Message-ID.
func TestCrashSafety_SMTPRefusesForAWhile(t *testing.T) {
	k := variantKills(t)
	scenario{
		kills: k, closeKills: 3, replies: 150, runEvery: 4,
		before: func(h *harness, i int) {
			if i == 0 || i == k/2 {
				h.srv.FailSMTP(120, 451, "4.3.0 try again later")
			}
			if i == k/3 {
				h.srv.FailRcpt(40, 452, "4.2.2 mailbox full, try later")
			}
		},
		heal:    func(h *harness) { h.srv.FailSMTP(0, 0, ""); h.srv.FailRcpt(0, 0, "") },
		closing: func(h *harness) { h.srv.FailSMTP(100, 451, "4.3.0 try again later") },
	}.run(t)
}

// TestCrashSafety_SMTPDropsConnections: the SMTP server reads a message and closes the
// connection without an answer, again and again, while the bot is killed; every mail
// still arrives, under one Message-ID.
func TestCrashSafety_SMTPDropsConnections(t *testing.T) {
	k := variantKills(t)
	scenario{
		kills: k, closeKills: 3, replies: 150, runEvery: 4,
		before:  func(h *harness, i int) { h.srv.DropSMTP(2) },
		heal:    func(h *harness) { h.srv.DropSMTP(0) },
		closing: func(h *harness) { h.srv.DropSMTP(10) },
	}.run(t)
}

// TestCrashSafety_IMAPDisconnects: the IMAP server drops the bot's connection every
// 100 ms while the bot is killed; no reply is lost, counted twice or answered twice
// under different Message-IDs.
func TestCrashSafety_IMAPDisconnects(t *testing.T) {
	scenario{
		kills: variantKills(t), closeKills: 3, replies: 150, runEvery: 4,
		during: func(h *harness, stop <-chan struct{}) {
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					h.srv.Disconnect()
				}
			}
		},
	}.run(t)
}

// TestCrashSafety_UIDValidityChanges: the IMAP server renumbers the mailbox (a new
// UIDVALIDITY) a third of the way through, between runs, and again two thirds of the
// way through, while a run is reading it; every message is read again under new UIDs
// and must be recognised, not counted or answered again.
func TestCrashSafety_UIDValidityChanges(t *testing.T) {
	k := variantKills(t)
	var wg sync.WaitGroup
	recreate := func(h *harness) {
		if _, err := h.srv.RecreateMailbox("INBOX"); err != nil {
			h.t.Errorf("recreate INBOX: %v", err)
		}
	}
	scenario{
		kills: k, closeKills: 3, replies: 150, runEvery: 4,
		before: func(h *harness, i int) {
			wg.Wait()
			switch i {
			case k / 3:
				recreate(h)
			case 2 * k / 3:
				wg.Add(1)
				h.t.Cleanup(wg.Wait) // before the servers close
				delay := time.Duration(30+h.rng.Intn(100)) * time.Millisecond
				go func() {
					defer wg.Done()
					time.Sleep(delay)
					recreate(h)
				}()
			}
		},
		heal: func(h *harness) { wg.Wait() },
		closing: func(h *harness) {
			// Once more with everything handled: all of it comes back under new UIDs.
			recreate(h)
		},
	}.run(t)
}

// TestCrashSafety_ProcessedMailbox: handled messages are moved to another mailbox
// (imap.processed_mailbox) instead of flagged, while the bot is killed; a kill between
// the commit and the MOVE must not lose or repeat anything.
func TestCrashSafety_ProcessedMailbox(t *testing.T) {
	scenario{
		kills: variantKills(t), closeKills: 3, replies: 150, runEvery: 4,
		imapExtra: ", processed_mailbox: Processed",
	}.run(t)
}
