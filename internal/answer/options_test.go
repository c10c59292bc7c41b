package answer

import "testing"

// TestR_E_OptionsReadByNumberTextOrPart: a reply chooses an option by its number in
// any script, its text or a part only it has; two options, a negated one, a
// question, or YES/NO on an options ballot ask again; ABSTAIN is always an answer.
func TestR_E_OptionsReadByNumberTextOrPart(t *testing.T) {
	options := []string{"Bangkok", "Phnom Penh", "Vientiane"}
	tests := []struct {
		reply     string
		option    int
		abstain   bool
		ambiguous bool
	}{
		{"2", 2, false, false},
		{"2.", 2, false, false},
		{"We choose 3", 0, false, false}, // a number in a sentence without "option": not sure, nothing read
		{"Option 3 please", 3, false, false},
		{"Phnom Penh", 2, false, false},
		{"phnom", 2, false, false},
		{"We prefer Vientiane.\n\nBest regards,\nLan", 3, false, false},
		{"๒", 2, false, false},
		{"២", 2, false, false},
		{"၃", 3, false, false},
		{"第二", 2, false, false},
		{"选项1", 1, false, false},
		{"ตัวเลือก 1", 1, false, false},
		{"Phương án 3", 3, false, false},
		{"  2. Phnom Penh", 2, false, false}, // a copied option line
		{"Bangkok or Vientiane", 0, false, true},
		{"Not Bangkok", 0, false, true},
		{"Vientiane?", 0, false, true},
		{"Bangkok\n\nActually Vientiane would be better", 0, false, true},
		{"YES", 0, false, true},
		{"ABSTAIN", 0, true, false},
		{"2\nABSTAIN", 0, false, true},
		{"Thanks, we will discuss it.", 0, false, false},
		{"Regards,\nSomchai\nMigrant Workers Foundation, 12 Bangkok Road", 0, false, false},
	}
	for _, tt := range tests {
		r := ParseOption(tt.reply, options)
		if r.Option != tt.option || (r.Answer == Abstain) != tt.abstain || r.Ambiguous != tt.ambiguous {
			t.Errorf("%q: option %d abstain %v ambiguous %v (%s); want %d %v %v", tt.reply, r.Option, r.Answer == Abstain, r.Ambiguous, r.Rule, tt.option, tt.abstain, tt.ambiguous)
		}
	}
}
