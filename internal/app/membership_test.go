package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

func (s *scenario) org(id string) gov.Org {
	var o gov.Org
	s.a.DB.View(func(tx *store.Tx) error { o, _, _ = tx.Org(id); return nil })
	return o
}

// TestR_5_1_7_CampaignOnTimeLateAndNever runs a whole re-confirmation year: forms on
// 1 October, reminders, on-time and late re-confirmations, and the consequences at the
// deadline; then a second year makes a member that never re-confirmed lapse (5.1.8).
func TestR_5_1_7_CampaignOnTimeLateAndNever(t *testing.T) {
	s := newScenario(t)
	out := s.at(time.Date(2027, 10, 1, 9, 0, 0, 0, s.loc))
	k := kinds(out)
	if k["reconfirm_form"] != 16 {
		t.Fatalf("on 1 October: %v; want a form to each of the 16 addresses of regular members (associates are not asked, 5.2)", k)
	}
	form := find(out, "reconfirm_form", "chea@clrc.example")
	if !strings.Contains(form.Text, "USD 120000") || !strings.Contains(form.Text, "Fee for 2027: USD 50") {
		t.Errorf("form lacks the income and fee on record:\n%s", form.Text)
	}
	// On time, with a new income.
	s.reply("reconfirm_form", "chea@clrc.example", "RECONFIRM\nAnnual income: 40,000")
	s.reply("reconfirm_form", "somchai@mwft.example", "ยืนยัน")
	out = s.after(time.Hour)
	r := find(out, "reconfirm_receipt", "chea@clrc.example")
	if r == nil || !strings.Contains(r.Text, "USD 15") {
		t.Fatalf("receipt: %v", kinds(out))
	}
	if o := s.org("kh-lrc"); o.ReconfirmedThrough != 2027 || o.AnnualIncomeUSD != 40000 {
		t.Errorf("kh-lrc %d %d", o.ReconfirmedThrough, o.AnnualIncomeUSD)
	}
	// Reminders a week before go only to those who have not answered.
	out = s.at(time.Date(2027, 11, 23, 9, 0, 0, 0, s.loc))
	for _, m := range out {
		if m.Kind == "reconfirm_form" && (m.To[0] == "chea@clrc.example" || m.To[0] == "nittaya@mwft.example") {
			t.Errorf("a reminder went to %s, which has re-confirmed", m.To[0])
		}
	}
	if n := kinds(out)["reconfirm_form"]; n == 0 {
		t.Errorf("no reminders")
	}
	// The deadline passes: members that did not re-confirm lose their vote.
	out = s.at(time.Date(2027, 12, 1, 0, 5, 0, 0, s.loc))
	if find(out, "standing_change", "liwei@yhms.example") == nil || find(out, "campaign_report", demo.Secretariat) == nil {
		t.Fatalf("at the deadline: %v", kinds(out))
	}
	if find(out, "standing_change", "chea@clrc.example") != nil {
		t.Errorf("a member that re-confirmed was told it lost its vote")
	}
	// Loss of voting rights changes a ballot's electorate and quorum.
	b, err := s.a.Bot.OpenBallot(s.now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: s.now.AddDate(0, 0, 14)})
	if err != nil {
		t.Fatal(err)
	}
	if b.ElectorateSize != 2 || b.QuorumBase != 2 {
		t.Errorf("electorate %d, quorum base %d; want 2 (only kh-lrc and th-mwf re-confirmed)", b.ElectorateSize, b.QuorumBase)
	}
	// Late: Li Wei re-confirms after the deadline and gets its vote back.
	s.reply("reconfirm_form", "liwei@yhms.example", "RECONFIRM")
	s.after(time.Hour)
	if o := s.org("cn-yhs"); o.ReconfirmedThrough != 2027 {
		t.Errorf("late re-confirmation not recorded: %d", o.ReconfirmedThrough)
	}
	s.a.DB.View(func(tx *store.Tx) error {
		o, _, _ := tx.Org("cn-yhs")
		if !s.a.Bot.Rules.HasVotingRights(o, s.now, s.loc) {
			t.Errorf("cn-yhs has no vote after re-confirming late")
		}
		return nil
	})
	// A second year: vn-mrc (re-confirmed through 2025) re-confirmed neither 2027
	// nor 2028, although asked both years: it lapses.
	s.at(time.Date(2028, 10, 1, 9, 0, 0, 0, s.loc))
	out = s.at(time.Date(2028, 12, 1, 0, 5, 0, 0, s.loc))
	lapsed := find(out, "standing_change", "hung@mrch.example")
	if lapsed == nil || !strings.Contains(lapsed.Text, "apply again") {
		t.Fatalf("no lapse notice: %v", kinds(out))
	}
	if o := s.org("vn-mrc"); !o.Lapsed {
		t.Errorf("vn-mrc did not lapse")
	}
	if o := s.org("kh-lrc"); o.Lapsed {
		t.Errorf("kh-lrc lapsed after re-confirming in 2027")
	}
}

