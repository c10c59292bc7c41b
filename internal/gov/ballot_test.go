package gov

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// bangkok returns the network's default time zone.
func bangkok(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		tb.Fatalf("load Asia/Bangkok: %v", err)
	}
	return loc
}

// at parses a "2006-01-02 15:04" time in loc.
func at(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	return tm
}

// testEnv returns a deployment with the default rules in Asia/Bangkok.
func testEnv(tb testing.TB) Env {
	tb.Helper()
	return Env{
		Rules:        DefaultRules(),
		Location:     bangkok(tb),
		Secret:       []byte("test secret"),
		Secretariat:  []string{"Secretariat@Example.org"},
		ReminderDays: []int{7, 2, 1},
		ReminderHour: 9,
	}
}

// testRoster is a small network. At 2026-03-01 (the last passed re-confirmation
// deadline is 30 November 2025): th1, kh1, mm1 and rc have voting rights; vn1 has not
// re-confirmed (5.1.7); as1 is an associate (5.2.2).
func testRoster() ([]Org, []Seat) {
	orgs := []Org{
		{ID: "th1", Name: "Thai Org One", Kind: Regular, Country: "TH", Language: "th", ReconfirmedThrough: 2025,
			Contact: Person{Email: "a@th1.example"}, Alternate: Person{Email: "b@th1.example"}},
		{ID: "kh1", Name: "Khmer Org One", Kind: Regular, Country: "KH", Language: "km", ReconfirmedThrough: 2025,
			Contact: Person{Email: "Contact@KH1.example"}},
		{ID: "vn1", Name: "Viet Org One", Kind: Regular, Country: "VN", Language: "vi", ReconfirmedThrough: 2024,
			Contact: Person{Email: "c@vn1.example"}},
		{ID: "as1", Name: "Associate One", Kind: Associate, Country: "TH", Language: "en", ReconfirmedThrough: 2025,
			Contact: Person{Email: "x@as1.example"}},
		{ID: "mm1", Name: "Burmese Group One", Kind: Regular, Country: "MM", Language: "my", ReconfirmedThrough: 2025,
			Contact: Person{Email: "d@mm1.example"}},
		{ID: "rc", Name: "Coordinating Org", Kind: Regular, Country: "TH", Language: "en", ReconfirmedThrough: 2025,
			Contact: Person{Email: "rc@rc.example"}},
	}
	seats := []Seat{
		{Seat: "thailand", OrgID: "th1", Voting: true},
		{Seat: "cambodia", OrgID: "kh1", Voting: true},
		{Seat: "burmese-groups-in-thailand", OrgID: "mm1", Voting: true}, // special seat (7.2.2, fn 2)
		{Seat: "vietnam", OrgID: "", Voting: true},                       // vacant
		{Seat: RegionalCoordinator, OrgID: "rc", Voting: true},           // non-voting whatever the flag says (7.3.3)
	}
	return orgs, seats
}

var testNow = time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC) // 10:00 in Bangkok

func openTest(tb testing.TB, env Env, e Electorate) (Ballot, []Voter, []Mail) {
	tb.Helper()
	orgs, seats := testRoster()
	req := OpenRequest{ID: "B1", Title: "Amend ToP 5.1.6", Question: "Do you agree?", Electorate: e,
		CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, env.Location)}
	b, voters, mails, err := OpenBallot(testNow, env, req, orgs, seats)
	if err != nil {
		tb.Fatalf("OpenBallot: %v", err)
	}
	return b, voters, mails
}

func voterIDs(voters []Voter) []string {
	var ids []string
	for _, v := range voters {
		ids = append(ids, v.OrgID)
	}
	sort.Strings(ids)
	return ids
}

func voterByID(tb testing.TB, voters []Voter, id string) Voter {
	tb.Helper()
	for _, v := range voters {
		if v.OrgID == id {
			return v
		}
	}
	tb.Fatalf("no voter %s in %v", id, voterIDs(voters))
	return Voter{}
}

