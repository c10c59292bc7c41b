package bot_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/mekongmigration/govbot/internal/bot"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// lastMail is the newest queued mail of kind to addr.
func (w *world) lastMail(kind, addr string) *store.OutMail {
	var out *store.OutMail
	w.db.View(func(tx *store.Tx) error {
		p, _ := tx.Pending()
		for i := range p {
			if p[i].Kind == kind && (addr == "" || p[i].To[0] == addr) {
				out = &p[i]
			}
		}
		return nil
	})
	return out
}

// command sends body as the Secretariat and, when a challenge comes back,
// confirms it; it returns the final outcome.
func (w *world) command(t *testing.T, raw []byte) bot.Result {
	t.Helper()
	res := w.handle(t, raw)
	if !strings.HasPrefix(res.Outcome, "challenge:") {
		return res
	}
	tok := w.token(strings.TrimPrefix(res.Outcome, "challenge:"), "secretariat")
	return w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"] Please confirm", "CONFIRM", ""))
}

func withCSV(from, body, csv string) []byte {
	return []byte("From: " + from + "\r\nTo: govbot@mmn.example\r\nSubject: roster " + fmt.Sprint(len(csv)) + "\r\nMessage-ID: <roster." + base64.RawURLEncoding.EncodeToString([]byte(csv)) + "@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\nContent-Type: text/plain\r\n\r\n" +
		body + "\r\n--X\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=roster.csv\r\n\r\n" + csv + "\r\n--X--\r\n")
}

