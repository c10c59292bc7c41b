// Package config owns govbot's configuration file: its types and defaults
// ([Default]), reading it ([Parse], unknown keys rejected with their line) and
// checking it ([Config.Validate], every problem reported at once with its key
// path). It also resolves what the file only names: the time zone
// ([Config.Location]), the mail passwords ([IMAP.Password], [SMTP.Password]) and
// the spelling of countries ([Config.CountryName]).
//
// config.example.yaml at the repository root documents every key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the network's time zone must load even where the host has no zoneinfo

	"go.yaml.in/yaml/v3"

	"github.com/mekongmigration/govbot/internal/gov"
)

// Security values for [IMAP.Security] and [SMTP.Security].
const (
	SecurityTLS      = "tls"      // implicit TLS from the first byte (IMAPS 993, SMTPS 465)
	SecuritySTARTTLS = "starttls" // plain connection upgraded with STARTTLS; refused if the server does not offer it
	SecurityNone     = "none"     // no TLS at all; allowed only for a loopback host
)

// Config is the whole configuration file.
type Config struct {
	Network      Network       `yaml:"network"`
	Bot          Bot           `yaml:"bot"`
	Secretariat  Secretariat   `yaml:"secretariat"`
	IMAP         IMAP          `yaml:"imap"`
	SMTP         SMTP          `yaml:"smtp"`
	OAuth        OAuth         `yaml:"oauth"`
	Store        Store         `yaml:"store"`
	Rules        Rules         `yaml:"rules"`
	Reminders    Reminders     `yaml:"reminders"`
	Limits       Limits        `yaml:"limits"`
	Outbox       Outbox        `yaml:"outbox"`
	SpecialSeats []SpecialSeat `yaml:"special_seats"`
	Control      Control       `yaml:"control"`
	Templates    Templates     `yaml:"templates"`
	Trust        Trust         `yaml:"trust"`
	Digest       Digest        `yaml:"digest"`
	Applications Applications  `yaml:"applications"`
	Membership   Membership    `yaml:"membership"`
	SC           SC            `yaml:"sc"`
	Log          Log           `yaml:"log"`
}

// Secretariat is who runs the procedures, and what its commands by mail need.
// In the file it is either a list of addresses, or a mapping with addresses and
// the settings below.
type Secretariat struct {
	// Addresses are the Secretariat's addresses (bare); at least one.
	Addresses []string `yaml:"addresses"`
	// Auth is the proof a Secretariat command by mail needs beyond its From
	// address: challenge (default; the bot mails the address back and acts on
	// its CONFIRM), dmarc (an aligned DMARC or DKIM pass reported by the
	// receiving server, trust.authserv_id), or both.
	Auth string `yaml:"auth"`
	// ChallengeHours is how long a challenge can be answered. Default 72.
	ChallengeHours int `yaml:"challenge_hours"`
	// RefusalsPerDay is the most refusals mailed to the Secretariat's addresses
	// in a day (its own limit, above a member's). Default 20.
	RefusalsPerDay int `yaml:"refusals_per_day"`
}

// UnmarshalYAML reads a list of addresses, or the full mapping.
func (s *Secretariat) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		return n.Decode(&s.Addresses)
	}
	type plain Secretariat
	return n.Decode((*plain)(s))
}

// Network describes the network the bot serves.
type Network struct {
	// Name is the network's name as it appears in mail.
	Name string `yaml:"name"`
	// Timezone is the IANA zone every deadline is counted in (rules.md "Time").
	Timezone string `yaml:"timezone"`
	// Countries are the GMS countries with an SC seat each (7.2.1), spelled as mail
	// and the roster show them.
	Countries []string `yaml:"countries"`
}

// Bot is the bot's own mail identity.
type Bot struct {
	Address string `yaml:"address"` // bare address, e.g. govbot@mmn.example
	Name    string `yaml:"name"`    // display name in From:
}

