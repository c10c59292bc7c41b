package render

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/templates"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the templates")

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(templates.FS, Options{Location: loc, Network: "Test Network", Marker: answer.Marker})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEveryKindIsTranslated: each language has every kind that English has. (A
// kind without a translation would be mailed in English only; none is.)
func TestEveryKindIsTranslated(t *testing.T) {
	r := newTestRenderer(t)
	for _, kind := range r.Kinds() {
		for _, lang := range gov.Languages {
			if !r.Has(lang, kind) {
				t.Errorf("%s/%s.tmpl: missing", lang, kind)
			}
		}
	}
}

// TestUnreviewedTranslationsSaySo: every translated file carries a REVIEW note
// until a native speaker has checked it and removed the note.
func TestUnreviewedTranslationsSaySo(t *testing.T) {
	var reviewed []string
	fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(p, "en/") || !strings.Contains(p, "/") {
			return err
		}
		data, _ := fs.ReadFile(templates.FS, p)
		if !strings.Contains(string(data), "REVIEW:") {
			reviewed = append(reviewed, p)
		}
		return nil
	})
	t.Logf("translations without a REVIEW note (checked by a native speaker): %v", reviewed)
}

// TestVoteWordsAreUnderstood: the local word each form shows beside YES, NO and
// ABSTAIN is read by internal/answer as that answer, alone and as a typed reply.
func TestVoteWordsAreUnderstood(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range gov.Languages {
		for _, c := range []answer.Answer{answer.Yes, answer.No, answer.Abstain} {
			w, err := r.word(lang, "vote."+string(c))
			if err != nil {
				t.Fatal(err)
			}
			for _, reply := range []string{w, strings.ToUpper(string(c)) + " / " + w} {
				if got := answer.Parse(reply, answer.KindVote); got.Answer != c {
					t.Errorf("%s: %q parses as %q (ambiguous %v), want %q", lang, reply, got.Answer, got.Ambiguous, c)
				}
			}
		}
	}
}

// TestRepliesAboveTheFormCountOnlyWhatWasTyped: a member who types a local word
// above the quoted form (which lists every option) votes that word.
func TestRepliesAboveTheFormCountOnlyWhatWasTyped(t *testing.T) {
	r := newTestRenderer(t)
	data := sampleData(t)
	for _, lang := range gov.Languages {
		got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: lang, Data: data["ballot_form"]})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Text, answer.Marker(lang)+"\n") {
			t.Errorf("%s: the form does not start with the marker:\n%.200s", lang, got.Text)
		}
		if strings.Count(got.Text, "##-") != 1 {
			t.Errorf("%s: want exactly one marker in the form", lang)
		}
		no, _ := r.word(lang, "vote.no")
		reply := no + "\n\nOn Mon, 1 Mar 2027 at 09:00, Govbot <bot@mmn.example> wrote:\n> " + strings.ReplaceAll(strings.TrimSpace(got.Text), "\n", "\n> ")
		if p := answer.Parse(answer.ReplyText(reply), answer.KindVote); p.Answer != answer.No {
			t.Errorf("%s: a reply %q above the quoted form parses as %q", lang, no, p.Answer)
		}
		// unquoted, as some webmail sends it
		if p := answer.Parse(answer.ReplyText(no+"\n\n"+got.Text), answer.KindVote); p.Answer != answer.No {
			t.Errorf("%s: a reply %q above the unquoted form parses as %q", lang, no, p.Answer)
		}
	}
}

func TestDatesInTheMembersLanguage(t *testing.T) {
	r := newTestRenderer(t)
	closes := time.Date(2027, 3, 16, 0, 0, 0, 0, r.opts.Location) // exclusive end of Monday 15 March
	want := map[string]string{
		"en": "Monday 15 March 2027",
		"th": "วันจันทร์ที่ 15 มีนาคม 2027",
		"vi": "Thứ Hai, ngày 15 tháng 3 năm 2027",
		"zh": "2027年3月15日（星期一）",
		"km": "ថ្ងៃច័ន្ទ ទី15 ខែមីនា ឆ្នាំ2027",
		"lo": "ວັນຈັນ ທີ 15 ມີນາ 2027",
		"my": "တနင်္လာနေ့၊ 2027 ခုနှစ် မတ်လ 15 ရက်",
	}
	for lang, w := range want {
		date := r.funcs(lang)["date"].(func(time.Time) (string, error))
		if got, err := date(closes); err != nil || got != w {
			t.Errorf("%s: date = %q, %v; want %q", lang, got, err, w)
		}
	}
}

