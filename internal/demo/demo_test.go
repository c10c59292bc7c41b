package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestDemoPlaysAWholeBallot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := Run(ctx, &out, Options{}); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"ballot_form",
		"vote_receipt",
		"This replaces your organisation's earlier answer", // Nittaya after Somchai
		"asks a question rather than giving an answer",     // the unsure reply
		"not on the network's roster",                      // the stranger
		"ballot_reminder",
		"ballot_result_sc",
		"closed at the end of 2027-03-15", // the late reply
		"YES 4   NO 2   ABSTAIN 1   returned 7 of 10   quorum 6 (met)   outcome: CARRIED",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	// The out-of-office reply is never answered.
	if strings.Contains(s, "OUT  sophea@wsmn.example          vote_receipt") || strings.Contains(s, "OUT  sophea@wsmn.example          refusal") {
		t.Errorf("the auto-reply was answered")
	}
}
