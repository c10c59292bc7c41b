package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/store"
)

func TestPoisonMessageQuarantinedVoteCounted_InProcess(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	runPoison(t, memServers{srv})
}

func TestPoisonMessageQuarantinedVoteCounted_DovecotAndSMTPSink(t *testing.T) {
	runPoison(t, realServers{imap: mailtest.StartDovecot(t), smtp: mailtest.StartSMTPSink(t)})
}

// flagCount counts the messages of INBOX carrying keyword.
func flagCount(t *testing.T, servers mailServers, keyword string) int {
	t.Helper()
	var flags [][]string
	switch s := servers.(type) {
	case memServers:
		msgs, _, err := s.srv.Messages("INBOX")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			flags = append(flags, m.Flags)
		}
	case realServers:
		for _, m := range s.imap.Messages(t, "INBOX") {
			flags = append(flags, m.Flags)
		}
	}
	n := 0
	for _, fs := range flags {
		for _, f := range fs {
			if strings.EqualFold(f, keyword) {
				n++
			}
		}
	}
	return n
}

// runPoison: a message whose handling panics arrives before a member's real vote.
// The vote is counted in the same cycle; the poison is tried on three cycles, then
// quarantined (flagged on the server) and the Secretariat told once; the bot goes
// on reading mail after it.
func runPoison(t *testing.T, servers mailServers) {
	cfg := servers.config(t)
	cfg.Digest.Weekday = "off"
	cfg.Limits.MaxAttempts = 3
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.Bot.Inject = func(m *mailread.Message) error {
		if strings.Contains(m.Subject, "POISON") {
			panic("a handler bug")
		}
		return nil
	}
	if err := demo.Seed(a.DB, cfg, now); err != nil {
		t.Fatal(err)
	}
	b, err := a.Bot.OpenBallot(now, gov.OpenRequest{Title: "Adopt the plan", Question: "Do you adopt the plan?", Electorate: gov.ElectorateMembers, CloseDate: time.Date(2027, 3, 15, 0, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	once := func() app.Summary {
		t.Helper()
		a.SetClock(func() time.Time { return now })
		s, err := a.Once(ctx)
		if err != nil {
			t.Fatalf("once: %v", err)
		}
		now = now.Add(time.Minute)
		return s
	}
	once()
	var form []byte
	for _, raw := range servers.sent(t, 16) {
		if m := parse(t, raw); m.Header.Get("X-Govbot-Kind") == "ballot_form" && strings.Contains(m.Header.Get("To"), "somchai@mwft.example") {
			form = raw
		}
	}
	if form == nil {
		t.Fatal("no form to somchai")
	}
	servers.deliver(t, demo.Message("x@evil.example", "", demo.BotAddress, "POISON", "boom", now), now)
	vote, err := demo.Reply(form, demo.ReplyOptions{From: "somchai@mwft.example", Body: "YES", Style: demo.Gmail, Date: now})
	if err != nil {
		t.Fatal(err)
	}
	servers.deliver(t, vote, now)
	once()
	a.DB.View(func(tx *store.Tx) error {
		if v, _ := tx.Vote(b.ID, "th-mwf"); v == nil || v.Choice != gov.Yes {
			t.Errorf("the vote behind the poison was not counted: %+v", v)
		}
		return nil
	})
	once()
	once()
	var qs []store.Quarantined
	a.DB.View(func(tx *store.Tx) error { qs, _ = tx.QuarantineList(); return nil })
	if len(qs) != 1 || qs[0].Subject != "POISON" || !strings.Contains(qs[0].Error, "a handler bug") {
		t.Fatalf("quarantine %+v", qs)
	}
	if n := flagCount(t, servers, "$GovbotQuarantined"); n != 1 {
		t.Errorf("%d messages flagged quarantined on the server, want 1", n)
	}
	// After the quarantine the bot reads on: a later message is handled.
	servers.deliver(t, demo.Message("x@evil.example", "", demo.BotAddress, "POISON again", "boom", now), now)
	notices := 0
	for _, raw := range servers.sent(t, 16+2) {
		if m := parse(t, raw); m.Header.Get("X-Govbot-Kind") == "quarantine_notice" {
			notices++
			if !strings.Contains(m.Header.Get("To"), demo.Secretariat) {
				t.Errorf("notice to %s", m.Header.Get("To"))
			}
		}
	}
	if notices != 1 {
		t.Errorf("%d quarantine notices, want 1", notices)
	}
	if s := once(); s.Handled != 0 {
		t.Errorf("a failing message counted as handled: %+v", s)
	}
	a.DB.View(func(tx *store.Tx) error {
		list, _ := tx.QuarantineList()
		if len(list) != 1 {
			t.Errorf("quarantine after a new poison's first attempt: %d", len(list))
		}
		return nil
	})
}
