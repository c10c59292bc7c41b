package config

import "testing"

// TestConflict_RecuseConcernedSetting: rules.recuse_concerned is on by default and
// reaches the rules package gov applies; false turns the recusal off (rules.md,
// "Conflict of interest": "Option: off").
func TestConflict_RecuseConcernedSetting(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       bool
	}{
		{"default", minimal, true},
		{"on", minimal + "rules:\n  recuse_concerned: true\n", true},
		{"off", minimal + "rules:\n  recuse_concerned: false\n", false},
	}
	for _, tt := range tests {
		c := mustParse(t, tt.yaml)
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: Validate: %v", tt.name, err)
		}
		if got := c.Rules.Gov().RecuseConcerned; got != tt.want {
			t.Errorf("%s: Rules.Gov().RecuseConcerned = %v, want %v", tt.name, got, tt.want)
		}
	}
}