// TestR_F_SecretariatCommandsByMail: HELP and STATUS answer at once; BALLOT shows
// the form before it opens; bad input gets every problem in one reply and changes
// nothing; ROSTER's answer is the dry run; CANCEL only before any vote.
func TestR_F_SecretariatCommandsByMail(t *testing.T) {
	w := newWorld(t)
	if res := w.handle(t, w.msg("info@mmn.example", "help", "HELP", "")); res.Outcome != "help" {
		t.Fatalf("HELP: %+v", res)
	}
	if m := w.lastMail("command_reply", "info@mmn.example"); m == nil || !strings.Contains(m.Text, "BALLOT") || !strings.Contains(m.Text, "govbot ballot open") {
		t.Errorf("HELP lists the commands with their twins: %v", m)
	}
	if res := w.handle(t, w.msg("a@a.example", "help", "help", "")); res.Outcome != "help" || w.lastMail("help", "a@a.example") == nil {
		t.Errorf("a member's HELP: %+v", res)
	}
	if res := w.handle(t, w.msg("c@c.example", "status", "STATUS", "")); res.Outcome != "refused:not_allowed" {
		t.Errorf("STATUS from a member not on the SC: %+v", res)
	}
	if res := w.handle(t, w.msg("info@mmn.example", "status", "STATUS B1", "")); res.Outcome != "status:B1" {
		t.Errorf("STATUS B1: %+v", res)
	} else if m := w.lastMail("command_reply", "info@mmn.example"); !strings.Contains(m.Text, "Answers so far: 0 of") {
		t.Errorf("STATUS B1 text:\n%s", m.Text)
	}
	if res := w.handle(t, w.msg("info@mmn.example", "status", "STATUS", "")); res.Outcome != "status" || w.lastMail("sc_digest", "info@mmn.example") == nil {
		t.Errorf("STATUS: %+v", res)
	}

	// Bad input: every problem listed, nothing changed.
	res := w.handle(t, w.msg("info@mmn.example", "ballot", "BALLOT\nTitle: Venue\nElectorate: everyone\nCloses: 2020-01-01\nColour: blue", ""))
	if res.Outcome != "refused:bad_command" {
		t.Fatalf("bad BALLOT: %+v", res)
	}
	m := w.lastMail("refusal", "info@mmn.example")
	for _, want := range []string{"Question: is missing", "everyone", "not after today", "colour"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the refusal does not say %q:\n%s", want, m.Text)
		}
	}
	// A good BALLOT: the challenge shows the form; confirming opens it.
	res = w.handle(t, w.msg("info@mmn.example", "ballot", "BALLOT\nTitle: Venue of the GC\nQuestion: Do you agree to meet in Vientiane?\nElectorate: members\nCloses: 2027-03-20", ""))
	ch := w.lastMail("secretariat_challenge", "info@mmn.example")
	if !strings.HasPrefix(res.Outcome, "challenge:") || ch == nil || !strings.Contains(ch.Text, "Do you agree to meet in Vientiane?") || !strings.Contains(ch.Text, "YES") {
		t.Fatalf("BALLOT preview: %+v\n%v", res, ch)
	}
	tok := w.token(strings.TrimPrefix(res.Outcome, "challenge:"), "secretariat")
	if res := w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"]", "CONFIRM", "")); res.Outcome != "confirmed:"+strings.TrimPrefix(tok[:strings.Index(tok, "-")], "")+":command:ballot" {
		t.Fatalf("confirm BALLOT: %+v", res)
	}
	var b2 gov.Ballot
	w.db.View(func(tx *store.Tx) error { b2, _, _ = tx.Ballot("B2"); return nil })
	if b2.Title != "Venue of the GC" {
		t.Fatalf("ballot B2 not opened: %+v", b2)
	}
	// CANCEL: B2 has no vote yet; B1 gets one and can no longer be cancelled.
	if res := w.command(t, w.msg("info@mmn.example", "cancel", "CANCEL B2", "")); res.Outcome != "confirmed:X2:command:cancel" {
		t.Errorf("CANCEL B2: %+v", res)
	}
	if w.lastMail("ballot_cancelled", "a@a.example") == nil {
		t.Error("the electorate was not told of the cancellation")
	}
	w.handle(t, w.msg("a@a.example", "Re: ["+w.token("B1", "a")+"]", "YES", ""))
	if res := w.handle(t, w.msg("info@mmn.example", "cancel", "CANCEL B1", "")); res.Outcome != "refused:bad_command" {
		t.Errorf("CANCEL of a ballot with a vote: %+v", res)
	}

	// ROSTER: a bad file is refused with its errors; a good one is the dry run, then applied.
	bad := "id,name,kind,country,contact_email,language\nz1,Zed,regular,Atlantis,z@z.example,en\n"
	if res := w.handle(t, withCSV("info@mmn.example", "ROSTER", bad)); res.Outcome != "refused:bad_command" {
		t.Errorf("bad ROSTER: %+v", res)
	} else if m := w.lastMail("refusal", "info@mmn.example"); !strings.Contains(m.Text, "line 2") {
		t.Errorf("the refusal does not name the line:\n%s", m.Text)
	}
	good := "id,name,kind,country,contact_email,language\nz1,Zed Foundation,regular,Thailand,z@z.example,en\n"
	res = w.handle(t, withCSV("info@mmn.example", "ROSTER", good))
	if ch := w.lastMail("secretariat_challenge", "info@mmn.example"); !strings.HasPrefix(res.Outcome, "challenge:") || !strings.Contains(ch.Text, "1 organisations added (z1)") {
		t.Fatalf("ROSTER dry run: %+v\n%s", res, ch.Text)
	}
	tok = w.token(strings.TrimPrefix(res.Outcome, "challenge:"), "secretariat")
	w.handle(t, w.msg("info@mmn.example", "Re: ["+tok+"]", "CONFIRM", ""))
	w.db.View(func(tx *store.Tx) error {
		if o, ok, _ := tx.Org("z1"); !ok || o.Name != "Zed Foundation" {
			t.Errorf("roster not imported: %+v", o)
		}
		return nil
	})
	// An unknown command: one reply saying so.
	if res := w.handle(t, w.msg("info@mmn.example", "x", "FROBNICATE everything", "")); res.Outcome != "refused:no_reference" {
		t.Errorf("unknown command: %+v", res)
	}
}
