package crashtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/mail"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	"github.com/mekongmigration/govbot/internal/store"
)

func parseMail(t *testing.T, raw []byte) *mail.Message {
	t.Helper()
	m, err := parseMailBytes(raw)
	if err != nil {
		t.Fatalf("a mail the bot sent does not parse: %v\n%s", err, raw)
	}
	return m
}

// outMail is what the checks need of a mail that left.
type outMail struct {
	kind, to, messageID, inReplyTo, subject, date, ballot string
}

func readOut(t *testing.T, s devmail.Sent) outMail {
	t.Helper()
	m := parseMail(t, s.Raw)
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		subj = m.Header.Get("Subject")
	}
	rcpts := append([]string(nil), s.To...)
	for i := range rcpts {
		rcpts[i] = strings.ToLower(rcpts[i])
	}
	sort.Strings(rcpts)
	o := outMail{
		kind:      m.Header.Get("X-Govbot-Kind"),
		to:        strings.Join(rcpts, ","),
		messageID: strings.Trim(m.Header.Get("Message-Id"), "<> "),
		inReplyTo: strings.Trim(m.Header.Get("In-Reply-To"), "<> "),
		subject:   subj,
		date:      m.Header.Get("Date"),
	}
	o.ballot = ballotOf(subj)
	if o.ballot == "" {
		o.ballot = ballotInText(subj)
	}
	return o
}

// ballotInText finds a ballot id ("B12") standing alone in s.
func ballotInText(s string) string {
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		if len(f) > 1 && f[0] == 'B' && strings.Trim(f[1:], "0123456789") == "" {
			return f
		}
	}
	return ""
}

// logical names the mail a message is a copy of, whatever its Message-ID: its kind,
// its recipients, and what it answers or which ballot it is about.
// A mail of a kind these tests do not model (a newer feature's) is named by its
// subject too.
func (o outMail) logical() string {
	l := o.kind + "|" + o.to + "|" + o.inReplyTo + "|" + o.ballot
	if !modelled[o.kind] {
		l += "|" + o.subject
	}
	return l
}

// modelled are the kinds of mail the backlog causes; verifyMail knows each one that
// must leave, and any other of these kinds is an error.
var modelled = map[string]bool{
	"ballot_form": true, "ballot_opened": true, "vote_receipt": true, "refusal": true,
	"ballot_result_sc": true, "ballot_result_members": true, "ballot_reminder": true, "delivery_failure": true,
}

// ballotResult is the part of `ballot show --json --votes` the checks read.
type ballotResult struct {
	ID       string `json:"id"`
	Outcome  string `json:"outcome"`
	Yes      int    `json:"yes"`
	No       int    `json:"no"`
	Abstain  int    `json:"abstain"`
	Returned int    `json:"returned"`
	Votes    []struct {
		OrgID  string
		Choice string
	} `json:"votes"`
}

