package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
)

// campaignDue opens the year's re-confirmation campaign on its date, sends its
// reminders and applies its deadline.
func (b *Bot) campaignDue(tx *store.Tx) error {
	if b.CampaignMonth == 0 {
		return nil
	}
	env := b.env(tx)
	local := tx.Now.In(b.Location)
	year := local.Year()
	opens := time.Date(year, b.CampaignMonth, b.CampaignDay, 0, 0, 0, 0, b.Location)
	deadline := gov.EndOfDay(time.Date(year, env.Rules.ReconfirmMonth, env.Rules.ReconfirmDay, 0, 0, 0, 0, b.Location))
	c, exists, err := tx.Campaign(gov.CampaignID(year))
	if err != nil {
		return err
	}
	orgs, err := tx.Orgs()
	if err != nil {
		return err
	}
	switch {
	case !exists && !tx.Now.Before(opens) && tx.Now.Before(deadline):
		return b.openCampaign(tx, year, orgs)
	case exists && !c.Closed && !tx.Now.Before(c.Deadline):
		return b.closeCampaign(tx, c, orgs)
	case exists && !c.Closed:
		fake := gov.Ballot{OpenedAt: c.OpenedAt, ClosesAt: c.Deadline, RemindersSent: c.RemindersSent}
		days, due := gov.DueReminder(tx.Now, env, fake)
		if !due {
			return nil
		}
		voters, err := tx.Voters(c.ID)
		if err != nil {
			return err
		}
		mails := gov.CampaignReminders(env, c, days, voters, orgs, b.FeeBands)
		for _, d := range env.ReminderDays {
			if d >= days && !containsInt(c.RemindersSent, d) {
				c.RemindersSent = append(c.RemindersSent, d)
			}
		}
		if err := tx.PutCampaign(c); err != nil {
			return err
		}
		if err := b.queue(tx, mails); err != nil {
			return err
		}
		return tx.Audit("campaign.remind", c.ID, "bot", fmt.Sprintf("%d days before; %d mails", days, len(mails)))
	}
	return nil
}

