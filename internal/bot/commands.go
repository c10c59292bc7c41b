package bot

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/roster"
	"github.com/mekongmigration/govbot/internal/store"
)

// The Secretariat by mail (rules.md §F). A command is the first word of the first
// line the Secretariat typed; "Key: value" lines below it are its fields. Acting
// commands pass the gate's proof (a confirmed challenge, or DMARC) before they
// run: check validates one and says exactly what it will do (the challenge shows
// it), or lists every problem, and nothing changes; run does it and the
// Secretariat gets what was done. HELP and STATUS only read, and answer at once.

// parsedCommand is a command read from a mail.
type parsedCommand struct {
	name   string              // upper case: BALLOT, ROSTER, …
	args   []string            // the words after the name on its line
	fields map[string][]string // lower-case key → values, in order (Option: repeats)
}

func (p parsedCommand) field(key string) string {
	if v := p.fields[key]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

var fieldRE = regexp.MustCompile(`^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*?)\s*$`)

// parseCommand reads the command at the top of reply, if its first word is one of
// names.
func parseCommand(reply string, names func(string) bool) (parsedCommand, bool) {
	lines := strings.Split(reply, "\n")
	for i, line := range lines {
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		name := strings.ToUpper(strings.Trim(words[0], ".:!*"))
		if !names(name) {
			return parsedCommand{}, false
		}
		p := parsedCommand{name: name, args: words[1:], fields: map[string][]string{}}
		for _, l := range lines[i+1:] {
			if m := fieldRE.FindStringSubmatch(l); m != nil {
				k := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
				p.fields[k] = append(p.fields[k], m[2])
			}
		}
		return p, true
	}
	return parsedCommand{}, false
}

// mailCommand is one acting command of the Secretariat by mail.
type mailCommand struct {
	usage string
	help  string
	// cli is its command-line twin.
	cli   string
	check func(b *Bot, tx *store.Tx, c *call, p parsedCommand) (action string, problems []string, err error)
	run   func(b *Bot, tx *store.Tx, c *call, p parsedCommand) (lines []string, err error)
}

var mailCommands map[string]mailCommand

func init() {
	mailCommands = map[string]mailCommand{
		"BALLOT": {usage: "BALLOT, then the lines Title:, Question:, Electorate: members|sc, Closes: YYYY-MM-DD, and for a question with options 2-9 Option: lines and Rule: majority|plurality",
			help: "open a ballot; the answer shows the form exactly as the electorate will receive it", cli: "govbot ballot open",
			check: (*Bot).checkBallot, run: (*Bot).runBallot},
		"ROSTER": {usage: "ROSTER, with the roster CSV attached",
			help: "add or update organisations; the answer is the dry run (added, changed, every error with its line)", cli: "govbot roster import FILE.csv",
			check: (*Bot).checkRoster, run: (*Bot).runRoster},
		"ATTEND": {usage: "ATTEND <gc> <org> [<org> …]", help: "record organisations attending a General Conference", cli: "govbot gc attend",
			check: (*Bot).checkAttend, run: (*Bot).runAttend},
		"EXTEND": {usage: "EXTEND <application> <months>", help: "extend an application's six-month deadline, when the SC agrees", cli: "govbot case extend",
			check: (*Bot).checkExtend, run: (*Bot).runExtend},
		"SCVOTE": {usage: "SCVOTE <application>", help: "open the SC's vote on an application now", cli: "govbot case sc-vote",
			check: (*Bot).checkSCVote, run: (*Bot).runSCVote},
		"CANCEL": {usage: "CANCEL <ballot>", help: "cancel a ballot before any vote is cast; its electorate is told", cli: "govbot ballot cancel",
			check: (*Bot).checkCancel, run: (*Bot).runCancel},
	}
}

// MailCommandHelp lists the Secretariat's commands by mail with their command-line
// twins, for HELP and the README.
func MailCommandHelp() []string {
	names := make([]string, 0, len(mailCommands))
	for n := range mailCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []string{
		"HELP – this list",
		"STATUS – the digest of every open matter; STATUS <reference> – one matter in detail (like govbot digest, ballot show, case show)",
		"PAID <org> <year> <amount> [<ref>] – record fee payments, one line each (govbot fee paid)",
		"Forward an applicant's mail with its form and documents – open an application",
		"On an application's mail: CONFIRM, COMPLETE, WITHDRAW, or documents (govbot case confirm|complete|withdraw|add-doc)",
		"On a nomination's mail: NOMINATE <org> (govbot sc nominate)",
	}
	for _, n := range names {
		mc := mailCommands[n]
		out = append(out, fmt.Sprintf("%s – %s (%s)", mc.usage, mc.help, mc.cli))
	}
	return append(out, "Every command that changes something is first answered with a Please confirm mail; it runs when you reply CONFIRM.")
}

// secretariatVerb reports whether name is one of the acting commands.
func secretariatVerb(name string) bool { _, ok := mailCommands[name]; return ok }

// queryVerb reports whether name is HELP or STATUS.
func queryVerb(name string) bool { return name == "HELP" || name == "STATUS" }

func (b *Bot) commandReply(tx *store.Tx, c *call, cmd, title string, lines []string) error {
	return b.queue(tx, []gov.Mail{{Kind: "command_reply", Key: "reply/" + c.msg.MessageID, To: []string{c.who.Address}, Lang: "en",
		Auto: gov.AutoReplied, InReplyTo: c.msg.MessageID, Data: gov.CommandReplyData{Command: cmd, Title: title, Lines: lines}}})
}

// query answers HELP and STATUS: read only, answered at once to the sender (a
// Secretariat address, or a member's, which is on the roster).
func (b *Bot) query(tx *store.Tx, c *call) (Result, error) {
	p, _ := parseCommand(answer.ReplyText(c.msg.Text), queryVerb)
	if p.name == "HELP" {
		if c.who.Role == RoleSecretariat {
			return Result{Outcome: "help", Replied: true}, b.commandReply(tx, c, "HELP", "What the Secretariat can do by mail", MailCommandHelp())
		}
		return Result{Outcome: "help", Replied: true}, b.queue(tx, []gov.Mail{{Kind: "help", Key: "reply/" + c.msg.MessageID, To: []string{c.who.Address},
			Lang: c.who.Org.Language, Auto: gov.AutoReplied, InReplyTo: c.msg.MessageID, Data: gov.HelpData{Org: c.who.Org.Name}}})
	}
	// STATUS: the Secretariat and the SC's seat holders.
	if c.who.Role != RoleSecretariat {
		_, seats, err := rosterAndSC(tx)
		if err != nil {
			return Result{}, err
		}
		if !slices.ContainsFunc(seats, func(s gov.Seat) bool { return s.OrgID == c.who.Org.ID }) {
			return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: "not_allowed", Reason: "STATUS is for the Secretariat and the Steering Committee"}, "")
		}
	}
	if len(p.args) == 0 {
		d, err := b.Digest(tx)
		if err != nil {
			return Result{}, err
		}
		orgs, seats, err := rosterAndSC(tx)
		if err != nil {
			return Result{}, err
		}
		m := gov.DigestMail(b.env(tx), d, orgs, seats, "status/"+c.msg.MessageID)
		m.To, m.InReplyTo, m.Auto = []string{c.who.Address}, c.msg.MessageID, gov.AutoReplied
		return Result{Outcome: "status", Replied: true}, b.queue(tx, []gov.Mail{m})
	}
	ref := strings.ToUpper(strings.Trim(p.args[0], "[]<>.,"))
	lines, err := b.statusOf(tx, ref)
	if err != nil {
		return Result{}, err
	}
	if lines == nil {
		return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: gov.RefuseNoReference, Reason: fmt.Sprintf("there is no ballot, application or nomination %q", ref)}, "en")
	}
	return Result{Outcome: "status:" + ref, Replied: true}, b.commandReply(tx, c, "STATUS", "Status of "+ref, lines)
}

