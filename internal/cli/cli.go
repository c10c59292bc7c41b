// Package cli is govbot's command line: global flags, the command tree, and the
// local control socket through which commands reach a running `govbot run`.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/store"
)

// usageError is a mistake in the command line; it prints the command's usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what a command runs with.
type env struct {
	ctx        context.Context
	stdin      io.Reader
	out, errw  io.Writer
	configPath string
	now        *time.Time // --now
	cfg        *config.Config
	app        *app.App // open store (and mail, for once/run)
	log        *slog.Logger
	remote     bool   // running inside the daemon for a control-socket client
	cwd        string // the client's working directory, when remote
	// files and writes: in a forwarded command, the files the client read for it
	// and the ones it will write (see openFile, writeFile).
	files  map[string][]byte
	writes map[string][]byte
}

type command struct {
	name  string
	args  string
	help  string
	store bool // needs the store; forwarded to a running daemon when it holds it
	run   func(e *env, args []string) error
}

var commands []*command

func init() {
	commands = []*command{
		{name: "demo", args: "[--keep] [--verbose]", help: "play a whole ballot on built-in IMAP and SMTP servers (no setup, no config)", run: cmdDemo},
		{name: "version", help: "print govbot's version (module, commit, build time, Go)", run: cmdVersion},
		{name: "check-config", args: "[--offline]", help: "validate the config; unless --offline, log in to IMAP and SMTP and say what worked", run: cmdCheckConfig},
		{name: "oauth login", args: "[--provider microsoft|google|custom] [--flow device|browser] [--port N]", help: "sign the bot in to its mailbox with OAuth 2.0 (Microsoft 365: a code typed on any device; Google: a browser, the address pasted back on a headless server); writes oauth.token_file", run: cmdOAuthLogin},
		{name: "run", help: "run as a daemon: read mail as it arrives, send reminders and results, deliver the outbox; stops on SIGINT/SIGTERM", run: cmdRun},
		{name: "once", help: "one full cycle (read new mail, run what is due, send the outbox), then exit; for cron and tests", run: cmdOnce},
		{name: "roster import", args: "FILE.csv [--dry-run]", help: "add or update organisations from a CSV file; any bad row → nothing changes", store: true, run: cmdRosterImport},
		{name: "roster export", args: "[--out FILE]", help: "write the roster as CSV", store: true, run: cmdRosterExport},
		{name: "roster list", args: "[--json]", help: "list the organisations and their standing", store: true, run: cmdRosterList},
		{name: "sc import", args: "FILE.csv", help: "replace the Steering Committee seats from a CSV file", store: true, run: cmdSCImport},
		{name: "sc list", args: "[--json]", help: "list the SC seats and their terms", store: true, run: cmdSCList},
		{name: "sc vacate", args: "SEAT --reason resigned|left|term_end", help: "open a vacancy: a member who left (3 months for the organisation, then the SC appoints) or a term ending (the country's members recommend)", store: true, run: cmdSCVacate},
		{name: "sc nominate", args: "NOMINATION ORG [--person NAME]", help: "confirm the nominee (eligibility checked and explained); the notice goes to all members", store: true, run: cmdSCNominate},
		{name: "sc approve-at-gc", args: "NOMINATION", help: "record that the General Conference approved the nominee; the seat is filled", store: true, run: cmdSCApproveAtGC},
		{name: "sc nominations", args: "[--json]", help: "nominations with their stage and deadline", store: true, run: cmdSCNominations},
		{name: "sc history", help: "every SC term that ended", store: true, run: cmdSCHistory},
		{name: "sc chair propose", args: "ORG --closes YYYY-MM-DD", help: "open the SC's vote electing that member its chair (7.2.8)", store: true, run: cmdSCChair},
		{name: "sc mt set", args: "ORG ORG ORG", help: "record the Management Team the SC formed: three SC members (7.2.12); it replaces the one recorded before", store: true, run: cmdSCMTSet},
		{name: "ballot open", args: "--electorate members|sc --title T --question Q --closes YYYY-MM-DD [--option TEXT]... [--rule majority|plurality]", help: "open a ballot and mail the voting forms (YES/NO, or 2-9 options with ABSTAIN); prints the ballot's id", store: true, run: cmdBallotOpen},
		{name: "ballot cancel", args: "ID", help: "cancel a ballot before any vote is cast; its electorate is told", store: true, run: cmdBallotCancel},
		{name: "ballot list", args: "[--json]", help: "list ballots", store: true, run: cmdBallotList},
		{name: "ballot show", args: "ID [--json] [--votes]", help: "show a ballot's count, quorum and outcome (--votes: who answered what)", store: true, run: cmdBallotShow},
		{name: "case list", args: "[--json]", help: "list applications (cases) with their state and deadlines", store: true, run: cmdCaseList},
		{name: "case show", args: "REF [--json] [--confidential]", help: "show an application: state, deadlines, documents, who gave opinions, the SC's vote (opinions themselves only with --confidential)", store: true, run: cmdCaseShow},
		{name: "case confirm", args: "REF", help: "confirm that an application sent in directly by the applicant is genuine", store: true, run: caseActionCmd("confirm")},
		{name: "case complete", args: "REF", help: "declare the documents of an application complete", store: true, run: caseActionCmd("complete")},
		{name: "case add-doc", args: "REF --kind constitution|annual_report|endorsement|other FILE", help: "record a document received outside the bot", store: true, run: cmdCaseAddDoc},
		{name: "case withdraw", args: "REF", help: "withdraw an application", store: true, run: caseActionCmd("withdraw")},
		{name: "case extend", args: "REF --months N", help: "extend the six-month deadline, when the SC agrees", store: true, run: cmdCaseExtend},
		{name: "case sc-vote", args: "REF", help: "open the SC's vote now (after the notice; again after a vote without quorum)", store: true, run: caseActionCmd("sc-vote")},
		{name: "fee paid", args: "ORG --year Y --amount A [--ref R]", help: "record a member's fee payment", store: true, run: cmdFeePaid},
		{name: "campaign open", args: "[--year Y]", help: "send the re-confirmation forms now (they also go by themselves on membership.campaign_opens)", store: true, run: cmdCampaignOpen},
		{name: "campaign show", help: "each year's re-confirmation campaign: deadline, who has not re-confirmed", store: true, run: cmdCampaignShow},
		{name: "roster changes", help: "contact changes, pending and decided", store: true, run: cmdRosterChanges},
		{name: "roster approve-change", args: "ID", help: "apply a pending contact change the old address cannot confirm", store: true, run: changeCmd(true)},
		{name: "roster refuse-change", args: "ID", help: "refuse a pending contact change", store: true, run: changeCmd(false)},
		{name: "gc open", args: "--date YYYY-MM-DD", help: "open a General Conference; members are asked to reply ATTEND; prints its id", store: true, run: cmdGCOpen},
		{name: "gc attend", args: "ID ORG...", help: "record organisations attending", store: true, run: cmdGCAttend},
		{name: "gc report", args: "ID [--json] [--send]", help: "the GC quorum now: countries (≥ 4) and share of members (≥ 25%); --send mails it to the SC", store: true, run: cmdGCReport},
		{name: "gc decide", args: "ID --title T --yes N --no N --abstain N", help: "record a GC decision (majority of regular members attending, 7.1.3)", store: true, run: cmdGCDecide},
		{name: "gc", args: "[--json]", help: "the General Conferences recorded and by when the next is due (7.1.1: at least every two years)", store: true, run: cmdGC},
		{name: "gc list", args: "[--json]", help: "the same as gc", store: true, run: cmdGC},
		{name: "gc record", args: "--date YYYY-MM-DD", help: "record a General Conference held before (no mail), so that the next one's due date is known", store: true, run: cmdGCRecord},
		{name: "digest", args: "[--send]", help: "show the digest of every open matter (--send: mail it to the SC and the Secretariat now)", store: true, run: cmdDigest},
		{name: "audit verify", args: "[--head HASH]", help: "check the audit log's hash chain and sequence numbers (--head: prove it extends the history whose head a mail to the SC carried)", store: true, run: cmdAuditVerify},
		{name: "audit export", args: "[--format csv|json]", help: "write the audit log", store: true, run: cmdAuditExport},
		{name: "inspect", args: "FILE.eml [--json]", help: "show what the bot reads from a message: headers, reply part, language, answer", run: cmdInspect},
		{name: "outbox list", help: "list mail waiting to be sent", store: true, run: cmdOutboxList},
		{name: "quarantine list", args: "[--json]", help: "list the messages set aside after their handling failed limits.max_attempts times", store: true, run: cmdQuarantineList},
		{name: "quarantine show", args: "ID [--raw] [--out FILE]", help: "show a quarantined message: the error, what the reader makes of it (--raw: the message as received)", store: true, run: cmdQuarantineShow},
		{name: "quarantine retry", args: "ID", help: "handle a quarantined message again (once its cause is fixed); it leaves the quarantine if it succeeds", store: true, run: cmdQuarantineRetry},
		{name: "quarantine drop", args: "ID", help: "delete a quarantined message for good (the audit log keeps that it was dropped)", store: true, run: cmdQuarantineDrop},
	}
}

