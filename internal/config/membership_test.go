package config

import (
	"strings"
	"testing"

	"github.com/mekongmigration/govbot/internal/gov"
)

// TestR_5_1_7_VotingRightsSettings: rules.voting_rights_scope, rules.quorum_base_at
// and membership.associates_confirm_contacts have rules.md's defaults, reach the
// rules package gov applies, and a bad value is reported under its key.
func TestR_5_1_7_VotingRightsSettings(t *testing.T) {
	tests := []struct {
		name, yaml string
		scope      gov.VotingRightsScope
		at         gov.QuorumBaseAt
		associates bool
	}{
		{"defaults", minimal, gov.VotingRightsAllBallots, gov.QuorumBaseAtOpening, false},
		{"gc_only", minimal + "rules:\n  voting_rights_scope: gc_only\n", gov.VotingRightsGCOnly, gov.QuorumBaseAtOpening, false},
		{"closing", minimal + "rules:\n  quorum_base_at: closing\n", gov.VotingRightsAllBallots, gov.QuorumBaseAtClosing, false},
		{"associates", minimal + "membership:\n  associates_confirm_contacts: true\n", gov.VotingRightsAllBallots, gov.QuorumBaseAtOpening, true},
	}
	for _, tt := range tests {
		c := mustParse(t, tt.yaml)
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: Validate: %v", tt.name, err)
		}
		g := c.GovRules()
		if g.VotingRightsScope != tt.scope || g.QuorumBaseAt != tt.at || g.AssociatesConfirmContacts != tt.associates {
			t.Errorf("%s: GovRules() = scope %q, quorum_base_at %q, associates %v; want %q, %q, %v",
				tt.name, g.VotingRightsScope, g.QuorumBaseAt, g.AssociatesConfirmContacts, tt.scope, tt.at, tt.associates)
		}
	}
	c := mustParse(t, minimal+"rules:\n  voting_rights_scope: some\n  quorum_base_at: midway\n")
	got := strings.Join(problemsOf(t, c.Validate()), "\n")
	for _, want := range []string{`rules.voting_rights_scope: "some" is not one of all_ballots, gc_only`, `rules.quorum_base_at: "midway" is not one of opening, closing`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