// IMAP is where the bot reads its mail.
type IMAP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Security string `yaml:"security"`
	// Auth is how the bot logs in: password (default; LOGIN with the password
	// below), or xoauth2 or oauthbearer (SASL with an OAuth 2.0 access token
	// from the oauth section; no password).
	Auth     string `yaml:"auth"`
	Username string `yaml:"username"`
	// InlinePassword (key "password") is refused unless Host is loopback; use
	// PasswordFile or PasswordEnv. Read the password with [IMAP.Password].
	InlinePassword Secret `yaml:"password"`
	PasswordFile   string `yaml:"password_file"`
	PasswordEnv    string `yaml:"password_env"`
	Mailbox        string `yaml:"mailbox"`
	// ProcessedMailbox, if set, is where handled messages are moved; "" leaves
	// them in Mailbox, flagged \Seen.
	ProcessedMailbox string `yaml:"processed_mailbox"`
	// QuarantineMailbox, if set, is where quarantined messages are moved; ""
	// leaves them in Mailbox, flagged \Flagged and $GovbotQuarantined.
	QuarantineMailbox     string   `yaml:"quarantine_mailbox"`
	PollInterval          Duration `yaml:"poll_interval"`
	Idle                  bool     `yaml:"idle"`
	TLSInsecureSkipVerify bool     `yaml:"tls_insecure_skip_verify"`
	CAFile                string   `yaml:"ca_file"`
}

// SMTP is where the bot submits its mail.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Security string `yaml:"security"`
	// Auth is how the bot logs in when Username is set: password (default;
	// AUTH PLAIN), or xoauth2 or oauthbearer (an OAuth 2.0 access token from
	// the oauth section).
	Auth string `yaml:"auth"`
	// Username, if empty, means no AUTH.
	Username string `yaml:"username"`
	// InlinePassword (key "password") is refused unless Host is loopback.
	InlinePassword        Secret `yaml:"password"`
	PasswordFile          string `yaml:"password_file"`
	PasswordEnv           string `yaml:"password_env"`
	CAFile                string `yaml:"ca_file"`
	TLSInsecureSkipVerify bool   `yaml:"tls_insecure_skip_verify"`
	// HELO is the name the bot gives in EHLO/HELO; "" lets the client choose.
	HELO string `yaml:"helo"`
}

// Store is the bbolt database.
type Store struct {
	Path string `yaml:"path"`
}

// Rules are the settings where the ToP is ambiguous (rules.md); see [Rules.Gov].
type Rules struct {
	Threshold  gov.ThresholdRule `yaml:"threshold"`
	Majority   gov.MajorityRule  `yaml:"majority"`
	QuorumBase gov.QuorumBase    `yaml:"quorum_base"`
	// ReconfirmDeadline is the annual re-confirmation deadline as MM-DD (5.1.6(c)).
	ReconfirmDeadline string `yaml:"reconfirm_deadline"`
	// ObjectionMinWords: words of reasons an objection needs to count (6.4).
	ObjectionMinWords int `yaml:"objection_min_words"`
	// RecuseConcerned: an SC seat holder whose own nomination or application the
	// SC decides gets no opinions on itself, no SC papers on it and no SC voting
	// form on it; that vote's quorum counts the other voting seats (rules.md,
	// "Conflict of interest"). Default true; false treats it as any other seat.
	RecuseConcerned bool `yaml:"recuse_concerned"`
	// VotingRightsScope is which votes a member that has not re-confirmed loses
	// (5.1.7; rules.md "Who may vote, and when it is checked"): all_ballots
	// (default: every member ballot, which stands in for the GC) or gc_only.
	// The right is checked when the vote is cast.
	VotingRightsScope gov.VotingRightsScope `yaml:"voting_rights_scope"`
	// QuorumBaseAt is when a member ballot's quorum base is counted: opening
	// (default: fixed when the ballot opens) or closing.
	QuorumBaseAt gov.QuorumBaseAt `yaml:"quorum_base_at"`
}

