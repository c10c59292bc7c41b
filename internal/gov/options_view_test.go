package gov

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// openOptionsTest opens an options ballot among the members of testRoster (th1,
// kh1, mm1 and rc vote: quorum 3 of 4).
func openOptionsTest(tb testing.TB, env Env, rule OptionRule) (Ballot, []Voter) {
	tb.Helper()
	orgs, seats := testRoster()
	req := OpenRequest{ID: "B2", Title: "Venue", Question: "Where do we meet?", Electorate: ElectorateMembers,
		CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, env.Location), Options: []string{"Bangkok", "Phnom Penh", "Vientiane"}, Rule: rule}
	b, voters, _, err := OpenBallot(testNow, env, req, orgs, seats)
	if err != nil {
		tb.Fatalf("OpenBallot: %v", err)
	}
	return b, voters
}

// TestR_E_ResultOfOptionsBallot: the result mails' data and result.json of an
// options ballot give every option its votes and share of the forms returned,
// and name the chosen option; ABSTAIN's share is given beside them.
func TestR_E_ResultOfOptionsBallot(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	b, voters := openOptionsTest(t, env, OptionMajority)
	votes := []Vote{{OrgID: "th1", Choice: OptionChoice(2)}, {OrgID: "kh1", Choice: OptionChoice(2)}, {OrgID: "mm1", Choice: OptionChoice(1)}, {OrgID: "rc", Choice: Abstain}}

	open := Report(env, b, votes)
	if open.Outcome != OutcomeOpen || open.Winner != 0 || open.Rule != OptionMajority || len(open.Options) != 3 {
		t.Fatalf("while open: got outcome %s, winner %d, rule %q, %d options; want open, no winner, majority, 3", open.Outcome, open.Winner, open.Rule, len(open.Options))
	}
	for _, o := range open.Options {
		if o.Chosen {
			t.Errorf("while open: option %d marked chosen", o.N)
		}
	}

	closed, mails := CloseBallot(b.ClosesAt, env, b, voters, votes, orgs, seats)
	r := Report(env, closed, votes)
	want := []OptionResult{{N: 1, Text: "Bangkok", Votes: 1, Percent: 25}, {N: 2, Text: "Phnom Penh", Votes: 2, Percent: 50, Chosen: true}, {N: 3, Text: "Vientiane", Votes: 0, Percent: 0}}
	if !reflect.DeepEqual(r.Options, want) || r.Winner != 2 || r.Outcome != OutcomeChosen || r.Returned != 4 || r.Abstain != 1 {
		t.Errorf("got options %+v, winner %d, outcome %s, returned %d, abstain %d; want %+v, winner 2, chosen, 4, 1", r.Options, r.Winner, r.Outcome, r.Returned, r.Abstain, want)
	}

	var sc ResultData
	for _, m := range mails {
		if m.Kind == "ballot_result_sc" {
			sc = m.Data.(ResultData)
			js := resultJSON(t, m)
			opts, _ := js["options"].([]any)
			if len(opts) != 3 || js["winner"] != 2.0 || js["rule"] != "majority" {
				t.Errorf("result.json: options %v, winner %v, rule %v; want 3 options, winner 2, majority", js["options"], js["winner"], js["rule"])
			}
			if o, _ := opts[1].(map[string]any); o["text"] != "Phnom Penh" || o["votes"] != 2.0 || o["percent"] != 50.0 || o["chosen"] != true {
				t.Errorf("result.json: option 2 is %v", o)
			}
		}
	}
	if got := sc.Options(); len(got) != 3 || got[1].Votes != 2 || !got[1].Winner {
		t.Errorf("ResultData.Options() = %+v", got)
	}
	if c := sc.Chosen(); c == nil || c.N != 2 || c.Text != "Phnom Penh" {
		t.Errorf("ResultData.Chosen() = %+v, want option 2", c)
	}
	if got := sc.Share(sc.Tally.Abstain); got != 25 {
		t.Errorf("ABSTAIN's share = %d%%, want 25%%", got)
	}
	if got := sc.Ballot.OptionLabel(OptionChoice(2)); got != "2. Phnom Penh" {
		t.Errorf("OptionLabel(option2) = %q", got)
	}
	for _, c := range []Choice{Yes, No, Abstain, "", OptionChoice(4), "option0"} {
		if got := sc.Ballot.OptionLabel(c); got != "" {
			t.Errorf("OptionLabel(%q) = %q, want none", c, got)
		}
	}

	// A tie under the majority rule: no decision, no option chosen.
	tie := []Vote{{OrgID: "th1", Choice: OptionChoice(1)}, {OrgID: "kh1", Choice: OptionChoice(2)}, {OrgID: "mm1", Choice: Abstain}}
	closed, mails = CloseBallot(b.ClosesAt, env, b, voters, tie, orgs, seats)
	if r := Report(env, closed, tie); r.Outcome != OutcomeNoDecision || r.Winner != 0 {
		t.Errorf("tie: got outcome %s, winner %d; want no_decision, 0", r.Outcome, r.Winner)
	}
	if c := mails[0].Data.(ResultData).Chosen(); c != nil {
		t.Errorf("tie: Chosen() = %+v, want nil", c)
	}
}

