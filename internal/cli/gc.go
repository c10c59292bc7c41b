package cli

import (
	"flag"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// cmdGC lists the General Conferences recorded and says by when the next one is
// due (7.1.1: at least once every two years).
func cmdGC(e *env, args []string) error {
	fs := flag.NewFlagSet("gc", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("gc takes no arguments (see govbot gc report ID for one conference)")
	}
	var due gov.GCDue
	var meetings []gov.Meeting
	if err := e.app.DB.ViewAt(e.nowTime(), func(tx *store.Tx) error {
		var err error
		due, meetings, err = e.app.Bot.NextGC(tx)
		return err
	}); err != nil {
		return err
	}
	sort.Slice(meetings, func(i, j int) bool { return meetings[i].Date.Before(meetings[j].Date) })
	if *asJSON {
		return writeJSON(e.out, struct {
			Meetings []gov.Meeting `json:"meetings"`
			Next     gov.GCDue     `json:"next"`
		}{meetings, due})
	}
	loc := e.cfg.Location()
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDATE\tATTENDING\tDECISIONS")
	for _, m := range meetings {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\n", m.ID, day(m.Date, loc), len(m.Attendees), len(m.Decisions))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(e.out)
	fmt.Fprintln(e.out, gcDueText(due, loc))
	return nil
}

// gcDueText says in English by when the next General Conference is due.
func gcDueText(d gov.GCDue, loc *time.Location) string {
	if d.None {
		return "No General Conference is recorded. Record the last one with `govbot gc record --date YYYY-MM-DD`: the next is due two years after it (ToP 7.1.1)."
	}
	s := fmt.Sprintf("The last General Conference was %s on %s. The next is due by %s (ToP 7.1.1: at least once every two years).",
		d.LastID, day(d.Last, loc), day(d.Due, loc))
	switch {
	case d.Overdue:
		s += " OVERDUE."
	case d.Warn:
		s += fmt.Sprintf(" WARNING: more than %d months have passed; the digest warns every week.", d.WarnMonths)
	case !d.WarnFrom.IsZero():
		s += fmt.Sprintf(" The digest warns from %s (membership.gc_warn_months: %d).", day(d.WarnFrom, loc), d.WarnMonths)
	}
	if d.NextID != "" {
		s += fmt.Sprintf(" %s is set for %s.", d.NextID, day(d.Next, loc))
	}
	return s
}

// cmdGCRecord records a General Conference held before, mailing no one.
func cmdGCRecord(e *env, args []string) error {
	fs := flag.NewFlagSet("gc record", flag.ContinueOnError)
	date := fs.String("date", "", "the day it was held, YYYY-MM-DD")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *date == "" {
		return usagef("want --date YYYY-MM-DD")
	}
	d, err := time.ParseInLocation("2006-01-02", *date, e.cfg.Location())
	if err != nil {
		return usagef("--date %q: want YYYY-MM-DD", *date)
	}
	m, err := e.app.Bot.RecordGC(e.nowTime(), d, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: General Conference of %s recorded (no mail sent)\n", m.ID, day(m.Date, e.cfg.Location()))
	return nil
}
