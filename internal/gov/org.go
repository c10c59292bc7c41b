package gov

import (
	"strings"
	"time"
)

// OrgKind is a kind of membership (ToP 5).
type OrgKind string

const (
	// Regular members are GMS-based organisations with one vote each (5.1).
	Regular OrgKind = "regular"
	// Associates give opinions but never vote and are never electable to the SC (5.2.2).
	Associate OrgKind = "associate"
)

// Languages are the roster languages the bot writes in.
var Languages = []string{"en", "th", "km", "lo", "my", "vi", "zh"}

// ValidLanguage reports whether lang is one of Languages.
func ValidLanguage(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Person is a named address.
type Person struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Org is a member organisation (or an associate individual) on the roster.
type Org struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Kind               OrgKind   `json:"kind"`
	Country            string    `json:"country"`
	Contact            Person    `json:"contact"`
	Alternate          Person    `json:"alternate,omitempty"`
	Language           string    `json:"language"`
	Joined             time.Time `json:"joined,omitzero"`
	ReconfirmedThrough int       `json:"reconfirmed_through,omitempty"`
	AnnualIncomeUSD    int64     `json:"annual_income_usd,omitempty"`
	// Bouncing lists addresses whose mail has bounced permanently.
	Bouncing []string `json:"bouncing,omitempty"`
	// Payments are the fees the Secretariat recorded (5.1.6).
	Payments []Payment `json:"payments,omitempty"`
	// Lapsed: not re-confirmed two years in a row on request (5.1.8); the
	// organisation must re-apply. A lapsed organisation gets no mail and has no vote.
	Lapsed bool `json:"lapsed,omitempty"`
}

// Addresses returns the organisation's contact and alternate addresses, lower-cased.
func (o Org) Addresses() []string {
	var out []string
	for _, a := range []string{o.Contact.Email, o.Alternate.Email} {
		a = NormalizeAddress(a)
		if a != "" && !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// MailAddresses returns the addresses to send to: those not marked as bouncing, or,
// when every address bounces, all of them (the Secretariat has been told).
func (o Org) MailAddresses() []string {
	var out []string
	for _, a := range o.Addresses() {
		if !contains(o.Bouncing, a) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return o.Addresses()
	}
	return out
}

// MarkBouncing records that mail to addr bounced; it reports whether that is new.
func (o *Org) MarkBouncing(addr string) bool {
	addr = NormalizeAddress(addr)
	if !o.HasAddress(addr) || contains(o.Bouncing, addr) {
		return false
	}
	o.Bouncing = append(o.Bouncing, addr)
	return true
}

// HasAddress reports whether addr is the contact's or the alternate's address.
func (o Org) HasAddress(addr string) bool {
	return contains(o.Addresses(), NormalizeAddress(addr))
}

// NormalizeAddress lower-cases and trims an e-mail address for comparison.
func NormalizeAddress(a string) string { return strings.ToLower(strings.TrimSpace(a)) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// LastReconfirmDeadline returns the year of the most recent re-confirmation deadline
// (end of 30 November by default) that has passed at now, in loc.
func (r Rules) LastReconfirmDeadline(now time.Time, loc *time.Location) (year int, deadline time.Time) {
	now = now.In(loc)
	y := now.Year()
	d := EndOfDay(time.Date(y, r.ReconfirmMonth, r.ReconfirmDay, 0, 0, 0, 0, loc))
	if now.Before(d) {
		y--
		d = EndOfDay(time.Date(y, r.ReconfirmMonth, r.ReconfirmDay, 0, 0, 0, 0, loc))
	}
	return y, d
}

// HasVotingRights reports whether o may vote at now: a regular member that has
// re-confirmed for the year of the last passed deadline, or that joined after it
// (5.1.7). Associates never vote (5.2.2).
func (r Rules) HasVotingRights(o Org, now time.Time, loc *time.Location) bool {
	if o.Kind != Regular || o.Lapsed {
		return false
	}
	year, deadline := r.LastReconfirmDeadline(now, loc)
	if o.ReconfirmedThrough >= year {
		return true
	}
	return !o.Joined.IsZero() && !o.Joined.Before(deadline)
}

// VotesOnBallots reports whether o may vote on a member ballot at now. Under
// VotingRightsScope gc_only the loss of 5.1.7 applies at the General Conference
// only, so every regular member that has not lapsed votes; otherwise (all_ballots,
// the default, and "" in a ballot opened before the setting existed) it is
// [Rules.HasVotingRights].
func (r Rules) VotesOnBallots(o Org, now time.Time, loc *time.Location) bool {
	if r.VotingRightsScope == VotingRightsGCOnly {
		return o.Kind == Regular && !o.Lapsed
	}
	return r.HasVotingRights(o, now, loc)
}

// MissingAlternate reports whether o is a regular member with no alternate on
// record: 5.1.3 asks each member organisation for a contact and an alternate.
// Associates are not members (5.2) and are not asked.
func (o Org) MissingAlternate() bool {
	return o.Kind == Regular && NormalizeAddress(o.Alternate.Email) == ""
}

// EndOfDay returns the instant a deadline on t's calendar day ends: midnight at the
// start of the next day in t's location. Deadlines are exclusive: a reply at or after
// EndOfDay is late.
func EndOfDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// StartOfDay returns midnight at the start of t's calendar day in loc. A date-only
// value (a term's first or last day, a General Conference's date) is held so: the
// day it names, at midnight in the network's zone; mail shows the date it holds,
// never converted to another zone (render's "day").
func StartOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// DeadlineDate returns the calendar date (YYYY-MM-DD) a deadline from EndOfDay ends.
func DeadlineDate(closesAt time.Time, loc *time.Location) string {
	return closesAt.In(loc).Add(-time.Nanosecond).Format("2006-01-02")
}

// RegionalCoordinator is the seat name of the non-voting Regional Coordinator (7.2.1, 7.3.3).
const RegionalCoordinator = "regional-coordinator"

// Seat is a filled Steering Committee seat.
type Seat struct {
	Seat             string    `json:"seat"`
	OrgID            string    `json:"org_id"`
	Voting           bool      `json:"voting"`
	TermStart        time.Time `json:"term_start,omitzero"`
	TermEnd          time.Time `json:"term_end,omitzero"`
	ConsecutiveTerms int       `json:"consecutive_terms"`
	// Chair marks the seat whose holder the SC elected its chair (7.2.8).
	Chair bool `json:"chair,omitempty"`
	// MT marks a seat whose holder sits on the Management Team (7.2.12). It goes
	// with the seat's term (7.2.13): a new term, or a new holder, starts without it.
	MT bool `json:"mt,omitempty"`
}

// VotingSeats returns the seats that count for the SC quorum (7.2.1): filled, voting
// seats; the Regional Coordinator is excluded, special seats included.
func VotingSeats(seats []Seat) []Seat {
	var out []Seat
	for _, s := range seats {
		if s.Voting && s.OrgID != "" && s.Seat != RegionalCoordinator {
			out = append(out, s)
		}
	}
	return out
}
