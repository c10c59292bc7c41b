package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/mailtest"
	"github.com/mekongmigration/govbot/internal/store"
)

// mailServers is a pair of IMAP and SMTP servers the bot talks to.
type mailServers interface {
	config(t *testing.T) config.Config
	deliver(t *testing.T, raw []byte, at time.Time)
	sent(t *testing.T, n int) [][]byte // waits for at least n
	processedFlag(t *testing.T) int    // messages flagged as handled on the server
}

type memServers struct{ srv *devmail.Server }

func (m memServers) config(t *testing.T) config.Config { return demo.Config(m.srv, t.TempDir()) }
func (m memServers) deliver(t *testing.T, raw []byte, at time.Time) {
	t.Helper()
	if _, err := m.srv.Append("INBOX", raw, at); err != nil {
		t.Fatal(err)
	}
}
func (m memServers) sent(t *testing.T, n int) [][]byte {
	t.Helper()
	s, err := m.srv.WaitSent(n, 5*time.Second)
	if err != nil {
		t.Fatalf("waiting for %d mails: %v (have %d)", n, err, len(m.srv.Sent()))
	}
	var out [][]byte
	for _, x := range s {
		out = append(out, x.Raw)
	}
	return out
}
func (m memServers) processedFlag(t *testing.T) int {
	msgs, _, err := m.srv.Messages("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, msg := range msgs {
		for _, f := range msg.Flags {
			if strings.EqualFold(f, "$GovbotProcessed") {
				n++
			}
		}
	}
	return n
}

type realServers struct {
	imap *mailtest.Dovecot
	smtp *mailtest.SMTPSink
}

func (r realServers) config(t *testing.T) config.Config {
	cfg := config.Default()
	cfg.Bot.Address, cfg.Bot.Name = demo.BotAddress, "MMN govbot"
	cfg.Secretariat.Addresses = []string{demo.Secretariat}
	host, port := splitHostPort(t, r.imap.Addr)
	cfg.IMAP.Host, cfg.IMAP.Port, cfg.IMAP.Security = host, port, config.SecurityNone
	cfg.IMAP.Username, cfg.IMAP.InlinePassword = r.imap.User, config.Secret(r.imap.Password)
	host, port = splitHostPort(t, r.smtp.Addr)
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security = host, port, config.SecurityNone
	cfg.Store.Path = t.TempDir() + "/govbot.db"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}
func (r realServers) deliver(t *testing.T, raw []byte, at time.Time) {
	t.Helper()
	r.imap.Append(t, "INBOX", raw, at)
}
func (r realServers) sent(t *testing.T, n int) [][]byte { return r.smtp.Wait(t, n, 10*time.Second) }
func (r realServers) processedFlag(t *testing.T) int {
	n := 0
	for _, m := range r.imap.Messages(t, "INBOX") {
		for _, f := range m.Flags {
			if strings.EqualFold(f, "$GovbotProcessed") {
				n++
			}
		}
	}
	return n
}

func splitHostPort(t *testing.T, addr string) (string, int) {
	t.Helper()
	i := strings.LastIndexByte(addr, ':')
	var port int
	for _, c := range addr[i+1:] {
		port = port*10 + int(c-'0')
	}
	return addr[:i], port
}

func TestR_E_GeneralBallotEndToEnd_InProcess(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	runGeneralBallot(t, memServers{srv})
}

func TestR_E_GeneralBallotEndToEnd_DovecotAndSMTPSink(t *testing.T) {
	d := mailtest.StartDovecot(t)
	s := mailtest.StartSMTPSink(t)
	runGeneralBallot(t, realServers{imap: d, smtp: s})
}