// Reminders say when the bot reminds those who have not answered.
type Reminders struct {
	// DaysBefore lists how many days before a deadline a reminder goes; empty: none.
	DaysBefore []int `yaml:"days_before"`
	// Hour is the local hour (network time zone) reminders are sent at.
	Hour int `yaml:"hour"`
}

// Limits bound what the bot accepts and how often it answers.
type Limits struct {
	MaxMessageBytes          int64 `yaml:"max_message_bytes"`
	MaxAttachments           int   `yaml:"max_attachments"`
	RefusalsPerAddressPerDay int   `yaml:"refusals_per_address_per_day"`
	StrangerRefusalsPerDay   int   `yaml:"stranger_refusals_per_day"`
	// StrangerRefusalsPerHour caps refusals to all unknown addresses together.
	StrangerRefusalsPerHour int `yaml:"stranger_refusals_per_hour"`
	// DirectApplicationsPerHour: direct applications from unknown addresses past
	// this many an hour reach the Secretariat in one summary, not a mail each.
	DirectApplicationsPerHour int `yaml:"direct_applications_per_hour"`
	// MaxAttempts: a message whose handling fails this often is quarantined.
	MaxAttempts int `yaml:"max_attempts"`
	// MaxMIMEDepth and MaxMIMEParts bound the structure of one message;
	// MessageTimeBudget the time spent reading one.
	MaxMIMEDepth      int      `yaml:"max_mime_depth"`
	MaxMIMEParts      int      `yaml:"max_mime_parts"`
	MessageTimeBudget Duration `yaml:"message_time_budget"`
	// StrangerRawBytes caps what is kept of an unreadable message from an unknown
	// address; RawKeepDays is how long raw copies of unreadable messages stay.
	StrangerRawBytes int64 `yaml:"stranger_raw_bytes"`
	RawKeepDays      int   `yaml:"raw_keep_days"`
	// BouncesBeforeMarking: permanent delivery failures (a DSN about a mail the
	// bot sent, or the SMTP server's refusal) before an address is marked bouncing.
	BouncesBeforeMarking int `yaml:"bounces_before_marking"`
}

// Outbox tunes the delivery loop.
type Outbox struct {
	RetryMin    Duration `yaml:"retry_min"`
	RetryMax    Duration `yaml:"retry_max"`
	GiveUpAfter Duration `yaml:"give_up_after"`
	Batch       int      `yaml:"batch"`
	// Connections is how many SMTP connections a batch is sent over at once.
	Connections int `yaml:"connections"`
}

// SpecialSeat is a special voting SC seat created by the General Conference
// (7.2.2; footnote 2: one for Burmese groups in Thailand). The GC sets its terms.
type SpecialSeat struct {
	// ID is the seat's name in the SC roster (lower-case letters, digits, '-').
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// TermYears is the term the GC set; absent or 0 means 2, the SC term (7.2.15).
	TermYears int `yaml:"term_years"`
	// Replacement is the GC's replacement process, free text quoted to members.
	Replacement string `yaml:"replacement"`
}

// Trust says how much evidence a reply needs, beyond the reference token and an
// address of the organisation the token was issued to, which are always required.
type Trust struct {
	// Policy is relaxed, standard (default) or strict; see package trust.
	Policy string `yaml:"policy"`
	// AuthservID is the authserv-id your receiving mail server writes in its
	// Authentication-Results headers; only those headers are trusted. "" trusts none.
	AuthservID string `yaml:"authserv_id"`
	// VerifyDKIM checks DKIM signatures itself (needs DNS).
	VerifyDKIM bool `yaml:"verify_dkim"`
}

