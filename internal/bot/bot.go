// Package bot handles one inbound message at a time: read it, understand it, decide
// with the rules of package gov, and commit the decision, its audit entry and every
// mail it causes in one store transaction. It also opens ballots and runs what is due
// (reminders, closings) at a given time.
package bot

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/render"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
)

// Limits bound what the bot accepts and how often it answers.
type Limits struct {
	MaxMessageBytes int64
	MaxAttachments  int
	// RefusalsPerDay is the most refusals one address gets in a day.
	RefusalsPerDay int
	// StrangerRefusalsPerDay is the most refusals an address not on the roster gets in a day.
	StrangerRefusalsPerDay int
	// SecretariatRefusalsPerDay is the Secretariat's own limit.
	SecretariatRefusalsPerDay int
	// BouncesBeforeMarking is how many permanent delivery failures mark an
	// address as bouncing.
	BouncesBeforeMarking int
	// StrangerRefusalsPerHour caps the refusals to all addresses not on the roster
	// together in one hour, so forged senders cannot turn the bot into a source of
	// backscatter.
	StrangerRefusalsPerHour int
	// DirectApplicationsPerHour: direct applications from unknown addresses beyond
	// this many in an hour are opened without a mail each and summarised to the
	// Secretariat in one mail the hour after.
	DirectApplicationsPerHour int
	// MaxAttempts is how often a message whose handling fails is tried before it
	// is quarantined.
	MaxAttempts int
	// MaxDepth and MaxParts bound the MIME structure read; MessageBudget the time
	// spent reading one message.
	MaxDepth      int
	MaxParts      int
	MessageBudget time.Duration
	// StrangerRawBytes caps what is kept of an unreadable message from an address
	// not on the roster; RawKeepDays is how long kept raw messages stay.
	StrangerRawBytes int64
	RawKeepDays      int
}

// Options configure a Bot.
type Options struct {
	DB          *store.DB
	Renderer    *render.Renderer
	Rules       gov.Rules
	Location    *time.Location
	Address     string // the bot's address
	Name        string // the bot's display name
	Secretariat []string
	// ReminderDays and ReminderHour: reminders.days_before and reminders.hour.
	ReminderDays []int
	ReminderHour int
	// DigestWeekday and DigestHour schedule the weekly digest; DigestOff disables it.
	DigestWeekday time.Weekday
	DigestHour    int
	DigestOff     bool
	Limits        Limits
	// FilesDir, when set, keeps every attachment received, streamed to disk under
	// its SHA-256 (the documents of applications among them).
	FilesDir string
	// CountryName maps a country as written to its configured name.
	CountryName func(string) (string, bool)
	// SCVoteDays is how long the SC votes on an application.
	SCVoteDays int
	// FeeBands are the annual fee bands (5.1.6(b)).
	FeeBands []gov.FeeBand
	// CampaignMonth and CampaignDay open the yearly re-confirmation campaign; 0 never.
	CampaignMonth time.Month
	CampaignDay   int
	// Countries are the GMS countries; GCBase the membership a GC quorum counts.
	Countries []string
	// SpecialSeats are the GC's seats beside the country seats (config special_seats).
	SpecialSeats []gov.SpecialSeat
	GCBase       gov.GCQuorumBase
	// RenewalLeadDays opens a seat's renewal this many days before its term ends;
	// RecommendDays is how long the members of its country have to recommend.
	RenewalLeadDays int
	RecommendDays   int
	// LetterFacts is applications.letter_facts: whether facts the printed
	// application forms lack are taken from the letters (LetterFactsUse, the
	// default), only suggested to the Secretariat (LetterFactsAsk), or not read
	// (LetterFactsOff).
	LetterFacts string
	// GCWarnMonths is membership.gc_warn_months: the digest warns once more than
	// this many months have passed since the last General Conference (7.1.1); 0
	// never.
	GCWarnMonths int
	// MTAllowRC is sc.mt_allow_rc: the Regional Coordinator may sit on the
	// Management Team (7.2.12).
	MTAllowRC bool
	// Trust is what a reply needs beyond its token and sender address.
	Trust trust.Config
	// SecretariatAuth is the proof a Secretariat command by mail needs beyond its
	// From address: "challenge" (default), "dmarc" or "both". ChallengeHours is how
	// long a challenge can be confirmed.
	SecretariatAuth string
	ChallengeHours  int
	Logger          *slog.Logger
	// Kick, when set, is called after a transaction queued mail.
	Kick func()
	// Inject, when set, is called before each message is decided, in its
	// transaction; an error or a panic there fails the message as a bug in a
	// handler would. For tests of the bot's isolation of failing messages.
	Inject func(*mailread.Message) error
}

