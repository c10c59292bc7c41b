package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/devmail"
	bolt "go.etcd.io/bbolt"
)

// harness is a config file for in-process mail servers and a scratch directory.
type harness struct {
	dir, config string
	srv         *devmail.Server
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	srv, err := devmail.Start(devmail.Options{BotAddress: "govbot@mmn.example"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	imapHost, imapPort := hostPort(srv.IMAPAddr)
	smtpHost, smtpPort := hostPort(srv.SMTPAddr)
	cfg := fmt.Sprintf(`network: {name: Test Network}
bot: {address: govbot@mmn.example, name: MMN govbot}
secretariat: [info@mmn.example]
imap: {host: %s, port: %d, security: none, username: %s, password: %s}
smtp: {host: %s, port: %d, security: none}
store: {path: %s}
digest: {weekday: off}
`, imapHost, imapPort, srv.User, srv.Password, smtpHost, smtpPort, filepath.Join(dir, "govbot.db"))
	h := &harness{dir: dir, config: filepath.Join(dir, "config.yaml"), srv: srv}
	if err := os.WriteFile(h.config, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return h
}

func hostPort(addr string) (string, int) {
	i := strings.LastIndexByte(addr, ':')
	var p int
	fmt.Sscan(addr[i+1:], &p)
	return addr[:i], p
}

func (h *harness) file(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(h.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs govbot with args and returns its exit code, standard output and error.
func (h *harness) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"--config", h.config}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func (h *harness) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := h.run(t, args...)
	if code != 0 {
		t.Fatalf("govbot %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

const rosterCSV = `id,name,kind,country,contact_email,alternate_email,language,reconfirmed_through
a,Alpha Org,regular,Thailand,a@alpha.example,a2@alpha.example,th,2026
b,Beta Org,regular,Cambodia,b@beta.example,,km,2026
c,Gamma Org,regular,Vietnam,c@gamma.example,,vi,2026
d,Delta Associate,associate,Laos,d@delta.example,,lo,2026
`

func TestRosterImportReportsEveryErrorAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	bad := h.file(t, "bad.csv", `id,name,kind,country,contact_email
x,X Org,member,Thailand,x@x.example
y,Y Org,regular,Atlantis,not-an-address
x,Dup,regular,Cambodia,z@z.example
`)
	code, _, errs := h.run(t, "roster", "import", bad)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{"line 2", "line 3", "line 4", "member", "Atlantis", "not-an-address", "nothing imported"} {
		if !strings.Contains(errs, want) {
			t.Errorf("error output lacks %q:\n%s", want, errs)
		}
	}
	if out := h.mustRun(t, "roster", "list"); !strings.Contains(out, "0 organisations") {
		t.Errorf("roster changed by a bad import:\n%s", out)
	}
}

func TestRosterImportListExportReimport(t *testing.T) {
	h := newHarness(t)
	f := h.file(t, "roster.csv", rosterCSV)
	if out := h.mustRun(t, "roster", "import", f); !strings.Contains(out, "4 organisations added, 0 updated") {
		t.Errorf("import: %s", out)
	}
	out := h.mustRun(t, "roster", "list")
	for _, want := range []string{"Alpha Org", "Delta Associate", "associate", "4 organisations"} {
		if !strings.Contains(out, want) {
			t.Errorf("roster list lacks %q:\n%s", want, out)
		}
	}
	exported := h.mustRun(t, "roster", "export")
	f2 := h.file(t, "again.csv", strings.Replace(exported, "Alpha Org", "Alpha Organisation", 1))
	if out := h.mustRun(t, "roster", "import", f2); !strings.Contains(out, "0 organisations added, 4 updated") {
		t.Errorf("re-import: %s", out)
	}
	if out := h.mustRun(t, "roster", "list", "--json"); !strings.Contains(out, "Alpha Organisation") {
		t.Errorf("re-import did not update the name:\n%s", out)
	}
}

func TestBallotOpenShowWithFlagsAfterArgsAndNow(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "roster", "import", h.file(t, "roster.csv", rosterCSV))
	code, out, errs := h.run(t, "--now", "2026-12-01T09:00:00+07:00", "ballot", "open", "--electorate", "members", "--title", "Amend 7.2.15", "--question", "Do you agree?", "--closes", "2026-12-14")
	if code != 0 {
		t.Fatalf("ballot open: %d %s %s", code, out, errs)
	}
	if id := strings.TrimSpace(out); id != "B1" {
		t.Fatalf("ballot open printed %q, want B1", out)
	}
	if !strings.Contains(errs, "clock replaced by --now") {
		t.Errorf("--now was not logged:\n%s", errs)
	}
	js := h.mustRun(t, "ballot", "show", "B1", "--json")
	var r map[string]any
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	want := map[string]any{"id": "B1", "title": "Amend 7.2.15", "electorate": "members", "electorate_size": 3.0, "quorum_required": 2.0, "returned": 0.0, "outcome": "open", "quorum_met": false}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v, want %v", k, r[k], v)
		}
	}
	if _, ok := r["closes_at"]; !ok {
		t.Errorf("no closes_at")
	}
	// Flags before the argument too.
	if out := h.mustRun(t, "ballot", "show", "--json", "b1"); !strings.Contains(out, `"id": "B1"`) {
		t.Errorf("show --json b1: %s", out)
	}
	// once sends the forms: 4 addresses of the 3 regular members, and the notice.
	h.mustRun(t, "--now", "2026-12-01T09:05:00+07:00", "once")
	if n := len(h.srv.Sent()); n != 5 {
		t.Errorf("%d mails sent, want 5", n)
	}
	code, _, errs = h.run(t, "ballot", "open", "--title", "x")
	if code != 2 || !strings.Contains(errs, "missing --closes, --electorate, --question") {
		t.Errorf("incomplete open: exit %d, %s", code, errs)
	}
	code, _, errs = h.run(t, "--now", "2026-12-01T09:00:00+07:00", "ballot", "open", "--electorate", "sc", "--title", "x", "--question", "q", "--closes", "2026-11-30")
	if code != 1 || !strings.Contains(errs, "already passed") {
		t.Errorf("past closing date: exit %d, %s", code, errs)
	}
}

func TestCommandsReachTheStoreWhileRunHoldsIt(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "roster", "import", h.file(t, "roster.csv", rosterCSV))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var runErr bytes.Buffer
	go func() {
		done <- Main(ctx, []string{"--config", h.config, "run"}, strings.NewReader(""), &bytes.Buffer{}, &runErr)
	}()
	sock := filepath.Join(h.dir, "govbot.db.sock")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the daemon did not open its control socket:\n%s", runErr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	out := h.mustRun(t, "ballot", "open", "--electorate", "members", "--title", "T", "--question", "Q?", "--closes", time.Now().AddDate(0, 0, 10).Format("2006-01-02"))
	if strings.TrimSpace(out) != "B1" {
		t.Errorf("ballot open through the daemon printed %q", out)
	}
	if out := h.mustRun(t, "ballot", "list"); !strings.Contains(out, "B1") {
		t.Errorf("ballot list through the daemon:\n%s", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("commands took %v while the daemon ran", d)
	}
	// The daemon sends the forms it was asked to open.
	if _, err := h.srv.WaitSent(5, 10*time.Second); err != nil {
		t.Errorf("daemon did not send the forms: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("run exited %d:\n%s", code, runErr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop on cancel")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("control socket left behind")
	}
}

func TestCheckConfig(t *testing.T) {
	h := newHarness(t)
	if out := h.mustRun(t, "check-config"); !strings.Contains(out, "imap") || !strings.Contains(out, "logged in") || !strings.Contains(out, "smtp") {
		t.Errorf("check-config:\n%s", out)
	}
	bad := h.file(t, "bad.yaml", "bot: {address: nope}\nimap: {host: mail.example.org, security: none, colour: blue}\n")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"--config", bad, "check-config", "--offline"}, nil, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "colour") {
		t.Errorf("bad config: exit %d\n%s", code, errb.String())
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"ballot", "frobnicate"}, nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "did you mean") {
		t.Errorf("unknown: exit %d %s", code, errb.String())
	}
	out.Reset()
	if code := Main(context.Background(), []string{"help"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "ballot open") {
		t.Errorf("help: exit %d %s", code, out.String())
	}
}

