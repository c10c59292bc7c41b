package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/demo"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// addMembers puts a regular member of each language on f's roster, lang@lang.example.
func addMembers(t *testing.T, f *fixture) {
	t.Helper()
	var orgs []gov.Org
	for _, lang := range gov.Languages {
		orgs = append(orgs, gov.Org{ID: "m-" + lang, Name: "Member " + lang, Kind: gov.Regular, Country: "Thailand",
			Contact: gov.Person{Email: lang + "@" + lang + ".example"}, Language: lang, ReconfirmedThrough: 2026})
	}
	if err := f.db.Update(f.now, func(tx *store.Tx) error { _, _, err := tx.ImportOrgs(orgs); return err }); err != nil {
		t.Fatal(err)
	}
}

// pendingTo returns the pending mails of kind to address.
func pendingTo(t *testing.T, f *fixture, kind, address string) []store.OutMail {
	t.Helper()
	var out []store.OutMail
	f.db.View(func(tx *store.Tx) error {
		pending, err := tx.Pending()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range pending {
			if m.Kind == kind && len(m.To) > 0 && m.To[0] == address {
				out = append(out, m)
			}
		}
		return nil
	})
	return out
}

// TestR_7_1_GCNoticeShowsTheConferenceDay (issue [after 3 of 7] item 2): `gc
// open --date 2027-03-15` (the date read in the network's zone, as the command
// reads it, then stored) mails a notice naming Monday 15 March in every
// language, never the day before.
func TestR_7_1_GCNoticeShowsTheConferenceDay(t *testing.T) {
	f := newFixture(t)
	addMembers(t, f)
	date, err := time.ParseInLocation("2006-01-02", "2027-03-15", loc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.OpenGC(f.now, date); err != nil {
		t.Fatal(err)
	}
	day := map[string][2]string{ // the 15th, and the 14th it must not show
		"en": {"Monday 15 March 2027", "14 March 2027"},
		"th": {"วันจันทร์ที่ 15 มีนาคม 2027", "14 มีนาคม 2027"},
		"vi": {"Thứ Hai, ngày 15 tháng 3 năm 2027", "ngày 14 tháng 3"},
		"zh": {"2027年3月15日（星期一）", "2027年3月14日"},
		"km": {"ថ្ងៃច័ន្ទ ទី15 ខែមីនា ឆ្នាំ2027", "ទី14 ខែមីនា"},
		"lo": {"ວັນຈັນ ທີ 15 ມີນາ 2027", "ທີ 14 ມີນາ"},
		"my": {"တနင်္လာနေ့၊ 2027 ခုနှစ် မတ်လ 15 ရက်", "မတ်လ 14 ရက်"},
	}
	for _, lang := range gov.Languages {
		mails := pendingTo(t, f, "gc_notice", lang+"@"+lang+".example")
		if len(mails) != 1 {
			t.Fatalf("%s: %d GC notices", lang, len(mails))
		}
		m := mails[0]
		member, _, _ := strings.Cut(m.Text, "---- English ----")
		for _, part := range []struct{ name, text, want, not string }{
			{"subject", m.Subject, day[lang][0], day[lang][1]},
			{"member's part", member, day[lang][0], day[lang][1]},
			{"English part", m.Text, day["en"][0], day["en"][1]},
		} {
			if !strings.Contains(part.text, part.want) || strings.Contains(part.text, part.not) {
				t.Errorf("%s: the %s does not name %q (or names %q):\n%s", lang, part.name, part.want, part.not, part.text)
			}
		}
	}
}

// replyTo is the member's reply to form m: body above the quoted form.
func replyTo(f *fixture, m store.OutMail, body string) []byte {
	h := []string{"In-Reply-To: <" + m.MessageID + ">", "References: <" + m.MessageID + ">"}
	return demo.Message(m.To[0], "", "govbot@mmn.example", "Re: "+m.Subject, body+"\n\n> "+strings.ReplaceAll(m.Text, "\n", "\n> "), f.now, h...)
}

// TestRefusalListsTheProcedureAnswers (issue [after 3 of 7] item 1): a member
// who answers the re-confirmation form or the General Conference's notice
// with a word of another procedure (YES, as every other form asks) is refused
// with that procedure's answer, RECONFIRM or ATTEND, in its language and in
// English, never told to reply YES, NO or ABSTAIN to a voting form.
func TestRefusalListsTheProcedureAnswers(t *testing.T) {
	f := newFixture(t)
	addMembers(t, f)
	if _, err := f.b.OpenCampaign(f.now, 2027); err != nil {
		t.Fatal(err)
	}
	date, _ := time.ParseInLocation("2006-01-02", "2027-06-15", loc)
	if _, err := f.b.OpenGC(f.now, date); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ form, want string }{{"reconfirm_form", "reconfirm"}, {"gc_notice", "attend"}} {
		for _, lang := range gov.Languages {
			to := lang + "@" + lang + ".example"
			forms := pendingTo(t, f, c.form, to)
			if len(forms) != 1 {
				t.Fatalf("%s: %d %s", lang, len(forms), c.form)
			}
			res := f.handle(t, replyTo(f, forms[0], "YES"))
			if res.Outcome != "refused:no_answer" {
				t.Fatalf("%s/%s: YES gives %q", lang, c.form, res.Outcome)
			}
			refusals := pendingTo(t, f, "refusal", to)
			m := refusals[len(refusals)-1]
			word := strings.ToUpper(c.want)
			text := strings.NewReplacer("«YES»", "", "“YES”", "").Replace(m.Text) // what the reader read, quoted
			for _, bad := range []string{"voting form", "YES", "ABSTAIN"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s/%s: the refusal says %q:\n%s", lang, c.form, bad, m.Text)
				}
			}
			if strings.Count(m.Text, word) < 2 {
				t.Errorf("%s/%s: the refusal does not list %s in both parts:\n%s", lang, c.form, word, m.Text)
			}
		}
	}
}

// TestVoteRefusalSaysWhyInTheMembersLanguage (item 3): a vote the reader is
// unsure of is refused with the reason in the member's language, quoting what
// it read, and the English reason only in the English part.
func TestVoteRefusalSaysWhyInTheMembersLanguage(t *testing.T) {
	f := newFixture(t)
	if err := f.db.Update(f.now, func(tx *store.Tx) error {
		o, _, err := tx.Org("a")
		if err != nil {
			return err
		}
		o.Language = "th"
		return tx.PutOrg(o)
	}); err != nil {
		t.Fatal(err)
	}
	if res := f.handle(t, f.reply("a@a.example", "a@a.example", "YES if the budget is revised")); res.Outcome != "refused:no_answer" && res.Outcome != "refused:ambiguous" {
		t.Fatalf("outcome %q", res.Outcome)
	}
	refusals := pendingTo(t, f, "refusal", "a@a.example")
	if len(refusals) == 0 {
		t.Fatal("no refusal")
	}
	member, english, _ := strings.Cut(refusals[len(refusals)-1].Text, "---- English ----")
	if !strings.Contains(member, "เหตุผล: คำตอบของท่านมีเงื่อนไขหรือความไม่แน่ใจ เราอ่านได้ว่า: «YES if the budget is revised»") {
		t.Errorf("the Thai part does not say why in Thai:\n%s", member)
	}
	if !strings.Contains(english, "Why: your answer depends on a condition or a doubt") {
		t.Errorf("the English part lacks the reason:\n%s", english)
	}
}