// Bot is the governance pipeline.
type Bot struct {
	Options
	domain string
}

// New returns a Bot.
func New(o Options) *Bot {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.Limits.RefusalsPerDay == 0 {
		o.Limits.RefusalsPerDay = 3
	}
	if o.Limits.StrangerRefusalsPerDay == 0 {
		o.Limits.StrangerRefusalsPerDay = 1
	}
	if o.Limits.StrangerRefusalsPerHour == 0 {
		o.Limits.StrangerRefusalsPerHour = 20
	}
	if o.Limits.DirectApplicationsPerHour == 0 {
		o.Limits.DirectApplicationsPerHour = 5
	}
	if o.Limits.BouncesBeforeMarking <= 0 {
		o.Limits.BouncesBeforeMarking = 2
	}
	if o.Limits.SecretariatRefusalsPerDay == 0 {
		o.Limits.SecretariatRefusalsPerDay = 20
	}
	if o.SecretariatAuth == "" {
		o.SecretariatAuth = "challenge"
	}
	if o.ChallengeHours <= 0 {
		o.ChallengeHours = 72
	}
	if o.Limits.MaxAttempts <= 0 {
		o.Limits.MaxAttempts = 3
	}
	if o.Limits.StrangerRawBytes == 0 {
		o.Limits.StrangerRawBytes = 64 << 10
	}
	if o.Limits.RawKeepDays == 0 {
		o.Limits.RawKeepDays = 90
	}
	_, domain, _ := strings.Cut(o.Address, "@")
	if domain == "" {
		domain = "govbot.invalid"
	}
	return &Bot{Options: o, domain: strings.ToLower(domain)}
}

func (b *Bot) env(tx *store.Tx) gov.Env {
	return gov.Env{
		Rules: b.Rules, Location: b.Location, Secret: tx.Secret(), Secretariat: b.Secretariat,
		ReminderDays: b.ReminderDays, ReminderHour: b.ReminderHour, SpecialSeats: b.SpecialSeats,
	}
}

func (b *Bot) kick() {
	if b.Kick != nil {
		b.Kick()
	}
}

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// MessageID derives the Message-ID (without brackets) of the mail with key: stable, so
// a mail queued or sent twice is the same mail, and recognisable as the bot's own.
func (b *Bot) MessageID(key, token string) string {
	sum := sha256.Sum256([]byte(key))
	id := "govbot." + strings.ToLower(idEncoding.EncodeToString(sum[:15]))
	if token != "" {
		id += "." + strings.ToLower(token)
	}
	return id + "@" + b.domain
}

// IsOwnMessageID reports whether id has the form of the bot's Message-IDs.
func (b *Bot) IsOwnMessageID(id string) bool {
	id = strings.ToLower(id)
	return strings.HasPrefix(id, "govbot.") && strings.HasSuffix(id, "@"+b.domain)
}