// SC tunes the Steering Committee procedure (ToP 7.2).
type SC struct {
	// RenewalLeadDays opens a seat's renewal this many days before its term ends.
	// Default 90; 0 never (the Secretariat runs `govbot sc vacate SEAT --reason term_end`).
	RenewalLeadDays int `yaml:"renewal_lead_days"`
	// RecommendDays is how long the members of the seat's country have to recommend
	// the next organisation (7.2.16; the ToP sets no figure). Default 21.
	RecommendDays int `yaml:"recommend_days"`
	// MTAllowRC lets the Regional Coordinator's seat be one of the three of the
	// Management Team (7.2.12). Default false: the MT oversees the Secretariat
	// (7.2.12 i), which the Regional Coordinator heads (7.3.2).
	MTAllowRC bool `yaml:"mt_allow_rc"`
}

// Membership tunes the membership year (ToP 5.1.4-5.1.8, 7.1).
type Membership struct {
	// CampaignOpens is the MM-DD each year the re-confirmation forms go out; "off"
	// never (the Secretariat runs `govbot campaign open`). Default 10-01.
	CampaignOpens string `yaml:"campaign_opens"`
	// FeeBands are the fee bands of 5.1.6(b): income up to up_to USD pays fee USD;
	// the last band has up_to -1.
	FeeBands []FeeBand `yaml:"fee_bands"`
	// GCQuorumBase is what "all the membership" counts for the GC quorum (7.1.2):
	// all_members (default: regular and associate) or regular.
	GCQuorumBase string `yaml:"gc_quorum_base"`
	// GCWarnMonths: the weekly digest warns once more than this many months have
	// passed since the last General Conference recorded; the next is due two years
	// after it (7.1.1). Default 21; 0 never warns.
	GCWarnMonths int `yaml:"gc_warn_months"`
	// AssociatesConfirmContacts: when the campaign opens, associates get a form
	// asking them only to confirm their contacts (no fee, no re-confirmation:
	// associates are not members, 5.2). Default false: associates get no form.
	AssociatesConfirmContacts bool `yaml:"associates_confirm_contacts"`
}

// FeeBand is one fee band.
type FeeBand struct {
	UpTo int64 `yaml:"up_to"`
	Fee  int   `yaml:"fee"`
}

// Applications tunes the membership procedure (ToP 6.1-6.7).
type Applications struct {
	// SCVoteDays is how many days the SC has to vote once the members' opinion
	// window (one month, ToP 6.4) has closed. The ToP sets no figure; default 14.
	SCVoteDays int `yaml:"sc_vote_days"`
	// LetterFacts says what the bot does with the facts the ToP's printed forms
	// have no field for (a regular applicant's country, endorser and addresses,
	// an associate's country) when it reads them in the cover letter or the
	// attached letters: use (default) takes one read without ambiguity and says
	// where from; ask only suggests it in its question to the Secretariat; off
	// reads no letter. Whatever it could not take, it asks the Secretariat.
	LetterFacts string `yaml:"letter_facts"`
}

// Digest schedules the weekly digest of open matters to the SC and the Secretariat.
type Digest struct {
	// Weekday is the day it goes (monday … sunday); "off" sends none.
	Weekday string `yaml:"weekday"`
	// Hour is the local hour it goes at.
	Hour int `yaml:"hour"`
}

// Templates says where to find templates that override the built-in ones.
type Templates struct {
	// Dir, when set, is a directory laid out like templates/ (one directory per
	// language, one file per kind of mail, and layout.html); a file there replaces
	// the built-in one of the same path. "" uses only the built-in templates.
	Dir string `yaml:"dir"`
}

// Control is the local administration socket.
type Control struct {
	// Socket is the Unix socket path; "" means <store.path>.sock.
	Socket string `yaml:"socket"`
}

// Log configures logging.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text, json
}

