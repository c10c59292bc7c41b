package render

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/templates"
)

func sampleData(t *testing.T) map[string]any {
	t.Helper()
	loc, _ := time.LoadLocation("Asia/Bangkok")
	closes := time.Date(2027, 3, 16, 0, 0, 0, 0, loc)
	b := gov.BallotView{ID: "B1", Title: "Adopt the plan", Question: "Do you adopt the plan?", Electorate: gov.ElectorateMembers, ClosesAt: closes, ClosesOn: "2027-03-15", ElectorateSize: 10, QuorumRequired: 6, Fingerprint: "abcdef0123456789"}
	v := gov.Voter{OrgID: "th-mwf", Name: "Migrant Workers Foundation", Country: "Thailand", Language: "th", Addresses: []string{"a@x.example"}, Token: "B1-ABCDEFGH"}
	tally := gov.Tally{Count: gov.Count{Yes: 4, No: 2, Abstain: 1}, QuorumBase: 10, QuorumRequired: 6, QuorumMet: true, Outcome: gov.OutcomeCarried}
	return map[string]any{
		"ballot_form":            gov.FormData{Ballot: b, Voter: v, Token: v.Token},
		"ballot_reminder":        gov.FormData{Ballot: b, Voter: v, Token: v.Token, Reminder: 2},
		"vote_receipt":           gov.ReceiptData{Ballot: b, Voter: v, Choice: gov.Yes, RecordedAt: closes.Add(-48 * time.Hour), Replaced: gov.No},
		"refusal":                gov.RefusalData{Code: gov.RefuseLate, Reason: "too late", Ballot: &b, Subject: "Re: vote"},
		"ballot_opened":          gov.OpenedData{Ballot: b, Voters: []gov.Voter{v}},
		"ballot_result_sc":       gov.ResultData{Ballot: b, Tally: tally, Lines: []gov.ResultLine{{OrgID: "th-mwf", Name: "Migrant Workers Foundation", Country: "Thailand", Choice: gov.Yes}}, AuditHead: sampleAuditHead},
		"ballot_result_members":  gov.ResultData{Ballot: b, Tally: tally},
		"delivery_failure":       gov.DeliveryFailureData{To: []string{"a@x.example"}, Subject: "s", Kind: "ballot_form", Error: "550 no such user"},
		"application_receipt":    appData(closes, ""),
		"application_confirm":    appData(closes, ""),
		"application_missing":    appData(closes, ""),
		"application_letter":     appData(closes, ""),
		"application_update":     appData(closes, "documents added [annual_report: report.pdf]"),
		"application_outcome":    appData(closes, "Welcome."),
		"case_opened_sc":         appData(closes, ""),
		"case_sc_papers":         appData(closes, ""),
		"case_warning":           appData(closes, "one month is left"),
		"case_no_quorum":         appData(closes, ""),
		"case_outcome_sc":        withAuditHead(appData(closes, "")),
		"case_outcome_members":   appData(closes, ""),
		"objection_notice":       appData(closes, ""),
		"case_notice":            gov.CaseNoticeData{Case: caseView(closes), Voter: v, Token: "A1-ABCDEFGH"},
		"opinion_reminder":       gov.CaseNoticeData{Case: caseView(closes), Voter: v, Token: "A1-ABCDEFGH", Reminder: 2},
		"opinion_receipt":        gov.OpinionData{Case: caseView(closes), Token: "A1-ABCDEFGH", Opinion: opinion(closes), Replaced: "comment"},
		"opinion_needs_reasons":  gov.OpinionData{Case: caseView(closes), Token: "A1-ABCDEFGH", Opinion: opinion(closes)},
		"opinion_to_sc":          gov.OpinionData{Case: caseView(closes), Opinion: opinion(closes)},
		"reconfirm_form":         gov.ReconfirmData{Org: org(), Year: 2026, Fee: 15, Income: 12000, Deadline: closes, Token: "R2026-ABCDEFGH", Reminder: 2},
		"reconfirm_receipt":      gov.ReconfirmReceiptData{Org: org(), Year: 2026, Fee: 15, Deadline: closes, Token: "R2026-ABCDEFGH", Income: 30000, ContactChange: &gov.ContactChange{ID: "C1", Role: "contact", Old: gov.Person{Email: "a@x.example"}, New: gov.Person{Email: "b@x.example"}}},
		"standing_change":        gov.StandingData{Org: org(), Year: 2026, Event: "lapsed"},
		"campaign_report":        gov.CampaignReportData{Year: 2026, VotingRightsLost: []string{"A"}, Lapsed: []string{"B"}},
		"contact_confirm":        contactData(),
		"contact_pending":        contactData(),
		"contact_changed":        contactData(),
		"payment_receipt":        gov.PaymentReceiptData{Recorded: []string{"th-mwf 2026 50"}, Failed: []string{"xx: no organisation"}},
		"gc_notice":              gov.GCNoticeData{Meeting: gov.Meeting{ID: "G1", Date: closes}, Voter: v, Token: "G1-ABCDEFGH"},
		"gc_receipt":             gov.GCNoticeData{Meeting: gov.Meeting{ID: "G1", Date: closes}, Voter: v},
		"gc_report":              gov.GCReport{Meeting: "G1", Date: "2027-03-15", Countries: []string{"Thailand", "Vietnam"}, CountriesNeeded: 4, Present: 5, Membership: 20, SharePercent: 25, ShareNeeded: 25, ShareMet: true, RegularAttending: 4, Decisions: []gov.GCDecision{{Title: "Amend 7.2.15", Yes: 3, Carried: true}}},
		"seat_vacancy":           nomData(closes),
		"seat_recommend":         nomData(closes),
		"seat_recommend_receipt": nomData(closes),
		"seat_recommendations":   nomData(closes),
		"nomination_notice":      nomData(closes),
		"seat_opinion_receipt":   nomData(closes),
		"seat_opinion_to_sc":     nomData(closes),
		"seat_sc_papers":         nomData(closes),
		"seat_filled":            nomData(closes),
		"seat_sc_appoints":       nomData(closes),
		"seat_failed":            nomData(closes),
		"seat_chair_vacant":      nomData(closes),
		"quarantine_notice":      gov.QuarantineData{ID: "Q1", MessageID: "CAB1234@mail.example", From: "a@x.example", Subject: "Re: [B1-ABCDEFGH] Adopt the plan", Received: "2027-03-10 09:15 +07", Attempts: 3, Error: "handle: panic: runtime error"},
		"command_reply":          gov.CommandReplyData{Command: "STATUS", Title: "Status of B1", Lines: []string{"B1 – Adopt the plan (members)", "Answers so far: 4 of 10 (quorum 6): YES 3, NO 1, ABSTAIN 0"}},
		"help":                   gov.HelpData{Org: "Migrant Workers Foundation"},
		"ballot_cancelled":       gov.BallotCancelledData{Ballot: b, Voter: v},
		"applications_held":      gov.ApplicationsHeldData{Hour: "2027-03-10 09:00 UTC", Limit: 5, Cases: []gov.HeldCase{{ID: "A7", Name: "Mekong Youth Centre", From: "lan@myc.example"}}},
		"secretariat_challenge":  gov.ChallengeData{ID: "X1", Token: "X1-ABCDEFGH", Action: "WITHDRAW application A3 (Mekong Youth Centre, Vietnam): it is closed and the applicant is told", Subject: "Re: [A3-ABCDEFGH] application", Expires: closes},
		"action_notice":          gov.ActionNoticeData{Action: "withdraw", Ref: "A3", Name: "Mekong Youth Centre", By: "info@mmn.example", At: closes},
		"sc_digest": gov.DigestData{Week: "2027-W10", At: closes.Add(-7 * 24 * time.Hour), Ballots: []gov.DigestBallot{{Ballot: b, Tally: tally, DaysLeft: 7, Missing: []gov.Voter{v}}},
			Cases: []gov.DigestCase{{Case: caseView(closes), Next: "members' opinions", Deadline: closes, Opinions: 3}}, AuditHead: sampleAuditHead},
	}
}

