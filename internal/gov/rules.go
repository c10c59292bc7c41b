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
}

// Returned is every form returned: YES, NO and ABSTAIN all count toward quorum.
func (c Count) Returned() int { return c.Yes + c.No + c.Abstain }

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
