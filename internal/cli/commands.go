package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/forms"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/roster"
	"github.com/mekongmigration/govbot/internal/store"
)

func (e *env) nowTime() time.Time {
	if e.now != nil {
		return *e.now
	}
	return time.Now()
}

func cmdRosterImport(e *env, args []string) error {
	fs := flag.NewFlagSet("roster import", flag.ContinueOnError)
	dry := fs.Bool("dry-run", false, "check the file, change nothing")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one CSV file")
	}
	f, err := e.openFile(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	cfg := *e.cfg
	orgs, problems, err := roster.ParseOrgsWarn(f, cfg.CountryName, cfg.Location())
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", pos[0], err)
	}
	var warnings []string
	for _, p := range problems {
		warnings = append(warnings, p.String())
	}
	printWarnings := func() {
		for _, w := range warnings {
			fmt.Fprintf(e.out, "%s: warning: %s\n", pos[0], w)
		}
	}
	if *dry {
		fmt.Fprintf(e.out, "%s: %d organisations, no errors (dry run: nothing changed)\n", pos[0], len(orgs))
		printWarnings()
		return nil
	}
	added, updated, err := e.app.Bot.ImportRoster(e.nowTime(), orgs, pos[0], "secretariat (cli)")
	if err != nil {
		return fmt.Errorf("%s: nothing imported: %w", pos[0], err)
	}
	for _, o := range orgs {
		if o.Lapsed {
			warnings = append(warnings, fmt.Sprintf("%s has lapsed (ToP 5.1.8) and stays lapsed: to become a member again it must apply again", o.ID))
		}
	}
	fmt.Fprintf(e.out, "%s: %d organisations added, %d updated\n", pos[0], added, updated)
	printWarnings()
	return nil
}

func cmdRosterExport(e *env, args []string) error {
	fs := flag.NewFlagSet("roster export", flag.ContinueOnError)
	outFile := fs.String("out", "", "write to FILE instead of standard output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var orgs []gov.Org
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		orgs, err = tx.Orgs()
		return err
	}); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := roster.WriteOrgs(&buf, orgs, e.cfg.Location()); err != nil {
		return err
	}
	if *outFile != "" {
		return e.writeFile(*outFile, buf.Bytes())
	}
	_, err := e.out.Write(buf.Bytes())
	return err
}

// Standing is a member's standing as `roster list` shows it.
type Standing struct {
	gov.Org
	VotingRights bool   `json:"voting_rights"`
	PaidThrough  int    `json:"paid_through,omitempty"`
	SCSeat       string `json:"sc_seat,omitempty"`
	// Warnings are what the ToP asks for and the roster lacks, such as a regular
	// member's alternate (5.1.3).
	Warnings []string `json:"warnings,omitempty"`
}

// standingWarnings returns what the ToP asks of o and the roster lacks.
func standingWarnings(o gov.Org) []string {
	if o.MissingAlternate() && !o.Lapsed {
		return []string{"no alternate (ToP 5.1.3: a contact and an alternate)"}
	}
	return nil
}