func TestResultShowsCountsQuorumAndChart(t *testing.T) {
	r := newTestRenderer(t)
	for _, lang := range gov.Languages {
		got, err := r.Render(gov.Mail{Kind: "ballot_result_members", Lang: lang, Data: sampleData(t)["ballot_result_members"]})
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Quorum 6 of 10 reached (7 forms returned)", "YES: 4", "NO: 2", "ABSTAIN: 1", "CARRIED"} {
			if !strings.Contains(got.Text, want) {
				t.Errorf("%s: text lacks %q", lang, want)
			}
		}
		if !strings.Contains(got.HTML, "border-right:3px solid #000000") || strings.Count(got.HTML, "width:40%;background:#2e7d32") != 1 {
			t.Errorf("%s: HTML lacks the bars or the quorum line", lang)
		}
		if !strings.Contains(got.Subject, "CARRIED") {
			t.Errorf("%s: subject %q lacks the English outcome", lang, got.Subject)
		}
	}
}

// TestHTMLIsMailSafe: inline styles only, no scripts, no remote resources, and no
// control characters of the block markup left over.
func TestHTMLIsMailSafe(t *testing.T) {
	r := newTestRenderer(t)
	for kind, d := range sampleData(t) {
		for _, lang := range gov.Languages {
			got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: d})
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"<style", "<script", "<img", "<link", "http://", "https://", blockMark, fieldSep, lineSep} {
				if strings.Contains(got.HTML, bad) || (len(bad) == 1 && strings.Contains(got.Text, bad)) {
					t.Errorf("%s/%s: %q in the output", lang, kind, bad)
				}
			}
		}
	}
}

func TestMemberTextIsEscapedInHTML(t *testing.T) {
	r := newTestRenderer(t)
	d := sampleData(t)["ballot_form"].(gov.FormData)
	d.Ballot.Question = "Adopt <b>this</b> & that?\nSecond line"
	got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: "th", Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.HTML, "<b>this</b>") || !strings.Contains(got.HTML, "Adopt &lt;b&gt;this&lt;/b&gt; &amp; that?<br>Second line") {
		t.Errorf("question not escaped in HTML")
	}
	if !strings.Contains(got.Text, "Adopt <b>this</b> & that?\nSecond line") {
		t.Errorf("question not kept as typed in text")
	}
}

func TestOverrideDirectoryReplacesAWordsFile(t *testing.T) {
	th, _ := fs.ReadFile(templates.FS, "th/words.txt")
	override := fstestMap{"th/words.txt": strings.Replace(string(th), "month.3 = มีนาคม", "month.3 = มี.ค.", 1)}
	r, err := New(templates.FS, Options{Override: override.FS()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: "th", Data: sampleData(t)["ballot_form"]})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got.Subject, "15 มี.ค. 2027") {
		t.Errorf("override words not used: %q", got.Subject)
	}
	// An override that drops a key is refused at start, naming the file and key.
	bad := fstestMap{"th/words.txt": "vote.yes = เห็นด้วย\n"}
	if _, err := New(templates.FS, Options{Override: bad.FS()}); err == nil || !strings.Contains(err.Error(), "th/words.txt: missing") {
		t.Errorf("err = %v, want th/words.txt: missing …", err)
	}
}