func (b *Bot) openCampaign(tx *store.Tx, year int, orgs []gov.Org) error {
	c, voters, mails := gov.OpenCampaign(tx.Now, b.env(tx), year, orgs, b.FeeBands)
	if err := tx.PutCampaign(c); err != nil {
		return err
	}
	if err := tx.PutVoters(c.ID, voters); err != nil {
		return err
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	return tx.Audit("campaign.open", c.ID, "bot", fmt.Sprintf("%d members asked to re-confirm by %s", len(voters), gov.DeadlineDate(c.Deadline, b.Location)))
}

// OpenCampaign opens year's campaign now, on the Secretariat's request.
func (b *Bot) OpenCampaign(now time.Time, year int) (gov.Campaign, error) {
	var c gov.Campaign
	err := b.DB.Update(now, func(tx *store.Tx) error {
		if _, ok, _ := tx.Campaign(gov.CampaignID(year)); ok {
			return &gov.Error{Code: "exists", Message: fmt.Sprintf("the %d campaign is already open", year)}
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		if err := b.openCampaign(tx, year, orgs); err != nil {
			return err
		}
		c, _, err = tx.Campaign(gov.CampaignID(year))
		return err
	})
	if err == nil {
		b.kick()
	}
	return c, err
}

func (b *Bot) closeCampaign(tx *store.Tx, c gov.Campaign, orgs []gov.Org) error {
	var previous *gov.Campaign
	if p, ok, err := tx.Campaign(gov.CampaignID(c.Year - 1)); err != nil {
		return err
	} else if ok {
		previous = &p
	}
	lapsed, mails := gov.CloseCampaign(tx.Now, b.env(tx), c, orgs, previous)
	for _, o := range lapsed {
		if err := tx.PutOrg(o); err != nil {
			return err
		}
		if err := tx.Audit("member.lapse", o.ID, "bot", fmt.Sprintf("not re-confirmed for %d nor %d (5.1.8)", c.Year, c.Year-1)); err != nil {
			return err
		}
	}
	for _, o := range orgs {
		if !o.Lapsed && o.Kind == gov.Regular && o.ReconfirmedThrough < c.Year && (o.Joined.IsZero() || o.Joined.Before(c.OpenedAt)) {
			if err := tx.Audit("member.voting-rights-lost", o.ID, "bot", fmt.Sprintf("not re-confirmed for %d (5.1.7)", c.Year)); err != nil {
				return err
			}
		}
	}
	c.Closed = true
	if err := tx.PutCampaign(c); err != nil {
		return err
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	return tx.Audit("campaign.close", c.ID, "bot", fmt.Sprintf("%d lapsed", len(lapsed)))
}

// reconfirmMessage handles a reply to a campaign's form.
func (b *Bot) reconfirmMessage(tx *store.Tx, msg *mailread.Message, sender *gov.Org, campaignID, orgID string) (Result, error) {
	c, ok, err := tx.Campaign(campaignID)
	if err != nil {
		return Result{}, err
	}
	voter, vok, err := tx.Voter(campaignID, orgID)
	if err != nil {
		return Result{}, err
	}
	org, ook, err := tx.Org(orgID)
	if err != nil {
		return Result{}, err
	}
	if !ok || !vok || !ook {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match a re-confirmation form"}, "")
	}
	reply := answer.ReplyText(msg.Text)
	parsed := answer.Parse(reply, answer.KindReconfirm)
	updated, mail := gov.Reconfirm(b.env(tx), c, voter, org, gov.ReconfirmInput{
		At: tx.Now, From: msg.From.Email, MessageID: msg.MessageID, Answer: string(parsed.Answer), Text: reply, Sender: sender,
	}, b.FeeBands)
	if updated == nil {
		d := withDoubt(mail.Data.(gov.RefusalData), parsed)
		d.Subject = msg.Subject
		mail.Data = d
		return b.sendRefusal(tx, msg, mail, d)
	}
	if err := tx.PutOrg(*updated); err != nil {
		return Result{}, err
	}
	// A contact change in the same reply waits for confirmation (5.1.4).
	var changes []gov.ContactChange
	for _, ch := range gov.ParseContactChanges(reply) {
		pending, err := b.requestChange(tx, *updated, ch, msg.From.Email)
		if err != nil {
			return Result{}, err
		}
		changes = append(changes, pending)
	}
	if len(changes) > 0 {
		d := mail.Data.(gov.ReconfirmReceiptData)
		d.ContactChange = &changes[0]
		mail.Data = d
	}
	if err := b.queue(tx, []gov.Mail{mail}); err != nil {
		return Result{}, err
	}
	detail := fmt.Sprintf("re-confirmed for %d", c.Year)
	if updated.AnnualIncomeUSD != org.AnnualIncomeUSD {
		detail += fmt.Sprintf("; income %d → %d", org.AnnualIncomeUSD, updated.AnnualIncomeUSD)
	}
	return Result{Outcome: "reconfirm:" + orgID, Replied: true}, tx.Audit("member.reconfirm", orgID, msg.From.Email, detail)
}

// requestChange records a contact change and asks the old address to confirm it.
func (b *Bot) requestChange(tx *store.Tx, org gov.Org, ch gov.ContactChange, from string) (gov.ContactChange, error) {
	id, err := tx.NextChangeID()
	if err != nil {
		return ch, err
	}
	ch.ID, ch.From = id, from
	ch, mails := gov.RequestContactChange(tx.Now, b.env(tx), org, ch)
	if err := tx.PutChange(ch); err != nil {
		return ch, err
	}
	if err := tx.PutTokenOwner(gov.Token(b.env(tx).Secret, ch.ID, org.ID), ch.ID, org.ID); err != nil {
		return ch, err
	}
	if err := b.queue(tx, mails); err != nil {
		return ch, err
	}
	return ch, tx.Audit("contact.request", org.ID, from, fmt.Sprintf("%s %s: %s → %s", ch.ID, ch.Role, ch.Old.Email, ch.New.Email))
}

// contactUpdate handles a member's mail asking to change its contact or alternate.
func (b *Bot) contactUpdate(tx *store.Tx, msg *mailread.Message, org gov.Org, changes []gov.ContactChange) (Result, error) {
	var ids []string
	for _, ch := range changes {
		if holder, ok, err := tx.OrgByAddress(ch.New.Email); err != nil {
			return Result{}, err
		} else if ok && holder.ID != org.ID {
			return b.refuse(tx, msg, &org, gov.RefusalData{Code: "address_in_use", Reason: fmt.Sprintf("%s is already the address of another organisation on the roster", ch.New.Email)}, "")
		}
		pending, err := b.requestChange(tx, org, ch, msg.From.Email)
		if err != nil {
			return Result{}, err
		}
		ids = append(ids, pending.ID)
	}
	return Result{Outcome: "contact:pending:" + strings.Join(ids, ","), Replied: true}, nil
}

var refuseChangeRE = regexp.MustCompile(`(?i)\b(refuse|reject|no|not authori[sz]ed|deny)\b`)

// changeMessage handles the old address's answer to a contact change.
func (b *Bot) changeMessage(tx *store.Tx, msg *mailread.Message, changeID, orgID string) (Result, error) {
	ch, ok, err := tx.Change(changeID)
	if err != nil {
		return Result{}, err
	}
	if !ok || ch.State != "pending" {
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: gov.RefuseNoReference, Reason: "this contact change is no longer pending"}, "")
	}
	from := msg.From.Email
	if !strings.EqualFold(from, ch.Old.Email) && !b.isSecretariat(from) {
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: gov.RefuseWrongSender, Reason: "only the address being replaced, or the Secretariat, can confirm this change"}, "")
	}
	reply := answer.ReplyText(msg.Text)
	if refuseChangeRE.MatchString(reply) && answer.Parse(reply, answer.KindReconfirm).Answer != answer.Reconfirm {
		ch.State, ch.Decided, ch.By = "refused", tx.Now, from
		if err := tx.PutChange(ch); err != nil {
			return Result{}, err
		}
		return Result{Outcome: "contact:refused:" + ch.ID}, tx.Audit("contact.refuse", ch.OrgID, from, ch.ID)
	}
	if answer.Parse(reply, answer.KindReconfirm).Answer != answer.Reconfirm {
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: gov.RefuseNoAnswer, Reason: "please reply CONFIRM to confirm the change, or REFUSE", Procedure: gov.ProcContact}, "")
	}
	if holder, ok, err := tx.OrgByAddress(ch.New.Email); err != nil {
		return Result{}, err
	} else if ok && holder.ID != ch.OrgID {
		// A data conflict is a refusal with the reason, never a failed transaction.
		return b.refuse(tx, msg, nil, gov.RefusalData{Code: "address_in_use", Reason: fmt.Sprintf("%s is already the address of another organisation on the roster; the change cannot be applied (write to the Secretariat)", ch.New.Email)}, "")
	}
	return b.applyChange(tx, ch, from)
}