// statusOf describes one matter for the Secretariat and the SC; nil if none.
func (b *Bot) statusOf(tx *store.Tx, ref string) ([]string, error) {
	date := func(t time.Time) string { return gov.DeadlineDate(t, b.Location) }
	switch KindOf(ref) {
	case RefBallot:
		bal, ok, err := tx.Ballot(ref)
		if err != nil || !ok {
			return nil, err
		}
		voters, err := tx.Voters(ref)
		if err != nil {
			return nil, err
		}
		votes, err := tx.Votes(ref)
		if err != nil {
			return nil, err
		}
		r := gov.Report(b.env(tx), bal, votes)
		lines := []string{
			fmt.Sprintf("%s – %s (%s)", bal.ID, bal.Title, bal.Electorate),
			"Question: " + bal.Question,
			fmt.Sprintf("Closes: end of %s", date(bal.ClosesAt)),
			fmt.Sprintf("Answers so far: %d of %d (quorum %d): YES %d, NO %d, ABSTAIN %d", len(votes), bal.ElectorateSize, bal.Rules.Threshold.HalfPlusOne(bal.QuorumBase), r.Yes, r.No, r.Abstain),
		}
		if bal.Closed {
			lines = append(lines, "Outcome: "+string(r.Outcome))
		}
		var missing []string
		for _, v := range voters {
			if !slices.ContainsFunc(votes, func(x gov.Vote) bool { return x.OrgID == v.OrgID }) {
				missing = append(missing, v.Name)
			}
		}
		if len(missing) > 0 && !bal.Closed {
			lines = append(lines, "Not answered yet: "+strings.Join(missing, ", "))
		}
		return lines, nil
	case RefCase:
		a, ok, err := tx.Case(ref)
		if err != nil || !ok {
			return nil, err
		}
		ops, _ := tx.Opinions(ref)
		lines := []string{
			fmt.Sprintf("%s – %s (%s, %s)", a.ID, a.Name, a.Country, gov.KindLabel(a.Kind)),
			"State: " + string(a.State),
			fmt.Sprintf("Opinions received: %d (objections: %d)", len(ops), a.Objections),
		}
		if len(a.Missing) > 0 {
			lines = append(lines, "Missing: "+strings.Join(a.Missing, ", "))
		}
		for _, d := range a.Documents {
			lines = append(lines, "Document: "+d.Key+": "+d.Name)
		}
		if !a.OpinionsClose.IsZero() {
			lines = append(lines, "Opinions close: end of "+date(a.OpinionsClose))
		}
		if !a.DecisionDue.IsZero() {
			lines = append(lines, "Decision due: end of "+date(a.DecisionDue))
		}
		return lines, nil
	case RefNomination:
		n, ok, err := tx.Nomination(ref)
		if err != nil || !ok {
			return nil, err
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return nil, err
		}
		v := n.View(orgs)
		return []string{fmt.Sprintf("%s – the %s seat", n.ID, n.Seat), "Stage: " + v.State, "Nominee: " + orDash(v.Nominee), "Deadline: end of " + date(v.Deadline)}, nil
	}
	return nil, nil
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// BALLOT

func (b *Bot) ballotRequest(tx *store.Tx, p parsedCommand) (gov.OpenRequest, []string) {
	var problems []string
	req := gov.OpenRequest{Title: p.field("title"), Question: p.field("question"), Electorate: gov.Electorate(strings.ToLower(p.field("electorate"))),
		Rule: gov.OptionRule(strings.ToLower(p.field("rule")))}
	for _, o := range p.fields["option"] {
		req.Options = append(req.Options, strings.TrimSpace(o))
	}
	if req.Title == "" {
		problems = append(problems, "Title: is missing")
	}
	if req.Question == "" {
		problems = append(problems, "Question: is missing")
	}
	switch req.Electorate {
	case gov.ElectorateMembers, gov.ElectorateSC:
	case "":
		problems = append(problems, "Electorate: is missing (members or sc)")
	default:
		problems = append(problems, fmt.Sprintf("Electorate: %q is not members or sc", p.field("electorate")))
	}
	closes := p.field("closes")
	if closes == "" {
		problems = append(problems, "Closes: is missing (the last day of voting, YYYY-MM-DD)")
	} else if d, err := time.ParseInLocation("2006-01-02", closes, b.Location); err != nil {
		problems = append(problems, fmt.Sprintf("Closes: %q is not a date YYYY-MM-DD", closes))
	} else if !d.After(tx.Now.In(b.Location)) {
		problems = append(problems, fmt.Sprintf("Closes: %s is not after today", closes))
	} else {
		req.CloseDate = d
	}
	for k := range p.fields {
		switch k {
		case "title", "question", "electorate", "closes", "option", "rule":
		default:
			problems = append(problems, fmt.Sprintf("%q is not a field of BALLOT (Title, Question, Option, Rule, Electorate, Closes)", k))
		}
	}
	sort.Strings(problems)
	return req, problems
}

func (b *Bot) checkBallot(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	req, problems := b.ballotRequest(tx, p)
	if len(problems) > 0 {
		return "", problems, nil
	}
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return "", nil, err
	}
	req.ID = "B?"
	bal, _, mails, err := gov.OpenBallot(tx.Now, b.env(tx), req, orgs, seats)
	if err != nil {
		return "", []string{err.Error()}, nil
	}
	preview := ""
	for _, m := range mails {
		if m.Kind == "ballot_form" {
			m.Lang = "en"
			if r, err := b.Renderer.Render(m); err == nil {
				preview = r.Text
			}
			break
		}
	}
	return fmt.Sprintf("OPEN the ballot %q for %s: %d forms to %d organisations, quorum %d, closing at the end of %s. The form as they will receive it (in each one's language):\n\n%s",
		bal.Title, bal.Electorate, len(mails)-1, bal.ElectorateSize, bal.Rules.Threshold.HalfPlusOne(bal.QuorumBase), gov.DeadlineDate(bal.ClosesAt, b.Location), preview), nil, nil
}