// goldenKinds: the language of a kind's golden file where it is not English, so
// that the golden files show the translations too. Every kind has one.
var goldenKinds = map[string]string{
	"ballot_form": "th", "ballot_reminder": "km", "vote_receipt": "vi", "refusal": "lo",
	"ballot_result_members": "my", "refusal_ambiguous": "zh",
	"case_notice": "th", "reconfirm_form": "vi", "seat_recommend": "my", "gc_notice": "km",
	"opinion_receipt": "zh", "contact_confirm": "lo",
	// The mails of an options ballot (optionMails, options_test.go).
	"ballot_form_options": "km", "vote_receipt_options": "th", "ballot_result_members_options": "zh",
	"refusal_options": "vi",
}

func goldenLang(name string) string {
	if l, ok := goldenKinds[name]; ok {
		return l
	}
	return "en"
}

func goldenMail(t *testing.T, name string) gov.Mail {
	data := sampleData(t)
	if name == "refusal_ambiguous" {
		d := data["refusal"].(gov.RefusalData)
		d.Code, d.Reason = gov.RefuseAmbiguous, "your reply holds more than one answer; please reply with only one of YES, NO or ABSTAIN"
		return gov.Mail{Kind: "refusal", Lang: goldenLang(name), Data: d}
	}
	if m, ok := optionMails(t)[name]; ok {
		m.Lang = goldenLang(name)
		return m
	}
	return gov.Mail{Kind: name, Lang: goldenLang(name), Data: data[name]}
}

// TestGolden compares one mail of each kind with testdata/golden/<kind>.txt
// (subject, text part) and .html. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	r := newTestRenderer(t)
	names := append(r.Kinds(), "refusal_ambiguous")
	names = append(names, optionMailNames(t)...)
	sort.Strings(names)
	var doc strings.Builder
	doc.WriteString(mailsIntro)
	for _, name := range names {
		got, err := r.Render(goldenMail(t, name))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&doc, "\n## %s (%s)\n\nThe text part, as a member whose roster language is %s receives it; the HTML part shows the same text with a heading, boxed answers and the deadline highlighted ([testdata/golden/%s.html](testdata/golden/%s.html)).\n\n```\nSubject: %s\n\n%s```\n", name, goldenLang(name), goldenLang(name), name, name, got.Subject, got.Text)
		for ext, content := range map[string]string{".txt": "Subject: " + got.Subject + "\n\n" + got.Text, ".html": got.HTML} {
			file := filepath.Join("testdata", "golden", name+ext)
			if *update {
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if string(want) != content {
				t.Errorf("%s differs from the templates' output; if intended, run go test ./internal/render -run TestGolden -update and review the diff", file)
			}
		}
	}
	if *update {
		if err := os.WriteFile("MAILS.md", []byte(doc.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const mailsIntro = `# The mails govbot sends

One example of each kind of mail, generated from the templates with sample data by
` + "`go test ./internal/render -run TestGolden -update`" + ` (which also rewrites
testdata/golden/). Each mail is multipart/alternative: this text part, and an HTML part
with the same words (inline styles only, no images or links; every action is a reply).

A member gets its roster language first and the English text below it. Members and the
Secretariat can fix wording in templates/<lang>/<kind>.tmpl and templates/<lang>/words.txt
(month and weekday names, date pattern, vote words, outcome words), or override any of
those files from the directory named by the config key templates.dir. Translations
marked "REVIEW: machine-drafted" have not yet been checked by a native speaker.

Sample data: ballot B1 "Adopt the plan", closing at the end of Monday 15 March 2027
(Asia/Bangkok), 10 voters, quorum 6; result YES 4, NO 2, ABSTAIN 1. Application A1 from
Mekong Youth Centre (Vietnam): its documents all received on Monday 15 February 2027,
members' opinions until the end of 15 March, the SC's decision due by the end of 15
August; the SC (6 voting seats, quorum 4) accepts it with YES 4, NO 1. Nomination N1 of
Border Schools Group for the Thailand seat, whose new term runs from 1 June 2027 to 31 May
2029 (ToP 7.2.15). Re-confirmation for 2026 due by the end of 30 November 2026. The
mails named *_options are those of ballot B2 "Venue of the 2028 General Conference", a
question with options (Bangkok, Phnom Penh, Vientiane, and ABSTAIN), closing the same day.
Screenshots at phone width: ` + "`GOVBOT_SCREENSHOTS=1 go test ./internal/render -run TestScreenshots -v`" + `
(needs the Debian packages chromium and fonts-noto-core).
`

// TestScreenshots renders the HTML of each kind in headless Chromium at phone
// width, for a person to look at. It runs only with GOVBOT_SCREENSHOTS=1 and
// chromium installed; GOVBOT_SCREENSHOTS_DIR names the output directory.
func TestScreenshots(t *testing.T) {
	if os.Getenv("GOVBOT_SCREENSHOTS") != "1" {
		t.Skip("set GOVBOT_SCREENSHOTS=1 to take screenshots")
	}
	bin, err := osexec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install chromium fonts-noto-core)")
	}
	dir := os.Getenv("GOVBOT_SCREENSHOTS_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "govbot-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newTestRenderer(t)
	shots := map[string]gov.Mail{}
	for _, name := range append(append(r.Kinds(), "refusal_ambiguous"), optionMailNames(t)...) {
		shots[name] = goldenMail(t, name)
	}
	for _, lang := range []string{"en", "th", "km", "lo", "my", "vi", "zh"} {
		shots["ballot_form_"+lang] = gov.Mail{Kind: "ballot_form", Lang: lang, Data: sampleData(t)["ballot_form"]}
	}
	noQuorum := sampleData(t)["ballot_result_sc"].(gov.ResultData)
	noQuorum.Tally = gov.Tally{Count: gov.Count{Yes: 2, No: 1, Abstain: 0}, QuorumBase: 10, QuorumRequired: 6, Outcome: gov.OutcomeNoQuorum}
	shots["ballot_result_sc_no_quorum"] = gov.Mail{Kind: "ballot_result_sc", Lang: "en", Data: noQuorum}
	for name, m := range shots {
		got, err := r.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		html := filepath.Join(dir, name+".html")
		if err := os.WriteFile(html, []byte(got.HTML), 0o644); err != nil {
			t.Fatal(err)
		}
		profile := t.TempDir()
		png := filepath.Join(dir, name+".png")
		abs, _ := filepath.Abs(html)
		cmd := osexec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
			"--user-data-dir="+profile, "--window-size=375,1600", "--screenshot="+png, "file://"+abs)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: chromium: %v\n%s", name, err, out)
			continue
		}
		if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("%s: no screenshot", name)
		}
	}
	t.Logf("screenshots (375 px wide) in %s", dir)
}

