package render

import (
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
)

// The mails of a question with options (rules.md §E): ballot B2 "Venue of the
// 2028 General Conference", Bangkok, Phnom Penh or Vientiane, closing at the end
// of Monday 15 March 2027 like B1. Ten voters, quorum 6; at the close 2 chose
// Bangkok, 4 Phnom Penh, none Vientiane and 1 ABSTAINED: 7 forms returned, and
// Phnom Penh has 4 of the 6 votes given for options, more than half.

var venues = []string{"Bangkok", "Phnom Penh", "Vientiane"}

func optionsBallot(rule gov.OptionRule) gov.BallotView {
	loc, _ := time.LoadLocation("Asia/Bangkok")
	closes := time.Date(2027, 3, 16, 0, 0, 0, 0, loc)
	return gov.BallotView{ID: "B2", Title: "Venue of the 2028 General Conference", Question: "Where should the 2028 General Conference be held?",
		Electorate: gov.ElectorateMembers, ClosesAt: closes, ClosesOn: "2027-03-15", ElectorateSize: 10, QuorumRequired: 6,
		Fingerprint: "abcdef0123456789", Options: venues, Rule: rule}
}

func optionsVoter() gov.Voter {
	return gov.Voter{OrgID: "th-mwf", Name: "Migrant Workers Foundation", Country: "Thailand", Language: "th", Addresses: []string{"a@x.example"}, Token: "B2-ABCDEFGH"}
}

// optionsTally is B2's count: votes per option, ABSTAIN, and what the rule made
// of it.
func optionsTally(options []int, abstain int, outcome gov.Outcome, winner int) gov.Tally {
	c := gov.Count{Abstain: abstain, Options: options}
	return gov.Tally{Count: c, QuorumBase: 10, QuorumRequired: 6, QuorumMet: c.Returned() >= 6, Outcome: outcome, Winner: winner}
}

// optionsLines: who chose what on B2 (Bangkok 2, Phnom Penh 4, ABSTAIN 1, three
// without an answer).
func optionsLines() []gov.ResultLine {
	choices := []gov.Choice{gov.OptionChoice(2), gov.OptionChoice(1), gov.OptionChoice(2), gov.OptionChoice(2), gov.OptionChoice(1), gov.OptionChoice(2), gov.Abstain, "", "", ""}
	lines := resultLines()
	for i := range lines {
		lines[i].Choice = choices[i]
	}
	return lines
}

// optionMails are the mails of B2 that the golden files show (named
// <kind>_options), each kind of mail of a ballot with its options.
func optionMails(t *testing.T) map[string]gov.Mail {
	t.Helper()
	b, v := optionsBallot(gov.OptionMajority), optionsVoter()
	chosen := optionsTally([]int{2, 4, 0}, 1, gov.OutcomeChosen, 2)
	recorded := b.ClosesAt.Add(-48 * time.Hour)
	return map[string]gov.Mail{
		"ballot_form_options":     {Kind: "ballot_form", Data: gov.FormData{Ballot: b, Voter: v, Token: v.Token}},
		"ballot_reminder_options": {Kind: "ballot_reminder", Data: gov.FormData{Ballot: optionsBallot(gov.OptionPlurality), Voter: v, Token: v.Token, Reminder: 2}},
		"vote_receipt_options": {Kind: "vote_receipt", Data: gov.ReceiptData{Ballot: b, Voter: v, Choice: gov.OptionChoice(2), RecordedAt: recorded,
			Replaced: gov.OptionChoice(1), Option: "Phnom Penh", ReplacedOption: "Bangkok", Line: "2 (Phnom Penh)"}},
		"ballot_opened_options":         {Kind: "ballot_opened", Data: gov.OpenedData{Ballot: b, Voters: electorate()}},
		"ballot_result_members_options": {Kind: "ballot_result_members", Data: gov.ResultData{Ballot: b, Tally: chosen}},
		"ballot_result_sc_options":      {Kind: "ballot_result_sc", Data: gov.ResultData{Ballot: b, Tally: chosen, Lines: optionsLines(), AuditHead: sampleAuditHead}},
		"refusal_options": {Kind: "refusal", Data: gov.RefusalData{Code: gov.RefuseAmbiguous, Ballot: &b, Subject: "Re: [B2-ABCDEFGH] Venue of the 2028 General Conference",
			Reason: "we could not tell which option your reply chooses; please reply with only the number of one option (1 to 3), or ABSTAIN"}},
	}
}

