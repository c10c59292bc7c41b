package gov

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Application kinds: the three forms at the end of the ToP.
const (
	AppRegular             = "regular"              // 6.1-6.4
	AppAssociateOrg        = "associate_org"        // 6.5-6.7
	AppAssociateIndividual = "associate_individual" // 6.5-6.7
)

// CaseState is where an application stands.
type CaseState string

const (
	// CaseUnconfirmed: the applicant wrote in directly; the Secretariat must confirm
	// the application is genuine before anything goes to members.
	CaseUnconfirmed CaseState = "awaiting_confirmation"
	// CaseIncomplete: fields or documents are missing (6.1-6.3); the case waits.
	CaseIncomplete CaseState = "incomplete"
	// CaseHeld: nothing is missing on the applicant's side, but the Secretariat is
	// asked something first (Application.Questions): a fact the ToP's printed form
	// has no field for, or whether a regular applicant is GMS-based (5.1.1).
	CaseHeld CaseState = "held"
	// CaseOpinions: the notice went to all members; their opinion window is open (6.4).
	CaseOpinions CaseState = "opinions"
	// CaseSCVote: the SC is voting (6.4, 7.2.5).
	CaseSCVote CaseState = "sc_vote"
	// CaseSCPending: the SC's vote had no quorum; a new vote is needed.
	CaseSCPending CaseState = "sc_pending"
	CaseAccepted  CaseState = "accepted"
	CaseRefused   CaseState = "refused"
	CaseWithdrawn CaseState = "withdrawn"
)

// Open reports whether the case still needs action.
func (s CaseState) Open() bool {
	return s != CaseAccepted && s != CaseRefused && s != CaseWithdrawn
}

// Document is a document received for an application.
type Document struct {
	Key    string `json:"key"` // constitution, annual_report, endorsement, other
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
}

// RequiredDocuments are the documents a regular membership application needs
// (6.1, 6.3).
var RequiredDocuments = []string{"constitution", "annual_report", "endorsement"}

// Application is a case: one organisation's (or person's) application (rules.md §A, §B).
type Application struct {
	ID        string            `json:"id"`
	Kind      string            `json:"kind"`
	State     CaseState         `json:"state"`
	Name      string            `json:"name"`
	Country   string            `json:"country"`
	Language  string            `json:"language"`
	Chair     string            `json:"chair,omitempty"`
	Contact   Person            `json:"contact"`
	Alternate Person            `json:"alternate,omitempty"`
	Income    int64             `json:"annual_income_usd,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	Documents []Document        `json:"documents,omitempty"`
	AgreedToP bool              `json:"agreed_top"`
	// Endorser is the roster id of the endorsing member; EndorserText what the form said.
	Endorser     string `json:"endorser,omitempty"`
	EndorserText string `json:"endorser_text,omitempty"`
	// EndorsedFromAbroad: the endorser is of another GMS country (6.3): accepted and
	// flagged to the SC.
	EndorsedFromAbroad bool `json:"endorsed_from_abroad,omitempty"`
	DocumentsDeclared  bool `json:"documents_declared,omitempty"` // the Secretariat declared them complete
	// Missing lists the applicant's omissions (6.1-6.3): the applicant is told.
	Missing []string `json:"missing,omitempty"`
	// Questions are what the Secretariat is asked, not the applicant: facts the
	// ToP's printed form has no field for (FormLacks) that no letter gave, and
	// whether a regular applicant outside the network's countries is GMS-based
	// (5.1.1). The case waits for the answers as for Missing.
	Questions []Question `json:"questions,omitempty"`
	// Asked are the keys of the questions already mailed to the Secretariat.
	Asked []string `json:"asked,omitempty"`
	// Suggested holds, by key, what the bot read in the cover letter or the
	// attached letters but did not take (applications.letter_facts: ask, or more
	// than one candidate): shown with the question, for the Secretariat to confirm.
	Suggested map[string]string `json:"suggested,omitempty"`
	// ReadFrom says, by key, where a fact the printed form lacks was read: "the
	// cover letter", "letter endorsement.pdf".
	ReadFrom map[string]string `json:"read_from,omitempty"`
	// Direct is true when the applicant wrote in rather than the Secretariat.
	Direct    bool      `json:"direct,omitempty"`
	OpenedAt  time.Time `json:"opened_at"`
	Confirmed bool      `json:"confirmed"`
	// CompleteAt is the date of the letter telling the applicant all documents were
	// received: the six-month clock starts (6.4).
	CompleteAt    time.Time `json:"complete_at,omitzero"`
	OpinionsClose time.Time `json:"opinions_close,omitzero"`
	DecisionDue   time.Time `json:"decision_due,omitzero"`
	Objections    int       `json:"objections"`
	SCBallot      string    `json:"sc_ballot,omitempty"`
	RemindersSent []int     `json:"reminders_sent,omitempty"`
	WarningsSent  []string  `json:"warnings_sent,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	SCNote        string    `json:"sc_note,omitempty"`
	OrgID         string    `json:"org_id,omitempty"` // on the roster, once accepted
}

