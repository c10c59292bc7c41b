package cli

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

const scCSV = `seat,org_id,voting,term_start,term_end,consecutive_terms
Thailand,a,yes,2026-06-01,2028-05-31,1
Cambodia,b,yes,2026-06-01,2028-05-31,1
Vietnam,c,yes,2026-06-01,2028-05-31,2
`

// TestR_7_2_12_MTSetShownInSCListAndDigest: `sc mt set` records three SC members
// as the Management Team; `sc list` and the digest show it; an organisation
// without a seat, or two organisations, are refused with the reason.
func TestR_7_2_12_MTSetShownInSCListAndDigest(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "roster", "import", h.file(t, "roster.csv", rosterCSV))
	h.mustRun(t, "sc", "import", h.file(t, "sc.csv", scCSV))
	if out := h.mustRun(t, "sc", "list"); !strings.Contains(out, "Management Team (7.2.12): not recorded") {
		t.Errorf("sc list before:\n%s", out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"a", "b", "d"}, "d holds no SC seat"},
		{[]string{"a", "b"}, "want the 3 organisations"},
		{[]string{"a", "a", "b"}, "a is named twice"},
	} {
		code, out, errs := h.run(t, append([]string{"sc", "mt", "set"}, bad.args...)...)
		if code == 0 || !strings.Contains(out+errs, bad.want) {
			t.Errorf("sc mt set %v: exit %d, %q%q; want a refusal saying %q", bad.args, code, out, errs, bad.want)
		}
	}
	out := h.mustRun(t, "sc", "mt", "set", "a", "b", "c")
	if !strings.Contains(out, "a (Thailand seat), until 2028-05-31") {
		t.Errorf("sc mt set:\n%s", out)
	}
	out = h.mustRun(t, "sc", "list")
	for _, want := range []string{"Alpha Org – MT (a)", "Management Team (7.2.12): Beta Org (b), Alpha Org (a), Gamma Org (c)"} {
		if !strings.Contains(out, want) {
			t.Errorf("sc list lacks %q:\n%s", want, out)
		}
	}
	if out := h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "digest"); !strings.Contains(out, "THE MANAGEMENT TEAM (7.2.12): Beta Org, Alpha Org, Gamma Org") {
		t.Errorf("digest:\n%s", out)
	}
}

// TestR_7_1_1_GCShowsWhenTheNextIsDue: `gc` says that nothing is recorded, then,
// once the last General Conference is recorded, by when the next is due and
// from when the digest warns; past 21 months it warns.
func TestR_7_1_1_GCShowsWhenTheNextIsDue(t *testing.T) {
	h := newHarness(t)
	if out := h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "gc"); !strings.Contains(out, "No General Conference is recorded") {
		t.Errorf("gc with none:\n%s", out)
	}
	if code, _, errs := h.run(t, "--now", "2026-12-03T09:00:00+07:00", "gc", "record", "--date", "2027-02-01"); code == 0 || !strings.Contains(errs, "gc open") {
		t.Errorf("a conference still to come was recorded: exit %d %s", code, errs)
	}
	h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "gc", "record", "--date", "2025-09-15")
	out := h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "gc")
	for _, want := range []string{"G1  2025-09-15", "The last General Conference was G1 on 2025-09-15. The next is due by 2027-09-15", "The digest warns from 2027-06-16 (membership.gc_warn_months: 21)"} {
		if !strings.Contains(out, want) {
			t.Errorf("gc lacks %q:\n%s", want, out)
		}
	}
	if out := h.mustRun(t, "--now", "2027-06-16T09:00:00+07:00", "gc", "list"); !strings.Contains(out, "WARNING: more than 21 months have passed") {
		t.Errorf("gc list past 21 months:\n%s", out)
	}
	if out := h.mustRun(t, "--now", "2027-06-16T09:00:00+07:00", "digest"); !strings.Contains(out, "WARNING (ToP 7.1.1)") {
		t.Errorf("digest past 21 months:\n%s", out)
	}
}

// TestR_6_1_CaseShowListsTheSecretariatsQuestions: `case show` lists what the
// Secretariat is asked (not the applicant) and the facts read from letters.
func TestR_6_1_CaseShowListsTheSecretariatsQuestions(t *testing.T) {
	h := newHarness(t)
	db, err := store.Open(filepath.Join(h.dir, "govbot.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	a := gov.Application{ID: "A1", Kind: gov.AppRegular, State: gov.CaseHeld, Name: "Mekong Youth Centre", Confirmed: true,
		Fields:    map[string]string{"endorser": "Gamma Org"},
		ReadFrom:  map[string]string{"endorser": "the letter endorsement.pdf"},
		Questions: []gov.Question{{Key: "country", Why: "The ToP form has no country field", Reply: "Country: …", Read: "Vietnam or Lao PDR (each named in the cover letter)"}}}
	if err := db.Update(time.Now(), func(tx *store.Tx) error { return tx.PutCase(a) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := h.mustRun(t, "case", "show", "A1")
	for _, want := range []string{"question    The ToP form has no country field: reply with Country: …", "the bot read: Vietnam or Lao PDR", "read        endorser: Gamma Org, from the letter endorsement.pdf"} {
		if !strings.Contains(out, want) {
			t.Errorf("case show lacks %q:\n%s", want, out)
		}
	}
}
