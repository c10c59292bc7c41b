package gov

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The rules of the ToP's second pass: 5.1.1 (regular members are GMS-based),
// the facts the printed forms lack (6.1, 6.5), 7.1.1 (a GC at least every two
// years) and 7.2.12-7.2.14 (the Management Team).

var topCountries = []string{"TH", "KH", "VN", "MM", "LA", "CN"}

func regularCase(country string) Application {
	return Application{ID: "A1", Kind: AppRegular, Name: "New Org", Country: country, AgreedToP: true, Confirmed: true,
		Fields: map[string]string{"org_name": "New Org", "chair": "C", "contact_name": "P", "contact_email": "p@new.example",
			"alternate_name": "Q", "alternate_email": "q@new.example", "country": country},
		Contact:   Person{Email: "p@new.example"},
		Documents: []Document{{Key: "constitution"}, {Key: "annual_report"}, {Key: "endorsement"}}, EndorserText: "Thai Org One"}
}

var regularRequired = []string{"org_name", "chair", "contact_name", "contact_email", "alternate_name", "alternate_email", "country",
	"doc_constitution", "doc_annual_report", "doc_endorsement", "agree_top"}

func questionKeys(a Application) []string {
	var out []string
	for _, q := range a.Questions {
		out = append(out, q.Key)
	}
	return out
}

// TestR_5_1_1_RegularApplicantOutsideCountriesIsHeld: a complete regular
// application from outside the network's countries is held for the Secretariat
// with the reason (no notice to members, nothing to the applicant); an associate
// may be anywhere; a regular applicant of a GMS country goes on.
func TestR_5_1_1_RegularApplicantOutsideCountriesIsHeld(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	check := Checklist{Required: regularRequired, Countries: topCountries}

	a := CheckCompleteness(testNow, env, regularCase("Philippines"), orgs, check)
	if len(a.Missing) != 0 || !slices.Equal(questionKeys(a), []string{"gms_based"}) {
		t.Fatalf("missing %v, questions %v; want none missing and the gms_based question", a.Missing, questionKeys(a))
	}
	if why := a.Questions[0].Why; !strings.Contains(why, `"Philippines"`) || !strings.Contains(why, "5.1.1") || !strings.Contains(why, "TH, KH") {
		t.Errorf("reason %q does not name the country, the clause and the network's countries", why)
	}
	a, voters, mails := Advance(testNow, env, a, orgs, seats)
	if a.State != CaseHeld || len(voters) != 0 {
		t.Fatalf("state %s, %d voters; want held, none", a.State, len(voters))
	}
	if len(mails) != 1 || mails[0].Kind != "application_question" || !slices.Equal(mails[0].To, env.Secretariat) {
		t.Fatalf("mails %+v; want one application_question to the Secretariat", mails)
	}
	// Advancing again (another document, say) does not ask twice.
	if _, _, again := Advance(testNow.Add(time.Hour), env, a, orgs, seats); len(again) != 0 {
		t.Errorf("asked again: %v", again)
	}

	// The Secretariat answers with a GMS country: the case goes on.
	b := a
	b.Country, b.Fields["country"] = "TH", "TH"
	b = CheckCompleteness(testNow, env, b, orgs, check)
	b, _, mails = Advance(testNow, env, b, orgs, seats)
	if b.State != CaseOpinions || len(mailsOf(mails, "case_notice")) == 0 {
		t.Errorf("after the answer: %s, %d notices", b.State, len(mailsOf(mails, "case_notice")))
	}

	// An associate may be anywhere (5.2.1).
	as := Application{ID: "A2", Kind: AppAssociateOrg, Name: "Far Org", Country: "Philippines", AgreedToP: true, Confirmed: true,
		Fields: map[string]string{"org_name": "Far Org", "org_description": "d", "chair": "c", "contact_name": "p", "contact_email": "p@far.example", "country": "Philippines"}}
	as = CheckCompleteness(testNow, env, as, orgs, Checklist{Required: []string{"org_name", "org_description", "chair", "contact_name", "contact_email", "country", "agree_top"}, Countries: topCountries})
	if len(as.Missing)+len(as.Questions) != 0 {
		t.Errorf("associate from the Philippines: missing %v, questions %v; want neither", as.Missing, questionKeys(as))
	}
	// With no countries configured nothing is checked.
	if a := CheckCompleteness(testNow, env, regularCase("Philippines"), orgs, Checklist{Required: regularRequired}); len(a.Questions) != 0 {
		t.Errorf("without countries: %v", questionKeys(a))
	}
}

