package gov

import (
	"strings"
	"testing"
	"time"
)

// standingBallot opens a member ballot on testRoster at testNow (2026-03-01):
// th1, kh1, mm1 and rc hold the vote; vn1 has not re-confirmed for 2025.
func standingBallot(t *testing.T, env Env) (Ballot, map[string]Voter) {
	t.Helper()
	orgs, seats := testRoster()
	b, voters, _, err := OpenBallot(testNow, env, OpenRequest{ID: "B1", Title: "T", Question: "Q?", Electorate: ElectorateMembers,
		CloseDate: time.Date(2026, 12, 10, 0, 0, 0, 0, env.Location)}, orgs, seats)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Voter{}
	for _, v := range voters {
		byID[v.OrgID] = v
	}
	return b, byID
}

func rosterOrg(id string) Org {
	orgs, _ := testRoster()
	for _, o := range orgs {
		if o.ID == id {
			return o
		}
	}
	panic(id)
}

// TestR_5_1_7_CastVoteChecksTheVoteNow: a member ballot opened before the deadline of
// 30 November 2026; th1 re-confirms for 2026, kh1 does not. After the deadline
// kh1's vote is refused with the reason (its earlier answer still counts), th1's
// counts; once kh1 re-confirms it votes again. The quorum base is the opening's.
func TestR_5_1_7_CastVoteChecksTheVoteNow(t *testing.T) {
	env := testEnv(t)
	loc := env.Location
	b, voters := standingBallot(t, env)
	if b.ElectorateSize != 4 || b.QuorumBase != 4 {
		t.Fatalf("electorate %d, base %d; want 4, 4", b.ElectorateSize, b.QuorumBase)
	}
	kh := rosterOrg("kh1")
	before := at(t, loc, "2026-11-20 10:00")
	prev, _ := CastVote(env, b, voters["kh1"], nil, VoteInput{At: before, From: "contact@kh1.example", MessageID: "m1", Choice: Yes, Sender: &kh})
	if prev == nil {
		t.Fatal("kh1's vote before the deadline was refused")
	}
	after := at(t, loc, "2026-12-02 10:00")
	v, m := CastVote(env, b, voters["kh1"], prev, VoteInput{At: after, From: "contact@kh1.example", MessageID: "m2", Choice: No, Sender: &kh})
	d, _ := m.Data.(RefusalData)
	if v != nil || d.Code != RefuseNoVotingRights {
		t.Fatalf("kh1 after the deadline: vote %v, refusal %q; want refused %q", v, d.Code, RefuseNoVotingRights)
	}
	for _, want := range []string{"has not re-confirmed its membership for 2026", "2026-11-30", "5.1.7", "RECONFIRM", "YES recorded on 2026-11-20", "still counts"} {
		if !strings.Contains(d.Reason, want) {
			t.Errorf("reason lacks %q: %s", want, d.Reason)
		}
	}
	th := rosterOrg("th1")
	th.ReconfirmedThrough = 2026
	if v, _ := CastVote(env, b, voters["th1"], nil, VoteInput{At: after, From: "a@th1.example", MessageID: "m3", Choice: Yes, Sender: &th}); v == nil {
		t.Error("th1, re-confirmed for 2026, was refused")
	}
	kh.ReconfirmedThrough = 2026 // re-confirmed late: the vote is restored
	if v, _ := CastVote(env, b, voters["kh1"], prev, VoteInput{At: after.Add(time.Hour), From: "contact@kh1.example", MessageID: "m4", Choice: No, Sender: &kh}); v == nil || v.Choice != No {
		t.Errorf("kh1 after re-confirming: %v; want NO recorded", v)
	}
	// The base stays as fixed at opening.
	orgs, seats := testRoster()
	closed, _ := CloseBallot(at(t, loc, "2026-12-11 00:05"), env, b, nil, []Vote{*prev}, orgs, seats)
	if closed.QuorumBase != 4 || closed.QuorumBaseOpened != 0 {
		t.Errorf("closed: base %d (opened %d); want 4 as at opening", closed.QuorumBase, closed.QuorumBaseOpened)
	}
}

// TestR_5_1_7_LapsedVoteRefused: a lapsed organisation's vote is refused as lapsed,
// with the way back (apply again), whatever the scope.
func TestR_5_1_7_LapsedVoteRefused(t *testing.T) {
	for _, scope := range []VotingRightsScope{VotingRightsAllBallots, VotingRightsGCOnly} {
		env := testEnv(t)
		env.Rules.VotingRightsScope = scope
		b, voters := standingBallot(t, env)
		th := rosterOrg("th1")
		th.Lapsed = true
		v, m := CastVote(env, b, voters["th1"], nil, VoteInput{At: testNow.Add(time.Hour), From: "a@th1.example", MessageID: "m1", Choice: Yes, Sender: &th})
		if d, _ := m.Data.(RefusalData); v != nil || d.Code != RefuseLapsed || !strings.Contains(d.Reason, "apply again") {
			t.Errorf("%s: vote %v, refusal %+v; want lapsed, apply again", scope, v, d)
		}
	}
}

