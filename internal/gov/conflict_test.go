package gov

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// conflictRoster is testRoster with the vacant Vietnam seat filled, so that the SC
// has four voting seats (th1, kh1, mm1, vn1; the Regional Coordinator does not vote):
// a quorum of 3 out of 4, and of 2 out of the other 3.
func conflictRoster() ([]Org, []Seat) {
	orgs, seats := testRoster()
	for i := range seats {
		if seats[i].Seat == "vietnam" {
			seats[i].OrgID = "vn1"
		}
	}
	return orgs, seats
}

// renomination is th1's own renomination to the Thailand seat it holds.
func renomination() Nomination {
	return Nomination{ID: "N1", Seat: "thailand", Reason: "term_end", State: NomOpinions, Outgoing: "th1", Nominee: "th1"}
}

// gets reports whether any of addrs is among the recipients of m.
func gets(m Mail, addrs ...string) bool {
	return slices.ContainsFunc(addrs, func(a string) bool { return slices.Contains(m.To, a) || slices.Contains(m.Cc, a) })
}

func mailsOf(ms []Mail, kind string) []Mail {
	var out []Mail
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func envRecusing(tb testing.TB, on bool) Env {
	tb.Helper()
	env := testEnv(tb)
	env.Rules.RecuseConcerned = on
	return env
}

func TestConflict_DefaultIsOn(t *testing.T) {
	if !DefaultRules().RecuseConcerned {
		t.Errorf("DefaultRules().RecuseConcerned: got false, want true (rules.md: the option turns it off)")
	}
}

// TestConflict_NomineeGetsNoPapersOrForm: a seat holder renominated is sent neither
// the SC papers on its nomination, nor the opinions on itself, nor an SC voting form
// on it, nor the SC's ballot_opened and result of that vote; the other seats, the
// Regional Coordinator and the Secretariat are. With the setting off, it gets them all.
func TestConflict_NomineeGetsNoPapersOrForm(t *testing.T) {
	th1 := []string{"a@th1.example", "b@th1.example"}
	others := []string{"contact@kh1.example", "d@mm1.example", "c@vn1.example", "rc@rc.example"}
	for _, on := range []bool{true, false} {
		env := envRecusing(t, on)
		orgs, seats := conflictRoster()
		n := renomination()
		title, question := SeatQuestion(n, orgs, false)
		b, voters, mails, err := OpenBallot(testNow, env, OpenRequest{ID: "B7", Title: title, Question: question, Electorate: ElectorateSC,
			CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Case: n.ID, Concerned: n.Concerned()}, orgs, seats)
		if err != nil {
			t.Fatalf("on=%v: OpenBallot: %v", on, err)
		}
		op := Opinion{OrgID: "kh1", OrgName: "Khmer Org One", Kind: "object", Reasons: "they missed every SC meeting this year"}
		mails = append(mails,
			SeatSCPapers(env, n, []Opinion{op}, b.ID, orgs, seats),
			SeatOpinionToSC(env, n, op, "<op1@kh1.example>", orgs, seats))
		votes := []Vote{{OrgID: "kh1", Choice: Yes}, {OrgID: "mm1", Choice: Yes}}
		_, closing := CloseBallot(testNow.Add(24*time.Hour), env, b, voters, votes, orgs, seats)
		mails = append(mails, closing...)

		wantVoters := []string{"kh1", "mm1", "th1", "vn1"}
		if on {
			wantVoters = []string{"kh1", "mm1", "vn1"}
		}
		if got := voterIDs(voters); !slices.Equal(got, wantVoters) {
			t.Errorf("on=%v: voters %v, want %v", on, got, wantVoters)
		}
		for _, kind := range []string{"ballot_form", "ballot_opened", "seat_sc_papers", "seat_opinion_to_sc", "ballot_result_sc"} {
			ms := mailsOf(mails, kind)
			if len(ms) == 0 {
				t.Fatalf("on=%v: no %s", on, kind)
			}
			nominee, rest := false, map[string]bool{}
			for _, m := range ms {
				nominee = nominee || gets(m, th1...)
				for _, a := range others {
					rest[a] = rest[a] || gets(m, a)
				}
			}
			if nominee == on {
				t.Errorf("on=%v: %s to the nominee: got %v, want %v", on, kind, nominee, !on)
			}
			for _, a := range others {
				if a == "rc@rc.example" && kind == "ballot_form" {
					continue // the Regional Coordinator does not vote (7.3.3)
				}
				if !rest[a] {
					t.Errorf("on=%v: %s not sent to %s", on, kind, a)
				}
			}
			if kind == "ballot_opened" || kind == "ballot_result_sc" {
				if m := ms[0]; !gets(m, "secretariat@example.org") {
					t.Errorf("on=%v: %s not sent to the Secretariat: %v", on, kind, m.To)
				}
			}
		}
		wantRecused := []string(nil)
		if on {
			wantRecused = []string{"th1"}
		}
		if !slices.Equal(b.Recused, wantRecused) {
			t.Errorf("on=%v: Ballot.Recused %v, want %v", on, b.Recused, wantRecused)
		}
		res := resultJSON(t, mailsOf(mails, "ballot_result_sc")[0])
		if got, ok := res["recused"]; on != ok || ok && len(got.([]any)) != 1 {
			t.Errorf("on=%v: result.json recused = %v", on, got)
		}
	}
}

// TestConflict_QuorumCountsOtherSeats: the SC quorum of the vote on a seat holder's
// own nomination counts the other voting seats: 3 of them, a quorum of 2 (half plus
// one), so two YES carry; counting the nominee's seat it would be 4 and 3, and the
// same two forms would be no quorum.
func TestConflict_QuorumCountsOtherSeats(t *testing.T) {
	tests := []struct {
		on                   bool
		size, base, required int
		outcome              Outcome
	}{
		{true, 3, 3, 2, OutcomeCarried},
		{false, 4, 4, 3, OutcomeNoQuorum},
	}
	for _, tt := range tests {
		env := envRecusing(t, tt.on)
		orgs, seats := conflictRoster()
		n := renomination()
		b, voters, _, err := OpenBallot(testNow, env, OpenRequest{ID: "B7", Title: "SC seat thailand", Question: "Approve?", Electorate: ElectorateSC,
			CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Case: n.ID, Concerned: n.Concerned()}, orgs, seats)
		if err != nil {
			t.Fatalf("on=%v: %v", tt.on, err)
		}
		if b.ElectorateSize != tt.size || b.QuorumBase != tt.base || b.View(env.Location).QuorumRequired != tt.required {
			t.Errorf("on=%v: electorate %d, quorum base %d, quorum %d; want %d, %d, %d", tt.on,
				b.ElectorateSize, b.QuorumBase, b.View(env.Location).QuorumRequired, tt.size, tt.base, tt.required)
		}
		closed, _ := CloseBallot(testNow.Add(time.Hour), env, b, voters, []Vote{{OrgID: "kh1", Choice: Yes}, {OrgID: "mm1", Choice: Yes}}, orgs, seats)
		if closed.Tally.Outcome != tt.outcome {
			t.Errorf("on=%v: outcome %s, want %s", tt.on, closed.Tally.Outcome, tt.outcome)
		}
	}
}

// TestConflict_MemberBallotUnchanged: the recusal is from the SC's vote only; the
// members' approval (7.2.16) still goes to every member with voting rights.
func TestConflict_MemberBallotUnchanged(t *testing.T) {
	env := envRecusing(t, true)
	orgs, seats := conflictRoster()
	n := renomination()
	b, voters, _, err := OpenBallot(testNow, env, OpenRequest{ID: "B8", Title: "SC seat thailand", Question: "Approve?", Electorate: ElectorateMembers,
		CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Case: n.ID, Concerned: n.Concerned()}, orgs, seats)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(voterIDs(voters), "th1") || len(b.Recused) != 0 {
		t.Errorf("member ballot: voters %v, recused %v; want th1 voting, none recused", voterIDs(voters), b.Recused)
	}
}

// TestConflict_ApplicantOnSC: an application from an organisation that holds an SC
// seat (the same address or the same name on the roster) does not send it the
// opinions on itself, the SC papers or an SC voting form, and the quorum counts
// the other seats.
func TestConflict_ApplicantOnSC(t *testing.T) {
	orgs, seats := conflictRoster()
	tests := []struct {
		name string
		app  Application
		want []string
	}{
		{"by the alternate's address", Application{Name: "Thai Org One Foundation", Contact: Person{Email: "new@th1.example"}, Alternate: Person{Email: "B@th1.example"}}, []string{"th1"}},
		{"by name, whatever the case and spaces", Application{Name: "  thai  org ONE ", Contact: Person{Email: "new@elsewhere.example"}}, []string{"th1"}},
		{"by the member it made", Application{Name: "Renamed", OrgID: "kh1"}, []string{"kh1"}},
		{"an associate applying as a regular member", Application{Name: "Associate One", Contact: Person{Email: "x@as1.example"}}, []string{"as1"}},
		{"a stranger", Application{Name: "New Org", Contact: Person{Email: "hello@new.example"}}, nil},
	}
	for _, tt := range tests {
		if got := tt.app.Concerned(orgs); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Concerned %v, want %v", tt.name, got, tt.want)
		}
	}

	a := Application{ID: "C3", Kind: AppRegular, State: CaseOpinions, Name: "Thai Org One", Country: "TH",
		Contact: Person{Email: "a@th1.example"}, OpinionsClose: testNow.Add(48 * time.Hour)}
	th1 := []string{"a@th1.example", "b@th1.example"}
	for _, on := range []bool{true, false} {
		env := envRecusing(t, on)
		kh1 := orgs[1]
		voter := Voter{OrgID: "kh1", Name: kh1.Name, Language: "km", Token: Token(env.Secret, a.ID, "kh1")}
		op, mails := RecordOpinion(env, a, voter, nil, OpinionInput{At: testNow, From: "contact@kh1.example", MessageID: "<o1@kh1.example>",
			Kind: "object", Reasons: "they have not worked with migrants for years", Sender: &kh1}, orgs, seats)
		if op == nil {
			t.Fatalf("on=%v: opinion not recorded: %+v", on, mails)
		}
		b, voters, opened, err := OpenBallot(testNow, env, OpenRequest{ID: "B9", Title: "Application C3", Question: "Accept?", Electorate: ElectorateSC,
			CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Case: a.ID, Concerned: a.Concerned(orgs)}, orgs, seats)
		if err != nil {
			t.Fatal(err)
		}
		mails = append(append(mails, opened...), SCPapers(env, a, []Opinion{*op}, b.ID, orgs, seats))
		for _, kind := range []string{"opinion_to_sc", "case_sc_papers", "ballot_form", "ballot_opened"} {
			got := false
			for _, m := range mailsOf(mails, kind) {
				got = got || gets(m, th1...)
			}
			if got == on {
				t.Errorf("on=%v: %s to the applicant holding a seat: got %v, want %v", on, kind, got, !on)
			}
			if len(mailsOf(mails, kind)) == 0 || kind != "ballot_form" && !gets(mailsOf(mails, kind)[0], "contact@kh1.example") {
				t.Errorf("on=%v: %s not sent to the other seats", on, kind)
			}
		}
		if want := map[bool]int{true: 3, false: 4}[on]; b.QuorumBase != want || len(voters) != want {
			t.Errorf("on=%v: quorum base %d, voters %d; want %d", on, b.QuorumBase, len(voters), want)
		}
	}
}