func TestEveryTemplateRendersInEveryLanguage(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	r, err := New(templates.FS, Options{Location: loc, Network: "Test Network"})
	if err != nil {
		t.Fatal(err)
	}
	data := sampleData(t)
	for _, kind := range r.Kinds() {
		if _, ok := data[kind]; !ok {
			t.Errorf("template %s has no sample data in this test", kind)
		}
	}
	for kind, d := range data {
		if !r.Has("en", kind) {
			t.Errorf("no English template for %s", kind)
			continue
		}
		for _, lang := range gov.Languages {
			got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: d})
			if err != nil {
				t.Errorf("%s/%s: %v", lang, kind, err)
				continue
			}
			if got.Subject == "" || strings.ContainsAny(got.Subject, "\r\n") {
				t.Errorf("%s/%s: subject %q", lang, kind, got.Subject)
			}
			if !strings.Contains(got.HTML, "<html") || !strings.Contains(got.Text, "Test Network") {
				t.Errorf("%s/%s: text or HTML incomplete", lang, kind)
			}
			if lang != "en" && r.Has(lang, kind) && !strings.Contains(got.Text, "---- English ----") {
				t.Errorf("%s/%s: no English text below the translation", lang, kind)
			}
		}
	}
}

func TestFormsCarryTheMarkerAndToken(t *testing.T) {
	r, err := New(templates.FS, Options{Marker: func(lang string) string { return "##- marker " + lang + " -##" }})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: "en", Data: sampleData(t)["ballot_form"]})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.Text, "##- marker en -##") {
		t.Errorf("the form does not start with the marker:\n%s", got.Text)
	}
	if !strings.Contains(got.Subject, "B1-ABCDEFGH") || !strings.Contains(got.Text, "B1-ABCDEFGH") {
		t.Errorf("token missing from subject %q or body", got.Subject)
	}
}