// verify checks the end state against the backlog: the tallies and every vote,
// the audit log, and every mail that should have left, each under one Message-ID.
// closed says the ballots are past their deadline, so the results must have gone.
func (h *harness) verify(n *network, replies []reply, exp expected, closed bool) {
	t := h.t
	t.Helper()
	for _, b := range n.ballots {
		var r ballotResult
		out := h.mustRun("ballot", "show", b, "--json", "--votes")
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("ballot show %s: %v\n%s", b, err, out)
		}
		y, no, a := exp.tally(b)
		if r.Yes != y || r.No != no || r.Abstain != a || r.Returned != y+no+a {
			t.Errorf("%s: yes %d, no %d, abstain %d, returned %d; want %d, %d, %d, %d",
				b, r.Yes, r.No, r.Abstain, r.Returned, y, no, a, y+no+a)
		}
		if closed == (r.Outcome == "open") {
			t.Errorf("%s: outcome %q (closed: %v)", b, r.Outcome, closed)
		}
		got := map[string]string{}
		for _, v := range r.Votes {
			if v.Choice != "" {
				got[v.OrgID] = strings.ToLower(v.Choice)
			}
		}
		for _, org := range sortedKeys(exp.votes[b]) {
			if got[org] != exp.votes[b][org] {
				t.Errorf("%s: %s's vote is %q, want %q (its latest unambiguous reply)", b, org, got[org], exp.votes[b][org])
			}
		}
		for _, org := range sortedKeys(got) {
			if _, ok := exp.votes[b][org]; !ok {
				t.Errorf("%s: %s has a vote %q but sent no unambiguous reply", b, org, got[org])
			}
		}
	}

	if out := h.mustRun("audit", "verify"); !strings.Contains(out, "audit log intact") {
		t.Errorf("audit verify: %s", out)
	}
	var audit []struct {
		Action string `json:"action"`
		Ref    string `json:"ref"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(h.mustRun("audit", "export", "--format", "json")), &audit); err != nil {
		t.Fatalf("audit export: %v", err)
	}
	actions := map[string]int{}
	for _, a := range audit {
		actions[a.Action]++
	}
	if actions["vote.record"] != exp.recorded {
		t.Errorf("%d votes recorded in the audit log, want %d (one per unambiguous reply): a reply was counted twice or lost", actions["vote.record"], exp.recorded)
	}
	if closed && actions["ballot.close"] != len(n.ballots) {
		t.Errorf("%d ballot.close entries, want %d", actions["ballot.close"], len(n.ballots))
	}
	if actions["mail.failed"] != 0 {
		t.Errorf("%d mails given up", actions["mail.failed"])
	}

	h.verifyProcessed(replies)
	h.verifyMailbox(replies)
	h.verifyMail(n, replies, closed)
}

// verifyProcessed checks the store's record of each reply: what the bot did with it
// the first time, whatever happened after (a re-read after a crash or a change of
// UIDVALIDITY is a duplicate, not a new outcome). It reads the store directly; the
// bot is not running.
func (h *harness) verifyProcessed(replies []reply) {
	t := h.t
	t.Helper()
	db, err := store.Open(filepath.Join(h.dir, "govbot.db"), time.Second)
	if err != nil {
		t.Fatalf("open the store: %v", err)
	}
	defer db.Close()
	bad := 0
	_ = db.View(func(tx *store.Tx) error {
		for _, r := range replies {
			p, ok, err := tx.ProcessedByID(r.messageID)
			want := "vote:" + r.choice
			if r.choice == "" {
				want = "refused:ambiguous"
			}
			if err != nil || !ok || p.Outcome != want {
				if bad++; bad <= 5 {
					t.Errorf("the store's record of %s: outcome %q (found %v, %v), want %q", r.messageID, p.Outcome, ok, err, want)
				}
			}
		}
		return nil
	})
	if bad > 5 {
		t.Errorf("… %d of %d replies have a wrong record in all", bad, len(replies))
	}
}

// verifyMail checks the mail that left: each expected mail at least once; copies of
// one Message-ID all the same mail; one Message-ID for each mail; nothing else.
func (h *harness) verifyMail(n *network, replies []reply, closed bool) {
	t := h.t
	t.Helper()
	sent := h.srv.Sent()
	byID := map[string]outMail{}
	copies := map[string]int{}
	ids := map[string]map[string]bool{} // logical → Message-IDs
	for _, s := range sent {
		o := readOut(t, s)
		if o.messageID == "" {
			t.Errorf("a %s mail to %s without Message-ID", o.kind, o.to)
			continue
		}
		copies[o.messageID]++
		if first, ok := byID[o.messageID]; ok {
			if first != o {
				t.Errorf("Message-ID %s names two different mails:\n  %+v\n  %+v", o.messageID, first, o)
			}
		} else {
			byID[o.messageID] = o
		}
		if ids[o.logical()] == nil {
			ids[o.logical()] = map[string]bool{}
		}
		ids[o.logical()][o.messageID] = true
	}
	for l, set := range ids {
		if len(set) > 1 {
			t.Errorf("one mail (%s) left under %d Message-IDs: %v", l, len(set), sortedKeys(set))
		}
	}
	dups, extra := 0, 0
	for _, c := range copies {
		if c > 1 {
			dups++
			extra += c - 1
		}
	}
	t.Logf("%d mails accepted by SMTP, %d distinct Message-IDs; %d mails sent more than once (%d extra copies), each under one Message-ID",
		len(sent), len(byID), dups, extra)

	// What must have left, by logical name.
	want := map[string]string{} // logical → why
	for _, b := range n.ballots {
		want["ballot_opened|"+secretariat+"||"+b] = "the opening notice of " + b
		for _, o := range n.orgs {
			for _, a := range o.addrs {
				want["ballot_form|"+a+"||"+b] = "the form of " + b + " to " + a
				if closed {
					want["ballot_result_members|"+a+"||"+b] = "the result of " + b + " to " + a
				}
			}
		}
	}
	for _, r := range replies {
		kind := "vote_receipt"
		if r.choice == "" {
			kind = "refusal"
		}
		want[kind+"|"+r.from+"|"+r.messageID+"|"+r.ballot] = fmt.Sprintf("the %s answering %s", kind, r.messageID)
	}
	scResults := map[string]int{}
	for l := range ids {
		if _, ok := want[l]; ok {
			continue
		}
		f := strings.Split(l, "|")
		if f[0] == "ballot_result_sc" && closed {
			scResults[f[3]]++
			continue
		}
		if !modelled[f[0]] {
			t.Logf("a mail of a kind not modelled here: %s", l)
			continue
		}
		t.Errorf("unexpected mail: %s", l)
	}
	missing := 0
	for _, l := range sortedKeys(want) {
		if ids[l] == nil {
			missing++
			if missing <= 20 {
				t.Errorf("never sent: %s (%s)", want[l], l)
			}
		}
	}
	if missing > 20 {
		t.Errorf("… %d mails never sent in all", missing)
	}
	if closed {
		for _, b := range n.ballots {
			if scResults[b] == 0 {
				t.Errorf("no result of %s went to the SC and the Secretariat", b)
			}
		}
	}
}

// verifyMailbox checks the server side: every reply marked handled (flagged, or moved
// to Processed exactly once).
func (h *harness) verifyMailbox(replies []reply) {
	t := h.t
	t.Helper()
	inbox, _, err := h.srv.Messages("INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if h.moves {
		done, _, err := h.srv.Messages("Processed")
		if err != nil {
			t.Fatal(err)
		}
		if len(inbox) != 0 || len(done) != len(replies) {
			t.Errorf("%d messages left in INBOX and %d in Processed; want 0 and %d", len(inbox), len(done), len(replies))
		}
		return
	}
	flagged := 0
	for _, m := range inbox {
		for _, f := range m.Flags {
			if strings.EqualFold(f, "$GovbotProcessed") {
				flagged++
			}
		}
	}
	if len(inbox) != len(replies) || flagged != len(replies) {
		t.Errorf("INBOX holds %d messages, %d flagged as handled; want %d, all flagged", len(inbox), flagged, len(replies))
	}
}