// Default returns the configuration every file is read over. It does not
// validate: bot.address, secretariat and the mail hosts have no default.
func Default() Config {
	return Config{
		Network: Network{
			Name:      "Mekong Migration Network",
			Timezone:  "Asia/Bangkok",
			Countries: DefaultCountries(),
		},
		Bot: Bot{Name: "MMN governance bot"},
		IMAP: IMAP{
			Port:         993,
			Security:     SecurityTLS,
			Auth:         AuthPassword,
			Mailbox:      "INBOX",
			PollInterval: Duration(2 * time.Minute),
			Idle:         true,
		},
		SMTP:  SMTP{Port: 587, Security: SecuritySTARTTLS, Auth: AuthPassword},
		Store: Store{Path: "./govbot.db"},
		Rules: Rules{
			Threshold:         gov.ThresholdFloor,
			Majority:          gov.MajoritySimple,
			QuorumBase:        gov.QuorumBaseVoting,
			ReconfirmDeadline: "11-30",
			ObjectionMinWords: 3,
			RecuseConcerned:   true,
			VotingRightsScope: gov.VotingRightsAllBallots,
			QuorumBaseAt:      gov.QuorumBaseAtOpening,
		},
		Reminders:    Reminders{DaysBefore: []int{7, 2, 1}, Hour: 9},
		Trust:        Trust{Policy: "standard"},
		Secretariat:  Secretariat{Auth: "challenge", ChallengeHours: 72, RefusalsPerDay: 20},
		Digest:       Digest{Weekday: "monday", Hour: 8},
		Applications: Applications{SCVoteDays: 14, LetterFacts: "use"},
		SC:           SC{RenewalLeadDays: 90, RecommendDays: 21},
		Membership: Membership{CampaignOpens: "10-01", GCQuorumBase: "all_members", GCWarnMonths: 21,
			FeeBands: []FeeBand{{UpTo: 9999, Fee: 1}, {UpTo: 50000, Fee: 15}, {UpTo: 100000, Fee: 20}, {UpTo: -1, Fee: 50}}},
		Limits: Limits{
			MaxMessageBytes:          48 << 20,
			MaxAttachments:           20,
			RefusalsPerAddressPerDay: 3,
			StrangerRefusalsPerDay:   1,
			StrangerRefusalsPerHour:  20, DirectApplicationsPerHour: 5, MaxAttempts: 3,
			MaxMIMEDepth: 20, MaxMIMEParts: 500, MessageTimeBudget: Duration(10 * time.Second),
			StrangerRawBytes: 64 << 10, RawKeepDays: 90, BouncesBeforeMarking: 2,
		},
		Outbox: Outbox{
			RetryMin:    Duration(time.Minute),
			RetryMax:    Duration(time.Hour),
			GiveUpAfter: Duration(72 * time.Hour),
			Batch:       50,
			Connections: 3,
		},
		Log: Log{Level: "info", Format: "text"},
	}
}

// DefaultCountries returns the six GMS countries of 7.2.1, spelled as in rules.md.
func DefaultCountries() []string {
	return []string{"Burma/Myanmar", "Cambodia", "Yunnan/Guangxi/China", "Lao PDR", "Thailand", "Vietnam"}
}

// Parse reads a YAML configuration over [Default]. Unknown keys, values of the
// wrong type and more than one YAML document are errors that name their line.
// Parse does not validate; see [Config.Validate] and [Load].
//
// A list in the file replaces the default list (countries, days_before); it is
// not merged with it.
func Parse(r io.Reader) (Config, error) {
	c := Default()
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // empty file: all defaults
		}
		return Config{}, fmt.Errorf("parse config: %w", err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return Config{}, fmt.Errorf("parse config: %w", err)
		}
		return Config{}, fmt.Errorf("parse config: line %d: a second YAML document; want one", extra.Line)
	}
	for i := range c.SpecialSeats {
		if c.SpecialSeats[i].TermYears == 0 {
			c.SpecialSeats[i].TermYears = 2 // the SC term (7.2.15) unless the GC said otherwise
		}
	}
	return c, nil
}