// queue renders every mail and puts it in the outbox within tx.
func (b *Bot) queue(tx *store.Tx, mails []gov.Mail) error {
	// The SC's digest and results carry the audit log's head, so that any later
	// rewrite of the history shows against the mail (govbot audit verify --head).
	gov.SetAuditHead(mails, tx.AuditHeadHash())
	shared := map[string]render.Rendered{}
	for _, m := range mails {
		if len(m.To) == 0 {
			continue
		}
		if tx.MailQueued(m.Key) {
			continue
		}
		if err := b.tokenGoesToOwner(tx, m); err != nil {
			return err
		}
		r, ok := shared[m.Shared+"\x00"+m.Lang]
		if !ok || m.Shared == "" {
			var err error
			if r, err = b.Renderer.Render(m); err != nil {
				return err
			}
			if r.Degraded != nil {
				b.Logger.Warn("mail rendered without the echoed text", "kind", m.Kind, "key", m.Key, "err", r.Degraded)
			}
			if m.Shared != "" {
				shared[m.Shared+"\x00"+m.Lang] = r
			}
		}
		out := store.OutMail{
			Key: m.Key, Kind: m.Kind, MessageID: b.MessageID(m.Key, m.Token),
			FromName: b.Name, From: b.Address, To: m.To, Cc: m.Cc,
			Subject: r.Subject, Text: r.Text, HTML: r.HTML, Date: tx.Now,
			Attachments: m.Attachments,
		}
		auto := m.Auto
		if auto == "" {
			auto = gov.AutoGenerated
		}
		out.Headers = append(out.Headers, [2]string{"Auto-Submitted", auto}, [2]string{"X-Auto-Response-Suppress", "All"}, [2]string{"X-Govbot-Kind", m.Kind})
		if m.InReplyTo != "" && headerSafeID(m.InReplyTo) {
			out.Headers = append(out.Headers, [2]string{"In-Reply-To", "<" + m.InReplyTo + ">"})
			refs := slices.DeleteFunc(append(append([]string{}, m.References...), m.InReplyTo), func(id string) bool { return !headerSafeID(id) })
			if len(refs) > 10 {
				refs = refs[len(refs)-10:]
			}
			out.Headers = append(out.Headers, [2]string{"References", "<" + strings.Join(refs, "> <") + ">"})
		}
		if m.Token != "" {
			out.Headers = append(out.Headers, [2]string{"X-Govbot-Ref", m.Token})
		}
		if _, err := tx.Enqueue(out); err != nil {
			return err
		}
	}
	return nil
}

// tokenGoesToOwner enforces that a reference token is mailed only to whom it
// belongs: the Secretariat's tokens to the Secretariat's addresses alone (a token
// mailed to anyone else would let them act as the Secretariat). A mail that breaks
// this is a bug; the transaction fails rather than send it.
func (b *Bot) tokenGoesToOwner(tx *store.Tx, m gov.Mail) error {
	if m.Token == "" {
		return nil
	}
	_, owner, ok := tx.TokenOwner(m.Token)
	if !ok || owner != "secretariat" {
		return nil
	}
	for _, to := range append(append([]string{}, m.To...), m.Cc...) {
		if !b.isSecretariat(to) {
			return fmt.Errorf("bug: mail %s (%s) would carry the Secretariat's reference to %s", m.Key, m.Kind, to)
		}
	}
	return nil
}

// headerSafeID reports whether a Message-ID taken from an incoming message can be
// echoed in In-Reply-To and References: printable ASCII without spaces or angle
// brackets, short enough that the header stays well within RFC 5322's line limit.
func headerSafeID(id string) bool {
	if len(id) == 0 || len(id) > 250 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// OpenBallot opens a ballot at now and queues its forms.
func (b *Bot) OpenBallot(now time.Time, req gov.OpenRequest) (gov.Ballot, error) {
	var ballot gov.Ballot
	err := b.DB.Update(now, func(tx *store.Tx) error {
		var err error
		ballot, err = b.openBallot(tx, req, "secretariat")
		return err
	})
	if err == nil {
		b.kick()
	}
	return ballot, err
}

// openBallot opens a ballot within tx: the one place a ballot is stored with its
// voters and forms.
func (b *Bot) openBallot(tx *store.Tx, req gov.OpenRequest, actor string) (gov.Ballot, error) {
	bal, mails, err := b.storeBallot(tx, req)
	if err != nil {
		return gov.Ballot{}, err
	}
	if err := b.queue(tx, mails); err != nil {
		return gov.Ballot{}, err
	}
	return bal, tx.Audit("ballot.open", bal.ID, actor, fmt.Sprintf("%s; electorate %s (%d); quorum %d; closes %s; fingerprint %s",
		bal.Title, bal.Electorate, bal.ElectorateSize, bal.Rules.Threshold.HalfPlusOne(bal.QuorumBase), gov.DeadlineDate(bal.ClosesAt, b.Location), bal.Fingerprint))
}

// storeBallot opens a ballot within tx (its id the next one, unless req has one)
// and stores it with its voters; it returns the mails to queue (forms, notice), to
// which a caller may add (an SC vote's papers). Every ballot is opened here.
func (b *Bot) storeBallot(tx *store.Tx, req gov.OpenRequest) (gov.Ballot, []gov.Mail, error) {
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return gov.Ballot{}, nil, err
	}
	if req.ID == "" {
		if req.ID, err = tx.NextBallotID(); err != nil {
			return gov.Ballot{}, nil, err
		}
	}
	bal, voters, mails, err := gov.OpenBallot(tx.Now, b.env(tx), req, orgs, seats)
	if err != nil {
		return gov.Ballot{}, nil, err
	}
	if err := tx.PutBallot(bal); err != nil {
		return gov.Ballot{}, nil, err
	}
	return bal, mails, tx.PutVoters(bal.ID, voters)
}