// TestR_5_1_7_ScopeGCOnly: under voting_rights_scope gc_only a regular member that
// has not re-confirmed is in a member ballot's electorate and its vote counts.
func TestR_5_1_7_ScopeGCOnly(t *testing.T) {
	env := testEnv(t)
	env.Rules.VotingRightsScope = VotingRightsGCOnly
	b, voters := standingBallot(t, env)
	if b.ElectorateSize != 5 || b.QuorumBase != 5 {
		t.Errorf("gc_only: electorate %d, base %d; want 5 (vn1 too)", b.ElectorateSize, b.QuorumBase)
	}
	vn := rosterOrg("vn1")
	if v, m := CastVote(env, b, voters["vn1"], nil, VoteInput{At: testNow.Add(time.Hour), From: "c@vn1.example", MessageID: "m1", Choice: Yes, Sender: &vn}); v == nil {
		t.Errorf("gc_only: vn1 refused: %+v", m.Data)
	}
	if env.Rules.HasVotingRights(vn, testNow, env.Location) {
		t.Error("gc_only: vn1 has GC voting rights without re-confirming")
	}
}

// TestR_5_1_7_QuorumBaseAtClosing: under quorum_base_at closing the base is counted
// again when the ballot closes, from the organisations sent the form that hold the
// vote then; the opening's base is kept in the result.
func TestR_5_1_7_QuorumBaseAtClosing(t *testing.T) {
	env := testEnv(t)
	env.Rules.QuorumBaseAt = QuorumBaseAtClosing
	b, voters := standingBallot(t, env)
	orgs, seats := testRoster()
	for i := range orgs {
		if orgs[i].ID == "th1" || orgs[i].ID == "kh1" {
			orgs[i].ReconfirmedThrough = 2026
		}
		if orgs[i].ID == "vn1" {
			orgs[i].ReconfirmedThrough = 2026 // not sent the form: not counted
		}
	}
	var vs []Voter
	for _, v := range voters {
		vs = append(vs, v)
	}
	votes := []Vote{{OrgID: "th1", Choice: Yes}, {OrgID: "kh1", Choice: Yes}}
	closed, mails := CloseBallot(at(t, env.Location, "2026-12-11 00:05"), env, b, vs, votes, orgs, seats)
	if closed.QuorumBase != 2 || closed.QuorumBaseOpened != 4 || closed.Tally.Outcome != OutcomeCarried {
		t.Errorf("closing: base %d (opened %d), outcome %s; want 2 (opened 4), carried", closed.QuorumBase, closed.QuorumBaseOpened, closed.Tally.Outcome)
	}
	if js := string(mails[0].Attachments[0].Data); !strings.Contains(js, `"quorum_base_opened": 4`) {
		t.Errorf("result.json lacks the opening's base:\n%s", js)
	}
	// all_regular at closing: every regular member not lapsed.
	env.Rules.QuorumBase = QuorumBaseAllRegular
	b, _ = standingBallot(t, env)
	orgs[0].Lapsed = true
	if closed, _ := CloseBallot(at(t, env.Location, "2026-12-11 00:05"), env, b, vs, votes, orgs, seats); closed.QuorumBase != 4 {
		t.Errorf("all_regular at closing: base %d; want 4 (5 regular, th1 lapsed)", closed.QuorumBase)
	}
}

