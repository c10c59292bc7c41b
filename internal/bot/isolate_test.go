package bot_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
)

// poisonInject fails every message whose subject contains "POISON": with a panic
// when the subject also says "panic", else with an error.
func poisonInject(m *mailread.Message) error {
	if strings.Contains(m.Subject, "POISON") {
		if strings.Contains(m.Subject, "panic") {
			panic("injected fault")
		}
		return errors.New("injected fault")
	}
	return nil
}

// A message whose handling fails (an error or a panic) never blocks the others of
// its batch: they are committed, it is reported for a retry, and after MaxAttempts
// it is quarantined (kept raw, recorded as processed, the Secretariat told once).
func TestPoisonMessageFailsAloneAndIsQuarantined(t *testing.T) {
	for _, kind := range []string{"error", "panic"} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t)
			f.b.Inject = poisonInject
			f.b.Limits.MaxAttempts = 3
			poison := demo.Message("x@evil.example", "", "govbot@mmn.example", "POISON "+kind, "hello", f.now)
			vote := f.reply("a@a.example", "a@a.example", "YES")
			batch := []bot.Inbound{{UID: 1, UIDValidity: 7, Raw: poison}, {UID: 2, UIDValidity: 7, Raw: vote}}
			for attempt := 1; attempt <= 3; attempt++ {
				f.now = f.now.Add(time.Minute)
				res, err := f.b.HandleBatch(f.now, batch)
				if err != nil {
					t.Fatalf("attempt %d: HandleBatch: %v", attempt, err)
				}
				want := fmt.Sprintf("failed:%d", attempt)
				if attempt == 3 {
					want = "quarantined:Q1"
				}
				if res[0].Outcome != want {
					t.Errorf("attempt %d: poison outcome %q, want %q", attempt, res[0].Outcome, want)
				}
				if attempt == 1 && res[1].Outcome != "vote:yes" {
					t.Errorf("the vote behind the poison: %q", res[1].Outcome)
				}
				if attempt > 1 && res[1].Outcome != "duplicate" {
					t.Errorf("attempt %d: the vote handled again: %q", attempt, res[1].Outcome)
				}
			}
			var notices int
			f.db.View(func(tx *store.Tx) error {
				if !tx.SeenUID(7, 1) {
					t.Error("quarantined message not recorded as processed")
				}
				q, raw, ok, _ := tx.QuarantinedMessage("Q1")
				if !ok || string(raw) != string(poison) || q.Attempts != 3 || !strings.Contains(q.Error, "injected fault") {
					t.Errorf("quarantine: %+v ok=%v raw=%d bytes", q, ok, len(raw))
				}
				pending, _ := tx.Pending()
				for _, m := range pending {
					if m.Kind == "quarantine_notice" {
						notices++
						if m.To[0] != "info@mmn.example" || !strings.Contains(m.Text, "govbot quarantine show Q1") {
							t.Errorf("notice: to %v\n%s", m.To, m.Text)
						}
					}
				}
				return nil
			})
			if notices != 1 {
				t.Errorf("%d quarantine notices, want 1", notices)
			}
			// Handled again, it is a duplicate: nothing retried forever.
			res, err := f.b.HandleBatch(f.now, batch)
			if err != nil || res[0].Outcome != "duplicate" {
				t.Errorf("after quarantine: %+v %v", res, err)
			}
		})
	}
}