// TestR_6_1_PrintedFormLacksAreQuestionsNotOmissions: what the ToP's printed form
// has no field for (a regular applicant's country, endorser and e-mail
// addresses; an associate's country) is asked of the Secretariat by name, with
// what to reply; what the form has a field for stays the applicant's omission.
func TestR_6_1_PrintedFormLacksAreQuestionsNotOmissions(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	a := regularCase("")
	a.Country, a.EndorserText = "", ""
	for _, k := range []string{"country", "contact_email", "alternate_email", "chair"} {
		delete(a.Fields, k)
	}
	a.Suggested = map[string]string{"country": "TH or KH (both named in the letters)"}
	a = CheckCompleteness(testNow, env, a, orgs, Checklist{Required: regularRequired, Countries: topCountries})
	if !slices.Equal(a.Missing, []string{"chair"}) {
		t.Errorf("missing %v; want only chair (the printed form has that field)", a.Missing)
	}
	if want := []string{"contact_email", "alternate_email", "country", "endorser"}; !slices.Equal(questionKeys(a), want) {
		t.Fatalf("questions %v; want %v", questionKeys(a), want)
	}
	for _, q := range a.Questions {
		if !strings.HasPrefix(q.Why, "The ToP form has no") || !strings.Contains(q.Reply, ": …") {
			t.Errorf("question %+v does not say what the form lacks and what to reply", q)
		}
	}
	if q := a.Questions[2]; q.Reply != "Country: …" || q.Read != "TH or KH (both named in the letters)" {
		t.Errorf("country question %+v", q)
	}
	// Both lists go out: the omission to the applicant and the Secretariat, the
	// questions to the Secretariat alone.
	a, _, mails := Advance(testNow, env, a, orgs, seats)
	if a.State != CaseIncomplete || len(mailsOf(mails, "application_missing")) != 2 || len(mailsOf(mails, "application_question")) != 1 {
		t.Fatalf("state %s, mails %v", a.State, mails)
	}
	q := mailsOf(mails, "application_question")[0]
	if !slices.Equal(q.To, env.Secretariat) {
		t.Errorf("question to %v", q.To)
	}
	// An associate organisation's form has no country field either.
	as := CheckCompleteness(testNow, env, Application{Kind: AppAssociateOrg, AgreedToP: true, Fields: map[string]string{"org_name": "x"}}, orgs,
		Checklist{Required: []string{"org_name", "country", "agree_top"}})
	if !slices.Equal(questionKeys(as), []string{"country"}) || len(as.Missing) != 0 {
		t.Errorf("associate: questions %v, missing %v", questionKeys(as), as.Missing)
	}
	// A named endorser who is not a regular member is the applicant's to fix.
	b := regularCase("TH")
	b.EndorserText = "Nobody We Know"
	if b = CheckCompleteness(testNow, env, b, orgs, Checklist{Required: regularRequired}); !slices.Contains(b.Missing, "endorser") || len(b.Questions) != 0 {
		t.Errorf("unknown endorser: missing %v, questions %v", b.Missing, questionKeys(b))
	}
}

