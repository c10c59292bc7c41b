package bot

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/answer"
	"github.com/mekongmigration/govbot/internal/forms"
	"github.com/mekongmigration/govbot/internal/gov"
	"github.com/mekongmigration/govbot/internal/mailread"
	"github.com/mekongmigration/govbot/internal/store"
	"github.com/mekongmigration/govbot/internal/trust"
)

// The gate: every inbound message that is not a duplicate, the bot's own, a
// bounce or an auto-reply passes through gate before any procedure acts on it.
// It classifies the message once (which reference, issued to whom: a Ref), decides
// once who is speaking and how sure that is (a Principal), and looks the pair up in
// the routes table, which says for each kind of reference which roles may use it
// and with what proof. No handler is reachable except through the table, so a new
// procedure gets the gate by construction.

// Role is who a reference token was mailed to, or who the gate found speaking.
type Role string

const (
	// RoleMember: an organisation on the roster, by its contact or alternate address.
	RoleMember Role = "member"
	// RoleApplicant: an applicant, by the addresses on its application.
	RoleApplicant Role = "applicant"
	// RoleSecretariat: one of the configured Secretariat addresses.
	RoleSecretariat Role = "secretariat"
	// RoleStranger: any other address.
	RoleStranger Role = "stranger"
)

// RefKind is the kind of matter a reference token belongs to.
type RefKind string

const (
	RefBallot     RefKind = "ballot"     // B<n>: a members' or an SC ballot
	RefCase       RefKind = "case"       // A<n>: an application
	RefReconfirm  RefKind = "reconfirm"  // R<year>: the yearly re-confirmation
	RefChange     RefKind = "change"     // C<n>: a contact change
	RefMeeting    RefKind = "meeting"    // G<n>: a General Conference
	RefNomination RefKind = "nomination" // N<n>: an SC seat's nomination
	RefChallenge  RefKind = "challenge"  // X<n>: the Secretariat's confirm-by-reply
	RefChair      RefKind = "chair"      // H:<org>: the SC's election of its chair (a ballot's matter)
	RefQuery      RefKind = "query"      // no token; HELP or STATUS: answered at once, changes nothing
	RefNone       RefKind = "none"       // no known token: a command, a contact update, an application
	refUnknown    RefKind = "unknown"
)

// KindOf returns the kind of the matter with id. Ids are minted by the store with
// one prefix a kind; this is the one place that knows them.
func KindOf(id string) RefKind {
	if id == "" {
		return RefNone
	}
	switch id[0] {
	case 'B':
		return RefBallot
	case 'A':
		return RefCase
	case 'R':
		return RefReconfirm
	case 'C':
		return RefChange
	case 'G':
		return RefMeeting
	case 'N':
		return RefNomination
	case 'X':
		return RefChallenge
	case 'H':
		return RefChair
	}
	return refUnknown
}

// Ref is what a reference token found in a message stands for.
type Ref struct {
	Kind  RefKind
	ID    string // B3, A2, …; "" for RefNone
	Token string
	// Owner is whom the token was mailed to: an organisation's id, "applicant" or
	// "secretariat"; Role is that owner's role.
	Owner string
	Role  Role
}

// Principal is who the gate decided is speaking, and how sure it is.
type Principal struct {
	Role    Role
	Org     *gov.Org // the organisation, for a member
	Address string
	// Verdict is the DMARC/DKIM judgement under the trust policy, made before the
	// transaction.
	Verdict trust.Verdict
	// Confirmed: a Secretariat command replayed after its challenge was answered.
	Confirmed bool
}

// call is one message on its way through the gate to a handler.
type call struct {
	in      Inbound
	msg     *mailread.Message
	readErr error
	at      time.Time
	docx    []forms.Form
	csv     [][]byte // CSV attachments (a ROSTER command's file)
	letters []letter // the attached letters' text (letters.go)
	ref     Ref
	who     Principal
}

// sender is the organisation speaking, nil for anyone else.
func (c *call) sender() *gov.Org { return c.who.Org }

