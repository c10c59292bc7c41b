package bot

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/forms"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
)

// isSecretariat reports whether addr is one of the Secretariat's addresses.
func (b *Bot) isSecretariat(addr string) bool {
	return slices.ContainsFunc(b.Secretariat, func(s string) bool { return strings.EqualFold(s, addr) })
}

// readForm finds an application form in msg: its text, or a .docx attachment read
// before the transaction. Only the Secretariat's forwards are read whole (the form
// is in the forwarded message); from anyone else only what they wrote themselves
// counts, never the text they quote, so a ballot form or another message quoted
// below a reply is never taken for an application.
func readForm(msg *mailread.Message, docx []forms.Form, forwarded bool) (forms.Form, bool) {
	var texts []string
	if forwarded {
		texts = append(texts, msg.Text)
		for _, f := range msg.Forwarded {
			texts = append(texts, f.Text)
		}
	} else {
		texts = append(texts, answer.ReplyText(msg.Text))
	}
	best := forms.Form{}
	for _, t := range texts {
		f := forms.Parse(t)
		if f.Kind != forms.Unknown && len(f.Fields) > len(best.Fields) {
			best = f
		}
	}
	for _, f := range docx {
		if f.Kind != forms.Unknown && len(f.Fields) > len(best.Fields) {
			best = f
		}
	}
	return best, best.Kind != forms.Unknown
}

// documentKeywords classify an attachment by its file name (6.1, 6.3).
var documentKeywords = []struct {
	key string
	re  *regexp.Regexp
}{
	{"endorsement", regexp.MustCompile(`(?i)endorse|recommend|support.?letter|reference|รับรอง|thư giới thiệu|giới thiệu|推荐|推薦|ការគាំទ្រ|ການຮັບຮອງ|ထောက်ခံ`)},
	{"annual_report", regexp.MustCompile(`(?i)annual|report|รายงาน|báo cáo|报告|報告|年报|年報|របាយការណ៍|ບົດລາຍງານ|အစီရင်ခံ`)},
	{"constitution", regexp.MustCompile(`(?i)constitution|statute|charter|by-?laws|vision|mission|objective|ข้อบังคับ|ธรรมนูญ|điều lệ|章程|ລັດຖະທຳມະນູນ|ລະບຽບການ|ធម្មនុញ្ញ|လက်စွဲ|ဖွဲ့စည်းပုံ`)},
}

// classifyDocument returns the document key of an attachment, or "other".
func classifyDocument(name string) string {
	for _, k := range documentKeywords {
		if k.re.MatchString(name) {
			return k.key
		}
	}
	return "other"
}

func attachmentsOf(msg *mailread.Message) []mailread.Attachment {
	out := append([]mailread.Attachment{}, msg.Attachments...)
	for _, f := range msg.Forwarded {
		out = append(out, f.Attachments...)
	}
	return out
}

// addDocuments records msg's attachments on a.
func addDocuments(a *gov.Application, msg *mailread.Message) []string {
	var added []string
	for _, at := range attachmentsOf(msg) {
		if at.Name == "" || strings.HasPrefix(at.ContentType, "message/") || strings.EqualFold(at.ContentType, "application/pkcs7-signature") {
			continue
		}
		if slices.ContainsFunc(a.Documents, func(d gov.Document) bool { return d.SHA256 == at.SHA256 && at.SHA256 != "" }) {
			continue
		}
		key := classifyDocument(at.Name)
		a.Documents = append(a.Documents, gov.Document{Key: key, Name: at.Name, Size: at.Size, SHA256: at.SHA256})
		added = append(added, key+": "+at.Name)
	}
	return added
}

