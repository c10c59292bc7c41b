package render

import (
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
)

// formMails are the mails that list answers to type ({{option}} lines), each
// with the kind of answer its reader expects.
func formMails(t *testing.T) map[string]struct {
	mail gov.Mail
	kind answer.Kind
} {
	t.Helper()
	data := sampleData(t)
	out := map[string]struct {
		mail gov.Mail
		kind answer.Kind
	}{}
	add := func(name string, m gov.Mail, k answer.Kind) {
		out[name] = struct {
			mail gov.Mail
			kind answer.Kind
		}{m, k}
	}
	for _, kind := range []string{"ballot_form", "ballot_reminder"} {
		add(kind, gov.Mail{Kind: kind, Data: data[kind]}, answer.KindVote)
	}
	for _, kind := range []string{"case_notice", "opinion_reminder", "nomination_notice"} {
		add(kind, gov.Mail{Kind: kind, Data: data[kind]}, answer.KindOpinion)
	}
	rf := data["reconfirm_form"].(gov.ReconfirmData)
	add("reconfirm_form", gov.Mail{Kind: "reconfirm_form", Data: rf}, answer.KindReconfirm)
	rf.Associate = true
	add("reconfirm_form_associate", gov.Mail{Kind: "reconfirm_form", Data: rf}, answer.KindReconfirm)
	add("gc_notice", gov.Mail{Kind: "gc_notice", Data: data["gc_notice"]}, answer.KindAttend)
	for name, m := range optionMails(t) {
		if m.Kind == "ballot_form" || m.Kind == "ballot_reminder" || m.Kind == "refusal" {
			add(name, m, answer.KindVote)
		}
	}
	for _, code := range []string{gov.RefuseNoAnswer, gov.RefuseAmbiguous} {
		d := data["refusal"].(gov.RefusalData)
		d.Code = code
		add("refusal_"+code, gov.Mail{Kind: "refusal", Data: d}, answer.KindVote)
	}
	return out
}

// optionBlocks renders m's body in lang and returns its answer lines: the
// answer it names and the description beside it.
func optionBlocks(t *testing.T, r *Renderer, m gov.Mail, lang string) [][2]string {
	t.Helper()
	data, _ := cleanData(m.Data, false)
	body, err := exec(r.sets[lang+"/"+m.Kind], "body", data)
	if err != nil {
		t.Fatalf("%s/%s: %v", lang, m.Kind, err)
	}
	var out [][2]string
	for _, b := range parseBlocks(body) {
		if b.Kind != "o" {
			continue
		}
		en, _, _ := strings.Cut(b.Fields[0], " / ")
		desc := ""
		if len(b.Fields) > 1 {
			desc = b.Fields[1]
		}
		out = append(out, [2]string{strings.ToLower(en), desc})
	}
	return out
}

// TestOptionDescriptionsReadAsTheirOption (issue [after 3 of 7] item 5): a
// member who types the description printed beside an answer, or pastes it,
// gives that answer or none, never another: no description holds another
// answer's word, in any form, in any language.
func TestOptionDescriptionsReadAsTheirOption(t *testing.T) {
	r := newTestRenderer(t)
	for name, f := range formMails(t) {
		for _, lang := range gov.Languages {
			blocks := optionBlocks(t, r, f.mail, lang)
			if len(blocks) == 0 {
				t.Errorf("%s/%s: no answer lines", lang, name)
			}
			for _, b := range blocks {
				want := answer.Answer(b[0])
				if b[1] == "" {
					continue
				}
				got := answer.Parse(b[1], f.kind)
				if got.Answer != want && got.Answer != answer.None {
					t.Errorf("%s/%s: %s's description %q reads as %q", lang, name, want, b[1], got.Answer)
				}
				// every answer word in it, read alone, is this answer
				for _, ev := range got.Evidence {
					if alone := answer.Parse(ev.Word, f.kind).Answer; alone != want && alone != answer.None {
						t.Errorf("%s/%s: %s's description %q holds %q, which reads as %s", lang, name, want, b[1], ev.Word, alone)
					}
				}
			}
		}
	}
}