func optionMailNames(t *testing.T) []string {
	var names []string
	for name := range optionMails(t) {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// allOptionMails are optionMails and the other states of B2 a mail can show:
// each outcome under each rule, a receipt for ABSTAIN, the other refusal, the
// digest while B2 is open.
func allOptionMails(t *testing.T) map[string]gov.Mail {
	t.Helper()
	mails := optionMails(t)
	v := optionsVoter()
	for _, rule := range []gov.OptionRule{gov.OptionMajority, gov.OptionPlurality} {
		b := optionsBallot(rule)
		for name, tally := range map[string]gov.Tally{
			"chosen":      optionsTally([]int{2, 4, 0}, 1, gov.OutcomeChosen, 2),
			"no_decision": optionsTally([]int{3, 3, 0}, 1, gov.OutcomeNoDecision, 0),
			"no_quorum":   optionsTally([]int{1, 2, 0}, 1, gov.OutcomeNoQuorum, 0),
		} {
			for _, kind := range []string{"ballot_result_members", "ballot_result_sc"} {
				mails[kind+" "+string(rule)+" "+name] = gov.Mail{Kind: kind, Data: gov.ResultData{Ballot: b, Tally: tally, Lines: optionsLines()}}
			}
		}
		mails["ballot_form "+string(rule)] = gov.Mail{Kind: "ballot_form", Data: gov.FormData{Ballot: b, Voter: v, Token: v.Token}}
		mails["ballot_opened "+string(rule)] = gov.Mail{Kind: "ballot_opened", Data: gov.OpenedData{Ballot: b, Voters: electorate()}}
	}
	b := optionsBallot(gov.OptionMajority)
	mails["vote_receipt abstain"] = gov.Mail{Kind: "vote_receipt", Data: gov.ReceiptData{Ballot: b, Voter: v, Choice: gov.Abstain, RecordedAt: b.ClosesAt.Add(-time.Hour),
		Replaced: gov.OptionChoice(3), ReplacedOption: "Vientiane", Line: "ABSTAIN"}}
	mails["vote_receipt first"] = gov.Mail{Kind: "vote_receipt", Data: gov.ReceiptData{Ballot: b, Voter: v, Choice: gov.OptionChoice(1), Option: "Bangkok", RecordedAt: b.ClosesAt.Add(-time.Hour)}}
	mails["refusal no_answer"] = gov.Mail{Kind: "refusal", Data: gov.RefusalData{Code: gov.RefuseNoAnswer, Ballot: &b,
		Reason: "we found no choice in your reply; please reply with the number of one option (1 to 3), or ABSTAIN, above the quoted text"}}
	digest := sampleData(t)["sc_digest"].(gov.DigestData)
	digest.Ballots = []gov.DigestBallot{{Ballot: b, Tally: optionsTally([]int{2, 3, 0}, 1, gov.OutcomeOpen, 0), DaysLeft: 7, Missing: notAnswered(v)}}
	mails["sc_digest"] = gov.Mail{Kind: "sc_digest", Data: digest}
	return mails
}

func sortedNames(m map[string]gov.Mail) []string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestOptionsBallotMailsRenderInEveryLanguage: every mail of an options ballot,
// in every state, renders in every language without a fault: no error, the
// English text below a translation, no labelled line without its value, no
// option shown as the program's value ("OPTION2"), no YES or NO to type, and
// hostile or odd data changes nothing of that.
func TestOptionsBallotMailsRenderInEveryLanguage(t *testing.T) {
	r := newTestRenderer(t)
	mails := allOptionMails(t)
	for _, name := range sortedNames(mails) {
		for _, lang := range gov.Languages {
			m := mails[name]
			m.Lang = lang
			got, err := r.Render(m)
			if err != nil {
				t.Errorf("%s/%s: %v", lang, name, err)
				continue
			}
			if got.Degraded != nil {
				t.Errorf("%s/%s: Degraded = %v", lang, name, got.Degraded)
			}
			if got.Subject == "" || strings.ContainsAny(got.Subject, "\r\n") {
				t.Errorf("%s/%s: subject %q", lang, name, got.Subject)
			}
			if lang != "en" && !strings.Contains(got.Text, "---- English ----") {
				t.Errorf("%s/%s: no English text below the translation", lang, name)
			}
			for _, l := range EmptyLabels(got.Subject + "\n\n" + got.Text) {
				t.Errorf("%s/%s: %q", lang, name, l)
			}
			all := got.Subject + "\n" + got.Text + "\n" + got.HTML
			for _, bad := range []string{"OPTION1", "OPTION2", "OPTION3", "option1", "option2", "option3", "<no value>", "%!"} {
				if strings.Contains(all, bad) {
					t.Errorf("%s/%s: %q in the mail:\n%s", lang, name, bad, got.Text)
				}
			}
			yes := mustWord(t, r, lang, "vote.yes")
			for _, w := range []string{"  YES", "  " + yes, ">YES<", ">" + yes + "<", "YES:", "NO:", "YES, NO"} {
				if strings.Contains(got.Text+got.HTML, w) && m.Kind != "sc_digest" {
					t.Errorf("%s/%s: %q, a YES/NO answer, in an options ballot's mail", lang, name, w)
				}
			}
			for _, bad := range []string{blockMark, fieldSep, lineSep} {
				if strings.Contains(got.Text+got.HTML, bad) {
					t.Errorf("%s/%s: block markup %q in the output", lang, name, bad)
				}
			}
		}
	}
}

// TestOptionsBallotMailsWithHostileData: poisoned strings in an options
// ballot's data (its options' texts, the quoted reply line) render exactly as
// the clean data does; odd values never fail a render.
func TestOptionsBallotMailsWithHostileData(t *testing.T) {
	r := newTestRenderer(t)
	poison := strings.Join(markers, "")
	mails := allOptionMails(t)
	for _, name := range sortedNames(mails) {
		m := mails[name]
		hostile := m
		hostile.Data = mapStrings(m.Data, func(_ reflect.Type, s string) string {
			if s == "" {
				return poison
			}
			return poison + s + poison
		})
		for _, lang := range []string{"en", "th", "my"} {
			m.Lang, hostile.Lang = lang, lang
			want, err := r.Render(m)
			if err != nil {
				t.Fatalf("%s/%s: %v", lang, name, err)
			}
			got, err := r.Render(hostile)
			if err != nil || got.Degraded != nil {
				t.Errorf("%s/%s: err %v, Degraded %v", lang, name, err, got.Degraded)
				continue
			}
			if got.Subject != want.Subject || got.Text != want.Text || got.HTML != want.HTML {
				t.Errorf("%s/%s: the hostile data renders differently from the clean data:\n%s\n----\n%s", lang, name, got.Text, want.Text)
			}
			for _, o := range []string{"", "maybe", "option7", strings.Repeat("ក្រុម", 300)} {
				odd := m
				odd.Data = mapStrings(m.Data, func(reflect.Type, string) string { return o })
				if got, err := r.Render(odd); err != nil || got.Degraded != nil {
					t.Errorf("%s/%s with odd value %q: err %v, Degraded %v", lang, name, o, err, got.Degraded)
				}
			}
		}
	}
}

// TestOptionsFormListsEveryOption: the text part of the voting form and of the
// reminder lists each option with its number, then ABSTAIN, in the member's
// language and in the English below it, says how to answer and states the rule.
func TestOptionsFormListsEveryOption(t *testing.T) {
	r := newTestRenderer(t)
	for _, rule := range []gov.OptionRule{gov.OptionMajority, gov.OptionPlurality} {
		b, v := optionsBallot(rule), optionsVoter()
		for _, kind := range []string{"ballot_form", "ballot_reminder"} {
			for _, lang := range gov.Languages {
				got, err := r.Render(gov.Mail{Kind: kind, Lang: lang, Data: gov.FormData{Ballot: b, Voter: v, Token: v.Token, Reminder: 2}})
				if err != nil {
					t.Fatalf("%s/%s: %v", lang, kind, err)
				}
				parts := strings.SplitN(got.Text, "---- English ----", 2)
				for i, part := range parts {
					list := "  1. Bangkok\n  2. Phnom Penh\n  3. Vientiane\n  " + answerWords(t, r, lang, i, "abstain") + "  – "
					if !strings.Contains(part, list) {
						t.Errorf("%s/%s (%s, part %d): the text part does not list every option, then ABSTAIN:\n%s", lang, kind, rule, i, part)
					}
				}
				english := parts[len(parts)-1]
				wantRule := map[gov.OptionRule]string{
					gov.OptionMajority:  "an option is chosen when it has more than half of the votes given for options",
					gov.OptionPlurality: "the option with the most votes is chosen; if two or more options share the most votes, there is no decision",
				}[rule]
				for _, want := range []string{"the number of your choice (or its name), or ABSTAIN", wantRule} {
					if !strings.Contains(english, want) {
						t.Errorf("%s/%s (%s): the English text lacks %q", lang, kind, rule, want)
					}
				}
				// In the HTML, each option is a boxed number beside its text.
				for _, o := range []string{">1</span></td>", ">Phnom Penh</td>"} {
					if !strings.Contains(got.HTML, o) {
						t.Errorf("%s/%s: the HTML lacks %q", lang, kind, o)
					}
				}
			}
		}
	}
}

// answerWords is how the form's text part shows the answer word c: the English
// word and the local one in a translation (part 0 of a translated mail).
func answerWords(t *testing.T, r *Renderer, lang string, part int, c string) string {
	en := strings.ToUpper(c)
	if lang == "en" || part > 0 {
		return en
	}
	if local := mustWord(t, r, lang, "vote."+c); local != en {
		return en + " / " + local
	}
	return en
}

// TestOptionsReplyAboveTheForm: a member who types an option's number (in its
// own script too) or ABSTAIN above the quoted form, or above the form a webmail
// sends unquoted, chooses that and only that: the form's list of options and
// its rule sentence are never read as the answer.
func TestOptionsReplyAboveTheForm(t *testing.T) {
	r := newTestRenderer(t)
	digits := map[string]string{"th": "๒", "lo": "໒", "km": "២", "my": "၂", "zh": "2", "vi": "2", "en": "2"}
	for _, lang := range gov.Languages {
		for _, rule := range []gov.OptionRule{gov.OptionMajority, gov.OptionPlurality} {
			b, v := optionsBallot(rule), optionsVoter()
			got, err := r.Render(gov.Mail{Kind: "ballot_form", Lang: lang, Data: gov.FormData{Ballot: b, Voter: v, Token: v.Token}})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Count(got.Text, "##-") != 1 {
				t.Errorf("%s: want exactly one marker in the form", lang)
			}
			abstain := mustWord(t, r, lang, "vote.abstain")
			for typed, want := range map[string]answer.Result{
				"2":          {Option: 2},
				digits[lang]: {Option: 2},
				"Vientiane":  {Option: 3},
				abstain:      {Answer: answer.Abstain},
			} {
				quoted := typed + "\n\nOn Mon, 1 Mar 2027 at 09:00, Govbot <bot@mmn.example> wrote:\n> " + strings.ReplaceAll(strings.TrimSpace(got.Text), "\n", "\n> ")
				for how, reply := range map[string]string{"quoted": quoted, "unquoted": typed + "\n\n" + got.Text} {
					p := answer.ParseOption(answer.ReplyText(reply), venues)
					if p.Option != want.Option || p.Answer != want.Answer || p.Ambiguous {
						t.Errorf("%s (%s): %q above the %s form reads as option %d, answer %q (ambiguous %v: %s); want option %d, answer %q",
							lang, rule, typed, how, p.Option, p.Answer, p.Ambiguous, p.Rule, want.Option, want.Answer)
					}
				}
			}
		}
	}
}

// TestOptionsReceiptNamesTheOption: the receipt names the option chosen and the
// one it replaces by number and text, quotes the line it was read from, and
// says how to change it on an options ballot.
func TestOptionsReceiptNamesTheOption(t *testing.T) {
	r := newTestRenderer(t)
	m := optionMails(t)["vote_receipt_options"]
	for _, lang := range gov.Languages {
		m.Lang = lang
		got, err := r.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		english := got.Text[strings.LastIndex(got.Text, "---- English ----")+1:]
		if lang == "en" {
			english = got.Text
		}
		for _, want := range []string{
			"RECEIPT – your vote is recorded: option 2 – Phnom Penh",
			"We understood your reply as option 2 – Phnom Penh to this question:",
			`We read it from this line of your reply: "2 (Phnom Penh)"`,
			"This replaces your organisation's earlier answer (option 1 – Bangkok).",
			"reply again to the voting form with the number of an option, or ABSTAIN.",
		} {
			if !strings.Contains(english, want) {
				t.Errorf("%s: the English text lacks %q:\n%s", lang, want, english)
			}
		}
		for _, want := range []string{"Phnom Penh", "Bangkok", "2 (Phnom Penh)"} {
			if first := strings.SplitN(got.Text, "---- English ----", 2)[0]; !strings.Contains(first, want) {
				t.Errorf("%s: the translation lacks %q", lang, want)
			}
		}
		if !strings.Contains(got.Subject, "2") || strings.Contains(strings.ToUpper(got.Subject), "OPTION2") {
			t.Errorf("%s: subject %q does not name option 2", lang, got.Subject)
		}
	}
}

// TestYesNoReceiptQuotesTheLine: a YES/NO receipt, too, quotes the line of the
// reply its answer was read from, and leaves the sentence out when there is none.
func TestYesNoReceiptQuotesTheLine(t *testing.T) {
	r := newTestRenderer(t)
	d := sampleData(t)["vote_receipt"].(gov.ReceiptData)
	for _, lang := range gov.Languages {
		got, err := r.Render(gov.Mail{Kind: "vote_receipt", Lang: lang, Data: d})
		if err != nil {
			t.Fatal(err)
		}
		if want := `We read it from this line of your reply: "` + d.Line + `"`; !strings.Contains(got.Text, want) {
			t.Errorf("%s: the receipt lacks %q", lang, want)
		}
		if strings.Count(got.Text, d.Line) != 2 && lang != "en" {
			t.Errorf("%s: the translation does not quote the line", lang)
		}
		noLine := d
		noLine.Line = ""
		got, err = r.Render(gov.Mail{Kind: "vote_receipt", Lang: lang, Data: noLine})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got.Text, "this line of your reply") || strings.Contains(got.Text, `""`) || strings.Contains(got.Text, "“”") {
			t.Errorf("%s: a receipt without a line still mentions it:\n%s", lang, got.Text)
		}
	}
}

// TestOptionsResultShowsCountsAndChart: the results show each option's votes
// and share, ABSTAIN, the forms returned, the quorum and what was decided; the
// SC's names each organisation's option; the chart has one bar per option, the
// chosen one green, then ABSTAIN and no answer.
func TestOptionsResultShowsCountsAndChart(t *testing.T) {
	r := newTestRenderer(t)
	mails := allOptionMails(t)
	for _, name := range []string{"ballot_result_members_options", "ballot_result_sc_options"} {
		for _, lang := range gov.Languages {
			m := mails[name]
			m.Lang = lang
			got, err := r.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"1. Bangkok: 2 (29%)", "2. Phnom Penh: 4 (57%) – chosen", "3. Vientiane: 0 (0%)", "ABSTAIN: 1 (14%)",
				"Forms returned: 7 of 10", "Quorum 6 of 10 reached (7 forms returned)", "Phnom Penh is chosen: it has more than half of the votes given for options."} {
				if !strings.Contains(got.Text, want) {
					t.Errorf("%s/%s: text lacks %q", lang, name, want)
				}
			}
			if !strings.Contains(got.Subject, "CHOSEN") || !strings.Contains(got.Subject, "Phnom Penh") {
				t.Errorf("%s/%s: subject %q lacks the English outcome or the chosen option", lang, name, got.Subject)
			}
			for _, want := range []string{"1. Bangkok", "2. Phnom Penh", "3. Vientiane", answerWords(t, r, lang, 0, "abstain"), mustWord(t, r, lang, "chart.no_answer")} {
				if !strings.Contains(got.HTML, want+` <span style="float:right;">`) {
					t.Errorf("%s/%s: the chart has no bar %q", lang, name, want)
				}
			}
			if strings.Count(got.HTML, "background:#2e7d32;height:20px") != 1 || strings.Contains(got.HTML, "#c62828;height") {
				t.Errorf("%s/%s: want one green bar (the chosen option) and no red one", lang, name)
			}
			if name == "ballot_result_sc_options" {
				for _, want := range []string{"Migrant Workers Foundation (Thailand): 2. Phnom Penh", "Border Schools Group (Thailand): 1. Bangkok",
					"Yunnan Health Service (Yunnan/Guangxi/China): ABSTAIN", "Women's Solidarity Network (Cambodia): -"} {
					if !strings.Contains(got.Text, want) {
						t.Errorf("%s/%s: text lacks %q", lang, name, want)
					}
				}
			}
		}
	}
	for name, want := range map[string]string{
		"ballot_result_members majority no_decision":  "No option is chosen: none has more than half of the votes given for options.",
		"ballot_result_members plurality no_decision": "No option is chosen: two or more options share the most votes.",
		"ballot_result_members plurality chosen":      "Phnom Penh is chosen: it has the most votes.",
		"ballot_result_members majority no_quorum":    "Too few forms were returned, so the ballot has no result.",
		"ballot_result_sc plurality no_decision":      "No option is chosen: two or more options share the most votes.",
	} {
		got, err := r.Render(mails[name])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.Text, want) {
			t.Errorf("%s: text lacks %q:\n%s", name, want, got.Text)
		}
	}
}