// applyForm copies what a form says onto a (fields the form left empty keep their value).
func (b *Bot) applyForm(a *gov.Application, f forms.Form) {
	if a.Fields == nil {
		a.Fields = map[string]string{}
	}
	for k, v := range f.Fields {
		if strings.TrimSpace(v) != "" {
			a.Fields[k] = v
		}
	}
	for k, on := range f.Checked {
		if on {
			if k == "agree_top" {
				a.AgreedToP = true
			}
		}
	}
	if a.Kind == "" {
		a.Kind = string(f.Kind)
	}
	if f.Language != "" {
		a.Language = f.Language
	}
	get := func(k string) string { return strings.TrimSpace(a.Fields[k]) }
	if a.Kind == gov.AppAssociateIndividual {
		a.Contact = formPerson(get("name"), get("email"))
		a.Name = a.Contact.Name
	} else {
		a.Name = get("org_name")
		a.Chair = get("chair")
		a.Contact = formPerson(get("contact_name"), get("contact_email"))
		a.Alternate = formPerson(get("alternate_name"), get("alternate_email"))
	}
	if c := get("country"); c != "" {
		a.Country = c
		if b.CountryName != nil {
			if canon, ok := b.CountryName(c); ok {
				a.Country = canon
			}
		}
	}
	if e := get("endorser"); e != "" {
		a.EndorserText = e
	}
	if inc := get("annual_income_usd"); inc != "" {
		var n int64
		for _, r := range inc {
			if r >= '0' && r <= '9' {
				n = n*10 + int64(r-'0')
			} else if r == '.' {
				break
			}
		}
		a.Income = n
	}
	if a.Kind == gov.AppRegular {
		// A ticked documents checklist is no substitute for the documents: they
		// must arrive as attachments or be declared by the Secretariat.
		for _, d := range gov.RequiredDocuments {
			_ = d
		}
	}
}

var addrRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

func firstAddress(s string) string { return addrRE.FindString(s) }

// emptyBrackets is what is left of "Name <addr>" or "Name (addr)" once the
// address is taken out.
var emptyBrackets = regexp.MustCompile(`[<(\[]\s*(mailto:\s*)?[>)\]]`)

// formPerson is a contact as a form gives it: the name as a person is called,
// without the address people write into it ("Le Van An <an@myc.example>" is Le
// Van An), and the address of the address field, or else the one written with
// the name.
func formPerson(name, email string) gov.Person {
	addr := firstAddress(email)
	if addr == "" {
		addr = firstAddress(name)
	}
	name = emptyBrackets.ReplaceAllString(addrRE.ReplaceAllString(name, ""), "")
	name = strings.Trim(strings.Join(strings.Fields(name), " "), " \"',;:<>()[]–-")
	return gov.Person{Name: name, Email: gov.NormalizeAddress(addr)}
}

func (b *Bot) required(kind string) []string { return forms.RequiredKeys(forms.Kind(kind)) }

// checklist is what a case of kind is checked against: its form's required keys
// and the network's countries (a regular member is GMS-based, 5.1.1).
func (b *Bot) checklist(kind string) gov.Checklist {
	return gov.Checklist{Required: b.required(kind), Countries: b.Countries}
}

// caseAnswer reads the "Label: value" lines typed in a reply on a case whose kind
// is known: an answer to the Secretariat's question ("Country: Lao PDR"), a
// missing detail. It is a form of the case's kind that changes no language.
func caseAnswer(msg *mailread.Message, a gov.Application) (forms.Form, bool) {
	f := forms.Parse(answer.ReplyText(msg.Text))
	if len(f.Fields) == 0 {
		return forms.Form{}, false
	}
	f.Kind, f.Language, f.Checked = forms.Kind(a.Kind), "", nil
	return f, true
}

// answerSummary lists the fields of an answer, labelled in English.
func answerSummary(f forms.Form) string {
	var out []string
	for _, fl := range f.List("en") {
		out = append(out, fl.Label+": "+fl.Value)
	}
	return strings.Join(out, "; ")
}

// formFields lists what was read from a form, labelled in English, for the receipt.
func formFields(f forms.Form) []gov.Field {
	var out []gov.Field
	for _, fl := range f.List("en") {
		out = append(out, gov.Field{Label: fl.Label, Value: fl.Value})
	}
	return out
}