// TestSubjectWithLineBreakIsOneLine: a line break in data cannot add a header;
// the subject is one line, the break a space.
func TestSubjectWithLineBreakIsOneLine(t *testing.T) {
	r, err := New(templates.FS, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := sampleData(t)["ballot_result_members"].(gov.ResultData)
	d.Ballot.Title = "Plan\r\nBcc: everyone@example.org\u2028X-Y: z"
	got, err := r.Render(gov.Mail{Kind: "ballot_result_members", Lang: "en", Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Result of B1: CARRIED – Plan Bcc: everyone@example.org X-Y: z"; got.Subject != want {
		t.Errorf("subject %q, want %q", got.Subject, want)
	}
	if got.Degraded != nil {
		t.Errorf("Degraded = %v, want nil", got.Degraded)
	}
}

func TestMissingKeyAndBrokenTemplatesFailAtStart(t *testing.T) {
	broken := fstest.MapFS{
		"layout.html":    {Data: []byte(`{{.Subject}}`)},
		"en/x.tmpl":      {Data: []byte(`{{define "subject"}}s{{end}}{{define "body"}}{{.Nope}}{{end}}`)},
		"en/nobody.tmpl": {Data: []byte(`{{define "subject"}}s{{end}}`)},
		"en/syntax.tmpl": {Data: []byte(`{{define "subject"}}{{if}}{{end}}`)},
	}
	_, err := New(broken, Options{})
	if err == nil || !strings.Contains(err.Error(), `en/nobody.tmpl: no "body" template`) || !strings.Contains(err.Error(), "syntax.tmpl") {
		t.Errorf("err = %v; want both problems", err)
	}
	ok := fstest.MapFS{
		"layout.html":  {Data: []byte(`{{.Subject}}{{range .Parts}}{{.HTML}}{{end}}{{.Footer}}{{.Lang}}`)},
		"en/x.tmpl":    {Data: []byte(`{{define "subject"}}s{{end}}{{define "body"}}{{.Nope}}{{end}}`)},
		"en/words.txt": {Data: []byte("vote.yes = YES\n")},
	}
	r, err := New(ok, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render(gov.Mail{Kind: "x", Data: map[string]any{}}); err == nil {
		t.Errorf("a missing key rendered without error")
	}
}

func TestOverrideDirectoryReplacesATemplate(t *testing.T) {
	override := fstest.MapFS{
		"en/vote_receipt.tmpl": {Data: []byte(`{{define "subject"}}Thank you: {{.Choice}}{{end}}{{define "body"}}Corrected wording.{{end}}`)},
	}
	r, err := New(templates.FS, Options{Override: override})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Render(gov.Mail{Kind: "vote_receipt", Lang: "en", Data: sampleData(t)["vote_receipt"]})
	if err != nil {
		t.Fatal(err)
	}
	if got.Subject != "Thank you: yes" || !strings.Contains(got.Text, "Corrected wording.") {
		t.Errorf("override not used: %q\n%s", got.Subject, got.Text)
	}
}

type fstestMap map[string]string

func (m fstestMap) FS() fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		out[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return out
}

func caseView(at time.Time) gov.ApplicationView {
	return gov.ApplicationView{ID: "A1", Kind: gov.AppRegular, KindLabel: gov.KindLabel(gov.AppRegular), Name: "Mekong Youth Centre", Country: "Vietnam", State: "opinions",
		Contact: gov.Person{Name: "Lan", Email: "lan@myc.example"}, OpinionsClose: at, DecisionDue: at.AddDate(0, 5, 0), CompleteAt: at.AddDate(0, -1, 0),
		EndorsedFromAbroad: true, Endorser: "Migrant Workers Foundation", Objections: 1, Missing: []string{"doc_annual_report", "endorser"},
		Documents: []gov.Document{{Key: "constitution", Name: "constitution.pdf", Size: 1200}}}
}

func opinion(at time.Time) gov.Opinion {
	return gov.Opinion{OrgID: "th-mwf", OrgName: "Migrant Workers Foundation", Kind: "object", Reasons: "They are not based in the region.", At: at, From: "a@x.example"}
}

// sampleAuditHead is the audit log's head printed in the SC's digest and results.
const sampleAuditHead = "3f1c9a0e7b5d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a"

func withAuditHead(d gov.ApplicationData) gov.ApplicationData {
	d.AuditHead = sampleAuditHead
	return d
}

func appData(at time.Time, reason string) gov.ApplicationData {
	t := gov.Tally{Count: gov.Count{Yes: 4, No: 1}, QuorumBase: 6, QuorumRequired: 4, QuorumMet: true, Outcome: gov.OutcomeCarried}
	return gov.ApplicationData{Case: caseView(at), Token: "A1-ABCDEFGH", Fields: []gov.Field{{Label: "Name of organisation", Value: "Mekong Youth Centre"}},
		Reason: reason, Tally: &t, Objections: []gov.Opinion{opinion(at)}, Opinions: []gov.Opinion{{OrgName: "B", Kind: "support", At: at}}}
}

func org() gov.Org {
	return gov.Org{ID: "th-mwf", Name: "Migrant Workers Foundation", Kind: gov.Regular, Country: "Thailand", Contact: gov.Person{Name: "Somchai", Email: "a@x.example"}, Alternate: gov.Person{Email: "b@x.example"}, Language: "th", AnnualIncomeUSD: 12000}
}

func contactData() gov.ContactChangeData {
	return gov.ContactChangeData{OrgName: "Migrant Workers Foundation", Token: "C1-ABCDEFGH", Change: gov.ContactChange{ID: "C1", Role: "contact", Old: gov.Person{Name: "Somchai", Email: "a@x.example"}, New: gov.Person{Name: "Malee", Email: "m@x.example"}, From: "a@x.example", By: "a@x.example"}}
}

func nomData(at time.Time) gov.NominationData {
	return gov.NominationData{
		Nomination: gov.NominationView{ID: "N1", Seat: "Thailand", Reason: "term_end", State: "recommending", Outgoing: "Migrant Workers Foundation", Nominee: "Border Schools Group", Deadline: at, TermStart: at, TermEnd: at.AddDate(2, 0, 0)},
		Voter:      gov.Voter{OrgID: "th-bsg", Name: "Border Schools Group"}, Token: "N1-ABCDEFGH", Reason: "Border Schools Group",
		Opinions: []gov.Opinion{{OrgName: "A", Kind: "support", Reasons: "Good work.", At: at}}, Recommendations: []string{"th-mwf → th-bsg"},
	}
}
