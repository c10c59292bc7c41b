package roster

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
)

// SeatColumns are the SC file's columns, in the order [WriteSeats] writes them.
var SeatColumns = []string{"seat", "org_id", "voting", "term_start", "term_end", "consecutive_terms"}

var seatRequired = []string{"seat", "org_id", "term_start", "term_end"}

// ParseSeats reads the SC CSV (columns: [SeatColumns], in any order; voting and
// consecutive_terms may be left out). Values:
//
//   - seat: a configured country (any spelling countryName accepts; stored in
//     its configured spelling), a special seat id from specialSeats (7.2.2), or
//     regional-coordinator (also "RC", "Regional Coordinator"). Each seat once.
//   - org_id: an organisation in orgs, holding no other seat (7.2.3). Country
//     and special seats need a regular member (associates are never electable,
//     5.2.2), for a country seat one of that country; the Regional
//     Coordinator's seat may be held by any organisation on the roster (the
//     Secretariat's).
//   - voting: true/false, yes/no or 1/0; empty means the seat's rule: the
//     Regional Coordinator never votes (7.2.1, 7.3.3), every other seat votes,
//     and a value saying otherwise is an error.
//   - term_start, term_end: YYYY-MM-DD in loc, end after start; required except
//     for the Regional Coordinator.
//   - consecutive_terms: the holder's consecutive terms including this one,
//     1 to 3 (7.2.15); empty means 1 (0 for the Regional Coordinator).
//
// A seat is at most [MaxCountryRunes] characters, any other value
// [MaxFieldRunes]; no value may hold a line break or control character.
// ParseSeats checks every row and returns every problem as an [*ImportError]
// with no seats.
func ParseSeats(r io.Reader, orgs []gov.Org, countryName func(string) (string, bool), specialSeats []string, loc *time.Location) ([]gov.Seat, error) {
	var ps problems
	present, rows, err := readTable(r, SeatColumns, seatRequired, &ps)
	if err != nil {
		return nil, err
	}
	byID := map[string]gov.Org{}
	for _, o := range orgs {
		byID[o.ID] = o
	}
	seatLine := map[string]int{}
	orgLine := map[string]int{}
	var seats []gov.Seat
	for _, rw := range rows {
		n := len(ps)
		s := gov.Seat{}
		kind := "" // "rc", "special" or "country"
		for _, c := range []string{"seat", "org_id"} {
			if rw.missing(present, c) {
				ps.add(rw.line, c, "required")
			}
		}
		if v := rw.get("seat"); v != "" {
			s.Seat, kind = resolveSeat(v, countryName, specialSeats)
			switch {
			case kind == "":
				ps.add(rw.line, "seat", "unknown seat %q: want a configured country, a special seat (%s) or %s",
					v, orNone(specialSeats), gov.RegionalCoordinator)
			case seatLine[s.Seat] != 0:
				ps.add(rw.line, "seat", "%s already appears on line %d", s.Seat, seatLine[s.Seat])
			default:
				seatLine[s.Seat] = rw.line
			}
		}
		if id := rw.get("org_id"); id != "" {
			s.OrgID = id
			o, ok := byID[id]
			switch {
			case !ok:
				ps.add(rw.line, "org_id", "%q is not on the roster", id)
			case kind != "" && kind != "rc" && o.Kind != gov.Regular:
				ps.add(rw.line, "org_id", "%s is an associate; associates cannot be elected to the SC (ToP 5.2.2)", id)
			case kind == "country" && o.Country != s.Seat:
				ps.add(rw.line, "org_id", "%s is a member in %s, not %s", id, o.Country, s.Seat)
			}
			if first, dup := orgLine[id]; dup {
				ps.add(rw.line, "org_id", "%s already holds a seat (line %d); an organisation holds at most one (ToP 7.2.3)", id, first)
			} else {
				orgLine[id] = rw.line
			}
		}
		s.Voting = kind != "rc"
		if v := rw.get("voting"); v != "" {
			b, ok := parseBool(v)
			switch {
			case !ok:
				ps.add(rw.line, "voting", "%q: want true or false (yes/no, 1/0)", v)
			case b && kind == "rc":
				ps.add(rw.line, "voting", "the Regional Coordinator does not vote (ToP 7.2.1, 7.3.3)")
			case !b && kind != "rc" && kind != "":
				ps.add(rw.line, "voting", "every SC seat but the Regional Coordinator's votes (ToP 7.2.1)")
			}
		}
		needTerm := kind != "rc"
		for _, c := range []struct {
			col string
			t   *time.Time
		}{{"term_start", &s.TermStart}, {"term_end", &s.TermEnd}} {
			v := rw.get(c.col)
			if v == "" {
				if needTerm && rw.missing(present, c.col) {
					ps.add(rw.line, c.col, "required")
				}
				continue
			}
			t, err := parseDate(v, loc)
			if err != nil {
				ps.add(rw.line, c.col, "%v", err)
				continue
			}
			*c.t = t
		}
		if !s.TermStart.IsZero() && !s.TermEnd.IsZero() && !s.TermEnd.After(s.TermStart) {
			ps.add(rw.line, "term_end", "%s is not after term_start %s", formatDate(s.TermEnd, loc), formatDate(s.TermStart, loc))
		}
		if kind != "rc" {
			s.ConsecutiveTerms = 1
		}
		if v := rw.get("consecutive_terms"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 3 {
				ps.add(rw.line, "consecutive_terms", "%q: want 1, 2 or 3 (at most 3 consecutive terms, ToP 7.2.15)", v)
			}
			s.ConsecutiveTerms = n
		}
		if len(ps) == n {
			seats = append(seats, s)
		}
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return seats, nil
}

// resolveSeat returns a seat's canonical name and its kind ("rc", "special",
// "country"), or "" and "" for an unknown seat.
func resolveSeat(v string, countryName func(string) (string, bool), specialSeats []string) (string, string) {
	k := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(v, "_", " "))), "-")
	if k == gov.RegionalCoordinator || k == "rc" {
		return gov.RegionalCoordinator, "rc"
	}
	for _, id := range specialSeats {
		if strings.EqualFold(id, k) {
			return id, "special"
		}
	}
	if name, ok := countryName(v); ok {
		return name, "country"
	}
	return "", ""
}

func orNone(list []string) string {
	if len(list) == 0 {
		return "none configured"
	}
	return strings.Join(list, ", ")
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "true", "yes", "1", "y":
		return true, true
	case "false", "no", "0", "n":
		return false, true
	}
	return false, false
}

// WriteSeats writes seats as an SC CSV that [ParseSeats] reads back: the header
// ([SeatColumns]) first, dates in loc, zero values as empty cells.
func WriteSeats(w io.Writer, seats []gov.Seat, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(SeatColumns); err != nil {
		return fmt.Errorf("write seats: %w", err)
	}
	for _, s := range seats {
		rec := []string{
			s.Seat, s.OrgID, strconv.FormatBool(s.Voting),
			formatDate(s.TermStart, loc), formatDate(s.TermEnd, loc), itoaOrEmpty(int64(s.ConsecutiveTerms)),
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write seats: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write seats: %w", err)
	}
	return nil
}
