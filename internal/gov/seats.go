package gov

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SC terms (7.2.15): two years, at most three consecutive terms, eligible again after
// one term out.
const (
	TermYears           = 2
	MaxConsecutiveTerms = 3
)

// SeatTerm is a past or present holding of a seat: the SC's history.
type SeatTerm struct {
	Seat             string    `json:"seat"`
	OrgID            string    `json:"org_id"`
	Person           string    `json:"person,omitempty"`
	TermStart        time.Time `json:"term_start"`
	TermEnd          time.Time `json:"term_end"`
	ConsecutiveTerms int       `json:"consecutive_terms"`
	EndedBy          string    `json:"ended_by,omitempty"` // term_end, resigned, left
}

// Nomination states: the path from a vacant seat to an approved member (rules.md §C).
const (
	NomReplacement = "replacement"  // the organisation of a member who left names a replacement (7.2.6)
	NomSCAppoints  = "sc_appoints"  // the 3 months passed: the appointment falls to the SC (7.2.7)
	NomRecommend   = "recommending" // the members of the seat's country recommend (7.2.16)
	NomOpinions    = "opinions"     // notice to all members; two weeks of opinions
	NomSCVote      = "sc_vote"
	NomMemberVote  = "member_vote" // formal approval by email (7.2.16)
	NomFilled      = "filled"
	NomFailed      = "failed"
)

// Nomination is one vacancy of a seat and its path to a new holder.
type Nomination struct {
	ID     string `json:"id"` // N1
	Seat   string `json:"seat"`
	Reason string `json:"reason"` // term_end, resigned, left
	State  string `json:"state"`
	// Outgoing is the organisation that held (or holds, until its term ends) the seat.
	Outgoing  string    `json:"outgoing,omitempty"`
	OpenedAt  time.Time `json:"opened_at"`
	Deadline  time.Time `json:"deadline,omitzero"` // of the current stage
	Nominee   string    `json:"nominee,omitempty"`
	Person    string    `json:"person,omitempty"`
	TermStart time.Time `json:"term_start,omitzero"` // of the new term: the old term's end, or the approval
	// Recommendations: recommending org id → recommended org id (or text).
	Recommendations map[string]string `json:"recommendations,omitempty"`
	SCBallot        string            `json:"sc_ballot,omitempty"`
	MemberBallot    string            `json:"member_ballot,omitempty"`
	RemindersSent   []int             `json:"reminders_sent,omitempty"`
	Note            string            `json:"note,omitempty"`
	// For a special seat, taken from the config when the vacancy opens: the name
	// mail shows, the term in years, the GC's replacement process.
	SeatName    string `json:"seat_name,omitempty"`
	TermYears   int    `json:"term_years,omitempty"`
	Replacement string `json:"replacement,omitempty"`
}

// years is the length of the term n fills.
func (n Nomination) years() int {
	if n.TermYears > 0 {
		return n.TermYears
	}
	return TermYears
}

// Open reports whether the nomination still needs action.
func (n Nomination) Open() bool { return n.State != NomFilled && n.State != NomFailed }

// Concerned returns the organisation whose own nomination n is: the nominee. When
// it holds an SC seat (a renomination) it is left out of the SC's vote on n and
// gets neither the SC papers nor the opinions on it (Rules.RecuseConcerned).
func (n Nomination) Concerned() []string {
	if n.Nominee == "" {
		return nil
	}
	return []string{n.Nominee}
}

// NominationView is what templates show.
type NominationView struct {
	ID, Seat, Reason, State string
	Outgoing, Nominee       string // names
	Deadline                time.Time
	TermStart, TermEnd      time.Time
	Note                    string
	// Replacement is a special seat's replacement process, as the GC set it.
	Replacement string
}