// TestR_5_2_CampaignLeavesAssociatesOut: associates are not members. By default the campaign
// sends them nothing, and they neither lose a vote nor lapse at its deadline; with
// associates_confirm_contacts they get a form with no fee, and no reminder.
func TestR_5_2_CampaignLeavesAssociatesOut(t *testing.T) {
	env := testEnv(t)
	orgs, _ := testRoster()
	c, voters, mails := OpenCampaign(at(t, env.Location, "2026-10-01 09:00"), env, 2026, orgs, DefaultFeeBands())
	for _, v := range voters {
		if v.OrgID == "as1" {
			t.Errorf("default: the associate was asked to re-confirm")
		}
	}
	for _, m := range mails {
		if m.To[0] == "x@as1.example" {
			t.Errorf("default: a %s went to the associate", m.Kind)
		}
	}
	prev := Campaign{ID: "R2025", Year: 2025, OpenedAt: at(t, env.Location, "2025-10-01 09:00")}
	for i := range orgs {
		orgs[i].ReconfirmedThrough = 2020 // nobody re-confirmed 2025 or 2026
	}
	lapsed, _ := CloseCampaign(at(t, env.Location, "2026-12-01 00:05"), env, c, orgs, &prev)
	for _, o := range lapsed {
		if o.Kind == Associate {
			t.Errorf("the associate lapsed under 5.1.8")
		}
	}
	if len(lapsed) != 5 {
		t.Errorf("%d lapsed; want the 5 regular members", len(lapsed))
	}

	env.Rules.AssociatesConfirmContacts = true
	orgs, _ = testRoster()
	c, voters, mails = OpenCampaign(at(t, env.Location, "2026-10-01 09:00"), env, 2026, orgs, DefaultFeeBands())
	var form *ReconfirmData
	for _, m := range mails {
		if d := m.Data.(ReconfirmData); m.To[0] == "x@as1.example" {
			form = &d
		}
	}
	if form == nil || !form.Associate || form.Fee != 0 {
		t.Fatalf("associates_confirm_contacts: form %+v; want an associate's form with no fee", form)
	}
	for _, m := range CampaignReminders(env, c, 7, voters, orgs, DefaultFeeBands()) {
		if m.To[0] == "x@as1.example" {
			t.Errorf("a reminder went to the associate")
		}
	}
	var v Voter
	for _, x := range voters {
		if x.OrgID == "as1" {
			v = x
		}
	}
	as := rosterOrg("as1")
	_, receipt := Reconfirm(env, c, v, as, ReconfirmInput{At: testNow, From: "x@as1.example", MessageID: "r1", Answer: "reconfirm", Sender: &as}, DefaultFeeBands())
	if d, ok := receipt.Data.(ReconfirmReceiptData); !ok || !d.Associate || d.Fee != 0 {
		t.Errorf("associate's receipt: %+v; want no fee", receipt.Data)
	}
}

// TestR_5_1_8_ReconfirmRefusedWhenLapsed: a lapsed organisation's RECONFIRM is refused
// with the reason; nothing on its record changes.
func TestR_5_1_8_ReconfirmRefusedWhenLapsed(t *testing.T) {
	env := testEnv(t)
	vn := rosterOrg("vn1")
	vn.Lapsed = true
	c := Campaign{ID: "R2026", Year: 2026, Deadline: at(t, env.Location, "2026-12-01 00:00")}
	v := Voter{OrgID: "vn1", Language: "vi", Token: "R2026-AAAAAAAA"}
	got, m := Reconfirm(env, c, v, vn, ReconfirmInput{At: at(t, env.Location, "2026-12-05 10:00"), From: "c@vn1.example", MessageID: "r1", Answer: "reconfirm", Sender: &vn}, DefaultFeeBands())
	d, _ := m.Data.(RefusalData)
	if got != nil || m.Kind != "refusal" || d.Code != RefuseLapsed {
		t.Fatalf("lapsed RECONFIRM: org %v, mail %s %q; want refused as lapsed", got, m.Kind, d.Code)
	}
	if !strings.Contains(d.Reason, "apply again") || !strings.Contains(d.Reason, "5.1.8") {
		t.Errorf("reason: %s", d.Reason)
	}
}

// TestR_5_1_3_AlternateAsked: a regular member without an alternate is asked for
// one on its form and receipt, unless its reply names one; associates are not.
func TestR_5_1_3_AlternateAsked(t *testing.T) {
	env := testEnv(t)
	c := Campaign{ID: "R2026", Year: 2026}
	kh := rosterOrg("kh1") // no alternate
	if d := NewReconfirmData(c, kh, "T", DefaultFeeBands(), 0); !d.NeedsAlternate {
		t.Error("kh1's form does not ask for an alternate")
	}
	if d := NewReconfirmData(c, rosterOrg("th1"), "T", DefaultFeeBands(), 0); d.NeedsAlternate {
		t.Error("th1, which has an alternate, is asked for one")
	}
	if d := NewReconfirmData(c, rosterOrg("as1"), "T", DefaultFeeBands(), 0); d.NeedsAlternate {
		t.Error("an associate is asked for an alternate")
	}
	v := Voter{OrgID: "kh1", Language: "km"}
	for _, tt := range []struct {
		text string
		want bool
	}{{"RECONFIRM", true}, {"RECONFIRM\nAlternate: Dara <dara@kh1.example>", false}} {
		_, m := Reconfirm(env, c, v, kh, ReconfirmInput{From: "contact@kh1.example", MessageID: "r", Answer: "reconfirm", Text: tt.text, Sender: &kh}, DefaultFeeBands())
		if d := m.Data.(ReconfirmReceiptData); d.NeedsAlternate != tt.want {
			t.Errorf("%q: receipt NeedsAlternate %v, want %v", tt.text, d.NeedsAlternate, tt.want)
		}
	}
}