// access is how a role may use a route.
type access uint8

const (
	// own: the principal must be the token's owner: the organisation it was
	// mailed to, an address of the application it was mailed for, or the
	// Secretariat for its own tokens.
	own access = iota + 1
	// command: a Secretariat command; it acts only with proof beyond From
	// (Options.SecretariatAuth).
	command
	// open: anyone; the handler decides (an application, or a refusal).
	open
)

// route is one line of the handler table.
type route struct {
	// roles maps each role that may use the route to how.
	roles map[Role]access
	// what names the matter for refusals ("this ballot", …).
	what string
	// plan, for a command: what it would do, or why it would do nothing.
	plan   func(b *Bot, tx *store.Tx, c *call) (action string, refusal *gov.RefusalData, err error)
	handle func(b *Bot, tx *store.Tx, c *call) (Result, error)
}

type routeKey struct {
	kind RefKind
	role Role // the token's owner's role; for RefNone, the speaker's
}

// routes is the only way from the gate to a procedure. (It is filled in init: a
// confirmed challenge goes through the gate again.)
var routes map[routeKey]route

func init() {
	routes = map[routeKey]route{
		{RefBallot, RoleMember}:          {roles: map[Role]access{RoleMember: own}, what: "a voting form", handle: (*Bot).vote},
		{RefCase, RoleMember}:            {roles: map[Role]access{RoleMember: own}, what: "a notice of an application", handle: (*Bot).caseOpinion},
		{RefCase, RoleApplicant}:         {roles: map[Role]access{RoleStranger: own, RoleMember: own}, what: "an applicant's mail", handle: (*Bot).caseApplicant},
		{RefCase, RoleSecretariat}:       {roles: map[Role]access{RoleSecretariat: command}, what: "the Secretariat's mail on an application", plan: (*Bot).planCase, handle: (*Bot).caseSecretariat},
		{RefReconfirm, RoleMember}:       {roles: map[Role]access{RoleMember: own}, what: "a re-confirmation form", handle: (*Bot).reconfirm},
		{RefChange, RoleMember}:          {roles: map[Role]access{RoleMember: own, RoleSecretariat: command}, what: "a contact change", plan: (*Bot).planChange, handle: (*Bot).change},
		{RefMeeting, RoleMember}:         {roles: map[Role]access{RoleMember: own}, what: "a General Conference notice", handle: (*Bot).meeting},
		{RefNomination, RoleMember}:      {roles: map[Role]access{RoleMember: own}, what: "a nomination form", handle: (*Bot).nominationMember},
		{RefNomination, RoleSecretariat}: {roles: map[Role]access{RoleSecretariat: command}, what: "the Secretariat's mail on a nomination", plan: (*Bot).planNominate, handle: (*Bot).nominationSecretariat},
		{RefChallenge, RoleSecretariat}:  {roles: map[Role]access{RoleSecretariat: own}, what: "a confirmation request", handle: (*Bot).answerChallenge},
		{RefQuery, RoleSecretariat}:      {roles: map[Role]access{RoleSecretariat: open}, what: "HELP or STATUS", handle: (*Bot).query},
		{RefQuery, RoleMember}:           {roles: map[Role]access{RoleMember: open}, what: "HELP or STATUS", handle: (*Bot).query},
		{RefNone, RoleSecretariat}:       {roles: map[Role]access{RoleSecretariat: command}, what: "a Secretariat command", plan: (*Bot).planCommand, handle: (*Bot).secretariatCommand},
		{RefNone, RoleMember}:            {roles: map[Role]access{RoleMember: open}, what: "a member's mail", handle: (*Bot).memberMail},
		{RefNone, RoleStranger}:          {roles: map[Role]access{RoleStranger: open}, what: "mail", handle: (*Bot).strangerMail},
	}
}