// TestR_7_1_1_NextGCDue: the next GC is due two years after the last one held;
// the digest warns once more than warnMonths months have passed; a GC dated
// later is the one scheduled, not the last.
func TestR_7_1_1_NextGCDue(t *testing.T) {
	loc := bangkok(t)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	meetings := []Meeting{{ID: "G1", Date: day(2023, 9, 10)}, {ID: "G2", Date: day(2025, 9, 15)}, {ID: "G3", Date: day(2027, 8, 1)}}
	tests := []struct {
		now                 time.Time
		warn, overdue, none bool
		last, next          string
	}{
		{time.Date(2026, 1, 1, 9, 0, 0, 0, loc), false, false, false, "G2", "G3"},
		{time.Date(2027, 6, 15, 23, 59, 0, 0, loc), false, false, false, "G2", "G3"}, // exactly 21 months: not more
		{time.Date(2027, 6, 16, 0, 0, 0, 0, loc), true, false, false, "G2", "G3"},
		{time.Date(2027, 8, 1, 8, 0, 0, 0, loc), false, false, false, "G3", ""}, // G3 held today
	}
	for _, tt := range tests {
		d := NextGC(tt.now, loc, meetings, 21)
		if d.Warn != tt.warn || d.Overdue != tt.overdue || d.None != tt.none || d.LastID != tt.last || d.NextID != tt.next {
			t.Errorf("at %s: %+v", tt.now, d)
		}
	}
	d := NextGC(time.Date(2027, 9, 15, 12, 0, 0, 0, loc), loc, meetings[:2], 21)
	if !d.Due.Equal(day(2027, 9, 15)) || !d.WarnFrom.Equal(day(2027, 6, 16)) || !d.Warn || d.Overdue {
		t.Errorf("on the last day: %+v", d)
	}
	if d := NextGC(time.Date(2027, 9, 16, 0, 0, 0, 0, loc), loc, meetings[:2], 21); !d.Overdue {
		t.Errorf("the day after: not overdue")
	}
	if d := NextGC(time.Date(2027, 9, 16, 0, 0, 0, 0, loc), loc, meetings[:2], 0); d.Warn || !d.Overdue {
		t.Errorf("warnMonths 0: %+v", d)
	}
	if d := NextGC(time.Date(2027, 1, 1, 0, 0, 0, 0, loc), loc, nil, 21); !d.None || d.Warn {
		t.Errorf("no GC recorded: %+v", d)
	}
}

// TestR_7_2_12_ManagementTeam: three different SC members, each holding a seat;
// the Regional Coordinator only when allowed; recording anew replaces the team.
func TestR_7_2_12_ManagementTeam(t *testing.T) {
	_, seats := testRoster()
	tests := []struct {
		ids     []string
		allowRC bool
		code    string
	}{
		{[]string{"th1", "kh1", "mm1"}, false, ""},
		{[]string{"th1", "kh1"}, false, "mt_size"},
		{[]string{"th1", "kh1", "mm1", "rc"}, false, "mt_size"},
		{[]string{"th1", "TH1", "kh1"}, false, "mt_twice"},
		{[]string{"th1", "kh1", "vn1"}, false, "mt_no_seat"}, // vn1 holds no seat
		{[]string{"th1", "kh1", "as1"}, false, "mt_no_seat"},
		{[]string{"th1", "kh1", "rc"}, false, "mt_rc"},
		{[]string{"th1", "kh1", "rc"}, true, ""},
	}
	for _, tt := range tests {
		got, err := SetManagementTeam(seats, tt.ids, tt.allowRC)
		code := ""
		if e, ok := err.(*Error); ok {
			code = e.Code
		} else if err != nil {
			t.Fatalf("%v: %v", tt.ids, err)
		}
		if code != tt.code {
			t.Errorf("%v (rc allowed %v): code %q, want %q (%v)", tt.ids, tt.allowRC, code, tt.code, err)
			continue
		}
		if err == nil && len(ManagementTeam(got)) != MTSize {
			t.Errorf("%v: team %v", tt.ids, ManagementTeam(got))
		}
	}
	first, _ := SetManagementTeam(seats, []string{"th1", "kh1", "mm1"}, false)
	second, _ := SetManagementTeam(first, []string{"th1", "kh1", "rc"}, true)
	var ids []string
	for _, s := range ManagementTeam(second) {
		ids = append(ids, s.OrgID)
	}
	if !slices.Equal(ids, []string{"th1", "kh1", "rc"}) {
		t.Errorf("recorded anew: %v", ids)
	}
	if ManagementTeam(seats) != nil || seats[0].MT {
		t.Errorf("SetManagementTeam changed its argument")
	}
}
