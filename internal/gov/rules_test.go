package gov

import (
	"fmt"
	"testing"
	"time"
)

func TestR_7_2_1_HalfPlusOne(t *testing.T) {
	tests := []struct {
		n          int
		floor, lit int
	}{
		{0, 1, 1}, {1, 1, 2}, {2, 2, 2}, {5, 3, 4}, {6, 4, 4}, {7, 4, 5}, {40, 21, 21}, {41, 21, 22},
	}
	for _, tt := range tests {
		if got := ThresholdFloor.HalfPlusOne(tt.n); got != tt.floor {
			t.Errorf("half_plus_one(%d) = %d, want %d", tt.n, got, tt.floor)
		}
		if got := ThresholdLiteral.HalfPlusOne(tt.n); got != tt.lit {
			t.Errorf("literal(%d) = %d, want %d", tt.n, got, tt.lit)
		}
	}
}

func TestR_7_2_16_MemberQuorum(t *testing.T) {
	floor := DefaultRules()
	literal := DefaultRules()
	literal.Threshold = ThresholdLiteral
	tests := []struct {
		rules Rules
		n     int
		c     Count
		want  Outcome
	}{
		{floor, 0, Count{}, OutcomeNoQuorum},
		{floor, 1, Count{}, OutcomeNoQuorum},
		{floor, 1, Count{Yes: 1}, OutcomeCarried},
		{floor, 1, Count{No: 1}, OutcomeNotCarried},
		{floor, 1, Count{Abstain: 1}, OutcomeNotCarried}, // quorate, 0 yes = 0 no: a tie does not carry
		{literal, 1, Count{Yes: 1}, OutcomeNoQuorum},     // literal: ceil(1/2+1) = 2
		{floor, 6, Count{Yes: 3}, OutcomeNoQuorum},       // needs 4
		{floor, 6, Count{Yes: 3, Abstain: 1}, OutcomeCarried},
		{floor, 7, Count{Yes: 2, No: 1, Abstain: 1}, OutcomeCarried}, // 4 of 7 with floor
		{literal, 7, Count{Yes: 2, No: 1, Abstain: 1}, OutcomeNoQuorum},
		{literal, 7, Count{Yes: 2, No: 1, Abstain: 2}, OutcomeCarried},
		{floor, 40, Count{Yes: 10, No: 10}, OutcomeNoQuorum}, // 20 < 21
		{floor, 40, Count{Yes: 10, No: 10, Abstain: 1}, OutcomeNotCarried},
		{floor, 40, Count{Yes: 11, No: 10}, OutcomeCarried},
		{floor, 40, Count{Yes: 1, Abstain: 20}, OutcomeCarried}, // abstentions count for quorum only
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/n=%d/%+v", tt.rules.Threshold, tt.n, tt.c)
		t.Run(name, func(t *testing.T) {
			got := tt.rules.Decide(tt.c, tt.n)
			if got.Outcome != tt.want {
				t.Errorf("outcome = %s, want %s (tally %+v)", got.Outcome, tt.want, got)
			}
			if got.QuorumMet != (tt.c.Returned() >= tt.rules.Threshold.HalfPlusOne(tt.n)) {
				t.Errorf("quorum_met = %v inconsistent with required %d", got.QuorumMet, got.QuorumRequired)
			}
		})
	}
}

func TestR_Thresholds_MajorityTieAndAbsolute(t *testing.T) {
	abs := DefaultRules()
	abs.Majority = MajorityAbsolute
	simple := DefaultRules()
	tests := []struct {
		rules Rules
		c     Count
		want  Outcome
	}{
		{simple, Count{Yes: 3, No: 3}, OutcomeNotCarried},
		{simple, Count{Yes: 3, No: 2, Abstain: 2}, OutcomeCarried},
		{abs, Count{Yes: 3, No: 2, Abstain: 2}, OutcomeNotCarried}, // 3 is not > 7/2
		{abs, Count{Yes: 4, No: 2, Abstain: 1}, OutcomeCarried},
		{abs, Count{Yes: 2, No: 0, Abstain: 2}, OutcomeNotCarried}, // 2 of 4 is not more than half
	}
	for _, tt := range tests {
		if got := tt.rules.Decide(tt.c, 6).Outcome; got != tt.want {
			t.Errorf("%s %+v: outcome %s, want %s", tt.rules.Majority, tt.c, got, tt.want)
		}
	}
}

func TestR_5_1_7_VotingRights(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	r := DefaultRules()
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		org  Org
		now  string
		want bool
	}{
		{Org{Kind: Regular, ReconfirmedThrough: 2026}, "2026-11-30 23:59", true},
		{Org{Kind: Regular, ReconfirmedThrough: 2025}, "2026-11-30 23:59", true}, // 2026 deadline not passed yet
		{Org{Kind: Regular, ReconfirmedThrough: 2025}, "2026-12-01 00:00", false},
		{Org{Kind: Regular, ReconfirmedThrough: 2026}, "2026-12-01 00:00", true},
		{Org{Kind: Regular, Joined: at("2026-12-05 00:00")}, "2027-01-10 00:00", true}, // joined after the deadline
		{Org{Kind: Associate, ReconfirmedThrough: 2026}, "2026-12-01 00:00", false},
	}
	for i, tt := range tests {
		if got := r.HasVotingRights(tt.org, at(tt.now), loc); got != tt.want {
			t.Errorf("%d: voting rights at %s = %v, want %v", i, tt.now, got, tt.want)
		}
	}
}
