// Package demo plays a whole general ballot through govbot against in-process IMAP
// and SMTP servers: a sample network votes, as its members' mail clients would reply,
// and the ballot closes with its result. `govbot demo` runs it; the end-to-end tests
// reuse its sample network and reply builder.
package demo

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/roster"
	"github.com/mekongmigration/govbot/internal/store"
)

//go:embed network.csv
var networkCSV []byte

//go:embed sc.csv
var scCSV []byte

// BotAddress is the demo bot's address.
const BotAddress = "govbot@mmn.example"

// Secretariat is the demo Secretariat's address.
const Secretariat = "info@mmn.example"

// Config returns a configuration for servers srv and a store in dir.
func Config(srv *devmail.Server, dir string) config.Config {
	cfg := config.Default()
	host, port := splitAddr(srv.IMAPAddr)
	cfg.Bot.Address, cfg.Bot.Name = BotAddress, "MMN govbot"
	cfg.Secretariat.Addresses = []string{Secretariat}
	cfg.IMAP.Host, cfg.IMAP.Port, cfg.IMAP.Security = host, port, config.SecurityNone
	cfg.IMAP.Username, cfg.IMAP.InlinePassword = srv.User, config.Secret(srv.Password)
	host, port = splitAddr(srv.SMTPAddr)
	cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security = host, port, config.SecurityNone
	cfg.Store.Path = filepath.Join(dir, "govbot.db")
	cfg.Outbox.RetryMin = config.Duration(time.Second)
	return cfg
}

func splitAddr(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	var port int
	fmt.Sscan(addr[i+1:], &port)
	return addr[:i], port
}

// Seed imports the sample network and its Steering Committee into db.
func Seed(db *store.DB, cfg config.Config, now time.Time) error {
	orgs, err := roster.ParseOrgs(bytes.NewReader(networkCSV), cfg.CountryName, cfg.Location())
	if err != nil {
		return fmt.Errorf("sample roster: %w", err)
	}
	seats, err := roster.ParseSeats(bytes.NewReader(scCSV), orgs, cfg.CountryName, nil, cfg.Location())
	if err != nil {
		return fmt.Errorf("sample SC: %w", err)
	}
	return db.Update(now, func(tx *store.Tx) error {
		if _, _, err := tx.ImportOrgs(orgs); err != nil {
			return err
		}
		if err := tx.ReplaceSeats(seats); err != nil {
			return err
		}
		return tx.Audit("roster.import", "demo", "secretariat", fmt.Sprintf("%d organisations, %d seats", len(orgs), len(seats)))
	})
}

// Options configure Run.
type Options struct {
	// Keep leaves the servers and the bot running after the ballot, until ctx ends.
	Keep bool
	// Verbose prints every mail's whole text instead of its first lines.
	Verbose bool
	Logger  *slog.Logger
}