func TestR_E_OpenBallotValidation(t *testing.T) {
	env := testEnv(t)
	orgs, seats := testRoster()
	tomorrow := time.Date(2026, 3, 2, 0, 0, 0, 0, env.Location)
	tests := []struct {
		name string
		req  OpenRequest
		code string
		want []string // every problem the message must name
	}{
		{"all problems together",
			OpenRequest{ID: "B1", Title: " ", Question: "", Electorate: "everyone", CloseDate: time.Date(2026, 2, 1, 0, 0, 0, 0, env.Location)},
			"invalid_ballot",
			[]string{"a title is required", "a question is required", `electorate "everyone"`, "closing date 2026-02-01 has already passed"}},
		{"title with a newline",
			OpenRequest{ID: "B1", Title: "Line one\nBcc: evil@example.org", Question: "Q?", Electorate: ElectorateMembers, CloseDate: tomorrow},
			"invalid_ballot", []string{"the title must be one line"}},
		{"title with a carriage return",
			OpenRequest{ID: "B1", Title: "Line one\rtwo", Question: "Q?", Electorate: ElectorateMembers, CloseDate: tomorrow},
			"invalid_ballot", []string{"the title must be one line"}},
		{"closing date today has not passed", // 1 March 2026 ends at midnight, after now (10:00)
			OpenRequest{ID: "B1", Title: "T", Question: "Q?", Electorate: ElectorateMembers, CloseDate: time.Date(2026, 3, 1, 0, 0, 0, 0, env.Location)},
			"", nil},
		{"closing date yesterday",
			OpenRequest{ID: "B1", Title: "T", Question: "Q?", Electorate: ElectorateSC, CloseDate: time.Date(2026, 2, 28, 0, 0, 0, 0, env.Location)},
			"invalid_ballot", []string{"closing date 2026-02-28 has already passed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := OpenBallot(testNow, env, tt.req, orgs, seats)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				return
			}
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("got error %v, want a *gov.Error", err)
			}
			if ge.Code != tt.code {
				t.Errorf("got code %q, want %q", ge.Code, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(ge.Message, w) {
					t.Errorf("got message %q, want it to contain %q", ge.Message, w)
				}
			}
		})
	}
}

func TestR_E_OpenBallotEmptyElectorate(t *testing.T) {
	env := testEnv(t)
	orgs, _ := testRoster()
	tests := []struct {
		name  string
		e     Electorate
		orgs  []Org
		seats []Seat
	}{
		{"no seats", ElectorateSC, orgs, nil},
		{"only the RC and a vacant seat", ElectorateSC, orgs, []Seat{{Seat: RegionalCoordinator, OrgID: "rc"}, {Seat: "laos", Voting: true}}},
		{"seat held by an org not on the roster", ElectorateSC, orgs, []Seat{{Seat: "laos", OrgID: "gone", Voting: true}}},
		{"no members", ElectorateMembers, nil, nil},
		{"only associates and lapsed members", ElectorateMembers, []Org{orgs[2], orgs[3]}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := OpenRequest{ID: "B1", Title: "T", Question: "Q?", Electorate: tt.e, CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, env.Location)}
			_, _, mails, err := OpenBallot(testNow, env, req, tt.orgs, tt.seats)
			var ge *Error
			if !errors.As(err, &ge) || ge.Code != "empty_electorate" {
				t.Fatalf("got error %v, want code empty_electorate", err)
			}
			if len(mails) != 0 {
				t.Errorf("got %d mails, want none", len(mails))
			}
		})
	}
}

func TestR_7_2_1_SCElectorate(t *testing.T) {
	env := testEnv(t)
	b, voters, _ := openTest(t, env, ElectorateSC)
	// RC excluded (7.2.1, 7.3.3), special seat included (7.2.2), vacant seat ignored.
	if got, want := voterIDs(voters), []string{"kh1", "mm1", "th1"}; !slices.Equal(got, want) {
		t.Errorf("got SC electorate %v, want %v", got, want)
	}
	if b.ElectorateSize != 3 || b.QuorumBase != 3 {
		t.Errorf("got size %d base %d, want 3 and 3", b.ElectorateSize, b.QuorumBase)
	}
	if got := b.View(env.Location).QuorumRequired; got != 2 {
		t.Errorf("got quorum required %d, want 2", got)
	}
	if got := voterByID(t, voters, "mm1").Seat; got != "burmese-groups-in-thailand" {
		t.Errorf("got mm1 seat %q, want burmese-groups-in-thailand", got)
	}
	// SC ballot: the whole SC votes even when the organisation has no member voting rights.
	orgs, seats := testRoster()
	seats = append(seats, Seat{Seat: "vietnam-2", OrgID: "vn1", Voting: true})
	req := OpenRequest{ID: "B2", Title: "T", Question: "Q?", Electorate: ElectorateSC, CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, env.Location)}
	_, voters, _, err := OpenBallot(testNow, env, req, orgs, seats)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := voterIDs(voters), []string{"kh1", "mm1", "th1", "vn1"}; !slices.Equal(got, want) {
		t.Errorf("got SC electorate %v, want %v", got, want)
	}
}

