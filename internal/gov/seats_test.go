package gov

import (
	"strings"
	"testing"
	"time"
)

func TestR_7_2_15_Eligibility(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	env := Env{Rules: DefaultRules(), Location: loc}
	now := time.Date(2028, 3, 1, 9, 0, 0, 0, loc)
	countries := []string{"Burma/Myanmar", "Cambodia", "Yunnan/Guangxi/China", "Lao PDR", "Thailand", "Vietnam"}
	reg := func(id, country string) Org {
		return Org{ID: id, Name: id, Kind: Regular, Country: country, ReconfirmedThrough: 2027}
	}
	seats := []Seat{
		{Seat: "Thailand", OrgID: "th1", Voting: true, ConsecutiveTerms: 2, TermEnd: time.Date(2028, 5, 31, 0, 0, 0, 0, loc)},
		{Seat: "Lao PDR", OrgID: "la1", Voting: true, ConsecutiveTerms: 3},
		{Seat: "Burma/Myanmar", OrgID: "mm1", Voting: true, ConsecutiveTerms: 1},
	}
	history := []SeatTerm{
		{Seat: "Vietnam", OrgID: "vn1", ConsecutiveTerms: 3, TermEnd: time.Date(2025, 5, 31, 0, 0, 0, 0, loc)},  // out since mid-2025: a full term out by 2028
		{Seat: "Cambodia", OrgID: "kh1", ConsecutiveTerms: 3, TermEnd: time.Date(2027, 5, 31, 0, 0, 0, 0, loc)}, // out less than a term
	}
	tests := []struct {
		name string
		org  Org
		seat string
		want string // "" eligible, else a word of the reason
	}{
		{"re-nominated after two terms", reg("th1", "Thailand"), "Thailand", ""},
		{"re-nominated after one term", reg("mm1", "Burma/Myanmar"), "Burma/Myanmar", ""},
		{"not after three consecutive terms", reg("la1", "Lao PDR"), "Lao PDR", "3 consecutive terms"},
		{"eligible again after a term out", reg("vn1", "Vietnam"), "Vietnam", ""},
		{"not yet a full term out", reg("kh1", "Cambodia"), "Cambodia", "3 consecutive terms"},
		{"an associate never", Org{ID: "as1", Name: "as1", Kind: Associate, Country: "Thailand", ReconfirmedThrough: 2027}, "Thailand", "associate"},
		{"another country's member", reg("kh2", "Cambodia"), "Thailand", "not of Thailand"},
		{"already holds a seat", reg("mm1", "Burma/Myanmar"), "burmese-in-thailand", "already holds"},
		{"special seat open to any regular member", reg("th2", "Thailand"), "burmese-in-thailand", ""},
		{"no voting rights", Org{ID: "th3", Name: "th3", Kind: Regular, Country: "Thailand", ReconfirmedThrough: 2025}, "Thailand", "voting rights"},
	}
	for _, tt := range tests {
		err := Eligibility(now, env, tt.org, tt.seat, countries, seats, history)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: err %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

func TestR_7_2_15_FillSeatCountsConsecutiveTermsAndKeepsHistory(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	env := Env{Rules: DefaultRules(), Location: loc}
	end := time.Date(2028, 6, 1, 0, 0, 0, 0, loc)
	seats := []Seat{{Seat: "Thailand", OrgID: "th1", Voting: true, ConsecutiveTerms: 2, TermStart: end.AddDate(-2, 0, 0), TermEnd: end}}
	n := Nomination{ID: "N1", Seat: "Thailand", Reason: "term_end", Nominee: "th1", TermStart: end, OpenedAt: end.AddDate(0, -3, 0)}
	got, ended, _ := FillSeat(end.AddDate(0, -1, 0), env, n, seats, true, nil, "test")
	if len(got) != 1 || got[0].ConsecutiveTerms != 3 || !got[0].TermStart.Equal(end) || !got[0].TermEnd.Equal(end.AddDate(2, 0, -1)) {
		t.Errorf("renewal: %+v", got)
	}
	if len(ended) != 1 || ended[0].OrgID != "th1" || ended[0].ConsecutiveTerms != 2 {
		t.Errorf("history: %+v", ended)
	}
	n.Nominee = "th2"
	got, _, _ = FillSeat(end.AddDate(0, -1, 0), env, n, seats, true, nil, "test")
	if got[0].OrgID != "th2" || got[0].ConsecutiveTerms != 1 {
		t.Errorf("new organisation: %+v", got)
	}
}

func TestRenewalsDueOncePerTerm(t *testing.T) {
	end := time.Date(2028, 6, 1, 0, 0, 0, 0, time.UTC)
	seats := []Seat{{Seat: "Thailand", OrgID: "th1", TermEnd: end}, {Seat: RegionalCoordinator, OrgID: "rc", TermEnd: end}}
	lead := 90 * 24 * time.Hour
	if got := RenewalsDue(end.Add(-91*24*time.Hour), seats, nil, lead); len(got) != 0 {
		t.Errorf("too early: %v", got)
	}
	if got := RenewalsDue(end.Add(-89*24*time.Hour), seats, nil, lead); len(got) != 1 || got[0].Seat != "Thailand" {
		t.Errorf("due: %v (the RC seat is not renewed by nomination)", got)
	}
	failed := []Nomination{{Seat: "Thailand", State: NomFailed, OpenedAt: end.Add(-80 * 24 * time.Hour)}}
	if got := RenewalsDue(end.Add(-10*24*time.Hour), seats, failed, lead); len(got) != 0 {
		t.Errorf("re-opened after a failed nomination: %v", got)
	}
}