// Run plays the demo and writes what happens to out.
func Run(ctx context.Context, out io.Writer, o Options) error {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := devmail.Start(devmail.Options{BotAddress: BotAddress, Logger: o.Logger})
	if err != nil {
		return err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "govbot-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	cfg := Config(srv, dir)
	loc := cfg.Location()
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return now }, Logger: o.Logger})
	if err != nil {
		return err
	}
	defer a.Close()
	p := &printer{out: out, srv: srv, verbose: o.Verbose}
	at := func(t time.Time) { now = t; a.SetClock(func() time.Time { return now }) }
	cycle := func() error {
		if _, err := a.Once(ctx); err != nil {
			return err
		}
		p.newMail()
		return nil
	}

	p.say("govbot demo: a general ballot of the %s, played through in-process IMAP (%s) and SMTP (%s) servers.", cfg.Network.Name, srv.IMAPAddr, srv.SMTPAddr)
	p.say("Simulated time starts at %s (%s).", now.Format("Mon 2 Jan 2006 15:04"), loc)
	if err := Seed(a.DB, cfg, now); err != nil {
		return err
	}
	p.say("The Secretariat imports the roster (12 organisations in six countries; one has not re-confirmed for 2026 and has no vote) and the SC.")

	bal, err := a.Bot.OpenBallot(now, gov.OpenRequest{
		Title: "Adopt the 2027 regional work plan", Electorate: gov.ElectorateMembers,
		Question:  "Do you approve the 2027 regional work plan circulated by the Secretariat on 20 February?",
		CloseDate: time.Date(2027, 3, 15, 0, 0, 0, 0, loc),
	})
	if err != nil {
		return err
	}
	p.step("$ govbot ballot open --electorate members --title %q --closes 2027-03-15", bal.Title)
	p.say("%s: %d organisations may vote; quorum %d.", bal.ID, bal.ElectorateSize, bal.Rules.Threshold.HalfPlusOne(bal.QuorumBase))
	if err := cycle(); err != nil {
		return err
	}
	forms := formsByAddress(srv.Sent())

	p.step("Members reply from their own mail clients")
	at(time.Date(2027, 3, 2, 10, 15, 0, 0, loc))
	replies := []struct {
		to, name, body string
		style          Style
		headers        []string
	}{
		{"somchai@mwft.example", "Somchai K.", "YES\n\nWe support the plan.\nSomchai", Gmail, nil},
		{"chea@clrc.example", "Sok Chea", "No – the budget for Cambodia is too small.", Outlook, nil},
		{"lan@cwdv.example", "Nguyễn Thị Lan", "Đồng ý", AppleMail, nil},
		{"nittaya@mwft.example", "Nittaya S.", "เห็นด้วย ค่ะ", GmailThai, nil},
		{"liwei@yhms.example", "Li Wei", "Yes or no? We need to discuss.", Gmail, nil},
		{"sophea@wsmn.example", "Chan Sophea", "I am out of the office until 20 March.", Gmail, []string{"Auto-Submitted: auto-replied", "X-Autoreply: yes"}},
		{"thida@fmmg.example", "Ma Thida", "abstain", Gmail, nil},
	}
	for i, r := range replies {
		form, ok := forms[r.to]
		if !ok {
			return fmt.Errorf("no form was sent to %s", r.to)
		}
		raw, err := Reply(form, ReplyOptions{From: r.to, FromName: r.name, Body: r.body, Style: r.style, Date: now.Add(time.Duration(i) * time.Minute), Headers: r.headers})
		if err != nil {
			return err
		}
		p.inbound(raw)
		if _, err := srv.Append("INBOX", raw, now.Add(time.Duration(i)*time.Minute)); err != nil {
			return err
		}
	}
	stranger := Message("someone@freemail.example", "A Stranger", BotAddress, "Re: vote", "YES", now)
	p.inbound(stranger)
	if _, err := srv.Append("INBOX", stranger, now); err != nil {
		return err
	}
	at(now.Add(10 * time.Minute))
	if err := cycle(); err != nil {
		return err
	}

	p.step("Li Wei answers again, this time clearly")
	at(time.Date(2027, 3, 3, 8, 0, 0, 0, loc))
	raw, err := Reply(forms["liwei@yhms.example"], ReplyOptions{From: "liwei@yhms.example", FromName: "Li Wei", Body: "同意", Style: Gmail, Date: now})
	if err != nil {
		return err
	}
	p.inbound(raw)
	srv.Append("INBOX", raw, now)
	if err := cycle(); err != nil {
		return err
	}

	p.step("Seven days before the deadline the bot reminds those who have not answered")
	at(time.Date(2027, 3, 8, 9, 5, 0, 0, loc))
	if err := cycle(); err != nil {
		return err
	}

	p.step("Two more members answer the reminder")
	at(time.Date(2027, 3, 9, 14, 0, 0, 0, loc))
	for i, r := range []struct{ to, name, body string }{
		{"aungko@ymwa.example", "U Aung Ko", "ထောက်ခံ"},
		{"nawpaw@bsg.example", "Naw Paw", "I vote no, sorry."},
	} {
		raw, err := Reply(forms[r.to], ReplyOptions{From: r.to, FromName: r.name, Body: r.body, Style: Gmail, Date: now.Add(time.Duration(i) * time.Minute)})
		if err != nil {
			return err
		}
		p.inbound(raw)
		if _, err := srv.Append("INBOX", raw, now.Add(time.Duration(i)*time.Minute)); err != nil {
			return err
		}
	}
	at(now.Add(10 * time.Minute))
	if err := cycle(); err != nil {
		return err
	}

	p.step("The deadline passes: the ballot closes by itself")
	at(time.Date(2027, 3, 16, 0, 0, 30, 0, loc))
	if err := cycle(); err != nil {
		return err
	}

	p.step("A late reply arrives")
	at(time.Date(2027, 3, 16, 9, 30, 0, 0, loc))
	raw, err = Reply(forms["souksavanh@lcdc.example"], ReplyOptions{From: "souksavanh@lcdc.example", FromName: "Souksavanh P.", Body: "ເຫັນດີ", Style: Gmail, Date: now})
	if err != nil {
		return err
	}
	p.inbound(raw)
	srv.Append("INBOX", raw, now)
	if err := cycle(); err != nil {
		return err
	}

	var report gov.ResultJSON
	if err := a.DB.View(func(tx *store.Tx) error {
		b, _, err := tx.Ballot(bal.ID)
		if err != nil {
			return err
		}
		votes, err := tx.Votes(bal.ID)
		report = gov.Report(a.Bot.Env(tx), b, votes)
		return err
	}); err != nil {
		return err
	}
	p.step("Final tally of %s %q", report.ID, report.Title)
	fmt.Fprintf(out, "  YES %d   NO %d   ABSTAIN %d   returned %d of %d   quorum %d (%s)   outcome: %s\n",
		report.Yes, report.No, report.Abstain, report.Returned, report.ElectorateSize, report.QuorumRequired,
		map[bool]string{true: "met", false: "not met"}[report.QuorumMet], strings.ToUpper(strings.ReplaceAll(string(report.Outcome), "_", " ")))
	fmt.Fprintf(out, "  %d mails sent by the bot, %d messages read.\n", len(srv.Sent()), p.inCount)

	if o.Keep {
		fmt.Fprintf(out, "\nServers are still running (Ctrl-C to stop):\n  IMAP %s  user %q password %q (no TLS)\n  SMTP %s  (no AUTH needed; mail to %s lands in the bot's INBOX)\n  store %s\n",
			srv.IMAPAddr, srv.User, srv.Password, srv.SMTPAddr, BotAddress, cfg.Store.Path)
		a.SetClock(time.Now)
		return a.Run(ctx)
	}
	return nil
}