// intake opens a case from an application form: forwarded by the Secretariat, or
// sent in directly by the applicant (then the Secretariat must confirm it first).
func (b *Bot) intake(tx *store.Tx, msg *mailread.Message, f forms.Form, direct bool, letters []letter) (Result, error) {
	id, err := tx.NextCaseID()
	if err != nil {
		return Result{}, err
	}
	a := gov.Application{ID: id, Kind: string(f.Kind), Direct: direct, Confirmed: !direct}
	b.applyForm(&a, f)
	if direct && a.Contact.Email == "" {
		a.Contact.Email = msg.From.Email
	}
	docs := addDocuments(&a, msg)
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return Result{}, err
	}
	// What the printed form lacks, from the cover letter and the letters.
	read := b.readFacts(&a, msg, letters, orgs, !direct)
	env := b.env(tx)
	a, voters, mails := gov.Intake(tx.Now, env, a, append(formFields(f), read...), orgs, seats, b.checklist(a.Kind))
	held := false
	if direct {
		// Anyone can send an application: past the hourly limit the case is still
		// opened (nothing is lost), but the Secretariat gets one summary after the
		// hour instead of a receipt and a confirmation request for each.
		hour := tx.Now.UTC().Format("2006-01-02T15")
		n, err := tx.CountRefusal("*direct-applications*", hour)
		if err != nil {
			return Result{}, err
		}
		if n > b.Limits.DirectApplicationsPerHour {
			held = true
			mails = slices.DeleteFunc(mails, func(m gov.Mail) bool { return m.Kind == "application_receipt" || m.Kind == "application_confirm" })
			if err := tx.HoldApplication(hour, a.ID, a.Name, msg.From.Email); err != nil {
				return Result{}, err
			}
		}
	}
	if err := b.saveCase(tx, a, voters, mails); err != nil {
		return Result{}, err
	}
	who := "secretariat"
	if direct {
		who = "applicant " + msg.From.Email
		if held {
			who += fmt.Sprintf(" (over %d direct applications this hour: in the hourly summary)", b.Limits.DirectApplicationsPerHour)
		}
	}
	if err := tx.Audit("case.open", a.ID, who, fmt.Sprintf("%s: %s (%s); state %s; documents %v; missing %v", gov.KindLabel(a.Kind), a.Name, a.Country, a.State, docs, a.Missing)); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "case:" + a.ID + ":" + string(a.State), Replied: true}, nil
}

// saveCase stores a, indexes the tokens of its notice recipients, the Secretariat and
// the applicant, and queues mails.
func (b *Bot) saveCase(tx *store.Tx, a gov.Application, voters []gov.Voter, mails []gov.Mail) error {
	if err := tx.PutCase(a); err != nil {
		return err
	}
	env := b.env(tx)
	for _, who := range []string{"secretariat", "applicant"} {
		if err := tx.PutTokenOwner(gov.ApplicationToken(env, a.ID, who), a.ID, who); err != nil {
			return err
		}
	}
	if len(voters) > 0 {
		if err := tx.PutVoters(a.ID, voters); err != nil {
			return err
		}
	}
	return b.queue(tx, mails)
}

func rosterAndSC(tx *store.Tx) ([]gov.Org, []gov.Seat, error) {
	orgs, err := tx.Orgs()
	if err != nil {
		return nil, nil, err
	}
	seats, err := tx.Seats()
	return orgs, seats, err
}

var (
	confirmRE  = regexp.MustCompile(`(?im)^\W*(confirm(ed)?|genuine)\b`)
	completeRE = regexp.MustCompile(`(?im)^\W*(complete|documents? complete)\b`)
	withdrawRE = regexp.MustCompile(`(?im)^\W*withdraw(n)?\b`)
)

// secretariatOnCase applies the Secretariat's mail on a case: CONFIRM (a direct
// application is genuine), COMPLETE (the documents are complete), WITHDRAW, and
// any attachments or form fields.
func (b *Bot) secretariatOnCase(tx *store.Tx, msg *mailread.Message, a gov.Application, docx []forms.Form, letters []letter) (Result, error) {
	reply := answer.ReplyText(msg.Text)
	switch {
	case withdrawRE.MatchString(reply):
		return b.caseAction(tx, a.ID, "withdraw", msg.From.Email)
	case confirmRE.MatchString(reply) && a.State == gov.CaseUnconfirmed:
		a.Confirmed = true
		a.State = ""
	case completeRE.MatchString(reply):
		a.DocumentsDeclared = true
	}
	return b.updateCase(tx, msg, a, docx, letters, "secretariat "+msg.From.Email)
}

