package bot_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
)

const authserv = "mx.mmn.example"

// world is a fixture with one matter of every kind: ballot B1, application A1 at
// the members' opinions, campaign R2027, contact change C1, General Conference G1,
// nomination N1, and a pending Secretariat challenge.
type world struct {
	*fixture
	secret []byte
}

func newWorld(t *testing.T) *world {
	t.Helper()
	f := newFixture(t)
	f.b.Countries = []string{"Burma/Myanmar", "Cambodia", "China", "Lao PDR", "Thailand", "Vietnam"}
	w := &world{fixture: f}
	err := f.db.Update(f.now, func(tx *store.Tx) error {
		w.secret = tx.Secret()
		return tx.ReplaceSeats([]gov.Seat{
			{Seat: "Thailand", OrgID: "a", Voting: true, TermStart: f.now.AddDate(-2, 0, 0), TermEnd: f.now.AddDate(0, 2, 0), ConsecutiveTerms: 1},
			{Seat: "Cambodia", OrgID: "b", Voting: true, TermStart: f.now.AddDate(-1, 0, 0), TermEnd: f.now.AddDate(1, 0, 0), ConsecutiveTerms: 1},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	// A1: a direct application, confirmed and declared complete at the command line.
	if res := f.handle(t, demo.Message("applicant@uni.example", "", "govbot@mmn.example", "Application", associateForm("applicant@uni.example"), f.now)); !strings.HasPrefix(res.Outcome, "case:A1") {
		t.Fatalf("application: %+v", res)
	}
	for _, action := range []string{"confirm", "complete"} {
		if _, err := f.b.CaseAction(f.now, "A1", action, "secretariat (cli)"); err != nil {
			t.Fatalf("case %s: %v", action, err)
		}
	}
	if _, err := f.b.OpenCampaign(f.now, 2027); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.OpenGC(f.now, f.now.AddDate(0, 2, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.Vacate(f.now, "Thailand", "term_end", "secretariat (cli)"); err != nil {
		t.Fatal(err)
	}
	// C1: member a asks to change its contact.
	if res := f.handle(t, demo.Message("a@a.example", "", "govbot@mmn.example", "our contact", "Contact: Nok <nok@a.example>", f.now)); !strings.HasPrefix(res.Outcome, "contact:pending:C1") {
		t.Fatalf("contact change: %+v", res)
	}
	return w
}

func associateForm(email string) string {
	return "Associate membership application (individual)\n\nName: Somsri Jaidee\nEmail: " + email + "\nCountry: Thailand\nExpertise: labour law\n\n[x] I accept the MMN Terms of Partnership\n"
}

// token is id's reference for owner (an organisation's id, "secretariat" or "applicant").
func (w *world) token(id, owner string) string { return gov.Token(w.secret, id, owner) }

// msg is a message from from with the given subject and body and, when ar is not
// empty, the receiving server's Authentication-Results.
func (w *world) msg(from, subject, body, ar string) []byte {
	w.now = w.now.Add(time.Minute)
	var h []string
	if ar != "" {
		h = append(h, "Authentication-Results: "+authserv+"; "+ar)
	}
	return demo.Message(from, "", "govbot@mmn.example", subject, body, w.now, h...)
}

// gateCase is one route of the handler table: a genuine message and the addresses
// that may not send it.
type gateCase struct {
	route   [2]string // kind, role: as bot.Routes lists them
	from    string
	subject func(w *world) string
	body    string
	// want is the genuine message's outcome prefix.
	want string
	// forgers are other senders, each to be refused.
	forgers []string
}

var gateCases = []gateCase{
	{route: [2]string{"ballot", "member"}, from: "a@a.example", subject: func(w *world) string { return "Re: [" + w.token("B1", "a") + "]" }, body: "YES", want: "vote:yes",
		forgers: []string{"b@b.example", "c@c.example", "x@evil.example", "info@mmn.example"}},
	{route: [2]string{"case", "member"}, from: "b@b.example", subject: func(w *world) string { return "Re: [" + w.token("A1", "b") + "]" }, body: "SUPPORT – we know their work well.", want: "opinion:",
		forgers: []string{"a@a.example", "x@evil.example", "info@mmn.example", "applicant@uni.example"}},
	{route: [2]string{"case", "applicant"}, from: "applicant@uni.example", subject: func(w *world) string { return "Re: [" + w.token("A1", "applicant") + "]" }, body: "Here is a comment on our application.", want: "case:A1",
		forgers: []string{"x@evil.example", "a@a.example", "info@mmn.example"}},
	{route: [2]string{"case", "secretariat"}, from: "info@mmn.example", subject: func(w *world) string { return "Re: [" + w.token("A1", "secretariat") + "]" }, body: "WITHDRAW", want: "challenge:",
		forgers: []string{"x@evil.example", "a@a.example", "applicant@uni.example"}},
	{route: [2]string{"reconfirm", "member"}, from: "a@a.example", subject: func(w *world) string { return "Re: [" + w.token("R2027", "a") + "]" }, body: "RECONFIRM\nAnnual income: 90000", want: "reconfirm:a",
		forgers: []string{"b@b.example", "x@evil.example", "info@mmn.example"}},
	{route: [2]string{"change", "member"}, from: "a@a.example", subject: func(w *world) string { return "Re: [" + w.token("C1", "a") + "]" }, body: "CONFIRM", want: "contact:applied:C1",
		forgers: []string{"b@b.example", "x@evil.example"}},
	{route: [2]string{"meeting", "member"}, from: "a@a.example", subject: func(w *world) string { return "Re: [" + w.token("G1", "a") + "]" }, body: "ATTEND", want: "attend:G1",
		forgers: []string{"b@b.example", "x@evil.example", "info@mmn.example"}},
	{route: [2]string{"nomination", "member"}, from: "a@a.example", subject: func(w *world) string { return "Re: [" + w.token("N1", "a") + "]" }, body: "We recommend a", want: "recommend:",
		forgers: []string{"b@b.example", "x@evil.example", "info@mmn.example"}},
	{route: [2]string{"nomination", "secretariat"}, from: "info@mmn.example", subject: func(w *world) string { return "Re: [" + w.token("N1", "secretariat") + "]" }, body: "NOMINATE a", want: "challenge:",
		forgers: []string{"x@evil.example", "a@a.example"}},
	{route: [2]string{"challenge", "secretariat"}, from: "info@mmn.example", subject: func(w *world) string { return "Re: [" + w.challengeToken() + "]" }, body: "CONFIRM", want: "confirmed:",
		forgers: []string{"x@evil.example", "a@a.example"}},
	{route: [2]string{"query", "secretariat"}, from: "info@mmn.example", subject: func(*world) string { return "help" }, body: "HELP", want: "help",
		forgers: []string{"x@evil.example"}},
	{route: [2]string{"query", "member"}, from: "b@b.example", subject: func(*world) string { return "status" }, body: "STATUS", want: "status",
		forgers: []string{"x@evil.example"}},
	{route: [2]string{"none", "secretariat"}, from: "info@mmn.example", subject: func(*world) string { return "payments" }, body: "PAID b 2027 USD 15", want: "challenge:"},
	{route: [2]string{"none", "member"}, from: "b@b.example", subject: func(*world) string { return "our alternate" }, body: "Alternate: Dara <dara@b.example>", want: "contact:pending:"},
	{route: [2]string{"none", "stranger"}, from: "new@ngo.example", subject: func(*world) string { return "Application" }, body: associateForm("new@ngo.example"), want: "case:"},
}

// challengeToken is the token of a pending Secretariat challenge, made for the
// occasion: the Secretariat records a payment by mail.
func (w *world) challengeToken() string {
	res, err := w.b.Handle(w.now, bot.Inbound{Raw: w.msg("info@mmn.example", "payments", "PAID a 2027 USD 15", "dmarc=pass header.from=mmn.example")})
	if err != nil || !strings.HasPrefix(res.Outcome, "challenge:") {
		panic(fmt.Sprintf("no challenge: %+v %v", res, err))
	}
	return w.token(strings.TrimPrefix(res.Outcome, "challenge:"), "secretariat")
}

// TestGateRefusesForgedSendersOnEveryRoute proves, for every line of the handler
// table, that the genuine sender is heard, and that a forged one is refused with
// the reason: the wrong address; the right address when the receiving server says
// DMARC or DKIM failed (standard policy); the right address without a DMARC or
// DKIM pass (strict policy). A route without a case here fails the test, so a new
// procedure cannot miss the proof.
func TestGateRefusesForgedSendersOnEveryRoute(t *testing.T) {
	covered := map[[2]string]bool{}
	for _, c := range gateCases {
		covered[c.route] = true
	}
	for _, r := range bot.Routes() {
		if !covered[r] {
			t.Errorf("route %v has no case in gateCases", r)
		}
	}
	domain := func(addr string) string { _, d, _ := strings.Cut(addr, "@"); return d }
	for _, c := range gateCases {
		t.Run(c.route[0]+"/"+c.route[1], func(t *testing.T) {
			check := func(name string, policy trust.Policy, from, ar, want string) {
				t.Helper()
				w := newWorld(t)
				w.b.Trust = trust.Config{Policy: policy, AuthservID: authserv}
				subject := c.subject(w)
				res, err := w.b.Handle(w.now, bot.Inbound{Raw: w.msg(from, subject, c.body, ar)})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !strings.HasPrefix(res.Outcome, want) {
					t.Errorf("%s: outcome %q, want %q", name, res.Outcome, want)
					return
				}
				if strings.HasPrefix(want, "refused:") {
					// The refusal says why: in the audit log, and in the reply.
					var detail string
					w.db.View(func(tx *store.Tx) error {
						log, _ := tx.AuditLog()
						for _, e := range log {
							if e.Action == "reply.refuse" {
								detail = e.Detail
							}
						}
						return nil
					})
					if len(strings.TrimPrefix(detail, strings.TrimPrefix(res.Outcome, "refused:")+":")) < 10 {
						t.Errorf("%s: refused without a reason: %q", name, detail)
					}
				}
			}
			check("genuine", trust.Standard, c.from, "", c.want)
			check("genuine, strict, DMARC pass", trust.Strict, c.from, "dmarc=pass header.from="+domain(c.from), c.want)
			check("DMARC fail, standard", trust.Standard, c.from, "dmarc=fail header.from="+domain(c.from), "refused:dmarc_fail")
			check("DKIM fail, standard", trust.Standard, c.from, "dkim=fail header.d="+domain(c.from), "refused:dkim_fail")
			check("no pass, strict", trust.Strict, c.from, "", "refused:unauthenticated")
			check("DKIM fail, strict", trust.Strict, c.from, "dkim=fail header.d="+domain(c.from), "refused:")
			for _, forger := range c.forgers {
				check("forged by "+forger, trust.Standard, forger, "", "refused:")
			}
		})
	}
}

// dsn is a delivery status notification about messageID for recipients.
func dsn(id, messageID string, recipients ...string) []byte {
	var b strings.Builder
	b.WriteString("From: MAILER-DAEMON@mx.example\r\nTo: govbot@mmn.example\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <" + id + "@mx.example>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n" +
		"--B\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n")
	for _, r := range recipients {
		b.WriteString("Final-Recipient: rfc822; " + r + "\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown\r\n\r\n")
	}
	b.WriteString("--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + messageID + ">\r\nSubject: x\r\n\r\n--B--\r\n")
	return []byte(b.String())
}

// A bounce counts only when it names a mail the bot sent and a recipient of that
// mail; an address is marked bouncing only after BouncesBeforeMarking permanent
// failures; one DSN, however many recipients it names, makes at most one mail.
func TestForgedBouncesMarkNothingAndMailNobody(t *testing.T) {
	f := newFixture(t)
	f.b.Limits.BouncesBeforeMarking = 2
	var form store.OutMail
	f.db.Update(f.now, func(tx *store.Tx) error {
		p, _ := tx.Pending()
		for _, m := range p {
			if m.To[0] == "a@a.example" && m.Kind == "ballot_form" {
				form = m
				tx.MarkSent(m, f.now)
			}
		}
		return nil
	})
	pendingFailures := func() int {
		n := 0
		f.db.View(func(tx *store.Tx) error {
			p, _ := tx.Pending()
			for _, m := range p {
				if m.Kind == "delivery_failure" {
					n++
				}
			}
			return nil
		})
		return n
	}
	bouncing := func(org string) []string {
		var out []string
		f.db.View(func(tx *store.Tx) error { o, _, _ := tx.Org(org); out = o.Bouncing; return nil })
		return out
	}
	// Forged: about a mail the bot never sent.
	f.handle(t, dsn("f1", "made-up@mmn.example", "a@a.example"))
	// Forged: about a real mail, naming a recipient it did not go to, and 2,000 more.
	many := []string{"b@b.example"}
	for i := 0; i < 2000; i++ {
		many = append(many, fmt.Sprintf("victim%d@else.example", i))
	}
	f.handle(t, dsn("f2", form.MessageID, many...))
	if got := bouncing("b"); len(got) != 0 {
		t.Errorf("a forged DSN marked b bouncing: %v", got)
	}
	if n := pendingFailures(); n != 0 {
		t.Errorf("forged DSNs queued %d mails", n)
	}
	// Genuine: the first permanent failure is counted, the second marks the address.
	f.handle(t, dsn("g1", form.MessageID, "a@a.example"))
	if got := bouncing("a"); len(got) != 0 {
		t.Errorf("one failure marked a bouncing: %v", got)
	}
	f.handle(t, dsn("g2", form.MessageID, "a@a.example"))
	if got := bouncing("a"); len(got) != 1 {
		t.Errorf("two failures: bouncing %v", got)
	}
	if n := pendingFailures(); n != 2 {
		t.Errorf("%d summaries for two genuine DSNs, want 2", n)
	}
}

// Once an application is announced to the members, the applicant's later mail adds
// documents and comments only: a new form does not rewrite it. The Secretariat may
// change it, and the SC is told.
func TestAnnouncedCaseChangesOnlyThroughTheSecretariat(t *testing.T) {
	w := newWorld(t)
	w.b.SecretariatAuth = "dmarc"
	w.b.Trust = trust.Config{Policy: trust.Standard, AuthservID: authserv}
	name := func() string {
		var a gov.Application
		w.db.View(func(tx *store.Tx) error { a, _, _ = tx.Case("A1"); return nil })
		return a.Name
	}
	before := name()
	rewrite := strings.Replace(associateForm("applicant@uni.example"), "Somsri Jaidee", "Someone Else Entirely", 1)
	res := w.handle(t, w.msg("applicant@uni.example", "Re: ["+w.token("A1", "applicant")+"]", rewrite, ""))
	if !strings.HasPrefix(res.Outcome, "case:A1") || name() != before {
		t.Fatalf("the applicant rewrote its announced case: %+v, name %q", res, name())
	}
	var receipt string
	w.db.View(func(tx *store.Tx) error {
		p, _ := tx.Pending()
		for _, m := range p {
			if m.Kind == "application_update" && m.To[0] == "applicant@uni.example" {
				receipt = m.Text
			}
		}
		return nil
	})
	if !strings.Contains(receipt, "NOT applied") {
		t.Errorf("the applicant is not told its changes were not applied:\n%s", receipt)
	}
	res = w.handle(t, w.msg("info@mmn.example", "Re: ["+w.token("A1", "secretariat")+"]", "Corrected name:\n\n"+rewrite, "dmarc=pass header.from=mmn.example"))
	if name() != "Someone Else Entirely" {
		t.Fatalf("the Secretariat's change was not applied: %+v, name %q", res, name())
	}
	told := false
	w.db.View(func(tx *store.Tx) error {
		p, _ := tx.Pending()
		for _, m := range p {
			if m.Kind == "application_update" && slices.Contains(m.To, "b@b.example") && strings.Contains(m.Text, "Someone Else Entirely") {
				told = true
			}
		}
		return nil
	})
	if !told {
		t.Error("the SC was not told of the change")
	}
}

// A contact change to an address another organisation holds is a refusal with the
// reason, never a failed transaction (which would block the inbox).
func TestContactChangeToAnotherOrgsAddressIsRefused(t *testing.T) {
	w := newWorld(t)
	res := w.handle(t, w.msg("a@a.example", "contact", "Contact: Bee <b@b.example>", ""))
	if res.Outcome != "refused:address_in_use" {
		t.Errorf("request: %+v", res)
	}
	// C1 (to nok@a.example) is pending; meanwhile b takes that address.
	w.db.Update(w.now, func(tx *store.Tx) error {
		o, _, _ := tx.Org("b")
		o.Alternate = gov.Person{Email: "nok@a.example"}
		return tx.PutOrg(o)
	})
	res = w.handle(t, w.msg("a@a.example", "Re: ["+w.token("C1", "a")+"]", "CONFIRM", ""))
	if res.Outcome != "refused:address_in_use" {
		t.Errorf("confirmation: %+v", res)
	}
}

// A captured YES sent again later, with a new Message-ID but its own Date, cannot
// replace the member's later NO; nor can a message dated before the ballot opened
// answer it.
func TestR_E_ReplayedOlderVoteIsRefused(t *testing.T) {
	f := newFixture(t)
	yes := f.reply("a@a.example", "a@a.example", "YES")
	f.now = f.now.Add(time.Hour)
	no := f.reply("a@a.example", "a@a.example", "NO")
	if res := f.handle(t, no); res.Outcome != "vote:no" {
		t.Fatalf("no: %+v", res)
	}
	replayed := []byte(strings.Replace(string(yes), "Message-ID: <", "Message-ID: <replayed.", 1))
	if res := f.handle(t, replayed); res.Outcome != "refused:replay" {
		t.Errorf("replayed older YES: %+v", res)
	}
	old := demo.Message("a@a.example", "", "govbot@mmn.example", "Re: "+f.forms["a@a.example"].Subject, "YES", f.now.AddDate(0, -1, 0))
	if res := f.handle(t, old); res.Outcome != "refused:replay" {
		t.Errorf("dated before the ballot: %+v", res)
	}
	f.db.View(func(tx *store.Tx) error {
		if v, _ := tx.Vote("B1", "a"); v == nil || v.Choice != gov.No {
			t.Errorf("vote now %+v, want NO", v)
		}
		return nil
	})
}

// A challenge is single-use and expires; CANCEL drops the command.
func TestSecretariatChallengeIsSingleUseAndExpires(t *testing.T) {
	w := newWorld(t)
	paid := func() int {
		var n int
		w.db.View(func(tx *store.Tx) error { o, _, _ := tx.Org("b"); n = len(o.Payments); return nil })
		return n
	}
	challenge := func() string {
		res := w.handle(t, w.msg("info@mmn.example", "payments", "PAID b 2027 USD 15", ""))
		if !strings.HasPrefix(res.Outcome, "challenge:") {
			t.Fatalf("no challenge: %+v", res)
		}
		return w.token(strings.TrimPrefix(res.Outcome, "challenge:"), "secretariat")
	}
	tok := challenge()
	if res := w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"]", "CONFIRM", "")); !strings.HasPrefix(res.Outcome, "confirmed:") || paid() != 1 {
		t.Fatalf("confirm: %+v, payments %d", res, paid())
	}
	if res := w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"] again", "CONFIRM", "")); res.Outcome != "refused:challenge_used" || paid() != 1 {
		t.Errorf("second use: %+v, payments %d", res, paid())
	}
	tok = challenge()
	if res := w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"]", "CANCEL", "")); !strings.HasPrefix(res.Outcome, "cancelled:") || paid() != 1 {
		t.Errorf("cancel: %+v, payments %d", res, paid())
	}
	tok = challenge()
	w.now = w.now.Add(73 * time.Hour)
	if res := w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"]", "CONFIRM", "")); res.Outcome != "refused:challenge_expired" || paid() != 1 {
		t.Errorf("expired: %+v, payments %d", res, paid())
	}
}