// Opinion is a member's opinion on an application (6.4). Confidential to the SC.
type Opinion struct {
	OrgID     string    `json:"org_id"`
	OrgName   string    `json:"org_name"`
	Kind      string    `json:"kind"` // support, object, comment
	Reasons   string    `json:"reasons"`
	At        time.Time `json:"at"` // when the server received it: the deadline's test
	From      string    `json:"from"`
	MessageID string    `json:"message_id"`
	// RecordedAt is when the bot recorded it (the transaction's clock), which
	// receipts and the SC's papers show; zero in an opinion stored before it was
	// kept (see Recorded).
	RecordedAt time.Time `json:"recorded_at,omitzero"`
}

// Recorded is when the bot recorded o: RecordedAt, or At for an opinion stored
// without it.
func (o Opinion) Recorded() time.Time {
	if o.RecordedAt.IsZero() {
		return o.At
	}
	return o.RecordedAt
}

// ApplicationView is what templates show of a case.
type ApplicationView struct {
	ID, Kind, KindLabel, Name, Country, State string
	Contact                                   Person
	OpinionsClose, DecisionDue, CompleteAt    time.Time
	EndorsedFromAbroad                        bool
	Endorser                                  string
	Objections                                int
	Missing                                   []string
	Questions                                 []Question
	Documents                                 []Document
}

// Question is one thing the Secretariat is asked about a case (rules.md,
// Thresholds: "The procedure needs a fact the printed form lacks", "Regular
// members are GMS-based"). Why and Reply are English: the Secretariat's mail is.
type Question struct {
	// Key is the fact asked for: country, endorser, contact_email,
	// alternate_email, email; or gms_based.
	Key string `json:"key"`
	// Why is the question: "The ToP form has no country field".
	Why string `json:"why"`
	// Reply is what to answer with: "Country: …".
	Reply string `json:"reply"`
	// Read is what the bot read in the letters, to confirm or correct.
	Read string `json:"read,omitempty"`
}

// KindLabel names an application kind in English.
func KindLabel(kind string) string {
	switch kind {
	case AppRegular:
		return "regular membership"
	case AppAssociateOrg:
		return "associate membership (organisation)"
	case AppAssociateIndividual:
		return "associate membership (individual)"
	}
	return "membership"
}

// View returns what templates show of a.
func (a Application) View() ApplicationView {
	return ApplicationView{
		ID: a.ID, Kind: a.Kind, KindLabel: KindLabel(a.Kind), Name: a.Name, Country: a.Country, State: string(a.State),
		Contact: a.Contact, OpinionsClose: a.OpinionsClose, DecisionDue: a.DecisionDue, CompleteAt: a.CompleteAt,
		EndorsedFromAbroad: a.EndorsedFromAbroad, Endorser: a.EndorserText, Objections: a.Objections,
		Missing: a.Missing, Questions: a.Questions, Documents: a.Documents,
	}
}

