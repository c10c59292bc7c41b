package gov

import (
	"fmt"
	"time"
)

// ThresholdRule says how "half plus one" / "50% plus one" (ToP 7.2.1, 7.2.16) is read.
type ThresholdRule string

const (
	// ThresholdFloor is the default: the smallest whole number greater than half,
	// floor(n/2)+1 (n=6 → 4, n=7 → 4, n=40 → 21).
	ThresholdFloor ThresholdRule = "half_plus_one"
	// ThresholdLiteral reads the words literally: ceil(n/2 + 1) (n=7 → 5).
	ThresholdLiteral ThresholdRule = "literal"
)

// MajorityRule says when a ballot that met its quorum carries.
type MajorityRule string

const (
	// MajoritySimple is the default: more YES than NO among the votes cast;
	// abstentions count for quorum only; a tie does not carry.
	MajoritySimple MajorityRule = "simple"
	// MajorityAbsolute: YES greater than half of all forms returned.
	MajorityAbsolute MajorityRule = "absolute"
)

// QuorumBase says which members make up n for a member ballot's quorum (7.2.16, 5.1.7).
type QuorumBase string

const (
	// QuorumBaseVoting is the default: regular members with voting rights.
	QuorumBaseVoting QuorumBase = "voting"
	// QuorumBaseAllRegular counts every regular member, with voting rights or not.
	QuorumBaseAllRegular QuorumBase = "all_regular"
)

// VotingRightsScope says which votes a regular member that has not re-confirmed
// loses (5.1.7: "their rights to vote at the General Conference").
type VotingRightsScope string

const (
	// VotingRightsAllBallots is the default: member ballots by email stand in for
	// the GC (7.2.16, footnote 4), so the loss applies to every member ballot.
	VotingRightsAllBallots VotingRightsScope = "all_ballots"
	// VotingRightsGCOnly: the loss applies at the General Conference only; every
	// regular member that has not lapsed votes on member ballots.
	VotingRightsGCOnly VotingRightsScope = "gc_only"
)

// QuorumBaseAt says when n of a member ballot's quorum is counted (5.1.7, 7.2.16).
type QuorumBaseAt string

const (
	// QuorumBaseAtOpening is the default: n is fixed when the ballot opens, so the
	// roster fingerprint mailed then stays true.
	QuorumBaseAtOpening QuorumBaseAt = "opening"
	// QuorumBaseAtClosing counts n again when the ballot closes: under quorum_base
	// voting, the members of the ballot's electorate that still hold the vote;
	// under all_regular, every regular member that has not lapsed.
	QuorumBaseAtClosing QuorumBaseAt = "closing"
)

// Rules are the settings of rules.md where the ToP is ambiguous. Each is a config key.
type Rules struct {
	Threshold  ThresholdRule `json:"threshold"`
	Majority   MajorityRule  `json:"majority"`
	QuorumBase QuorumBase    `json:"quorum_base"`
	// ReconfirmMonth and ReconfirmDay give the annual re-confirmation deadline
	// (5.1.6(c): 30 November). A member that has not re-confirmed for the year of the
	// last passed deadline has no voting rights (5.1.7).
	ReconfirmMonth time.Month `json:"reconfirm_month"`
	ReconfirmDay   int        `json:"reconfirm_day"`
	// ObjectionMinWords is how many words of reasons, besides the keyword, make an
	// objection "specific with a clear explanation of reasons" (6.4); fewer, and
	// the sender is asked for reasons. See [ReasonWords] for scripts written
	// without spaces. Zero means the default, 3.
	ObjectionMinWords int `json:"objection_min_words,omitempty"`
	// RecuseConcerned: the organisation whose own nomination or case the SC decides
	// receives neither the members' opinions on itself, nor the SC papers on it, nor
	// an SC voting form on it, and the SC quorum of that vote counts the other voting
	// seats (rules.md, Thresholds, "Conflict of interest"; the ToP is silent).
	// Default true; config sc.recuse_concerned.
	RecuseConcerned bool `json:"recuse_concerned,omitempty"`
	// VotingRightsScope is which votes a member that has not re-confirmed loses
	// (5.1.7). The right is checked when a vote is cast. "" (a ballot opened
	// before this setting existed) reads as the default, all_ballots. Config
	// rules.voting_rights_scope.
	VotingRightsScope VotingRightsScope `json:"voting_rights_scope,omitempty"`
	// QuorumBaseAt is when a member ballot's quorum base is counted; "" reads as
	// the default, opening. Config rules.quorum_base_at.
	QuorumBaseAt QuorumBaseAt `json:"quorum_base_at,omitempty"`
	// AssociatesConfirmContacts: associates, who are not members (5.2) and so are
	// never asked to re-confirm or pay a fee, get a form asking them to confirm
	// their contacts when the re-confirmation campaign opens. Default false.
	// Config membership.associates_confirm_contacts.
	AssociatesConfirmContacts bool `json:"associates_confirm_contacts,omitempty"`
}

