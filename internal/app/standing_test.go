package app_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
)

// findLast returns the last mail of kind sent to addr, nil if none.
func findLast(ms []sentMail, kind, to string) *sentMail {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind == kind && (to == "" || strings.EqualFold(ms[i].To[0], to)) {
			return &ms[i]
		}
	}
	return nil
}

// replyLast answers the last mail of kind sent to addr, from addr.
func (s *scenario) replyLast(kind, addr, body string) {
	s.t.Helper()
	m := findLast(s.sent, kind, addr)
	if m == nil {
		s.t.Fatalf("no %s was sent to %s", kind, addr)
	}
	raw, err := demo.Reply(m.Raw, demo.ReplyOptions{From: addr, Body: body, Date: s.now})
	if err != nil {
		s.t.Fatal(err)
	}
	s.deliver(raw)
}

// attachedFile returns the decoded attachment name of the raw mail, "" if none.
func attachedFile(t *testing.T, raw []byte, name string) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(ctype string, body io.Reader) string
	walk = func(ctype string, body io.Reader) string {
		mt, params, _ := mime.ParseMediaType(ctype)
		if !strings.HasPrefix(mt, "multipart/") {
			return ""
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				return ""
			}
			if p.FileName() == name {
				var r io.Reader = p
				if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
					r = base64.NewDecoder(base64.StdEncoding, p)
				}
				b, _ := io.ReadAll(r)
				return string(b)
			}
			if s := walk(p.Header.Get("Content-Type"), p); s != "" {
				return s
			}
		}
	}
	return walk(m.Header.Get("Content-Type"), m.Body)
}

// findTo returns the first mail of any kind sent to addr, nil if none.
func findTo(ms []sentMail, addr string) *sentMail {
	for i := range ms {
		for _, to := range ms[i].To {
			if strings.EqualFold(to, addr) {
				return &ms[i]
			}
		}
	}
	return nil
}

// ballotAcrossTheDeadline runs the 2027 campaign, in which only kh-lrc re-confirms
// on time, and opens a member ballot on 20 November that closes on 10 December,
// after the deadline of 30 November. Every regular member but vn-mrc (re-confirmed
// through 2025) holds the vote when it opens.
func ballotAcrossTheDeadline(t *testing.T, s *scenario) gov.Ballot {
	t.Helper()
	s.at(time.Date(2027, 10, 1, 9, 0, 0, 0, s.loc))
	s.reply("reconfirm_form", "chea@clrc.example", "RECONFIRM")
	s.after(time.Hour)
	s.at(time.Date(2027, 11, 20, 10, 0, 0, 0, s.loc))
	b, err := s.a.Bot.OpenBallot(s.now, gov.OpenRequest{Title: "Adopt the 2028 work plan", Question: "Do you adopt it?", Electorate: gov.ElectorateMembers,
		CloseDate: time.Date(2027, 12, 10, 0, 0, 0, 0, s.loc)})
	if err != nil {
		t.Fatal(err)
	}
	if b.ElectorateSize != 10 || b.QuorumBase != 10 {
		t.Fatalf("electorate %d, quorum base %d; want 10, 10 (all regular members but vn-mrc)", b.ElectorateSize, b.QuorumBase)
	}
	s.after(time.Minute)
	return b
}

