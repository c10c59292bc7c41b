package gov

import (
	"testing"
	"time"
)

// TestR_7_2_15_TermDatesAreDateOnly: a term's first and last day are date-only
// values, midnight in the network's zone (StartOfDay): the day after the old term's
// last day, or the day the vacancy opened or the seat is filled in that zone, never
// the instant of the clock in another zone; a two-year term ends the day before
// its second anniversary.
func TestR_7_2_15_TermDatesAreDateOnly(t *testing.T) {
	bkk, _ := time.LoadLocation("Asia/Bangkok")
	env := Env{Rules: DefaultRules(), Location: bkk}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, bkk) }
	orgs := []Org{{ID: "th1", Name: "One", Kind: Regular, Country: "Thailand"}, {ID: "th2", Name: "Two", Kind: Regular, Country: "Thailand"}}
	holder := Seat{Seat: "Thailand", OrgID: "th1", Voting: true, ConsecutiveTerms: 1, TermStart: day(2026, 6, 1), TermEnd: day(2028, 5, 31)}

	// A renewal: the new term starts the day after the last day of the old one.
	n, _, _ := OpenVacancy(time.Date(2028, 3, 3, 2, 0, 0, 0, time.UTC), env, "N1", "Thailand", "term_end", &holder, orgs, []Seat{holder}, []string{"Thailand"}, 21)
	if !n.TermStart.Equal(day(2028, 6, 1)) {
		t.Errorf("renewal: term starts %s, want 2028-06-01 in Bangkok", n.TermStart)
	}
	if v := n.View(orgs); !v.TermEnd.Equal(day(2030, 5, 31)) {
		t.Errorf("renewal: term ends %s, want 2030-05-31 in Bangkok", v.TermEnd)
	}
	n.Nominee = "th2"
	seats, _, _ := FillSeat(time.Date(2028, 5, 10, 2, 0, 0, 0, time.UTC), env, n, []Seat{holder}, true, orgs, "test")
	if s := seats[0]; !s.TermStart.Equal(day(2028, 6, 1)) || !s.TermEnd.Equal(day(2030, 5, 31)) {
		t.Errorf("renewal filled: %s to %s, want 2028-06-01 to 2030-05-31", s.TermStart, s.TermEnd)
	}

	// A resignation at 23:30 UTC on 10 March is 06:30 on 11 March in Bangkok.
	left := time.Date(2027, 3, 10, 23, 30, 0, 0, time.UTC)
	n, _, _ = OpenVacancy(left, env, "N2", "Thailand", "resigned", &holder, orgs, nil, []string{"Thailand"}, 21)
	if !n.TermStart.Equal(day(2027, 3, 11)) || n.TermStart.Location() != bkk {
		t.Errorf("resignation: term starts %s, want midnight of 11 March in Bangkok", n.TermStart)
	}

	// No start given: the term starts the day the seat is filled, in Bangkok.
	n = Nomination{ID: "N3", Seat: "Thailand", Reason: "term_end", Nominee: "th2", OpenedAt: left}
	seats, _, _ = FillSeat(time.Date(2027, 5, 31, 20, 0, 0, 0, time.UTC), env, n, nil, true, orgs, "test")
	if s := seats[0]; !s.TermStart.Equal(day(2027, 6, 1)) || !s.TermEnd.Equal(day(2029, 5, 31)) {
		t.Errorf("filled on 1 June in Bangkok: %s to %s, want 2027-06-01 to 2029-05-31", s.TermStart, s.TermEnd)
	}
}

func TestStartOfDay(t *testing.T) {
	bkk, _ := time.LoadLocation("Asia/Bangkok")
	for _, c := range []struct{ in, want time.Time }{
		{time.Date(2027, 6, 1, 0, 0, 0, 0, bkk), time.Date(2027, 6, 1, 0, 0, 0, 0, bkk)},
		{time.Date(2027, 6, 1, 23, 59, 59, 0, bkk), time.Date(2027, 6, 1, 0, 0, 0, 0, bkk)},
		{time.Date(2027, 5, 31, 17, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, bkk)},
		{time.Date(2027, 6, 1, 16, 59, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, bkk)},
	} {
		if got := StartOfDay(c.in, bkk); !got.Equal(c.want) || got.Location() != bkk {
			t.Errorf("StartOfDay(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