// RunDue sends the reminders due at now and closes the ballots whose deadline passed.
// Each ballot is handled in its own transaction.
func (b *Bot) RunDue(now time.Time) error {
	var ballots []gov.Ballot
	if err := b.DB.View(func(tx *store.Tx) error {
		var err error
		ballots, err = tx.Ballots()
		return err
	}); err != nil {
		return err
	}
	var errs []error
	for _, bal := range ballots {
		if bal.Closed {
			continue
		}
		if err := b.DB.Update(now, func(tx *store.Tx) error { return b.due(tx, bal.ID) }); err != nil {
			errs = append(errs, fmt.Errorf("ballot %s: %w", bal.ID, err))
		}
	}
	var cases []gov.Application
	if err := b.DB.View(func(tx *store.Tx) error {
		var err error
		cases, err = tx.Cases()
		return err
	}); err != nil {
		return err
	}
	for _, c := range cases {
		if !c.State.Open() {
			continue
		}
		if err := b.DB.Update(now, func(tx *store.Tx) error { return b.dueCase(tx, c.ID) }); err != nil {
			errs = append(errs, fmt.Errorf("case %s: %w", c.ID, err))
		}
	}
	if err := b.DB.Update(now, b.dueSeats); err != nil {
		errs = append(errs, fmt.Errorf("SC seats: %w", err))
	}
	if err := b.DB.Update(now, b.housekeeping); err != nil {
		errs = append(errs, fmt.Errorf("housekeeping: %w", err))
	}
	if err := b.DB.Update(now, b.campaignDue); err != nil {
		errs = append(errs, fmt.Errorf("re-confirmation campaign: %w", err))
	}
	if !b.DigestOff && gov.DigestDue(now, b.Location, b.DigestWeekday, b.DigestHour) {
		if err := b.DB.Update(now, func(tx *store.Tx) error {
			_, err := b.SendDigest(tx, "")
			return err
		}); err != nil {
			errs = append(errs, fmt.Errorf("digest: %w", err))
		}
	}
	b.kick()
	return errors.Join(errs...)
}

