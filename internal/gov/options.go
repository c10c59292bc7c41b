package gov

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Questions with options (rules.md §E): a ballot may offer 2 to 9 options (a
// venue, a date, a choice of drafts) instead of YES and NO; ABSTAIN is always
// available. YES/NO ballots are the two-option case and keep their own words.

// OptionRule is how an options ballot picks its outcome.
type OptionRule string

const (
	// OptionMajority (default): an option with more than half of the forms
	// returned that are not ABSTAIN; otherwise no decision.
	OptionMajority OptionRule = "majority"
	// OptionPlurality: the option with the most votes; a tie is no decision.
	OptionPlurality OptionRule = "plurality"
)

// Outcomes of an options ballot.
const (
	OutcomeChosen     Outcome = "chosen"
	OutcomeNoDecision Outcome = "no_decision"
)

// MaxOptions and MinOptions bound an options ballot; MaxOptionRunes an option's text.
const (
	MinOptions     = 2
	MaxOptions     = 9
	MaxOptionRunes = 200
)

// OptionChoice is the Choice of option i (1-based).
func OptionChoice(i int) Choice { return Choice("option" + strconv.Itoa(i)) }

// Option returns the 1-based option c stands for, 0 if it is not an option.
func (c Choice) Option() int {
	n, err := strconv.Atoi(strings.TrimPrefix(string(c), "option"))
	if err != nil || !strings.HasPrefix(string(c), "option") || n < 1 {
		return 0
	}
	return n
}

// checkOptions validates the options of a request; nil options is a YES/NO ballot.
func checkOptions(options []string, rule OptionRule) error {
	if len(options) == 0 {
		if rule != "" {
			return errorf("bad_rule", "a rule (majority or plurality) is for a ballot with options")
		}
		return nil
	}
	var problems []string
	if len(options) < MinOptions || len(options) > MaxOptions {
		problems = append(problems, fmt.Sprintf("a ballot offers %d to %d options, not %d", MinOptions, MaxOptions, len(options)))
	}
	seen := map[string]int{}
	for i, o := range options {
		o = strings.TrimSpace(o)
		switch {
		case o == "":
			problems = append(problems, fmt.Sprintf("option %d is empty", i+1))
		case utf8.RuneCountInString(o) > MaxOptionRunes:
			problems = append(problems, fmt.Sprintf("option %d is longer than %d characters", i+1, MaxOptionRunes))
		}
		key := strings.ToLower(strings.Join(strings.Fields(o), " "))
		if j, ok := seen[key]; ok && key != "" {
			problems = append(problems, fmt.Sprintf("option %d repeats option %d", i+1, j+1))
		}
		seen[key] = i
		if strings.EqualFold(o, "abstain") {
			problems = append(problems, "ABSTAIN is always offered; it is not one of the options")
		}
	}
	switch rule {
	case "", OptionMajority, OptionPlurality:
	default:
		problems = append(problems, fmt.Sprintf("rule %q is not majority or plurality", rule))
	}
	if len(problems) > 0 {
		return errorf("bad_options", strings.Join(problems, "; "))
	}
	return nil
}

// decideOptions measures an options ballot's count against its quorum and rule.
func (r Rules) decideOptions(c Count, base int, rule OptionRule) Tally {
	t := Tally{Count: c, QuorumBase: base, QuorumRequired: r.Threshold.HalfPlusOne(base)}
	t.QuorumMet = c.Returned() >= t.QuorumRequired
	if !t.QuorumMet {
		t.Outcome = OutcomeNoQuorum
		return t
	}
	best, tie, cast := 0, false, 0
	for i, n := range c.Options {
		cast += n
		switch {
		case best == 0 || n > c.Options[best-1]:
			best, tie = i+1, false
		case n == c.Options[best-1]:
			tie = true
		}
	}
	t.Outcome = OutcomeNoDecision
	if best == 0 || c.Options[best-1] == 0 {
		return t
	}
	switch rule {
	case OptionPlurality:
		if !tie {
			t.Outcome, t.Winner = OutcomeChosen, best
		}
	default:
		if 2*c.Options[best-1] > cast {
			t.Outcome, t.Winner = OutcomeChosen, best
		}
	}
	return t
}

// decide measures b's votes against its quorum and majority, or its options' rule.
func (b Ballot) decide(votes []Vote) Tally {
	c := CountVotes(votes)
	if len(b.Options) > 0 {
		for len(c.Options) < len(b.Options) {
			c.Options = append(c.Options, 0)
		}
		return b.Rules.decideOptions(c, b.QuorumBase, b.Rule)
	}
	return b.Rules.Decide(c, b.QuorumBase)
}

// OptionLine is one option of a ballot as templates show it: its number, its text
// and, once counted, its votes and share of the forms returned.
type OptionLine struct {
	N       int
	Text    string
	Votes   int
	Percent int
	Winner  bool
}

// OptionLines returns b's options with the counts of t (nil t: no counts yet).
func (v BallotView) OptionLines(t *Tally) []OptionLine {
	var out []OptionLine
	for i, o := range v.Options {
		l := OptionLine{N: i + 1, Text: o}
		if t != nil {
			if i < len(t.Options) {
				l.Votes = t.Options[i]
			}
			if r := t.Returned(); r > 0 {
				l.Percent = (200*l.Votes + r) / (2 * r) // rounded to the nearest
			}
			l.Winner = t.Winner == i+1
		}
		out = append(out, l)
	}
	return out
}
