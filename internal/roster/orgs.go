package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
)

// OrgColumns are the roster file's columns, in the order [WriteOrgs] writes them.
var OrgColumns = []string{
	"id", "name", "kind", "country",
	"contact_name", "contact_email", "alternate_name", "alternate_email",
	"language", "joined", "reconfirmed_through", "annual_income_usd",
}

// orgRequired are the columns a roster file must have and every row must fill.
var orgRequired = []string{"id", "name", "kind", "country", "contact_email"}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ParseOrgs reads the roster CSV (columns: [OrgColumns], in any order; id, name,
// kind, country and contact_email required). Values:
//
//   - id: lower-case letters, digits, '.', '_', '-' (at most 64), unique.
//   - kind: regular or associate, in any case.
//   - country: a configured country, in any spelling countryName accepts; it is
//     stored in its configured spelling. A regular member must be in a
//     configured (GMS) country (5.1.1); an associate may be based anywhere
//     (5.2.1), so another country is kept as written.
//   - contact_email, alternate_email: bare addresses, stored lower-cased; no
//     address may belong to two organisations or appear twice in one.
//     alternate_name needs alternate_email.
//   - language: en, th, km, lo, my, vi or zh; default en.
//   - joined: YYYY-MM-DD, midnight in loc.
//   - reconfirmed_through: the last year re-confirmed (4 digits), empty if never.
//   - annual_income_usd: a whole number of US dollars, with or without thousands
//     separators ("12,000" or "12000"); cents ("12000.50") are allowed and
//     dropped, which is right for the fee bands of 5.1.6(b) ("less than
//     10,000"). Empty means not declared (0).
//
// Names may be in any script; they are stored in Unicode NFC. Values have length
// limits: names [MaxNameRunes] characters, country [MaxCountryRunes], addresses
// [MaxAddressOctets] octets, language [MaxLanguageRunes], any other column
// [MaxFieldRunes]; no value may hold a line break or control character.
// ParseOrgs checks every row and returns every problem as an [*ImportError] with
// no orgs. [ParseOrgsWarn] also returns the warnings.
func ParseOrgs(r io.Reader, countryName func(string) (string, bool), loc *time.Location) ([]gov.Org, error) {
	orgs, _, err := ParseOrgsWarn(r, countryName, loc)
	return orgs, err
}

// ParseOrgsWarn is [ParseOrgs], and also returns the warnings of a file it
// accepts: what the ToP asks for but an import allows, each with its line. A
// regular member without an alternate is one (5.1.3: "a contact ... and an
// alternate"): it is imported, and its re-confirmation form asks for one.
// Warnings never stop an import.
func ParseOrgsWarn(r io.Reader, countryName func(string) (string, bool), loc *time.Location) ([]gov.Org, []Problem, error) {
	var ps, warnings problems
	present, rows, err := readTable(r, OrgColumns, orgRequired, &ps)
	if err != nil {
		return nil, nil, err
	}
	type seen struct {
		line int
		id   string
	}
	ids := map[string]int{}
	addrs := map[string]seen{}
	var orgs []gov.Org
	for _, rw := range rows {
		n := len(ps)
		o := parseOrg(rw, present, countryName, loc, &ps)
		if o.ID != "" {
			if first, ok := ids[o.ID]; ok {
				ps.add(rw.line, "id", "%q is already used on line %d", o.ID, first)
			} else {
				ids[o.ID] = rw.line
			}
		}
		for _, c := range []struct{ col, addr string }{{"contact_email", o.Contact.Email}, {"alternate_email", o.Alternate.Email}} {
			if c.addr == "" {
				continue
			}
			if prev, ok := addrs[c.addr]; ok {
				if prev.line == rw.line {
					ps.add(rw.line, c.col, "%s is also this organisation's contact_email", c.addr)
				} else {
					ps.add(rw.line, c.col, "%s is already used by %s on line %d", c.addr, prev.id, prev.line)
				}
				continue
			}
			addrs[c.addr] = seen{rw.line, o.ID}
		}
		if len(ps) == n {
			orgs = append(orgs, o)
			if o.MissingAlternate() {
				warnings.add(rw.line, "alternate_email", "%s is a regular member with no alternate (ToP 5.1.3 asks for a contact and an alternate); imported, and its re-confirmation form asks for one", o.ID)
			}
		}
	}
	if err := ps.err(); err != nil {
		return nil, nil, err
	}
	return orgs, warnings, nil
}

func parseOrg(rw row, present map[string]bool, countryName func(string) (string, bool), loc *time.Location, ps *problems) gov.Org {
	var o gov.Org
	for _, c := range orgRequired {
		if rw.missing(present, c) {
			ps.add(rw.line, c, "required")
		}
	}
	if id := rw.get("id"); id != "" {
		if idRE.MatchString(id) {
			o.ID = id
		} else {
			ps.add(rw.line, "id", "%q: use lower-case letters, digits, '.', '_' or '-' (at most 64)", id)
		}
	}
	o.Name = rw.get("name")
	switch k := strings.ToLower(rw.get("kind")); k {
	case "":
	case string(gov.Regular), string(gov.Associate):
		o.Kind = gov.OrgKind(k)
	default:
		ps.add(rw.line, "kind", "%q: want regular or associate", rw.get("kind"))
	}
	if c := rw.get("country"); c != "" {
		if name, ok := countryName(c); ok {
			o.Country = name
		} else if o.Kind == gov.Associate {
			o.Country = c // associates may be based outside the GMS (5.2.1)
		} else {
			ps.add(rw.line, "country", "%q is not a configured country (regular members are GMS-based, ToP 5.1.1)", c)
		}
	}
	o.Contact = person(rw, "contact_name", "contact_email", ps)
	o.Alternate = person(rw, "alternate_name", "alternate_email", ps)
	if o.Alternate.Name != "" && rw.get("alternate_email") == "" && !rw.bad["alternate_email"] {
		ps.add(rw.line, "alternate_email", "required when alternate_name is given")
	}
	o.Language = "en"
	if l := strings.ToLower(rw.get("language")); l != "" {
		if gov.ValidLanguage(l) {
			o.Language = l
		} else {
			ps.add(rw.line, "language", "%q: want one of %s", rw.get("language"), strings.Join(gov.Languages, ", "))
		}
	}
	if v := rw.get("joined"); v != "" {
		t, err := parseDate(v, loc)
		if err != nil {
			ps.add(rw.line, "joined", "%v", err)
		}
		o.Joined = t
	}
	if v := rw.get("reconfirmed_through"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || len(v) != 4 || y < 1900 {
			ps.add(rw.line, "reconfirmed_through", "%q is not a year such as 2024", v)
		}
		o.ReconfirmedThrough = y
	}
	if v := rw.get("annual_income_usd"); v != "" {
		n, err := parseUSD(v)
		if err != nil {
			ps.add(rw.line, "annual_income_usd", "%v", err)
		}
		o.AnnualIncomeUSD = n
	}
	return o
}

// person reads a name and address pair; the address is checked and lower-cased.
func person(rw row, nameCol, emailCol string, ps *problems) gov.Person {
	p := gov.Person{Name: rw.get(nameCol)}
	if a := rw.get(emailCol); a != "" {
		if bareAddress(a) {
			p.Email = gov.NormalizeAddress(a)
		} else {
			ps.add(rw.line, emailCol, "%q is not a bare e-mail address such as name@example.org", a)
		}
	}
	return p
}

var usdRE = regexp.MustCompile(`^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$`)

// parseUSD reads a non-negative whole number of dollars: "12000", "12,000",
// "12000.00", "12,000.5". Cents are dropped.
func parseUSD(s string) (int64, error) {
	if !usdRE.MatchString(s) {
		return 0, fmt.Errorf("%q is not a non-negative amount such as 12000 or 12,000", s)
	}
	whole, _, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(strings.ReplaceAll(whole, ",", ""), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n, nil
}

// WriteOrgs writes orgs as a roster CSV that [ParseOrgs] reads back: the header
// ([OrgColumns]) first, dates in loc, zero values as empty cells. Bouncing
// addresses are state, not roster, and are not written.
func WriteOrgs(w io.Writer, orgs []gov.Org, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(OrgColumns); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	for _, o := range orgs {
		rec := []string{
			o.ID, o.Name, string(o.Kind), o.Country,
			o.Contact.Name, o.Contact.Email, o.Alternate.Name, o.Alternate.Email,
			o.Language, formatDate(o.Joined, loc), itoaOrEmpty(int64(o.ReconfirmedThrough)), itoaOrEmpty(o.AnnualIncomeUSD),
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write roster: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write roster: %w", err)
	}
	return nil
}

func itoaOrEmpty(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}