// Eligibility checks whether org may take seat (7.2.3, 7.2.15, 5.2.2). countries are
// the GMS countries (a country seat needs a member of that country; a special seat
// any regular member). history is every past term.
func Eligibility(now time.Time, env Env, org Org, seat string, countries []string, seats []Seat, history []SeatTerm) error {
	switch {
	case org.Kind != Regular:
		return errorf("ineligible", fmt.Sprintf("%s is an associate: associates are never electable to the SC (ToP 5.2.2)", org.Name))
	case org.Lapsed || !env.Rules.HasVotingRights(org, now, env.Location):
		return errorf("ineligible", fmt.Sprintf("%s has no voting rights (not re-confirmed, ToP 5.1.7)", org.Name))
	case contains(countries, seat) && !strings.EqualFold(org.Country, seat):
		return errorf("ineligible", fmt.Sprintf("%s is of %s, not of %s: a country's seat goes to a member of that country (7.2.1, 7.2.16)", org.Name, org.Country, seat))
	}
	for _, s := range seats {
		if s.OrgID == org.ID && s.Seat != seat {
			return errorf("ineligible", fmt.Sprintf("%s already holds the %s seat: an organisation holds at most one seat (7.2.3)", org.Name, s.Seat))
		}
	}
	// Consecutive terms: the current holder renewing, or a recent term.
	terms := ConsecutiveTermsAt(now, org.ID, seat, seats, history)
	if terms >= MaxConsecutiveTerms {
		return errorf("ineligible", fmt.Sprintf("%s has served %d consecutive terms: at most %d, eligible again after one term (two years) out (7.2.15)", org.Name, terms, MaxConsecutiveTerms))
	}
	return nil
}

// ConsecutiveTermsAt returns how many consecutive terms org has served on seat up to
// now, counting only a run that ended less than one term ago (a term out resets it).
func ConsecutiveTermsAt(now time.Time, orgID, seat string, seats []Seat, history []SeatTerm) int {
	for _, s := range seats {
		if s.OrgID == orgID && s.Seat == seat {
			return s.ConsecutiveTerms
		}
	}
	best := 0
	for _, h := range history {
		if h.OrgID == orgID && h.Seat == seat && now.Before(h.TermEnd.AddDate(TermYears, 0, 0)) {
			best = max(best, h.ConsecutiveTerms)
		}
	}
	return best
}

// NominationData is the data of the mails of a nomination.
type NominationData struct {
	Nomination      NominationView
	Voter           Voter
	Token           string
	Reason          string
	Opinions        []Opinion
	Recommendations []string
}

// View returns what templates show of n, with organisation names from orgs.
func (n Nomination) View(orgs []Org) NominationView {
	name := func(id string) string {
		for _, o := range orgs {
			if o.ID == id {
				return o.Name
			}
		}
		return id
	}
	v := NominationView{ID: n.ID, Seat: n.Seat, Reason: n.Reason, State: n.State, Outgoing: name(n.Outgoing), Nominee: name(n.Nominee), Deadline: n.Deadline, Note: n.Note, TermStart: n.TermStart, Replacement: n.Replacement}
	if n.SeatName != "" {
		v.Seat = n.SeatName
	}
	if !n.TermStart.IsZero() {
		v.TermEnd = n.TermStart.AddDate(n.years(), 0, -1)
	}
	return v
}

// OpenVacancy starts the path to a new holder of seat at now. A member who left her/his
// organisation (resigned, left) gives that organisation three months to name a
// replacement (7.2.6); a term coming to its end asks the members of the seat's country
// to recommend the next organisation (7.2.16).
func OpenVacancy(now time.Time, env Env, id, seat, reason string, holder *Seat, orgs []Org, seats []Seat, countries []string, replacementDays int) (Nomination, []Voter, []Mail) {
	n := Nomination{ID: id, Seat: seat, Reason: reason, OpenedAt: now}
	if sp, ok := env.special(seat); ok {
		n.SeatName, n.TermYears, n.Replacement = sp.Name, sp.TermYears, sp.Replacement
	}
	if holder != nil {
		n.Outgoing = holder.OrgID
	}
	local := now.In(env.Location)
	var voters []Voter
	var mails []Mail
	if reason == "resigned" || reason == "left" {
		n.State = NomReplacement
		n.Deadline = EndOfDay(local.AddDate(0, 3, 0))
		n.TermStart = StartOfDay(now, env.Location)
	} else {
		n.State = NomRecommend
		n.Deadline = EndOfDay(local.AddDate(0, 0, replacementDays))
		if holder != nil && holder.TermEnd.After(now) {
			// term_end is the last day of the term: the next one starts the day after.
			n.TermStart = holder.TermEnd.AddDate(0, 0, 1)
		} else {
			n.TermStart = StartOfDay(now, env.Location)
		}
		// The members of the seat's country are asked to recommend (7.2.16); for a
		// special seat, every member.
		for _, o := range orgs {
			if o.Kind != Regular || o.Lapsed || contains(countries, seat) && !strings.EqualFold(o.Country, seat) {
				continue
			}
			v := voterOf(o)
			v.Token = Token(env.Secret, n.ID, o.ID)
			voters = append(voters, v)
			for _, addr := range v.Addresses {
				mails = append(mails, Mail{Kind: "seat_recommend", Key: "nomination/" + n.ID + "/recommend/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language,
					Auto: AutoGenerated, Token: v.Token, Data: NominationData{Nomination: n.View(orgs), Voter: v, Token: v.Token}})
			}
		}
	}
	mails = append(mails, Mail{Kind: "seat_vacancy", Key: "nomination/" + n.ID + "/vacancy", To: officers(env, orgs, seats), Lang: "en", Auto: AutoGenerated,
		Data: NominationData{Nomination: n.View(orgs)}})
	return n, voters, mails
}

