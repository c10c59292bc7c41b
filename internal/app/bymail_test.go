package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
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

func TestR_F_SecretariatByMail_InProcess(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	runByMail(t, memServers{srv})
}

func TestR_F_SecretariatByMail_DovecotAndSMTPSink(t *testing.T) {
	runByMail(t, realServers{imap: mailtest.StartDovecot(t), smtp: mailtest.StartSMTPSink(t)})
}

// runByMail: the Secretariat opens a three-option ballot by mail and confirms it;
// members answer in four languages by number, by text and ambiguously; STATUS and
// ROSTER work by mail; a forged copy of each command is refused; at the deadline
// the result goes out with per-option counts.
func runByMail(t *testing.T, servers mailServers) {
	const mx = "mx.mmn.example"
	cfg := servers.config(t)
	cfg.Digest.Weekday = "off"
	cfg.Trust.AuthservID = mx
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
	ctx := context.Background()
	seen := 0
	// cycle runs one cycle and returns the mails sent in it, parsed.
	type sent struct {
		kind, to, subject string
		raw               []byte
	}
	cycle := func() []sent {
		t.Helper()
		a.SetClock(func() time.Time { return now })
		s, err := a.Once(ctx)
		if err != nil {
			t.Fatalf("once: %v", err)
		}
		now = now.Add(time.Minute)
		var out []sent
		if s.Sent > 0 {
			all := servers.sent(t, seen+s.Sent)
			for _, raw := range all[seen:] {
				m := parse(t, raw)
				out = append(out, sent{m.Header.Get("X-Govbot-Kind"), strings.Trim(m.Header.Get("To"), "<>"), m.Header.Get("Subject"), raw})
			}
			seen = len(all)
		}
		return out
	}
	find := func(ms []sent, kind, to string) *sent {
		for i := range ms {
			if ms[i].kind == kind && (to == "" || strings.EqualFold(ms[i].to, to)) {
				return &ms[i]
			}
		}
		return nil
	}
	sec := demo.Secretariat
	_, secDomain, _ := strings.Cut(sec, "@")
	pass := "Authentication-Results: " + mx + "; dmarc=pass header.from=" + secDomain
	fail := "Authentication-Results: " + mx + "; dmarc=fail header.from=" + secDomain
	deliver := func(raw []byte) { servers.deliver(t, raw, now); now = now.Add(time.Second) }
	confirm := func(out []sent) []sent {
		t.Helper()
		ch := find(out, "secretariat_challenge", sec)
		if ch == nil {
			t.Fatalf("no challenge: %v", out)
		}
		raw, err := demo.Reply(ch.raw, demo.ReplyOptions{From: sec, Body: "CONFIRM", Date: now, Headers: []string{pass}})
		if err != nil {
			t.Fatal(err)
		}
		deliver(raw)
		return cycle()
	}
	cycle()

	// Forged copies of each command (the Secretariat's From, DMARC failing) and a
	// stranger's: all refused, nothing opened.
	ballot := "BALLOT\nTitle: Venue of the 2027 General Conference\nQuestion: Where shall the General Conference meet?\nOption: Bangkok\nOption: Phnom Penh\nOption: Vientiane\nRule: plurality\nElectorate: members\nCloses: 2027-03-15"
	csv := "id,name,kind,country,contact_email,language\nth-new,New Thai Network,regular,Thailand,new@tnn.example,th\n"
	roster := func(from string, headers ...string) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: roster\r\nDate: %s\r\nMessage-ID: <roster.%d@client.example>\r\n", from, demo.BotAddress, now.Format(time.RFC1123Z), now.UnixNano())
		for _, h := range headers {
			b.WriteString(h + "\r\n")
		}
		b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nROSTER\r\n--X\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=roster.csv\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte(csv)) + "\r\n--X--\r\n")
		return []byte(b.String())
	}
	deliver(demo.Message(sec, "", demo.BotAddress, "ballot", ballot, now, fail))
	deliver(demo.Message(sec, "", demo.BotAddress, "status", "STATUS", now, fail))
	deliver(roster(sec, fail))
	deliver(demo.Message("x@evil.example", "", demo.BotAddress, "ballot", ballot, now))
	out := cycle()
	if c := find(out, "secretariat_challenge", ""); c != nil {
		t.Fatalf("a forged command got a challenge: %+v", c)
	}
	refusals := 0
	for _, m := range out {
		if m.kind == "refusal" {
			refusals++
		}
	}
	if refusals != 4 {
		t.Errorf("%d refusals to 4 forged commands: %v", refusals, out)
	}

	// The genuine BALLOT: a challenge with the form's preview; CONFIRM opens it.
	deliver(demo.Message(sec, "", demo.BotAddress, "ballot", ballot, now, pass))
	out = cycle()
	if ch := find(out, "secretariat_challenge", sec); ch == nil || !strings.Contains(textOf(t, ch.raw), "Where shall the General Conference meet?") || !strings.Contains(textOf(t, ch.raw), "Phnom Penh") {
		t.Fatalf("no preview of the form in the challenge")
	}
	out = confirm(out)
	forms := map[string][]byte{}
	for _, m := range out {
		if m.kind == "ballot_form" {
			forms[m.to] = m.raw
		}
	}
	if len(forms) < 10 {
		t.Fatalf("%d forms after the confirmation", len(forms))
	}
	var b gov.Ballot
	a.DB.View(func(tx *store.Tx) error { b, _, _ = tx.Ballot("B1"); return nil })
	if len(b.Options) != 3 || b.Rule != gov.OptionPlurality {
		t.Fatalf("ballot %+v", b)
	}

	// Members answer in four languages: by number, by text, ambiguously.
	answers := map[string]string{
		"somchai@mwft.example":    "๒",                    // Thai digit two
		"chea@clrc.example":       "Phnom Penh",           // Khmer member, by text
		"lan@cwdv.example":        "Phương án 3",          // Vietnamese
		"liwei@yhms.example":      "第二",                   // Chinese
		"khinmar@ymwa.example":    "Bangkok or Vientiane", // ambiguous: asked again
		"souksavanh@lcdc.example": "2",
		"thida@fmmg.example":      "We prefer Vientiane.\n\nBest regards,\nThida",
		"nawpaw@bsg.example":      "Option 2",
	}
	for to, body := range answers {
		raw, err := demo.Reply(forms[to], demo.ReplyOptions{From: to, Body: body, Style: demo.Gmail, Date: now, Headers: []string{"Authentication-Results: " + mx + "; dmarc=pass header.from=" + strings.SplitN(to, "@", 2)[1]}})
		if err != nil {
			t.Fatal(err)
		}
		deliver(raw)
	}
	// STATUS and ROSTER by mail.
	deliver(demo.Message(sec, "", demo.BotAddress, "status", "STATUS B1", now, pass))
	deliver(roster(sec, pass))
	out = cycle()
	if m := find(out, "refusal", "khinmar@ymwa.example"); m == nil {
		t.Errorf("the ambiguous answer was not refused: %v", out)
	}
	if find(out, "command_reply", sec) == nil {
		t.Error("no answer to STATUS B1")
	}
	out = confirm(out)
	a.DB.View(func(tx *store.Tx) error {
		if _, ok, _ := tx.Org("th-new"); !ok {
			t.Error("ROSTER by mail did not import")
		}
		votes, _ := tx.Votes("B1")
		got := map[string]gov.Choice{}
		for _, v := range votes {
			got[v.OrgID] = v.Choice
		}
		want := map[string]gov.Choice{"th-mwf": "option2", "kh-lrc": "option2", "vn-cwd": "option3", "cn-yhs": "option2", "la-cdc": "option2", "mm-fed": "option3", "th-bsg": "option2"}
		for org, c := range want {
			if got[org] != c {
				t.Errorf("%s voted %q, want %q", org, got[org], c)
			}
		}
		if _, ok := got["mm-ywca"]; ok {
			t.Errorf("the ambiguous answer was recorded: %q", got["mm-ywca"])
		}
		return nil
	})

	// At the deadline: the result with per-option counts.
	now = time.Date(2027, 3, 16, 0, 5, 0, 0, loc)
	out = cycle()
	a.DB.View(func(tx *store.Tx) error { b, _, _ = tx.Ballot("B1"); return nil })
	if b.Tally == nil || b.Tally.Outcome != gov.OutcomeChosen || b.Tally.Winner != 2 || len(b.Tally.Options) != 3 || b.Tally.Options[1] != 5 || b.Tally.Options[2] != 2 {
		t.Errorf("tally %+v", b.Tally)
	}
	if find(out, "ballot_result_members", "") == nil || find(out, "ballot_result_sc", "") == nil {
		t.Errorf("no result mails: %v", out)
	}
}

// textOf is the text part of a raw mail, decoded.
func textOf(t *testing.T, raw []byte) string {
	t.Helper()
	m, err := mailread.Read(bytes.NewReader(raw), mailread.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m.Text
}
