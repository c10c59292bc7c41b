package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
)

// scenario runs the bot on in-process servers with a clock the test moves.
type scenario struct {
	t    *testing.T
	srv  *devmail.Server
	a    *app.App
	now  time.Time
	loc  *time.Location
	seen int
	sent []sentMail // every mail the bot sent, parsed
	n    int
	// manualChallenges: the test answers the Secretariat's challenges itself.
	manualChallenges bool
}

type sentMail struct {
	To      []string
	Kind    string
	Subject string
	Text    string
	Raw     []byte
}

func newScenario(t *testing.T, configure ...func(*config.Config)) *scenario {
	t.Helper()
	srv, err := devmail.Start(devmail.Options{BotAddress: demo.BotAddress})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cfg := demo.Config(srv, t.TempDir())
	cfg.Digest.Weekday = "off"
	// These tests are not about the time budget (its own tests use a fake clock):
	// a loaded CI machine must not make a 25 MB message run out of time.
	cfg.Limits.MessageTimeBudget = config.Duration(10 * time.Minute)
	for _, f := range configure {
		f(&cfg)
	}
	s := &scenario{t: t, srv: srv, loc: cfg.Location()}
	s.now = time.Date(2027, 1, 4, 9, 0, 0, 0, s.loc)
	a, err := app.Open(cfg, app.Options{Clock: func() time.Time { return s.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s.a = a
	if err := demo.Seed(a.DB, cfg, s.now); err != nil {
		t.Fatal(err)
	}
	return s
}

// at moves the clock and runs one cycle; it returns the mails sent in it.
func (s *scenario) at(t time.Time) []sentMail {
	s.t.Helper()
	s.now = t
	s.a.SetClock(func() time.Time { return s.now })
	if _, err := s.a.Once(context.Background()); err != nil {
		s.t.Fatalf("once at %s: %v", t, err)
	}
	all := s.srv.Sent()
	var out []sentMail
	for _, m := range all[s.seen:] {
		r, err := mailread.Read(bytes.NewReader(m.Raw), mailread.Options{})
		if err != nil {
			s.t.Fatal(err)
		}
		out = append(out, sentMail{To: m.To, Kind: r.Header["X-Govbot-Kind"][0], Subject: r.Subject, Text: r.Text, Raw: m.Raw})
		// What people read must be right: no mail has a labelled line with
		// nothing after it ("State:", "Reference:").
		for _, l := range render.EmptyLabels(r.Subject + "\n\n" + r.Text) {
			s.t.Errorf("%s to %v: a labelled line without its value: %q", r.Header["X-Govbot-Kind"][0], m.To, l)
		}
	}
	s.seen = len(all)
	s.sent = append(s.sent, out...)
	// The Secretariat confirms each command it sent by mail (secretariat.auth:
	// challenge), as its officers do; the gate's own tests check the challenge.
	for _, m := range out {
		if m.Kind != "secretariat_challenge" || s.manualChallenges {
			continue
		}
		raw, err := demo.Reply(m.Raw, demo.ReplyOptions{From: m.To[0], Body: "CONFIRM", Date: s.now})
		if err != nil {
			s.t.Fatal(err)
		}
		s.deliver(raw)
		return append(out, s.at(s.now.Add(time.Minute))...)
	}
	return out
}

func (s *scenario) after(d time.Duration) []sentMail { return s.at(s.now.Add(d)) }

// deliver puts a message in the bot's mailbox.
func (s *scenario) deliver(raw []byte) {
	s.t.Helper()
	if _, err := s.srv.Append("INBOX", raw, s.now); err != nil {
		s.t.Fatal(err)
	}
}

type attachment struct{ name, ctype, body string }

// mime builds a message with a text body and attachments.
func (s *scenario) mime(from, subject, text string, extra []string, atts ...attachment) []byte {
	s.n++
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <m%d.%d@client.example>\r\n", from, demo.BotAddress, subject, s.now.Format(time.RFC1123Z), s.n, s.now.UnixNano())
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(strings.ReplaceAll(text, "\n", "\r\n") + "\r\n")
	for _, a := range atts {
		fmt.Fprintf(&b, "--XX\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", a.ctype, a.name, base64.StdEncoding.EncodeToString([]byte(a.body)))
	}
	b.WriteString("--XX--\r\n")
	return []byte(b.String())
}

var threeDocuments = []attachment{
	{"Constitution-MYC.pdf", "application/pdf", "%PDF constitution"},
	{"Annual report 2025.pdf", "application/pdf", "%PDF annual report"},
	{"Endorsement letter CWD.pdf", "application/pdf", "%PDF endorsement"},
}

func regularForm(name, country, contact, endorser string) string {
	return `Application for Regular Membership

We agree to the above basic framework principles and Terms of Partnership of MMN, commit to respect, adhere to and promote these principles.

Name of organization: ` + name + `
Chairperson or chief officer: Tran Thi Hoa
Designated contact person for MMN: Le Van An
Email (contact person): ` + contact + `
Alternate contact person: Pham Thu
Email (alternate contact person): alt.` + contact + `
Country: ` + country + `
Annual income (USD): 12,000
Endorsed by: ` + endorser + `
`
}

// forward is the Secretariat forwarding an applicant's mail inline, as Gmail does.
func (s *scenario) forward(form string, atts ...attachment) {
	text := "Please process this application.\n\n---------- Forwarded message ---------\nFrom: Le Van An <an@myc.example>\nDate: Mon, 4 Jan 2027 at 08:00\nSubject: Membership application\nTo: <info@mmn.example>\n\n" + form
	s.deliver(s.mime(demo.Secretariat, "Fwd: Membership application", text, nil, atts...))
}

func kinds(ms []sentMail) map[string]int {
	out := map[string]int{}
	for _, m := range ms {
		out[m.Kind]++
	}
	return out
}

func find(ms []sentMail, kind, to string) *sentMail {
	for i := range ms {
		if ms[i].Kind == kind && (to == "" || strings.EqualFold(ms[i].To[0], to)) {
			return &ms[i]
		}
	}
	return nil
}

func (s *scenario) caseState(id string) gov.Application {
	var a gov.Application
	s.a.DB.View(func(tx *store.Tx) error { a, _, _ = tx.Case(id); return nil })
	return a
}

// reply answers the mail of kind sent to addr, from addr.
func (s *scenario) reply(kind, addr, body string) {
	s.t.Helper()
	m := find(s.sent, kind, addr)
	if m == nil {
		s.t.Fatalf("no %s was sent to %s", kind, addr)
	}
	raw, err := demo.Reply(m.Raw, demo.ReplyOptions{From: addr, Body: body, Date: s.now})
	if err != nil {
		s.t.Fatal(err)
	}
	s.deliver(raw)
}

// scVotes has the SC seat holders answer the SC's ballot.
func (s *scenario) scVotes(votes map[string]string) {
	s.t.Helper()
	for addr, v := range votes {
		s.reply("ballot_form", addr, v)
	}
}

var scContacts = []string{"khinmar@ymwa.example", "chea@clrc.example", "liwei@yhms.example", "souksavanh@lcdc.example", "somchai@mwft.example", "lan@cwdv.example"}

// TestR_6_4_CompleteApplicationAccepted: a complete application from Vietnam,
// forwarded by the Secretariat with its documents, goes to the members, gets
// opinions, is voted on by the SC and joins the roster.
func TestR_6_4_CompleteApplicationAccepted(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Viet Nam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	out := s.after(time.Minute)
	k := kinds(out)
	if k["application_receipt"] != 1 || k["application_letter"] != 1 || k["case_opened_sc"] != 1 || k["case_notice"] != 17 {
		t.Fatalf("on intake: %v; want a receipt, the letter, the SC notice and 17 notices (every address on the roster)", k)
	}
	a := s.caseState("A1")
	if a.State != gov.CaseOpinions || a.Country != "Vietnam" || a.EndorsedFromAbroad || len(a.Documents) != 3 {
		t.Fatalf("case %+v", a)
	}
	s.a.DB.ViewAt(s.now, func(tx *store.Tx) error {
		d, err := s.a.Bot.Digest(tx)
		if err != nil || len(d.Cases) != 1 || d.Cases[0].Case.ID != "A1" || d.Cases[0].Next != "members' opinions" {
			t.Errorf("digest: %+v %v", d.Cases, err)
		}
		return nil
	})
	letter := find(out, "application_letter", "an@myc.example")
	if !strings.Contains(letter.Text, "within six months") || !strings.Contains(letter.Text, "4 July 2027") {
		t.Errorf("letter to the applicant:\n%s", letter.Text)
	}
	s.reply("case_notice", "somchai@mwft.example", "SUPPORT\nThey have worked with us for years.")
	s.reply("case_notice", "thida@fmmg.example", "comment: please ask about their funding")
	out = s.after(time.Hour)
	if k := kinds(out); k["opinion_receipt"] != 2 || k["opinion_to_sc"] != 2 {
		t.Errorf("after two opinions: %v", k)
	}
	// The opinion window closes after one month: the SC votes.
	out = s.at(time.Date(2027, 2, 5, 0, 5, 0, 0, s.loc))
	if k := kinds(out); k["case_sc_papers"] != 1 || k["ballot_form"] != 11 {
		t.Fatalf("when the window closes: %v; want the papers and forms to the 6 SC organisations (11 addresses)", k)
	}
	s.scVotes(map[string]string{scContacts[0]: "yes", scContacts[1]: "yes", scContacts[2]: "yes", scContacts[3]: "no"})
	s.after(time.Hour)
	out = s.at(time.Date(2027, 2, 20, 0, 5, 0, 0, s.loc))
	k = kinds(out)
	if k["application_outcome"] != 1 || k["case_outcome_sc"] != 1 || k["case_outcome_members"] != 17 {
		t.Fatalf("on the SC's decision: %v", k)
	}
	if a := s.caseState("A1"); a.State != gov.CaseAccepted || a.OrgID == "" {
		t.Fatalf("case after the vote: %s %q", a.State, a.OrgID)
	}
	s.a.DB.View(func(tx *store.Tx) error {
		o, ok, _ := tx.OrgByAddress("an@myc.example")
		if !ok || o.Kind != gov.Regular || o.Country != "Vietnam" || o.Joined.IsZero() || o.AnnualIncomeUSD != 12000 {
			t.Errorf("new member %+v (found %v)", o, ok)
		}
		return nil
	})
	checkConfidential(t, s)
}

// TestR_6_1_IncompleteApplicationCompletedLater: a missing annual report is listed;
// the Secretariat's reply with it completes the case.
func TestR_6_1_IncompleteApplicationCompletedLater(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments[0], threeDocuments[2])
	out := s.after(time.Minute)
	missing := find(out, "application_missing", demo.Secretariat)
	if missing == nil || !strings.Contains(strings.ToLower(missing.Text), "annual report") || find(out, "application_missing", "an@myc.example") == nil {
		t.Fatalf("missing list not sent to the Secretariat and the applicant: %v", kinds(out))
	}
	if kinds(out)["case_notice"] != 0 {
		t.Fatalf("notices went out for an incomplete application")
	}
	if a := s.caseState("A1"); a.State != gov.CaseIncomplete || len(a.Missing) != 1 {
		t.Fatalf("case %s, missing %v", a.State, a.Missing)
	}
	// The Secretariat replies to the missing-documents mail with the report.
	m := find(out, "application_missing", demo.Secretariat)
	s.deliver(s.mime(demo.Secretariat, "Re: "+m.Subject, "Here is the report.", nil, threeDocuments[1]))
	out = s.after(time.Minute)
	if k := kinds(out); k["case_notice"] != 17 || k["application_letter"] != 1 || k["application_update"] != 1 {
		t.Fatalf("after the report: %v", k)
	}
}

// TestR_6_3_EndorsementFromAnotherCountry is accepted and flagged to the SC.
func TestR_6_3_EndorsementFromAnotherCountry(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Phnom Penh Migrant Aid", "Cambodia", "an@ppma.example", "Migrant Workers Foundation Thailand"), threeDocuments...)
	out := s.after(time.Minute)
	a := s.caseState("A1")
	if a.State != gov.CaseOpinions || !a.EndorsedFromAbroad {
		t.Fatalf("state %s, flagged %v", a.State, a.EndorsedFromAbroad)
	}
	sc := find(out, "case_opened_sc", "")
	if sc == nil || !strings.Contains(sc.Text, "another GMS country") {
		t.Errorf("the SC was not told of the endorsement from abroad")
	}
}

// TestR_6_4_ObjectionWithoutReasonsThenWithReasons: a bare OBJECT is not counted and
// the sender is asked for reasons; with reasons it counts, the SC gets it in full and
// every member is told only that there has been an objection.
func TestR_6_4_ObjectionWithoutReasonsThenWithReasons(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	s.after(time.Minute)
	s.reply("case_notice", "chea@clrc.example", "OBJECT")
	out := s.after(time.Hour)
	if k := kinds(out); k["opinion_needs_reasons"] != 1 || k["objection_notice"] != 0 || k["opinion_to_sc"] != 0 {
		t.Fatalf("bare objection: %v", k)
	}
	if a := s.caseState("A1"); a.Objections != 0 {
		t.Fatalf("a bare objection was counted")
	}
	s.reply("case_notice", "chea@clrc.example", "OBJECT\nThe Centre for Youth has no programme for migrants and its board overlaps with a recruitment agency.")
	out = s.after(time.Hour)
	k := kinds(out)
	if k["opinion_to_sc"] != 1 || k["objection_notice"] != 17 || k["opinion_receipt"] != 1 {
		t.Fatalf("objection with reasons: %v", k)
	}
	if a := s.caseState("A1"); a.Objections != 1 {
		t.Fatalf("objections %d", a.Objections)
	}
	// A second objection: counted, but no second notice.
	s.reply("case_notice", "minh@cwdv.example", "We object: the applicant's address is the office of a labour broker, which we have verified.")
	out = s.after(time.Hour)
	if k := kinds(out); k["objection_notice"] != 0 || k["opinion_to_sc"] != 1 {
		t.Errorf("second objection: %v", k)
	}
	if a := s.caseState("A1"); a.Objections != 2 {
		t.Errorf("objections %d", a.Objections)
	}
	// The SC's papers list the objections first and mark the case under investigation.
	out = s.at(time.Date(2027, 2, 5, 0, 5, 0, 0, s.loc))
	papers := find(out, "case_sc_papers", "")
	if papers == nil || !strings.Contains(papers.Subject, "UNDER INVESTIGATION") || !strings.Contains(papers.Text, "OBJECTIONS (2)") {
		t.Fatalf("papers: %v", kinds(out))
	}
	if strings.Index(papers.Text, "OBJECTIONS") > strings.Index(papers.Text, "OTHER OPINIONS") {
		t.Errorf("objections are not first in the papers")
	}
	checkConfidential(t, s)
}

// TestR_7_2_1_NoSCQuorumOnAnApplication: too few SC forms: no decision; the SC and
// the Secretariat are told; a new vote can be opened.
func TestR_7_2_1_NoSCQuorumOnAnApplication(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	s.after(time.Minute)
	s.at(time.Date(2027, 2, 5, 0, 5, 0, 0, s.loc))
	s.scVotes(map[string]string{scContacts[0]: "yes", scContacts[1]: "yes"})
	s.after(time.Hour)
	out := s.at(time.Date(2027, 2, 20, 0, 5, 0, 0, s.loc))
	if find(out, "case_no_quorum", "") == nil || kinds(out)["application_outcome"] != 0 {
		t.Fatalf("no quorum: %v", kinds(out))
	}
	if a := s.caseState("A1"); a.State != gov.CaseSCPending {
		t.Fatalf("state %s", a.State)
	}
	if _, err := s.a.Bot.CaseAction(s.now, "A1", "sc-vote", "test"); err != nil {
		t.Fatal(err)
	}
	if a := s.caseState("A1"); a.State != gov.CaseSCVote || a.SCBallot != "B2" {
		t.Errorf("after a new vote: %s %s", a.State, a.SCBallot)
	}
}

// TestR_6_4_SixMonthWarning: the SC and the Secretariat are warned a month before the
// six months run out, and again at the end.
func TestR_6_4_SixMonthWarning(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	s.after(time.Minute) // complete on 4 January: due by the end of 4 July
	s.at(time.Date(2027, 2, 20, 0, 5, 0, 0, s.loc))
	s.at(time.Date(2027, 3, 1, 0, 5, 0, 0, s.loc)) // the SC vote closes without quorum
	if out := s.at(time.Date(2027, 6, 4, 9, 0, 0, 0, s.loc)); find(out, "case_warning", "") != nil {
		t.Errorf("warned more than a month early")
	}
	out := s.at(time.Date(2027, 6, 5, 0, 5, 0, 0, s.loc))
	w := find(out, "case_warning", "")
	if w == nil || !strings.Contains(w.Text, "one month") {
		t.Fatalf("no one-month warning: %v", kinds(out))
	}
	if out := s.at(time.Date(2027, 6, 6, 0, 5, 0, 0, s.loc)); find(out, "case_warning", "") != nil {
		t.Errorf("warned twice")
	}
	out = s.at(time.Date(2027, 7, 5, 0, 5, 0, 0, s.loc))
	if w := find(out, "case_warning", ""); w == nil || !strings.Contains(w.Text, "passed") {
		t.Fatalf("no warning at the deadline: %v", kinds(out))
	}
}

// TestR_6_5_AssociateIndividualInThai applies directly in Thai; the Secretariat confirms.
func TestR_6_5_AssociateIndividualInThai(t *testing.T) {
	s := newScenario(t)
	form := "ใบสมัครสมาชิกสมทบ (บุคคล)\n\nชื่อ: สมศรี ใจดี\nอีเมล: somsri@uni.example\nประเทศ: ไทย\nความเชี่ยวชาญ: กฎหมายแรงงานข้ามชาติ\n\n[x] ข้าพเจ้ายอมรับข้อกำหนดความเป็นหุ้นส่วนของ MMN\n"
	s.deliver(s.mime("somsri@uni.example", "สมัครสมาชิกสมทบ", form, nil))
	out := s.after(time.Minute)
	if find(out, "application_confirm", demo.Secretariat) == nil || kinds(out)["case_notice"] != 0 {
		t.Fatalf("direct application: %v", kinds(out))
	}
	a := s.caseState("A1")
	if a.Kind != gov.AppAssociateIndividual || a.State != gov.CaseUnconfirmed || a.Language != "th" {
		t.Fatalf("case %s %s %s missing %v", a.Kind, a.State, a.Language, a.Missing)
	}
	s.reply("application_confirm", demo.Secretariat, "CONFIRM")
	out = s.after(time.Minute)
	if k := kinds(out); k["case_notice"] != 17 || k["application_letter"] != 1 {
		t.Fatalf("after confirmation: %v (state %s, missing %v)", k, s.caseState("A1").State, s.caseState("A1").Missing)
	}
	s.at(time.Date(2027, 2, 5, 0, 5, 0, 0, s.loc))
	s.scVotes(map[string]string{scContacts[0]: "yes", scContacts[1]: "yes", scContacts[2]: "yes", scContacts[4]: "yes"})
	s.after(time.Hour)
	s.at(time.Date(2027, 2, 20, 0, 5, 0, 0, s.loc))
	s.a.DB.View(func(tx *store.Tx) error {
		o, ok, _ := tx.OrgByAddress("somsri@uni.example")
		if !ok || o.Kind != gov.Associate || o.Language != "th" {
			t.Errorf("new associate %+v %v", o, ok)
		}
		return nil
	})
}

// TestR_6_1_VietnamApplicationAsAttachedMessage: the Secretariat forwards the
// applicant's mail as an attachment, documents inside it.
func TestR_6_1_VietnamApplicationAsAttachedMessage(t *testing.T) {
	s := newScenario(t)
	inner := string(s.mime("Le Van An <an@myc.example>", "Membership application", regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), nil, threeDocuments...))
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Fwd: application\r\nDate: %s\r\nMessage-ID: <fwd1@mmn.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"OUT\"\r\n\r\n--OUT\r\nContent-Type: text/plain\r\n\r\nForwarding the attached application.\r\n--OUT\r\nContent-Type: message/rfc822\r\n\r\n%s\r\n--OUT--\r\n",
		demo.Secretariat, demo.BotAddress, s.now.Format(time.RFC1123Z), inner)
	s.deliver([]byte(raw))
	out := s.after(time.Minute)
	a := s.caseState("A1")
	if a.State != gov.CaseOpinions || len(a.Documents) != 3 || a.Contact.Email != "an@myc.example" {
		t.Fatalf("case %s documents %v contact %q missing %v; mails %v", a.State, a.Documents, a.Contact.Email, a.Missing, kinds(out))
	}
}

