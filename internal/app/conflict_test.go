package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// th-mwf holds the Thailand seat in the sample SC; these are its addresses.
var mwf = []string{"somchai@mwft.example", "nittaya@mwft.example"}

// sentTo reports whether a mail of kind in ms went to any of addrs.
func sentTo(ms []sentMail, kind string, addrs ...string) bool {
	for _, m := range ms {
		if m.Kind == kind && slices.ContainsFunc(m.To, func(a string) bool { return slices.Contains(addrs, strings.ToLower(a)) }) {
			return true
		}
	}
	return false
}

func recusing(on bool) func(*config.Config) {
	return func(c *config.Config) { c.Rules.RecuseConcerned = on }
}

func (s *scenario) ballot(id string) gov.Ballot {
	var b gov.Ballot
	s.a.DB.View(func(tx *store.Tx) error { b, _, _ = tx.Ballot(id); return nil })
	return b
}

// TestConflict_RenominatedSeatHolderRecused: th-mwf, holding the Thailand seat, is
// renominated to it. With rules.recuse_concerned (the default) it gets no SC papers
// on its nomination, no SC voting form on it, neither the SC's notice of that
// ballot nor its result, and the SC quorum counts the other five voting seats (3),
// so three YES carry it to the members' approval, where it votes like any member.
// With the setting off, it gets them all and the same three forms are no quorum
// of six (4).
func TestConflict_RenominatedSeatHolderRecused(t *testing.T) {
	for _, on := range []bool{true, false} {
		s := newScenario(t, recusing(on))
		n, err := s.a.Bot.Vacate(s.now, "Thailand", "term_end", "test")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.a.Bot.Nominate(s.now, n.ID, "th-mwf", "", "test"); err != nil {
			t.Fatal(err)
		}
		s.after(time.Minute)
		s.reply("nomination_notice", "lan@cwdv.example", "OBJECT – they missed every SC meeting in 2026 and never reported back to the members.")
		if out := s.after(time.Hour); !sentTo(out, "seat_opinion_to_sc", "khinmar@ymwa.example") {
			t.Fatalf("on=%v: the objection did not reach the SC: %v", on, kinds(out))
		} else if sentTo(out, "seat_opinion_to_sc", mwf...) == on {
			t.Errorf("on=%v: seat_opinion_to_sc to the nominee: %v", on, sentTo(out, "seat_opinion_to_sc", mwf...))
		}

		// Two weeks of opinions end with 18 January: the SC votes.
		out := s.at(time.Date(2027, 1, 19, 9, 0, 0, 0, s.loc))
		for _, kind := range []string{"seat_sc_papers", "ballot_form", "ballot_opened"} {
			if got := sentTo(out, kind, mwf...); got == on {
				t.Errorf("on=%v: %s to the nominee: got %v, want %v", on, kind, got, !on)
			}
			if !sentTo(out, kind, "khinmar@ymwa.example") {
				t.Errorf("on=%v: %s not sent to another seat: %v", on, kind, kinds(out))
			}
		}
		if p := findSubject(out, "seat_sc_papers", "Thailand"); p == nil || !strings.Contains(p.Text, "missed every SC meeting") {
			t.Errorf("on=%v: the papers do not carry the objection", on)
		}
		if !sentTo(out, "ballot_opened", demo.Secretariat) {
			t.Errorf("on=%v: the Secretariat did not get the notice of the SC's ballot", on)
		}
		nom := s.nominationFor("Thailand")
		b := s.ballot(nom.SCBallot)
		size, required := 6, 4
		if on {
			size, required = 5, 3
		}
		if b.ElectorateSize != size || b.QuorumBase != size || b.View(s.loc).QuorumRequired != required {
			t.Errorf("on=%v: SC ballot of %d seats, quorum base %d, quorum %d; want %d, %d, %d", on,
				b.ElectorateSize, b.QuorumBase, b.View(s.loc).QuorumRequired, size, size, required)
		}
		if on && !slices.Equal(b.Recused, []string{"th-mwf"}) {
			t.Errorf("Ballot.Recused %v, want [th-mwf]", b.Recused)
		}
		if f := findSubject(out, "ballot_form", "SC seat Thailand"); f == nil || !strings.Contains(f.Text, "Quorum") && !strings.Contains(f.Text, "quorum") {
			t.Errorf("on=%v: no form stating the quorum", on)
		}

		s.votesOn("SC seat Thailand", map[string]string{"khinmar@ymwa.example": "yes", "chea@clrc.example": "yes", "liwei@yhms.example": "yes"})
		s.after(time.Hour)
		out = s.at(time.Date(2027, 2, 3, 9, 0, 0, 0, s.loc)) // the SC's 14 days are over
		if got := sentTo(out, "ballot_result_sc", mwf...); got == on {
			t.Errorf("on=%v: the SC's result to the nominee: got %v, want %v", on, got, !on)
		}
		nom = s.nominationFor("Thailand")
		switch {
		case on && nom.State != gov.NomMemberVote:
			t.Errorf("recusing: after three YES of five seats: %s (%s); want the members' vote", nom.State, nom.Note)
		case !on && (nom.State != gov.NomFailed || !strings.Contains(nom.Note, "no_quorum")):
			t.Errorf("not recusing: after three YES of six seats: %s (%s); want no quorum", nom.State, nom.Note)
		}
		if on && !sentTo(out, "ballot_form", mwf...) {
			t.Errorf("the nominee got no form for the members' approval (it votes there as any member)")
		}
	}
}

