package gov

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Electorate says who votes on a ballot.
type Electorate string

const (
	// ElectorateMembers: regular members with voting rights (7.2.16, 5.1.7).
	ElectorateMembers Electorate = "members"
	// ElectorateSC: the organisations holding voting SC seats (7.2.1).
	ElectorateSC Electorate = "sc"
)

// Choice is an answer on a voting form.
type Choice string

const (
	Yes     Choice = "yes"
	No      Choice = "no"
	Abstain Choice = "abstain"
)

// Env is what the rules need to know of the deployment.
type Env struct {
	Rules       Rules
	Location    *time.Location
	Secret      []byte   // key of the reference tokens (HMAC)
	Secretariat []string // addresses
	// ReminderDays are the days before a deadline that reminders go out (7, 2, 1).
	ReminderDays []int
	// ReminderHour is the local hour a reminder becomes due on its day.
	ReminderHour int
	// SpecialSeats are the seats the GC created beside the country seats (7.2.2,
	// footnote 2), with their own term and replacement process.
	SpecialSeats []SpecialSeat
}

// SpecialSeat is a seat created by the GC: its id in the SC roster, the name mail
// shows, its term in years (0: the SC term, 7.2.15) and its replacement process as
// the GC set it, quoted to members when the seat falls vacant.
type SpecialSeat struct {
	ID, Name    string
	TermYears   int
	Replacement string
}

func (env Env) special(seat string) (SpecialSeat, bool) {
	for _, s := range env.SpecialSeats {
		if strings.EqualFold(s.ID, seat) {
			return s, true
		}
	}
	return SpecialSeat{}, false
}