// ApplicantAddresses returns where the applicant is written to.
func (a Application) ApplicantAddresses() []string {
	var out []string
	for _, e := range []string{a.Contact.Email, a.Alternate.Email} {
		if e = NormalizeAddress(e); e != "" && !contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// Concerned returns the roster organisations the application is from: the member
// it made (OrgID), or one already on the roster (an associate applying to be a
// regular member, say) that shares the applicant's contact or alternate address or
// bears its name. Those holding an SC seat are left out of the SC's vote on the
// case and get neither its papers nor the opinions on it (Rules.RecuseConcerned).
func (a Application) Concerned(orgs []Org) []string {
	var out []string
	name := strings.Join(strings.Fields(strings.ToLower(a.Name)), " ")
	addrs := a.ApplicantAddresses()
	for _, o := range orgs {
		same := o.ID == a.OrgID && a.OrgID != "" ||
			name != "" && strings.Join(strings.Fields(strings.ToLower(o.Name)), " ") == name ||
			slices.ContainsFunc(addrs, o.HasAddress)
		if same && !contains(out, o.ID) {
			out = append(out, o.ID)
		}
	}
	return out
}

// HasDocument reports whether a document of key was received.
func (a Application) HasDocument(key string) bool {
	return slices.ContainsFunc(a.Documents, func(d Document) bool { return d.Key == key })
}

// FormLacks returns the facts the procedure needs that the ToP's printed form of
// kind has no field for (the forms at the end of the ToP; rules.md, Thresholds):
// the regular form asks for no country, no endorser and no e-mail address, the
// associate forms for no country. When the form sent does not give one, it is
// not the applicant's omission: the bot looks for it in the cover letter and the
// attached letters, and asks the Secretariat for what it could not read.
func FormLacks(kind string) []string {
	switch kind {
	case AppRegular:
		return []string{"contact_email", "alternate_email", "country", "endorser"}
	case AppAssociateOrg, AppAssociateIndividual:
		return []string{"country"}
	}
	return nil
}

// Checklist is what CheckCompleteness checks a case against.
type Checklist struct {
	// Required are the keys the form of the case's kind must fill
	// (forms.RequiredKeys): fields, "doc_…" documents and "agree_top".
	Required []string
	// Countries are the network's GMS countries (network.countries): a regular
	// applicant based elsewhere is held for the Secretariat (5.1.1). Empty: not
	// checked.
	Countries []string
}

// The questions to the Secretariat, by key: why it is asked and what to reply.
var questions = map[string]Question{
	"country":         {Why: "The ToP form has no country field", Reply: "Country: …"},
	"endorser":        {Why: "The ToP form has no endorser field, and no endorsing regular member could be read from the letters (6.3)", Reply: "Endorsed by: … (the endorsing regular member's name or roster id)"},
	"contact_email":   {Why: "The ToP form has no email field for the designated contact person", Reply: "Email (contact person): …"},
	"alternate_email": {Why: "The ToP form has no email field for the alternate contact person", Reply: "Email (alternate contact person): …"},
}

// CheckCompleteness fills a.Missing (the applicant's omissions: fields, documents,
// agreement to the ToP, a valid endorser), a.Questions (what the Secretariat is
// asked: facts the printed form lacks, and whether a regular applicant outside
// check.Countries is GMS-based, 5.1.1) and the endorser's flags, from the roster
// at now (6.1-6.3).
func CheckCompleteness(now time.Time, env Env, a Application, orgs []Org, check Checklist) Application {
	a.Missing, a.Questions = nil, nil
	lacks := FormLacks(a.Kind)
	ask := func(key string) {
		q := questions[key]
		q.Key, q.Read = key, a.Suggested[key]
		a.Questions = append(a.Questions, q)
	}
	for _, k := range check.Required {
		switch {
		case strings.HasPrefix(k, "doc_"):
			if a.Kind == AppRegular && !a.DocumentsDeclared && !a.HasDocument(strings.TrimPrefix(k, "doc_")) {
				a.Missing = append(a.Missing, k)
			}
		case k == "agree_top":
			if !a.AgreedToP {
				a.Missing = append(a.Missing, k)
			}
		default:
			switch {
			case strings.TrimSpace(a.Fields[k]) != "":
			case slices.Contains(lacks, k):
				ask(k)
			default:
				a.Missing = append(a.Missing, k)
			}
		}
	}
	a.EndorsedFromAbroad = false
	if a.Kind == AppRegular {
		e, ok := findEndorser(a, orgs)
		switch {
		case !ok && strings.TrimSpace(a.EndorserText) == "":
			// The printed form has no endorser field: the letters did not name one.
			ask("endorser")
			a.Endorser = ""
		case !ok:
			a.Missing = append(a.Missing, "endorser")
			a.Endorser = ""
		case !env.Rules.HasVotingRights(e, now, env.Location):
			a.Missing = append(a.Missing, "endorser_voting_rights")
			a.Endorser = e.ID
		default:
			a.Endorser = e.ID
			a.EndorsedFromAbroad = !strings.EqualFold(e.Country, a.Country)
		}
		if c := strings.TrimSpace(a.Country); c != "" && len(check.Countries) > 0 &&
			!slices.ContainsFunc(check.Countries, func(g string) bool { return strings.EqualFold(g, c) }) {
			// 5.1.1: regular membership is open to GMS-based organisations; an
			// associate may be anywhere (5.2.1).
			a.Questions = append(a.Questions, Question{Key: "gms_based",
				Why: fmt.Sprintf("Regular members are GMS-based organisations (ToP 5.1.1), and the application gives the country as %q, which is not one of the network's countries (%s); an associate may be anywhere (5.2.1)",
					c, strings.Join(check.Countries, ", ")),
				Reply: "Country: … (the GMS country where the organisation is based), or WITHDRAW (it may apply as an associate instead)"})
		}
	}
	return a
}

// findEndorser finds the roster member named as endorser: by id, name or address.
func findEndorser(a Application, orgs []Org) (Org, bool) {
	want := strings.ToLower(strings.TrimSpace(a.EndorserText))
	if want == "" {
		return Org{}, false
	}
	for _, o := range orgs {
		if o.Kind != Regular {
			continue
		}
		if strings.ToLower(o.ID) == want || strings.ToLower(o.Name) == want || o.HasAddress(want) ||
			strings.Contains(want, strings.ToLower(o.Name)) && len(o.Name) > 3 {
			return o, true
		}
	}
	return Org{}, false
}

// ApplicationData is the data of the mails about a case to the Secretariat, the
// applicant and the SC.
type ApplicationData struct {
	Case   ApplicationView
	Token  string
	Fields []Field
	// Reason is free text: a warning, the SC's note.
	Reason string
	Tally  *Tally
	// Objections are listed first in the SC's papers (6.4: "due respect").
	Objections []Opinion
	Opinions   []Opinion

	// AuditHead is the audit log's head hash, printed in case_outcome_sc only (see
	// DigestData.AuditHead).
	AuditHead string
}

// Field is a labelled value shown in a receipt.
type Field struct{ Label, Value string }

// CaseNoticeData is the data of the notice to a member and its opinion form.
type CaseNoticeData struct {
	Case     ApplicationView
	Voter    Voter
	Token    string
	Reminder int
}

// OpinionData is the data of mails about one opinion.
type OpinionData struct {
	Case    ApplicationView
	Opinion Opinion
	Token   string
	// Replaced is the kind of opinion this one replaced, if any.
	Replaced string
	// Line is the reply's line the opinion was read from (receipts only).
	Line string
}

// ApplicationToken is the token the Secretariat (who "secretariat") or the applicant
// ("applicant") use to write about case id.
func ApplicationToken(env Env, id, who string) string { return Token(env.Secret, id, who) }

// Intake decides what happens to a new application: a receipt to the Secretariat
// with what was read, then either a request to confirm a direct application, a list
// of what is missing, the Secretariat's questions, or the notice (when complete).
func Intake(now time.Time, env Env, a Application, fields []Field, orgs []Org, seats []Seat, check Checklist) (Application, []Voter, []Mail) {
	a.OpenedAt = now
	a = CheckCompleteness(now, env, a, orgs, check)
	secToken := ApplicationToken(env, a.ID, "secretariat")
	var voters []Voter
	var more []Mail
	if a.Direct && !a.Confirmed {
		a.State = CaseUnconfirmed
		more = []Mail{{
			Kind: "application_confirm", Key: "case/" + a.ID + "/confirm", To: env.Secretariat, Lang: "en",
			Auto: AutoGenerated, Token: secToken, Data: ApplicationData{Case: a.View(), Token: secToken, Fields: fields},
		}}
	} else {
		a, voters, more = Advance(now, env, a, orgs, seats)
	}
	// The receipt comes first and shows the state intake left the case in.
	receipt := Mail{
		Kind: "application_receipt", Key: "case/" + a.ID + "/receipt", To: env.Secretariat, Lang: "en",
		Auto: AutoGenerated, Token: secToken,
		Data: ApplicationData{Case: a.View(), Token: secToken, Fields: fields},
	}
	return a, voters, append([]Mail{receipt}, more...)
}

// Advance moves a confirmed case on after a change: it lists what is missing to
// the Secretariat and the applicant, asks the Secretariat what it has not been
// asked yet (Application.Questions), or, when complete, starts the opinion window
// with the notice to all members and the letter to the applicant (6.4).
func Advance(now time.Time, env Env, a Application, orgs []Org, seats []Seat) (Application, []Voter, []Mail) {
	if a.State != CaseIncomplete && a.State != CaseHeld && a.State != "" && a.State != CaseUnconfirmed {
		return a, nil, nil
	}
	if len(a.Missing) > 0 || len(a.Questions) > 0 {
		a.State = CaseIncomplete
		if len(a.Missing) == 0 {
			a.State = CaseHeld
		}
		secToken := ApplicationToken(env, a.ID, "secretariat")
		appToken := ApplicationToken(env, a.ID, "applicant")
		var mails []Mail
		if len(a.Missing) > 0 {
			key := "case/" + a.ID + "/missing/" + strings.Join(a.Missing, ",")
			mails = append(mails, Mail{Kind: "application_missing", Key: key + "/secretariat", To: env.Secretariat, Lang: "en", Auto: AutoGenerated, Token: secToken,
				Data: ApplicationData{Case: a.View(), Token: secToken}})
			if to := a.ApplicantAddresses(); len(to) > 0 {
				mails = append(mails, Mail{Kind: "application_missing", Key: key + "/applicant", To: to, Lang: langOr(a.Language), Auto: AutoGenerated, Token: appToken,
					Data: ApplicationData{Case: a.View(), Token: appToken}})
			}
		}
		// The Secretariat is asked once for each question; the mail lists them all.
		var keys []string
		fresh := false
		for _, q := range a.Questions {
			keys = append(keys, q.Key)
			fresh = fresh || !slices.Contains(a.Asked, q.Key)
		}
		a.Asked = keys
		if fresh {
			mails = append(mails, Mail{Kind: "application_question", Key: "case/" + a.ID + "/question/" + strings.Join(keys, ",") + "/" + now.UTC().Format("20060102T150405"), To: env.Secretariat, Lang: "en",
				Auto: AutoGenerated, Token: secToken, Data: ApplicationData{Case: a.View(), Token: secToken}})
		}
		return a, nil, mails
	}
	a.Asked = nil
	// Complete: the clocks start (6.4).
	a.State = CaseOpinions
	a.CompleteAt = now
	local := now.In(env.Location)
	a.OpinionsClose = EndOfDay(local.AddDate(0, 1, 0))
	a.DecisionDue = EndOfDay(local.AddDate(0, 6, 0))
	view := a.View()
	appToken := ApplicationToken(env, a.ID, "applicant")
	var mails []Mail
	if to := a.ApplicantAddresses(); len(to) > 0 {
		mails = append(mails, Mail{Kind: "application_letter", Key: "case/" + a.ID + "/letter", To: to, Lang: langOr(a.Language), Auto: AutoGenerated, Token: appToken,
			Data: ApplicationData{Case: view, Token: appToken}})
	}
	var voters []Voter
	for _, o := range orgs {
		v := voterOf(o)
		v.Token = Token(env.Secret, a.ID, o.ID)
		voters = append(voters, v)
		for _, addr := range v.Addresses {
			mails = append(mails, Mail{Kind: "case_notice", Key: "case/" + a.ID + "/notice/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language,
				Auto: AutoGenerated, Token: v.Token, Data: CaseNoticeData{Case: view, Voter: v, Token: v.Token}})
		}
	}
	mails = append(mails, Mail{Kind: "case_opened_sc", Key: "case/" + a.ID + "/sc-opened", To: officers(env, orgs, seats), Lang: "en", Auto: AutoGenerated,
		Data: ApplicationData{Case: view}})
	return a, voters, mails
}

func langOr(l string) string {
	if l == "" {
		return "en"
	}
	return l
}

// OpinionInput is a member's reply to a case notice.
type OpinionInput struct {
	At        time.Time // when the server received it
	Recorded  time.Time // when the bot records it (Opinion.RecordedAt)
	From      string
	MessageID string
	Kind      string // support, object, comment, or ""
	Ambiguous bool
	Reasons   string
	Sender    *Org
	// Line is the reply's line the opinion was read from, shown in the receipt.
	Line string
}

// ReasonWords counts the words of s. Thai, Lao, Khmer and Burmese are written
// without spaces between words, and Chinese, Japanese and Korean without spaces at
// all, so a run of such letters counts one word for every four letters (every two
// Han, kana or Hangul characters), at least one; vowel signs and tone marks are not
// letters and do not count. "คัดค้าน" is one word; "คัดค้าน เพราะองค์กรนี้ไม่ได้
// ทำงานกับแรงงานข้ามชาติ" is several.
func ReasonWords(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		wide, unspaced, other := 0, 0, 0
		for _, r := range f {
			switch {
			case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
				wide++
			case unicode.In(r, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) && unicode.IsLetter(r):
				unspaced++
			case unicode.IsLetter(r) || unicode.IsDigit(r):
				other++
			}
		}
		switch {
		case wide+unspaced == 0:
			if other > 0 {
				n++
			}
		default:
			n += max(1, wide/2+unspaced/4)
		}
	}
	return n
}

// RecordOpinion decides a member's opinion on case a. prev is its earlier opinion;
// objections counts valid objections so far. It returns the opinion to store (nil
// when not recorded) and the mails: a receipt or a refusal to the sender, the opinion
// in full to the SC, and on the first valid objection a notice to all members that
// there has been one, without who or what (6.4). An applicant holding an SC seat
// is not sent the opinions on itself (Rules.RecuseConcerned).
func RecordOpinion(env Env, a Application, voter Voter, prev *Opinion, in OpinionInput, orgs []Org, seats []Seat) (*Opinion, []Mail) {
	view := a.View()
	refuse := func(code, reason string) (*Opinion, []Mail) {
		return nil, []Mail{Refuse(in.From, in.MessageID, langOf(in.Sender, voter.Language), RefusalData{Code: code, Reason: reason, Procedure: ProcOpinion, Case: &view})}
	}
	switch {
	case a.State != CaseOpinions || !in.At.Before(a.OpinionsClose):
		return refuse(RefuseLate, fmt.Sprintf("opinions on application %s closed at the end of %s", a.ID, DeadlineDate(a.OpinionsClose, env.Location)))
	case in.Sender == nil:
		return refuse(RefuseNotOnRoster, "your address is not on the network's roster")
	case in.Sender.ID != voter.OrgID:
		return refuse(RefuseWrongSender, "this opinion form was sent to another organisation; only its contact or alternate can answer it")
	case in.Ambiguous:
		return refuse(RefuseAmbiguous, "your reply holds more than one of SUPPORT, OBJECT and COMMENT; please reply with one")
	case in.Kind == "":
		return refuse(RefuseNoAnswer, "we found no opinion in your reply; please reply with SUPPORT, OBJECT (with your reasons) or COMMENT above the quoted text")
	}
	minWords := env.Rules.ObjectionMinWords
	if minWords <= 0 {
		minWords = DefaultRules().ObjectionMinWords
	}
	if in.Kind == "object" && ReasonWords(in.Reasons) < minWords+1 {
		// 6.4: an objection must be specific with a clear explanation of reasons.
		return nil, []Mail{{
			Kind: "opinion_needs_reasons", Key: "reply/" + in.MessageID, To: []string{in.From}, Lang: voter.Language, Auto: AutoReplied,
			InReplyTo: in.MessageID, Token: voter.Token,
			Data: OpinionData{Case: view, Token: voter.Token, Opinion: Opinion{OrgID: voter.OrgID, OrgName: voter.Name, Kind: in.Kind, Reasons: in.Reasons}},
		}}
	}
	op := &Opinion{OrgID: voter.OrgID, OrgName: voter.Name, Kind: in.Kind, Reasons: strings.TrimSpace(in.Reasons), At: in.At, From: NormalizeAddress(in.From), MessageID: in.MessageID, RecordedAt: in.Recorded}
	replaced := ""
	if prev != nil {
		replaced = prev.Kind
	}
	mails := []Mail{
		{Kind: "opinion_receipt", Key: "reply/" + in.MessageID, To: []string{in.From}, Lang: voter.Language, Auto: AutoReplied, InReplyTo: in.MessageID, Token: voter.Token,
			Data: OpinionData{Case: view, Opinion: *op, Token: voter.Token, Replaced: replaced, Line: in.Line}},
		{Kind: "opinion_to_sc", Key: "case/" + a.ID + "/opinion/" + in.MessageID, To: SCRecipients(env, orgs, seats, a.Concerned(orgs)...), Lang: "en", Auto: AutoGenerated,
			Data: OpinionData{Case: view, Opinion: *op, Replaced: replaced}},
	}
	return op, mails
}

// ObjectionNotice is the notice to all members that there has been an objection:
// never who, never what (6.4).
func ObjectionNotice(env Env, a Application, orgs []Org) []Mail {
	view := a.View()
	var mails []Mail
	for _, o := range orgs {
		for _, addr := range o.MailAddresses() {
			mails = append(mails, Mail{Kind: "objection_notice", Key: "case/" + a.ID + "/objection-notice/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language, Shared: "case/" + a.ID + "/objection-notice",
				Auto: AutoGenerated, Data: ApplicationData{Case: view}})
		}
	}
	return mails
}

// CaseDue is what is due on a case at now.
type CaseDue struct {
	Reminder int    // days before the opinion window closes; 0 none
	OpenSC   bool   // the opinion window has closed: the SC votes
	Warning  string // "one_month" or "deadline": the SC has not decided (6.4)
}

// DueOnCase says what is due on case a at now.
func DueOnCase(now time.Time, env Env, a Application) CaseDue {
	var d CaseDue
	switch a.State {
	case CaseOpinions:
		if !now.Before(a.OpinionsClose) {
			d.OpenSC = true
			break
		}
		fake := Ballot{OpenedAt: a.CompleteAt, ClosesAt: a.OpinionsClose, RemindersSent: a.RemindersSent}
		if days, ok := DueReminder(now, env, fake); ok {
			d.Reminder = days
		}
	}
	if a.State.Open() && a.State != CaseUnconfirmed && a.State != CaseIncomplete && a.State != CaseHeld && !a.DecisionDue.IsZero() {
		switch {
		case !now.Before(a.DecisionDue) && !slices.Contains(a.WarningsSent, "deadline"):
			d.Warning = "deadline"
		case !now.Before(a.DecisionDue.In(env.Location).AddDate(0, -1, 0)) && !slices.Contains(a.WarningsSent, "one_month") && now.Before(a.DecisionDue):
			d.Warning = "one_month"
		}
	}
	return d
}

// OpinionReminders remind the members who have not given an opinion.
func OpinionReminders(env Env, a Application, days int, voters []Voter, answered func(string) bool) []Mail {
	view := a.View()
	var mails []Mail
	for _, v := range voters {
		if answered(v.OrgID) {
			continue
		}
		for _, addr := range v.Addresses {
			mails = append(mails, Mail{Kind: "opinion_reminder", Key: fmt.Sprintf("case/%s/reminder/%d/%s/%s", a.ID, days, v.OrgID, addr), To: []string{addr}, Lang: v.Language,
				Auto: AutoGenerated, Token: v.Token, Data: CaseNoticeData{Case: view, Voter: v, Token: v.Token, Reminder: days}})
		}
	}
	return mails
}

// CaseWarning warns the SC and the Secretariat that the six-month clock is running out
// (one month before) or has run out (6.4).
func CaseWarning(env Env, a Application, which string, orgs []Org, seats []Seat) Mail {
	reason := "one month is left before the six-month deadline for the SC's decision"
	if which == "deadline" {
		reason = "the six-month deadline for the SC's decision has passed without a decision"
	}
	return Mail{Kind: "case_warning", Key: "case/" + a.ID + "/warning/" + which, To: officers(env, orgs, seats), Lang: "en", Auto: AutoGenerated,
		Data: ApplicationData{Case: a.View(), Reason: reason}}
}

// SCQuestion is the question of the SC's ballot on case a, with its papers: every
// objection first (6.4: the SC gives due respect to objections), then the other
// opinions.
func SCQuestion(a Application, opinions []Opinion) (title, question string) {
	title = fmt.Sprintf("Application %s: %s (%s)", a.ID, a.Name, KindLabel(a.Kind))
	var b strings.Builder
	fmt.Fprintf(&b, "Do you accept %s (%s) for %s?", a.Name, a.Country, KindLabel(a.Kind))
	if a.EndorsedFromAbroad {
		b.WriteString(" Note: the endorsement comes from a member of another GMS country (ToP 6.3).")
	}
	objections, others := SplitOpinions(opinions)
	if len(objections) > 0 {
		fmt.Fprintf(&b, " UNDER INVESTIGATION: %d objection(s), listed first in the papers sent to the SC.", len(objections))
	}
	fmt.Fprintf(&b, " Members' opinions: %d objection(s), %d other(s).", len(objections), len(others))
	return title, b.String()
}

// SplitOpinions returns the objections, then the other opinions.
func SplitOpinions(ops []Opinion) (objections, others []Opinion) {
	for _, o := range ops {
		if o.Kind == "object" {
			objections = append(objections, o)
		} else {
			others = append(others, o)
		}
	}
	return objections, others
}

// SCPapers is the mail to the SC with every opinion, objections first, when its vote
// opens. An applicant holding an SC seat is not sent them (Rules.RecuseConcerned).
func SCPapers(env Env, a Application, opinions []Opinion, ballotID string, orgs []Org, seats []Seat) Mail {
	obj, others := SplitOpinions(opinions)
	return Mail{Kind: "case_sc_papers", Key: "case/" + a.ID + "/papers/" + ballotID, To: SCRecipients(env, orgs, seats, a.Concerned(orgs)...), Lang: "en", Auto: AutoGenerated,
		Data: ApplicationData{Case: a.View(), Objections: obj, Opinions: others}}
}

// Decide applies the SC's tally to case a at now: carried → accepted (the new roster
// entry is returned), not carried → refused, no quorum → pending a new SC vote. The
// applicant, the SC and all members are told; the objectors are never named.
func Decide(now time.Time, env Env, a Application, t Tally, orgs []Org, seats []Seat, newID string) (Application, *Org, []Mail) {
	view := func() ApplicationView { return a.View() }
	appToken := ApplicationToken(env, a.ID, "applicant")
	switch t.Outcome {
	case OutcomeNoQuorum:
		a.State = CaseSCPending
		return a, nil, []Mail{{Kind: "case_no_quorum", Key: "case/" + a.ID + "/no-quorum/" + a.SCBallot, To: officers(env, orgs, seats), Lang: "en", Auto: AutoGenerated,
			Data: ApplicationData{Case: view(), Tally: &t}}}
	case OutcomeCarried:
		a.State = CaseAccepted
	default:
		a.State = CaseRefused
	}
	a.DecidedAt = now
	var org *Org
	if a.State == CaseAccepted {
		kind := Associate
		if a.Kind == AppRegular {
			kind = Regular
		}
		o := Org{ID: newID, Name: a.Name, Kind: kind, Country: a.Country, Contact: a.Contact, Alternate: a.Alternate,
			Language: langOr(a.Language), Joined: now, ReconfirmedThrough: 0, AnnualIncomeUSD: a.Income}
		// A new member has voting rights from joining until the next re-confirmation
		// deadline (HasVotingRights: joined after the last deadline).
		org = &o
		a.OrgID = newID
	}
	v := view()
	mails := []Mail{{Kind: "application_outcome", Key: "case/" + a.ID + "/outcome/applicant", To: a.ApplicantAddresses(), Lang: langOr(a.Language), Auto: AutoGenerated, Token: appToken,
		Data: ApplicationData{Case: v, Token: appToken, Reason: a.SCNote}}}
	mails = append(mails, Mail{Kind: "case_outcome_sc", Key: "case/" + a.ID + "/outcome/sc", To: officers(env, orgs, seats), Lang: "en", Auto: AutoGenerated,
		Data: ApplicationData{Case: v, Tally: &t, Reason: a.SCNote}})
	for _, o := range orgs {
		for _, addr := range o.MailAddresses() {
			mails = append(mails, Mail{Kind: "case_outcome_members", Key: "case/" + a.ID + "/outcome/" + o.ID + "/" + addr, To: []string{addr}, Lang: o.Language, Auto: AutoGenerated, Shared: "case/" + a.ID + "/outcome",
				Data: ApplicationData{Case: v}})
		}
	}
	return a, org, mails
}