// TestR_5_1_6_PaymentByMail: the Secretariat records payments; re-confirmation
// and payment are tracked apart.
func TestR_5_1_6_PaymentByMail(t *testing.T) {
	s := newScenario(t)
	s.deliver(demo.Message(demo.Secretariat, "", demo.BotAddress, "payments", "PAID kh-lrc 2027 50 TT-8812\nPAID nobody 2027 15\n", s.now))
	out := s.after(time.Minute)
	r := find(out, "payment_receipt", demo.Secretariat)
	if r == nil || !strings.Contains(r.Text, "kh-lrc 2027 50") || !strings.Contains(r.Text, "nobody") {
		t.Fatalf("payment receipt: %v", kinds(out))
	}
	if o := s.org("kh-lrc"); o.PaidThrough() != 2027 || o.ReconfirmedThrough != 2026 {
		t.Errorf("paid %d, reconfirmed %d", o.PaidThrough(), o.ReconfirmedThrough)
	}
}

// TestR_5_1_4_ContactUpdateConfirmedByTheOldAddress: the change waits until the
// old address confirms; open ballots follow the new address; both are told.
func TestR_5_1_4_ContactUpdateConfirmedByTheOldAddress(t *testing.T) {
	s := newScenario(t)
	if _, err := s.a.Bot.OpenBallot(s.now, gov.OpenRequest{Title: "T", Question: "Q?", Electorate: gov.ElectorateMembers, CloseDate: s.now.AddDate(0, 0, 14)}); err != nil {
		t.Fatal(err)
	}
	s.after(time.Minute)
	s.deliver(demo.Message("sophea@wsmn.example", "Chan Sophea", demo.BotAddress, "new contact", "Contact: Mey Lina <lina@wsmn.example>", s.now))
	out := s.after(time.Minute)
	if find(out, "contact_confirm", "sophea@wsmn.example") == nil || find(out, "contact_pending", demo.Secretariat) == nil {
		t.Fatalf("change request: %v", kinds(out))
	}
	if o := s.org("kh-wsn"); o.Contact.Email != "sophea@wsmn.example" {
		t.Fatalf("the change took effect before confirmation")
	}
	s.reply("contact_confirm", "sophea@wsmn.example", "CONFIRM")
	out = s.after(time.Minute)
	changed := find(out, "contact_changed", "")
	if changed == nil || !contains(changed.To, "lina@wsmn.example") || !contains(changed.To, "sophea@wsmn.example") {
		t.Fatalf("both addresses not told: %v", kinds(out))
	}
	if o := s.org("kh-wsn"); o.Contact.Email != "lina@wsmn.example" || o.Contact.Name != "Mey Lina" {
		t.Errorf("contact %+v", o.Contact)
	}
	s.a.DB.View(func(tx *store.Tx) error {
		v, _, _ := tx.Voter("B1", "kh-wsn")
		if len(v.Addresses) != 1 || v.Addresses[0] != "lina@wsmn.example" {
			t.Errorf("the open ballot still sends to %v", v.Addresses)
		}
		return nil
	})
	// The new address can vote with the organisation's form.
	form := find(s.sent, "ballot_form", "sophea@wsmn.example")
	raw, _ := demo.Reply(form.Raw, demo.ReplyOptions{From: "lina@wsmn.example", Body: "YES", Date: s.now})
	s.deliver(raw)
	out = s.after(time.Minute)
	if find(out, "vote_receipt", "lina@wsmn.example") == nil {
		t.Errorf("the new contact's vote was not recorded: %v", kinds(out))
	}
}