func (b *Bot) runBallot(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	req, problems := b.ballotRequest(tx, p)
	if len(problems) > 0 {
		return nil, fmt.Errorf("ballot no longer valid: %s", strings.Join(problems, "; "))
	}
	bal, err := b.openBallot(tx, req, "secretariat "+c.who.Address)
	if err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("Ballot %s opened: %q, %d organisations, quorum %d, closes at the end of %s.", bal.ID, bal.Title, bal.ElectorateSize,
		bal.Rules.Threshold.HalfPlusOne(bal.QuorumBase), gov.DeadlineDate(bal.ClosesAt, b.Location))}, nil
}

// ROSTER

func (b *Bot) rosterFile(c *call) ([]gov.Org, []string) {
	if len(c.csv) == 0 {
		return nil, []string{"no CSV file is attached (the columns of govbot roster export)"}
	}
	country := b.CountryName
	if country == nil {
		country = func(c string) (string, bool) {
			i := slices.IndexFunc(b.Countries, func(x string) bool { return strings.EqualFold(x, c) })
			if i < 0 {
				return "", false
			}
			return b.Countries[i], true
		}
	}
	orgs, err := roster.ParseOrgs(bytes.NewReader(c.csv[0]), country, b.Location)
	var ie *roster.ImportError
	switch {
	case errors.As(err, &ie):
		var out []string
		for _, p := range ie.Problems {
			out = append(out, p.String())
		}
		return nil, out
	case err != nil:
		// Not the file's problems but a failure reading it: a fixed reason by mail,
		// the detail in the log.
		b.Logger.Warn("reading a ROSTER attachment", "err", err)
		return nil, []string{"the attached file could not be read as CSV"}
	}
	return orgs, nil
}

