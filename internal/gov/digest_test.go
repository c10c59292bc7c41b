package gov

import (
	"testing"
	"time"
)

func TestDigestListsOpenBallotsAndWhoHasNotAnswered(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	env := Env{Rules: DefaultRules(), Location: loc}
	now := time.Date(2027, 3, 8, 9, 0, 0, 0, loc)
	mk := func(id string, closes time.Time, closed bool) Ballot {
		return Ballot{ID: id, Title: id, ClosesAt: closes, Rules: DefaultRules(), QuorumBase: 3, Closed: closed, ElectorateSize: 3}
	}
	voters := []Voter{{OrgID: "a", Name: "A"}, {OrgID: "b", Name: "B"}, {OrgID: "c", Name: "C"}}
	d := Digest(now, env, []OpenBallotStatus{
		{Ballot: mk("B2", time.Date(2027, 3, 20, 0, 0, 0, 0, loc), false), Voters: voters, Votes: []Vote{{OrgID: "a", Choice: Yes}}},
		{Ballot: mk("B1", time.Date(2027, 3, 12, 0, 0, 0, 0, loc), false), Voters: voters},
		{Ballot: mk("B0", time.Date(2027, 3, 1, 0, 0, 0, 0, loc), true), Voters: voters},
	})
	if d.Week != "2027-W10" {
		t.Errorf("week %q", d.Week)
	}
	if len(d.Ballots) != 2 || d.Ballots[0].Ballot.ID != "B1" || d.Ballots[1].Ballot.ID != "B2" {
		t.Fatalf("ballots %+v; want B1 then B2, B0 (closed) left out", d.Ballots)
	}
	b2 := d.Ballots[1]
	if b2.Tally.Yes != 1 || b2.Tally.Outcome != OutcomeOpen || len(b2.Missing) != 2 || b2.Missing[0].OrgID != "b" || b2.DaysLeft != 11 {
		t.Errorf("B2 %+v", b2)
	}
}

func TestDigestDue(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	at := func(day, hour int) time.Time { return time.Date(2027, 3, day, hour, 0, 0, 0, loc) } // 8 March 2027 is a Monday
	tests := []struct {
		now  time.Time
		want bool
	}{
		{at(8, 7), false}, {at(8, 8), true}, {at(10, 1), true}, {at(14, 23), true}, {at(7, 23), true} /* Sunday: after Monday of that ISO week */, {at(15, 7), false},
	}
	for _, tt := range tests {
		if got := DigestDue(tt.now, loc, time.Monday, 8); got != tt.want {
			t.Errorf("%s: due %v, want %v", tt.now.Format("Mon 2 Jan 15:04"), got, tt.want)
		}
	}
}