// checkConfidential scans every mail sent in a scenario: an opinion's text or its
// author reaches only the SC, or the author itself (its receipt).
func checkConfidential(t *testing.T, s *scenario) {
	t.Helper()
	var sc []string
	var opinions []gov.Opinion
	s.a.DB.View(func(tx *store.Tx) error {
		orgs, _ := tx.Orgs()
		seats, _ := tx.Seats()
		sc = gov.SCAddresses(orgs, seats)
		cases, _ := tx.Cases()
		for _, c := range cases {
			ops, _ := tx.Opinions(c.ID)
			opinions = append(opinions, ops...)
		}
		return nil
	})
	for _, op := range opinions {
		var author []string
		s.a.DB.View(func(tx *store.Tx) error {
			o, _, _ := tx.Org(op.OrgID)
			author = o.Addresses()
			return nil
		})
		for _, m := range s.sent {
			leaks := (op.Reasons != "" && strings.Contains(m.Text, firstLine(op.Reasons))) || strings.Contains(m.Text, op.OrgName) && m.Kind != "case_notice" && m.Kind != "opinion_reminder" && m.Kind != "objection_notice" && strings.Contains(m.Text, strings.ToUpper(op.Kind))
			if !leaks {
				continue
			}
			for _, to := range m.To {
				if !contains(sc, to) && !contains(author, to) {
					t.Errorf("the %s opinion of %s reached %s in a %s mail", op.Kind, op.OrgName, to, m.Kind)
				}
			}
		}
	}
}