// updateCase adds what msg brings to a case (documents, form fields, answers to
// the Secretariat's questions, facts read from letters) and moves it on.
func (b *Bot) updateCase(tx *store.Tx, msg *mailread.Message, a gov.Application, docx []forms.Form, letters []letter, actor string) (Result, error) {
	if !a.State.Open() {
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: "case_closed", Reason: fmt.Sprintf("application %s is %s", a.ID, a.State)}, a.Language)
	}
	added := addDocuments(&a, msg)
	detail := fmt.Sprintf("documents added %v", added)
	bySecretariat := strings.HasPrefix(actor, "secretariat")
	f, ok := readForm(msg, docx, bySecretariat)
	if !ok {
		if f, ok = caseAnswer(msg, a); ok {
			detail += "; answered: " + answerSummary(f)
		}
	}
	if ok && !bySecretariat && f.Fields["country"] != "" && slices.ContainsFunc(a.Questions, func(q gov.Question) bool { return q.Key == "gms_based" }) {
		// 5.1.1: a regular applicant outside the network's countries is held for
		// the Secretariat; the applicant's own word does not release it.
		delete(f.Fields, "country")
		detail += "; the country was NOT changed: whether the organisation is GMS-based (ToP 5.1.1) is for the Secretariat to answer"
	}
	if ok {
		before := identity(a)
		changed := a
		b.applyForm(&changed, f)
		switch after := identity(changed); {
		case after == before:
			a = changed
		case announced(a) && !bySecretariat:
			// Once the members were told of the application, what identifies it
			// changes only through the Secretariat: the applicant adds documents
			// and comments.
			detail += "; the form's changes to " + diffIdentity(before, after) + " were NOT applied: once an application is announced to the members, only the Secretariat can change them"
		case announced(a):
			a = changed
			detail += "; changed by the Secretariat after the notice to members: " + diffIdentity(before, after)
			if err := b.tellSCOfChange(tx, a, detail); err != nil {
				return Result{}, err
			}
		default:
			a = changed
		}
	}
	if !announced(a) {
		orgs, err := tx.Orgs()
		if err != nil {
			return Result{}, err
		}
		if read := b.readFacts(&a, msg, letters, orgs, bySecretariat); len(read) > 0 {
			detail += "; " + factsDetail(read)
		}
	}
	return b.advanceCase(tx, a, actor, detail, msg)
}

// announced reports whether the members have been sent the notice of a.
func announced(a gov.Application) bool {
	switch a.State {
	case gov.CaseOpinions, gov.CaseSCVote, gov.CaseSCPending, gov.CaseAccepted, gov.CaseRefused:
		return true
	}
	return !a.OpinionsClose.IsZero()
}

// identity is what identifies an application to the members: its kind, name,
// country, contact and alternate addresses and endorser.
func identity(a gov.Application) [6]string {
	return [6]string{a.Kind, a.Name, a.Country, a.Contact.Email, a.Alternate.Email, a.Endorser + "|" + a.EndorserText}
}

var identityNames = [6]string{"kind", "name", "country", "contact", "alternate", "endorser"}

func diffIdentity(before, after [6]string) string {
	var out []string
	for i := range before {
		if before[i] != after[i] {
			out = append(out, fmt.Sprintf("%s %q → %q", identityNames[i], strings.Trim(before[i], "|"), strings.Trim(after[i], "|")))
		}
	}
	return strings.Join(out, ", ")
}

// tellSCOfChange announces to the SC (and the Secretariat) a change of an
// announced application's identifying fields.
func (b *Bot) tellSCOfChange(tx *store.Tx, a gov.Application, detail string) error {
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return err
	}
	to := gov.SCRecipients(b.env(tx), orgs, seats, a.Concerned(orgs)...)
	return b.queue(tx, []gov.Mail{{Kind: "application_update", Key: "case/" + a.ID + "/amended/" + tx.Now.UTC().Format("20060102T150405"), To: to, Lang: "en", Auto: gov.AutoGenerated,
		Data: gov.ApplicationData{Case: a.View(), Reason: detail}}})
}