// runGeneralBallot plays a ballot through servers: forms out, replies in (each
// client style, an ambiguous one, a stranger, an auto-reply), receipts and refusals
// out, a second cycle changes nothing, the deadline closes the ballot and the result
// goes to the SC and the members.
func runGeneralBallot(t *testing.T, servers mailServers) {
	cfg := servers.config(t)
	cfg.Digest.Weekday = "off" // counted mails below are the ballot's alone
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	ctx := context.Background()
	if err := demo.Seed(a.DB, cfg, now); err != nil {
		t.Fatal(err)
	}
	b, err := a.Bot.OpenBallot(now, gov.OpenRequest{Title: "Adopt the plan", Question: "Do you adopt the plan?", Electorate: gov.ElectorateMembers, CloseDate: time.Date(2027, 3, 15, 0, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	if b.ElectorateSize != 10 || b.QuorumBase != 10 {
		t.Fatalf("electorate %d, quorum base %d; want 10, 10 (11 regular members, one without voting rights)", b.ElectorateSize, b.QuorumBase)
	}
	once := func() app.Summary {
		t.Helper()
		a.SetClock(func() time.Time { return now })
		s, err := a.Once(ctx)
		if err != nil {
			t.Fatalf("once: %v", err)
		}
		return s
	}
	if s := once(); s.Sent != 16 {
		t.Fatalf("sent %d mails on opening, want 16 (15 forms to contacts and alternates, 1 notice)", s.Sent)
	}
	out := servers.sent(t, 16)
	forms := map[string][]byte{}
	for _, raw := range out {
		m := parse(t, raw)
		if m.Header.Get("X-Govbot-Kind") == "ballot_form" {
			forms[strings.ToLower(m.Header.Get("To"))] = raw
			if m.Header.Get("Auto-Submitted") != "auto-generated" {
				t.Errorf("form without Auto-Submitted: auto-generated")
			}
		}
	}
	if len(forms) != 15 {
		t.Fatalf("%d forms, want 15", len(forms))
	}

	now = now.Add(24 * time.Hour)
	reply := func(to, body string, style demo.Style, headers ...string) {
		t.Helper()
		form, ok := forms["<"+to+">"]
		if !ok {
			t.Fatalf("no form to %s", to)
		}
		raw, err := demo.Reply(form, demo.ReplyOptions{From: to, Body: body, Style: style, Date: now, Headers: headers})
		if err != nil {
			t.Fatal(err)
		}
		servers.deliver(t, raw, now)
		now = now.Add(time.Minute)
	}
	reply("somchai@mwft.example", "Yes, we support it.", demo.Gmail)
	reply("chea@clrc.example", "NO", demo.Outlook)
	reply("lan@cwdv.example", "Đồng ý", demo.AppleMail)
	reply("liwei@yhms.example", "yes or no?", demo.Gmail)                                     // ambiguous → refusal
	reply("sophea@wsmn.example", "Out of office", demo.Gmail, "Auto-Submitted: auto-replied") // never answered
	reply("dara@clrc.example", "abstain", demo.GmailThai)                                     // alternate replaces chea's NO
	servers.deliver(t, demo.Message("stranger@elsewhere.example", "S", demo.BotAddress, "vote", "YES", now), now)
	servers.deliver(t, demo.Message("stranger@elsewhere.example", "S", demo.BotAddress, "vote again", "YES!", now.Add(time.Second)), now)

	s := once()
	if s.Handled != 8 {
		t.Errorf("handled %d messages, want 8", s.Handled)
	}
	// 4 receipts + 1 ambiguous refusal + 1 stranger refusal (the second is over the day's limit).
	if s.Sent != 6 {
		t.Errorf("sent %d replies, want 6", s.Sent)
	}
	all := servers.sent(t, 22)
	kinds := map[string][]string{}
	for _, raw := range all[16:] {
		m := parse(t, raw)
		kinds[m.Header.Get("X-Govbot-Kind")] = append(kinds[m.Header.Get("X-Govbot-Kind")], strings.Trim(m.Header.Get("To"), "<>"))
		if m.Header.Get("Auto-Submitted") != "auto-replied" {
			t.Errorf("reply to %s without Auto-Submitted: auto-replied", m.Header.Get("To"))
		}
		if m.Header.Get("In-Reply-To") == "" {
			t.Errorf("reply to %s without In-Reply-To", m.Header.Get("To"))
		}
	}
	if got := len(kinds["vote_receipt"]); got != 4 {
		t.Errorf("receipts to %v, want 4", kinds["vote_receipt"])
	}
	if got := kinds["refusal"]; len(got) != 2 {
		t.Errorf("refusals to %v, want liwei and the stranger once", got)
	}
	for _, to := range append(kinds["vote_receipt"], kinds["refusal"]...) {
		if to == "sophea@wsmn.example" {
			t.Errorf("the auto-reply was answered")
		}
	}
	if n := servers.processedFlag(t); n != 8 {
		t.Errorf("%d messages flagged as processed on the server, want 8", n)
	}

	// A second cycle reads nothing new and sends nothing.
	if s := once(); s.Handled != 0 || s.Sent != 0 {
		t.Errorf("second cycle handled %d, sent %d; want 0, 0", s.Handled, s.Sent)
	}

	report := func() gov.ResultJSON {
		var r gov.ResultJSON
		a.DB.View(func(tx *store.Tx) error {
			bal, _, _ := tx.Ballot(b.ID)
			votes, _ := tx.Votes(b.ID)
			r = gov.Report(a.Bot.Env(tx), bal, votes)
			return nil
		})
		return r
	}
	if r := report(); r.Yes != 2 || r.No != 0 || r.Abstain != 1 || r.Outcome != gov.OutcomeOpen {
		t.Errorf("open tally %+v; want yes 2, no 0, abstain 1 (dara's ABSTAIN replaced chea's NO), open", r)
	}

	// The same raw message handled again (a restart that lost the IMAP position) changes nothing.
	again, err := demo.Reply(forms["<somchai@mwft.example>"], demo.ReplyOptions{From: "somchai@mwft.example", Body: "NO", Date: now, MessageID: "fixed@client.example"})
	if err != nil {
		t.Fatal(err)
	}
	r1, err := a.Bot.Handle(now, bot.Inbound{Raw: again})
	if err != nil || r1.Outcome != "vote:no" {
		t.Fatalf("first handling: %+v, %v", r1, err)
	}
	r2, err := a.Bot.Handle(now, bot.Inbound{Raw: again})
	if err != nil || r2.Outcome != "duplicate" {
		t.Fatalf("second handling: %+v, %v; want duplicate", r2, err)
	}
	if r := report(); r.Yes != 1 || r.No != 1 {
		t.Errorf("after somchai's change: %+v; want yes 1, no 1", r)
	}
	once() // send that receipt

	// The deadline passes.
	now = time.Date(2027, 3, 16, 0, 0, 1, 0, loc)
	s = once()
	r := report()
	if r.Outcome != gov.OutcomeNoQuorum || r.Returned != 3 || r.QuorumRequired != 6 || r.QuorumMet {
		t.Errorf("closed: %+v; want no_quorum with 3 returned of quorum 6", r)
	}
	// 1 SC result + one to each address of the 12 organisations (16 addresses).
	if s.Sent != 1+17 {
		t.Errorf("sent %d result mails, want 18", s.Sent)
	}
	results := servers.sent(t, 22+1+1+17)
	var scResult *mail.Message
	for _, raw := range results {
		m := parse(t, raw)
		switch m.Header.Get("X-Govbot-Kind") {
		case "ballot_result_sc":
			scResult = m
		case "ballot_result_members":
			// Counts only: no organisation's name, so nobody learns who voted what.
			rm, err := mailread.Read(bytes.NewReader(raw), mailread.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"Migrant Workers Foundation Thailand", "Cambodian Labour Rights Centre", "Centre for Worker Development Vietnam"} {
				if strings.Contains(rm.Text, name) {
					t.Errorf("result to %s names %s", m.Header.Get("To"), name)
				}
			}
		}
	}
	if scResult == nil {
		t.Fatal("no result mail to the SC")
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(scResult.Header.Get("Subject")); !strings.Contains(subj, "NO QUORUM") {
		t.Errorf("SC result subject %q, want NO QUORUM", scResult.Header.Get("Subject"))
	}
	js, _ := json.Marshal(r)
	for _, key := range []string{"id", "title", "electorate", "electorate_size", "quorum_required", "returned", "yes", "no", "abstain", "quorum_met", "outcome", "closes_at"} {
		if !bytes.Contains(js, []byte(`"`+key+`"`)) {
			t.Errorf("result JSON lacks %q", key)
		}
	}
}

func parse(t *testing.T, raw []byte) *mail.Message {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestIMAPChangesOfUIDValidityAndDisconnects: the server renumbers the mailbox and
// drops the connection; nothing is counted twice and nothing is lost.
func TestIMAPChangesOfUIDValidityAndDisconnects(t *testing.T) {
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := demo.Config(srv, t.TempDir())
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
	if _, err := a.Bot.OpenBallot(now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: now.AddDate(0, 0, 10)}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Once(ctx); err != nil {
		t.Fatal(err)
	}
	forms := map[string][]byte{}
	for _, s := range srv.Sent() {
		forms[s.To[0]] = s.Raw
	}
	vote := func(to, body string) {
		raw, err := demo.Reply(forms[to], demo.ReplyOptions{From: to, Body: body, Date: now})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := srv.Append("INBOX", raw, now); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Minute)
	}
	vote("somchai@mwft.example", "yes")
	vote("chea@clrc.example", "no")
	if s, err := a.Once(ctx); err != nil || s.Handled != 2 {
		t.Fatalf("first cycle: %+v %v", s, err)
	}
	sentBefore := len(srv.Sent())

	// The server renumbers the mailbox: every message gets a new UID.
	if _, err := srv.RecreateMailbox("INBOX"); err != nil {
		t.Fatal(err)
	}
	vote("lan@cwdv.example", "yes")
	_, err = a.Once(ctx)
	if err != nil {
		// The first attempt may meet the dropped connection; the next one reconnects.
		_, err = a.Once(ctx)
	}
	if err != nil {
		t.Fatalf("after UIDVALIDITY change: %v", err)
	}
	// Disconnect in the middle of things: the next cycle reconnects.
	srv.Disconnect()
	vote("thida@fmmg.example", "abstain")
	if _, err := a.Once(ctx); err != nil {
		if _, err := a.Once(ctx); err != nil {
			t.Fatalf("after a disconnect: %v", err)
		}
	}
	var votes []gov.Vote
	a.DB.View(func(tx *store.Tx) error { votes, _ = tx.Votes("B1"); return nil })
	if len(votes) != 4 {
		t.Errorf("%d votes, want 4 (2 before the renumbering, 2 after)", len(votes))
	}
	// Receipts: one for each new vote, none again for the two renumbered messages.
	if got := len(srv.Sent()) - sentBefore; got != 2 {
		t.Errorf("%d mails after the renumbering, want 2 receipts", got)
	}
}