// TestConflict_SecretariatKeepsEverything: an address both the Secretariat's and the
// recused organisation's still gets the Secretariat's mail.
func TestConflict_SecretariatKeepsEverything(t *testing.T) {
	env := envRecusing(t, true)
	env.Secretariat = []string{"A@th1.example"}
	orgs, seats := conflictRoster()
	n := renomination()
	_, _, mails, err := OpenBallot(testNow, env, OpenRequest{ID: "B7", Title: "T", Question: "Q?", Electorate: ElectorateSC,
		CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Concerned: n.Concerned()}, orgs, seats)
	if err != nil {
		t.Fatal(err)
	}
	opened := mailsOf(mails, "ballot_opened")[0]
	if !gets(opened, "a@th1.example") || gets(opened, "b@th1.example") {
		t.Errorf("ballot_opened to %v: want the Secretariat's a@th1.example, not th1's alternate", opened.To)
	}
}

// TestConflict_OnlySeatRecusedLeavesNobody: when the only voting seat is the
// organisation concerned, the SC ballot cannot open: nobody can vote.
func TestConflict_OnlySeatRecusedLeavesNobody(t *testing.T) {
	env := envRecusing(t, true)
	orgs, _ := conflictRoster()
	seats := []Seat{{Seat: "thailand", OrgID: "th1", Voting: true}, {Seat: RegionalCoordinator, OrgID: "rc", Voting: true}}
	_, _, _, err := OpenBallot(testNow, env, OpenRequest{ID: "B7", Title: "T", Question: "Q?", Electorate: ElectorateSC,
		CloseDate: time.Date(2026, 3, 15, 0, 0, 0, 0, env.Location), Concerned: []string{"th1"}}, orgs, seats)
	var ge *Error
	if !errors.As(err, &ge) || ge.Code != "empty_electorate" {
		t.Errorf("got %v, want empty_electorate", err)
	}
}