// advanceCase re-checks a case and moves it on, with a receipt to whoever wrote.
func (b *Bot) advanceCase(tx *store.Tx, a gov.Application, actor, detail string, msg *mailread.Message) (Result, error) {
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return Result{}, err
	}
	env := b.env(tx)
	before := a.State
	if a.State == gov.CaseIncomplete || a.State == gov.CaseHeld || a.State == "" {
		a = gov.CheckCompleteness(tx.Now, env, a, orgs, b.checklist(a.Kind))
	}
	var voters []gov.Voter
	var mails []gov.Mail
	if a.State == gov.CaseIncomplete || a.State == gov.CaseHeld || a.State == "" {
		a, voters, mails = gov.Advance(tx.Now, env, a, orgs, seats)
	}
	if len(a.Questions) > 0 {
		var keys []string
		for _, q := range a.Questions {
			keys = append(keys, q.Key)
		}
		detail += "; waiting for the Secretariat's answer on " + strings.Join(keys, ", ")
	}
	if msg != nil {
		// A token is its recipient's: the Secretariat's reference goes to the
		// Secretariat only, the applicant gets its own.
		tok, lang := gov.ApplicationToken(env, a.ID, "applicant"), langOr(a.Language)
		if b.isSecretariat(msg.From.Email) {
			tok, lang = gov.ApplicationToken(env, a.ID, "secretariat"), "en"
		}
		mails = append(mails, gov.Mail{Kind: "application_update", Key: "reply/" + msg.MessageID, To: []string{msg.From.Email}, Lang: lang, Auto: gov.AutoReplied,
			InReplyTo: msg.MessageID, Token: tok, Data: gov.ApplicationData{Case: a.View(), Token: tok, Reason: detail}})
	}
	if err := b.saveCase(tx, a, voters, mails); err != nil {
		return Result{}, err
	}
	if err := tx.Audit("case.update", a.ID, actor, fmt.Sprintf("%s; %s → %s; missing %v", detail, before, a.State, a.Missing)); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "case:" + a.ID + ":" + string(a.State), Replied: msg != nil}, nil
}

// opinion records a member's opinion on a case (6.4).
func (b *Bot) opinion(tx *store.Tx, in Inbound, msg *mailread.Message, sender *gov.Org, a gov.Application, orgID string) (Result, error) {
	voter, ok, err := tx.Voter(a.ID, orgID)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match an application"}, "")
	}
	parsed := answer.Parse(answer.ReplyText(msg.Text), answer.KindOpinion)
	kind := ""
	switch parsed.Answer {
	case answer.Support, answer.Object, answer.Comment:
		kind = string(parsed.Answer)
	}
	prev, err := tx.Opinion(a.ID, orgID)
	if err != nil {
		return Result{}, err
	}
	at := in.Received
	if at.IsZero() || at.After(tx.Now) {
		at = tx.Now
	}
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return Result{}, err
	}
	env := b.env(tx)
	op, mails := gov.RecordOpinion(env, a, voter, prev, gov.OpinionInput{
		At: at, Recorded: tx.Now, From: msg.From.Email, MessageID: msg.MessageID, Kind: kind, Ambiguous: parsed.Ambiguous, Reasons: parsed.Reasons, Sender: sender, Line: parsed.Line,
	}, orgs, seats)
	if op == nil {
		m := mails[0]
		if d, ok := m.Data.(gov.RefusalData); ok {
			d = withDoubt(d, parsed)
			d.Subject = msg.Subject
			m.Data = d
			return b.sendRefusal(tx, msg, m, d)
		}
		// An objection without reasons: not recorded; the sender is asked for them.
		if err := b.queue(tx, mails); err != nil {
			return Result{}, err
		}
		return Result{Outcome: "refused:objection_without_reasons", Replied: true}, tx.Audit("opinion.no-reasons", a.ID, msg.From.Email, "objection without specific reasons: not counted; reasons asked for")
	}
	if err := tx.PutOpinion(a.ID, *op); err != nil {
		return Result{}, err
	}
	wasObjection := prev != nil && prev.Kind == "object"
	switch {
	case op.Kind == "object" && !wasObjection:
		a.Objections++
		if a.Objections == 1 {
			mails = append(mails, gov.ObjectionNotice(env, a, orgs)...)
		}
	case op.Kind != "object" && wasObjection:
		a.Objections--
	}
	if err := tx.PutCase(a); err != nil {
		return Result{}, err
	}
	if err := b.queue(tx, mails); err != nil {
		return Result{}, err
	}
	// The audit log names the kind of opinion but never its text.
	return Result{Outcome: "opinion:" + op.Kind, Replied: true}, tx.Audit("opinion.record", a.ID, msg.From.Email, op.Kind+" from "+orgID)
}