// NominationNotice is the notice of the nominee to all members, opening two weeks of
// opinions (7.2.16).
func NominationNotice(now time.Time, env Env, n Nomination, orgs []Org) (Nomination, []Voter, []Mail) {
	n.State = NomOpinions
	n.Deadline = EndOfDay(now.In(env.Location).AddDate(0, 0, 14))
	view := n.View(orgs)
	var voters []Voter
	var mails []Mail
	for _, o := range orgs {
		if o.Lapsed {
			continue
		}
		v := voterOf(o)
		v.Token = Token(env.Secret, n.ID, o.ID)
		voters = append(voters, v)
		for _, addr := range v.Addresses {
			mails = append(mails, Mail{Kind: "nomination_notice", Key: "nomination/" + n.ID + "/notice/" + n.Nominee + "/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language,
				Auto: AutoGenerated, Token: v.Token, Data: NominationData{Nomination: view, Voter: v, Token: v.Token}})
		}
	}
	return n, voters, mails
}

// FillSeat gives seat to the nominee for a new two-year term from n.TermStart (or now
// when that has passed): a renewal counts one more consecutive term. It returns the
// new seats, the terms that ended (for the history) and the mails to everyone.
func FillSeat(now time.Time, env Env, n Nomination, seats []Seat, voting bool, orgs []Org, how string) ([]Seat, []SeatTerm, []Mail) {
	// The term's first day is a date-only value (StartOfDay).
	start := n.TermStart
	if start.IsZero() || start.Before(StartOfDay(n.OpenedAt, env.Location)) {
		start = StartOfDay(now, env.Location)
	}
	var ended []SeatTerm
	var out []Seat
	consecutive := 1
	for _, s := range seats {
		if s.Seat == n.Seat {
			if s.OrgID == n.Nominee {
				consecutive = s.ConsecutiveTerms + 1
			}
			ended = append(ended, SeatTerm{Seat: s.Seat, OrgID: s.OrgID, TermStart: s.TermStart, TermEnd: minTime(s.TermEnd, start), ConsecutiveTerms: s.ConsecutiveTerms, EndedBy: n.Reason})
			continue
		}
		out = append(out, s)
	}
	out = append(out, Seat{Seat: n.Seat, OrgID: n.Nominee, Voting: voting, TermStart: start, TermEnd: start.AddDate(n.years(), 0, -1), ConsecutiveTerms: consecutive})
	n.State, n.TermStart = NomFilled, start
	view := n.View(orgs)
	var mails []Mail
	for _, o := range orgs {
		if o.Lapsed {
			continue
		}
		for _, addr := range o.MailAddresses() {
			mails = append(mails, Mail{Kind: "seat_filled", Key: "nomination/" + n.ID + "/filled/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language, Auto: AutoGenerated,
				Shared: "nomination/" + n.ID + "/filled", Data: NominationData{Nomination: view, Reason: how}})
		}
	}
	return out, ended, mails
}

func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// SeatSCPapers is the mail to the SC with the members' opinions on the nominee when
// the SC's vote on n (ballot ballotID) opens; a nominee holding a seat is not sent it
// (Rules.RecuseConcerned).
func SeatSCPapers(env Env, n Nomination, opinions []Opinion, ballotID string, orgs []Org, seats []Seat) Mail {
	return Mail{Kind: "seat_sc_papers", Key: "nomination/" + n.ID + "/papers/" + ballotID, To: SCRecipients(env, orgs, seats, n.Concerned()...), Lang: "en", Auto: AutoGenerated,
		Data: NominationData{Nomination: n.View(orgs), Opinions: opinions}}
}

