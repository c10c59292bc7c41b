package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

func (s *scenario) nominationFor(seat string) gov.Nomination {
	var out gov.Nomination
	s.a.DB.View(func(tx *store.Tx) error {
		ns, _ := tx.Nominations()
		for _, n := range ns {
			if n.Seat == seat {
				out = n
			}
		}
		return nil
	})
	return out
}

func (s *scenario) seat(name string) gov.Seat {
	var out gov.Seat
	s.a.DB.View(func(tx *store.Tx) error {
		seats, _ := tx.Seats()
		for _, x := range seats {
			if x.Seat == name {
				out = x
			}
		}
		return nil
	})
	return out
}

// votesOn answers the ballot forms whose subject names title, from each address.
func (s *scenario) votesOn(title string, votes map[string]string) {
	s.t.Helper()
	for addr, v := range votes {
		var form *sentMail
		for i := len(s.sent) - 1; i >= 0; i-- {
			m := s.sent[i]
			if m.Kind == "ballot_form" && m.To[0] == addr && strings.Contains(m.Subject, title) {
				form = &m
				break
			}
		}
		if form == nil {
			s.t.Fatalf("no form %q to %s", title, addr)
		}
		raw, err := demo.Reply(form.Raw, demo.ReplyOptions{From: addr, Body: v, Date: s.now})
		if err != nil {
			s.t.Fatal(err)
		}
		s.deliver(raw)
	}
}

// TestR_7_2_16_TermEndRenewedByMemberApproval: a term ending opens the renewal; the
// country's members recommend; the Secretariat nominates (a third term is allowed,
// a fourth is refused); members give opinions; the SC and then the members approve.
func TestR_7_2_16_TermEndRenewedByMemberApproval(t *testing.T) {
	s := newScenario(t)
	s.reconfirmAll(2027)
	out := s.at(time.Date(2028, 3, 3, 9, 0, 0, 0, s.loc)) // 90 days before the terms end (31 May 2028)
	if k := kinds(out); k["seat_vacancy"] != 6 || find(out, "seat_recommend", "nawpaw@bsg.example") == nil {
		t.Fatalf("renewals: %v", k)
	}
	for _, m := range out {
		if m.Kind == "seat_recommend" && m.To[0] == "chea@clrc.example" && strings.Contains(m.Subject, "Thailand") {
			t.Errorf("a Cambodian member was asked to recommend for Thailand")
		}
	}
	var thaiForm *sentMail
	for i := range out {
		if out[i].Kind == "seat_recommend" && out[i].To[0] == "nawpaw@bsg.example" {
			thaiForm = &out[i]
		}
	}
	raw, _ := demo.Reply(thaiForm.Raw, demo.ReplyOptions{From: "nawpaw@bsg.example", Body: "We recommend Migrant Workers Foundation Thailand for another term.", Date: s.now})
	s.deliver(raw)
	out = s.after(time.Hour)
	if find(out, "seat_recommend_receipt", "nawpaw@bsg.example") == nil {
		t.Fatalf("recommendation: %v", kinds(out))
	}
	n := s.nominationFor("Thailand")
	if n.Recommendations["th-bsg"] != "th-mwf" {
		t.Errorf("recommendations %v", n.Recommendations)
	}
	// Lao PDR's member is in its third term: a fourth is refused, with the reason.
	lao := s.nominationFor("Lao PDR")
	if _, err := s.a.Bot.Nominate(s.now, lao.ID, "la-cdc", "", "test"); err == nil || !strings.Contains(err.Error(), "consecutive terms") {
		t.Errorf("fourth term: %v", err)
	}
	// An associate is refused.
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "as-res", "", "test"); err == nil || !strings.Contains(err.Error(), "associate") {
		t.Errorf("associate: %v", err)
	}
	// After the recommendation window the Secretariat gets them and nominates by mail.
	out = s.at(time.Date(2028, 3, 25, 9, 0, 0, 0, s.loc))
	recs := findSubject(out, "seat_recommendations", "Thailand")
	if recs == nil || !strings.Contains(recs.Text, "th-bsg → th-mwf") {
		t.Fatalf("recommendations to the Secretariat: %v", kinds(out))
	}
	raw, _ = demo.Reply(recs.Raw, demo.ReplyOptions{From: demo.Secretariat, Body: "NOMINATE th-mwf", Date: s.now})
	s.deliver(raw)
	out = s.after(time.Hour)
	if k := kinds(out); k["nomination_notice"] < 16 {
		t.Fatalf("notice of the nomination: %v", k)
	}
	s.reply("nomination_notice", "lan@cwdv.example", "SUPPORT – they led the 2026 campaign well.")
	out = s.after(time.Hour)
	if find(out, "seat_opinion_to_sc", "") == nil {
		t.Errorf("the opinion did not reach the SC: %v", kinds(out))
	}
	// Two weeks later the SC votes, then the members.
	s.at(time.Date(2028, 4, 10, 9, 0, 0, 0, s.loc))
	s.votesOn("SC seat Thailand", map[string]string{"khinmar@ymwa.example": "yes", "chea@clrc.example": "yes", "liwei@yhms.example": "yes", "lan@cwdv.example": "yes"})
	s.after(time.Hour)
	out = s.at(time.Date(2028, 4, 25, 9, 0, 0, 0, s.loc))
	if n := s.nominationFor("Thailand"); n.State != gov.NomMemberVote {
		t.Fatalf("after the SC's vote: %s (%s)", n.State, n.Note)
	}
	members := map[string]string{}
	for _, a := range []string{"khinmar@ymwa.example", "chea@clrc.example", "sophea@wsmn.example", "liwei@yhms.example", "huanglan@gbwa.example", "souksavanh@lcdc.example", "nawpaw@bsg.example"} {
		members[a] = "yes"
	}
	s.votesOn("SC seat Thailand", members)
	s.after(time.Hour)
	out = s.at(time.Date(2028, 5, 10, 9, 0, 0, 0, s.loc))
	if find(out, "seat_filled", "") == nil {
		t.Fatalf("not filled: %v; nomination %+v", kinds(out), s.nominationFor("Thailand"))
	}
	seat := s.seat("Thailand")
	if seat.OrgID != "th-mwf" || seat.ConsecutiveTerms != 3 || seat.TermEnd.In(s.loc).Format("2006-01-02") != "2030-05-31" {
		t.Errorf("seat %+v", seat)
	}
}