// Ballot is a question put to an electorate (rules.md §E).
type Ballot struct {
	ID         string     `json:"id"`
	Title      string     `json:"title"`
	Question   string     `json:"question"`
	Electorate Electorate `json:"electorate"`
	OpenedAt   time.Time  `json:"opened_at"`
	// ClosesAt is the exclusive end of the closing day in the network's time zone.
	ClosesAt time.Time `json:"closes_at"`
	// Rules are a snapshot taken at opening: a later change of config does not change
	// an open ballot.
	Rules          Rules  `json:"rules"`
	ElectorateSize int    `json:"electorate_size"`
	QuorumBase     int    `json:"quorum_base"`
	Fingerprint    string `json:"fingerprint"`
	RemindersSent  []int  `json:"reminders_sent,omitempty"`
	// QuorumBaseOpened is the quorum base fixed at opening, kept when a member
	// ballot under Rules.QuorumBaseAt closing counted QuorumBase again at closing.
	QuorumBaseOpened int  `json:"quorum_base_opened,omitempty"`
	Closed           bool `json:"closed"`
	// Case is the application an SC ballot decides, if any.
	Case string `json:"case,omitempty"`
	// Recused are the SC seat holders the ballot concerns (a nominee, an applicant),
	// left out of its electorate, its quorum and its SC papers (Rules.RecuseConcerned).
	Recused  []string  `json:"recused,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
	Tally    *Tally    `json:"tally,omitempty"`
	// Cancelled: the Secretariat cancelled the ballot before any vote was cast.
	Cancelled bool `json:"cancelled,omitempty"`
	// Options are the choices of an options ballot (2-9; nil for YES/NO), Rule
	// how it picks one.
	Options []string   `json:"options,omitempty"`
	Rule    OptionRule `json:"rule,omitempty"`
}

// Voter is an organisation entitled to vote on a ballot, with the token it was sent.
type Voter struct {
	OrgID     string   `json:"org_id"`
	Name      string   `json:"name"`
	Country   string   `json:"country"`
	Language  string   `json:"language"`
	Seat      string   `json:"seat,omitempty"`
	Addresses []string `json:"addresses"`
	Token     string   `json:"token"`
}

// Vote is an organisation's latest valid answer on a ballot.
type Vote struct {
	OrgID     string    `json:"org_id"`
	Choice    Choice    `json:"choice"`
	At        time.Time `json:"at"`
	From      string    `json:"from"`
	MessageID string    `json:"message_id,omitempty"`
	// Sent is the Date the sender's client wrote on the message (zero if none).
	Sent time.Time `json:"sent,omitzero"`
	// Changes counts how many earlier answers this one replaced.
	Changes int `json:"changes,omitempty"`
}

// BallotView is what templates show of a ballot.
type BallotView struct {
	ID, Title, Question string
	Electorate          Electorate
	ClosesAt            time.Time
	ClosesOn            string // YYYY-MM-DD in the network's zone
	ElectorateSize      int
	QuorumRequired      int
	Fingerprint         string
	// Options and Rule: an options ballot's choices and rule (nil: YES/NO).
	Options []string
	Rule    OptionRule
}

// View returns what templates show of b.
func (b Ballot) View(loc *time.Location) BallotView {
	return BallotView{
		ID: b.ID, Title: b.Title, Question: b.Question, Electorate: b.Electorate,
		ClosesAt: b.ClosesAt, ClosesOn: DeadlineDate(b.ClosesAt, loc),
		ElectorateSize: b.ElectorateSize, QuorumRequired: b.Rules.Threshold.HalfPlusOne(b.QuorumBase),
		Fingerprint: b.Fingerprint, Options: b.Options, Rule: b.Rule,
	}
}

// Status returns the ballot's outcome so far: open until it closes.
func (b Ballot) Status() Outcome {
	if b.Tally == nil {
		return OutcomeOpen
	}
	return b.Tally.Outcome
}

// OpenRequest is the Secretariat's request to open a ballot.
type OpenRequest struct {
	ID         string
	Title      string
	Question   string
	Electorate Electorate
	// CloseDate is the last day of voting, a date in the network's time zone.
	CloseDate time.Time
	// Case links an SC ballot to the application it decides.
	Case string
	// Concerned are the organisations whose own nomination or case the ballot
	// decides. With Rules.RecuseConcerned, on an SC ballot those holding a seat
	// get no voting form and no ballot_opened, and the quorum counts the other
	// voting seats; the Secretariat's addresses are never left out.
	Concerned []string
	// Options make an options ballot (2-9 choices; nil: YES/NO); Rule picks the
	// outcome (majority, the default, or plurality).
	Options []string
	Rule    OptionRule
}

// FormData is the data of a ballot_form and ballot_reminder mail.
type FormData struct {
	Ballot   BallotView
	Voter    Voter
	Token    string
	Reminder int // days left, for reminders
}

// OpenedData is the data of the ballot_opened mail to the Secretariat and the SC.
type OpenedData struct {
	Ballot BallotView
	Voters []Voter
}

// OpenBallot decides the electorate of a new ballot and the forms to send. orgs is the
// whole roster; seats the SC.
func OpenBallot(now time.Time, env Env, req OpenRequest, orgs []Org, seats []Seat) (Ballot, []Voter, []Mail, error) {
	loc := env.Location
	var problems []string
	if strings.TrimSpace(req.Title) == "" {
		problems = append(problems, "a title is required")
	}
	if strings.ContainsAny(req.Title, "\r\n") {
		problems = append(problems, "the title must be one line")
	}
	if strings.TrimSpace(req.Question) == "" {
		problems = append(problems, "a question is required")
	}
	if req.Electorate != ElectorateMembers && req.Electorate != ElectorateSC {
		problems = append(problems, fmt.Sprintf("electorate %q: want members or sc", req.Electorate))
	}
	closesAt := EndOfDay(time.Date(req.CloseDate.Year(), req.CloseDate.Month(), req.CloseDate.Day(), 0, 0, 0, 0, loc))
	if !closesAt.After(now) {
		problems = append(problems, fmt.Sprintf("closing date %s has already passed", DeadlineDate(closesAt, loc)))
	}
	if err := checkOptions(req.Options, req.Rule); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return Ballot{}, nil, nil, errorf("invalid_ballot", strings.Join(problems, "; "))
	}

	var recused []string
	if req.Electorate == ElectorateSC {
		recused = Recused(env, seats, req.Concerned...)
	}
	voters, base := electorate(now, env, req.Electorate, orgs, seats, recused)
	if len(voters) == 0 {
		return Ballot{}, nil, nil, errorf("empty_electorate", fmt.Sprintf("nobody can vote: the %s electorate is empty", req.Electorate))
	}
	b := Ballot{
		ID: req.ID, Title: strings.TrimSpace(req.Title), Question: strings.TrimSpace(req.Question),
		Electorate: req.Electorate, OpenedAt: now, ClosesAt: closesAt, Rules: env.Rules,
		ElectorateSize: len(voters), QuorumBase: base, Case: req.Case, Recused: recused,
	}
	if len(req.Options) > 0 {
		for _, o := range req.Options {
			b.Options = append(b.Options, strings.Join(strings.Fields(o), " "))
		}
		b.Rule = req.Rule
		if b.Rule == "" {
			b.Rule = OptionMajority
		}
	}
	for i := range voters {
		voters[i].Token = Token(env.Secret, b.ID, voters[i].OrgID)
	}
	b.Fingerprint = Fingerprint(voters)

	view := b.View(loc)
	mails := make([]Mail, 0, 2*len(voters)+1)
	for _, v := range voters {
		for _, addr := range v.Addresses {
			mails = append(mails, Mail{
				Kind: "ballot_form", Key: "ballot/" + b.ID + "/form/" + v.OrgID + "/" + addr,
				To: []string{addr}, Lang: v.Language, Auto: AutoGenerated, Token: v.Token,
				Data: FormData{Ballot: view, Voter: v, Token: v.Token},
			})
		}
	}
	mails = append(mails, Mail{
		Kind: "ballot_opened", Key: "ballot/" + b.ID + "/opened",
		To: officersExcept(env, orgs, seats, recused), Lang: "en", Auto: AutoGenerated,
		Data: OpenedData{Ballot: view, Voters: voters},
	})
	return b, voters, mails, nil
}

// electorate returns the voters of a ballot and n for its quorum. The SC
// electorate leaves out the seat holders in recused: n counts the other voting seats.
func electorate(now time.Time, env Env, e Electorate, orgs []Org, seats []Seat, recused []string) ([]Voter, int) {
	var voters []Voter
	byID := make(map[string]Org, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	switch e {
	case ElectorateSC:
		for _, s := range VotingSeats(seats) {
			o, ok := byID[s.OrgID]
			if !ok || contains(recused, s.OrgID) {
				continue
			}
			v := voterOf(o)
			v.Seat = s.Seat
			voters = append(voters, v)
		}
		return voters, len(voters)
	default:
		regular := 0
		for _, o := range orgs {
			if o.Kind != Regular || o.Lapsed {
				continue // a lapsed organisation is no longer a member (5.1.8)
			}
			regular++
			if env.Rules.VotesOnBallots(o, now, env.Location) {
				voters = append(voters, voterOf(o))
			}
		}
		if env.Rules.QuorumBase == QuorumBaseAllRegular {
			return voters, regular
		}
		return voters, len(voters)
	}
}

func voterOf(o Org) Voter {
	return Voter{OrgID: o.ID, Name: o.Name, Country: o.Country, Language: o.Language, Addresses: o.MailAddresses()}
}

// SCAddresses returns the addresses of the organisations holding SC seats (voting or
// not: the Regional Coordinator receives everything the SC does).
func SCAddresses(orgs []Org, seats []Seat) []string {
	byID := make(map[string]Org, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	var out []string
	for _, s := range seats {
		if o, ok := byID[s.OrgID]; ok {
			for _, a := range o.Addresses() {
				if !contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	return out
}

// officers returns the Secretariat's and the SC's addresses, without repeats.
func officers(env Env, orgs []Org, seats []Seat) []string {
	return officersExcept(env, orgs, seats, nil)
}

// officersExcept is officers without the addresses of the organisations in
// recused; the Secretariat's addresses are always kept.
func officersExcept(env Env, orgs []Org, seats []Seat, recused []string) []string {
	out := []string{}
	for _, a := range env.Secretariat {
		if a = NormalizeAddress(a); !contains(out, a) {
			out = append(out, a)
		}
	}
	for _, a := range scAddressesExcept(orgs, seats, recused) {
		if !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// Recused returns the organisations among concerned that hold an SC seat and are
// to be left out of the SC's vote on them, its papers and the opinions on them:
// none when env.Rules.RecuseConcerned is off (rules.md, "Conflict of interest").
func Recused(env Env, seats []Seat, concerned ...string) []string {
	if !env.Rules.RecuseConcerned {
		return nil
	}
	var out []string
	for _, s := range seats {
		if s.OrgID != "" && contains(concerned, s.OrgID) && !contains(out, s.OrgID) {
			out = append(out, s.OrgID)
		}
	}
	return out
}

// SCRecipients returns the SC's addresses for mail about the nomination or case
// of the organisations concerned: the opinions on it and the SC papers on it.
// With env.Rules.RecuseConcerned the concerned organisations' addresses are left
// out (rules.md, "Conflict of interest").
func SCRecipients(env Env, orgs []Org, seats []Seat, concerned ...string) []string {
	return scAddressesExcept(orgs, seats, Recused(env, seats, concerned...))
}

// scAddressesExcept is SCAddresses without the seats of the organisations in
// recused, nor any address of theirs.
func scAddressesExcept(orgs []Org, seats []Seat, recused []string) []string {
	all := SCAddresses(orgs, seats)
	if len(recused) == 0 {
		return all
	}
	var drop []string
	for _, o := range orgs {
		if contains(recused, o.ID) {
			drop = append(drop, o.Addresses()...)
		}
	}
	out := []string{}
	for _, a := range all {
		if !contains(drop, a) {
			out = append(out, a)
		}
	}
	return out
}

// Fingerprint is a hash of who may vote and at which addresses, so that a later
// change of the roster is visible to the SC.
func Fingerprint(voters []Voter) string {
	lines := make([]string, 0, len(voters))
	for _, v := range voters {
		addrs := slices.Clone(v.Addresses)
		sort.Strings(addrs)
		lines = append(lines, v.OrgID+":"+strings.Join(addrs, ","))
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Token returns the reference token of (ballot or case id, organisation): the id, a
// dash and eight characters of an HMAC under secret. It is stable, so a form sent
// again carries the same token, and it cannot be guessed without the secret.
func Token(secret []byte, id, orgID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(id + "\x00" + orgID))
	return id + "-" + tokenEncoding.EncodeToString(m.Sum(nil))[:8]
}

var tokenRE = regexp.MustCompile(`\b([A-Z]{1,3}[0-9]{1,9})-([A-Z2-7]{8})\b`)

// FindTokens returns the reference tokens that appear in s, in order, without repeats.
func FindTokens(s string) []string {
	var out []string
	for _, m := range tokenRE.FindAllString(strings.ToUpper(s), -1) {
		if !contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// TokenID returns the ballot or case id part of a token.
func TokenID(token string) string {
	i := strings.LastIndexByte(token, '-')
	if i < 0 {
		return ""
	}
	return token[:i]
}

// VoteInput is what a reply says and who sent it.
type VoteInput struct {
	At        time.Time // when the server received it
	From      string
	MessageID string
	Choice    Choice // "" when the reply holds no answer
	Ambiguous bool   // two different answers were found
	// Sender is the roster organisation From belongs to, nil for a stranger.
	Sender *Org
	// Sent is the message's Date header (zero if none): a message dated before the
	// vote it would replace, or before the ballot opened, is a replay.
	Sent time.Time
	// Line is the reply's line the answer was read from, shown in the receipt.
	Line string
	// Recorded is when the bot records the answer (its transaction's time), shown
	// in the receipt; At, the server's arrival time, is what the deadline is
	// checked against. Zero: At.
	Recorded time.Time
}

// ReplaySlack is how far a message's Date may lie before the ballot's opening (the
// clocks of mail clients are not exact) before it is refused as a replay.
const ReplaySlack = 15 * time.Minute

// ReceiptData is the data of a vote_receipt mail.
type ReceiptData struct {
	Ballot     BallotView
	Voter      Voter
	Choice     Choice
	RecordedAt time.Time
	Replaced   Choice // the answer this one replaced, or ""
	// Option and ReplacedOption name the options of an options ballot ("" for
	// ABSTAIN and on YES/NO ballots).
	Option, ReplacedOption string
	// Line is the line of the reply the answer was read from, as written.
	Line string
}

func recordedAt(in VoteInput) time.Time {
	if in.Recorded.IsZero() {
		return in.At
	}
	return in.Recorded
}

// optionText is the text of the option c stands for on b, "" if none.
func (b Ballot) optionText(c Choice) string {
	if n := c.Option(); n > 0 && n <= len(b.Options) {
		return b.Options[n-1]
	}
	return ""
}

// RefusalData is the data of a refusal mail. Code names the reason; a
// translation says it in its own words from Code (and Procedure, Doubt),
// and the English part gives Reason.
type RefusalData struct {
	Code   string
	Reason string // plain English, for logs and the English part of the mail
	// Procedure is what the refused message answered when it is not a ballot
	// (Ballot): one of the Proc… values, or "". A refusal that asks for an
	// answer again lists that procedure's answers.
	Procedure string
	// Doubt, when the reader asked again, is why (answer.Doubt's values:
	// two_answers, negated, hedged, question, correction, closing_only), and
	// Quote what it read, the member's own words.
	Doubt, Quote string
	Ballot       *BallotView
	Case         *ApplicationView
	Subject      string // of the refused message
}

// The procedures a refusal may answer besides a ballot (RefusalData.Procedure).
const (
	ProcOpinion    = "opinion"    // an opinion on an application (ToP 6.4): SUPPORT, OBJECT, COMMENT
	ProcNomination = "nomination" // an opinion on a nominee for a seat: SUPPORT, OBJECT, COMMENT
	ProcReconfirm  = "reconfirm"  // the yearly re-confirmation (5.1.6): RECONFIRM
	ProcAttend     = "attend"     // the General Conference's attendance (7.1): ATTEND
	ProcRecommend  = "recommend"  // naming an organisation for a seat (7.2.6)
	ProcContact    = "contact"    // confirming a contact change: CONFIRM or REFUSE
)

// Refusal codes, shown in templates and logs.
const (
	RefuseNotOnRoster   = "not_on_roster"
	RefuseAssociate     = "associate"
	RefuseWrongSender   = "wrong_sender"
	RefuseLate          = "late"
	RefuseAmbiguous     = "ambiguous"
	RefuseNoAnswer      = "no_answer"
	RefuseNoReference   = "no_reference"
	RefuseUnreadable    = "unreadable"
	RefuseNotElectorate = "not_in_electorate"
	RefuseReplay        = "replay"
	// RefuseNoVotingRights: a member ballot's voter that has not re-confirmed
	// (5.1.7), checked when the vote is cast.
	RefuseNoVotingRights = "no_voting_rights"
	// RefuseLapsed: the organisation's membership lapsed (5.1.8); it must apply
	// again.
	RefuseLapsed = "lapsed"
)

// CastVote decides a reply to ballot b that carried voter's token. prev is voter's
// current vote, if any. It returns the new vote (nil when refused) and the reply to send.
func CastVote(env Env, b Ballot, voter Voter, prev *Vote, in VoteInput) (*Vote, Mail) {
	view := b.View(env.Location)
	refuse := func(code, reason string) (*Vote, Mail) {
		return nil, Refuse(in.From, in.MessageID, langOf(in.Sender, voter.Language), RefusalData{Code: code, Reason: reason, Ballot: &view})
	}
	switch {
	case b.Closed || !in.At.Before(b.ClosesAt):
		return refuse(RefuseLate, fmt.Sprintf("voting on %s closed at the end of %s", b.ID, view.ClosesOn))
	case in.Sender == nil:
		return refuse(RefuseNotOnRoster, "your address is not on the network's roster")
	case in.Sender.Kind == Associate && in.Sender.ID != voter.OrgID:
		return refuse(RefuseAssociate, "associates give opinions but do not vote (ToP 5.2.2)")
	case in.Sender.ID != voter.OrgID:
		return refuse(RefuseWrongSender, "this voting form was sent to another organisation; only its contact or alternate can answer it")
	case !in.Sent.IsZero() && in.Sent.Before(b.OpenedAt.Add(-ReplaySlack)):
		return refuse(RefuseReplay, fmt.Sprintf("your message is dated %s, before ballot %s was opened; it cannot answer it", in.Sent.In(env.Location).Format("2006-01-02 15:04"), b.ID))
	case prev != nil && !in.Sent.IsZero() && !prev.Sent.IsZero() && in.Sent.Before(prev.Sent):
		return refuse(RefuseReplay, fmt.Sprintf("your message is dated %s, earlier than the answer already recorded (dated %s); an older message cannot replace a newer one",
			in.Sent.In(env.Location).Format("2006-01-02 15:04"), prev.Sent.In(env.Location).Format("2006-01-02 15:04")))
	case b.Electorate == ElectorateMembers && !b.Rules.VotesOnBallots(*in.Sender, in.At, env.Location):
		// The right to vote is checked when the vote is cast (5.1.7): the
		// electorate and the quorum base stay as fixed at opening.
		return refuse(noVote(env, b.Rules, *in.Sender, in.At, prev))
	case in.Ambiguous && len(b.Options) > 0:
		return refuse(RefuseAmbiguous, fmt.Sprintf("we could not tell which option your reply chooses; please reply with only the number of one option (1 to %d), or ABSTAIN", len(b.Options)))
	case in.Ambiguous:
		return refuse(RefuseAmbiguous, "your reply holds more than one answer; please reply with only one of YES, NO or ABSTAIN")
	case in.Choice == "" && len(b.Options) > 0:
		return refuse(RefuseNoAnswer, fmt.Sprintf("we found no choice in your reply; please reply with the number of one option (1 to %d), or ABSTAIN, above the quoted text", len(b.Options)))
	case in.Choice == "":
		return refuse(RefuseNoAnswer, "we found no answer in your reply; please reply with YES, NO or ABSTAIN above the quoted text")
	case len(b.Options) > 0 && in.Choice != Abstain && (in.Choice.Option() == 0 || in.Choice.Option() > len(b.Options)):
		return refuse(RefuseNoAnswer, fmt.Sprintf("this ballot asks you to choose one of its options (1 to %d) or ABSTAIN, not %s", len(b.Options), strings.ToUpper(string(in.Choice))))
	case len(b.Options) == 0 && in.Choice.Option() > 0:
		return refuse(RefuseNoAnswer, "this ballot asks for YES, NO or ABSTAIN")
	}
	v := &Vote{OrgID: voter.OrgID, Choice: in.Choice, At: in.At, From: NormalizeAddress(in.From), MessageID: in.MessageID, Sent: in.Sent}
	var replaced Choice
	if prev != nil {
		v.Changes = prev.Changes + 1
		replaced = prev.Choice
	}
	return v, Mail{
		Kind: "vote_receipt", Key: "reply/" + in.MessageID, To: []string{in.From},
		Lang: voter.Language, Auto: AutoReplied, InReplyTo: in.MessageID, Token: voter.Token,
		Data: ReceiptData{Ballot: view, Voter: voter, Choice: in.Choice, RecordedAt: recordedAt(in), Replaced: replaced,
			Option: b.optionText(in.Choice), ReplacedOption: b.optionText(replaced), Line: in.Line},
	}
}

// noVote returns the refusal code and reason of a vote from o, which may not vote
// on a member ballot at at. An answer recorded while o held the vote still counts.
func noVote(env Env, r Rules, o Org, at time.Time, prev *Vote) (code, reason string) {
	switch {
	case o.Lapsed:
		return RefuseLapsed, fmt.Sprintf("the membership of %s has lapsed: it was not re-confirmed two years in a row (ToP 5.1.8); a lapsed organisation has no vote, and to become a member again it must apply again", o.Name)
	case o.Kind != Regular:
		return RefuseAssociate, "associates give opinions but do not vote (ToP 5.2.2)"
	}
	year, deadline := r.LastReconfirmDeadline(at, env.Location)
	reason = fmt.Sprintf("%s has not re-confirmed its membership for %d (due by the end of %s), so it has no vote until it re-confirms (ToP 5.1.7); reply RECONFIRM to the re-confirmation form, then answer this voting form again",
		o.Name, year, DeadlineDate(deadline, env.Location))
	if prev != nil {
		reason += fmt.Sprintf("; the answer %s recorded on %s, while it held the vote, still counts", strings.ToUpper(string(prev.Choice)), prev.At.In(env.Location).Format("2006-01-02"))
	}
	return RefuseNoVotingRights, reason
}

func langOf(o *Org, fallback string) string {
	if o != nil && o.Language != "" {
		return o.Language
	}
	if fallback != "" {
		return fallback
	}
	return "en"
}

// Refuse builds the refusal mail answering message msgID from addr.
func Refuse(addr, msgID, lang string, d RefusalData) Mail {
	return Mail{
		Kind: "refusal", Key: "reply/" + msgID, To: []string{addr}, Lang: lang,
		Auto: AutoReplied, InReplyTo: msgID, Data: d,
	}
}

// DueReminder returns the reminder of b due at now, if any: the one with the fewest
// days left among those whose time has come and that have not been sent. Only the
// latest is sent after a pause, so a bot back from a week offline does not send three.
func DueReminder(now time.Time, env Env, b Ballot) (days int, due bool) {
	if b.Closed || !now.Before(b.ClosesAt) {
		return 0, false
	}
	best := -1
	for _, d := range env.ReminderDays {
		if d <= 0 || slices.ContainsFunc(b.RemindersSent, func(sent int) bool { return sent <= d }) {
			continue // sent, or a nearer one was: never remind further from the deadline
		}
		day := b.ClosesAt.In(env.Location).AddDate(0, 0, -1-d) // the calendar day d days before the last day
		at := time.Date(day.Year(), day.Month(), day.Day(), env.ReminderHour, 0, 0, 0, env.Location)
		if at.Before(b.OpenedAt) || now.Before(at) {
			continue
		}
		if best < 0 || d < best {
			best = d
		}
	}
	return best, best > 0
}

// Reminders returns the reminder mails for the voters who have not answered.
func Reminders(env Env, b Ballot, days int, voters []Voter, answered func(orgID string) bool) []Mail {
	view := b.View(env.Location)
	var mails []Mail
	for _, v := range voters {
		if answered(v.OrgID) {
			continue
		}
		for _, addr := range v.Addresses {
			mails = append(mails, Mail{
				Kind: "ballot_reminder", Key: fmt.Sprintf("ballot/%s/reminder/%d/%s/%s", b.ID, days, v.OrgID, addr),
				To: []string{addr}, Lang: v.Language, Auto: AutoGenerated, Token: v.Token,
				Data: FormData{Ballot: view, Voter: v, Token: v.Token, Reminder: days},
			})
		}
	}
	return mails
}

// ResultLine is one organisation's answer in the SC's result.
type ResultLine struct {
	OrgID, Name, Country string
	Choice               Choice // "" when it did not answer
	At                   time.Time
}

// ResultData is the data of the result mails. Lines are only filled for the SC.
type ResultData struct {
	Ballot BallotView
	Tally  Tally
	Lines  []ResultLine

	// AuditHead is the audit log's head hash, printed in the SC's result only (see
	// DigestData.AuditHead).
	AuditHead string
}

// ResultJSON is the result.json attached to the result mails and printed by
// `ballot show --json`.
type ResultJSON struct {
	ID             string        `json:"id"`
	Title          string        `json:"title"`
	Question       string        `json:"question"`
	Electorate     Electorate    `json:"electorate"`
	ElectorateSize int           `json:"electorate_size"`
	QuorumBase     int           `json:"quorum_base"`
	QuorumRequired int           `json:"quorum_required"`
	Returned       int           `json:"returned"`
	Yes            int           `json:"yes"`
	No             int           `json:"no"`
	Abstain        int           `json:"abstain"`
	QuorumMet      bool          `json:"quorum_met"`
	Outcome        Outcome       `json:"outcome"`
	OpenedAt       time.Time     `json:"opened_at"`
	ClosesAt       time.Time     `json:"closes_at"`
	ClosesOn       string        `json:"closes_on"`
	Threshold      ThresholdRule `json:"threshold"`
	Majority       MajorityRule  `json:"majority"`
	Fingerprint    string        `json:"fingerprint"`
	// Recused are the SC seat holders left out of the ballot: it decides on them.
	Recused []string     `json:"recused,omitempty"`
	Votes   []ResultLine `json:"votes,omitempty"`

	// QuorumBaseOpened is the base fixed at opening when QuorumBase was counted
	// again at closing (rules.quorum_base_at: closing).
	QuorumBaseOpened int `json:"quorum_base_opened,omitempty"`

	// An options ballot's rule, its options with their votes (Returned counts
	// them too), and the option chosen: 1-based, 0 when none was or while the
	// ballot is open. Absent on a YES/NO ballot.
	Rule    OptionRule     `json:"rule,omitempty"`
	Options []OptionResult `json:"options,omitempty"`
	Winner  int            `json:"winner,omitempty"`
}

// Count counts votes.
func CountVotes(votes []Vote) Count {
	var c Count
	for _, v := range votes {
		switch v.Choice {
		case Yes:
			c.Yes++
		case No:
			c.No++
		case Abstain:
			c.Abstain++
		default:
			if n := v.Choice.Option(); n > 0 {
				for len(c.Options) < n {
					c.Options = append(c.Options, 0)
				}
				c.Options[n-1]++
			}
		}
	}
	return c
}

// Report returns b's figures now: the live count while open, the result once closed.
func Report(env Env, b Ballot, votes []Vote) ResultJSON {
	t := b.decide(votes)
	if !b.Closed {
		t.Outcome = OutcomeOpen
	}
	r := ResultJSON{
		ID: b.ID, Title: b.Title, Question: b.Question, Electorate: b.Electorate,
		ElectorateSize: b.ElectorateSize, QuorumBase: b.QuorumBase, QuorumBaseOpened: b.QuorumBaseOpened, QuorumRequired: t.QuorumRequired,
		Returned: t.Returned(), Yes: t.Yes, No: t.No, Abstain: t.Abstain, QuorumMet: t.QuorumMet,
		Outcome: t.Outcome, OpenedAt: b.OpenedAt, ClosesAt: b.ClosesAt, ClosesOn: DeadlineDate(b.ClosesAt, env.Location),
		Threshold: b.Rules.Threshold, Majority: b.Rules.Majority, Fingerprint: b.Fingerprint, Recused: b.Recused,
	}
	r.optionResults(b, t)
	return r
}

// CloseBallot closes b at now: the tally against quorum and majority, the full result
// to the Secretariat and the SC, and the counts to every organisation on the roster
// (member ballots) or to the SC alone (SC ballots).
//
// A member ballot's quorum base stays as fixed at opening; under Rules.QuorumBaseAt
// closing it is counted again from the roster as it is now (see [closingBase]).
// A lapsed organisation (5.1.8) gets no result.
func CloseBallot(now time.Time, env Env, b Ballot, voters []Voter, votes []Vote, orgs []Org, seats []Seat) (Ballot, []Mail) {
	if b.Electorate == ElectorateMembers && b.Rules.QuorumBaseAt == QuorumBaseAtClosing {
		if n := closingBase(now, env, b, voters, orgs); n != b.QuorumBase {
			b.QuorumBaseOpened, b.QuorumBase = b.QuorumBase, n
		}
	}
	t := b.decide(votes)
	b.Closed, b.ClosedAt, b.Tally = true, now, &t

	byOrg := make(map[string]Vote, len(votes))
	for _, v := range votes {
		byOrg[v.OrgID] = v
	}
	lines := make([]ResultLine, 0, len(voters))
	for _, v := range voters {
		l := ResultLine{OrgID: v.OrgID, Name: v.Name, Country: v.Country}
		if vote, ok := byOrg[v.OrgID]; ok {
			l.Choice, l.At = vote.Choice, vote.At
		}
		lines = append(lines, l)
	}
	view := b.View(env.Location)
	full := Report(env, b, votes)
	full.Votes = lines
	counts := full
	counts.Votes = nil
	fullJSON, _ := json.MarshalIndent(full, "", "  ")
	countsJSON, _ := json.MarshalIndent(counts, "", "  ")

	mails := []Mail{{
		Kind: "ballot_result_sc", Key: "ballot/" + b.ID + "/result/sc", To: officersExcept(env, orgs, seats, b.Recused),
		Lang: "en", Auto: AutoGenerated, Data: ResultData{Ballot: view, Tally: t, Lines: lines},
		Attachments: []Attachment{{Name: "result.json", ContentType: "application/json", Data: fullJSON}},
	}}
	if b.Electorate == ElectorateMembers {
		for _, o := range orgs {
			if o.Lapsed {
				continue
			}
			for _, addr := range o.MailAddresses() {
				mails = append(mails, Mail{
					Kind: "ballot_result_members", Key: "ballot/" + b.ID + "/result/" + o.ID + "/" + addr, Shared: "ballot/" + b.ID + "/result",
					To: []string{addr}, Lang: o.Language, Auto: AutoGenerated,
					Data:        ResultData{Ballot: view, Tally: t},
					Attachments: []Attachment{{Name: "result.json", ContentType: "application/json", Data: countsJSON}},
				})
			}
		}
	}
	return b, mails
}

// closingBase counts a member ballot's quorum base at its closing (Rules.QuorumBaseAt
// closing), at now or, when the ballot closes late, its last instant: under
// quorum_base voting, the organisations of its electorate that hold the vote then;
// under all_regular, every regular member that has not lapsed.
func closingBase(now time.Time, env Env, b Ballot, voters []Voter, orgs []Org) int {
	at := now
	if !at.Before(b.ClosesAt) {
		at = b.ClosesAt.Add(-time.Nanosecond)
	}
	byID := make(map[string]Org, len(orgs))
	n := 0
	for _, o := range orgs {
		byID[o.ID] = o
		if o.Kind == Regular && !o.Lapsed {
			n++
		}
	}
	if b.Rules.QuorumBase == QuorumBaseAllRegular {
		return n
	}
	n = 0
	for _, v := range voters {
		if o, ok := byID[v.OrgID]; ok && b.Rules.VotesOnBallots(o, at, env.Location) {
			n++
		}
	}
	return n
}