// TestR_5_1_7_VoteCheckedWhenCast: a member that loses its vote at the
// re-confirmation deadline while a ballot is open is refused with the reason (the
// answer it sent before still counts), and votes again once it re-confirms; a
// member that re-confirmed votes throughout. The quorum base stays as fixed at
// opening (rules.quorum_base_at: opening, the default).
func TestR_5_1_7_VoteCheckedWhenCast(t *testing.T) {
	s := newScenario(t)
	b := ballotAcrossTheDeadline(t, s)

	s.at(time.Date(2027, 11, 25, 10, 0, 0, 0, s.loc))
	s.reply("ballot_form", "somchai@mwft.example", "YES")
	if out := s.after(time.Minute); find(out, "vote_receipt", "somchai@mwft.example") == nil {
		t.Fatalf("th-mwf's vote before the deadline: %v", kinds(out))
	}
	out := s.at(time.Date(2027, 12, 1, 0, 5, 0, 0, s.loc))
	if find(out, "standing_change", "liwei@yhms.example") == nil {
		t.Fatalf("at the deadline: %v", kinds(out))
	}

	s.at(time.Date(2027, 12, 2, 10, 0, 0, 0, s.loc))
	s.reply("ballot_form", "liwei@yhms.example", "YES")
	s.reply("ballot_form", "nittaya@mwft.example", "NO")
	s.reply("ballot_form", "chea@clrc.example", "NO")
	out = s.after(time.Minute)
	ref := find(out, "refusal", "liwei@yhms.example")
	if ref == nil {
		t.Fatalf("cn-yhs voted without re-confirming: %v", kinds(out))
	}
	for _, want := range []string{"has not re-confirmed its membership for 2027", "2027-11-30", "5.1.7", "RECONFIRM", b.ID} {
		if !strings.Contains(ref.Text, want) {
			t.Errorf("refusal lacks %q:\n%s", want, ref.Text)
		}
	}
	if ref := find(out, "refusal", "nittaya@mwft.example"); ref == nil || !strings.Contains(ref.Text, "YES recorded on 2027-11-25") || !strings.Contains(ref.Text, "still counts") {
		t.Errorf("th-mwf changing its answer after the deadline: %v", kinds(out))
	}
	if find(out, "vote_receipt", "chea@clrc.example") == nil {
		t.Errorf("kh-lrc, re-confirmed on time, was not heard: %v", kinds(out))
	}

	// cn-yhs re-confirms late: its vote is restored on the open ballot.
	s.reply("reconfirm_form", "liwei@yhms.example", "RECONFIRM")
	if out := s.after(time.Hour); find(out, "reconfirm_receipt", "liwei@yhms.example") == nil {
		t.Fatalf("late re-confirmation: %v", kinds(out))
	}
	s.reply("ballot_form", "liwei@yhms.example", "YES")
	if out := s.after(time.Minute); find(out, "vote_receipt", "liwei@yhms.example") == nil {
		t.Errorf("cn-yhs's vote after re-confirming: %v", kinds(out))
	}

	s.at(time.Date(2027, 12, 11, 0, 5, 0, 0, s.loc))
	got := s.ballot(b.ID)
	if !got.Closed || got.Tally == nil {
		t.Fatalf("ballot not closed: %+v", got)
	}
	if got.QuorumBase != 10 || got.Tally.QuorumBase != 10 || got.QuorumBaseOpened != 0 {
		t.Errorf("quorum base %d (opened %d); want 10, as fixed at opening", got.QuorumBase, got.QuorumBaseOpened)
	}
	if got.Tally.Yes != 2 || got.Tally.No != 1 {
		t.Errorf("tally %+v; want YES 2 (th-mwf before the deadline, cn-yhs after re-confirming), NO 1 (kh-lrc)", got.Tally.Count)
	}
}

// TestR_5_1_7_QuorumCountedAtClosing: under rules.quorum_base_at: closing the base
// is counted again at closing from the members sent the form that hold the vote
// then; the result shows both figures.
func TestR_5_1_7_QuorumCountedAtClosing(t *testing.T) {
	s := newScenario(t, func(c *config.Config) { c.Rules.QuorumBaseAt = gov.QuorumBaseAtClosing })
	b := ballotAcrossTheDeadline(t, s)
	s.at(time.Date(2027, 12, 2, 10, 0, 0, 0, s.loc))
	s.reply("reconfirm_form", "liwei@yhms.example", "RECONFIRM")
	s.after(time.Hour)
	s.reply("ballot_form", "liwei@yhms.example", "YES")
	s.reply("ballot_form", "chea@clrc.example", "YES")
	s.after(time.Minute)
	out := s.at(time.Date(2027, 12, 11, 0, 5, 0, 0, s.loc))
	got := s.ballot(b.ID)
	if got.QuorumBase != 2 || got.QuorumBaseOpened != 10 || got.Tally == nil || got.Tally.Outcome != gov.OutcomeCarried {
		t.Fatalf("at closing: base %d (opened %d), tally %+v; want 2 (opened 10), carried", got.QuorumBase, got.QuorumBaseOpened, got.Tally)
	}
	r := find(out, "ballot_result_sc", demo.Secretariat)
	if r == nil {
		t.Fatalf("no result to the Secretariat: %v", kinds(out))
	}
	js := attachedFile(t, r.Raw, "result.json")
	if !strings.Contains(js, `"quorum_base": 2`) || !strings.Contains(js, `"quorum_base_opened": 10`) {
		t.Errorf("result.json does not show both bases:\n%s", js)
	}
}