// firstLine returns the longest line of s: the words that make an opinion's text
// recognisable (its first line is often just the keyword).
func firstLine(s string) string {
	best := ""
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); len(l) > len(best) {
			best = l
		}
	}
	return best
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// TestR_6_1_DocumentsAreKept: the documents of an application are kept on disk, by hash.
func TestR_6_1_DocumentsAreKept(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	s.after(time.Minute)
	docs := s.caseState("A1").Documents
	if len(docs) != 3 {
		t.Fatalf("documents %v", docs)
	}
	for _, d := range docs {
		p := s.a.Bot.FilePath(d.SHA256)
		if p == "" {
			t.Errorf("%s not kept", d.Name)
			continue
		}
		if b, err := os.ReadFile(p); err != nil || !strings.HasPrefix(string(b), "%PDF") {
			t.Errorf("%s: %q %v", d.Name, b, err)
		}
	}
}

// TestR_6_1_LargeAnnualReportIsKept: a 25 MB annual report (the message is
// spooled to disk on the way in, not held in memory) is read, listed and kept
// byte for byte, and the spool file is gone afterwards.
func TestR_6_1_LargeAnnualReportIsKept(t *testing.T) {
	s := newScenario(t)
	report := "%PDF-1.7\n" + strings.Repeat("stream of a long annual report\n", 25<<20/31)
	docs := []attachment{threeDocuments[0], {"Annual report 2025.pdf", "application/pdf", report}, threeDocuments[2]}
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), docs...)
	s.after(time.Minute)
	a := s.caseState("A1")
	if a.State != gov.CaseOpinions || len(a.Documents) != 3 {
		t.Fatalf("case %s with %d documents", a.State, len(a.Documents))
	}
	sum := sha256.Sum256([]byte(report))
	p := s.a.Bot.FilePath(hex.EncodeToString(sum[:]))
	if st, err := os.Stat(p); p == "" || err != nil || st.Size() != int64(len(report)) {
		t.Fatalf("annual report not kept whole: %q %v", p, err)
	}
	if left, _ := filepath.Glob(filepath.Join(s.a.Cfg.Store.Path+".files", "govbot-spool-*")); len(left) != 0 {
		t.Errorf("spool files left: %v", left)
	}
}

