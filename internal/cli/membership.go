package cli

import (
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

func cmdFeePaid(e *env, args []string) error {
	fs := flag.NewFlagSet("fee paid", flag.ContinueOnError)
	year := fs.Int("year", 0, "the membership year paid for")
	amount := fs.String("amount", "", "amount, e.g. 15 or \"USD 15\"")
	ref := fs.String("ref", "", "payment reference")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *year == 0 || *amount == "" {
		return usagef("want one organisation id, --year and --amount")
	}
	now := e.nowTime()
	err = e.app.Bot.PaymentAt(now, pos[0], gov.Payment{Year: *year, Amount: *amount, Ref: *ref, At: now}, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: paid %s for %d\n", pos[0], *amount, *year)
	return nil
}

func cmdCampaignOpen(e *env, args []string) error {
	fs := flag.NewFlagSet("campaign open", flag.ContinueOnError)
	year := fs.Int("year", 0, "the year to re-confirm (default: this year)")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	now := e.nowTime()
	if *year == 0 {
		*year = now.In(e.cfg.Location()).Year()
	}
	c, err := e.app.Bot.OpenCampaign(now, *year)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: re-confirmation forms queued; due by the end of %s\n", c.ID, gov.DeadlineDate(c.Deadline, e.cfg.Location()))
	return nil
}

func cmdCampaignShow(e *env, args []string) error {
	if err := noArgs(flag.NewFlagSet("campaign show", flag.ContinueOnError), args); err != nil {
		return err
	}
	loc := e.cfg.Location()
	return e.app.DB.View(func(tx *store.Tx) error {
		cs, err := tx.Campaigns()
		if err != nil {
			return err
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		for _, c := range cs {
			done := 0
			var missing []string
			for _, o := range orgs {
				if o.Lapsed || o.Kind != gov.Regular {
					continue // associates owe no re-confirmation (5.2)
				}
				if o.ReconfirmedThrough >= c.Year {
					done++
				} else {
					missing = append(missing, o.ID)
				}
			}
			state := "open"
			if c.Closed {
				state = "closed"
			}
			fmt.Fprintf(e.out, "%s  %s; due by the end of %s; %d re-confirmed; not yet: %s\n", c.ID, state, gov.DeadlineDate(c.Deadline, loc), done, dash(strings.Join(missing, ", ")))
		}
		if len(cs) == 0 {
			fmt.Fprintln(e.out, "no campaign yet")
		}
		return nil
	})
}

func cmdRosterChanges(e *env, args []string) error {
	if err := noArgs(flag.NewFlagSet("roster changes", flag.ContinueOnError), args); err != nil {
		return err
	}
	return e.app.DB.View(func(tx *store.Tx) error {
		cs, err := tx.Changes()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tORG\tROLE\tOLD\tNEW\tSTATE\tBY")
		for _, c := range cs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.OrgID, c.Role, dash(c.Old.Email), c.New.Email, c.State, dash(c.By))
		}
		return tw.Flush()
	})
}

func changeCmd(approve bool) func(*env, []string) error {
	return func(e *env, args []string) error {
		pos, err := flags(flag.NewFlagSet("roster change", flag.ContinueOnError), args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("want one change id (see govbot roster changes)")
		}
		ch, err := e.app.Bot.ApproveChange(e.nowTime(), pos[0], approve, "secretariat (cli)")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.out, "%s: %s (%s of %s → %s)\n", ch.ID, ch.State, ch.Role, ch.OrgID, ch.New.Email)
		return nil
	}
}

func cmdGCOpen(e *env, args []string) error {
	fs := flag.NewFlagSet("gc open", flag.ContinueOnError)
	date := fs.String("date", "", "the GC's date, YYYY-MM-DD")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	d, err := time.ParseInLocation("2006-01-02", *date, e.cfg.Location())
	if err != nil {
		return usagef("--date %q: want YYYY-MM-DD", *date)
	}
	m, err := e.app.Bot.OpenGC(e.nowTime(), d)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.out, m.ID)
	return nil
}

func cmdGCAttend(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("gc attend", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("want a GC id and one or more organisation ids")
	}
	m, err := e.app.Bot.GCAttend(e.nowTime(), pos[0], pos[1:], "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %d attending\n", m.ID, len(m.Attendees))
	return nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cmdGCDecide(e *env, args []string) error {
	fs := flag.NewFlagSet("gc decide", flag.ContinueOnError)
	title := fs.String("title", "", "what was decided")
	yes := fs.Int("yes", 0, "regular members voting yes")
	no := fs.Int("no", 0, "regular members voting no")
	abstain := fs.Int("abstain", 0, "regular members abstaining")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *title == "" {
		return usagef("want a GC id and --title")
	}
	d, quorum, err := e.app.Bot.GCDecide(e.nowTime(), pos[0], *title, *yes, *no, *abstain, "secretariat (cli)")
	if err != nil {
		return err
	}
	outcome := "NOT CARRIED"
	if d.Carried {
		outcome = "CARRIED"
	}
	fmt.Fprintf(e.out, "%s: %s – YES %d of %d regular members attending\n", strings.ToUpper(pos[0]), outcome, d.Yes, d.RegularAttending)
	if !quorum {
		fmt.Fprintf(e.out, "warning: the GC has no quorum now (see govbot gc report %s)\n", strings.ToUpper(pos[0]))
	}
	return nil
}

func cmdGCReport(e *env, args []string) error {
	fs := flag.NewFlagSet("gc report", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	send := fs.Bool("send", false, "mail the report to the SC and the Secretariat")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want a GC id")
	}
	now := e.nowTime()
	r, err := e.app.Bot.GCReportAt(now, pos[0], *send)
	if err != nil {
		return err
	}
	rendered, err := e.app.Bot.Renderer.Render(gov.Mail{Kind: "gc_report", Lang: "en", Data: r})
	if err != nil {
		return err
	}
	text := rendered.Subject + "\n\n" + rendered.Text
	if *asJSON {
		return writeJSON(e.out, r)
	}
	fmt.Fprint(e.out, text)
	return nil
}