// TestR_5_1_4_ContactUpdateRefusedWithoutTheOldAddress: a forged request is refused
// by the old address and changes nothing.
func TestR_5_1_4_ContactUpdateRefusedWithoutTheOldAddress(t *testing.T) {
	s := newScenario(t)
	s.deliver(demo.Message("thida@fmmg.example", "", demo.BotAddress, "update", "New contact: Mallory <mallory@evil.example>", s.now))
	s.after(time.Minute)
	s.reply("contact_confirm", "thida@fmmg.example", "REFUSE – I did not ask for this")
	s.after(time.Minute)
	if o := s.org("mm-fed"); o.Contact.Email != "thida@fmmg.example" {
		t.Errorf("the contact changed to %s", o.Contact.Email)
	}
	s.a.DB.View(func(tx *store.Tx) error {
		c, _, _ := tx.Change("C1")
		if c.State != "refused" {
			t.Errorf("change state %q", c.State)
		}
		return nil
	})
	// Nor can the new address confirm its own request.
	s.deliver(demo.Message("thida@fmmg.example", "", demo.BotAddress, "update", "Contact: Mallory <mallory@evil.example>", s.now))
	out := s.after(time.Minute)
	conf := find(out, "contact_confirm", "thida@fmmg.example")
	raw, _ := demo.Reply(conf.Raw, demo.ReplyOptions{From: "mallory@evil.example", Body: "CONFIRM", Date: s.now})
	s.deliver(raw)
	s.after(time.Minute)
	if o := s.org("mm-fed"); o.Contact.Email != "thida@fmmg.example" {
		t.Errorf("the new address confirmed its own takeover")
	}
}

// TestR_7_1_2_GCAttendanceByReplyAndQuorum: members reply ATTEND; the report shows
// both criteria.
func TestR_7_1_2_GCAttendanceByReplyAndQuorum(t *testing.T) {
	s := newScenario(t)
	m, err := s.a.Bot.OpenGC(s.now, time.Date(2027, 6, 1, 0, 0, 0, 0, s.loc))
	if err != nil {
		t.Fatal(err)
	}
	s.after(time.Minute)
	for _, a := range []string{"somchai@mwft.example", "chea@clrc.example", "lan@cwdv.example"} {
		s.reply("gc_notice", a, "ATTEND")
	}
	out := s.after(time.Minute)
	if kinds(out)["gc_receipt"] != 3 {
		t.Fatalf("attendance receipts: %v", kinds(out))
	}
	report := func() gov.GCReport {
		var r gov.GCReport
		s.a.DB.View(func(tx *store.Tx) error { r, _ = s.a.Bot.GCReport(tx, m.ID); return nil })
		return r
	}
	if r := report(); r.Present != 3 || r.CountriesMet || !r.ShareMet || r.Quorum {
		t.Errorf("3 of 12 from 3 countries: %+v", r) // 25% met, 3 countries not
	}
	s.reply("gc_notice", "liwei@yhms.example", "出席")
	s.after(time.Minute)
	if r := report(); !r.Quorum || len(r.Countries) != 4 {
		t.Errorf("4 countries, 4 of 12: %+v", r)
	}
}