// Main runs govbot with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, out: stdout, errw: stderr}
	fs := flag.NewFlagSet("govbot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.configPath, "config", "", "config file (default $GOVBOT_CONFIG or ./config.yaml)")
	nowFlag := fs.String("now", "", "replace the clock with this RFC 3339 time (simulations, tests)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "govbot: %v\n\n", err)
		printUsage(stderr)
		return 2
	}
	if *nowFlag != "" {
		t, err := time.Parse(time.RFC3339, *nowFlag)
		if err != nil {
			fmt.Fprintf(stderr, "govbot: --now %q: want an RFC 3339 time such as 2026-12-01T09:00:00+07:00\n", *nowFlag)
			return 2
		}
		e.now = &t
	}
	if e.configPath == "" {
		e.configPath = os.Getenv("GOVBOT_CONFIG")
	}
	if e.configPath == "" {
		e.configPath = "config.yaml"
	}
	rest := fs.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return 2
	}
	if rest[0] == "help" {
		// govbot help [COMMAND…]: usage on standard output, no config needed.
		if len(rest) == 1 {
			printUsage(stdout)
			return 0
		}
		return helpFor(rest[1:], stdout, stderr)
	}
	cmd, cmdArgs := lookup(rest)
	if cmd != nil && wantsHelp(cmdArgs) || cmd == nil && wantsHelp(rest) {
		return helpFor(withoutHelp(rest), stdout, stderr)
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "govbot: unknown command %q%s\n\n", strings.Join(rest[:min(2, len(rest))], " "), suggest(rest))
		printUsage(stderr)
		return 2
	}
	defer func() {
		if e.app != nil {
			e.app.Close()
		}
	}()
	err := e.exec(cmd, cmdArgs, args)
	return e.report(cmd, err)
}

