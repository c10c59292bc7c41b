package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
)

// cmdQuarantineList lists the messages set aside after repeated failures.
func cmdQuarantineList(e *env, args []string) error {
	fs := flag.NewFlagSet("quarantine list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	var qs []store.Quarantined
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		qs, err = tx.QuarantineList()
		return err
	}); err != nil {
		return err
	}
	if *asJSON {
		if qs == nil {
			qs = []store.Quarantined{}
		}
		enc := json.NewEncoder(e.out)
		enc.SetIndent("", "  ")
		return enc.Encode(qs)
	}
	tw := tabwriter.NewWriter(e.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT\tFROM\tSUBJECT\tERROR")
	for _, q := range qs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", q.ID, q.At.In(e.cfg.Location()).Format("2006-01-02 15:04"), dash(q.From), dash(shorten(q.Subject, 40)), shorten(q.Error, 60))
	}
	fmt.Fprintf(tw, "\n%d messages in quarantine\n", len(qs))
	return tw.Flush()
}

// cmdQuarantineShow prints one quarantined message: its record, what the reader
// makes of it, and (with --raw) its bytes.
func cmdQuarantineShow(e *env, args []string) error {
	fs := flag.NewFlagSet("quarantine show", flag.ContinueOnError)
	raw := fs.Bool("raw", false, "print the message as received")
	out := fs.String("out", "", "write the message as received to this file")
	pos, err := flags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one quarantine id (govbot quarantine list shows them)")
	}
	var q store.Quarantined
	var data []byte
	var ok bool
	if err := e.app.DB.View(func(tx *store.Tx) error {
		var err error
		q, data, ok, err = tx.QuarantinedMessage(pos[0])
		return err
	}); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no quarantined message %s (govbot quarantine list shows them)", strings.ToUpper(pos[0]))
	}
	if *raw {
		_, err := e.out.Write(data)
		return err
	}
	if *out != "" {
		if err := e.writeFile(*out, data); err != nil {
			return err
		}
	}
	loc := e.cfg.Location()
	fmt.Fprintf(e.out, "Quarantine: %s\nSet aside: %s after %d failed attempts\nMessage-ID: %s\nFrom: %s\nSubject: %s\nSize: %d bytes\n",
		q.ID, q.At.In(loc).Format("2006-01-02 15:04 MST"), q.Attempts, q.MessageID, dash(q.From), dash(q.Subject), q.Size)
	if q.UID != 0 {
		fmt.Fprintf(e.out, "On the server: %s, UID %d (UIDVALIDITY %d)\n", dash(q.Mailbox), q.UID, q.UIDValidity)
	}
	fmt.Fprintf(e.out, "Error: %s\n", q.Error)
	if m, err := mailread.Read(strings.NewReader(string(data)), mailread.Options{}); err == nil && m != nil {
		if len(m.Problems) > 0 {
			fmt.Fprintf(e.out, "Reader's problems: %s\n", strings.Join(m.Problems, "; "))
		}
		fmt.Fprintf(e.out, "\n%s\n", shorten(m.Text, 2000))
	}
	if *out != "" {
		fmt.Fprintf(e.out, "\nThe message as received is in %s.\n", *out)
	}
	fmt.Fprintf(e.out, "\nNext: govbot quarantine retry %s (handle it again) or govbot quarantine drop %s (delete it).\n", q.ID, q.ID)
	return nil
}

// cmdQuarantineRetry handles a quarantined message again.
func cmdQuarantineRetry(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("quarantine retry", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one quarantine id (govbot quarantine list shows them)")
	}
	res, err := e.app.Bot.RetryQuarantined(e.nowTime(), pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s handled: %s\n", strings.ToUpper(pos[0]), res.Outcome)
	return nil
}

// cmdQuarantineDrop deletes a quarantined message.
func cmdQuarantineDrop(e *env, args []string) error {
	pos, err := flags(flag.NewFlagSet("quarantine drop", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one quarantine id (govbot quarantine list shows them)")
	}
	if err := e.app.Bot.DropQuarantined(e.nowTime(), pos[0]); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s dropped\n", strings.ToUpper(pos[0]))
	return nil
}

// shorten cuts s to at most n runes, on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
