package gov

import (
	"testing"
	"time"
)

func TestR_5_1_6_FeeBandEdges(t *testing.T) {
	bands := DefaultFeeBands()
	for _, tt := range []struct {
		income int64
		fee    int
	}{{0, 1}, {9999, 1}, {10000, 15}, {50000, 15}, {50001, 20}, {100000, 20}, {100001, 50}, {5000000, 50}} {
		if got := Fee(bands, tt.income); got != tt.fee {
			t.Errorf("income %d: fee %d, want %d", tt.income, got, tt.fee)
		}
	}
}

func TestR_7_1_2_GCQuorumBothCriteria(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	countries := []string{"Burma/Myanmar", "Cambodia", "Yunnan/Guangxi/China", "Lao PDR", "Thailand", "Vietnam"}
	var orgs []Org
	for i := 0; i < 20; i++ { // 20 regular members, spread over the six countries
		orgs = append(orgs, Org{ID: string(rune('a' + i)), Kind: Regular, Country: countries[i%6]})
	}
	tests := []struct {
		name             string
		present          []string
		countries, share bool
	}{
		{"5 from 5 countries: both met", []string{"a", "b", "c", "d", "e"}, true, true},
		{"4 from 4 countries: 20% < 25%", []string{"a", "b", "c", "d"}, true, false},
		{"6 from 3 countries: 30% but 3 countries", []string{"a", "b", "c", "g", "h", "i"}, false, true},
		{"nobody", nil, false, false},
	}
	for _, tt := range tests {
		r := GCQuorum(Meeting{ID: "G1", Attendees: tt.present}, orgs, countries, GCBaseAllMembers, loc)
		if r.CountriesMet != tt.countries || r.ShareMet != tt.share || r.Quorum != (tt.countries && tt.share) {
			t.Errorf("%s: %+v", tt.name, r)
		}
	}
}

func TestR_7_1_3_GCDecisionByMajorityOfRegularAttending(t *testing.T) {
	if d := DecideAtGC(time.Time{}, "x", 5, 3, 2, 10); d.Carried {
		t.Errorf("5 of 10 attending is not a majority")
	}
	if d := DecideAtGC(time.Time{}, "x", 6, 3, 1, 10); !d.Carried {
		t.Errorf("6 of 10 attending is a majority")
	}
}

func TestR_5_1_4_ParseContactChanges(t *testing.T) {
	got := ParseContactChanges("RECONFIRM\nNew contact: Malee Srisuk <Malee@FOM.example>\nAlternate: aung@fom.example\n")
	if len(got) != 2 || got[0].Role != "contact" || got[0].New.Email != "malee@fom.example" || got[0].New.Name != "Malee Srisuk" || got[1].Role != "alternate" || got[1].New.Email != "aung@fom.example" {
		t.Errorf("%+v", got)
	}
	if inc, ok := ParseIncome("Our annual income is now USD 32,500.00"); !ok || inc != 32500 {
		t.Errorf("income %d %v", inc, ok)
	}
}