func (e *env) report(cmd *command, err error) int {
	if err == nil {
		return 0
	}
	var code exitCode
	if errors.As(err, &code) {
		return int(code)
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(e.errw, "govbot %s: %s\nusage: govbot %s %s\n", cmd.name, ue.msg, cmd.name, cmd.args)
		return 2
	}
	fmt.Fprintf(e.errw, "govbot %s: %v\n", cmd.name, err)
	return 1
}

// exec runs cmd. A command that needs the store while a daemon holds it is sent to
// the daemon's control socket instead.
func (e *env) exec(cmd *command, args, all []string) error {
	if !cmd.store {
		return cmd.run(e, args)
	}
	if err := e.openStore(); errors.Is(err, store.ErrLocked) {
		return e.forward(all)
	} else if err != nil {
		return err
	}
	return cmd.run(e, args)
}

func lookup(args []string) (*command, []string) {
	if len(args) >= 3 {
		for _, c := range commands {
			if c.name == args[0]+" "+args[1]+" "+args[2] {
				return c, args[3:]
			}
		}
	}
	if len(args) >= 2 {
		for _, c := range commands {
			if c.name == args[0]+" "+args[1] {
				return c, args[2:]
			}
		}
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c, args[1:]
		}
	}
	return nil, nil
}

func suggest(args []string) string {
	var names []string
	for _, c := range commands {
		if strings.HasPrefix(c.name, args[0]+" ") {
			names = append(names, c.name)
		}
	}
	if len(names) > 0 {
		return "; did you mean one of: " + strings.Join(names, ", ")
	}
	return ""
}

