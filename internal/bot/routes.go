package bot

import (
	"fmt"
	"strings"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/store"
)

// The handlers of the routes table (gate.go). Each is reached only through the
// gate, which has already checked the token's owner, the sender's domain and, for
// a Secretariat command, its proof.

// caseOpinion records a member's opinion on an application.
func (b *Bot) caseOpinion(tx *store.Tx, c *call) (Result, error) {
	a, ok, err := tx.Case(c.ref.ID)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match an application"}, "")
	}
	return b.opinion(tx, c.in, c.msg, c.sender(), a, c.ref.Owner)
}

// caseApplicant takes an applicant's mail on its own application: documents and
// form fields; once the application was announced to the members, documents and
// comments only (identifying fields change only through the Secretariat).
func (b *Bot) caseApplicant(tx *store.Tx, c *call) (Result, error) {
	a, ok, err := tx.Case(c.ref.ID)
	if err != nil {
		return Result{}, err
	}
	if !ok {
		return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match an application"}, "")
	}
	return b.updateCase(tx, c.msg, a, c.docx, c.letters, "applicant "+c.who.Address)
}

// caseCommand is what the Secretariat's mail on an application asks for.
func caseCommand(reply string, a gov.Application) string {
	switch {
	case withdrawRE.MatchString(reply):
		return "withdraw"
	case confirmRE.MatchString(reply) && a.State == gov.CaseUnconfirmed:
		return "confirm"
	case completeRE.MatchString(reply):
		return "complete"
	}
	return ""
}

// planCase says what the Secretariat's mail on an application will do.
func (b *Bot) planCase(tx *store.Tx, c *call) (string, *gov.RefusalData, error) {
	a, ok, err := tx.Case(c.ref.ID)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", &gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match an application"}, nil
	}
	if !a.State.Open() {
		return "", &gov.RefusalData{Code: "case_closed", Reason: fmt.Sprintf("application %s is %s", a.ID, a.State)}, nil
	}
	who := fmt.Sprintf("application %s (%s, %s)", a.ID, a.Name, a.Country)
	var parts []string
	switch caseCommand(answer.ReplyText(c.msg.Text), a) {
	case "withdraw":
		return "WITHDRAW " + who + ": it is closed and the applicant is told", nil, nil
	case "confirm":
		parts = append(parts, "CONFIRM that "+who+" is genuine, so that it goes on to the members")
	case "complete":
		if len(a.Missing) > 0 {
			parts = append(parts, fmt.Sprintf("declare the documents of %s COMPLETE although %s are missing", who, strings.Join(a.Missing, ", ")))
		} else {
			parts = append(parts, "declare the documents of "+who+" COMPLETE")
		}
	}
	var names []string
	for _, at := range c.msg.Attachments {
		names = append(names, at.Name)
	}
	if len(names) > 0 {
		parts = append(parts, "add to "+who+" the documents "+strings.Join(names, ", "))
	}
	if _, ok := readForm(c.msg, c.docx, true); ok {
		parts = append(parts, "update the fields of "+who+" from the form in your mail")
	} else if f, ok := caseAnswer(c.msg, a); ok {
		parts = append(parts, "set on "+who+": "+answerSummary(f))
	}
	if len(parts) == 0 {
		return "", &gov.RefusalData{Code: gov.RefuseNoAnswer, Reason: fmt.Sprintf("we found no command for %s in your mail (CONFIRM, COMPLETE, WITHDRAW, or documents)", who)}, nil
	}
	return strings.Join(parts, "; "), nil, nil
}

// caseSecretariat applies the Secretariat's proven mail on an application.
func (b *Bot) caseSecretariat(tx *store.Tx, c *call) (Result, error) {
	a, ok, err := tx.Case(c.ref.ID)
	if err != nil || !ok {
		return Result{}, fmt.Errorf("application %s: %v", c.ref.ID, err)
	}
	cmd := caseCommand(answer.ReplyText(c.msg.Text), a)
	missing := append([]string(nil), a.Missing...)
	res, err := b.secretariatOnCase(tx, c.msg, a, c.docx, c.letters)
	if err != nil {
		return res, err
	}
	switch {
	case cmd == "withdraw":
		err = b.announce(tx, gov.ActionNoticeData{Action: "withdraw", Ref: a.ID, Name: a.Name, By: c.who.Address, At: tx.Now}, a.ApplicantAddresses(), a.Language)
	case cmd == "complete" && len(missing) > 0:
		err = b.announce(tx, gov.ActionNoticeData{Action: "complete", Ref: a.ID, Name: a.Name, Detail: "missing: " + strings.Join(missing, ", "), By: c.who.Address, At: tx.Now}, a.ApplicantAddresses(), a.Language)
	}
	return res, err
}