// Load opens, parses and validates the configuration file at path.
func Load(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("load config: %w", err)
	}
	defer f.Close()
	c, err := Parse(f)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Location returns the network's time zone. It falls back to Asia/Bangkok's
// fixed offset (UTC+7) only if Timezone does not load, which
// [Config.Validate] reports.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Network.Timezone)
	if err != nil || c.Network.Timezone == "" {
		return time.FixedZone("UTC+7", 7*60*60)
	}
	return loc
}

// ControlSocket returns the control socket path: Control.Socket, or
// Store.Path + ".sock" when that is empty.
func (c Config) ControlSocket() string {
	if c.Control.Socket != "" {
		return c.Control.Socket
	}
	return c.Store.Path + ".sock"
}

// Gov returns the rules as package gov uses them. Call it on a validated
// config: an unreadable reconfirm_deadline gives the default, 30 November.
func (r Rules) Gov() gov.Rules {
	g := gov.DefaultRules()
	g.Threshold, g.Majority, g.QuorumBase = r.Threshold, r.Majority, r.QuorumBase
	if m, d, err := parseMonthDay(r.ReconfirmDeadline); err == nil {
		g.ReconfirmMonth, g.ReconfirmDay = m, d
	}
	if r.ObjectionMinWords > 0 {
		g.ObjectionMinWords = r.ObjectionMinWords
	}
	g.RecuseConcerned = r.RecuseConcerned
	g.VotingRightsScope, g.QuorumBaseAt = r.VotingRightsScope, r.QuorumBaseAt
	return g
}

// GovRules returns every setting package gov reads from gov.Rules: the rules
// section ([Rules.Gov]) and membership.associates_confirm_contacts.
func (c Config) GovRules() gov.Rules {
	g := c.Rules.Gov()
	g.AssociatesConfirmContacts = c.Membership.AssociatesConfirmContacts
	return g
}

// parseMonthDay reads "MM-DD". February 29 is refused: the deadline must fall
// every year.
func parseMonthDay(s string) (time.Month, int, error) {
	t, err := time.Parse("01-02", s)
	if err != nil || len(s) != 5 {
		return 0, 0, fmt.Errorf("%q is not a date as MM-DD, e.g. 11-30", s)
	}
	if t.Month() == time.February && t.Day() == 29 {
		return 0, 0, errors.New("02-29 does not fall every year")
	}
	return t.Month(), t.Day(), nil
}

// SlogLevel returns Level as a slog.Level; unknown levels give Info.
func (l Log) SlogLevel() slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(l.Level)); err != nil {
		return slog.LevelInfo
	}
	return lv
}

// Duration is a time.Duration written in YAML as a Go duration string ("2m", "72h").
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if n.Kind != yaml.ScalarNode || n.Decode(&s) != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a duration such as \"2m\" or \"72h\"", n.Line)}}
	}
	v, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		if _, nerr := strconv.Atoi(strings.TrimSpace(s)); nerr == nil {
			return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: duration %q has no unit; write e.g. \"%ss\" or \"%sm\"", n.Line, s, s, s)}}
		}
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %q is not a duration such as \"2m\" or \"72h\"", n.Line, s)}}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// String returns the Go duration string.
func (d Duration) String() string { return time.Duration(d).String() }

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// WeekdayOf returns the digest's weekday; ok is false when the digest is off.
func (d Digest) WeekdayOf() (time.Weekday, bool) {
	for i := time.Sunday; i <= time.Saturday; i++ {
		if strings.EqualFold(d.Weekday, i.String()) {
			return i, true
		}
	}
	return 0, false
}

// CampaignDate returns the month and day the campaign opens; month 0 when off.
func (m Membership) CampaignDate() (time.Month, int) {
	mo, d, err := parseMonthDay(m.CampaignOpens)
	if err != nil {
		return 0, 0
	}
	return mo, d
}