func (b *Bot) due(tx *store.Tx, id string) error {
	bal, ok, err := tx.Ballot(id)
	if err != nil || !ok || bal.Closed {
		return err
	}
	env := b.env(tx)
	if !tx.Now.Before(bal.ClosesAt) {
		voters, err := tx.Voters(id)
		if err != nil {
			return err
		}
		votes, err := tx.Votes(id)
		if err != nil {
			return err
		}
		orgs, err := tx.Orgs()
		if err != nil {
			return err
		}
		seats, err := tx.Seats()
		if err != nil {
			return err
		}
		closed, mails := gov.CloseBallot(tx.Now, env, bal, voters, votes, orgs, seats)
		if err := tx.PutBallot(closed); err != nil {
			return err
		}
		t := closed.Tally
		// Audited before the result is queued, so the head the result carries
		// covers the closing itself.
		if err := tx.Audit("ballot.close", id, "bot", fmt.Sprintf("%s: yes %d, no %d, abstain %d; returned %d of %d; quorum %d %s; fingerprint %s",
			t.Outcome, t.Yes, t.No, t.Abstain, t.Returned(), closed.ElectorateSize, t.QuorumRequired, map[bool]string{true: "met", false: "not met"}[t.QuorumMet], closed.Fingerprint)); err != nil {
			return err
		}
		if err := b.queue(tx, mails); err != nil {
			return err
		}
		switch KindOf(closed.Case) {
		case RefCase:
			if err := b.decideCase(tx, closed); err != nil {
				return err
			}
		case RefChair:
			if err := b.decideChair(tx, closed); err != nil {
				return err
			}
		case RefNomination:
			if err := b.decideSeat(tx, closed); err != nil {
				return err
			}
		}
		b.Logger.Info("ballot closed", "ballot", id, "outcome", t.Outcome, "yes", t.Yes, "no", t.No, "abstain", t.Abstain)
		return nil
	}
	days, due := gov.DueReminder(tx.Now, env, bal)
	if !due {
		return nil
	}
	voters, err := tx.Voters(id)
	if err != nil {
		return err
	}
	mails := gov.Reminders(env, bal, days, voters, func(org string) bool { return tx.HasVoted(id, org) })
	// A reminder once due marks every longer one as done too.
	for _, d := range env.ReminderDays {
		if d >= days && !containsInt(bal.RemindersSent, d) {
			bal.RemindersSent = append(bal.RemindersSent, d)
		}
	}
	if err := tx.PutBallot(bal); err != nil {
		return err
	}
	if err := b.queue(tx, mails); err != nil {
		return err
	}
	return tx.Audit("ballot.remind", id, "bot", fmt.Sprintf("%d days before; %d mails", days, len(mails)))
}