// wantsHelp reports whether args ask for help (-h, -help, --help).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

func withoutHelp(args []string) []string {
	var out []string
	for _, a := range args {
		if a != "-h" && a != "-help" && a != "--help" {
			out = append(out, a)
		}
	}
	return out
}

// helpFor prints the usage of the command named by args, or of every command
// starting with args[0] (govbot audit --help), to stdout; 0 when found, else 2.
func helpFor(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stdout)
		return 0
	}
	if cmd, _ := lookup(args); cmd != nil {
		printCommand(stdout, cmd)
		return 0
	}
	found := false
	for _, c := range commands {
		if strings.HasPrefix(c.name, args[0]+" ") {
			printCommand(stdout, c)
			found = true
		}
	}
	if found {
		return 0
	}
	fmt.Fprintf(stderr, "govbot: unknown command %q\n\n", strings.Join(args, " "))
	printUsage(stderr)
	return 2
}

func printCommand(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: govbot [--config FILE] [--now RFC3339] %s %s\n    %s\n", c.name, c.args, c.help)
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: govbot [--config FILE] [--now RFC3339] COMMAND [ARGS]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-14s %s\n      %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintf(w, "\nThe config file is --config, else $GOVBOT_CONFIG, else ./config.yaml.\nStart with: govbot demo\n")
}

// loadConfig reads and validates the config file once.
func (e *env) loadConfig() (config.Config, error) {
	if e.cfg != nil {
		return *e.cfg, nil
	}
	cfg, err := config.Load(e.configPath)
	if err != nil {
		return config.Config{}, err
	}
	e.cfg = &cfg
	e.log = newLogger(e.errw, cfg.Log)
	return cfg, nil
}

func newLogger(w io.Writer, l config.Log) *slog.Logger {
	opts := &slog.HandlerOptions{Level: l.SlogLevel()}
	if l.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// clock returns the clock: the real one, or --now (fixed for one-shot commands,
// running on from --now for the daemon).
func (e *env) clock(running bool) func() time.Time {
	if e.now == nil {
		return time.Now
	}
	fixed := *e.now
	if !running {
		return func() time.Time { return fixed }
	}
	start := time.Now()
	return func() time.Time { return fixed.Add(time.Since(start)) }
}

func (e *env) openStore() error { return e.openApp(true, false) }

func (e *env) openApp(offline, running bool) error {
	if e.app != nil {
		return nil
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if e.now != nil {
		e.log.Warn("clock replaced by --now", "now", e.now.Format(time.RFC3339))
	}
	a, err := app.Open(cfg, app.Options{Clock: e.clock(running), Logger: e.log, Offline: offline, DBTimeout: 200 * time.Millisecond})
	if err != nil {
		return err
	}
	e.app = a
	return nil
}

// noArgs parses args with fs for a command that takes no positional argument,
// and refuses any (a stray word is a mistake, never ignored).
func noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	return nil
}

// flags parses args with fs, allowing flags before or after the positional
// arguments, and returns the positional ones.
func flags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