// TestR_6_4_KhmerObjectionWithReasons: an objection written in Khmer, a script
// without spaces between words, counts when it gives reasons; the bare Khmer
// keyword asks for them.
func TestR_6_4_KhmerObjectionWithReasons(t *testing.T) {
	s := newScenario(t)
	s.forward(regularForm("Mekong Youth Centre", "Vietnam", "an@myc.example", "Centre for Worker Development Vietnam"), threeDocuments...)
	s.after(time.Minute)
	s.reply("case_notice", "chea@clrc.example", "ជំទាស់")
	if k := kinds(s.after(time.Hour)); k["opinion_needs_reasons"] != 1 || k["opinion_to_sc"] != 0 {
		t.Fatalf("bare Khmer objection: %v", k)
	}
	s.reply("case_notice", "chea@clrc.example", "ជំទាស់\nអង្គការនេះមិនមានកម្មវិធីសម្រាប់ពលករចំណាកស្រុកទេ ហើយជាប់ពាក់ព័ន្ធនឹងភ្នាក់ងារជ្រើសរើសពលករ។")
	if k := kinds(s.after(time.Hour)); k["opinion_to_sc"] != 1 || k["objection_notice"] != 17 {
		t.Fatalf("Khmer objection with reasons: %v", k)
	}
	if a := s.caseState("A1"); a.Objections != 1 {
		t.Fatalf("objections %d", a.Objections)
	}
}