// caseAction applies a Secretariat action from the CLI or a mail: complete, confirm,
// withdraw, extend, sc-vote.
func (b *Bot) caseAction(tx *store.Tx, id, action, actor string) (Result, error) {
	a, ok, err := tx.Case(id)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return Result{}, &gov.Error{Code: "no_case", Message: fmt.Sprintf("no application %q (see govbot case list)", id)}
	}
	if !a.State.Open() {
		return Result{}, &gov.Error{Code: "case_closed", Message: fmt.Sprintf("application %s is %s", a.ID, a.State)}
	}
	switch action {
	case "withdraw":
		a.State = gov.CaseWithdrawn
		a.DecidedAt = tx.Now
		if err := tx.PutCase(a); err != nil {
			return Result{}, err
		}
		return Result{Outcome: "case:" + a.ID + ":withdrawn"}, tx.Audit("case.withdraw", a.ID, actor, "")
	case "confirm":
		if a.State != gov.CaseUnconfirmed {
			return Result{}, &gov.Error{Code: "not_unconfirmed", Message: fmt.Sprintf("application %s does not await confirmation (%s)", a.ID, a.State)}
		}
		a.Confirmed, a.State = true, ""
	case "complete":
		a.DocumentsDeclared = true
	case "sc-vote":
		if a.State != gov.CaseOpinions && a.State != gov.CaseSCPending {
			return Result{}, &gov.Error{Code: "not_ready", Message: fmt.Sprintf("application %s is %s: the SC votes after the notice to members", a.ID, a.State)}
		}
		return Result{Outcome: "case:" + a.ID + ":sc_vote"}, b.openSCVote(tx, a)
	default:
		return Result{}, fmt.Errorf("unknown case action %q", action)
	}
	return b.advanceCase(tx, a, actor, action, nil)
}

// CaseAction runs a Secretariat action on a case at now, in its own transaction.
func (b *Bot) CaseAction(now time.Time, id, action, actor string) (gov.Application, error) {
	var a gov.Application
	err := b.DB.Update(now, func(tx *store.Tx) error {
		if _, err := b.caseAction(tx, id, action, actor); err != nil {
			return err
		}
		var err error
		a, _, err = tx.Case(id)
		return err
	})
	if err == nil {
		b.kick()
	}
	return a, err
}

// AddDocument records a document for a case from the CLI.
func (b *Bot) AddDocument(now time.Time, id string, d gov.Document, actor string) (gov.Application, error) {
	var a gov.Application
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var ok bool
		var err error
		if a, ok, err = tx.Case(id); err != nil {
			return err
		} else if !ok {
			return &gov.Error{Code: "no_case", Message: fmt.Sprintf("no application %q", id)}
		}
		a.Documents = append(a.Documents, d)
		if _, err := b.advanceCase(tx, a, actor, "document added: "+d.Key+" "+d.Name, nil); err != nil {
			return err
		}
		a, _, err = tx.Case(id)
		return err
	})
	if err == nil {
		b.kick()
	}
	return a, err
}

// ExtendCase moves the six-month deadline when the SC agrees.
func (b *Bot) ExtendCase(now time.Time, id string, months int, actor string) (gov.Application, error) {
	var a gov.Application
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		a, err = b.extendCase(tx, id, months, actor)
		return err
	})
	return a, err
}