func TestAuditVerifyAndExport(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "roster", "import", h.file(t, "roster.csv", rosterCSV))
	h.mustRun(t, "--now", "2026-12-01T09:00:00+07:00", "ballot", "open", "--electorate", "members", "--title", "T", "--question", "Q", "--closes", "2026-12-14")
	if out := h.mustRun(t, "audit", "verify"); !strings.Contains(out, "audit log intact: 2 entries") {
		t.Errorf("verify: %s", out)
	}
	csvOut := h.mustRun(t, "audit", "export", "--format", "csv")
	if !strings.HasPrefix(csvOut, "seq,at,action,ref,actor,detail,prev,hash\n") || !strings.Contains(csvOut, "ballot.open") {
		t.Errorf("csv export:\n%s", csvOut)
	}
	var entries []map[string]any
	if err := json.Unmarshal([]byte(h.mustRun(t, "audit", "export", "--format", "json")), &entries); err != nil || len(entries) != 2 {
		t.Errorf("json export: %v %d", err, len(entries))
	}
	// Someone edits the first entry in the database file.
	db, err := bolt.Open(filepath.Join(h.dir, "govbot.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("audit"))
		k, v := b.Cursor().First()
		return b.Put(k, bytes.Replace(v, []byte(`"detail":"`), []byte(`"detail":"forged `), 1))
	})
	db.Close()
	code, _, errs := h.run(t, "audit", "verify")
	if code != 1 || !strings.Contains(errs, "audit entry 1") {
		t.Errorf("tampered log: exit %d, %s", code, errs)
	}
}