func formsByAddress(sent []devmail.Sent) map[string][]byte {
	out := map[string][]byte{}
	for _, s := range sent {
		if bytes.Contains(s.Raw, []byte("X-Govbot-Kind: ballot_form")) {
			for _, to := range s.To {
				out[strings.ToLower(to)] = s.Raw
			}
		}
	}
	return out
}

type printer struct {
	out     io.Writer
	srv     *devmail.Server
	seen    int
	inCount int
	verbose bool
}

func (p *printer) say(format string, args ...any) { fmt.Fprintf(p.out, format+"\n", args...) }

func (p *printer) step(format string, args ...any) {
	fmt.Fprintf(p.out, "\n== "+format+"\n", args...)
}

func (p *printer) inbound(raw []byte) {
	p.inCount++
	m, err := mailread.Read(bytes.NewReader(raw), mailread.Options{})
	if err != nil {
		return
	}
	first := strings.SplitN(strings.TrimSpace(m.Text), "\n", 2)[0]
	fmt.Fprintf(p.out, "  IN   %-28s %q\n", m.From.Email, first)
}

// newMail prints the mails the bot sent since the last call.
func (p *printer) newMail() {
	sent := p.srv.Sent()
	for _, s := range sent[p.seen:] {
		m, err := mailread.Read(bytes.NewReader(s.Raw), mailread.Options{})
		if err != nil {
			continue
		}
		kind := headerValue(s.Raw, "X-Govbot-Kind")
		to := strings.Join(s.To, ",")
		if len(s.To) > 1 {
			to = fmt.Sprintf("%s +%d", s.To[0], len(s.To)-1)
		}
		fmt.Fprintf(p.out, "  OUT  %-28s %-22s %s\n", to, kind, m.Subject)
		if p.verbose || kind == "vote_receipt" || kind == "refusal" || kind == "ballot_result_sc" {
			for _, l := range firstLines(m.Text, p.verbose) {
				fmt.Fprintf(p.out, "         | %s\n", l)
			}
		}
	}
	p.seen = len(sent)
}

func firstLines(text string, all bool) []string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if all {
		return lines
	}
	// Show the English text: the member's language comes first, English below it.
	for i, l := range lines {
		if strings.HasPrefix(l, "---- English") {
			lines = lines[i+1:]
			break
		}
	}
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "---- English") || strings.HasPrefix(l, "-- ") {
			break
		}
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
		if len(out) == 8 {
			break
		}
	}
	return out
}

func headerValue(raw []byte, name string) string {
	for _, l := range strings.Split(string(raw), "\n") {
		if l == "\r" || l == "" {
			break
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