func TestR_5_2_2_MemberElectorate(t *testing.T) {
	allRegular := testEnv(t)
	allRegular.Rules.QuorumBase = QuorumBaseAllRegular
	tests := []struct {
		name     string
		env      Env
		wantBase int
		wantReq  int
	}{
		{"quorum base voting", testEnv(t), 4, 3},
		// all_regular: every regular member counts, vn1 (no voting rights) included.
		{"quorum base all_regular", allRegular, 5, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, voters, _ := openTest(t, tt.env, ElectorateMembers)
			// as1 is an associate (5.2.2), vn1 has no voting rights (5.1.7).
			if got, want := voterIDs(voters), []string{"kh1", "mm1", "rc", "th1"}; !slices.Equal(got, want) {
				t.Errorf("got member electorate %v, want %v", got, want)
			}
			if b.ElectorateSize != 4 {
				t.Errorf("got electorate size %d, want 4", b.ElectorateSize)
			}
			if b.QuorumBase != tt.wantBase {
				t.Errorf("got quorum base %d, want %d", b.QuorumBase, tt.wantBase)
			}
			if got := b.View(tt.env.Location).QuorumRequired; got != tt.wantReq {
				t.Errorf("got quorum required %d, want %d", got, tt.wantReq)
			}
			if b.Rules != tt.env.Rules {
				t.Errorf("got rules %+v, want the snapshot %+v", b.Rules, tt.env.Rules)
			}
		})
	}
}

