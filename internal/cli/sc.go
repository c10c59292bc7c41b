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

func cmdSCVacate(e *env, args []string) error {
	fs := flag.NewFlagSet("sc vacate", flag.ContinueOnError)
	reason := fs.String("reason", "", "resigned, left or term_end")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *reason == "" {
		return usagef("want one seat and --reason resigned|left|term_end")
	}
	n, err := e.app.Bot.Vacate(e.nowTime(), pos[0], *reason, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s seat, %s until the end of %s\n", n.ID, n.Seat, n.State, gov.DeadlineDate(n.Deadline, e.cfg.Location()))
	return nil
}

func cmdSCNominate(e *env, args []string) error {
	fs := flag.NewFlagSet("sc nominate", flag.ContinueOnError)
	person := fs.String("person", "", "the person who will sit for the organisation")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want a nomination id and an organisation id")
	}
	n, err := e.app.Bot.Nominate(e.nowTime(), pos[0], pos[1], *person, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s nominated for %s; members' opinions until the end of %s\n", n.ID, n.Nominee, n.Seat, gov.DeadlineDate(n.Deadline, e.cfg.Location()))
	return nil
}

func cmdSCApproveAtGC(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("sc approve-at-gc", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want a nomination id")
	}
	n, err := e.app.Bot.ApproveAtGC(e.nowTime(), pos[0], "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s holds the %s seat from %s\n", n.ID, n.Nominee, n.Seat, n.TermStart.In(e.cfg.Location()).Format("2006-01-02"))
	return nil
}

func cmdSCNominations(e *env, args []string) error {
	fs := flag.NewFlagSet("sc nominations", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var noms []gov.Nomination
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		noms, err = tx.Nominations()
		return err
	}); err != nil {
		return err
	}
	sort.Slice(noms, func(i, j int) bool { return idNum(noms[i].ID) < idNum(noms[j].ID) })
	if *asJSON {
		return writeJSON(e.out, noms)
	}
	loc := e.cfg.Location()
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEAT\tREASON\tSTATE\tNOMINEE\tNEXT STEP BY\tRECOMMENDATIONS\tNOTE")
	for _, n := range noms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", n.ID, n.Seat, n.Reason, n.State, dash(n.Nominee), deadline(n.Deadline, loc), len(n.Recommendations), dash(n.Note))
	}
	return tw.Flush()
}

func cmdSCHistory(e *env, args []string) error {
	if err := noArgs(flag.NewFlagSet("sc history", flag.ContinueOnError), args); err != nil {
		return err
	}
	loc := e.cfg.Location()
	return e.app.DB.View(func(tx *store.Tx) error {
		hist, err := tx.SeatHistory()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEAT\tORGANISATION\tFROM\tTO\tTERMS\tENDED BY")
		for _, h := range hist {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", h.Seat, h.OrgID, day(h.TermStart, loc), day(h.TermEnd, loc), h.ConsecutiveTerms, h.EndedBy)
		}
		return tw.Flush()
	})
}

func cmdSCChair(e *env, args []string) error {
	fs := flag.NewFlagSet("sc chair propose", flag.ContinueOnError)
	closes := fs.String("closes", "", "last day of the SC's vote, YYYY-MM-DD")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *closes == "" {
		return usagef("want one organisation id and --closes")
	}
	d, err := time.ParseInLocation("2006-01-02", *closes, e.cfg.Location())
	if err != nil {
		return usagef("--closes %q: want YYYY-MM-DD", *closes)
	}
	b, err := e.app.Bot.ProposeChair(e.nowTime(), pos[0], d)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.out, b.ID)
	return nil
}

func cmdSCMTSet(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("sc mt set", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != gov.MTSize {
		return usagef("want the %d organisations of the Management Team (ToP 7.2.12), each holding an SC seat", gov.MTSize)
	}
	team, err := e.app.Bot.SetManagementTeam(e.nowTime(), pos, "secretariat (cli)")
	if err != nil {
		return err
	}
	loc := e.cfg.Location()
	fmt.Fprintln(e.out, "Management Team (ToP 7.2.12); each member's MT term is her or his SC term (7.2.13):")
	for _, s := range team {
		fmt.Fprintf(e.out, "  %s (%s seat), until %s\n", s.OrgID, s.Seat, day(s.TermEnd, loc))
	}
	return nil
}