// TestR_7_2_7_ResignationFallsToTheSC: no replacement within three months.
func TestR_7_2_7_ResignationFallsToTheSC(t *testing.T) {
	s := newScenario(t)
	n, err := s.a.Bot.Vacate(s.now, "Cambodia", "resigned", "test")
	if err != nil {
		t.Fatal(err)
	}
	if n.State != gov.NomReplacement || s.seat("Cambodia").OrgID != "" {
		t.Fatalf("after the resignation: %s, seat %+v", n.State, s.seat("Cambodia"))
	}
	out := s.at(time.Date(2027, 3, 28, 9, 0, 0, 0, s.loc)) // 7 days before the end of 4 April
	if r := find(out, "seat_vacancy", demo.Secretariat); r == nil || !contains(r.To, "chea@clrc.example") && !contains(r.To, "dara@clrc.example") {
		t.Errorf("no reminder to the organisation and the Secretariat: %v", kinds(out))
	}
	if out := s.at(time.Date(2027, 4, 3, 9, 0, 0, 0, s.loc)); find(out, "seat_sc_appoints", "") != nil {
		t.Errorf("fell to the SC before three months")
	}
	out = s.at(time.Date(2027, 4, 5, 9, 0, 0, 0, s.loc))
	if find(out, "seat_sc_appoints", "") == nil {
		t.Fatalf("three months passed: %v", kinds(out))
	}
	// The SC appoints another Cambodian member; the path continues.
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "kh-wsn", "", "test"); err != nil {
		t.Fatal(err)
	}
	if n := s.nominationFor("Cambodia"); n.State != gov.NomOpinions {
		t.Errorf("state %s", n.State)
	}
}

// TestR_7_2_16_MemberApprovalWithoutQuorum fails the nomination.
func TestR_7_2_16_MemberApprovalWithoutQuorum(t *testing.T) {
	s := newScenario(t)
	n, err := s.a.Bot.Vacate(s.now, "Cambodia", "resigned", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "kh-wsn", "", "test"); err != nil {
		t.Fatal(err)
	}
	s.after(time.Minute)
	s.at(time.Date(2027, 1, 19, 9, 0, 0, 0, s.loc))
	s.votesOn("SC seat Cambodia", map[string]string{"khinmar@ymwa.example": "yes", "liwei@yhms.example": "yes", "lan@cwdv.example": "yes", "somchai@mwft.example": "yes"})
	s.after(time.Hour)
	s.at(time.Date(2027, 2, 3, 9, 0, 0, 0, s.loc))
	s.votesOn("SC seat Cambodia", map[string]string{"khinmar@ymwa.example": "yes", "liwei@yhms.example": "yes"})
	s.after(time.Hour)
	out := s.at(time.Date(2027, 2, 18, 9, 0, 0, 0, s.loc))
	if find(out, "seat_failed", "") == nil {
		t.Fatalf("no failure notice: %v, nomination %+v", kinds(out), s.nominationFor("Cambodia"))
	}
	if n := s.nominationFor("Cambodia"); n.State != gov.NomFailed || !strings.Contains(n.Note, "no_quorum") {
		t.Errorf("nomination %s %q", n.State, n.Note)
	}
}