func (b *Bot) checkRoster(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	orgs, problems := b.rosterFile(c)
	if len(problems) > 0 {
		return "", problems, nil
	}
	var added, changed []string
	for _, o := range orgs {
		if _, ok, err := tx.Org(o.ID); err != nil {
			return "", nil, err
		} else if ok {
			changed = append(changed, o.ID)
		} else {
			added = append(added, o.ID)
		}
	}
	return fmt.Sprintf("IMPORT the attached roster: %d organisations added (%s), %d updated (%s); no errors", len(added), strings.Join(added, ", "), len(changed), strings.Join(changed, ", ")), nil, nil
}

func (b *Bot) runRoster(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	orgs, problems := b.rosterFile(c)
	if len(problems) > 0 {
		return nil, fmt.Errorf("roster no longer valid: %s", strings.Join(problems, "; "))
	}
	added, updated, err := b.importRoster(tx, orgs, "mail "+c.msg.MessageID, "secretariat "+c.who.Address)
	if err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("Roster imported: %d organisations added, %d updated.", added, updated)}, nil
}

// ATTEND

func (b *Bot) checkAttend(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	if len(p.args) < 2 {
		return "", []string{"ATTEND needs a General Conference (G1) and one or more organisations"}, nil
	}
	m, ok, err := tx.Meeting(strings.ToUpper(p.args[0]))
	if err != nil {
		return "", nil, err
	}
	var problems, names []string
	if !ok {
		problems = append(problems, fmt.Sprintf("there is no General Conference %q", p.args[0]))
	}
	for _, id := range p.args[1:] {
		o, ok, err := tx.Org(strings.ToLower(strings.Trim(id, ",")))
		if err != nil {
			return "", nil, err
		}
		if !ok {
			problems = append(problems, fmt.Sprintf("no organisation %q on the roster", id))
			continue
		}
		names = append(names, o.Name+" ("+o.ID+")")
	}
	if len(problems) > 0 {
		return "", problems, nil
	}
	return fmt.Sprintf("RECORD as attending General Conference %s: %s", m.ID, strings.Join(names, ", ")), nil, nil
}