func (b *Bot) applyChange(tx *store.Tx, ch gov.ContactChange, by string) (Result, error) {
	org, ok, err := tx.Org(ch.OrgID)
	if err != nil || !ok {
		return Result{}, fmt.Errorf("contact change %s: organisation %s: %v", ch.ID, ch.OrgID, err)
	}
	org, ch, mails := gov.ApplyContactChange(tx.Now, b.env(tx), org, ch, by)
	if err := tx.PutOrg(org); errors.Is(err, store.ErrAddressInUse) {
		// The store's own words, naming the address and its holder: a gov.Error
		// is shown to whoever asked. Any other store error is internal.
		return Result{}, &gov.Error{Code: "address_in_use", Message: err.Error()}
	} else if err != nil {
		return Result{}, err
	}
	if err := tx.PutChange(ch); err != nil {
		return Result{}, err
	}
	if err := b.followNewAddresses(tx, org); err != nil {
		return Result{}, err
	}
	if err := b.queue(tx, mails); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "contact:applied:" + ch.ID, Replied: true}, tx.Audit("contact.apply", org.ID, by, fmt.Sprintf("%s %s: %s → %s", ch.ID, ch.Role, ch.Old.Email, ch.New.Email))
}

// ApproveChange applies or refuses a pending contact change for the Secretariat.
func (b *Bot) ApproveChange(now time.Time, id string, approve bool, actor string) (gov.ContactChange, error) {
	var ch gov.ContactChange
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var ok bool
		var err error
		if ch, ok, err = tx.Change(id); err != nil {
			return err
		} else if !ok || ch.State != "pending" {
			return &gov.Error{Code: "not_pending", Message: fmt.Sprintf("no pending contact change %q (see govbot roster changes)", id)}
		}
		if !approve {
			ch.State, ch.Decided, ch.By = "refused", now, actor
			if err := tx.PutChange(ch); err != nil {
				return err
			}
			return tx.Audit("contact.refuse", ch.OrgID, actor, ch.ID)
		}
		if _, err := b.applyChange(tx, ch, actor); err != nil {
			return err
		}
		ch, _, err = tx.Change(id)
		return err
	})
	if err == nil {
		b.kick()
	}
	return ch, err
}