// TestConflict_ApplicantHoldingASeatRecused: an application in the name of an SC
// seat holder (Migrant Workers Foundation Thailand, th-mwf, writing in from a new
// address; the Secretariat confirms it) sends th-mwf neither the members' opinions
// on it, nor the SC papers, nor an SC voting form; the quorum of that SC vote
// counts the other five seats.
func TestConflict_ApplicantHoldingASeatRecused(t *testing.T) {
	s := newScenario(t)
	form := regularForm("Migrant Workers Foundation Thailand", "Thailand", "director@mwft-new.example", "Border Schools Group")
	s.deliver(s.mime("director@mwft-new.example", "Membership application", form, nil, threeDocuments...))
	s.after(time.Minute)
	if _, err := s.a.Bot.CaseAction(s.now, "A1", "confirm", "test"); err != nil {
		t.Fatal(err)
	}
	s.after(time.Minute)
	if a := s.caseState("A1"); a.State != gov.CaseOpinions {
		t.Fatalf("case %q, missing %v", a.State, a.Missing)
	}
	s.reply("case_notice", "thida@fmmg.example", "OBJECT\nThey have not answered the members' questions about their 2026 accounts.")
	out := s.after(time.Hour)
	if !sentTo(out, "opinion_to_sc", "khinmar@ymwa.example") || sentTo(out, "opinion_to_sc", mwf...) {
		t.Errorf("opinion_to_sc: want the other seats, not the applicant: %v", kinds(out))
	}
	out = s.at(time.Date(2027, 2, 5, 0, 5, 0, 0, s.loc))
	if k := kinds(out); k["case_sc_papers"] != 1 || k["ballot_form"] != 9 {
		t.Errorf("when the window closes: %v; want the papers and forms to the other 5 SC organisations (9 addresses)", k)
	}
	for _, kind := range []string{"case_sc_papers", "ballot_form", "ballot_opened"} {
		if sentTo(out, kind, mwf...) {
			t.Errorf("%s sent to the applicant holding a seat", kind)
		}
	}
	if b := s.ballot(s.caseState("A1").SCBallot); b.QuorumBase != 5 || !slices.Equal(b.Recused, []string{"th-mwf"}) {
		t.Errorf("SC ballot: quorum base %d, recused %v; want 5, [th-mwf]", b.QuorumBase, b.Recused)
	}
}
