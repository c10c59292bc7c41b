package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

func cmdCaseList(e *env, args []string) error {
	fs := flag.NewFlagSet("case list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var cases []gov.Application
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		cases, err = tx.Cases()
		return err
	}); err != nil {
		return err
	}
	sort.Slice(cases, func(i, j int) bool { return idNum(cases[i].ID) < idNum(cases[j].ID) })
	if *asJSON {
		for i := range cases {
			cases[i].Fields = nil
		}
		return writeJSON(e.out, cases)
	}
	loc := e.cfg.Location()
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tKIND\tNAME\tCOUNTRY\tSTATE\tOPINIONS CLOSE\tDECISION DUE\tOBJECTIONS")
	for _, a := range cases {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", a.ID, a.Kind, a.Name, a.Country, a.State, deadline(a.OpinionsClose, loc), deadline(a.DecisionDue, loc), a.Objections)
	}
	return tw.Flush()
}

func deadline(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return gov.DeadlineDate(t, loc)
}

// CaseReport is what `case show --json` prints.
type CaseReport struct {
	gov.Application
	OpinionsGiven []OpinionGiven  `json:"opinions_given"`
	Opinions      []gov.Opinion   `json:"opinions,omitempty"` // only with --confidential
	SCVote        *gov.ResultJSON `json:"sc_vote,omitempty"`
}

// OpinionGiven says who gave an opinion, without its content.
type OpinionGiven struct {
	OrgID   string `json:"org_id"`
	OrgName string `json:"org_name"`
	At      string `json:"at"`
}

func cmdCaseShow(e *env, args []string) error {
	fs := flag.NewFlagSet("case show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	confidential := fs.Bool("confidential", false, "include the opinions (confidential to the SC)")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one case reference")
	}
	var r CaseReport
	loc := e.cfg.Location()
	if err := e.app.DB.View(func(tx *store.Tx) error {
		a, ok, err := tx.Case(pos[0])
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no application %q (see govbot case list)", pos[0])
		}
		r.Application = a
		ops, err := tx.Opinions(a.ID)
		if err != nil {
			return err
		}
		for _, o := range ops {
			r.OpinionsGiven = append(r.OpinionsGiven, OpinionGiven{OrgID: o.OrgID, OrgName: o.OrgName, At: o.At.In(loc).Format("2006-01-02 15:04")})
		}
		if *confidential {
			obj, others := gov.SplitOpinions(ops)
			r.Opinions = append(obj, others...)
		}
		if a.SCBallot != "" {
			if b, ok, _ := tx.Ballot(a.SCBallot); ok {
				votes, _ := tx.Votes(b.ID)
				rep := gov.Report(e.app.Bot.Env(tx), b, votes)
				r.SCVote = &rep
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, r)
	}
	a := r.Application
	fmt.Fprintf(e.out, "%s  %s (%s)\n%s; state %s\n", a.ID, a.Name, a.Country, gov.KindLabel(a.Kind), a.State)
	fmt.Fprintf(e.out, "contact     %s <%s>", a.Contact.Name, a.Contact.Email)
	if a.Alternate.Email != "" {
		fmt.Fprintf(e.out, "; alternate %s <%s>", a.Alternate.Name, a.Alternate.Email)
	}
	fmt.Fprintln(e.out)
	if a.Endorser != "" || a.EndorserText != "" {
		fmt.Fprintf(e.out, "endorser    %s", a.EndorserText)
		if a.EndorsedFromAbroad {
			fmt.Fprint(e.out, " (another GMS country: flagged to the SC, ToP 6.3)")
		}
		fmt.Fprintln(e.out)
	}
	for _, d := range a.Documents {
		fmt.Fprintf(e.out, "document    %s: %s (%d bytes)", d.Key, d.Name, d.Size)
		if p := e.app.Bot.FilePath(d.SHA256); p != "" {
			fmt.Fprintf(e.out, " – %s", p)
		}
		fmt.Fprintln(e.out)
	}
	if len(a.Missing) > 0 {
		fmt.Fprintf(e.out, "missing     %s\n", strings.Join(a.Missing, ", "))
	}
	for _, q := range a.Questions {
		// Asked of the Secretariat, not the applicant; answered by replying to
		// the application_question mail.
		fmt.Fprintf(e.out, "question    %s: reply with %s\n", q.Why, q.Reply)
		if q.Read != "" {
			fmt.Fprintf(e.out, "            the bot read: %s\n", q.Read)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(a.ReadFrom)) {
		fmt.Fprintf(e.out, "read        %s: %s, from %s\n", k, a.Fields[k], a.ReadFrom[k])
	}
	if !a.CompleteAt.IsZero() {
		fmt.Fprintf(e.out, "complete    %s (letter to the applicant)\nopinions    close at the end of %s\ndecision    due by the end of %s\n",
			a.CompleteAt.In(loc).Format("2006-01-02"), gov.DeadlineDate(a.OpinionsClose, loc), gov.DeadlineDate(a.DecisionDue, loc))
	}
	fmt.Fprintf(e.out, "objections  %d\n", a.Objections)
	for _, o := range r.OpinionsGiven {
		fmt.Fprintf(e.out, "opinion     from %s, %s\n", o.OrgName, o.At)
	}
	for _, o := range r.Opinions {
		fmt.Fprintf(e.out, "\n[%s] %s (%s):\n%s\n", strings.ToUpper(o.Kind), o.OrgName, o.From, o.Reasons)
	}
	if r.SCVote != nil {
		fmt.Fprintf(e.out, "SC vote     %s: YES %d, NO %d, ABSTAIN %d; quorum %d; %s\n", r.SCVote.ID, r.SCVote.Yes, r.SCVote.No, r.SCVote.Abstain, r.SCVote.QuorumRequired, r.SCVote.Outcome)
	}
	return nil
}

func caseActionCmd(action string) func(*env, []string) error {
	return func(e *env, args []string) error {
		pos, err := flags(flag.NewFlagSet("case "+action, flag.ContinueOnError), args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usagef("want one case reference")
		}
		a, err := e.app.Bot.CaseAction(e.nowTime(), pos[0], action, "secretariat (cli)")
		if err != nil {
			return err
		}
		fmt.Fprintf(e.out, "%s: %s\n", a.ID, a.State)
		return nil
	}
}

func cmdCaseAddDoc(e *env, args []string) error {
	fs := flag.NewFlagSet("case add-doc", flag.ContinueOnError)
	kind := fs.String("kind", "", "constitution, annual_report, endorsement or other")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("want a case reference and a file")
	}
	switch *kind {
	case "constitution", "annual_report", "endorsement", "other":
	default:
		return usagef("--kind %q: want constitution, annual_report, endorsement or other", *kind)
	}
	f, err := e.openFile(pos[1])
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	a, err := e.app.Bot.AddDocument(e.nowTime(), pos[0], gov.Document{Key: *kind, Name: filepath.Base(pos[1]), Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s", a.ID, a.State)
	if len(a.Missing) > 0 {
		fmt.Fprintf(e.out, "; missing %s", strings.Join(a.Missing, ", "))
	}
	fmt.Fprintln(e.out)
	return nil
}

func cmdCaseExtend(e *env, args []string) error {
	fs := flag.NewFlagSet("case extend", flag.ContinueOnError)
	months := fs.Int("months", 0, "months to add")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || *months <= 0 {
		return usagef("want one case reference and --months N")
	}
	a, err := e.app.Bot.ExtendCase(e.nowTime(), pos[0], *months, "secretariat (cli)")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: decision now due by the end of %s\n", a.ID, gov.DeadlineDate(a.DecisionDue, e.cfg.Location()))
	return nil
}