func TestDigestShowAndSend(t *testing.T) {
	h := newHarness(t)
	h.mustRun(t, "roster", "import", h.file(t, "roster.csv", rosterCSV))
	h.mustRun(t, "--now", "2026-12-01T09:00:00+07:00", "ballot", "open", "--electorate", "members", "--title", "Amend 7.2.15", "--question", "Q?", "--closes", "2026-12-14")
	out := h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "digest")
	for _, want := range []string{"WEEKLY DIGEST", "BALLOT B1", "Amend 7.2.15", "0 of 3 returned", "Alpha Org", "Gamma Org"} {
		if !strings.Contains(out, want) {
			t.Errorf("digest lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Delta Associate") {
		t.Errorf("an associate is listed as not having voted")
	}
	if out := h.mustRun(t, "--now", "2026-12-03T09:00:00+07:00", "digest", "--send"); !strings.Contains(out, "queued") {
		t.Errorf("digest --send: %s", out)
	}
	h.mustRun(t, "--now", "2026-12-03T09:01:00+07:00", "once")
	found := false
	for _, s := range h.srv.Sent() {
		if bytes.Contains(s.Raw, []byte("X-Govbot-Kind: sc_digest")) {
			found = true
		}
	}
	if !found {
		t.Errorf("no digest mail was sent")
	}
}

func TestInspectJSON(t *testing.T) {
	h := newHarness(t)
	eml := h.file(t, "reply.eml", "From: Somchai <somchai@mwft.example>\r\nTo: govbot@mmn.example\r\nSubject: Re: [B1-ABCDEFGH] Vote\r\nMessage-ID: <r1@mwft.example>\r\nIn-Reply-To: <govbot.x.b1-abcdefgh@mmn.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nเห็นด้วย ค่ะ\r\n\r\nOn Mon, 1 Mar 2027 MMN govbot <govbot@mmn.example> wrote:\r\n> YES / NO / ABSTAIN\r\n")
	var r map[string]any
	if err := json.Unmarshal([]byte(h.mustRun(t, "inspect", eml, "--json")), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"from", "subject", "message_id", "in_reply_to", "reply_text", "language", "answer", "reasons", "fields", "attachments"} {
		if _, ok := r[k]; !ok {
			t.Errorf("no %q in inspect --json", k)
		}
	}
	if r["answer"] != "yes" || r["language"] != "th" || r["from"] != "somchai@mwft.example" || strings.Contains(r["reply_text"].(string), "ABSTAIN") {
		t.Errorf("inspect: %v", r)
	}
	form := h.file(t, "form.eml", "From: an@myc.example\r\nSubject: application\r\n\r\nApplication for Regular Membership\r\n\r\nName of organization: Mekong Youth Centre\r\nCountry: Vietnam\r\n")
	out := h.mustRun(t, "inspect", form)
	if !strings.Contains(out, "Form:        regular") || !strings.Contains(out, "Mekong Youth Centre") || !strings.Contains(out, "missing:") {
		t.Errorf("inspect of a form:\n%s", out)
	}
}