// announce tells the Secretariat (all its addresses) and the parties concerned of
// a destructive action taken by mail.
func (b *Bot) announce(tx *store.Tx, d gov.ActionNoticeData, parties []string, lang string) error {
	key := "action/" + d.Action + "/" + d.Ref + "/" + tx.Now.UTC().Format("20060102T150405")
	mails := []gov.Mail{{Kind: "action_notice", Key: key + "/secretariat", To: b.Secretariat, Lang: "en", Auto: gov.AutoGenerated, Data: d}}
	if len(parties) > 0 {
		if lang == "" {
			lang = "en"
		}
		mails = append(mails, gov.Mail{Kind: "action_notice", Key: key + "/parties", To: parties, Lang: lang, Auto: gov.AutoGenerated, Data: d})
	}
	return b.queue(tx, mails)
}

// reconfirm takes a member's answer to its re-confirmation form.
func (b *Bot) reconfirm(tx *store.Tx, c *call) (Result, error) {
	return b.reconfirmMessage(tx, c.msg, c.sender(), c.ref.ID, c.ref.Owner)
}

// planChange says what the Secretariat's answer to a contact change will do.
func (b *Bot) planChange(tx *store.Tx, c *call) (string, *gov.RefusalData, error) {
	ch, ok, err := tx.Change(c.ref.ID)
	if err != nil {
		return "", nil, err
	}
	if !ok || ch.State != "pending" {
		return "", &gov.RefusalData{Code: gov.RefuseNoReference, Reason: "this contact change is no longer pending"}, nil
	}
	verb := "APPLY"
	if reply := answer.ReplyText(c.msg.Text); refuseChangeRE.MatchString(reply) && answer.Parse(reply, answer.KindReconfirm).Answer != answer.Reconfirm {
		verb = "REFUSE"
	}
	return fmt.Sprintf("%s contact change %s of %s: %s %s → %s", verb, ch.ID, ch.OrgID, ch.Role, ch.Old.Email, ch.New.Email), nil, nil
}

// change takes the answer to a contact change (the address being replaced, or the
// Secretariat proven).
func (b *Bot) change(tx *store.Tx, c *call) (Result, error) {
	return b.changeMessage(tx, c.msg, c.ref.ID, c.ref.Owner)
}

// meeting takes a member's ATTEND to a General Conference notice.
func (b *Bot) meeting(tx *store.Tx, c *call) (Result, error) {
	return b.gcMessage(tx, c.msg, c.sender(), c.ref.ID, c.ref.Owner)
}

// nominationMember takes a member's recommendation or opinion on a nomination.
func (b *Bot) nominationMember(tx *store.Tx, c *call) (Result, error) {
	return b.nominationMessage(tx, c.msg, c.sender(), c.ref.ID, c.ref.Owner)
}

// planNominate says whom the Secretariat's NOMINATE names.
func (b *Bot) planNominate(tx *store.Tx, c *call) (string, *gov.RefusalData, error) {
	n, ok, err := tx.Nomination(c.ref.ID)
	if err != nil {
		return "", nil, err
	}
	if !ok || !n.Open() {
		return "", &gov.RefusalData{Code: gov.RefuseLate, Reason: "this nomination is closed"}, nil
	}
	m := nominateRE.FindStringSubmatch(answer.ReplyText(c.msg.Text))
	if m == nil {
		return "", &gov.RefusalData{Code: gov.RefuseNoAnswer, Reason: "to confirm the nominee, reply NOMINATE followed by the organisation's id"}, nil
	}
	name := m[1]
	if o, ok, _ := tx.Org(strings.ToLower(m[1])); ok {
		name = o.Name + " (" + o.ID + ")"
	}
	return fmt.Sprintf("NOMINATE %s for the %s seat (%s); the notice goes to all members", name, n.Seat, n.ID), nil, nil
}