// TestR_E_YesNoResultJSONUnchanged: a YES/NO ballot's result.json has no
// options fields, and every existing field as before.
func TestR_E_YesNoResultJSONUnchanged(t *testing.T) {
	env := testEnv(t)
	b, _, _ := openTest(t, env, ElectorateMembers)
	votes := []Vote{{OrgID: "th1", Choice: Yes}, {OrgID: "kh1", Choice: Yes}, {OrgID: "mm1", Choice: No}}
	closed, _ := CloseBallot(b.ClosesAt, env, b, nil, votes, nil, nil)
	data, err := json.Marshal(Report(env, closed, votes))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"options"`, `"rule"`, `"winner"`} {
		if strings.Contains(string(data), key) {
			t.Errorf("YES/NO result.json has %s: %s", key, data)
		}
	}
	for _, key := range []string{`"yes":2`, `"no":1`, `"abstain":0`, `"returned":3`, `"outcome":"carried"`, `"quorum_met":true`} {
		if !strings.Contains(string(data), key) {
			t.Errorf("YES/NO result.json lacks %s: %s", key, data)
		}
	}
	d := ResultData{Ballot: closed.View(env.Location), Tally: *closed.Tally}
	if d.Options() != nil || d.Chosen() != nil {
		t.Errorf("a YES/NO ballot has options %v, chosen %v", d.Options(), d.Chosen())
	}
}

// TestR_E_DigestOptionsSoFar: the digest shows an open options ballot's votes
// so far, with no option marked as chosen.
func TestR_E_DigestOptionsSoFar(t *testing.T) {
	env := testEnv(t)
	b, voters := openOptionsTest(t, env, OptionPlurality)
	votes := []Vote{{OrgID: "th1", Choice: OptionChoice(3)}, {OrgID: "kh1", Choice: OptionChoice(3)}, {OrgID: "mm1", Choice: OptionChoice(1)}}
	d := Digest(testNow.Add(time.Hour), env, []OpenBallotStatus{{Ballot: b, Voters: voters, Votes: votes}})
	if len(d.Ballots) != 1 {
		t.Fatalf("got %d ballots in the digest, want 1", len(d.Ballots))
	}
	got := d.Ballots[0].Options()
	if len(got) != 3 || got[0].Votes != 1 || got[1].Votes != 0 || got[2].Votes != 2 {
		t.Fatalf("digest options = %+v, want 1, 0, 2 votes", got)
	}
	for _, o := range got {
		if o.Winner {
			t.Errorf("option %d marked chosen while the ballot is open", o.N)
		}
	}
}