// memberKinds are the mails sent in a member's (or an applicant's) own
// language; the others go to the Secretariat and the Steering Committee in
// English.
var memberKinds = []string{
	"ballot_form", "ballot_reminder", "vote_receipt", "refusal", "ballot_result_members", "ballot_cancelled",
	"case_notice", "opinion_reminder", "opinion_receipt", "opinion_needs_reasons", "objection_notice", "case_outcome_members",
	"reconfirm_form", "reconfirm_receipt", "standing_change", "contact_confirm", "contact_changed", "gc_notice", "gc_receipt",
	"seat_recommend", "seat_recommend_receipt", "nomination_notice", "seat_opinion_receipt", "seat_filled", "action_notice", "help",
	"application_letter", "application_missing", "application_outcome",
}

// memberMails are every member-facing mail in each state the test data can
// show: each kind's sample, the refusal for every code and procedure, the
// options ballot's mails, the associate's re-confirmation.
func memberMails(t *testing.T) map[string]gov.Mail {
	t.Helper()
	data := sampleData(t)
	out := map[string]gov.Mail{}
	for _, kind := range memberKinds {
		out[kind] = gov.Mail{Kind: kind, Data: data[kind]}
	}
	for name, m := range optionMails(t) {
		if contains(memberKinds, m.Kind) {
			out[name] = m
		}
	}
	rf := data["reconfirm_form"].(gov.ReconfirmData)
	rf.Associate = true
	out["reconfirm_form_associate"] = gov.Mail{Kind: "reconfirm_form", Data: rf}
	for name, d := range refusals(t) {
		out[name] = gov.Mail{Kind: "refusal", Data: d}
	}
	return out
}

// refusals are a refusal of each code, and of each procedure for the codes
// that ask for an answer again.
func refusals(t *testing.T) map[string]gov.RefusalData {
	t.Helper()
	data := sampleData(t)
	base := data["refusal"].(gov.RefusalData)
	out := map[string]gov.RefusalData{}
	for _, code := range []string{gov.RefuseNotOnRoster, gov.RefuseAssociate, gov.RefuseWrongSender, gov.RefuseLate, gov.RefuseAmbiguous, gov.RefuseNoAnswer,
		gov.RefuseNoReference, gov.RefuseUnreadable, gov.RefuseNotElectorate, gov.RefuseReplay, gov.RefuseNoVotingRights, gov.RefuseLapsed,
		"too_large", "too_many_attachments", "case_closed", "address_in_use"} {
		d := base
		d.Code, d.Reason = code, "we could not act on your message for this reason"
		out["refusal_"+code] = d
	}
	return out
}

// reEnglish finds a run of three or more Latin words.
var reEnglish = regexp.MustCompile(`[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){2,}`)

// englishWords are common English words no other language of the network writes
// in Latin letters; two of them in a run of Latin words make it English.
var englishWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("the a an of to and or is are was were be been your you we our us this that these for with by on in at it its not no please reply replies will can could has have had from as if all any each every which who when what there their they them only must may should would than then also more less one two about into out up before after after until end day days member members organisation organisations vote votes voting ballot form application opinion opinions answer answers recorded receipt deadline secretariat committee steering network general conference time") {
		englishWords[w] = true
	}
}