// TestOptionsDigestShowsCountsSoFar: the SC's digest gives an open options
// ballot's votes so far, option by option.
func TestOptionsDigestShowsCountsSoFar(t *testing.T) {
	r := newTestRenderer(t)
	m := allOptionMails(t)["sc_digest"]
	for _, lang := range gov.Languages {
		m.Lang = lang
		got, err := r.Render(m)
		if err != nil {
			t.Fatal(err)
		}
		if want := "So far: 1. Bangkok: 2, 2. Phnom Penh: 3, 3. Vientiane: 0, ABSTAIN: 1; 6 of 10 returned, quorum 6 (reached)"; !strings.Contains(got.Text, want) {
			t.Errorf("%s: the digest lacks %q", lang, want)
		}
		if first := strings.SplitN(got.Text, "---- English ----", 2)[0]; !strings.Contains(first, "2. Phnom Penh: 3") {
			t.Errorf("%s: the translation lacks the option counts", lang)
		}
	}
}

// TestOptionsRefusalListsTheOptions: a refusal of an unclear answer to an
// options ballot lists its options and ABSTAIN to type again, never YES or NO.
func TestOptionsRefusalListsTheOptions(t *testing.T) {
	r := newTestRenderer(t)
	mails := allOptionMails(t)
	for _, name := range []string{"refusal_options", "refusal no_answer"} {
		for _, lang := range gov.Languages {
			m := mails[name]
			m.Lang = lang
			got, err := r.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got.Text, "  1. Bangkok\n  2. Phnom Penh\n  3. Vientiane\n  "+answerWords(t, r, lang, 0, "abstain")) {
				t.Errorf("%s/%s: the refusal does not list the options:\n%s", lang, name, got.Text)
			}
		}
	}
}