// Routes lists the handler table's keys (kind and role), for tests that prove
// every route refuses forged senders.
func Routes() [][2]string {
	var out [][2]string
	for k := range routes {
		out = append(out, [2]string{string(k.kind), string(k.role)})
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	return out
}

// classify finds the first reference token in msg that the store knows: from the
// Message-IDs it answers (the bot's mails carry the token), then the subject, then
// the text.
func (b *Bot) classify(tx *store.Tx, msg *mailread.Message) Ref {
	var candidates []string
	for _, id := range append(append([]string{}, msg.InReplyTo...), msg.References...) {
		if b.IsOwnMessageID(id) {
			candidates = append(candidates, gov.FindTokens(id)...)
		}
	}
	candidates = append(candidates, gov.FindTokens(msg.Subject)...)
	candidates = append(candidates, gov.FindTokens(msg.Text)...)
	for _, t := range candidates {
		if id, owner, ok := tx.TokenOwner(t); ok {
			ref := Ref{Kind: KindOf(id), ID: id, Token: t, Owner: owner, Role: RoleMember}
			switch owner {
			case "secretariat":
				ref.Role = RoleSecretariat
			case "applicant":
				ref.Role = RoleApplicant
			}
			return ref
		}
	}
	if _, ok := parseCommand(answer.ReplyText(msg.Text), queryVerb); ok {
		return Ref{Kind: RefQuery}
	}
	return Ref{Kind: RefNone}
}

// principal decides who is speaking: the Secretariat, a member organisation or a
// stranger, by the From address, with the trust verdict made before the transaction.
func (b *Bot) principal(tx *store.Tx, msg *mailread.Message, v trust.Verdict) (Principal, error) {
	p := Principal{Role: RoleStranger, Address: msg.From.Email, Verdict: v}
	if b.isSecretariat(msg.From.Email) {
		p.Role = RoleSecretariat
		return p, nil
	}
	org, ok, err := tx.OrgByAddress(msg.From.Email)
	if err != nil {
		return p, err
	}
	if ok {
		p.Role, p.Org = RoleMember, &org
	}
	return p, nil
}

// gate checks c against the routes table and, when it may, runs its handler.
func (b *Bot) gate(tx *store.Tx, c *call) (Result, error) {
	key := routeKey{c.ref.Kind, c.ref.Role}
	if c.ref.Kind == RefNone || c.ref.Kind == RefQuery {
		key.role = c.who.Role
	}
	r, ok := routes[key]
	if !ok {
		return b.refuse(tx, c.msg, c.sender(), gov.RefusalData{Code: gov.RefuseNoReference, Reason: "the reference in your message does not match anything the bot can act on"}, "")
	}
	// Proof of the sender's domain (DMARC, DKIM), for everyone, on every route.
	if !c.who.Verdict.OK {
		return b.refuseAt(tx, c, c.who.Verdict.Code, c.who.Verdict.Reason)
	}
	how, ok := r.roles[c.who.Role]
	if !ok {
		code := gov.RefuseWrongSender
		if c.who.Role == RoleStranger {
			code = gov.RefuseNotOnRoster
		}
		return b.refuseAt(tx, c, code, b.notYours(c, r))
	}
	switch how {
	case own:
		if ok, why, err := b.owns(tx, c); err != nil {
			return Result{}, err
		} else if !ok {
			code := gov.RefuseWrongSender
			if c.ref.Kind == RefBallot && c.who.Org != nil && c.who.Org.Kind == gov.Associate {
				code, why = gov.RefuseAssociate, "associates give opinions but do not vote (ToP 5.2.2)"
			}
			return b.refuseAt(tx, c, code, why)
		}
	case command:
		action, refusal, err := r.plan(b, tx, c)
		if err != nil {
			return Result{}, err
		}
		if refusal != nil {
			return b.refuse(tx, c.msg, nil, *refusal, "en")
		}
		if proven, why := b.secretariatProof(c); !proven {
			if why != "" {
				return b.refuse(tx, c.msg, nil, gov.RefusalData{Code: "unauthenticated", Reason: why}, "en")
			}
			return b.challenge(tx, c, action)
		}
	}
	return r.handle(b, tx, c)
}

// refuseAt refuses c at the gate, naming the ballot it answers when it has one.
func (b *Bot) refuseAt(tx *store.Tx, c *call, code, reason string) (Result, error) {
	d := gov.RefusalData{Code: code, Reason: reason}
	if c.ref.Kind == RefBallot {
		if bal, ok, _ := tx.Ballot(c.ref.ID); ok {
			view := bal.View(b.Location)
			d.Ballot = &view
		}
	}
	return b.refuse(tx, c.msg, c.sender(), d, "")
}

// notYours explains why a role may not use a route.
func (b *Bot) notYours(c *call, r route) string {
	switch {
	case c.ref.Role == RoleSecretariat:
		return "this reference belongs to the Secretariat; only its addresses can use it"
	case c.ref.Role == RoleMember && c.who.Role == RoleSecretariat:
		return "this reference was mailed to a member organisation; it gives no one else any right, the Secretariat included"
	case c.ref.Role == RoleApplicant:
		return "this reference was mailed to the applicant; only the applicant's addresses can use it"
	case c.who.Role == RoleStranger:
		return "your address is not on the network's roster"
	}
	return "you cannot answer " + r.what + " sent to someone else"
}

// owns reports whether c's principal holds its token.
func (b *Bot) owns(tx *store.Tx, c *call) (bool, string, error) {
	switch c.ref.Role {
	case RoleSecretariat:
		return c.who.Role == RoleSecretariat, "this reference belongs to the Secretariat", nil
	case RoleApplicant:
		a, ok, err := tx.Case(c.ref.ID)
		if err != nil || !ok {
			return false, "the reference in your message does not match an application", err
		}
		return slices.Contains(a.ApplicantAddresses(), c.who.Address), "this reference belongs to the applicant's address", nil
	default:
		if c.who.Org != nil && c.who.Org.ID == c.ref.Owner {
			return true, "", nil
		}
		return false, "this form was sent to another organisation; only its contact or alternate address can answer it", nil
	}
}

// secretariatProof reports whether a Secretariat command may act now; when it may
// not, why is "" if a challenge can still prove it, else the reason to refuse.
func (b *Bot) secretariatProof(c *call) (bool, string) {
	v := c.who.Verdict
	dmarc := v.DMARC == "pass" || v.DKIM == "pass"
	switch b.SecretariatAuth {
	case "dmarc":
		if dmarc {
			return true, ""
		}
		return false, "the Secretariat's commands by mail need a DMARC or DKIM pass reported by the receiving server, and this message has none"
	case "both":
		if !dmarc {
			return false, "the Secretariat's commands by mail need a DMARC or DKIM pass reported by the receiving server, and this message has none"
		}
	}
	return c.who.Confirmed, ""
}

// challenge holds a Secretariat command and mails the address it came from with
// exactly what the bot is about to do and a single-use reference; it acts when that
// mail is answered CONFIRM from a Secretariat address within ChallengeHours.
func (b *Bot) challenge(tx *store.Tx, c *call, action string) (Result, error) {
	id, err := tx.NextChallengeID()
	if err != nil {
		return Result{}, err
	}
	raw, err := io.ReadAll(io.LimitReader(c.in.body(), max64(b.Limits.MaxMessageBytes, 1<<20)))
	if err != nil {
		return Result{}, err
	}
	env := b.env(tx)
	token := gov.Token(env.Secret, id, "secretariat")
	if err := tx.PutTokenOwner(token, id, "secretariat"); err != nil {
		return Result{}, err
	}
	ch := store.Challenge{ID: id, MessageID: c.msg.MessageID, Address: c.who.Address, Action: action,
		Created: tx.Now, Expires: tx.Now.Add(time.Duration(b.ChallengeHours) * time.Hour), State: "pending"}
	if err := tx.PutChallenge(ch, raw); err != nil {
		return Result{}, err
	}
	mail := gov.Mail{Kind: "secretariat_challenge", Key: "challenge/" + id, To: []string{c.who.Address}, Lang: "en", Auto: gov.AutoReplied,
		InReplyTo: c.msg.MessageID, Token: token,
		Data: gov.ChallengeData{ID: id, Token: token, Action: action, Expires: ch.Expires, Subject: c.msg.Subject}}
	if err := b.queue(tx, []gov.Mail{mail}); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "challenge:" + id, Replied: true}, tx.Audit("secretariat.challenge", id, c.who.Address, action)
}