func cmdRosterList(e *env, args []string) error {
	fs := flag.NewFlagSet("roster list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var list []Standing
	now := e.nowTime()
	if err := e.app.DB.View(func(tx *store.Tx) error {
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		seats, err := tx.Seats()
		if err != nil {
			return err
		}
		seatOf := map[string]string{}
		for _, s := range seats {
			seatOf[s.OrgID] = s.Seat
		}
		for _, o := range orgs {
			list = append(list, Standing{Org: o, VotingRights: e.app.Bot.Rules.HasVotingRights(o, now, e.cfg.Location()), PaidThrough: o.PaidThrough(), SCSeat: seatOf[o.ID], Warnings: standingWarnings(o)})
		}
		return nil
	}); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, list)
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tKIND\tCOUNTRY\tCONTACT\tALTERNATE\tLANG\tRECONFIRMED\tPAID\tVOTE\tSC\tBOUNCING")
	var noAlternate []string
	for _, s := range list {
		year := func(y int) string {
			if y > 0 {
				return strconv.Itoa(y)
			}
			return "-"
		}
		vote, reconfirmed, alternate := "no", year(s.ReconfirmedThrough), dash(s.Alternate.Email)
		switch {
		case s.Lapsed:
			// A lapsed organisation is no longer a member (5.1.8): nothing on
			// its line may read as a current re-confirmation.
			vote, reconfirmed = "LAPSED", "LAPSED"
		case s.Kind != gov.Regular:
			// Associates are not members (5.2): they owe no re-confirmation.
			reconfirmed = "n/a"
		case s.VotingRights:
			vote = "yes"
		}
		if len(s.Warnings) > 0 {
			alternate = "MISSING"
			noAlternate = append(noAlternate, s.ID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Kind, s.Country, s.Contact.Email, alternate, s.Language, reconfirmed, year(s.PaidThrough), vote, dash(s.SCSeat), dash(strings.Join(s.Bouncing, ",")))
	}
	fmt.Fprintf(tw, "\n%d organisations\n", len(list))
	if len(noAlternate) > 0 {
		fmt.Fprintf(tw, "warning: %d regular members have no alternate (ToP 5.1.3 asks for a contact and an alternate): %s\n", len(noAlternate), strings.Join(noAlternate, ", "))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func cmdSCImport(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("sc import", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one CSV file")
	}
	f, err := e.openFile(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()
	cfg := *e.cfg
	var special []string
	for _, s := range cfg.SpecialSeats {
		special = append(special, s.ID)
	}
	seats, err := e.app.Bot.ImportSeats(e.nowTime(), f, special, pos[0], "secretariat (cli)")
	if err != nil {
		return fmt.Errorf("%s: nothing imported:\n%w", pos[0], err)
	}
	fmt.Fprintf(e.out, "%s: %d seats (%d voting)\n", pos[0], len(seats), len(gov.VotingSeats(seats)))
	return nil
}

func cmdSCList(e *env, args []string) error {
	fs := flag.NewFlagSet("sc list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var seats []gov.Seat
	names := map[string]string{}
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		if seats, err = tx.Seats(); err != nil {
			return err
		}
		for _, s := range seats {
			if o, ok, _ := tx.Org(s.OrgID); ok {
				names[s.OrgID] = o.Name
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, seats)
	}
	loc := e.cfg.Location()
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEAT\tORGANISATION\tVOTING\tTERM\tTERMS\tNEXT RENEWAL")
	for _, s := range seats {
		voting := "no"
		if s.Voting {
			voting = "yes"
		}
		name := names[s.OrgID]
		if s.Chair {
			name += " – CHAIR"
		}
		if s.MT {
			name += " – MT"
		}
		renewal := "-"
		if !s.TermEnd.IsZero() && s.Seat != gov.RegionalCoordinator {
			renewal = s.TermEnd.In(loc).AddDate(0, 0, -e.cfg.SC.RenewalLeadDays).Format("2006-01-02")
			if s.ConsecutiveTerms >= gov.MaxConsecutiveTerms {
				renewal += " (3rd term: a new organisation)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s – %s\t%d\t%s\n", s.Seat, name, s.OrgID, voting, day(s.TermStart, loc), day(s.TermEnd, loc), s.ConsecutiveTerms, renewal)
	}
	fmt.Fprintf(tw, "\n%d seats, %d voting; SC quorum %d\n", len(seats), len(gov.VotingSeats(seats)), e.app.Bot.Rules.Threshold.HalfPlusOne(len(gov.VotingSeats(seats))))
	var mt []string
	for _, s := range gov.ManagementTeam(seats) {
		mt = append(mt, names[s.OrgID]+" ("+s.OrgID+")")
	}
	switch {
	case len(mt) == 0:
		fmt.Fprintln(tw, "Management Team (7.2.12): not recorded (govbot sc mt set ORG ORG ORG)")
	case len(mt) < gov.MTSize:
		fmt.Fprintf(tw, "Management Team (7.2.12): %s – %d of %d: an MT member's SC term ended (7.2.13); the SC names another\n", strings.Join(mt, ", "), len(mt), gov.MTSize)
	default:
		fmt.Fprintf(tw, "Management Team (7.2.12): %s\n", strings.Join(mt, ", "))
	}
	return tw.Flush()
}

func day(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "?"
	}
	return t.In(loc).Format("2006-01-02")
}

func cmdBallotOpen(e *env, args []string) error {
	fs := flag.NewFlagSet("ballot open", flag.ContinueOnError)
	electorate := fs.String("electorate", "", "members or sc")
	title := fs.String("title", "", "short title")
	question := fs.String("question", "", "the question put to the electorate")
	closes := fs.String("closes", "", "last day of voting, YYYY-MM-DD, in the network's time zone")
	var options optionList
	fs.Var(&options, "option", "an option of a question with options (2 to 9, repeat the flag); none: YES/NO")
	rule := fs.String("rule", "", "how an options ballot picks its outcome: majority (default) or plurality")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (quote the title and question)", pos[0])
	}
	var missing []string
	for name, v := range map[string]string{"--electorate": *electorate, "--title": *title, "--question": *question, "--closes": *closes} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return usagef("missing %s", strings.Join(missing, ", "))
	}
	d, err := time.ParseInLocation("2006-01-02", *closes, e.cfg.Location())
	if err != nil {
		return usagef("--closes %q: want YYYY-MM-DD", *closes)
	}
	b, err := e.app.Bot.OpenBallot(e.nowTime(), gov.OpenRequest{Title: *title, Question: *question, Electorate: gov.Electorate(*electorate), CloseDate: d,
		Options: options, Rule: gov.OptionRule(*rule)})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.out, b.ID)
	if !e.remote {
		fmt.Fprintf(e.errw, "ballot %s opened: %d voting forms queued to %d organisations; quorum %d; closes at the end of %s. They are sent by `govbot once` or the running daemon.\n",
			b.ID, countForms(e, b.ID), b.ElectorateSize, b.Rules.Threshold.HalfPlusOne(b.QuorumBase), gov.DeadlineDate(b.ClosesAt, e.cfg.Location()))
	}
	return nil
}

func countForms(e *env, id string) int {
	n := 0
	_ = e.app.DB.View(func(tx *store.Tx) error {
		voters, _ := tx.Voters(id)
		for _, v := range voters {
			n += len(v.Addresses)
		}
		return nil
	})
	return n
}

func cmdBallotList(e *env, args []string) error {
	fs := flag.NewFlagSet("ballot list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var reports []gov.ResultJSON
	if err := e.app.DB.View(func(tx *store.Tx) error {
		ballots, err := tx.Ballots()
		if err != nil {
			return err
		}
		for _, b := range ballots {
			votes, err := tx.Votes(b.ID)
			if err != nil {
				return err
			}
			reports = append(reports, gov.Report(e.app.Bot.Env(tx), b, votes))
		}
		return nil
	}); err != nil {
		return err
	}
	sort.Slice(reports, func(i, j int) bool { return idNum(reports[i].ID) < idNum(reports[j].ID) })
	if *asJSON {
		return writeJSON(e.out, reports)
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tELECTORATE\tCLOSES\tRETURNED\tQUORUM\tSTATUS\tTITLE")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%s (%d)\t%s\t%d\t%d\t%s\t%s\n", r.ID, r.Electorate, r.ElectorateSize, r.ClosesOn, r.Returned, r.QuorumRequired, r.Outcome, r.Title)
	}
	return tw.Flush()
}

func idNum(id string) int {
	n, _ := strconv.Atoi(strings.TrimLeft(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
	return n
}

func cmdBallotShow(e *env, args []string) error {
	fs := flag.NewFlagSet("ballot show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	withVotes := fs.Bool("votes", false, "include who answered what (confidential to the SC)")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one ballot id")
	}
	var r gov.ResultJSON
	if err := e.app.DB.View(func(tx *store.Tx) error {
		b, ok, err := tx.Ballot(pos[0])
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no ballot %q (see govbot ballot list)", pos[0])
		}
		votes, err := tx.Votes(b.ID)
		if err != nil {
			return err
		}
		r = gov.Report(e.app.Bot.Env(tx), b, votes)
		if *withVotes {
			voters, err := tx.Voters(b.ID)
			if err != nil {
				return err
			}
			byOrg := map[string]gov.Vote{}
			for _, v := range votes {
				byOrg[v.OrgID] = v
			}
			for _, v := range voters {
				l := gov.ResultLine{OrgID: v.OrgID, Name: v.Name, Country: v.Country}
				if vote, ok := byOrg[v.OrgID]; ok {
					l.Choice, l.At = vote.Choice, vote.At
				}
				r.Votes = append(r.Votes, l)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.out, r)
	}
	met := "not reached"
	if r.QuorumMet {
		met = "reached"
	}
	fmt.Fprintf(e.out, "%s  %s\n%s\n\nelectorate  %s, %d organisations\ncloses      end of %s\nstatus      %s\n\nYES %d   NO %d   ABSTAIN %d\nreturned    %d; quorum %d (%s, %s of %d)\nmajority    %s\nfingerprint %s\n",
		r.ID, r.Title, r.Question, r.Electorate, r.ElectorateSize, r.ClosesOn, r.Outcome, r.Yes, r.No, r.Abstain, r.Returned, r.QuorumRequired, met, r.Threshold, r.QuorumBase, r.Majority, r.Fingerprint)
	if len(r.Votes) > 0 {
		tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "\nORGANISATION\tCOUNTRY\tANSWER\tAT")
		for _, l := range r.Votes {
			at := "-"
			if !l.At.IsZero() {
				at = l.At.In(e.cfg.Location()).Format("2006-01-02 15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Name, l.Country, dash(strings.ToUpper(string(l.Choice))), at)
		}
		tw.Flush()
	}
	return nil
}

func cmdAuditVerify(e *env, args []string) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	headFlag := fs.String("head", "", "a head hash from a mail to the SC: prove the log extends the history it was mailed for")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("audit verify takes no arguments (a mailed head goes after --head)")
	}
	mailed := strings.ToLower(strings.TrimSpace(*headFlag))
	if *headFlag != "" && (len(mailed) != 64 || strings.Trim(mailed, "0123456789abcdef") != "") {
		return usagef("--head %q: want the 64 hexadecimal digits printed as \"Audit log head\" in a mail to the SC", *headFlag)
	}
	var entries []store.AuditEntry
	var head store.AuditHead
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		if entries, err = tx.AuditLog(); err != nil {
			return err
		}
		head, err = tx.AuditHead()
		return err
	}); err != nil {
		return err
	}
	if err := store.VerifyAuditHead(entries, head); err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintf(e.out, "audit log intact: 0 entries\n")
	} else {
		fmt.Fprintf(e.out, "audit log intact: %d entries, seq %d-%d; head %s\n", len(entries), entries[0].Seq, head.Seq, head.Hash)
	}
	if mailed == "" {
		return nil
	}
	at, err := store.VerifyAuditExtends(entries, mailed)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "the log extends the history mailed with head %s (entry %d, %s)\n", at.Hash, at.Seq, at.At.In(e.cfg.Location()).Format("2006-01-02 15:04"))
	return nil
}