// TestR_5_2_AssociatesPayNoFee: associates are not members. By default the
// campaign sends them nothing, and they never lose a vote or lapse; with
// membership.associates_confirm_contacts they are asked only to confirm their
// contacts, with no fee and no reminder.
func TestR_5_2_AssociatesPayNoFee(t *testing.T) {
	const anna = "anna@uni.example"
	t.Run("default", func(t *testing.T) {
		s := newScenario(t)
		out := s.at(time.Date(2027, 10, 1, 9, 0, 0, 0, s.loc))
		if find(out, "reconfirm_form", anna) != nil || kinds(out)["reconfirm_form"] != 16 {
			t.Errorf("on 1 October: %v; want a form to each of the 16 addresses of regular members, none to the associate", kinds(out))
		}
		for _, when := range []time.Time{
			time.Date(2027, 12, 1, 0, 5, 0, 0, s.loc), time.Date(2028, 10, 1, 9, 0, 0, 0, s.loc), time.Date(2028, 12, 1, 0, 5, 0, 0, s.loc),
		} {
			out := s.at(when)
			if m := findTo(out, anna); m != nil {
				t.Errorf("%s: a %s went to the associate:\n%s", when.Format("2006-01-02"), m.Kind, m.Text)
			}
			if r := find(out, "campaign_report", ""); r != nil && strings.Contains(r.Text, "Anna") {
				t.Errorf("%s: the campaign report names the associate:\n%s", when.Format("2006-01-02"), r.Text)
			}
		}
		if o := s.org("as-res"); o.Lapsed {
			t.Error("the associate lapsed under 5.1.8")
		}
		if o := s.org("vn-mrc"); !o.Lapsed {
			t.Error("vn-mrc, a regular member that never re-confirmed, did not lapse")
		}
	})
	t.Run("associates_confirm_contacts", func(t *testing.T) {
		s := newScenario(t, func(c *config.Config) { c.Membership.AssociatesConfirmContacts = true })
		out := s.at(time.Date(2027, 10, 1, 9, 0, 0, 0, s.loc))
		form := find(out, "reconfirm_form", anna)
		if form == nil {
			t.Fatalf("no form to the associate: %v", kinds(out))
		}
		if !strings.Contains(form.Subject, "Please confirm your contact details") || !strings.Contains(form.Text, "voluntary contributions are welcome") {
			t.Errorf("associate's form:\n%s\n%s", form.Subject, form.Text)
		}
		for _, no := range []string{"Fee", "USD", "re-confirm your membership", "5.1.8"} {
			if strings.Contains(form.Text, no) {
				t.Errorf("associate's form says %q:\n%s", no, form.Text)
			}
		}
		if out := s.at(time.Date(2027, 11, 23, 9, 0, 0, 0, s.loc)); find(out, "reconfirm_form", anna) != nil || kinds(out)["reconfirm_form"] == 0 {
			t.Errorf("reminders: %v; want some, none to the associate", kinds(out))
		}
		s.reply("reconfirm_form", anna, "CONFIRM")
		out = s.after(time.Hour)
		r := find(out, "reconfirm_receipt", anna)
		if r == nil || strings.Contains(r.Text, "USD") || !strings.Contains(r.Text, "pay no membership fee") || strings.Contains(r.Subject, "Membership") {
			t.Fatalf("associate's receipt: %v", r)
		}
		s.at(time.Date(2028, 10, 1, 9, 0, 0, 0, s.loc))
		out = s.at(time.Date(2028, 12, 1, 0, 5, 0, 0, s.loc))
		if m := find(out, "standing_change", anna); m != nil {
			t.Errorf("the associate was told: %s", m.Text)
		}
	})
}