var (
	challengeYesRE = regexp.MustCompile(`(?im)^\W*(confirm(ed)?|yes|ok|approve[d]?)\b`)
	challengeNoRE  = regexp.MustCompile(`(?im)^\W*(cancel(led)?|no|refuse|reject)\b`)
)

// answerChallenge runs a held Secretariat command when its challenge is answered
// CONFIRM (or drops it on CANCEL). The command passes through the gate again, as
// the Secretariat, now proven.
func (b *Bot) answerChallenge(tx *store.Tx, c *call) (Result, error) {
	ch, raw, ok, err := tx.ChallengeWithRaw(c.ref.ID)
	if err != nil {
		return Result{}, err
	}
	refuse := func(code, reason string) (Result, error) {
		return b.refuse(tx, c.msg, nil, gov.RefusalData{Code: code, Reason: reason}, "en")
	}
	switch {
	case !ok:
		return refuse(gov.RefuseNoReference, "no such confirmation request")
	case ch.State != "pending":
		return refuse("challenge_used", fmt.Sprintf("confirmation request %s was already answered (%s); send the command again to act again", ch.ID, ch.State))
	case tx.Now.After(ch.Expires):
		ch.State, ch.Decided = "expired", tx.Now
		if err := tx.PutChallenge(ch, nil); err != nil {
			return Result{}, err
		}
		return refuse("challenge_expired", fmt.Sprintf("confirmation request %s expired at %s; send the command again", ch.ID, ch.Expires.In(b.Location).Format("2006-01-02 15:04")))
	}
	reply := answer.ReplyText(c.msg.Text)
	yes, no := challengeYesRE.MatchString(reply), challengeNoRE.MatchString(reply)
	switch {
	case no && !yes:
		ch.State, ch.Decided, ch.Outcome = "cancelled", tx.Now, "cancelled by "+c.who.Address
		if err := tx.PutChallenge(ch, nil); err != nil {
			return Result{}, err
		}
		return Result{Outcome: "cancelled:" + ch.ID}, tx.Audit("secretariat.cancel", ch.ID, c.who.Address, ch.Action)
	case !yes || no:
		return refuse(gov.RefuseNoAnswer, "reply CONFIRM to do what the request says, or CANCEL")
	}
	// Run the held command again through the gate, as the Secretariat, proven.
	p := b.prepare(tx.Now, Inbound{Raw: raw, Received: ch.Created})
	defer p.removeFiles()
	p.msg.MessageID = ch.MessageID
	held := &call{in: p.in, msg: p.msg, readErr: p.readErr, at: p.at, docx: p.docx, csv: p.csv}
	held.ref = b.classify(tx, p.msg)
	held.letters = p.letters
	held.who = Principal{Role: RoleSecretariat, Address: ch.Address, Verdict: c.who.Verdict, Confirmed: true}
	res, err := b.gate(tx, held)
	if err != nil {
		return Result{}, err
	}
	if b.FilesDir != "" && accepted(res) {
		if err := b.keepFiles(p); err != nil {
			return Result{}, err
		}
	}
	ch.State, ch.Decided, ch.Outcome = "done", tx.Now, res.Outcome
	if err := tx.PutChallenge(ch, nil); err != nil {
		return Result{}, err
	}
	if err := tx.Audit("secretariat.confirm", ch.ID, c.who.Address, ch.Action+" → "+res.Outcome); err != nil {
		return Result{}, err
	}
	return Result{Outcome: "confirmed:" + ch.ID + ":" + res.Outcome, Replied: res.Replied}, nil
}