func cmdAuditExport(e *env, args []string) error {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	format := fs.String("format", "csv", "csv or json")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var entries []store.AuditEntry
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		entries, err = tx.AuditLog()
		return err
	}); err != nil {
		return err
	}
	switch *format {
	case "json":
		return writeJSON(e.out, entries)
	case "csv":
		w := csv.NewWriter(e.out)
		w.Write([]string{"seq", "at", "action", "ref", "actor", "detail", "prev", "hash"})
		for _, a := range entries {
			w.Write([]string{strconv.FormatUint(a.Seq, 10), a.At.Format(time.RFC3339), a.Action, a.Ref, a.Actor, a.Detail, a.Prev, a.Hash})
		}
		w.Flush()
		return w.Error()
	}
	return usagef("--format %q: want csv or json", *format)
}

func cmdOutboxList(e *env, args []string) error {
	if err := noArgs(flag.NewFlagSet("outbox list", flag.ContinueOnError), args); err != nil {
		return err
	}
	return e.app.DB.View(func(tx *store.Tx) error {
		pending, err := tx.Pending()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tKIND\tTO\tATTEMPTS\tNEXT\tLAST ERROR")
		for _, m := range pending {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", m.Seq, m.Kind, strings.Join(m.To, ","), m.Attempts, m.NextAttempt.In(e.cfg.Location()).Format("2006-01-02 15:04"), dash(m.LastError))
		}
		fmt.Fprintf(tw, "\n%d mails waiting\n", len(pending))
		return tw.Flush()
	})
}

