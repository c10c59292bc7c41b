package app_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
)

// The ToP's second pass through the real pipeline: 7.1.1 (a General Conference
// at least every two years) and 7.2.12-7.2.14 (the Management Team), as the
// digest shows them.

// digest renders the digest at the scenario's clock.
func (s *scenario) digest() (gov.DigestData, string) {
	s.t.Helper()
	var d gov.DigestData
	var r render.Rendered
	if err := s.a.DB.ViewAt(s.now, func(tx *store.Tx) error {
		var err error
		if d, err = s.a.Bot.Digest(tx); err != nil {
			return err
		}
		r, err = s.a.Bot.Renderer.Render(gov.Mail{Kind: "sc_digest", Lang: "en", Data: d})
		return err
	}); err != nil {
		s.t.Fatal(err)
	}
	return d, r.Text
}

// TestR_7_1_1_DigestWarnsWhenTheGCComesDue: with the last General Conference
// recorded on 10 March 2025, the next is due by 10 March 2027; from 11 December
// 2026 (more than 21 months) the weekly digest warns, and goes out for that
// alone; `gc record` refuses a day still to come.
func TestR_7_1_1_DigestWarnsWhenTheGCComesDue(t *testing.T) {
	s := newScenario(t, func(c *config.Config) { c.Digest.Weekday = "monday"; c.Digest.Hour = 8 })
	if _, err := s.a.Bot.RecordGC(s.now, time.Date(2025, 3, 10, 0, 0, 0, 0, s.loc), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.a.Bot.RecordGC(s.now, time.Date(2027, 5, 1, 0, 0, 0, 0, s.loc), "test"); err == nil {
		t.Errorf("a General Conference still to come was recorded")
	}
	d, text := s.digest()
	if !d.GC.Warn || d.GC.Overdue || d.GC.LastID != "G1" {
		t.Fatalf("GC %+v", d.GC)
	}
	// (Dates as words.txt writes them, with or without the weekday.)
	for _, want := range []string{"WARNING (ToP 7.1.1): more than 21 months have passed since the last General Conference (G1, ", "10 March 2025); the next is due by ",
		"10 March 2027.\n", "GENERAL CONFERENCE (7.1.1): the last was G1 on "} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	// The weekly digest goes out for the warning alone (nothing else is open).
	out := s.at(time.Date(2027, 1, 4, 9, 0, 0, 0, s.loc))
	if m := find(out, "sc_digest", ""); m == nil || !strings.Contains(m.Text, "WARNING (ToP 7.1.1)") {
		t.Fatalf("no digest with the warning: %v", kinds(out))
	}
	// Past the due date it is overdue.
	s.now = time.Date(2027, 3, 11, 9, 0, 0, 0, s.loc)
	if d, text := s.digest(); !d.GC.Overdue || !strings.Contains(text, "WARNING (ToP 7.1.1): the next General Conference was due by ") {
		t.Errorf("overdue: %+v\n%s", d.GC, text)
	}

	// A GC a year ago: no warning, and no digest in a week with nothing open.
	s2 := newScenario(t, func(c *config.Config) { c.Digest.Weekday = "monday"; c.Digest.Hour = 8 })
	if _, err := s2.a.Bot.RecordGC(s2.now, time.Date(2026, 1, 20, 0, 0, 0, 0, s2.loc), "test"); err != nil {
		t.Fatal(err)
	}
	if d, text := s2.digest(); d.GC.Warn || strings.Contains(text, "WARNING") || !strings.Contains(text, "20 January 2028.\n") {
		t.Errorf("no warning due: %+v\n%s", d.GC, text)
	}
	if out := s2.at(time.Date(2027, 1, 4, 9, 0, 0, 0, s2.loc)); find(out, "sc_digest", "") != nil {
		t.Errorf("a digest went out with nothing open and no warning")
	}
}

// TestR_7_2_12_ManagementTeamRecordedAndShown: the MT is three SC members, each
// holding a seat (7.2.12); it is shown in the digest; a member leaving her or his
// SC seat leaves the MT with it (7.2.13), and the digest says it is short.
func TestR_7_2_12_ManagementTeamRecordedAndShown(t *testing.T) {
	s := newScenario(t)
	for _, bad := range [][]string{{"th-mwf", "vn-cwd"}, {"th-mwf", "vn-cwd", "th-bsg"}, {"th-mwf", "vn-cwd", "as-res"}, {"th-mwf", "th-mwf", "kh-lrc"}} {
		if _, err := s.a.Bot.SetManagementTeam(s.now, bad, "test"); err == nil {
			t.Errorf("%v was recorded as the MT", bad)
		}
	}
	team, err := s.a.Bot.SetManagementTeam(s.now, []string{"th-mwf", "vn-cwd", "kh-lrc"}, "test")
	if err != nil || len(team) != 3 {
		t.Fatalf("%v %v", team, err)
	}
	d, text := s.digest()
	if len(d.MT) != 3 || !strings.Contains(text, "THE MANAGEMENT TEAM (7.2.12): Cambodian Labour Rights Centre, Migrant Workers Foundation Thailand, Centre for Worker Development Vietnam") {
		t.Errorf("digest MT %+v:\n%s", d.MT, text)
	}
	// The Vietnam seat holder leaves her organisation: the seat, and the MT place, fall vacant.
	if _, err := s.a.Bot.Vacate(s.now, "Vietnam", "left", "test"); err != nil {
		t.Fatal(err)
	}
	if d, text := s.digest(); len(d.MT) != 2 || !strings.Contains(text, "– 2 of 3: an MT member's SC term ended (7.2.13)") {
		t.Errorf("after the Vietnam seat fell vacant: %+v\n%s", d.MT, text)
	}
	if s.seat("Thailand").MT != true || s.seat("Cambodia").MT != true {
		t.Errorf("the other MT members lost their place")
	}
}