// dataStrings returns every string of v (exported fields at any depth) but the
// bot's own English, longest first.
func dataStrings(v any) []string {
	var out []string
	var walk func(reflect.Value)
	walk = func(x reflect.Value) {
		switch x.Kind() {
		case reflect.String:
			if s := x.String(); len(s) > 2 {
				out = append(out, s)
			}
		case reflect.Pointer, reflect.Interface:
			if !x.IsNil() {
				walk(x.Elem())
			}
		case reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				f := x.Type().Field(i)
				// a refusal's reason and how a seat was filled are the bot's English
				botEnglish := f.Name == "Reason" && (x.Type() == reflect.TypeOf(gov.RefusalData{}) || x.Type() == reflect.TypeOf(gov.NominationData{}))
				if f.IsExported() && !botEnglish {
					walk(x.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i))
			}
		case reflect.Map:
			for _, k := range x.MapKeys() {
				walk(x.MapIndex(k))
			}
		}
	}
	walk(reflect.ValueOf(v))
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// reAnswerWord finds the English words a member types; a translation shows each
// beside its own word ("YES / เห็นด้วย", "ยืนยันสมาชิกภาพ (RECONFIRM)").
var reAnswerWord = regexp.MustCompile(`\b(YES|NO|ABSTAIN|SUPPORT|OBJECT|COMMENT|RECONFIRM|ATTEND)\b`)

// TestNoEnglishInTheMembersPart (issue [after 3 of 7]): in every translation,
// the member's part of every member-facing mail (above "---- English ----")
// holds no English sentence and no time zone's code name beyond what the data
// itself holds (names, titles, the reference), and shows every English answer
// word beside the language's own.
func TestNoEnglishInTheMembersPart(t *testing.T) {
	r := newTestRenderer(t)
	for name, m := range memberMails(t) {
		strs := dataStrings(m.Data)
		for _, lang := range gov.Languages {
			if lang == "en" {
				continue
			}
			m.Lang = lang
			got, err := r.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			member, _, _ := strings.Cut(got.Text, "---- English ----")
			for _, s := range strs {
				member = strings.ReplaceAll(member, s, "◇")
			}
			for _, line := range strings.Split(member, "\n") {
				if strings.HasPrefix(line, "##-") {
					continue // the marker says it in English too, by design (answer.Marker)
				}
				if strings.Contains(line, "Asia/") {
					t.Errorf("%s/%s: a zone's code name: %q", lang, name, line)
				}
				for _, run := range reEnglish.FindAllString(line, -1) {
					n := 0
					for _, w := range strings.FieldsFunc(strings.ToLower(run), func(r rune) bool { return r == ' ' || r == ',' }) {
						if englishWords[w] {
							n++
						}
					}
					if n >= 2 {
						t.Errorf("%s/%s: English in the member's part: %q in %q", lang, name, run, line)
					}
				}
				for _, w := range reAnswerWord.FindAllString(line, -1) {
					local, _ := r.word(lang, "vote."+strings.ToLower(w))
					if local == w || !strings.Contains(line, local) {
						t.Errorf("%s/%s: %s without its %s word (%s): %q", lang, name, w, lang, local, line)
					}
				}
			}
		}
	}
}

// TestRefusalListsTheProcedureAnswers (issue [after 3 of 7] item 1): a
// refusal that asks for an answer again lists, in every language, the answers
// of the procedure the member answered, and no other procedure's: a member
// asked to re-confirm is told RECONFIRM, not YES.
func TestRefusalListsTheProcedureAnswers(t *testing.T) {
	r := newTestRenderer(t)
	b := sampleData(t)["refusal"].(gov.RefusalData).Ballot
	cases := []struct {
		name      string
		procedure string
		ballot    *gov.BallotView
		want      []string // the answers listed, in order
	}{
		{"vote", "", b, []string{"yes", "no", "abstain"}},
		{"opinion", gov.ProcOpinion, nil, []string{"support", "object", "comment"}},
		{"nomination", gov.ProcNomination, nil, []string{"support", "object", "comment"}},
		{"reconfirm", gov.ProcReconfirm, nil, []string{"reconfirm"}},
		{"attend", gov.ProcAttend, nil, []string{"attend"}},
		{"recommend", gov.ProcRecommend, nil, nil},
		{"contact", gov.ProcContact, nil, nil},
		{"other", "", nil, nil},
	}
	for _, c := range cases {
		for _, code := range []string{gov.RefuseNoAnswer, gov.RefuseAmbiguous} {
			d := gov.RefusalData{Code: code, Reason: "we found no answer in your reply", Procedure: c.procedure, Ballot: c.ballot}
			for _, lang := range gov.Languages {
				var got []string
				for _, o := range optionBlocks(t, r, gov.Mail{Kind: "refusal", Data: d}, lang) {
					got = append(got, o[0])
				}
				if strings.Join(got, " ") != strings.Join(c.want, " ") {
					t.Errorf("%s/refusal %s %s: lists %v, want %v", lang, code, c.name, got, c.want)
				}
				out, err := r.Render(gov.Mail{Kind: "refusal", Lang: lang, Data: d})
				if err != nil {
					t.Fatal(err)
				}
				if c.ballot == nil && (strings.Contains(out.Text, "voting form") || strings.Contains(out.Text, "YES")) {
					t.Errorf("%s/refusal %s %s: speaks of the voting form:\n%s", lang, code, c.name, out.Text)
				}
			}
		}
	}
}