// Inspection is what `govbot inspect --json` prints.
type Inspection struct {
	From        string            `json:"from"`
	Subject     string            `json:"subject"`
	MessageID   string            `json:"message_id"`
	InReplyTo   []string          `json:"in_reply_to"`
	Date        time.Time         `json:"date,omitzero"`
	Auto        string            `json:"auto,omitempty"`
	Problems    []string          `json:"problems,omitempty"`
	ReplyText   string            `json:"reply_text"`
	Language    string            `json:"language"`
	Answer      *string           `json:"answer"`
	Ambiguous   bool              `json:"ambiguous"`
	Found       []string          `json:"found,omitempty"`
	Reasons     string            `json:"reasons"`
	FormKind    string            `json:"form,omitempty"`
	Fields      map[string]string `json:"fields"`
	Missing     []string          `json:"missing,omitempty"`
	Attachments []inspectedFile   `json:"attachments"`
	Tokens      []string          `json:"tokens,omitempty"`
	Ballot      string            `json:"ballot,omitempty"`
	Org         string            `json:"org,omitempty"`
}

// inspectedFile is an attachment as `inspect --json` prints it (one key style).
type inspectedFile struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// storeExists reports whether the configured store file is there.
func storeExists(e *env) bool {
	cfg, err := e.loadConfig()
	if err != nil {
		return false
	}
	_, err = os.Stat(cfg.Store.Path)
	return err == nil
}

