package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/store"
)

// TestR_5_1_3_AlternateWarned: `roster import` accepts regular members without an
// alternate and warns, line by line; `roster list` marks them and warns again;
// an associate is not asked for one (5.2).
func TestR_5_1_3_AlternateWarned(t *testing.T) {
	h := newHarness(t)
	f := h.file(t, "roster.csv", rosterCSV)
	out := h.mustRun(t, "roster", "import", "--dry-run", f)
	if !strings.Contains(out, "warning: line 3: alternate_email: b is a regular member with no alternate") {
		t.Errorf("dry run lacks the warning:\n%s", out)
	}
	out = h.mustRun(t, "roster", "import", f)
	for _, want := range []string{"4 organisations added", "warning: line 3: alternate_email: b is a regular member with no alternate (ToP 5.1.3", "warning: line 4: alternate_email: c is"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "line 2:") || strings.Contains(out, "line 5:") {
		t.Errorf("a member with an alternate, or an associate, was warned about:\n%s", out)
	}
	out = h.mustRun(t, "roster", "list")
	if !strings.Contains(out, "warning: 2 regular members have no alternate (ToP 5.1.3 asks for a contact and an alternate): b, c") {
		t.Errorf("roster list lacks the warning:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		missing := strings.Contains(l, "MISSING")
		if want := f[0] == "b" || f[0] == "c"; missing != want {
			t.Errorf("line of %s: MISSING %v, want %v:\n%s", f[0], missing, want, l)
		}
	}
	var list []Standing
	if err := json.Unmarshal([]byte(h.mustRun(t, "roster", "list", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if want := s.ID == "b" || s.ID == "c"; (len(s.Warnings) > 0) != want {
			t.Errorf("%s: warnings %v", s.ID, s.Warnings)
		}
	}
}

// TestR_5_1_8_RosterShowsLapsed: nothing on a lapsed organisation's line of
// `roster list` reads as a current membership, even a re-confirmation year
// recorded before the lapse was enforced; re-importing the roster file keeps it
// lapsed, with a warning. Associates' RECONFIRMED column says n/a (5.2).
func TestR_5_1_8_RosterShowsLapsed(t *testing.T) {
	h := newHarness(t)
	f := h.file(t, "roster.csv", rosterCSV)
	h.mustRun(t, "roster", "import", f)
	db, err := store.Open(filepath.Join(h.dir, "govbot.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(time.Now(), func(tx *store.Tx) error {
		o, _, err := tx.Org("c")
		if err != nil {
			return err
		}
		o.Lapsed, o.ReconfirmedThrough = true, 2028
		return tx.PutOrg(o)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	line := func(out, id string) string {
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 0 && f[0] == id {
				return l
			}
		}
		t.Fatalf("no line for %s:\n%s", id, out)
		return ""
	}
	out := h.mustRun(t, "roster", "list")
	if l := line(out, "c"); !strings.Contains(l, "LAPSED") || strings.Contains(l, "2028") || strings.Contains(l, "MISSING") {
		t.Errorf("lapsed line: %s", l)
	}
	if l := line(out, "d"); !strings.Contains(l, "n/a") || strings.Contains(l, "2026") {
		t.Errorf("associate's line: %s", l)
	}
	out = h.mustRun(t, "roster", "import", f)
	if !strings.Contains(out, "c has lapsed (ToP 5.1.8) and stays lapsed") {
		t.Errorf("re-import lacks the warning:\n%s", out)
	}
	if l := line(h.mustRun(t, "roster", "list"), "c"); !strings.Contains(l, "LAPSED") {
		t.Errorf("re-import un-lapsed c: %s", l)
	}
}