func (b *Bot) runAttend(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	m, err := b.gcAttend(tx, p.args[0], p.args[1:], "secretariat "+c.who.Address)
	if err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("General Conference %s: %d attending.", m.ID, len(m.Attendees))}, nil
}

// EXTEND

func (b *Bot) checkExtend(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	if len(p.args) != 2 {
		return "", []string{"EXTEND needs an application (A1) and a number of months"}, nil
	}
	var problems []string
	months, err := strconv.Atoi(p.args[1])
	if err != nil || months < 1 || months > 12 {
		problems = append(problems, fmt.Sprintf("%q is not a number of months from 1 to 12", p.args[1]))
	}
	a, ok, err := tx.Case(strings.ToUpper(p.args[0]))
	if err != nil {
		return "", nil, err
	}
	if !ok || !a.State.Open() || a.DecisionDue.IsZero() {
		problems = append(problems, fmt.Sprintf("application %q has no running six-month clock", p.args[0]))
	}
	if len(problems) > 0 {
		return "", problems, nil
	}
	return fmt.Sprintf("EXTEND the deadline of application %s (%s) by %d months, from the end of %s", a.ID, a.Name, months, gov.DeadlineDate(a.DecisionDue, b.Location)), nil, nil
}

func (b *Bot) runExtend(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	months, _ := strconv.Atoi(p.args[1])
	a, err := b.extendCase(tx, strings.ToUpper(p.args[0]), months, "secretariat "+c.who.Address)
	if err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("Application %s: the decision is now due by the end of %s.", a.ID, gov.DeadlineDate(a.DecisionDue, b.Location))}, nil
}

// SCVOTE

func (b *Bot) checkSCVote(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	if len(p.args) != 1 {
		return "", []string{"SCVOTE needs one application (A1)"}, nil
	}
	a, ok, err := tx.Case(strings.ToUpper(p.args[0]))
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", []string{fmt.Sprintf("there is no application %q", p.args[0])}, nil
	}
	if a.State != gov.CaseOpinions && a.State != gov.CaseSCPending {
		return "", []string{fmt.Sprintf("application %s is %s: the SC votes after the notice to members", a.ID, a.State)}, nil
	}
	return fmt.Sprintf("OPEN the SC's vote on application %s (%s) now", a.ID, a.Name), nil, nil
}

func (b *Bot) runSCVote(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	res, err := b.caseAction(tx, strings.ToUpper(p.args[0]), "sc-vote", "secretariat "+c.who.Address)
	if err != nil {
		return nil, err
	}
	return []string{"Done: " + res.Outcome}, nil
}

// CANCEL

