package gov

import (
	"testing"
	"time"
)

// TestR_6_4_OutcomeCarriesTheApplicantsReference: the decision mailed to the
// applicant carries the applicant's own reference, in its data as in its headers,
// so that its "Reference:" line is never empty.
func TestR_6_4_OutcomeCarriesTheApplicantsReference(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	a := Application{ID: "A7", Kind: AppRegular, State: CaseSCVote, Name: "New Org", Country: "Thailand", Contact: Person{Email: "hello@new.example"}}
	for _, outcome := range []Outcome{OutcomeCarried, OutcomeNotCarried} {
		_, _, mails := Decide(testNow, env, a, Tally{Outcome: outcome}, orgs, seats, "th9")
		m := mailsOf(mails, "application_outcome")
		if len(m) != 1 {
			t.Fatalf("%s: %d outcome mails to the applicant", outcome, len(m))
		}
		want := ApplicationToken(env, a.ID, "applicant")
		if d := m[0].Data.(ApplicationData); d.Token != want || m[0].Token != want {
			t.Errorf("%s: reference %q in the data, %q on the mail; want the applicant's %q", outcome, d.Token, m[0].Token, want)
		}
	}
}

// TestR_6_4_OpinionKeepsWhenItWasRecorded: an opinion keeps when the server
// received it (At, which the deadline is measured by) and when the bot recorded it
// (RecordedAt, which the receipt and the SC's papers show).
func TestR_6_4_OpinionKeepsWhenItWasRecorded(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	a := Application{ID: "A7", Kind: AppRegular, State: CaseOpinions, Name: "New Org", Country: "Thailand", OpinionsClose: testNow.Add(48 * time.Hour)}
	th1 := orgs[0]
	voter := Voter{OrgID: th1.ID, Name: th1.Name, Token: Token(env.Secret, a.ID, th1.ID)}
	arrived, recorded := testNow.Add(-3*time.Hour), testNow
	op, mails := RecordOpinion(env, a, voter, nil, OpinionInput{At: arrived, Recorded: recorded, From: th1.Contact.Email, MessageID: "<o@th1>", Kind: "support", Sender: &th1}, orgs, seats)
	if op == nil {
		t.Fatalf("not recorded: %+v", mails)
	}
	if !op.At.Equal(arrived) || !op.RecordedAt.Equal(recorded) || !op.Recorded().Equal(recorded) {
		t.Errorf("at %s, recorded %s (%s); want %s and %s", op.At, op.RecordedAt, op.Recorded(), arrived, recorded)
	}
	if d := mailsOf(mails, "opinion_to_sc")[0].Data.(OpinionData); !d.Opinion.Recorded().Equal(recorded) {
		t.Errorf("the SC is shown %s, want the recording time %s", d.Opinion.Recorded(), recorded)
	}
	// An opinion stored before RecordedAt was kept shows when it arrived.
	if old := (Opinion{At: arrived}); !old.Recorded().Equal(arrived) {
		t.Errorf("an old opinion's Recorded() = %s, want %s", old.Recorded(), arrived)
	}
}