// openSCVote opens the SC's ballot on a case, with its papers (objections first).
func (b *Bot) openSCVote(tx *store.Tx, a gov.Application) error {
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return err
	}
	ops, err := tx.Opinions(a.ID)
	if err != nil {
		return err
	}
	env := b.env(tx)
	id, err := tx.NextBallotID()
	if err != nil {
		return err
	}
	title, question := gov.SCQuestion(a, ops)
	days := b.SCVoteDays
	if days <= 0 {
		days = 14
	}
	closes := tx.Now.In(b.Location).AddDate(0, 0, days)
	bal, mails, err := b.storeBallot(tx, gov.OpenRequest{ID: id, Title: title, Question: question, Electorate: gov.ElectorateSC, CloseDate: closes, Case: a.ID,
		Concerned: a.Concerned(orgs)})
	if err != nil {
		return err
	}
	mails = append(mails, gov.SCPapers(env, a, ops, bal.ID, orgs, seats))
	a.State, a.SCBallot = gov.CaseSCVote, bal.ID
	if err := tx.PutCase(a); err != nil {
		return err
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	detail := fmt.Sprintf("SC ballot %s closes %s; %d objections", bal.ID, gov.DeadlineDate(bal.ClosesAt, b.Location), a.Objections)
	if len(bal.Recused) > 0 {
		detail += fmt.Sprintf("; recused (conflict of interest) %v, quorum of the other %d voting seats", bal.Recused, bal.QuorumBase)
	}
	return tx.Audit("case.sc-vote", a.ID, "bot", detail)
}

// dueCase runs what is due on case id at tx.Now: opinion reminders, the SC vote when
// the opinion window closes, the six-month warnings.
func (b *Bot) dueCase(tx *store.Tx, id string) error {
	a, ok, err := tx.Case(id)
	if err != nil || !ok || !a.State.Open() {
		return err
	}
	env := b.env(tx)
	d := gov.DueOnCase(tx.Now, env, a)
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return err
	}
	if d.Warning != "" {
		a.WarningsSent = append(a.WarningsSent, d.Warning)
		if err := tx.PutCase(a); err != nil {
			return err
		}
		if err := b.queue(tx, []gov.Mail{gov.CaseWarning(env, a, d.Warning, orgs, seats)}); err != nil {
			return err
		}
		if err := tx.Audit("case.warning", a.ID, "bot", d.Warning); err != nil {
			return err
		}
	}
	switch {
	case d.OpenSC:
		return b.openSCVote(tx, a)
	case d.Reminder > 0:
		voters, err := tx.Voters(a.ID)
		if err != nil {
			return err
		}
		mails := gov.OpinionReminders(env, a, d.Reminder, voters, func(org string) bool { return tx.HasOpinion(a.ID, org) })
		for _, day := range env.ReminderDays {
			if day >= d.Reminder && !slices.Contains(a.RemindersSent, day) {
				a.RemindersSent = append(a.RemindersSent, day)
			}
		}
		if err := tx.PutCase(a); err != nil {
			return err
		}
		if err := b.queue(tx, mails); err != nil {
			return err
		}
		return tx.Audit("case.remind", a.ID, "bot", fmt.Sprintf("%d days before the opinion window closes; %d mails", d.Reminder, len(mails)))
	}
	return nil
}

// decideCase applies a closed SC ballot to its case.
func (b *Bot) decideCase(tx *store.Tx, bal gov.Ballot) error {
	a, ok, err := tx.Case(bal.Case)
	if err != nil || !ok || a.SCBallot != bal.ID {
		return err
	}
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return err
	}
	newID := strings.ToLower(a.ID) + "-" + slug(a.Name)
	a, org, mails := gov.Decide(tx.Now, b.env(tx), a, *bal.Tally, orgs, seats, newID)
	if org != nil {
		if err := tx.PutOrg(*org); err != nil {
			// An address already on the roster: the decision stands, the Secretariat
			// adds the member by hand.
			a.OrgID = ""
			if err := tx.Audit("case.roster-conflict", a.ID, "bot", err.Error()); err != nil {
				return err
			}
		} else if err := tx.Audit("roster.add", org.ID, "bot", fmt.Sprintf("%s joins as %s member from application %s", org.Name, org.Kind, a.ID)); err != nil {
			return err
		}
	}
	if err := tx.PutCase(a); err != nil {
		return err
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	return tx.Audit("case.decide", a.ID, "sc", fmt.Sprintf("%s (SC ballot %s: %s)", a.State, bal.ID, bal.Tally.Outcome))
}

func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
		if b.Len() >= 24 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		out = "member"
	}
	return out
}

func langOr(lang string) string {
	if lang == "" {
		return "en"
	}
	return lang
}