// followNewAddresses makes open ballots, cases and campaigns send to the
// organisation's addresses as they are now.
func (b *Bot) followNewAddresses(tx *store.Tx, org gov.Org) error {
	var ids []string
	ballots, err := tx.Ballots()
	if err != nil {
		return err
	}
	for _, bal := range ballots {
		if !bal.Closed {
			ids = append(ids, bal.ID)
		}
	}
	cases, err := tx.Cases()
	if err != nil {
		return err
	}
	for _, c := range cases {
		if c.State.Open() {
			ids = append(ids, c.ID)
		}
	}
	campaigns, err := tx.Campaigns()
	if err != nil {
		return err
	}
	for _, c := range campaigns {
		if !c.Closed {
			ids = append(ids, c.ID)
		}
	}
	for _, id := range ids {
		v, ok, err := tx.Voter(id, org.ID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		v.Addresses = org.MailAddresses()
		if err := tx.PutVoters(id, []gov.Voter{v}); err != nil {
			return err
		}
	}
	return nil
}

var paidRE = regexp.MustCompile(`(?im)^\s*PAID\s+(\S+)\s+(\d{4})\s+(\S+)(?:\s+(.+?))?\s*$`)

// RecordPayment records a fee payment.
func (b *Bot) RecordPayment(tx *store.Tx, orgID string, p gov.Payment, actor string) error {
	org, ok, err := tx.Org(orgID)
	if err != nil {
		return err
	}
	if !ok {
		return &gov.Error{Code: "no_org", Message: fmt.Sprintf("no organisation %q on the roster", orgID)}
	}
	org.Payments = append(org.Payments, p)
	if err := tx.PutOrg(org); err != nil {
		return err
	}
	return tx.Audit("fee.paid", org.ID, actor, fmt.Sprintf("%d: %s %s", p.Year, p.Amount, p.Ref))
}

// payments handles a Secretariat mail with "PAID ORG YEAR AMOUNT [REF]" lines.
func (b *Bot) payments(tx *store.Tx, msg *mailread.Message) (Result, bool, error) {
	ms := paidRE.FindAllStringSubmatch(answer.ReplyText(msg.Text), -1)
	if len(ms) == 0 {
		return Result{}, false, nil
	}
	var done, failed []string
	for _, m := range ms {
		var year int
		fmt.Sscan(m[2], &year)
		err := b.RecordPayment(tx, strings.ToLower(m[1]), gov.Payment{Year: year, Amount: m[3], Ref: m[4], At: tx.Now}, msg.From.Email)
		if ge, ok := err.(*gov.Error); ok {
			failed = append(failed, m[1]+": "+ge.Message)
			continue
		} else if err != nil {
			return Result{}, true, err
		}
		done = append(done, fmt.Sprintf("%s %d %s", m[1], year, m[3]))
	}
	tok := ""
	mail := gov.Mail{Kind: "payment_receipt", Key: "reply/" + msg.MessageID, To: []string{msg.From.Email}, Lang: "en", Auto: gov.AutoReplied, InReplyTo: msg.MessageID, Token: tok,
		Data: gov.PaymentReceiptData{Recorded: done, Failed: failed}}
	return Result{Outcome: fmt.Sprintf("payments:%d", len(done)), Replied: true}, true, b.queue(tx, []gov.Mail{mail})
}

// gcMessage records a member's ATTEND reply to a General Conference notice.
func (b *Bot) gcMessage(tx *store.Tx, msg *mailread.Message, sender *gov.Org, meetingID, orgID string) (Result, error) {
	m, ok, err := tx.Meeting(meetingID)
	if err != nil {
		return Result{}, err
	}
	if !ok || sender == nil || sender.ID != orgID {
		return b.refuse(tx, msg, sender, gov.RefusalData{Code: gov.RefuseWrongSender, Reason: "this General Conference notice was sent to another organisation", Procedure: gov.ProcAttend}, "")
	}
	if parsed := answer.Parse(answer.ReplyText(msg.Text), answer.KindAttend); parsed.Answer != answer.Attend {
		d := gov.RefusalData{Code: gov.RefuseNoAnswer, Reason: "please reply ATTEND if your organisation attends the General Conference", Procedure: gov.ProcAttend}
		return b.refuse(tx, msg, sender, withDoubt(d, parsed), sender.Language)
	}
	if !containsString(m.Attendees, orgID) {
		m.Attendees = append(m.Attendees, orgID)
	}
	if err := tx.PutMeeting(m); err != nil {
		return Result{}, err
	}
	mail := gov.Mail{Kind: "gc_receipt", Key: "reply/" + msg.MessageID, To: []string{msg.From.Email}, Lang: sender.Language, Auto: gov.AutoReplied, InReplyTo: msg.MessageID,
		Data: gov.GCNoticeData{Meeting: m, Voter: gov.Voter{Name: sender.Name}}}
	if err := b.queue(tx, []gov.Mail{mail}); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "attend:" + meetingID, Replied: true}, tx.Audit("gc.attend", meetingID, msg.From.Email, orgID)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// OpenGC opens a General Conference on date and asks every member to reply ATTEND.
func (b *Bot) OpenGC(now, date time.Time) (gov.Meeting, error) {
	var m gov.Meeting
	err := b.DB.Update(now, func(tx *store.Tx) error {
		id, err := tx.NextMeetingID()
		if err != nil {
			return err
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		m = gov.Meeting{ID: id, Date: date}
		voters, mails := gov.GCNotice(b.env(tx), m, orgs)
		if err := tx.PutMeeting(m); err != nil {
			return err
		}
		if err := tx.PutVoters(m.ID, voters); err != nil {
			return err
		}
		if err := b.queue(tx, mails); err != nil {
			return err
		}
		return tx.Audit("gc.open", m.ID, "secretariat", date.Format("2006-01-02"))
	})
	if err == nil {
		b.kick()
	}
	return m, err
}

// GCReport measures a meeting's quorum now (7.1.2).
func (b *Bot) GCReport(tx *store.Tx, id string) (gov.GCReport, error) {
	m, ok, err := tx.Meeting(id)
	if err != nil {
		return gov.GCReport{}, err
	}
	if !ok {
		return gov.GCReport{}, &gov.Error{Code: "no_meeting", Message: fmt.Sprintf("no General Conference %q (see govbot gc list)", id)}
	}
	orgs, err := tx.Orgs()
	if err != nil {
		return gov.GCReport{}, err
	}
	return gov.GCQuorum(m, orgs, b.Countries, b.GCBase, b.Location), nil
}

// SendGCReport queues the GC quorum report to the SC and the Secretariat.
func (b *Bot) SendGCReport(tx *store.Tx, r gov.GCReport, stamp string) error {
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return err
	}
	to := append([]string{}, b.Secretariat...)
	for _, a := range gov.SCAddresses(orgs, seats) {
		if !containsString(to, a) {
			to = append(to, a)
		}
	}
	return b.queue(tx, []gov.Mail{{Kind: "gc_report", Key: "gc/" + r.Meeting + "/report/" + stamp, To: to, Lang: "en", Auto: gov.AutoGenerated, Data: r}})
}