// DefaultRules returns the defaults of rules.md.
func DefaultRules() Rules {
	return Rules{
		Threshold:         ThresholdFloor,
		Majority:          MajoritySimple,
		QuorumBase:        QuorumBaseVoting,
		ReconfirmMonth:    time.November,
		ReconfirmDay:      30,
		ObjectionMinWords: 3,
		RecuseConcerned:   true,
		VotingRightsScope: VotingRightsAllBallots,
		QuorumBaseAt:      QuorumBaseAtOpening,
	}
}

// Validate reports the first setting that is not one of the known values.
func (r Rules) Validate() error {
	switch r.Threshold {
	case ThresholdFloor, ThresholdLiteral:
	default:
		return fmt.Errorf("threshold %q: want %q or %q", r.Threshold, ThresholdFloor, ThresholdLiteral)
	}
	switch r.Majority {
	case MajoritySimple, MajorityAbsolute:
	default:
		return fmt.Errorf("majority %q: want %q or %q", r.Majority, MajoritySimple, MajorityAbsolute)
	}
	switch r.QuorumBase {
	case QuorumBaseVoting, QuorumBaseAllRegular:
	default:
		return fmt.Errorf("quorum_base %q: want %q or %q", r.QuorumBase, QuorumBaseVoting, QuorumBaseAllRegular)
	}
	switch r.VotingRightsScope {
	case VotingRightsAllBallots, VotingRightsGCOnly:
	default:
		return fmt.Errorf("voting_rights_scope %q: want %q or %q", r.VotingRightsScope, VotingRightsAllBallots, VotingRightsGCOnly)
	}
	switch r.QuorumBaseAt {
	case QuorumBaseAtOpening, QuorumBaseAtClosing:
	default:
		return fmt.Errorf("quorum_base_at %q: want %q or %q", r.QuorumBaseAt, QuorumBaseAtOpening, QuorumBaseAtClosing)
	}
	return nil
}

// HalfPlusOne returns the number of returned forms that makes a quorum out of n.
// n = 0 gives 1: a ballot with nobody to vote can never be quorate.
func (t ThresholdRule) HalfPlusOne(n int) int {
	if n < 0 {
		n = 0
	}
	if t == ThresholdLiteral {
		// ceil(n/2 + 1) = ceil(n/2) + 1
		return (n+1)/2 + 1
	}
	return n/2 + 1
}

// Count is the number of forms returned for each answer.
type Count struct {
	Yes     int `json:"yes"`
	No      int `json:"no"`
	Abstain int `json:"abstain"`
	// Options counts the votes for each option of an options ballot (option 1
	// first); nil on a YES/NO ballot.
	Options []int `json:"options,omitempty"`
}

// Returned is every form returned: YES, NO, ABSTAIN and every option all count
// toward quorum.
func (c Count) Returned() int {
	n := c.Yes + c.No + c.Abstain
	for _, o := range c.Options {
		n += o
	}
	return n
}

// Outcome is what a ballot came to.
type Outcome string

const (
	OutcomeOpen       Outcome = "open"
	OutcomeCarried    Outcome = "carried"
	OutcomeNotCarried Outcome = "not_carried"
	OutcomeNoQuorum   Outcome = "no_quorum"
)

// Tally is a count measured against quorum and majority.
type Tally struct {
	Count
	QuorumBase     int     `json:"quorum_base"`
	QuorumRequired int     `json:"quorum_required"`
	QuorumMet      bool    `json:"quorum_met"`
	Outcome        Outcome `json:"outcome"`
	// Winner is the option chosen on an options ballot (1-based), 0 if none.
	Winner int `json:"winner,omitempty"`
}

// Decide measures c against the quorum of base and the majority rule. A ballot that
// has not met its quorum is reported as no quorum, never as a result.
func (r Rules) Decide(c Count, base int) Tally {
	t := Tally{Count: c, QuorumBase: base, QuorumRequired: r.Threshold.HalfPlusOne(base)}
	t.QuorumMet = c.Returned() >= t.QuorumRequired
	switch {
	case !t.QuorumMet:
		t.Outcome = OutcomeNoQuorum
	case r.carries(c):
		t.Outcome = OutcomeCarried
	default:
		t.Outcome = OutcomeNotCarried
	}
	return t
}

func (r Rules) carries(c Count) bool {
	if r.Majority == MajorityAbsolute {
		return 2*c.Yes > c.Returned()
	}
	return c.Yes > c.No
}
