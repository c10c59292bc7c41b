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
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/store"
)

func TestForgedMailRefusedUnderStrictPolicy_InProcess(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	runForged(t, memServers{srv})
}

func TestForgedMailRefusedUnderStrictPolicy_DovecotAndSMTPSink(t *testing.T) {
	runForged(t, realServers{imap: mailtest.StartDovecot(t), smtp: mailtest.StartSMTPSink(t)})
}

// runForged: under trust.policy strict, with the receiving server's
// Authentication-Results, forged Secretariat and member mail is refused with the
// reason (the Secretariat's PAID, a member's vote, a stranger answering the
// Secretariat's challenge), while the genuine versions work: the member's vote
// counts, and the Secretariat's PAID takes effect once its challenge is confirmed.
func runForged(t *testing.T, servers mailServers) {
	const mx = "mx.mmn.example"
	cfg := servers.config(t)
	cfg.Digest.Weekday = "off"
	cfg.Trust.Policy, cfg.Trust.AuthservID = "strict", mx
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := demo.Seed(a.DB, cfg, now); err != nil {
		t.Fatal(err)
	}
	b, err := a.Bot.OpenBallot(now, gov.OpenRequest{Title: "Adopt the plan", Question: "Do you adopt the plan?", Electorate: gov.ElectorateMembers, CloseDate: time.Date(2027, 3, 15, 0, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	once := func() {
		t.Helper()
		a.SetClock(func() time.Time { return now })
		if _, err := a.Once(ctx); err != nil {
			t.Fatalf("once: %v", err)
		}
		now = now.Add(time.Minute)
	}
	ar := func(result, domain string) string {
		return "Authentication-Results: " + mx + "; dmarc=" + result + " header.from=" + domain
	}
	once()
	var form []byte
	for _, raw := range servers.sent(t, 16) {
		if m := parse(t, raw); m.Header.Get("X-Govbot-Kind") == "ballot_form" && strings.Contains(m.Header.Get("To"), "somchai@mwft.example") {
			form = raw
		}
	}
	vote := func(body string, headers ...string) {
		t.Helper()
		raw, err := demo.Reply(form, demo.ReplyOptions{From: "somchai@mwft.example", Body: body, Style: demo.Gmail, Date: now, Headers: headers})
		if err != nil {
			t.Fatal(err)
		}
		servers.deliver(t, raw, now)
		now = now.Add(time.Second)
	}
	secretariat := demo.Secretariat
	_, secDomain, _ := strings.Cut(secretariat, "@")
	vote("YES", ar("fail", "mwft.example")) // forged: DMARC fails
	vote("YES")                             // no authentication results: strict refuses
	servers.deliver(t, demo.Message(secretariat, "", demo.BotAddress, "payments", "PAID th-mwf 2027 USD 15", now, ar("fail", secDomain)), now)
	once()
	refusals := func() map[string]int {
		out := map[string]int{}
		a.DB.View(func(tx *store.Tx) error {
			log, _ := tx.AuditLog()
			for _, e := range log {
				if e.Action == "reply.refuse" {
					code, _, _ := strings.Cut(e.Detail, ":")
					out[code]++
				}
			}
			return nil
		})
		return out
	}
	if r := refusals(); r["dmarc_fail"] != 2 || r["unauthenticated"] != 1 {
		t.Errorf("refusals %v, want dmarc_fail 2 (a member's vote, the Secretariat's PAID) and unauthenticated 1", r)
	}
	paid := func() int {
		var n int
		a.DB.View(func(tx *store.Tx) error { o, _, _ := tx.Org("th-mwf"); n = len(o.Payments); return nil })
		return n
	}
	voted := func() *gov.Vote {
		var v *gov.Vote
		a.DB.View(func(tx *store.Tx) error { v, _ = tx.Vote(b.ID, "th-mwf"); return nil })
		return v
	}
	if paid() != 0 || voted() != nil {
		t.Fatalf("forged mail acted: payments %d, vote %+v", paid(), voted())
	}

	// The genuine versions.
	vote("NO", ar("pass", "mwft.example"))
	servers.deliver(t, demo.Message(secretariat, "", demo.BotAddress, "payments", "PAID th-mwf 2027 USD 15", now, ar("pass", secDomain)), now)
	once()
	if v := voted(); v == nil || v.Choice != gov.No {
		t.Errorf("the genuine vote was not counted: %+v", v)
	}
	if paid() != 0 {
		t.Fatal("the Secretariat's PAID acted before its challenge was confirmed")
	}
	var challenge []byte
	for _, raw := range servers.sent(t, 16+3+1) {
		if m := parse(t, raw); m.Header.Get("X-Govbot-Kind") == "secretariat_challenge" {
			challenge = raw
		}
	}
	if challenge == nil {
		t.Fatal("no challenge mailed to the Secretariat")
	}
	// A stranger who saw the challenge cannot confirm it; the Secretariat can.
	forged, err := demo.Reply(challenge, demo.ReplyOptions{From: "x@evil.example", Body: "CONFIRM", Date: now, Headers: []string{ar("pass", "evil.example")}})
	if err != nil {
		t.Fatal(err)
	}
	servers.deliver(t, forged, now)
	once()
	if paid() != 0 {
		t.Fatal("a stranger confirmed the Secretariat's challenge")
	}
	confirm, err := demo.Reply(challenge, demo.ReplyOptions{From: secretariat, Body: "CONFIRM", Date: now, Headers: []string{ar("pass", secDomain)}})
	if err != nil {
		t.Fatal(err)
	}
	servers.deliver(t, confirm, now)
	once()
	if paid() != 1 {
		t.Errorf("the confirmed PAID was not recorded (payments %d)", paid())
	}
	if r := refusals(); r["not_on_roster"]+r["wrong_sender"] < 1 {
		t.Errorf("the stranger's confirmation was not refused with a reason: %v", r)
	}
}
