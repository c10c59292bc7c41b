package gov

import "strconv"

// What the mails and result.json show of an options ballot (rules.md §E). On a
// YES/NO ballot every function here returns nothing, so templates can test for
// the options alone.

// OptionLabel names the option c stands for on v: its number and text
// ("2. Phnom Penh"); "" when c is not one of v's options (YES, NO, ABSTAIN, none).
func (v BallotView) OptionLabel(c Choice) string {
	n := c.Option()
	if n < 1 || n > len(v.Options) {
		return ""
	}
	return strconv.Itoa(n) + ". " + v.Options[n-1]
}

// Options returns the ballot's options with their counts and shares of the forms
// returned (nil on a YES/NO ballot).
func (d ResultData) Options() []OptionLine {
	t := d.Tally
	return d.Ballot.OptionLines(&t)
}

// Chosen returns the option the ballot chose, nil when none was.
func (d ResultData) Chosen() *OptionLine {
	for _, l := range d.Options() {
		if l.Winner {
			return &l
		}
	}
	return nil
}

// Share is n as a whole percentage of the forms returned, rounded to the nearest
// as OptionLines rounds (0 when none was returned): ABSTAIN's share beside the
// options'.
func (d ResultData) Share(n int) int {
	return share(n, d.Tally.Returned())
}

// Options returns an open ballot's options with the votes so far (nil on a
// YES/NO ballot). No option is marked as chosen while the ballot is open.
func (d DigestBallot) Options() []OptionLine {
	t := d.Tally
	t.Winner = 0
	return d.Ballot.OptionLines(&t)
}

// OptionResult is one option of an options ballot in result.json.
type OptionResult struct {
	N     int    `json:"n"`
	Text  string `json:"text"`
	Votes int    `json:"votes"`
	// Percent is the option's share of the forms returned, rounded.
	Percent int  `json:"percent"`
	Chosen  bool `json:"chosen,omitempty"`
}

// optionResults fills r's options fields from b and its tally t: the rule, each
// option with its votes, and the chosen option once b is closed.
func (r *ResultJSON) optionResults(b Ballot, t Tally) {
	if len(b.Options) == 0 {
		return
	}
	if !b.Closed {
		t.Winner = 0
	}
	r.Rule, r.Winner = b.Rule, t.Winner
	for _, l := range (BallotView{Options: b.Options}).OptionLines(&t) {
		r.Options = append(r.Options, OptionResult{N: l.N, Text: l.Text, Votes: l.Votes, Percent: l.Percent, Chosen: l.Winner})
	}
}

func share(n, of int) int {
	if of <= 0 {
		return 0
	}
	return (200*n + of) / (2 * of)
}