func (b *Bot) checkCancel(tx *store.Tx, c *call, p parsedCommand) (string, []string, error) {
	if len(p.args) != 1 {
		return "", []string{"CANCEL needs one ballot (B1)"}, nil
	}
	bal, ok, err := tx.Ballot(strings.ToUpper(p.args[0]))
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", []string{fmt.Sprintf("there is no ballot %q", p.args[0])}, nil
	}
	if bal.Closed {
		return "", []string{fmt.Sprintf("ballot %s is already closed", bal.ID)}, nil
	}
	if bal.Case != "" {
		return "", []string{fmt.Sprintf("ballot %s decides %s: it cannot be cancelled by itself", bal.ID, bal.Case)}, nil
	}
	votes, err := tx.Votes(bal.ID)
	if err != nil {
		return "", nil, err
	}
	if len(votes) > 0 {
		return "", []string{fmt.Sprintf("ballot %s already has %d answers; a ballot can be cancelled only before any vote is cast", bal.ID, len(votes))}, nil
	}
	return fmt.Sprintf("CANCEL ballot %s (%q); its %d organisations are told", bal.ID, bal.Title, bal.ElectorateSize), nil, nil
}

func (b *Bot) runCancel(tx *store.Tx, c *call, p parsedCommand) ([]string, error) {
	if err := b.cancelBallot(tx, strings.ToUpper(p.args[0]), "secretariat "+c.who.Address); err != nil {
		return nil, err
	}
	return []string{fmt.Sprintf("Ballot %s cancelled; its electorate was told.", strings.ToUpper(p.args[0]))}, nil
}

// cancelBallot closes ballot id as cancelled, before any vote, and tells its
// electorate.
func (b *Bot) cancelBallot(tx *store.Tx, id, actor string) error {
	bal, ok, err := tx.Ballot(id)
	if err != nil {
		return err
	}
	if !ok || bal.Closed {
		return &gov.Error{Code: "not_open", Message: fmt.Sprintf("ballot %s is not open", id)}
	}
	if votes, err := tx.Votes(id); err != nil {
		return err
	} else if len(votes) > 0 {
		return &gov.Error{Code: "has_votes", Message: fmt.Sprintf("ballot %s already has %d answers; it can be cancelled only before any vote is cast", id, len(votes))}
	}
	bal.Closed, bal.Cancelled, bal.ClosedAt = true, true, tx.Now
	if err := tx.PutBallot(bal); err != nil {
		return err
	}
	voters, err := tx.Voters(id)
	if err != nil {
		return err
	}
	view := bal.View(b.Location)
	var mails []gov.Mail
	for _, v := range voters {
		mails = append(mails, gov.Mail{Kind: "ballot_cancelled", Key: "ballot/" + id + "/cancelled/" + v.OrgID, To: v.Addresses, Lang: v.Language,
			Auto: gov.AutoGenerated, Data: gov.BallotCancelledData{Ballot: view, Voter: v}})
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	return tx.Audit("ballot.cancel", id, actor, fmt.Sprintf("%s; %d organisations told", bal.Title, len(voters)))
}

// CancelBallot is the command line's twin of CANCEL.
func (b *Bot) CancelBallot(now time.Time, id, actor string) error {
	err := b.DB.Update(now, func(tx *store.Tx) error { return b.cancelBallot(tx, strings.ToUpper(id), actor) })
	if err == nil {
		b.kick()
	}
	return err
}

// extendCase extends application id's six-month deadline by months within tx.
func (b *Bot) extendCase(tx *store.Tx, id string, months int, actor string) (gov.Application, error) {
	a, ok, err := tx.Case(id)
	if err != nil {
		return a, err
	} else if !ok || !a.State.Open() || a.DecisionDue.IsZero() {
		return a, &gov.Error{Code: "not_extendable", Message: fmt.Sprintf("application %q has no running six-month clock", id)}
	}
	a.DecisionDue = gov.EndOfDay(a.DecisionDue.In(b.Location).Add(-time.Nanosecond).AddDate(0, months, 0))
	a.WarningsSent = nil
	if err := tx.PutCase(a); err != nil {
		return a, err
	}
	return a, tx.Audit("case.extend", a.ID, actor, fmt.Sprintf("decision due %s", gov.DeadlineDate(a.DecisionDue, b.Location)))
}
