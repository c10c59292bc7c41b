package roster

import (
	"fmt"
	"strings"
	"testing"
)

// orgRow returns a good roster row (th-a's) with column col set to v.
func orgRow(col, v string) string {
	cols := strings.Split(strings.TrimSpace(orgHeader), ",")
	vals := strings.Split(strings.TrimSpace(goodRow), ",")
	for i, c := range cols {
		if c == col {
			vals[i] = v
		}
	}
	for i, x := range vals {
		if strings.ContainsAny(x, ",\"\n\r") {
			vals[i] = `"` + strings.ReplaceAll(x, `"`, `""`) + `"`
		}
	}
	return strings.Join(vals, ",") + "\n"
}

// longAddress returns a bare address of n octets (n ≥ 80): a 64-octet local
// part and a domain of labels of at most 63 octets.
func longAddress(n int) string {
	s := strings.Repeat("a", 64) + "@"
	for len(s)+len(".example") < n {
		need := n - len(s) - len(".example")
		if !strings.HasSuffix(s, "@") {
			s += "."
			need--
		}
		k := min(need, 63)
		if need-k == 1 {
			k-- // leave a label, not a lone dot, for the next round
		}
		s += strings.Repeat("b", k)
	}
	return s + ".example"
}

// TestCSV_FieldTooLong: a value longer than its column's limit is refused once,
// with its line, its column and its length; a value of exactly the limit is not.
func TestCSV_FieldTooLong(t *testing.T) {
	khmer := string([]rune(strings.Repeat("អង្គការ", 1000))[:5000])
	for _, n := range []int{MaxAddressOctets, MaxAddressOctets + 1} {
		if a := longAddress(n); len(a) != n || !bareAddress(a) {
			t.Fatalf("longAddress(%d) = %q: %d octets", n, a, len(a))
		}
	}
	tests := []struct {
		col   string
		long  string // over the limit
		ok    string // at the limit
		limit int
		unit  string
	}{
		{"name", strings.Repeat("A", 5000), strings.Repeat("A", MaxNameRunes), MaxNameRunes, "characters"},
		{"name", khmer, string([]rune(khmer)[:MaxNameRunes]), MaxNameRunes, "characters"},
		{"contact_name", strings.Repeat("ស", MaxNameRunes+1), strings.Repeat("ស", MaxNameRunes), MaxNameRunes, "characters"},
		{"alternate_name", strings.Repeat("n", MaxNameRunes+1), strings.Repeat("n", MaxNameRunes), MaxNameRunes, "characters"},
		{"country", strings.Repeat("ไทย", 34), "", MaxCountryRunes, "characters"},
		{"contact_email", longAddress(MaxAddressOctets + 1), longAddress(MaxAddressOctets), MaxAddressOctets, "octets"},
		{"alternate_email", longAddress(MaxAddressOctets + 1), longAddress(MaxAddressOctets), MaxAddressOctets, "octets"},
		{"language", strings.Repeat("th", 9), "", MaxLanguageRunes, "characters"},
		{"id", strings.Repeat("x", MaxFieldRunes+1), "", MaxFieldRunes, "characters"},
		{"annual_income_usd", strings.Repeat("1", MaxFieldRunes+1), "", MaxFieldRunes, "characters"},
	}
	for _, tt := range tests {
		n := len([]rune(tt.long))
		if tt.unit == "octets" {
			n = len(tt.long)
		}
		t.Run(fmt.Sprintf("%s/%d", tt.col, n), func(t *testing.T) {
			in := orgHeader + goodRow + strings.NewReplacer("th-a", "th-z", "a@a.example", "z@z.example", "b@a.example", "y@z.example").Replace(orgRow(tt.col, tt.long))
			const line = 3
			orgs, err := ParseOrgs(strings.NewReader(in), countryName, bangkok)
			if orgs != nil {
				t.Errorf("got %d orgs, want none", len(orgs))
			}
			ps := importProblems(t, err)
			want := fmt.Sprintf("line %d: %s: %d %s, the limit is %d", line, tt.col, n, tt.unit, tt.limit)
			if len(ps) != 1 || ps[0].String() != want {
				t.Errorf("got %v, want the one problem %q", ps, want)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Error() = %q, want it to contain %q", err, want)
			}
			if tt.ok == "" {
				return
			}
			in = orgHeader + orgRow(tt.col, tt.ok)
			if _, err := ParseOrgs(strings.NewReader(in), countryName, bangkok); err != nil {
				t.Errorf("a value at the limit: %v", err)
			}
		})
	}
	t.Run("seat", func(t *testing.T) {
		const h = "seat,org_id,voting,term_start,term_end,consecutive_terms\n"
		in := h + strings.Repeat("T", MaxCountryRunes+1) + ",th-friends,true,2026-06-01,2028-05-31,1\n"
		_, err := ParseSeats(strings.NewReader(in), sampleOrgs(t), countryName, nil, bangkok)
		ps := importProblems(t, err)
		want := fmt.Sprintf("line 2: seat: %d characters, the limit is %d", MaxCountryRunes+1, MaxCountryRunes)
		if len(ps) != 1 || ps[0].String() != want {
			t.Errorf("got %v, want the one problem %q", ps, want)
		}
	})
}

// TestCSV_ControlCharacter: a value holding a control character (the block
// markers of the renderer, NUL, DEL, NEL, a tab, a line break, U+2028) is
// refused once, with its line and column.
func TestCSV_ControlCharacter(t *testing.T) {
	for _, c := range []string{"\x1f", "\x1e", "\x1d", "\x00", "\x7f", "\u0085", "\u009b", "\t", "\n", "\r", "\u2028", "\u2029"} {
		for _, col := range []string{"name", "contact_name", "country", "language", "joined"} {
			t.Run(fmt.Sprintf("%s/%q", col, c), func(t *testing.T) {
				in := orgHeader + orgRow(col, "Org"+c+"X")
				orgs, err := ParseOrgs(strings.NewReader(in), countryName, bangkok)
				if orgs != nil {
					t.Errorf("got %d orgs, want none", len(orgs))
				}
				ps := importProblems(t, err)
				if len(ps) != 1 || ps[0].Line != 2 || ps[0].Column != col || !strings.Contains(ps[0].Msg, "control character") {
					t.Errorf("got %v, want one control-character problem on line 2, column %s", ps, col)
				}
			})
		}
	}
	t.Run("seat", func(t *testing.T) {
		const h = "seat,org_id,voting,term_start,term_end,consecutive_terms\n"
		_, err := ParseSeats(strings.NewReader(h+"Thai\x1fland,th-friends,true,2026-06-01,2028-05-31,1\n"), sampleOrgs(t), countryName, nil, bangkok)
		ps := importProblems(t, err)
		if len(ps) != 1 || ps[0].String() != "line 2: seat: contains a line break or control character" {
			t.Errorf("got %v", ps)
		}
	})
}