func TestR_5_1_3_OneFormPerAddress(t *testing.T) {
	env := testEnv(t)
	b, voters, mails := openTest(t, env, ElectorateMembers)
	want := map[string]string{ // address → org
		"a@th1.example": "th1", "b@th1.example": "th1", "contact@kh1.example": "kh1",
		"d@mm1.example": "mm1", "rc@rc.example": "rc",
	}
	got := map[string]string{}
	var opened []Mail
	for _, m := range mails {
		switch m.Kind {
		case "ballot_form":
			if len(m.To) != 1 {
				t.Fatalf("got form to %v, want one address", m.To)
			}
			d, ok := m.Data.(FormData)
			if !ok {
				t.Fatalf("got form data %T, want FormData", m.Data)
			}
			if _, dup := got[m.To[0]]; dup {
				t.Errorf("got two forms to %s", m.To[0])
			}
			got[m.To[0]] = d.Voter.OrgID
			if wantTok := Token(env.Secret, "B1", d.Voter.OrgID); m.Token != wantTok || d.Token != wantTok || d.Voter.Token != wantTok {
				t.Errorf("form to %s: got token %q/%q/%q, want %q", m.To[0], m.Token, d.Token, d.Voter.Token, wantTok)
			}
			if m.Auto != AutoGenerated {
				t.Errorf("form to %s: got Auto %q, want %q", m.To[0], m.Auto, AutoGenerated)
			}
			if m.Lang != d.Voter.Language {
				t.Errorf("form to %s: got lang %q, want the org's %q", m.To[0], m.Lang, d.Voter.Language)
			}
			if !strings.Contains(m.Key, m.To[0]) {
				t.Errorf("got key %q, want it to name the address %s", m.Key, m.To[0])
			}
		case "ballot_opened":
			opened = append(opened, m)
		default:
			t.Errorf("got unexpected mail kind %q", m.Kind)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got forms to %v, want %v", got, want)
	}
	for addr, org := range want {
		if got[addr] != org {
			t.Errorf("form to %s: got org %q, want %q", addr, got[addr], org)
		}
	}
	if len(opened) != 1 {
		t.Fatalf("got %d ballot_opened mails, want 1", len(opened))
	}
	// To the Secretariat (normalised) and every SC seat holder, RC included.
	wantTo := []string{"a@th1.example", "b@th1.example", "contact@kh1.example", "d@mm1.example", "rc@rc.example", "secretariat@example.org"}
	gotTo := slices.Clone(opened[0].To)
	sort.Strings(gotTo)
	if !slices.Equal(gotTo, wantTo) {
		t.Errorf("got ballot_opened to %v, want %v", gotTo, wantTo)
	}
	if b.Fingerprint != Fingerprint(voters) {
		t.Errorf("got fingerprint %q, want Fingerprint(voters) %q", b.Fingerprint, Fingerprint(voters))
	}
}

func TestR_E_TokensStableAndDistinct(t *testing.T) {
	secret := []byte("k")
	tok := Token(secret, "B1", "th1")
	if again := Token(secret, "B1", "th1"); again != tok {
		t.Errorf("got %q then %q, want the same token", tok, again)
	}
	others := []string{
		Token(secret, "B1", "kh1"),
		Token(secret, "B2", "th1"),
		Token([]byte("other"), "B1", "th1"),
	}
	for _, o := range others {
		if o == tok {
			t.Errorf("got token %q twice, want distinct tokens", o)
		}
	}
	if !strings.HasPrefix(tok, "B1-") || len(tok) != len("B1-")+8 {
		t.Errorf("got token %q, want B1- and eight characters", tok)
	}
	if got := TokenID(tok); got != "B1" {
		t.Errorf("got TokenID %q, want B1", got)
	}
	if got := TokenID("nodash"); got != "" {
		t.Errorf("got TokenID(nodash) %q, want empty", got)
	}
	if got := FindTokens(tok); !slices.Equal(got, []string{tok}) {
		t.Errorf("got FindTokens(token) %v, want [%s]", got, tok)
	}

	// The tokens of one ballot are distinct per organisation.
	_, voters, _ := openTest(t, testEnv(t), ElectorateMembers)
	seen := map[string]string{}
	for _, v := range voters {
		if o, dup := seen[v.Token]; dup {
			t.Errorf("got token %s for %s and %s", v.Token, o, v.OrgID)
		}
		seen[v.Token] = v.OrgID
	}
}

func TestR_E_FingerprintFollowsAddresses(t *testing.T) {
	env := testEnv(t)
	req := OpenRequest{ID: "B1", Title: "T", Question: "Q?", Electorate: ElectorateMembers, CloseDate: time.Date(2026, 3, 20, 0, 0, 0, 0, env.Location)}
	open := func(orgs []Org) string {
		t.Helper()
		b, _, _, err := OpenBallot(testNow, env, req, orgs, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b.Fingerprint
	}
	orgs, _ := testRoster()
	base := open(orgs)

	reordered := slices.Clone(orgs)
	slices.Reverse(reordered)
	swapped := slices.Clone(orgs)
	swapped[0].Contact, swapped[0].Alternate = swapped[0].Alternate, swapped[0].Contact
	upper := slices.Clone(orgs)
	upper[0].Contact.Email = "A@TH1.example"
	changed := slices.Clone(orgs)
	changed[0].Alternate.Email = "new@th1.example"
	dropped := slices.Clone(orgs)
	dropped[1].ReconfirmedThrough = 2024

	tests := []struct {
		name string
		orgs []Org
		same bool
	}{
		{"roster order", reordered, true},
		{"contact and alternate swapped", swapped, true},
		{"address case", upper, true},
		{"an address changed", changed, false},
		{"a voter lost voting rights", dropped, false},
	}
	for _, tt := range tests {
		if got := open(tt.orgs) == base; got != tt.same {
			t.Errorf("%s: got same fingerprint %v, want %v", tt.name, got, tt.same)
		}
	}
}

func TestR_FindTokens(t *testing.T) {
	secret := []byte("k")
	t1 := Token(secret, "B1", "th1")
	t2 := Token(secret, "B12", "kh1")
	lower := strings.ToLower(t1)
	tests := []struct {
		name, in string
		want     []string
	}{
		{"subject", "Re: [" + t1 + "] Voting form: Amend ToP", []string{t1}},
		{"body lower-case", "yes\n\nref: " + lower + "\n", []string{t1}},
		{"message-id", "<govbot.abcdefghij." + lower + "@bot.example.org>", []string{t1}},
		{"references, repeated", "<govbot.x." + lower + "@bot.example> <govbot.y." + lower + "@bot.example>", []string{t1}},
		{"two tokens in order", "about " + t2 + " and " + t1, []string{t2, t1}},
		{"mixed case", "Ref " + t1[:4] + strings.ToLower(t1[4:]), []string{t1}},
		{"none", "Re: voting form", nil},
		{"too short", "B1-ABCDEFG", nil},
		{"glued to a word", "X" + t1 + "Y", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FindTokens(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestR_5_1_3_CastVote(t *testing.T) {
	env := testEnv(t)
	b, voters, _ := openTest(t, env, ElectorateMembers)
	orgs, _ := testRoster()
	org := func(id string) *Org {
		for i := range orgs {
			if orgs[i].ID == id {
				return &orgs[i]
			}
		}
		t.Fatalf("no org %s", id)
		return nil
	}
	th1 := voterByID(t, voters, "th1")
	before := b.ClosesAt.Add(-24 * time.Hour)
	closed := b
	closed.Closed = true

	tests := []struct {
		name   string
		b      Ballot
		in     VoteInput
		refuse string // "" when accepted
	}{
		{"accepted", b, VoteInput{At: before, From: "A@TH1.example", MessageID: "m1@x", Choice: Yes, Sender: org("th1")}, ""},
		{"alternate accepted", b, VoteInput{At: before, From: "b@th1.example", MessageID: "m1@x", Choice: No, Sender: org("th1")}, ""},
		{"last nanosecond", b, VoteInput{At: b.ClosesAt.Add(-time.Nanosecond), From: "a@th1.example", MessageID: "m1@x", Choice: Abstain, Sender: org("th1")}, ""},
		{"late at ClosesAt", b, VoteInput{At: b.ClosesAt, From: "a@th1.example", MessageID: "m1@x", Choice: Yes, Sender: org("th1")}, RefuseLate},
		{"late after", b, VoteInput{At: b.ClosesAt.Add(time.Hour), From: "a@th1.example", MessageID: "m1@x", Choice: Yes, Sender: org("th1")}, RefuseLate},
		{"ballot closed", closed, VoteInput{At: before, From: "a@th1.example", MessageID: "m1@x", Choice: Yes, Sender: org("th1")}, RefuseLate},
		{"not on roster", b, VoteInput{At: before, From: "stranger@example.com", MessageID: "m1@x", Choice: Yes}, RefuseNotOnRoster},
		{"associate", b, VoteInput{At: before, From: "x@as1.example", MessageID: "m1@x", Choice: Yes, Sender: org("as1")}, RefuseAssociate},
		{"another org's token", b, VoteInput{At: before, From: "contact@kh1.example", MessageID: "m1@x", Choice: Yes, Sender: org("kh1")}, RefuseWrongSender},
		{"ambiguous", b, VoteInput{At: before, From: "a@th1.example", MessageID: "m1@x", Choice: Yes, Ambiguous: true, Sender: org("th1")}, RefuseAmbiguous},
		{"no answer", b, VoteInput{At: before, From: "a@th1.example", MessageID: "m1@x", Sender: org("th1")}, RefuseNoAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m := CastVote(env, tt.b, th1, nil, tt.in)
			if m.InReplyTo != tt.in.MessageID || !slices.Equal(m.To, []string{tt.in.From}) || m.Auto != AutoReplied {
				t.Errorf("got reply to %v in-reply-to %q auto %q, want to %s in-reply-to %q auto %q",
					m.To, m.InReplyTo, m.Auto, tt.in.From, tt.in.MessageID, AutoReplied)
			}
			if m.Key != "reply/"+tt.in.MessageID {
				t.Errorf("got key %q, want reply/%s", m.Key, tt.in.MessageID)
			}
			if tt.refuse != "" {
				if v != nil {
					t.Errorf("got vote %+v, want none", v)
				}
				d, ok := m.Data.(RefusalData)
				if m.Kind != "refusal" || !ok {
					t.Fatalf("got mail %s with %T, want a refusal", m.Kind, m.Data)
				}
				if d.Code != tt.refuse {
					t.Errorf("got refusal %q (%s), want %q", d.Code, d.Reason, tt.refuse)
				}
				if d.Ballot == nil || d.Ballot.ID != "B1" {
					t.Errorf("got refusal ballot %v, want B1", d.Ballot)
				}
				if tt.refuse == RefuseLate && !strings.Contains(d.Reason, "2026-03-20") {
					t.Errorf("got late reason %q, want it to state the deadline 2026-03-20", d.Reason)
				}
				return
			}
			if v == nil {
				t.Fatalf("got refusal %+v, want a vote", m.Data)
			}
			want := Vote{OrgID: "th1", Choice: tt.in.Choice, At: tt.in.At, From: NormalizeAddress(tt.in.From), MessageID: tt.in.MessageID}
			if *v != want {
				t.Errorf("got vote %+v, want %+v", *v, want)
			}
			d, ok := m.Data.(ReceiptData)
			if m.Kind != "vote_receipt" || !ok {
				t.Fatalf("got mail %s with %T, want vote_receipt", m.Kind, m.Data)
			}
			if d.Choice != tt.in.Choice || !d.RecordedAt.Equal(tt.in.At) || d.Replaced != "" {
				t.Errorf("got receipt %+v, want choice %s at %v, nothing replaced", d, tt.in.Choice, tt.in.At)
			}
			if m.Token != th1.Token {
				t.Errorf("got receipt token %q, want %q", m.Token, th1.Token)
			}
		})
	}
}

func TestR_5_1_3_CastVoteReplaces(t *testing.T) {
	env := testEnv(t)
	b, voters, _ := openTest(t, env, ElectorateMembers)
	orgs, _ := testRoster()
	th1 := voterByID(t, voters, "th1")
	at := b.ClosesAt.Add(-time.Hour)
	first, _ := CastVote(env, b, th1, nil, VoteInput{At: at.Add(-time.Hour), From: "a@th1.example", MessageID: "m1@x", Choice: Yes, Sender: &orgs[0]})
	if first == nil || first.Changes != 0 {
		t.Fatalf("got first vote %+v, want a vote with no changes", first)
	}
	second, m := CastVote(env, b, th1, first, VoteInput{At: at, From: "b@th1.example", MessageID: "m2@x", Choice: No, Sender: &orgs[0]})
	if second == nil {
		t.Fatalf("got refusal %+v, want a vote", m.Data)
	}
	if second.Changes != 1 || second.Choice != No || second.From != "b@th1.example" {
		t.Errorf("got %+v, want NO from b@th1.example with 1 change", *second)
	}
	if d := m.Data.(ReceiptData); d.Replaced != Yes || d.Choice != No {
		t.Errorf("got receipt replaced %q choice %q, want replaced yes, choice no", d.Replaced, d.Choice)
	}
	third, m := CastVote(env, b, th1, second, VoteInput{At: at, From: "a@th1.example", MessageID: "m3@x", Choice: Abstain, Sender: &orgs[0]})
	if third == nil || third.Changes != 2 {
		t.Fatalf("got %+v, want a vote with 2 changes", third)
	}
	if d := m.Data.(ReceiptData); d.Replaced != No {
		t.Errorf("got receipt replaced %q, want no", d.Replaced)
	}
}

func TestR_Time_DueReminder(t *testing.T) {
	env := testEnv(t)
	loc := env.Location
	b, _, _ := openTest(t, env, ElectorateMembers) // last day 2026-03-20, opened 2026-03-01
	if want := at(t, loc, "2026-03-21 00:00"); !b.ClosesAt.Equal(want) {
		t.Fatalf("got ClosesAt %v, want %v", b.ClosesAt, want)
	}
	lateOpen := b
	lateOpen.OpenedAt = at(t, loc, "2026-03-15 12:00") // after the 7-day reminder's time
	closed := b
	closed.Closed = true

	tests := []struct {
		name string
		b    Ballot
		now  time.Time
		sent []int
		want int // 0: none due
	}{
		{"before the first", b, at(t, loc, "2026-03-13 08:59"), nil, 0},
		{"7 days at the hour", b, at(t, loc, "2026-03-13 09:00"), nil, 7},
		{"7 days, hour in Bangkok not UTC", b, time.Date(2026, 3, 13, 2, 0, 0, 0, time.UTC), nil, 7},
		{"7 days, 01:59 UTC is 08:59 in Bangkok", b, time.Date(2026, 3, 13, 1, 59, 0, 0, time.UTC), nil, 0},
		{"7 sent, 2 not yet", b, at(t, loc, "2026-03-18 08:59"), []int{7}, 0},
		{"2 days", b, at(t, loc, "2026-03-18 09:00"), []int{7}, 2},
		{"1 day", b, at(t, loc, "2026-03-19 09:00"), []int{7, 2}, 1},
		{"only the latest after a pause", b, at(t, loc, "2026-03-19 10:00"), nil, 1},
		{"latest after a shorter pause", b, at(t, loc, "2026-03-18 23:00"), nil, 2},
		{"all sent", b, at(t, loc, "2026-03-20 23:59"), []int{7, 2, 1}, 0},
		{"none at ClosesAt", b, at(t, loc, "2026-03-21 00:00"), nil, 0},
		{"none after close", b, at(t, loc, "2026-03-25 09:00"), nil, 0},
		{"none when closed", closed, at(t, loc, "2026-03-19 10:00"), nil, 0},
		{"none from before the ballot opened", lateOpen, at(t, loc, "2026-03-16 09:00"), nil, 0},
		{"later ones still come after a late opening", lateOpen, at(t, loc, "2026-03-18 09:00"), nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			b.RemindersSent = tt.sent
			days, due := DueReminder(tt.now, env, b)
			if !due {
				days = 0
			}
			if days != tt.want {
				t.Errorf("got reminder %d (due %v), want %d", days, due, tt.want)
			}
		})
	}
}

func TestR_Time_DueReminderNotTwice(t *testing.T) {
	env := testEnv(t)
	b, _, _ := openTest(t, env, ElectorateMembers)
	var got []int
	for now := b.OpenedAt; now.Before(b.ClosesAt.Add(48 * time.Hour)); now = now.Add(30 * time.Minute) {
		if days, due := DueReminder(now, env, b); due {
			got = append(got, days)
			b.RemindersSent = append(b.RemindersSent, days)
		}
	}
	if want := []int{7, 2, 1}; !slices.Equal(got, want) {
		t.Errorf("got reminders %v over the ballot's life, want %v", got, want)
	}
}

func TestR_Time_RemindersSkipAnswered(t *testing.T) {
	env := testEnv(t)
	b, voters, _ := openTest(t, env, ElectorateMembers)
	answered := map[string]bool{"th1": true, "mm1": true}
	mails := Reminders(env, b, 2, voters, func(id string) bool { return answered[id] })
	var to []string
	for _, m := range mails {
		d, ok := m.Data.(FormData)
		if m.Kind != "ballot_reminder" || !ok {
			t.Fatalf("got %s with %T, want ballot_reminder with FormData", m.Kind, m.Data)
		}
		if answered[d.Voter.OrgID] {
			t.Errorf("got a reminder to %s, which answered", d.Voter.OrgID)
		}
		if d.Reminder != 2 || m.Token != d.Voter.Token || d.Token != d.Voter.Token {
			t.Errorf("got reminder %d token %q, want 2 and %q", d.Reminder, m.Token, d.Voter.Token)
		}
		to = append(to, m.To...)
	}
	sort.Strings(to)
	if want := []string{"contact@kh1.example", "rc@rc.example"}; !slices.Equal(to, want) {
		t.Errorf("got reminders to %v, want %v", to, want)
	}
	// A reminder of another day is another mail (distinct keys).
	other := Reminders(env, b, 1, voters, func(id string) bool { return answered[id] })
	if len(other) != len(mails) || other[0].Key == mails[0].Key {
		t.Errorf("got keys %q and %q, want distinct keys per reminder day", mails[0].Key, other[0].Key)
	}
}

// resultJSON parses a result.json attachment.
func resultJSON(tb testing.TB, m Mail) map[string]any {
	tb.Helper()
	if len(m.Attachments) != 1 {
		tb.Fatalf("%s: got %d attachments, want result.json", m.Kind, len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.Name != "result.json" || a.ContentType != "application/json" {
		tb.Errorf("%s: got attachment %q (%s), want result.json (application/json)", m.Kind, a.Name, a.ContentType)
	}
	var out map[string]any
	if err := json.Unmarshal(a.Data, &out); err != nil {
		tb.Fatalf("%s: result.json: %v", m.Kind, err)
	}
	return out
}

func TestR_7_2_16_CloseBallot(t *testing.T) {
	tests := []struct {
		name      string
		e         Electorate
		votes     map[string]Choice
		want      Outcome
		quorumReq int
	}{
		{"members carried", ElectorateMembers, map[string]Choice{"th1": Yes, "kh1": Yes, "mm1": No}, OutcomeCarried, 3},
		{"members tie", ElectorateMembers, map[string]Choice{"th1": Yes, "kh1": No, "mm1": Abstain, "rc": Abstain}, OutcomeNotCarried, 3},
		{"members no quorum", ElectorateMembers, map[string]Choice{"th1": Yes, "kh1": Yes}, OutcomeNoQuorum, 3},
		{"SC carried", ElectorateSC, map[string]Choice{"th1": Yes, "kh1": Abstain}, OutcomeCarried, 2},
		{"SC not carried", ElectorateSC, map[string]Choice{"th1": No, "kh1": No, "mm1": Yes}, OutcomeNotCarried, 2},
		{"SC no quorum", ElectorateSC, map[string]Choice{"th1": Yes}, OutcomeNoQuorum, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := testEnv(t)
			orgs, seats := testRoster()
			b, voters, _ := openTest(t, env, tt.e)
			var votes []Vote
			yes, no, abstain := 0, 0, 0
			for id, c := range tt.votes {
				votes = append(votes, Vote{OrgID: id, Choice: c, At: testNow.Add(time.Hour)})
				switch c {
				case Yes:
					yes++
				case No:
					no++
				case Abstain:
					abstain++
				}
			}
			closeAt := b.ClosesAt.Add(time.Minute)
			got, mails := CloseBallot(closeAt, env, b, voters, votes, orgs, seats)
			if !got.Closed || !got.ClosedAt.Equal(closeAt) || got.Tally == nil {
				t.Fatalf("got closed %v at %v tally %v, want closed at %v with a tally", got.Closed, got.ClosedAt, got.Tally, closeAt)
			}
			if got.Tally.Outcome != tt.want || got.Status() != tt.want {
				t.Errorf("got outcome %s (status %s), want %s", got.Tally.Outcome, got.Status(), tt.want)
			}
			if got.Tally.QuorumRequired != tt.quorumReq {
				t.Errorf("got quorum required %d, want %d", got.Tally.QuorumRequired, tt.quorumReq)
			}

			// The full result to the Secretariat and the whole SC (RC included).
			sc := mails[0]
			if sc.Kind != "ballot_result_sc" {
				t.Fatalf("got first mail %s, want ballot_result_sc", sc.Kind)
			}
			scTo := slices.Clone(sc.To)
			sort.Strings(scTo)
			if want := []string{"a@th1.example", "b@th1.example", "contact@kh1.example", "d@mm1.example", "rc@rc.example", "secretariat@example.org"}; !slices.Equal(scTo, want) {
				t.Errorf("got SC result to %v, want %v", scTo, want)
			}
			rd := sc.Data.(ResultData)
			if len(rd.Lines) != len(voters) {
				t.Errorf("got %d result lines, want one per voter (%d)", len(rd.Lines), len(voters))
			}
			for _, l := range rd.Lines {
				if l.Choice != tt.votes[l.OrgID] {
					t.Errorf("got line %s %q, want %q", l.OrgID, l.Choice, tt.votes[l.OrgID])
				}
				if l.Name == "" {
					t.Errorf("got line %s without a name", l.OrgID)
				}
			}
			full := resultJSON(t, sc)
			wantJSON := map[string]any{
				"id": "B1", "title": "Amend ToP 5.1.6", "electorate": string(tt.e),
				"electorate_size": float64(len(voters)), "quorum_required": float64(tt.quorumReq),
				"returned": float64(len(tt.votes)), "yes": float64(yes), "no": float64(no), "abstain": float64(abstain),
				"quorum_met": tt.want != OutcomeNoQuorum, "outcome": string(tt.want),
				"closes_at": b.ClosesAt.Format(time.RFC3339Nano), "closes_on": "2026-03-20",
			}
			for k, want := range wantJSON {
				if full[k] != want {
					t.Errorf("result.json %s: got %v (%T), want %v", k, full[k], full[k], want)
				}
			}
			if lines, _ := full["votes"].([]any); len(lines) != len(voters) {
				t.Errorf("got %d votes in the SC's result.json, want %d", len(lines), len(voters))
			}

			// Counts only to every organisation on the roster, for member ballots.
			wantMembers := map[string]bool{}
			if tt.e == ElectorateMembers {
				for _, o := range orgs {
					for _, a := range o.Addresses() {
						wantMembers[a] = true
					}
				}
			}
			gotMembers := map[string]bool{}
			for _, m := range mails[1:] {
				if m.Kind != "ballot_result_members" {
					t.Errorf("got mail %s, want ballot_result_members", m.Kind)
					continue
				}
				if len(m.To) != 1 || gotMembers[m.To[0]] {
					t.Errorf("got members' result to %v, want one address, once", m.To)
					continue
				}
				gotMembers[m.To[0]] = true
				if d := m.Data.(ResultData); d.Lines != nil || d.Tally.Outcome != tt.want {
					t.Errorf("members' result to %s: got lines %v outcome %s, want no lines and %s", m.To[0], d.Lines, d.Tally.Outcome, tt.want)
				}
				counts := resultJSON(t, m)
				if _, ok := counts["votes"]; ok {
					t.Errorf("members' result.json to %s holds per-organisation votes", m.To[0])
				}
				for k, want := range wantJSON {
					if counts[k] != want {
						t.Errorf("members' result.json %s: got %v, want %v", k, counts[k], want)
					}
				}
				data := string(m.Attachments[0].Data)
				for _, o := range orgs {
					if strings.Contains(data, o.Name) || strings.Contains(data, `"`+o.ID+`"`) {
						t.Errorf("members' result.json names %s: %s", o.ID, data)
					}
				}
			}
			if len(gotMembers) != len(wantMembers) {
				t.Errorf("got members' results to %v, want %v", gotMembers, wantMembers)
			}
			for a := range wantMembers {
				if !gotMembers[a] {
					t.Errorf("got no members' result to %s", a)
				}
			}
		})
	}
}

func TestR_E_ReportWhileOpen(t *testing.T) {
	env := testEnv(t)
	b, _, _ := openTest(t, env, ElectorateMembers)
	votes := []Vote{{OrgID: "th1", Choice: Yes}, {OrgID: "kh1", Choice: Yes}, {OrgID: "mm1", Choice: Abstain}}
	r := Report(env, b, votes)
	if r.Outcome != OutcomeOpen {
		t.Errorf("got outcome %s while open, want %s", r.Outcome, OutcomeOpen)
	}
	if b.Status() != OutcomeOpen {
		t.Errorf("got status %s while open, want %s", b.Status(), OutcomeOpen)
	}
	if r.Returned != 3 || r.Yes != 2 || r.Abstain != 1 || !r.QuorumMet || r.QuorumRequired != 3 {
		t.Errorf("got %+v, want 3 returned (2 yes, 1 abstain), quorum 3 met", r)
	}
	if r.Votes != nil {
		t.Errorf("got votes %v in a report, want none", r.Votes)
	}
	closed, _ := CloseBallot(b.ClosesAt, env, b, nil, votes, nil, nil)
	if got := Report(env, closed, votes).Outcome; got != OutcomeCarried {
		t.Errorf("got outcome %s once closed, want %s", got, OutcomeCarried)
	}
}