// SeatOpinionToSC forwards a member's opinion on the nominee of n to the SC, in full
// (7.2.16); a nominee holding a seat is not sent the opinions on itself
// (Rules.RecuseConcerned). msgID is the opinion's Message-ID.
func SeatOpinionToSC(env Env, n Nomination, op Opinion, msgID string, orgs []Org, seats []Seat) Mail {
	return Mail{Kind: "seat_opinion_to_sc", Key: "nomination/" + n.ID + "/opinion/" + msgID, To: SCRecipients(env, orgs, seats, n.Concerned()...), Lang: "en", Auto: AutoGenerated,
		Data: NominationData{Nomination: n.View(orgs), Opinions: []Opinion{op}}}
}

// SeatQuestion is the question of the SC's and the members' ballots on n.
func SeatQuestion(n Nomination, orgs []Org, members bool) (title, question string) {
	v := n.View(orgs)
	title = fmt.Sprintf("SC seat %s: %s (%s)", n.Seat, v.Nominee, n.ID)
	if members {
		question = fmt.Sprintf("Do you approve %s as the Steering Committee member for the %s seat, for a two-year term (ToP 7.2.16)?", v.Nominee, n.Seat)
	} else {
		question = fmt.Sprintf("Does the SC approve the nomination of %s for the %s seat (ToP 7.2.16)? If it does, the members are asked to approve it.", v.Nominee, n.Seat)
	}
	return title, question
}

// RenewalsDue returns the seats whose term ends within lead of now and for which no
// nomination was opened since the lead time began (filled, failed or open).
func RenewalsDue(now time.Time, seats []Seat, all []Nomination, lead time.Duration) []Seat {
	var out []Seat
	for _, s := range seats {
		if s.Seat == RegionalCoordinator || s.TermEnd.IsZero() || s.TermEnd.Sub(now) > lead {
			continue
		}
		from := s.TermEnd.Add(-lead)
		if slices.ContainsFunc(all, func(n Nomination) bool { return n.Seat == s.Seat && (n.Open() || !n.OpenedAt.Before(from)) }) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// MTSize is how many SC members make up the Management Team (7.2.12).
const MTSize = 3

// ManagementTeam returns the seats whose holders sit on the Management Team
// (7.2.12), in seat order. Its members' MT terms are their SC terms (7.2.13): a
// seat filled anew is not on it until the SC names its holder again.
func ManagementTeam(seats []Seat) []Seat {
	var out []Seat
	for _, s := range seats {
		if s.MT && s.OrgID != "" {
			out = append(out, s)
		}
	}
	return out
}

// SetManagementTeam records the Management Team the SC formed (7.2.12): exactly
// MTSize different organisations, each holding an SC seat. The Regional
// Coordinator heads the Secretariat the MT oversees (7.2.12 i, 7.3.2), so her or
// his seat is refused unless allowRC (config sc.mt_allow_rc). It returns the
// seats with MT set on those three and cleared on every other.
func SetManagementTeam(seats []Seat, orgIDs []string, allowRC bool) ([]Seat, error) {
	if len(orgIDs) != MTSize {
		return nil, errorf("mt_size", fmt.Sprintf("the Management Team is three SC members (ToP 7.2.12); %d given", len(orgIDs)))
	}
	out := slices.Clone(seats)
	for i := range out {
		out[i].MT = false
	}
	for i, id := range orgIDs {
		if slices.ContainsFunc(orgIDs[:i], func(o string) bool { return strings.EqualFold(o, id) }) {
			return nil, errorf("mt_twice", fmt.Sprintf("%s is named twice: the Management Team is three different SC members (7.2.12)", id))
		}
		j := slices.IndexFunc(out, func(s Seat) bool { return strings.EqualFold(s.OrgID, id) })
		switch {
		case j < 0:
			return nil, errorf("mt_no_seat", fmt.Sprintf("%s holds no SC seat: the Management Team is made of SC members (7.2.12; see govbot sc list)", id))
		case out[j].Seat == RegionalCoordinator && !allowRC:
			return nil, errorf("mt_rc", fmt.Sprintf("%s holds the Regional Coordinator's seat: the Management Team oversees the Secretariat, which the Regional Coordinator heads (7.2.12 i, 7.3.2); config sc.mt_allow_rc allows it", id))
		}
		out[j].MT = true
	}
	return out, nil
}