func cmdInspect(e *env, args []string) error {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "JSON output")
	kind := fs.String("as", "vote", "read the answer as: vote, opinion, reconfirm, attend")
	explain := fs.Bool("explain", false, "say which line and which rule gave the answer (or why the bot asks again), and every answer word read")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one .eml file (or - for standard input)")
	}
	var r io.Reader = e.stdin
	if pos[0] != "-" {
		f, err := e.openFile(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	docx := map[string][]byte{}
	m, err := mailread.Read(r, mailread.Options{Attachment: func(a mailread.Attachment, r io.Reader) error {
		if strings.HasSuffix(strings.ToLower(a.Name), ".docx") {
			if data, err := io.ReadAll(io.LimitReader(r, 5<<20)); err == nil {
				docx[a.Name] = data
			}
		}
		return nil
	}})
	if err != nil {
		return err
	}
	k, ok := map[string]answer.Kind{"vote": answer.KindVote, "opinion": answer.KindOpinion, "reconfirm": answer.KindReconfirm, "attend": answer.KindAttend}[*kind]
	if !ok {
		return usagef("--as %q: want vote, opinion, reconfirm or attend", *kind)
	}
	reply := answer.ReplyText(m.Text)
	res := answer.Parse(reply, k)
	in := Inspection{
		From: m.From.Email, Subject: m.Subject, MessageID: m.MessageID, InReplyTo: m.InReplyTo, Date: m.Date,
		Auto: m.Auto, Problems: m.Problems, ReplyText: reply, Language: res.Language, Ambiguous: res.Ambiguous,
		Reasons: res.Reasons, Fields: map[string]string{}, Attachments: []inspectedFile{},
	}
	for _, a := range m.Attachments {
		in.Attachments = append(in.Attachments, inspectedFile{Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256})
	}
	form := forms.Parse(m.Text)
	for _, f := range m.Forwarded {
		if ff := forms.Parse(f.Text); len(ff.Fields) > len(form.Fields) {
			form = ff
		}
	}
	for _, data := range docx {
		if ff, err := forms.ParseDocx(bytes.NewReader(data), int64(len(data))); err == nil && len(ff.Fields) > len(form.Fields) {
			form = ff
		}
	}
	if form.Kind != forms.Unknown {
		in.FormKind = string(form.Kind)
		in.Fields = form.Fields
		in.Missing = form.Missing
	}
	if res.Answer != answer.None {
		s := string(res.Answer)
		in.Answer = &s
	}
	for _, f := range res.Found {
		in.Found = append(in.Found, string(f))
	}
	in.Tokens = gov.FindTokens(strings.Join(append(append([]string{m.Subject}, m.InReplyTo...), m.References...), " ") + " " + m.Text)
	// With a store (config present, its store file already there: a read-only
	// command never creates one), say which ballot it belongs to.
	if _, err := os.Stat(e.configPath); err == nil && len(in.Tokens) > 0 && storeExists(e) {
		if err := e.openStore(); err == nil {
			_ = e.app.DB.View(func(tx *store.Tx) error {
				for _, t := range in.Tokens {
					if b, o, ok := tx.TokenOwner(t); ok {
						in.Ballot, in.Org = b, o
						break
					}
				}
				return nil
			})
		}
	}
	if *asJSON && *explain {
		return writeJSON(e.out, struct {
			Inspection
			Line     string            `json:"line"`
			LineNo   int               `json:"line_no"`
			Rule     string            `json:"rule"`
			Doubt    string            `json:"doubt,omitempty"`
			Quote    string            `json:"quote"`
			Evidence []answer.Evidence `json:"evidence"`
		}{in, res.Line, res.LineNo, res.Rule, string(res.Doubt), res.Quote, res.Evidence})
	}
	if *asJSON {
		return writeJSON(e.out, in)
	}
	ans := "(none)"
	if in.Answer != nil {
		ans = strings.ToUpper(*in.Answer)
	}
	if in.Ambiguous {
		ans += " (ambiguous: " + strings.Join(in.Found, ", ") + ")"
	}
	fmt.Fprintf(e.out, "From:        %s\nSubject:     %s\nMessage-ID:  %s\nIn-Reply-To: %s\n", in.From, in.Subject, in.MessageID, strings.Join(in.InReplyTo, " "))
	if in.Auto != "" {
		fmt.Fprintf(e.out, "Automatic:   %s (the bot never answers this)\n", in.Auto)
	}
	for _, p := range in.Problems {
		fmt.Fprintf(e.out, "Problem:     %s\n", p)
	}
	fmt.Fprintf(e.out, "Language:    %s\nAnswer:      %s\n", dash(in.Language), ans)
	if *explain {
		if res.Answer != answer.None {
			fmt.Fprintf(e.out, "Read from:   line %d of the reply part: %q\n", res.LineNo, res.Line)
		}
		if res.Doubt != answer.DoubtNone {
			fmt.Fprintf(e.out, "Asks again:  %s\n", res.Doubt)
		}
		fmt.Fprintf(e.out, "Rule:        %s\n", dash(res.Rule))
		if res.Answer == answer.None && res.Quote != "" {
			fmt.Fprintf(e.out, "Quoted back: %q\n", res.Quote)
		}
		for _, ev := range res.Evidence {
			got, counted := "nothing", "not counted"
			if ev.Answer != answer.None {
				got = strings.ToUpper(string(ev.Answer))
			}
			if ev.Counted {
				counted = "counted"
			}
			fmt.Fprintf(e.out, "  line %d (%s): %q reads as %s, %s: %s\n    %q\n", ev.LineNo, ev.Zone, ev.Word, got, counted, ev.Rule, ev.Line)
		}
	}
	if in.Reasons != "" {
		fmt.Fprintf(e.out, "Reasons:     %s\n", in.Reasons)
	}
	if len(in.Tokens) > 0 {
		fmt.Fprintf(e.out, "References:  %s\n", strings.Join(in.Tokens, " "))
	}
	if in.Ballot != "" {
		fmt.Fprintf(e.out, "Belongs to:  ballot %s, organisation %s\n", in.Ballot, in.Org)
	}
	if in.FormKind != "" {
		fmt.Fprintf(e.out, "Form:        %s\n", in.FormKind)
		keys := make([]string, 0, len(in.Fields))
		for k := range in.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(e.out, "  %-18s %s\n", k+":", strings.ReplaceAll(in.Fields[k], "\n", " / "))
		}
		if len(in.Missing) > 0 {
			fmt.Fprintf(e.out, "  missing:           %s\n", strings.Join(in.Missing, ", "))
		}
	}
	for _, a := range in.Attachments {
		fmt.Fprintf(e.out, "Attachment:  %s (%s, %d bytes)\n", a.Name, a.ContentType, a.Size)
	}
	fmt.Fprintf(e.out, "\n--- reply part (what the bot reads) ---\n%s\n---\n", in.ReplyText)
	return nil
}