// govbot quarantine retry: a message whose cause is fixed is handled and leaves
// the quarantine; one that still fails stays; drop deletes it.
func TestQuarantineRetryAndDrop(t *testing.T) {
	f := newFixture(t)
	f.b.Inject = poisonInject
	f.b.Limits.MaxAttempts = 1
	vote := f.reply("a@a.example", "a@a.example", "NO")
	vote = []byte(strings.Replace(string(vote), "Subject: ", "Subject: POISON ", 1))
	res, err := f.b.Handle(f.now, bot.Inbound{UID: 5, UIDValidity: 1, Raw: vote})
	if err != nil || res.Outcome != "quarantined:Q1" {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := f.b.RetryQuarantined(f.now, "q1"); err == nil {
		t.Fatal("retry of a message that still fails succeeded")
	}
	f.b.Inject = nil // the cause is fixed
	res, err = f.b.RetryQuarantined(f.now.Add(time.Minute), "q1")
	if err != nil || res.Outcome != "vote:no" {
		t.Fatalf("retry: %+v %v", res, err)
	}
	f.db.View(func(tx *store.Tx) error {
		if _, _, ok, _ := tx.QuarantinedMessage("Q1"); ok {
			t.Error("retried message still in quarantine")
		}
		if v, _ := tx.Vote("B1", "a"); v == nil || v.Choice != "no" {
			t.Errorf("vote after retry: %+v", v)
		}
		return nil
	})
	if err := f.b.DropQuarantined(f.now, "Q1"); err == nil {
		t.Error("dropping a message no longer in quarantine succeeded")
	}
	f.b.Inject = poisonInject
	other := demo.Message("x@evil.example", "", "govbot@mmn.example", "POISON again", "hello", f.now)
	if res, _ := f.b.Handle(f.now, bot.Inbound{Raw: other}); res.Outcome != "quarantined:Q2" {
		t.Fatalf("second: %+v", res)
	}
	if err := f.b.DropQuarantined(f.now, "Q2"); err != nil {
		t.Fatal(err)
	}
	f.db.View(func(tx *store.Tx) error {
		if list, _ := tx.QuarantineList(); len(list) != 0 {
			t.Errorf("after drop: %+v", list)
		}
		return nil
	})
}

// A refused message's attachments never reach the files directory, and past the
// attachment limit none is even written; an accepted one's are kept.
func TestAttachmentsKeptOnlyWhenAccepted(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	f.b.FilesDir = dir
	f.b.Limits.MaxAttachments = 5
	msg := func(from string, n int, id string) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, "From: %s\r\nTo: govbot@mmn.example\r\nSubject: docs\r\nMessage-ID: <%s@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nhello\r\n", from, id)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "--X\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=f%d.pdf\r\n\r\n%%PDF %s %d\r\n", i, id, i)
		}
		b.WriteString("--X--\r\n")
		return []byte(b.String())
	}
	files := func() int {
		n := 0
		filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	if res := f.handle(t, msg("stranger@else.example", 3, "s1")); !strings.HasPrefix(res.Outcome, "refused:") {
		t.Fatalf("stranger: %q", res.Outcome)
	}
	if n := files(); n != 0 {
		t.Errorf("a refused stranger's attachments: %d files on disk", n)
	}
	if res := f.handle(t, msg("a@a.example", 10000, "many")); res.Outcome != "refused:too_many_attachments" {
		t.Fatalf("10,000 attachments: %q", res.Outcome)
	}
	if n := files(); n != 0 {
		t.Errorf("10,000 attachments refused, yet %d files on disk", n)
	}
}

// A refusal to an address not on the roster never echoes the incoming subject, and
// refusals to unknown addresses together stop at the hourly limit: 300 forged
// senders get at most that many mails.
func TestNoBackscatterToForgedSenders(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.StrangerRefusalsPerHour = 20
	replied := 0
	for i := 0; i < 300; i++ {
		raw := demo.Message(fmt.Sprintf("victim%d@victims.example", i), "", "govbot@mmn.example", "BUY CHEAP PILLS http://spam.example", "spam", f.now)
		res, err := f.b.Handle(f.now, bot.Inbound{Raw: raw})
		if err != nil {
			t.Fatal(err)
		}
		if res.Replied {
			replied++
		}
	}
	if replied != 20 {
		t.Errorf("%d refusals to 300 forged senders in an hour, want 20", replied)
	}
	f.db.View(func(tx *store.Tx) error {
		pending, _ := tx.Pending()
		for _, m := range pending {
			if m.Kind == "refusal" && (strings.Contains(m.Subject, "PILLS") || strings.Contains(m.Text, "spam.example")) {
				t.Fatalf("refusal to a stranger echoes the incoming mail: %q\n%s", m.Subject, m.Text)
			}
		}
		return nil
	})
	// The next hour, strangers are answered again.
	f.now = f.now.Add(time.Hour)
	raw := demo.Message("late@victims.example", "", "govbot@mmn.example", "hello", "hi", f.now)
	if res, _ := f.b.Handle(f.now, bot.Inbound{Raw: raw}); !res.Replied {
		t.Errorf("next hour: %+v", res)
	}
}

