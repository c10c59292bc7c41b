package crashtest

import (
	"bytes"
	"fmt"
	"math/rand"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/demo"
)

var countries = []struct{ name, lang string }{
	{"Thailand", "th"}, {"Cambodia", "km"}, {"Vietnam", "vi"},
	{"Lao PDR", "lo"}, {"Burma/Myanmar", "my"}, {"Yunnan/Guangxi/China", "zh"},
}

// org is a regular member of the generated roster.
type org struct {
	id    string
	addrs []string // contact, then alternate if any
}

// network is the generated roster and its ballots.
type network struct {
	orgs    []org
	ballots []string
	// forms holds each voting form as sent, by ballot and address.
	forms map[string]map[string][]byte
}

// rosterCSV writes a roster of n regular members, every third with an alternate.
func rosterCSV(n int) (string, []org) {
	var b strings.Builder
	b.WriteString("id,name,kind,country,contact_email,alternate_email,language,reconfirmed_through\n")
	var orgs []org
	for i := 1; i <= n; i++ {
		c := countries[(i-1)%len(countries)]
		o := org{id: fmt.Sprintf("m%03d", i)}
		o.addrs = append(o.addrs, fmt.Sprintf("contact%03d@org%03d.example", i, i))
		alt := ""
		if i%3 == 0 {
			alt = fmt.Sprintf("alt%03d@org%03d.example", i, i)
			o.addrs = append(o.addrs, alt)
		}
		lang := c.lang
		if i%4 == 0 {
			lang = "en"
		}
		fmt.Fprintf(&b, "%s,Organisation %03d,regular,%s,%s,%s,%s,2026\n", o.id, i, c.name, o.addrs[0], alt, lang)
		orgs = append(orgs, o)
	}
	return b.String(), orgs
}