// writeJSON prints v as indented JSON; an empty list prints as [], never null.
func writeJSON(w io.Writer, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []any{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func cmdDigest(e *env, args []string) error {
	fs := flag.NewFlagSet("digest", flag.ContinueOnError)
	send := fs.Bool("send", false, "mail it to the SC and the Secretariat now")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	now := e.nowTime()
	if *send {
		queued, err := e.app.Bot.SendDigestNow(now)
		if err != nil {
			return err
		}
		if queued {
			fmt.Fprintln(e.out, "digest queued to the SC and the Secretariat; `govbot once` or the running daemon sends it")
		}
		return nil
	}
	var text string
	err := e.app.DB.ViewAt(now, func(tx *store.Tx) error {
		d, err := e.app.Bot.Digest(tx)
		if err != nil {
			return err
		}
		r, err := e.app.Bot.Renderer.Render(gov.Mail{Kind: "sc_digest", Lang: "en", Data: d})
		if err != nil {
			return err
		}
		text = r.Subject + "\n\n" + r.Text
		return nil
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(e.out, text)
	return err
}

func cmdBallotCancel(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("ballot cancel", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one ballot id")
	}
	if err := e.app.Bot.CancelBallot(e.nowTime(), pos[0], "secretariat (cli)"); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s cancelled; its electorate is told\n", strings.ToUpper(pos[0]))
	return nil
}

// optionList is a repeatable --option flag.
type optionList []string

func (o *optionList) String() string     { return strings.Join(*o, ", ") }
func (o *optionList) Set(v string) error { *o = append(*o, v); return nil }