// nominationSecretariat applies the Secretariat's proven NOMINATE, and announces it
// to the Secretariat and the nominee.
func (b *Bot) nominationSecretariat(tx *store.Tx, c *call) (Result, error) {
	res, err := b.nominationMessage(tx, c.msg, nil, c.ref.ID, "secretariat")
	if err != nil || !strings.HasPrefix(res.Outcome, "nominate:") {
		return res, err
	}
	orgID := strings.TrimPrefix(res.Outcome, "nominate:")
	d := gov.ActionNoticeData{Action: "nominate", Ref: c.ref.ID, Name: orgID, By: c.who.Address, At: tx.Now}
	var parties []string
	lang := "en"
	if o, ok, _ := tx.Org(strings.ToLower(orgID)); ok {
		d.Name, parties, lang = o.Name, o.Addresses(), o.Language
	}
	return res, b.announce(tx, d, parties, lang)
}

// planCommand says what a Secretariat mail without a reference will do: record
// payments, or open an application from a forwarded form.
func (b *Bot) planCommand(tx *store.Tx, c *call) (string, *gov.RefusalData, error) {
	if p, ok := parseCommand(answer.ReplyText(c.msg.Text), secretariatVerb); ok {
		action, problems, err := mailCommands[p.name].check(b, tx, c, p)
		if err != nil || len(problems) == 0 {
			return action, nil, err
		}
		return "", &gov.RefusalData{Code: "bad_command", Reason: fmt.Sprintf("%s was not done, nothing changed: %s", p.name, strings.Join(problems, "; "))}, nil
	}
	if ms := paidRE.FindAllString(answer.ReplyText(c.msg.Text), -1); len(ms) > 0 {
		var lines []string
		for _, m := range ms {
			lines = append(lines, strings.TrimSpace(m))
		}
		return "record fee payments: " + strings.Join(lines, "; "), nil, nil
	}
	if f, ok := readForm(c.msg, c.docx, true); ok {
		name := ""
		for _, fl := range formFields(f) {
			if fl.Value != "" {
				name = fl.Value
				break
			}
		}
		return fmt.Sprintf("open an application (%s) from the form you forwarded: %s", gov.KindLabel(string(f.Kind)), name), nil, nil
	}
	first := ""
	for _, l := range strings.Split(answer.ReplyText(c.msg.Text), "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			first = strings.ToUpper(f[0])
			break
		}
	}
	return "", &gov.RefusalData{Code: gov.RefuseNoReference, Reason: fmt.Sprintf("we could not tell which matter your message is about: %q is not a command, and there is no reference, PAID line or application form (reply HELP for the list of commands)", first)}, nil
}

// secretariatCommand runs a proven Secretariat command without a reference.
func (b *Bot) secretariatCommand(tx *store.Tx, c *call) (Result, error) {
	if p, ok := parseCommand(answer.ReplyText(c.msg.Text), secretariatVerb); ok {
		lines, err := mailCommands[p.name].run(b, tx, c, p)
		if err != nil {
			return Result{}, err
		}
		return Result{Outcome: "command:" + strings.ToLower(p.name), Replied: true}, b.commandReply(tx, c, p.name, p.name+": done", lines)
	}
	if res, ok, err := b.payments(tx, c.msg); ok || err != nil {
		return res, err
	}
	if f, ok := readForm(c.msg, c.docx, true); ok {
		return b.intake(tx, c.msg, f, false, c.letters)
	}
	return b.refuse(tx, c.msg, nil, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "we could not tell which matter your message is about"}, "en")
}

// memberMail takes a member's mail without a reference: a contact update, or a
// refusal saying a reference is needed.
func (b *Bot) memberMail(tx *store.Tx, c *call) (Result, error) {
	if changes := gov.ParseContactChanges(answer.ReplyText(c.msg.Text)); len(changes) > 0 {
		return b.contactUpdate(tx, c.msg, *c.who.Org, changes)
	}
	return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: gov.RefuseNoReference, Reason: "we could not tell which ballot your message answers"}, "")
}

// strangerMail takes mail from an address not on the roster: an application sent
// in directly, or a refusal.
func (b *Bot) strangerMail(tx *store.Tx, c *call) (Result, error) {
	if f, ok := readForm(c.msg, c.docx, false); ok {
		return b.intake(tx, c.msg, f, true, c.letters)
	}
	return b.refuse(tx, c.msg, nil, gov.RefusalData{Code: gov.RefuseNotOnRoster, Reason: "your address is not on the network's roster"}, "")
}
