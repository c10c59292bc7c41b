package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
)

// TestR_7_2_15_TermDatesInMails: through the whole pipeline (roster, store, mail),
// the dates of a term are the days they name. The demo's terms end on Wednesday 31
// May 2028: the renewal notice says the new term starts on Thursday 1 June, the
// digest that the term ends on 31 May, and the seat-filled notice gives the new term
// from 1 June 2028 to 31 May 2030, in Thai as in English, as `govbot sc list`
// shows it.
func TestR_7_2_15_TermDatesInMails(t *testing.T) {
	s := newScenario(t, func(c *config.Config) { c.Digest.Weekday, c.Digest.Hour = "monday", 8 })
	s.reconfirmAll(2027)
	en := func(y int, m time.Month, d int) string {
		return time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Format("Monday 2 January 2006")
	}
	check := func(what, text string, want []string, not []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not say %q:\n%s", what, w, text)
			}
		}
		for _, n := range not {
			if strings.Contains(text, n) {
				t.Errorf("%s says %q:\n%s", what, n, text)
			}
		}
	}

	out := s.at(time.Date(2028, 3, 3, 9, 0, 0, 0, s.loc)) // renewals open 90 days before 31 May
	var vacancy *sentMail
	for i := range out {
		if out[i].Kind == "seat_vacancy" && strings.Contains(out[i].Subject, "Thailand") {
			vacancy = &out[i]
		}
	}
	if vacancy == nil {
		t.Fatalf("no renewal notice for Thailand: %v", kinds(out))
	}
	check("the renewal notice", vacancy.Text, []string{"The new term starts " + en(2028, 6, 1) + "."}, []string{"31 May"})

	out = s.at(time.Date(2028, 3, 6, 9, 0, 0, 0, s.loc)) // Monday: the digest
	digest := find(out, "sc_digest", "")
	if digest == nil {
		t.Fatalf("no digest on Monday: %v", kinds(out))
	}
	check("the digest", digest.Text, []string{"Thailand: Migrant Workers Foundation Thailand, term ends " + en(2028, 5, 31)}, []string{"30 May"})

	n := s.nominationFor("Thailand")
	if _, err := s.a.Bot.Nominate(s.now, n.ID, "th-mwf", "", "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Bot.ApproveAtGC(s.now, n.ID, "test"); err != nil {
		t.Fatal(err)
	}
	out = s.after(time.Minute)
	filled := find(out, "seat_filled", "somchai@mwft.example") // in Thai, then English
	if filled == nil {
		t.Fatalf("no seat-filled notice: %v", kinds(out))
	}
	check("the seat-filled notice", filled.Text,
		[]string{"from " + en(2028, 6, 1) + " to " + en(2030, 5, 31), "1 มิถุนายน 2028", "31 พฤษภาคม 2030"},
		[]string{"31 May 2028", "30 May 2030", "31 พฤษภาคม 2028", "30 พฤษภาคม 2030"})
	seat := s.seat("Thailand")
	if from, to := seat.TermStart.In(s.loc).Format(time.DateOnly), seat.TermEnd.In(s.loc).Format(time.DateOnly); from != "2028-06-01" || to != "2030-05-31" {
		t.Errorf("sc list: %s to %s, want 2028-06-01 to 2030-05-31", from, to)
	}
}