// TestTermsInEveryLanguage: every application kind, case stage and contact role
// the program can put in a mail has its words in every language's words.txt, so
// that {{term …}} never falls back to English in a translated mail.
func TestTermsInEveryLanguage(t *testing.T) {
	r := newTestRenderer(t)
	terms := map[string][]string{
		"kind":  {gov.AppRegular, gov.AppAssociateOrg, gov.AppAssociateIndividual},
		"state": {string(gov.CaseUnconfirmed), string(gov.CaseIncomplete), string(gov.CaseOpinions), string(gov.CaseSCVote), string(gov.CaseSCPending), string(gov.CaseAccepted), string(gov.CaseRefused), string(gov.CaseWithdrawn)},
		"role":  {"contact", "alternate"},
	}
	for _, lang := range gov.Languages {
		for group, values := range terms {
			for _, v := range values {
				if w, err := r.word(lang, group+"."+v); err != nil || w == "" {
					t.Errorf("%s/words.txt: no %s.%s", lang, group, v)
				}
			}
		}
	}
	if got, want := gov.KindLabel(gov.AppRegular), mustWord(t, r, "en", "kind.regular"); got != want {
		t.Errorf("English kind.regular %q differs from gov.KindLabel %q", want, got)
	}
}

func mustWord(t *testing.T, r *Renderer, lang, key string) string {
	t.Helper()
	w, err := r.word(lang, key)
	if err != nil {
		t.Fatal(err)
	}
	return w
}