// TestR_5_1_8_LapsedMustApplyAgain: vn-mrc re-confirms neither 2027 nor 2028 and
// lapses; its RECONFIRM to the 2028 form is refused, in its language and in
// English, with how to apply again; its record does not change, and it gets no
// ballot result.
func TestR_5_1_8_LapsedMustApplyAgain(t *testing.T) {
	s := newScenario(t)
	const hung = "hung@mrch.example"
	for _, year := range []int{2027, 2028} {
		s.at(time.Date(year, 10, 1, 9, 0, 0, 0, s.loc))
		s.replyLast("reconfirm_form", "chea@clrc.example", "RECONFIRM") // kh-lrc stays a member
		s.after(time.Hour)
		if year == 2027 {
			s.at(time.Date(year, 12, 1, 0, 5, 0, 0, s.loc))
		}
	}
	out := s.at(time.Date(2028, 12, 1, 0, 5, 0, 0, s.loc))
	if find(out, "standing_change", hung) == nil || !s.org("vn-mrc").Lapsed {
		t.Fatalf("vn-mrc did not lapse: %v", kinds(out))
	}

	s.at(time.Date(2028, 12, 5, 10, 0, 0, 0, s.loc))
	s.replyLast("reconfirm_form", hung, "RECONFIRM")
	out = s.after(time.Minute)
	if r := find(out, "reconfirm_receipt", hung); r != nil {
		t.Fatalf("a lapsed member was re-confirmed:\n%s", r.Text)
	}
	ref := find(out, "refusal", hung)
	if ref == nil {
		t.Fatalf("no refusal: %v", kinds(out))
	}
	for _, want := range []string{"has lapsed", "5.1.8", "apply again", "membership application form", "endorsement", "6.1-6.3", "nộp đơn lại"} {
		if !strings.Contains(ref.Text, want) {
			t.Errorf("refusal lacks %q:\n%s", want, ref.Text)
		}
	}
	if strings.Contains(ref.Text, "re-confirmed for 2028") {
		t.Errorf("the refusal says re-confirmed:\n%s", ref.Text)
	}
	if o := s.org("vn-mrc"); !o.Lapsed || o.ReconfirmedThrough != 2025 {
		t.Errorf("vn-mrc: lapsed %v, re-confirmed through %d; want lapsed, 2025", o.Lapsed, o.ReconfirmedThrough)
	}

	// A lapsed organisation is no longer a member: no ballot form, no result.
	b, err := s.a.Bot.OpenBallot(s.now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: s.now.AddDate(0, 0, 7)})
	if err != nil {
		t.Fatal(err)
	}
	if m := findTo(s.after(time.Minute), hung); m != nil {
		t.Errorf("the lapsed member got a %s", m.Kind)
	}
	out = s.at(b.ClosesAt.Add(5 * time.Minute))
	if find(out, "ballot_result_members", "") == nil {
		t.Fatalf("no results: %v", kinds(out))
	}
	if m := findTo(out, hung); m != nil {
		t.Errorf("the lapsed member got a %s", m.Kind)
	}
}

// TestR_5_1_3_FormAsksForAlternate: a regular member without an alternate is
// asked for one on its re-confirmation form; one that names it in its reply is
// not asked again.
func TestR_5_1_3_FormAsksForAlternate(t *testing.T) {
	s := newScenario(t)
	out := s.at(time.Date(2027, 10, 1, 9, 0, 0, 0, s.loc))
	form := find(out, "reconfirm_form", "thida@fmmg.example")
	if form == nil || !strings.Contains(form.Text, "no alternate on record") || !strings.Contains(form.Text, "Alternate: none on record") || !strings.Contains(form.Text, "5.1.3") {
		t.Fatalf("mm-fed's form does not ask for an alternate:\n%v", form)
	}
	if f := find(out, "reconfirm_form", "chea@clrc.example"); f == nil || strings.Contains(f.Text, "no alternate on record") {
		t.Errorf("kh-lrc, which has an alternate, is asked for one")
	}
	s.reply("reconfirm_form", "thida@fmmg.example", "RECONFIRM\nAlternate: Ko Ko <koko@fmmg.example>")
	out = s.after(time.Hour)
	r := find(out, "reconfirm_receipt", "thida@fmmg.example")
	if r == nil || strings.Contains(r.Text, "still has no alternate") || !strings.Contains(r.Text, "koko@fmmg.example") {
		t.Errorf("receipt after naming an alternate: %v", r)
	}
	if find(out, "contact_pending", demo.Secretariat) == nil {
		t.Errorf("the new alternate does not wait for the Secretariat: %v", kinds(out))
	}
}