// setupNetwork imports the roster, opens the ballots and delivers the forms. The
// forms go out under kills too: kills runs of `once` are killed at random while
// they send them.
func (h *harness) setupNetwork(rng *rand.Rand, nOrgs, nBallots, kills int) *network {
	h.t.Helper()
	csv, orgs := rosterCSV(nOrgs)
	f := filepath.Join(h.dir, "roster.csv")
	if err := os.WriteFile(f, []byte(csv), 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.setNow(time.Date(2027, 3, 1, 9, 0, 0, 0, h.loc))
	h.mustRun("roster", "import", f)
	n := &network{orgs: orgs, forms: map[string]map[string][]byte{}}
	for i := 1; i <= nBallots; i++ {
		out := h.mustRun("ballot", "open", "--electorate", "members", "--title", fmt.Sprintf("Motion %d", i),
			"--question", fmt.Sprintf("Do you adopt motion %d?", i), "--closes", "2027-03-20")
		n.ballots = append(n.ballots, strings.TrimSpace(out))
	}
	for i := 0; i < kills; i++ {
		h.killAfter(time.Duration(rng.Intn(400))*time.Millisecond, "once")
	}
	h.settle()
	for _, s := range h.srv.Sent() {
		m := parseMail(h.t, s.Raw)
		if m.Header.Get("X-Govbot-Kind") != "ballot_form" {
			continue
		}
		b := ballotOf(m.Header.Get("Subject"))
		if n.forms[b] == nil {
			n.forms[b] = map[string][]byte{}
		}
		n.forms[b][strings.ToLower(s.To[0])] = s.Raw
	}
	return n
}

var refRE = regexp.MustCompile(`\[(B\d+)-[A-Z0-9]+\]`)

// ballotOf returns the ballot id in a subject's reference ("[B2-ABCDEFGH]").
func ballotOf(subject string) string {
	subject, _ = new(mime.WordDecoder).DecodeHeader(subject)
	if m := refRE.FindStringSubmatch(subject); m != nil {
		return m[1]
	}
	return ""
}

// reply is one message of the backlog.
type reply struct {
	ballot, org, from string
	messageID         string
	body              string
	choice            string // yes, no, abstain; "" when ambiguous
	at                time.Time
	raw               []byte
}

var (
	bodies = map[string][]string{
		"yes":     {"Yes", "YES", "Yes, we agree.", "yes"},
		"no":      {"No", "NO", "No, we do not agree.", "no"},
		"abstain": {"Abstain", "ABSTAIN", "abstain"},
	}
	ambiguous = []string{"yes or no", "Yes. No."}
	styles    = []demo.Style{demo.Gmail, demo.Outlook, demo.AppleMail}
)

// backlog generates n replies from rng: a random ballot, organisation and address of
// it, YES/NO/ABSTAIN with about one in ten ambiguous; the organisations are drawn
// from a smaller pool for part of the replies, so that many answer the same ballot
// several times. Replies arrive a minute apart from start.
func (n *network) backlog(rng *rand.Rand, count int, start time.Time) ([]reply, error) {
	choices := []string{"yes", "no", "abstain"}
	var out []reply
	for i := 0; i < count; i++ {
		r := reply{ballot: n.ballots[rng.Intn(len(n.ballots))], at: start.Add(time.Duration(i) * time.Minute)}
		var o org
		if rng.Intn(3) == 0 {
			o = n.orgs[rng.Intn(min(10, len(n.orgs)))] // the talkative ones
		} else {
			o = n.orgs[rng.Intn(len(n.orgs))]
		}
		r.org, r.from = o.id, o.addrs[rng.Intn(len(o.addrs))]
		if rng.Intn(10) == 0 {
			r.body = ambiguous[rng.Intn(len(ambiguous))]
		} else {
			r.choice = choices[rng.Intn(len(choices))]
			r.body = bodies[r.choice][rng.Intn(len(bodies[r.choice]))]
		}
		r.messageID = fmt.Sprintf("r%03d.%s@client.example", i, strings.ReplaceAll(r.from, "@", "."))
		form := n.forms[r.ballot][r.from]
		if form == nil {
			return nil, fmt.Errorf("no form of %s to %s", r.ballot, r.from)
		}
		raw, err := demo.Reply(form, demo.ReplyOptions{
			From: r.from, FromName: "Member " + o.id, Body: r.body, Style: styles[rng.Intn(len(styles))],
			Date: r.at, MessageID: r.messageID,
		})
		if err != nil {
			return nil, err
		}
		r.raw = raw
		// The generator's own words must mean what the test expects of them.
		p := answer.Parse(answer.ReplyText(r.body), answer.KindVote)
		if got := strings.ToLower(string(p.Answer)); (r.choice == "" && !p.Ambiguous) || (r.choice != "" && (p.Ambiguous || got != r.choice)) {
			return nil, fmt.Errorf("body %q reads as %+v, want %q", r.body, p, r.choice)
		}
		out = append(out, r)
	}
	return out, nil
}

// expected is what the backlog must come to.
type expected struct {
	// votes: ballot → org → choice; the latest unambiguous reply counts.
	votes map[string]map[string]string
	// recorded counts the replies that are votes (each recorded once in the audit log).
	recorded int
}

func expect(replies []reply) expected {
	e := expected{votes: map[string]map[string]string{}}
	for _, r := range replies {
		if r.choice == "" {
			continue
		}
		if e.votes[r.ballot] == nil {
			e.votes[r.ballot] = map[string]string{}
		}
		e.votes[r.ballot][r.org] = r.choice
		e.recorded++
	}
	return e
}

func (e expected) tally(ballot string) (yes, no, abstain int) {
	for _, c := range e.votes[ballot] {
		switch c {
		case "yes":
			yes++
		case "no":
			no++
		case "abstain":
			abstain++
		}
	}
	return
}

// multi counts the (ballot, organisation) pairs answered more than once.
func multi(replies []reply) int {
	seen := map[string]int{}
	for _, r := range replies {
		seen[r.ballot+"/"+r.org]++
	}
	n := 0
	for _, c := range seen {
		if c > 1 {
			n++
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func parseMailBytes(raw []byte) (*mail.Message, error) {
	return mail.ReadMessage(bytes.NewReader(raw))
}