// TestRefusalSaysTheReasonInTheMembersLanguage (item 3): a refusal's Why
// line is said in the member's language for every code, and for every doubt
// the reader reports, quoting what it read; the English reason stays in the
// English part below.
func TestRefusalSaysTheReasonInTheMembersLanguage(t *testing.T) {
	r := newTestRenderer(t)
	const reason = "the English reason, for the English part"
	for name, d := range refusals(t) {
		for _, doubt := range []string{"", "two_answers", "negated", "hedged", "question", "correction", "closing_only"} {
			if doubt != "" && d.Code != gov.RefuseAmbiguous && d.Code != gov.RefuseNoAnswer {
				continue
			}
			d.Reason, d.Doubt, d.Quote = reason, doubt, "เห็นด้วย ถ้า…"
			whys := map[string]bool{}
			for _, lang := range gov.Languages {
				out, err := r.Render(gov.Mail{Kind: "refusal", Lang: lang, Data: d})
				if err != nil {
					t.Fatal(err)
				}
				member, english, _ := strings.Cut(out.Text, "---- English ----")
				if lang == "en" {
					english = member
				} else if strings.Contains(member, reason) {
					t.Errorf("%s/%s (%s): the English reason in the member's part", lang, name, doubt)
				}
				if !strings.Contains(english, "Why: "+reason) {
					t.Errorf("%s/%s (%s): the English part lacks the reason", lang, name, doubt)
				}
				why := strings.SplitN(strings.SplitN(member, "\n\n", 3)[1], "\n", 2)[0]
				if whys[why] {
					t.Errorf("%s/%s (%s): the same Why line as another language: %q", lang, name, doubt, why)
				}
				whys[why] = true
				if doubt != "" && lang != "en" && !strings.Contains(why, d.Quote) {
					t.Errorf("%s/%s (%s): the Why line does not quote what was read: %q", lang, name, doubt, why)
				}
			}
		}
	}
}

// TestEveryAnswerWordIsUnderstood: the local word each form shows beside
// every answer (words.txt's vote.*) is read by internal/answer as that answer,
// alone and as the form prints it ("RECONFIRM / ยืนยันสมาชิกภาพ"), by the reader
// of its procedure.
func TestEveryAnswerWordIsUnderstood(t *testing.T) {
	r := newTestRenderer(t)
	kinds := map[answer.Answer]answer.Kind{answer.Support: answer.KindOpinion, answer.Object: answer.KindOpinion, answer.Comment: answer.KindOpinion,
		answer.Reconfirm: answer.KindReconfirm, answer.Attend: answer.KindAttend}
	for _, lang := range gov.Languages {
		for a, k := range kinds {
			w := mustWord(t, r, lang, "vote."+string(a))
			for _, reply := range []string{w, strings.ToUpper(string(a)) + " / " + w} {
				if got := answer.Parse(reply, k); got.Answer != a {
					t.Errorf("%s: %q reads as %q (%s), want %q", lang, reply, got.Answer, got.Rule, a)
				}
			}
		}
	}
}
