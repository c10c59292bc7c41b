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
	reconfirmBy := time.Date(2026, 12, 1, 0, 0, 0, 0, loc) // the end of 30 November 2026 (5.1.5)
	gcDate := time.Date(2027, 3, 15, 0, 0, 0, 0, loc)      // a date-only value
	return map[string]any{
		"ballot_form":            gov.FormData{Ballot: b, Voter: v, Token: v.Token},
		"ballot_reminder":        gov.FormData{Ballot: b, Voter: v, Token: v.Token, Reminder: 2},
		"vote_receipt":           gov.ReceiptData{Ballot: b, Voter: v, Choice: gov.Yes, RecordedAt: closes.Add(-48 * time.Hour), Replaced: gov.No, Line: "Yes, we adopt the plan."},
		"refusal":                gov.RefusalData{Code: gov.RefuseLate, Reason: "too late", Ballot: &b, Subject: "Re: vote"},
		"ballot_opened":          gov.OpenedData{Ballot: b, Voters: electorate()},
		"ballot_result_sc":       gov.ResultData{Ballot: b, Tally: tally, Lines: resultLines(), AuditHead: sampleAuditHead},
		"ballot_result_members":  gov.ResultData{Ballot: b, Tally: tally},
		"delivery_failure":       gov.DeliveryFailureData{To: []string{"a@x.example"}, Subject: "[B1-ABCDEFGH] Please vote by Monday 15 March 2027: Adopt the plan", Kind: "ballot_form", Error: "550 no such user"},
		"application_receipt":    appData(closes, gov.CaseIncomplete, ""),
		"application_confirm":    appData(closes, gov.CaseUnconfirmed, ""),
		"application_missing":    appData(closes, gov.CaseIncomplete, ""),
		"application_letter":     appData(closes, gov.CaseOpinions, ""),
		"application_update":     appUpdate(closes),
		"application_outcome":    appData(closes, gov.CaseAccepted, "We look forward to your work with the network."),
		"case_opened_sc":         appData(closes, gov.CaseOpinions, ""),
		"case_sc_papers":         appData(closes, gov.CaseSCVote, ""),
		"case_warning":           appData(closes, gov.CaseSCVote, "one month is left"),
		"case_no_quorum":         noQuorum(appData(closes, gov.CaseSCPending, "")),
		"case_outcome_sc":        withAuditHead(appData(closes, gov.CaseAccepted, "")),
		"case_outcome_members":   appData(closes, gov.CaseAccepted, ""),
		"objection_notice":       appData(closes, gov.CaseOpinions, ""),
		"case_notice":            gov.CaseNoticeData{Case: caseView(closes, gov.CaseOpinions), Voter: v, Token: "A1-ABCDEFGH"},
		"opinion_reminder":       gov.CaseNoticeData{Case: caseView(closes, gov.CaseOpinions), Voter: v, Token: "A1-ABCDEFGH", Reminder: 2},
		"opinion_receipt":        gov.OpinionData{Case: caseView(closes, gov.CaseOpinions), Token: "A1-ABCDEFGH", Opinion: opinion(closes), Replaced: "comment", Line: "OBJECT – our reasons are below"},
		"opinion_needs_reasons":  gov.OpinionData{Case: caseView(closes, gov.CaseOpinions), Token: "A1-ABCDEFGH", Opinion: opinion(closes)},
		"opinion_to_sc":          gov.OpinionData{Case: caseView(closes, gov.CaseOpinions), Opinion: opinion(closes)},
		"reconfirm_form":         gov.ReconfirmData{Org: org(), Year: 2026, Fee: 15, Income: 12000, Deadline: reconfirmBy, Token: "R2026-ABCDEFGH", Reminder: 2},
		"reconfirm_receipt":      gov.ReconfirmReceiptData{Org: org(), Year: 2026, Fee: 15, Deadline: reconfirmBy, Token: "R2026-ABCDEFGH", Income: 30000, ContactChange: &gov.ContactChange{ID: "C1", Role: "contact", Old: gov.Person{Name: "Somchai", Email: "a@x.example"}, New: gov.Person{Name: "Malee", Email: "m@x.example"}}},
		"standing_change":        gov.StandingData{Org: org(), Year: 2026, Event: "lapsed"},
		"campaign_report":        gov.CampaignReportData{Year: 2026, VotingRightsLost: []string{"A"}, Lapsed: []string{"B"}},
		"contact_confirm":        contactData(),
		"contact_pending":        contactData(),
		"contact_changed":        contactData(),
		"payment_receipt":        gov.PaymentReceiptData{Recorded: []string{"th-mwf 2026 50"}, Failed: []string{"xx: no organisation"}},
		"gc_notice":              gov.GCNoticeData{Meeting: gov.Meeting{ID: "G1", Date: gcDate}, Voter: v, Token: "G1-ABCDEFGH"},
		"gc_receipt":             gov.GCNoticeData{Meeting: gov.Meeting{ID: "G1", Date: gcDate}, Voter: v},
		"gc_report":              gov.GCReport{Meeting: "G1", Date: "2027-03-15", Countries: []string{"Thailand", "Vietnam"}, CountriesNeeded: 4, Present: 5, Membership: 20, SharePercent: 25, ShareNeeded: 25, ShareMet: true, RegularAttending: 4, Decisions: []gov.GCDecision{{Title: "Amend 7.2.15", Yes: 3, Carried: true}}},
		"seat_vacancy":           nomData(closes),
		"seat_recommend":         nomData(closes),
		"seat_recommend_receipt": recommendReceipt(closes),
		"seat_recommendations":   nomData(closes),
		"nomination_notice":      nomData(closes),
		"seat_opinion_receipt":   nomData(closes),
		"seat_opinion_to_sc":     nomData(closes),
		"seat_sc_papers":         nomData(closes),
		"seat_filled":            seatFilled(closes),
		"seat_sc_appoints":       nomData(closes),
		"seat_failed":            seatFailed(closes),
		"seat_chair_vacant":      nomData(closes),
		"quarantine_notice":      gov.QuarantineData{ID: "Q1", MessageID: "CAB1234@mail.example", From: "a@x.example", Subject: "Re: [B1-ABCDEFGH] Adopt the plan", Received: "2027-03-10 09:15 +07", Attempts: 3, Error: "handle: panic: runtime error"},
		"login_failure":          gov.LoginFailureData{Account: "govbot@mmn.example", Provider: "microsoft", Cause: "renew", At: time.Date(2027, 3, 10, 7, 5, 0, 0, loc), Reading: true, Sending: true, Error: "imap login as govbot@mmn.example with XOAUTH2: oauth refresh: the provider refused the refresh token (revoked, expired, or issued to another client) (HTTP 400: invalid_grant: AADSTS700082: The refresh token has expired due to inactivity.); run `govbot oauth login`"},
		"command_reply":          gov.CommandReplyData{Command: "STATUS", Title: "Status of B1", Lines: []string{"B1 – Adopt the plan (members)", "Answers so far: 4 of 10 (quorum 6): YES 3, NO 1, ABSTAIN 0"}},
		"help":                   gov.HelpData{Org: "Migrant Workers Foundation"},
		"ballot_cancelled":       gov.BallotCancelledData{Ballot: b, Voter: v},
		"applications_held":      gov.ApplicationsHeldData{Hour: "2027-03-10 09:00 UTC", Limit: 5, Cases: []gov.HeldCase{{ID: "A7", Name: "Mekong Youth Centre", From: "lan@myc.example"}}},
		"application_question":   appQuestion(),
		"secretariat_challenge":  gov.ChallengeData{ID: "X1", Token: "X1-ABCDEFGH", Action: "WITHDRAW application A3 (Mekong Youth Centre, Vietnam): it is closed and the applicant is told", Subject: "Re: [A3-ABCDEFGH] application", Expires: time.Date(2027, 3, 11, 9, 15, 0, 0, loc)},
		"action_notice":          gov.ActionNoticeData{Action: "withdraw", Ref: "A3", Name: "Mekong Youth Centre", By: "info@mmn.example", At: time.Date(2027, 3, 10, 9, 20, 0, 0, loc)},
		"sc_digest": gov.DigestData{Week: "2027-W10", At: time.Date(2027, 3, 8, 8, 0, 0, 0, loc), Ballots: []gov.DigestBallot{{Ballot: b, Tally: tally, DaysLeft: 7, Missing: notAnswered(v)}},
			Cases:       []gov.DigestCase{{Case: caseView(closes, gov.CaseOpinions), Next: "members' opinions", Deadline: closes, Opinions: 3}},
			Nominations: []gov.NominationView{nomData(closes).Nomination},
			Seats: []gov.DigestSeat{{Seat: "Thailand", Org: "Migrant Workers Foundation", TermEnd: time.Date(2027, 5, 31, 0, 0, 0, 0, loc), Chair: true, Terms: 2},
				{Seat: "Vietnam", Org: "Centre for Women and Development", TermEnd: time.Date(2027, 5, 31, 0, 0, 0, 0, loc), Terms: 1}},
			// Two of the Management Team's three (7.2.12-7.2.13), and a General
			// Conference coming due (7.1.1).
			MT: []gov.DigestSeat{{Seat: "Thailand", Org: "Migrant Workers Foundation", MT: true}, {Seat: "Vietnam", Org: "Centre for Women and Development", MT: true}}, MTSize: gov.MTSize,
			GC: gov.GCDue{LastID: "G4", Last: time.Date(2025, 5, 20, 0, 0, 0, 0, loc), Due: time.Date(2027, 5, 20, 0, 0, 0, 0, loc), WarnMonths: 21,
				WarnFrom: time.Date(2027, 2, 21, 0, 0, 0, 0, loc), Warn: true, NextID: "G5", Next: time.Date(2027, 5, 10, 0, 0, 0, 0, loc)},
			AuditHead: sampleAuditHead},
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

// caseView is application A1 in state. Complete (from opinions on), its documents
// were all received on Monday 15 February 2027, so the members' opinions close at
// the end of 15 March (at) and the SC's decision is due by the end of 15 August;
// before that (incomplete, awaiting confirmation) it lacks the annual report and
// an endorser, and no clock runs.
func caseView(at time.Time, state gov.CaseState) gov.ApplicationView {
	v := gov.ApplicationView{ID: "A1", Kind: gov.AppRegular, KindLabel: gov.KindLabel(gov.AppRegular), Name: "Mekong Youth Centre", Country: "Vietnam", State: string(state),
		Contact:   gov.Person{Name: "Lan", Email: "lan@myc.example"},
		Documents: []gov.Document{{Key: "constitution", Name: "constitution.pdf", Size: 1200}}}
	if state == gov.CaseIncomplete || state == gov.CaseUnconfirmed {
		v.Missing = []string{"doc_annual_report", "endorser"}
		return v
	}
	v.OpinionsClose, v.DecisionDue, v.CompleteAt = at, at.AddDate(0, 5, 0), time.Date(2027, 2, 15, 9, 30, 0, 0, at.Location())
	v.EndorsedFromAbroad, v.Endorser, v.Objections = true, "Migrant Workers Foundation", 1
	v.Documents = append(v.Documents, gov.Document{Key: "annual_report", Name: "report.pdf", Size: 48000}, gov.Document{Key: "endorsement", Name: "endorsement.pdf", Size: 900})
	return v
}

// opinion is an objection that arrived on 10 March, five days before the opinions
// closed, and was recorded a minute later.
func opinion(at time.Time) gov.Opinion {
	arrived := time.Date(2027, 3, 10, 14, 20, 0, 0, at.Location())
	return gov.Opinion{OrgID: "th-mwf", OrgName: "Migrant Workers Foundation", Kind: "object", Reasons: "They are not based in the region.", At: arrived, RecordedAt: arrived.Add(time.Minute), From: "a@x.example"}
}

// sampleAuditHead is the audit log's head printed in the SC's digest and results.
const sampleAuditHead = "3f1c9a0e7b5d2468ace13579bdf02468ace13579bdf02468ace13579bdf0246a"

func withAuditHead(d gov.ApplicationData) gov.ApplicationData {
	d.AuditHead = sampleAuditHead
	return d
}

func appData(at time.Time, state gov.CaseState, reason string) gov.ApplicationData {
	t := gov.Tally{Count: gov.Count{Yes: 4, No: 1}, QuorumBase: 6, QuorumRequired: 4, QuorumMet: true, Outcome: gov.OutcomeCarried}
	support := time.Date(2027, 3, 12, 10, 5, 0, 0, at.Location())
	return gov.ApplicationData{Case: caseView(at, state), Token: "A1-ABCDEFGH", Fields: []gov.Field{{Label: "Name of organisation", Value: "Mekong Youth Centre"}},
		Reason: reason, Tally: &t, Objections: []gov.Opinion{opinion(at)},
		Opinions: []gov.Opinion{{OrgName: "Cambodian Labour Rights Centre", Kind: "support", At: support, RecordedAt: support.Add(time.Minute), From: "chea@clrc.example"}}}
}

// appUpdate: the annual report came in; the endorser is still missing.
func appUpdate(at time.Time) gov.ApplicationData {
	d := appData(at, gov.CaseIncomplete, "documents added [annual_report: report.pdf]")
	d.Case.Missing = []string{"endorser"}
	d.Case.Documents = append(d.Case.Documents, gov.Document{Key: "annual_report", Name: "report.pdf", Size: 48000})
	return d
}

// noQuorum: 3 of the SC's 6 voting seats answered; the quorum is 4.
func noQuorum(d gov.ApplicationData) gov.ApplicationData {
	d.Tally = &gov.Tally{Count: gov.Count{Yes: 2, No: 1}, QuorumBase: 6, QuorumRequired: 4, Outcome: gov.OutcomeNoQuorum}
	return d
}

// resultLines: who answered what on B1, 7 of its 10 voters (YES 4, NO 2, ABSTAIN 1).
func resultLines() []gov.ResultLine {
	var out []gov.ResultLine
	for _, l := range []struct {
		id, name, country string
		c                 gov.Choice
	}{
		{"th-mwf", "Migrant Workers Foundation", "Thailand", gov.Yes}, {"th-bsg", "Border Schools Group", "Thailand", gov.Yes},
		{"kh-lrc", "Cambodian Labour Rights Centre", "Cambodia", gov.Yes}, {"vn-cwd", "Centre for Women and Development", "Vietnam", gov.Yes},
		{"la-cdc", "Community Development Centre", "Lao PDR", gov.No}, {"mm-ywca", "Young Women's Association", "Burma/Myanmar", gov.No},
		{"cn-yhs", "Yunnan Health Service", "Yunnan/Guangxi/China", gov.Abstain},
		{"kh-wsn", "Women's Solidarity Network", "Cambodia", ""}, {"mm-mwa", "Migrant Workers Association", "Burma/Myanmar", ""}, {"cn-gbw", "Guangxi Border Workers", "Yunnan/Guangxi/China", ""},
	} {
		out = append(out, gov.ResultLine{OrgID: l.id, Name: l.name, Country: l.country, Choice: l.c})
	}
	return out
}

// electorate: B1's ten voters.
func electorate() []gov.Voter {
	var out []gov.Voter
	for _, l := range resultLines() {
		out = append(out, gov.Voter{OrgID: l.OrgID, Name: l.Name, Country: l.Country})
	}
	return out
}

// notAnswered: the three voters of B1 that have not answered, v among them.
func notAnswered(v gov.Voter) []gov.Voter {
	return []gov.Voter{v, {OrgID: "kh-wsn", Name: "Women's Solidarity Network"}, {OrgID: "cn-gbw", Name: "Guangxi Border Workers"}}
}

func org() gov.Org {
	return gov.Org{ID: "th-mwf", Name: "Migrant Workers Foundation", Kind: gov.Regular, Country: "Thailand", Contact: gov.Person{Name: "Somchai", Email: "a@x.example"}, Alternate: gov.Person{Email: "b@x.example"}, Language: "th", AnnualIncomeUSD: 12000}
}

func contactData() gov.ContactChangeData {
	return gov.ContactChangeData{OrgName: "Migrant Workers Foundation", Token: "C1-ABCDEFGH", Change: gov.ContactChange{ID: "C1", Role: "contact", Old: gov.Person{Name: "Somchai", Email: "a@x.example"}, New: gov.Person{Name: "Malee", Email: "m@x.example"}, From: "a@x.example", By: "a@x.example"}}
}

// recommendReceipt: the holder recommends Border Schools Group, as
// seat_recommendations lists it.
func recommendReceipt(at time.Time) gov.NominationData {
	d := nomData(at)
	d.Voter = gov.Voter{OrgID: "th-mwf", Name: "Migrant Workers Foundation"}
	return d
}

// seatFailed: the members' vote on the nominee had no quorum (the bot's words).
func seatFailed(at time.Time) gov.NominationData {
	d := nomData(at)
	d.Nomination.State, d.Reason = gov.NomFailed, "the members did not approve Border Schools Group (no_quorum)"
	return d
}

// seatFilled: the seat filled, and how (the bot's words).
func seatFilled(at time.Time) gov.NominationData {
	d := nomData(at)
	d.Nomination.State, d.Reason = gov.NomFilled, "approved by the members by email"
	return d
}

func nomData(at time.Time) gov.NominationData {
	return gov.NominationData{
		Nomination: gov.NominationView{ID: "N1", Seat: "Thailand", Reason: "term_end", State: "recommending", Outgoing: "Migrant Workers Foundation", Nominee: "Border Schools Group", Deadline: at,
			TermStart: time.Date(2027, 6, 1, 0, 0, 0, 0, at.Location()), TermEnd: time.Date(2029, 5, 31, 0, 0, 0, 0, at.Location())},
		Voter: gov.Voter{OrgID: "th-bsg", Name: "Border Schools Group"}, Token: "N1-ABCDEFGH", Reason: "Border Schools Group",
		Opinions: []gov.Opinion{{OrgName: "Centre for Women and Development", Kind: "support", Reasons: "Good work.", At: at.Add(-26 * time.Hour), RecordedAt: at.Add(-25 * time.Hour), From: "lan@cwd.example"}}, Recommendations: []string{"th-mwf → th-bsg"},
	}
}