// TestR_7_2_8_ChairElectedAndLeaving: the SC elects its chair; when the chair's
// member leaves, the SC is told to elect a new one.
func TestR_7_2_8_ChairElectedAndLeaving(t *testing.T) {
	s := newScenario(t)
	if _, err := s.a.Bot.ProposeChair(s.now, "vn-cwd", time.Date(2027, 1, 14, 0, 0, 0, 0, s.loc)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Bot.ProposeChair(s.now, "as-res", time.Date(2027, 1, 14, 0, 0, 0, 0, s.loc)); err == nil {
		t.Errorf("a non-member of the SC proposed as chair")
	}
	s.after(time.Minute)
	s.votesOn("Chair of the SC", map[string]string{"khinmar@ymwa.example": "yes", "liwei@yhms.example": "yes", "lan@cwdv.example": "yes", "somchai@mwft.example": "yes"})
	s.after(time.Hour)
	s.at(time.Date(2027, 1, 15, 9, 0, 0, 0, s.loc))
	if !s.seat("Vietnam").Chair {
		t.Fatalf("no chair after the vote")
	}
	if _, err := s.a.Bot.Vacate(s.now, "Vietnam", "left", "test"); err != nil {
		t.Fatal(err)
	}
	out := s.after(time.Minute)
	if find(out, "seat_chair_vacant", "") == nil {
		t.Errorf("the SC was not told to elect a new chair: %v", kinds(out))
	}
}

func findSubject(ms []sentMail, kind, sub string) *sentMail {
	for i := range ms {
		if ms[i].Kind == kind && strings.Contains(ms[i].Subject, sub) {
			return &ms[i]
		}
	}
	return nil
}

// reconfirmAll records every member as re-confirmed through year.
func (s *scenario) reconfirmAll(year int) {
	s.a.DB.Update(s.now, func(tx *store.Tx) error {
		orgs, _ := tx.Orgs()
		for _, o := range orgs {
			o.ReconfirmedThrough = year
			tx.PutOrg(o)
		}
		return nil
	})
}

// TestR_7_2_2_SpecialSeat: a seat the GC created (config special_seats) opens to
// every regular member with the GC's replacement process quoted, is refused to an
// associate and to an organisation already holding a seat, and is filled for the
// term the GC set (three years here), not the SC's two.
func TestR_7_2_2_SpecialSeat(t *testing.T) {
	const process = "Burmese migrant groups based in Thailand recommend the next seat holder."
	s := newScenario(t, func(c *config.Config) {
		c.SpecialSeats = []config.SpecialSeat{{ID: "burmese-groups-thailand", Name: "Burmese groups in Thailand", TermYears: 3, Replacement: process}}
	})
	n, err := s.a.Bot.Vacate(s.now, "Burmese-Groups-Thailand", "term_end", "test")
	if err != nil {
		t.Fatal(err)
	}
	out := s.after(time.Minute)
	recs := 0
	for _, m := range out {
		if m.Kind == "seat_recommend" {
			recs++
			if !strings.Contains(m.Text, process) || !strings.Contains(m.Text, "Burmese groups in Thailand") {
				t.Fatalf("recommendation form without the seat's name or the GC's process:\n%s", m.Text)
			}
		}
	}
	if recs < 15 { // every regular member of every country, each address
		t.Errorf("%d recommendation forms; a special seat asks every regular member", recs)
	}
	if v := find(out, "seat_vacancy", demo.Secretariat); v == nil || !strings.Contains(v.Text, process) {
		t.Errorf("the vacancy notice does not quote the GC's process: %v", kinds(out))
	}
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "as-res", "", "test"); err == nil || !strings.Contains(err.Error(), "associate") {
		t.Errorf("associate nominated: %v", err)
	}
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "th-mwf", "", "test"); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Errorf("holder of the Thailand seat nominated: %v", err)
	}
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "th-bsg", "Naw Paw", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Bot.ApproveAtGC(s.now, n.ID, "test"); err != nil {
		t.Fatal(err)
	}
	seat := s.seat("burmese-groups-thailand")
	if seat.OrgID != "th-bsg" || seat.TermEnd.Sub(seat.TermStart) < 3*365*24*time.Hour-48*time.Hour {
		t.Errorf("seat %+v: want th-bsg for three years", seat)
	}
}

// TestR_7_2_6_ResignationReplacedWithinThreeMonths: the organisation of a member who
// left names a replacement in time; the appointment does not fall to the SC.
func TestR_7_2_6_ResignationReplacedWithinThreeMonths(t *testing.T) {
	s := newScenario(t)
	n, err := s.a.Bot.Vacate(s.now, "Cambodia", "left", "test")
	if err != nil {
		t.Fatal(err)
	}
	s.at(time.Date(2027, 2, 15, 9, 0, 0, 0, s.loc))
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "kh-lrc", "Kim Dara", "test"); err != nil {
		t.Fatal(err)
	}
	if got := s.nominationFor("Cambodia"); got.State != gov.NomOpinions || got.Person != "Kim Dara" {
		t.Fatalf("after naming the replacement: %s %q", got.State, got.Person)
	}
	if out := s.at(time.Date(2027, 4, 5, 9, 0, 0, 0, s.loc)); find(out, "seat_sc_appoints", "") != nil {
		t.Errorf("the appointment fell to the SC although a replacement was named in time")
	}
	if _, err := s.a.Bot.ApproveAtGC(s.now, n.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if seat := s.seat("Cambodia"); seat.OrgID != "kh-lrc" {
		t.Errorf("seat %+v", seat)
	}
}
