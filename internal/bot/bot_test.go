package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
	"github.com/mekongmigration/govbot/templates"
)

var loc, _ = time.LoadLocation("Asia/Bangkok")

type fixture struct {
	b     *bot.Bot
	db    *store.DB
	now   time.Time
	forms map[string]store.OutMail // by address
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db, err := store.Open(t.TempDir()+"/g.db", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r, err := render.New(templates.FS, render.Options{Location: loc, Marker: answer.Marker})
	if err != nil {
		t.Fatal(err)
	}
	b := bot.New(bot.Options{DB: db, Renderer: r, Rules: gov.DefaultRules(), Location: loc, Address: "govbot@mmn.example", Name: "bot", Secretariat: []string{"info@mmn.example"}, ReminderDays: []int{7, 2, 1}, ReminderHour: 9})
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, loc)
	f := &fixture{b: b, db: db, now: now, forms: map[string]store.OutMail{}}
	org := func(id, kind, country, email string) gov.Org {
		return gov.Org{ID: id, Name: id, Kind: gov.OrgKind(kind), Country: country, Contact: gov.Person{Email: email}, Language: "en", ReconfirmedThrough: 2026}
	}
	err = db.Update(now, func(tx *store.Tx) error {
		_, _, err := tx.ImportOrgs([]gov.Org{
			org("a", "regular", "Thailand", "a@a.example"),
			org("b", "regular", "Cambodia", "b@b.example"),
			org("c", "associate", "Thailand", "c@c.example"),
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.OpenBallot(now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: time.Date(2027, 3, 15, 0, 0, 0, 0, loc)}); err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *store.Tx) error {
		pending, _ := tx.Pending()
		for _, m := range pending {
			if m.Kind == "ballot_form" {
				f.forms[m.To[0]] = m
			}
		}
		return nil
	})
	return f
}

// reply is a member's reply to the form sent to formTo, sent from from.
func (f *fixture) reply(formTo, from, body string, headers ...string) []byte {
	form := f.forms[formTo]
	h := append([]string{"In-Reply-To: <" + form.MessageID + ">", "References: <" + form.MessageID + ">"}, headers...)
	return demo.Message(from, "", "govbot@mmn.example", "Re: "+form.Subject, body+"\n\n> "+strings.ReplaceAll(form.Text, "\n", "\n> "), f.now, h...)
}

func (f *fixture) handle(t testing.TB, raw []byte) bot.Result {
	t.Helper()
	f.now = f.now.Add(time.Minute)
	res, err := f.b.Handle(f.now, bot.Inbound{Raw: raw, Received: f.now})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestR_E_RepliesAndRefusals(t *testing.T) {
	tests := []struct {
		name        string
		raw         func(f *fixture) []byte
		wantOutcome string
		wantReply   bool
	}{
		{"vote", func(f *fixture) []byte { return f.reply("a@a.example", "a@a.example", "yes") }, "vote:yes", true},
		{"another org's form", func(f *fixture) []byte { return f.reply("a@a.example", "b@b.example", "no") }, "refused:wrong_sender", true},
		{"associate with a member's form", func(f *fixture) []byte { return f.reply("a@a.example", "c@c.example", "yes") }, "refused:associate", true},
		{"stranger with a form", func(f *fixture) []byte { return f.reply("a@a.example", "x@evil.example", "yes") }, "refused:not_on_roster", true},
		{"no reference", func(f *fixture) []byte {
			return demo.Message("a@a.example", "", "govbot@mmn.example", "my vote", "YES", f.now)
		}, "refused:no_reference", true},
		{"ambiguous", func(f *fixture) []byte { return f.reply("a@a.example", "a@a.example", "yes and no") }, "refused:ambiguous", true},
		{"empty reply above the quoted form", func(f *fixture) []byte { return f.reply("a@a.example", "a@a.example", "") }, "refused:no_answer", true},
		{"Auto-Submitted", func(f *fixture) []byte {
			return f.reply("a@a.example", "a@a.example", "I am away", "Auto-Submitted: auto-replied")
		}, "ignored:", false},
		{"Precedence bulk", func(f *fixture) []byte { return f.reply("a@a.example", "a@a.example", "yes", "Precedence: bulk") }, "ignored:", false},
		{"X-Autoreply", func(f *fixture) []byte { return f.reply("a@a.example", "a@a.example", "away", "X-Autoreply: yes") }, "ignored:", false},
		{"mailer-daemon", func(f *fixture) []byte {
			return demo.Message("mailer-daemon@mx.example", "Mail Delivery System", "govbot@mmn.example", "Undelivered Mail Returned to Sender", "could not deliver", f.now)
		}, "ignored:", false},
		{"the bot's own mail", func(f *fixture) []byte {
			return demo.Message("govbot@mmn.example", "", "govbot@mmn.example", "loop", "yes", f.now)
		}, "ignored:own", false},
		{"unreadable", func(f *fixture) []byte {
			return []byte("From: a@a.example\r\nTo: govbot@mmn.example\r\nSubject: vote\r\nMessage-ID: <u1@a.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 vote.txt\r\n#66]U\r\n`\r\nend\r\n")
		}, "refused:unreadable", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			res := f.handle(t, tt.raw(f))
			if !strings.HasPrefix(res.Outcome, tt.wantOutcome) {
				t.Errorf("outcome %q, want %q", res.Outcome, tt.wantOutcome)
			}
			if res.Replied != tt.wantReply {
				t.Errorf("replied %v, want %v", res.Replied, tt.wantReply)
			}
		})
	}
}

func TestUnreadableMessageIsKept(t *testing.T) {
	f := newFixture(t)
	raw := []byte("From: a@a.example\r\nSubject: x\r\nMessage-ID: <u2@a.example>\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: x-unknown\r\n\r\n???\r\n")
	if res := f.handle(t, raw); res.Outcome != "refused:unreadable" {
		t.Fatalf("outcome %q", res.Outcome)
	}
	f.db.View(func(tx *store.Tx) error {
		if got := tx.Raw("u2@a.example"); string(got) != string(raw) {
			t.Errorf("raw message not kept: %q", got)
		}
		return nil
	})
}

// TestUnreadableRefusalNamesNoLibraryError: what the reader found wrong (here
// the base64 decoder's own words) goes to the audit log; the refusal mailed to
// the sender gives a fixed reason.
func TestUnreadableRefusalNamesNoLibraryError(t *testing.T) {
	f := newFixture(t)
	raw := []byte("From: a@a.example\r\nSubject: x\r\nMessage-ID: <u3@a.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n")
	if res := f.handle(t, raw); res.Outcome != "refused:unreadable" || !res.Replied {
		t.Fatalf("outcome %q, replied %v; want refused:unreadable, replied", res.Outcome, res.Replied)
	}
	const libText = "illegal base64 data"
	f.db.View(func(tx *store.Tx) error {
		p, _ := tx.Pending()
		refusals := 0
		for _, m := range p {
			if m.Kind != "refusal" {
				continue
			}
			refusals++
			if strings.Contains(m.Text, libText) || strings.Contains(m.HTML, libText) || !strings.Contains(m.Text, "we could not read your message") {
				t.Errorf("refusal text %q: want the fixed reason and no %q", m.Text, libText)
			}
		}
		if refusals != 1 {
			t.Errorf("got %d refusals queued, want 1", refusals)
		}
		log, _ := tx.AuditLog()
		found := false
		for _, e := range log {
			if e.Action == "mail.unreadable" && strings.Contains(e.Detail, libText) {
				found = true
			}
			if e.Action == "reply.refuse" && strings.Contains(e.Detail, libText) {
				t.Errorf("reply.refuse detail %q names the library error", e.Detail)
			}
		}
		if !found {
			t.Errorf("no mail.unreadable audit entry naming the reader's problem; log %v", log)
		}
		return nil
	})
}

func TestRefusalsAreLimitedPerAddressPerDay(t *testing.T) {
	f := newFixture(t)
	replied := 0
	for i := 0; i < 3; i++ {
		raw := demo.Message("x@evil.example", "", "govbot@mmn.example", "spam", "YES", f.now.Add(time.Duration(i)*time.Second))
		if f.handle(t, raw).Replied {
			replied++
		}
	}
	if replied != 1 {
		t.Errorf("a stranger got %d refusals in a day, want 1", replied)
	}
	member := 0
	for i := 0; i < 5; i++ {
		raw := demo.Message("a@a.example", "", "govbot@mmn.example", "hello", "hello "+string(rune('a'+i)), f.now.Add(time.Duration(i)*time.Second))
		if f.handle(t, raw).Replied {
			member++
		}
	}
	if member != 3 {
		t.Errorf("a member got %d refusals in a day, want the limit 3", member)
	}
	// The next day the count starts again.
	f.now = f.now.Add(24 * time.Hour)
	if !f.handle(t, demo.Message("x@evil.example", "", "govbot@mmn.example", "spam", "YES", f.now.Add(time.Hour))).Replied {
		t.Errorf("no refusal on the next day")
	}
}

func TestReplayedContentUnderANewMessageIDIsRefused(t *testing.T) {
	f := newFixture(t)
	raw := f.reply("a@a.example", "a@a.example", "yes")
	if res := f.handle(t, raw); res.Outcome != "vote:yes" {
		t.Fatalf("first: %q", res.Outcome)
	}
	if res := f.handle(t, raw); res.Outcome != "duplicate" {
		t.Errorf("same Message-ID: %q, want duplicate", res.Outcome)
	}
	replayed := strings.Replace(string(raw), "Message-ID: <", "Message-ID: <replay.", 1)
	if res := f.handle(t, []byte(replayed)); res.Outcome != "refused:replay" {
		t.Errorf("same content, new Message-ID: %q, want refused:replay", res.Outcome)
	}
}

func TestR_E_LatestAnswerCountsFromEitherAddress(t *testing.T) {
	f := newFixture(t)
	f.handle(t, f.reply("a@a.example", "a@a.example", "yes"))
	res := f.handle(t, f.reply("a@a.example", "A@A.example", "Abstain"))
	if res.Outcome != "vote:abstain" {
		t.Fatalf("%q", res.Outcome)
	}
	f.db.View(func(tx *store.Tx) error {
		votes, _ := tx.Votes("B1")
		if len(votes) != 1 || votes[0].Choice != gov.Abstain || votes[0].Changes != 1 {
			t.Errorf("votes %+v; want one ABSTAIN that replaced one answer", votes)
		}
		return nil
	})
}

func TestR_6_4_LateReplyRefusedWithTheDeadline(t *testing.T) {
	f := newFixture(t)
	f.now = time.Date(2027, 3, 15, 23, 58, 0, 0, loc)
	if res := f.handle(t, f.reply("a@a.example", "a@a.example", "yes")); res.Outcome != "vote:yes" {
		t.Errorf("at 23:59 on the last day: %q", res.Outcome)
	}
	f.now = time.Date(2027, 3, 15, 23, 59, 30, 0, loc)
	if res := f.handle(t, f.reply("b@b.example", "b@b.example", "yes")); res.Outcome != "refused:late" {
		t.Errorf("at 00:00:30 the next day: %q", res.Outcome)
	}
}

func TestRunDueRemindsOnlyThoseWhoHaveNotAnswered(t *testing.T) {
	f := newFixture(t)
	f.handle(t, f.reply("a@a.example", "a@a.example", "yes"))
	at := time.Date(2027, 3, 8, 9, 0, 0, 0, loc) // 7 days before the 15th
	if err := f.b.RunDue(at.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	count := func() (reminders map[string]int) {
		reminders = map[string]int{}
		f.db.View(func(tx *store.Tx) error {
			p, _ := tx.Pending()
			for _, m := range p {
				if m.Kind == "ballot_reminder" {
					reminders[m.To[0]]++
				}
			}
			return nil
		})
		return
	}
	if n := len(count()); n != 0 {
		t.Fatalf("%d reminders before 09:00", n)
	}
	f.b.RunDue(at)
	f.b.RunDue(at.Add(time.Hour)) // not twice
	got := count()
	if len(got) != 1 || got["b@b.example"] != 1 {
		t.Errorf("reminders %v; want one, to b only", got)
	}
	// The deadline closes it.
	if err := f.b.RunDue(time.Date(2027, 3, 16, 0, 0, 0, 0, loc)); err != nil {
		t.Fatal(err)
	}
	f.db.View(func(tx *store.Tx) error {
		b, _, _ := tx.Ballot("B1")
		if !b.Closed || b.Tally.Outcome != gov.OutcomeNoQuorum {
			t.Errorf("after the deadline: closed %v, %+v; want closed with no quorum (1 of 2)", b.Closed, b.Tally)
		}
		return nil
	})
}

func TestTrustRefusesAReplyThatFailsDMARC(t *testing.T) {
	f := newFixture(t)
	f.b.Trust = trust.Config{Policy: trust.Standard, AuthservID: "mx.mmn.example"}
	forged := f.reply("a@a.example", "a@a.example", "yes",
		"Authentication-Results: mx.mmn.example; dmarc=fail header.from=a.example; dkim=none")
	if res := f.handle(t, forged); res.Outcome != "refused:dmarc_fail" || !res.Replied {
		t.Errorf("forged: %+v", res)
	}
	// Another server's header saying pass changes nothing; our server's pass is fine.
	ok := f.reply("a@a.example", "a@a.example", "no",
		"Authentication-Results: mx.mmn.example; dmarc=pass header.from=a.example",
		"Authentication-Results: evil.example; dmarc=fail header.from=a.example")
	if res := f.handle(t, ok); res.Outcome != "vote:no" {
		t.Errorf("authenticated: %+v", res)
	}
}

func TestBounceMarksTheAddressAndTellsTheSecretariat(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.BouncesBeforeMarking = 1
	// The org "a" gets an alternate, and its form to the contact is sent.
	var form store.OutMail
	f.db.Update(f.now, func(tx *store.Tx) error {
		o, _, _ := tx.Org("a")
		o.Alternate = gov.Person{Email: "alt@a.example"}
		tx.PutOrg(o)
		p, _ := tx.Pending()
		for _, m := range p {
			if m.To[0] == "a@a.example" && m.Kind == "ballot_form" {
				form = m
				tx.MarkSent(m, f.now)
			}
		}
		return nil
	})
	dsn := "From: MAILER-DAEMON@mx.a.example\r\nTo: govbot@mmn.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn1@mx.a.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.a.example\r\n\r\n" +
		"Final-Recipient: rfc822; a@a.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n" +
		"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + form.MessageID + ">\r\nSubject: " + form.Subject + "\r\n\r\n--B--\r\n"
	res := f.handle(t, []byte(dsn))
	if res.Outcome != "ignored:bounce" {
		t.Fatalf("outcome %q", res.Outcome)
	}
	f.db.View(func(tx *store.Tx) error {
		o, _, _ := tx.Org("a")
		if len(o.Bouncing) != 1 || o.Bouncing[0] != "a@a.example" {
			t.Errorf("bouncing %v", o.Bouncing)
		}
		if got := o.MailAddresses(); len(got) != 1 || got[0] != "alt@a.example" {
			t.Errorf("mail goes to %v, want the alternate only", got)
		}
		p, _ := tx.Pending()
		told := false
		for _, m := range p {
			if m.Kind == "delivery_failure" && m.To[0] == "info@mmn.example" && strings.Contains(m.Text, "a@a.example") && strings.Contains(m.Text, "5.1.1") {
				told = true
			}
			if m.Kind == "refusal" || m.Kind == "vote_receipt" {
				t.Errorf("the bounce was answered")
			}
		}
		if !told {
			t.Errorf("the Secretariat was not told")
		}
		return nil
	})
}

func TestOversizedMailAndTooManyAttachmentsAreRefused(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.MaxMessageBytes = 2000
	big := f.reply("a@a.example", "a@a.example", "yes "+strings.Repeat("x", 3000))
	res, err := f.b.Handle(f.now, bot.Inbound{Raw: big[:2001], Truncated: true, Received: f.now})
	if err != nil || res.Outcome != "refused:too_large" || !res.Replied {
		t.Errorf("truncated: %+v %v", res, err)
	}
	f.b.Limits.MaxMessageBytes = 1 << 20
	f.b.Limits.MaxAttachments = 1
	var b strings.Builder
	b.WriteString("From: a@a.example\r\nTo: govbot@mmn.example\r\nSubject: docs\r\nMessage-ID: <att@a.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\nyes\r\n")
	for i := 0; i < 2; i++ {
		b.WriteString("--X\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=f" + string(rune('0'+i)) + ".pdf\r\n\r\n%PDF\r\n")
	}
	b.WriteString("--X--\r\n")
	if res := f.handle(t, []byte(b.String())); res.Outcome != "refused:too_many_attachments" {
		t.Errorf("attachments: %+v", res)
	}
}