// housekeeping sends the hourly summaries of held direct applications and expires
// the raw copies of unreadable messages kept longer than Limits.RawKeepDays.
func (b *Bot) housekeeping(tx *store.Tx) error {
	held, err := tx.HeldApplications(tx.Now.UTC().Format("2006-01-02T15"))
	if err != nil {
		return err
	}
	for hour, list := range held {
		d := gov.ApplicationsHeldData{Hour: hour + ":00 UTC", Limit: b.Limits.DirectApplicationsPerHour}
		for _, c := range list {
			d.Cases = append(d.Cases, gov.HeldCase{ID: c[0], Name: c[1], From: c[2]})
		}
		if err := b.queue(tx, []gov.Mail{{Kind: "applications_held", Key: "held/" + hour, To: b.Secretariat, Lang: "en", Auto: gov.AutoGenerated, Data: d}}); err != nil {
			return err
		}
		if err := tx.ClearHeld(hour); err != nil {
			return err
		}
		if err := tx.Audit("case.held", hour, "bot", fmt.Sprintf("%d direct applications summarised", len(list))); err != nil {
			return err
		}
	}
	n, err := tx.ExpireRaw(tx.Now.AddDate(0, 0, -b.Limits.RawKeepDays))
	if err != nil || n == 0 {
		return err
	}
	return tx.Audit("raw.expire", "", "bot", fmt.Sprintf("%d unreadable messages older than %d days removed", n, b.Limits.RawKeepDays))
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// DeliveryFailed tells the Secretariat, in tx, that mail m was given up, and marks
// its recipients' addresses as bouncing.
func (b *Bot) DeliveryFailed(tx *store.Tx, m store.OutMail, reason string) error {
	for _, addr := range append(append([]string{}, m.To...), m.Cc...) {
		if err := b.markBouncing(tx, addr, reason); err != nil {
			return err
		}
	}
	return b.queue(tx, []gov.Mail{{
		Kind: "delivery_failure", Key: "failure/" + m.MessageID, To: b.Secretariat, Lang: "en", Auto: gov.AutoGenerated,
		Data: gov.DeliveryFailureData{To: append(append([]string{}, m.To...), m.Cc...), Subject: m.Subject, Kind: m.Kind, Error: reason},
	}})
}

// Env returns the rules' view of the deployment, with tx's token secret.
func (b *Bot) Env(tx *store.Tx) gov.Env { return b.env(tx) }

// markBouncing records that mail to addr failed permanently; after
// Limits.BouncesBeforeMarking such failures the address is marked as bouncing.
func (b *Bot) markBouncing(tx *store.Tx, addr, why string) error {
	org, ok, err := tx.OrgByAddress(addr)
	if err != nil || !ok {
		return err
	}
	n, err := tx.CountRefusal("*bounce*/"+gov.NormalizeAddress(addr), "all")
	if err != nil {
		return err
	}
	if n < b.Limits.BouncesBeforeMarking {
		return tx.Audit("address.failure", org.ID, addr, fmt.Sprintf("permanent failure %d of %d before the address is marked bouncing: %s", n, b.Limits.BouncesBeforeMarking, why))
	}
	if !org.MarkBouncing(addr) {
		return nil
	}
	if err := tx.PutOrg(org); err != nil {
		return err
	}
	return tx.Audit("address.bouncing", org.ID, addr, why)
}

// Digest builds the digest of every open matter at tx.Now.
func (b *Bot) Digest(tx *store.Tx) (gov.DigestData, error) {
	ballots, err := tx.Ballots()
	if err != nil {
		return gov.DigestData{}, err
	}
	var open []gov.OpenBallotStatus
	for _, bal := range ballots {
		if bal.Closed {
			continue
		}
		voters, err := tx.Voters(bal.ID)
		if err != nil {
			return gov.DigestData{}, err
		}
		votes, err := tx.Votes(bal.ID)
		if err != nil {
			return gov.DigestData{}, err
		}
		open = append(open, gov.OpenBallotStatus{Ballot: bal, Voters: voters, Votes: votes})
	}
	d := gov.Digest(tx.Now, b.env(tx), open)
	cases, err := tx.Cases()
	if err != nil {
		return gov.DigestData{}, err
	}
	d.Cases = gov.DigestCases(cases, func(id string) int {
		ops, _ := tx.Opinions(id)
		return len(ops)
	})
	orgs, seats, err := rosterAndSC(tx)
	if err != nil {
		return d, err
	}
	for _, s := range seats {
		d.Seats = append(d.Seats, gov.DigestSeat{Seat: s.Seat, Org: nameOf(orgs, s.OrgID), TermEnd: s.TermEnd, Chair: s.Chair, Terms: s.ConsecutiveTerms, MT: s.MT})
	}
	// The Management Team (7.2.12) and when the next General Conference is due (7.1.1).
	for _, s := range gov.ManagementTeam(seats) {
		d.MT = append(d.MT, gov.DigestSeat{Seat: s.Seat, Org: nameOf(orgs, s.OrgID), TermEnd: s.TermEnd, MT: true})
	}
	d.MTSize = gov.MTSize
	meetings, err := tx.Meetings()
	if err != nil {
		return d, err
	}
	d.GC = gov.NextGC(tx.Now, b.Location, meetings, b.GCWarnMonths)
	noms, err := tx.Nominations()
	if err != nil {
		return d, err
	}
	for _, n := range noms {
		if n.Open() {
			d.Nominations = append(d.Nominations, n.View(orgs))
		}
	}
	return d, nil
}

// SendDigest queues the digest to the SC and the Secretariat: the week's digest once
// (force ""), or one more on request (force a distinct word, e.g. the time). It
// reports whether a mail was queued. A week with nothing open and no warning that
// the next General Conference is coming due (7.1.1) sends nothing unless forced.
func (b *Bot) SendDigest(tx *store.Tx, force string) (bool, error) {
	d, err := b.Digest(tx)
	if err != nil {
		return false, err
	}
	if len(d.Ballots) == 0 && len(d.Cases) == 0 && len(d.Nominations) == 0 && !d.GC.Warn && force == "" {
		return false, nil
	}
	orgs, err := tx.Orgs()
	if err != nil {
		return false, err
	}
	seats, err := tx.Seats()
	if err != nil {
		return false, err
	}
	m := gov.DigestMail(b.env(tx), d, orgs, seats, force)
	if tx.MailQueued(m.Key) {
		return false, nil
	}
	if err := b.queue(tx, []gov.Mail{m}); err != nil {
		return false, err
	}
	return true, tx.Audit("digest.send", d.Week, "bot", fmt.Sprintf("%d open ballots, %d open applications", len(d.Ballots), len(d.Cases)))
}