// A ballot form quoted (or pasted) in a stranger's message is never read as an
// application form: only what the sender wrote counts.
func TestQuotedBallotFormIsNotAnApplication(t *testing.T) {
	f := newFixture(t)
	form := f.forms["a@a.example"]
	quoted := demo.Message("x@stranger.example", "", "govbot@mmn.example", "Fwd: "+form.Subject,
		"What is this?\n\nOn Mon, 1 Mar 2027 at 09:00, govbot <govbot@mmn.example> wrote:\n> "+strings.ReplaceAll(form.Text, "\n", "\n> "), f.now)
	pasted := demo.Message("y@stranger.example", "", "govbot@mmn.example", form.Subject, form.Text, f.now.Add(time.Second))
	// A form quoted below someone's reply: the stranger wrote only the question.
	appForm := "Associate membership application (individual)\n\nName: Somsri\nEmail: somsri@uni.example\nCountry: Thailand\nExpertise: labour law\n\n[x] I accept the MMN Terms of Partnership\n"
	quotedApp := demo.Message("z@stranger.example", "", "govbot@mmn.example", "Re: the form",
		"Is this the right form?\n\nOn Mon, 1 Mar 2027 at 09:00, Somsri <somsri@uni.example> wrote:\n> "+strings.ReplaceAll(appForm, "\n", "\n> "), f.now.Add(2*time.Second))
	for name, raw := range map[string][]byte{"quoted": quoted, "pasted": pasted, "quoted application": quotedApp} {
		res := f.handle(t, raw)
		if strings.HasPrefix(res.Outcome, "case:") {
			t.Errorf("%s ballot form read as an application: %s", name, res.Outcome)
		}
	}
	f.db.View(func(tx *store.Tx) error {
		if cases, _ := tx.Cases(); len(cases) != 0 {
			t.Errorf("cases opened: %d", len(cases))
		}
		return nil
	})
}

// Direct applications from unknown addresses beyond the hourly limit are opened as
// cases (nothing lost), without a mail each to the Secretariat; one summary lists
// them after the hour.
func TestDirectApplicationsPastTheHourlyLimitAreSummarised(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.DirectApplicationsPerHour = 5
	start := f.now
	for i := 0; i < 100; i++ {
		form := fmt.Sprintf("Associate membership application (individual)\n\nName: Applicant %d\nEmail: p%d@uni.example\nCountry: Thailand\nExpertise: labour law\n\n[x] I accept the MMN Terms of Partnership\n", i, i)
		raw := demo.Message(fmt.Sprintf("p%d@uni.example", i), "", "govbot@mmn.example", "Application", form, f.now)
		f.now = f.now.Add(10 * time.Second)
		if res, err := f.b.Handle(f.now, bot.Inbound{Raw: raw}); err != nil || !strings.HasPrefix(res.Outcome, "case:") {
			t.Fatalf("application %d: %+v %v", i, res, err)
		}
	}
	toSecretariat := func() (n int, summaries []store.OutMail) {
		f.db.View(func(tx *store.Tx) error {
			pending, _ := tx.Pending()
			for _, m := range pending {
				if m.To[0] == "info@mmn.example" && strings.HasPrefix(m.Kind, "application") {
					n++
					if m.Kind == "applications_held" {
						summaries = append(summaries, m)
					}
				}
			}
			return nil
		})
		return n, summaries
	}
	if n, _ := toSecretariat(); n != 10 {
		t.Errorf("%d mails to the Secretariat for 100 applications in the hour, want 10 (5 applications × receipt and confirmation)", n)
	}
	if err := f.b.RunDue(start.Add(time.Hour + time.Minute)); err != nil {
		t.Fatal(err)
	}
	n, summaries := toSecretariat()
	if n != 11 || len(summaries) != 1 || !strings.Contains(summaries[0].Text, "Applicant 99") || strings.Contains(summaries[0].Text, "Applicant 4 ") {
		t.Errorf("after the hour: %d mails, summaries %d", n, len(summaries))
	}
	f.db.View(func(tx *store.Tx) error {
		if cases, _ := tx.Cases(); len(cases) != 100 {
			t.Errorf("%d cases, want 100 (nothing lost)", len(cases))
		}
		return nil
	})
}

// An unreadable message from an unknown address keeps at most StrangerRawBytes,
// and kept raw copies expire after RawKeepDays.
func TestStrangersUnreadableMailIsCappedAndExpires(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.StrangerRawBytes = 1000
	f.b.Limits.RawKeepDays = 30
	raw := []byte("From: s@stranger.example\r\nSubject: x\r\nMessage-ID: <big@s.example>\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n" + strings.Repeat("?", 100000) + "\r\n")
	if res := f.handle(t, raw); res.Outcome != "refused:unreadable" {
		t.Fatalf("outcome %q", res.Outcome)
	}
	f.db.View(func(tx *store.Tx) error {
		if got := tx.Raw("big@s.example"); len(got) != 1000 {
			t.Errorf("kept %d bytes of a stranger's unreadable message, want 1000", len(got))
		}
		return nil
	})
	if err := f.b.RunDue(f.now.Add(31 * 24 * time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.db.View(func(tx *store.Tx) error {
		if got := tx.Raw("big@s.example"); len(got) != 0 {
			t.Errorf("raw copy kept after 31 days: %d bytes", len(got))
		}
		return nil
	})
}
