package config

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/mail"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mekongmigration/govbot/internal/gov"
)

// ValidationError lists every problem [Config.Validate] found, each as
// "key.path: what is wrong".
type ValidationError struct {
	Problems []string
}

// Error lists the problems one per line.
func (e *ValidationError) Error() string {
	return "invalid config:\n" + strings.Join(e.Problems, "\n")
}

type problems []string

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, key+": "+fmt.Sprintf(format, args...))
}

// Validate checks the whole configuration and reports every problem at once
// as a *ValidationError. It reads the password and CA files and the password
// environment variables, so it must run where the bot runs.
func (c *Config) Validate() error {
	var p problems
	c.validateNetwork(&p)
	c.validateBot(&p)
	c.validateIMAP(&p)
	c.validateSMTP(&p)
	c.validateOAuth(&p)
	if strings.TrimSpace(c.Store.Path) == "" {
		p.add("store.path", "required")
	}
	c.validateRules(&p)
	c.validateReminders(&p)
	c.validateLimits(&p)
	c.validateOutbox(&p)
	c.validateSpecialSeats(&p)
	if _, ok := c.Digest.WeekdayOf(); !ok && !strings.EqualFold(c.Digest.Weekday, "off") {
		p.add("digest.weekday", "%q is not a day of the week (monday … sunday) or off", c.Digest.Weekday)
	}
	if m := c.Membership.CampaignOpens; m != "off" {
		if _, _, err := parseMonthDay(m); err != nil {
			p.add("membership.campaign_opens", "%q: want MM-DD or off", m)
		}
	}
	switch c.Membership.GCQuorumBase {
	case "all_members", "regular":
	default:
		p.add("membership.gc_quorum_base", "%q is not one of all_members, regular", c.Membership.GCQuorumBase)
	}
	if bands := c.Membership.FeeBands; len(bands) == 0 || bands[len(bands)-1].UpTo != -1 {
		p.add("membership.fee_bands", "the last band must have up_to: -1 (no upper limit)")
	} else {
		for i := 1; i < len(bands)-1; i++ {
			if bands[i].UpTo <= bands[i-1].UpTo {
				p.add(fmt.Sprintf("membership.fee_bands[%d].up_to", i), "must be greater than the band before")
			}
		}
	}
	if c.SC.RenewalLeadDays < 0 || c.SC.RenewalLeadDays > 365 {
		p.add("sc.renewal_lead_days", "must be 0-365")
	}
	if c.SC.RecommendDays < 1 || c.SC.RecommendDays > 180 {
		p.add("sc.recommend_days", "must be 1-180")
	}
	if c.Applications.SCVoteDays < 1 || c.Applications.SCVoteDays > 120 {
		p.add("applications.sc_vote_days", "must be 1-120")
	}
	switch c.Applications.LetterFacts {
	case "use", "ask", "off":
	default:
		p.add("applications.letter_facts", "%q is not one of use, ask, off", c.Applications.LetterFacts)
	}
	if c.Membership.GCWarnMonths < 0 || c.Membership.GCWarnMonths > 23 {
		p.add("membership.gc_warn_months", "must be 0-23: the next General Conference is due 24 months after the last (ToP 7.1.1)")
	}
	if c.Digest.Hour < 0 || c.Digest.Hour > 23 {
		p.add("digest.hour", "must be 0-23")
	}
	switch c.Trust.Policy {
	case "relaxed", "standard", "strict":
	default:
		p.add("trust.policy", "%q is not one of relaxed, standard, strict", c.Trust.Policy)
	}
	if c.Trust.Policy == "strict" && c.Trust.AuthservID == "" && !c.Trust.VerifyDKIM {
		p.add("trust.policy", "strict needs trust.authserv_id or trust.verify_dkim: otherwise no reply could be authenticated")
	}
	if c.Templates.Dir != "" {
		if fi, err := os.Stat(c.Templates.Dir); err != nil || !fi.IsDir() {
			p.add("templates.dir", "%q is not a readable directory", c.Templates.Dir)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		p.add("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		p.add("log.format", "%q is not one of text, json", c.Log.Format)
	}
	if len(p) > 0 {
		return &ValidationError{Problems: p}
	}
	return nil
}

func (c *Config) validateNetwork(p *problems) {
	if strings.TrimSpace(c.Network.Name) == "" {
		p.add("network.name", "required")
	} else if hasControl(c.Network.Name) {
		p.add("network.name", "contains a control character")
	}
	if c.Network.Timezone == "" {
		p.add("network.timezone", "required (an IANA zone such as Asia/Bangkok)")
	} else if _, err := time.LoadLocation(c.Network.Timezone); err != nil {
		p.add("network.timezone", "%q is not a known time zone", c.Network.Timezone)
	}
	if len(c.Network.Countries) == 0 {
		p.add("network.countries", "required: at least one country")
	}
countries:
	for i, name := range c.Network.Countries {
		key := fmt.Sprintf("network.countries[%d]", i)
		switch {
		case countryKey(name) == "":
			p.add(key, "empty")
			continue
		case name != strings.TrimSpace(name) || hasControl(name):
			p.add(key, "%q has surrounding spaces or a control character", name)
		case countryKey(name) == countryKey(gov.RegionalCoordinator) || countryKey(name) == "rc":
			p.add(key, "%q is the Regional Coordinator's seat, not a country", name)
		}
		// Names are matched by their slash-separated parts too ("China" in
		// "Yunnan/Guangxi/China"), so two countries may not share a part.
		for j := 0; j < i; j++ {
			if sharePart(name, c.Network.Countries[j]) {
				p.add(key, "%q repeats or overlaps network.countries[%d] %q", name, j, c.Network.Countries[j])
				continue countries
			}
		}
	}
}

func (c *Config) validateBot(p *problems) {
	botAddr := ""
	if c.Bot.Address == "" {
		p.add("bot.address", "required")
	} else if err := checkAddress(c.Bot.Address); err != nil {
		p.add("bot.address", "%v", err)
	} else {
		botAddr = gov.NormalizeAddress(c.Bot.Address)
	}
	if hasControl(c.Bot.Name) {
		p.add("bot.name", "contains a control character")
	}
	if len(c.Secretariat.Addresses) == 0 {
		p.add("secretariat", "required: at least one address")
	}
	switch c.Secretariat.Auth {
	case "challenge", "dmarc", "both":
	default:
		p.add("secretariat.auth", "must be challenge, dmarc or both, not %q", c.Secretariat.Auth)
	}
	if (c.Secretariat.Auth == "dmarc" || c.Secretariat.Auth == "both") && c.Trust.AuthservID == "" {
		p.add("secretariat.auth", "%s needs trust.authserv_id: the receiving server whose DMARC and DKIM results are trusted", c.Secretariat.Auth)
	}
	if c.Secretariat.ChallengeHours <= 0 {
		p.add("secretariat.challenge_hours", "must be positive")
	}
	if c.Secretariat.RefusalsPerDay <= 0 {
		p.add("secretariat.refusals_per_day", "must be positive")
	}
	seen := map[string]int{}
	for i, a := range c.Secretariat.Addresses {
		key := fmt.Sprintf("secretariat[%d]", i)
		if err := checkAddress(a); err != nil {
			p.add(key, "%v", err)
			continue
		}
		n := gov.NormalizeAddress(a)
		if j, ok := seen[n]; ok {
			p.add(key, "%s repeats secretariat[%d]", n, j)
			continue
		}
		seen[n] = i
		if n == botAddr {
			p.add(key, "%s is the bot's own address (bot.address); mail would loop", n)
		}
	}
}

// checkAddress accepts a bare address only ("a@b.example", not "A <a@b.example>").
func checkAddress(a string) error {
	t := strings.TrimSpace(a)
	if t == "" {
		return fmt.Errorf("empty address")
	}
	parsed, err := mail.ParseAddress(t)
	if err != nil || parsed.Name != "" || !strings.EqualFold(parsed.Address, t) {
		return fmt.Errorf("%q is not a bare e-mail address such as name@example.org", a)
	}
	return nil
}

func checkSecurity(p *problems, key, sec, host string, allowed ...string) {
	if !slices.Contains(allowed, sec) {
		p.add(key+".security", "%q is not one of %s", sec, strings.Join(allowed, ", "))
		return
	}
	if sec == SecurityNone && host != "" && !IsLoopback(host) {
		p.add(key+".security", "none is allowed only for a loopback host")
	}
}

// checkSecrets checks the password sources of one server. need says a password
// is required (IMAP always; SMTP when a username is set).
func checkSecrets(p *problems, key, host string, inline Secret, file, env string, need bool) {
	n := 0
	for _, set := range []bool{inline != "", file != "", env != ""} {
		if set {
			n++
		}
	}
	switch {
	case n > 1:
		p.add(key, "set only one of password_file, password_env, password")
	case n == 0 && need:
		p.add(key+".password_file", "required (or password_env): no password source is set")
	}
	if inline != "" && !IsLoopback(host) {
		p.add(key+".password", "an inline password is allowed only for a loopback host; use password_file or password_env")
	}
	if file != "" {
		b, err := os.ReadFile(file)
		switch {
		case err != nil:
			p.add(key+".password_file", "cannot read %s: %v", file, unwrapPathError(err))
		case strings.TrimRight(string(b), "\r\n") == "":
			p.add(key+".password_file", "%s is empty", file)
		}
	}
	if env != "" {
		if v, ok := os.LookupEnv(env); !ok || v == "" {
			p.add(key+".password_env", "environment variable %s is not set or empty", env)
		}
	}
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func checkCAFile(p *problems, key, file string) {
	if file == "" {
		return
	}
	b, err := os.ReadFile(file)
	if err != nil {
		p.add(key, "cannot read %s: %v", file, unwrapPathError(err))
		return
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		p.add(key, "%s holds no PEM certificate", file)
	}
}

func checkHostPort(p *problems, key, host string, port int) {
	switch {
	case strings.TrimSpace(host) == "":
		p.add(key+".host", "required")
	case strings.ContainsAny(host, " \t\r\n/@"):
		p.add(key+".host", "%q is not a host name or IP address", host)
	case strings.Contains(host, ":") && net.ParseIP(strings.Trim(host, "[]")) == nil:
		p.add(key+".host", "%q: give the port in %s.port, not in the host", host, key)
	}
	if port < 1 || port > 65535 {
		p.add(key+".port", "must be 1-65535")
	}
}

func (c *Config) validateIMAP(p *problems) {
	m := c.IMAP
	checkHostPort(p, "imap", m.Host, m.Port)
	checkSecurity(p, "imap", m.Security, m.Host, SecurityTLS, SecuritySTARTTLS, SecurityNone)
	if strings.TrimSpace(m.Username) == "" {
		p.add("imap.username", "required")
	}
	if !IsOAuth(m.Auth) {
		checkSecrets(p, "imap", m.Host, m.InlinePassword, m.PasswordFile, m.PasswordEnv, true)
	}
	if m.TLSInsecureSkipVerify && m.Host != "" && !IsLoopback(m.Host) {
		p.add("imap.tls_insecure_skip_verify", "allowed only for a loopback host (tests)")
	}
	checkCAFile(p, "imap.ca_file", m.CAFile)
	if strings.TrimSpace(m.Mailbox) == "" {
		p.add("imap.mailbox", "required")
	}
	if m.QuarantineMailbox != "" && (m.QuarantineMailbox == m.Mailbox || m.QuarantineMailbox == m.ProcessedMailbox) {
		p.add("imap.quarantine_mailbox", "must differ from imap.mailbox and imap.processed_mailbox; leave it empty to keep quarantined messages in place, flagged")
	}
	if m.ProcessedMailbox != "" && m.ProcessedMailbox == m.Mailbox {
		p.add("imap.processed_mailbox", "is the same as imap.mailbox; leave it empty to keep messages in place")
	}
	if m.PollInterval < Duration(time.Second) {
		p.add("imap.poll_interval", "must be at least 1s")
	}
}

func (c *Config) validateSMTP(p *problems) {
	s := c.SMTP
	checkHostPort(p, "smtp", s.Host, s.Port)
	checkSecurity(p, "smtp", s.Security, s.Host, SecuritySTARTTLS, SecurityTLS, SecurityNone)
	if s.Username == "" {
		if s.InlinePassword != "" || s.PasswordFile != "" || s.PasswordEnv != "" {
			p.add("smtp.username", "required when a password is set (no username means no AUTH)")
		}
	}
	if !IsOAuth(s.Auth) {
		checkSecrets(p, "smtp", s.Host, s.InlinePassword, s.PasswordFile, s.PasswordEnv, s.Username != "")
	}
	if s.TLSInsecureSkipVerify && s.Host != "" && !IsLoopback(s.Host) {
		p.add("smtp.tls_insecure_skip_verify", "allowed only for a loopback host (tests)")
	}
	checkCAFile(p, "smtp.ca_file", s.CAFile)
	if s.HELO != "" && (strings.ContainsAny(s.HELO, " \t") || hasControl(s.HELO)) {
		p.add("smtp.helo", "%q is not a host name", s.HELO)
	}
}

func (c *Config) validateRules(p *problems) {
	// Each value is checked with gov.Rules.Validate on its own, so that every
	// bad value is reported under its key.
	r := gov.DefaultRules()
	r.Threshold = c.Rules.Threshold
	if r.Validate() != nil {
		p.add("rules.threshold", "%q is not one of %s, %s", c.Rules.Threshold, gov.ThresholdFloor, gov.ThresholdLiteral)
	}
	r = gov.DefaultRules()
	r.Majority = c.Rules.Majority
	if r.Validate() != nil {
		p.add("rules.majority", "%q is not one of %s, %s", c.Rules.Majority, gov.MajoritySimple, gov.MajorityAbsolute)
	}
	r = gov.DefaultRules()
	r.QuorumBase = c.Rules.QuorumBase
	if r.Validate() != nil {
		p.add("rules.quorum_base", "%q is not one of %s, %s", c.Rules.QuorumBase, gov.QuorumBaseVoting, gov.QuorumBaseAllRegular)
	}
	r = gov.DefaultRules()
	r.VotingRightsScope = c.Rules.VotingRightsScope
	if r.Validate() != nil {
		p.add("rules.voting_rights_scope", "%q is not one of %s, %s", c.Rules.VotingRightsScope, gov.VotingRightsAllBallots, gov.VotingRightsGCOnly)
	}
	r = gov.DefaultRules()
	r.QuorumBaseAt = c.Rules.QuorumBaseAt
	if r.Validate() != nil {
		p.add("rules.quorum_base_at", "%q is not one of %s, %s", c.Rules.QuorumBaseAt, gov.QuorumBaseAtOpening, gov.QuorumBaseAtClosing)
	}
	if _, _, err := parseMonthDay(c.Rules.ReconfirmDeadline); err != nil {
		p.add("rules.reconfirm_deadline", "%v", err)
	}
	if n := c.Rules.ObjectionMinWords; n < 1 || n > 50 {
		p.add("rules.objection_min_words", "%d: want 1 to 50 words", n)
	}
}

func (c *Config) validateReminders(p *problems) {
	seen := map[int]int{}
	for i, d := range c.Reminders.DaysBefore {
		key := fmt.Sprintf("reminders.days_before[%d]", i)
		if d <= 0 {
			p.add(key, "%d: must be a positive number of days", d)
			continue
		}
		if j, ok := seen[d]; ok {
			p.add(key, "%d repeats reminders.days_before[%d]", d, j)
			continue
		}
		seen[d] = i
	}
	if c.Reminders.Hour < 0 || c.Reminders.Hour > 23 {
		p.add("reminders.hour", "must be 0-23")
	}
}

func (c *Config) validateLimits(p *problems) {
	l := c.Limits
	if l.MaxMessageBytes <= 0 {
		p.add("limits.max_message_bytes", "must be positive")
	}
	if l.MaxAttachments <= 0 {
		p.add("limits.max_attachments", "must be positive")
	}
	if l.RefusalsPerAddressPerDay <= 0 {
		p.add("limits.refusals_per_address_per_day", "must be positive")
	}
	if l.StrangerRefusalsPerDay <= 0 {
		p.add("limits.stranger_refusals_per_day", "must be positive")
	}
	for _, f := range []struct {
		key string
		n   int64
	}{
		{"limits.stranger_refusals_per_hour", int64(l.StrangerRefusalsPerHour)},
		{"limits.direct_applications_per_hour", int64(l.DirectApplicationsPerHour)},
		{"limits.max_attempts", int64(l.MaxAttempts)},
		{"limits.max_mime_depth", int64(l.MaxMIMEDepth)},
		{"limits.max_mime_parts", int64(l.MaxMIMEParts)},
		{"limits.message_time_budget", int64(l.MessageTimeBudget)},
		{"limits.stranger_raw_bytes", l.StrangerRawBytes},
		{"limits.raw_keep_days", int64(l.RawKeepDays)},
		{"limits.bounces_before_marking", int64(l.BouncesBeforeMarking)},
	} {
		if f.n <= 0 {
			p.add(f.key, "must be positive")
		}
	}
}

func (c *Config) validateOutbox(p *problems) {
	o := c.Outbox
	if o.RetryMin <= 0 {
		p.add("outbox.retry_min", "must be positive")
	}
	if o.RetryMax < o.RetryMin {
		p.add("outbox.retry_max", "%s is less than outbox.retry_min (%s)", o.RetryMax, o.RetryMin)
	}
	if o.GiveUpAfter < o.RetryMax || o.GiveUpAfter <= 0 {
		p.add("outbox.give_up_after", "%s must be positive and at least outbox.retry_max (%s)", o.GiveUpAfter, o.RetryMax)
	}
	if o.Batch <= 0 {
		p.add("outbox.batch", "must be positive")
	}
	if o.Connections < 1 || o.Connections > 16 {
		p.add("outbox.connections", "%d must be from 1 to 16", o.Connections)
	}
}

var seatIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (c *Config) validateSpecialSeats(p *problems) {
	seen := map[string]int{}
	for i, s := range c.SpecialSeats {
		key := fmt.Sprintf("special_seats[%d]", i)
		switch {
		case s.ID == "":
			p.add(key+".id", "required")
		case !seatIDRE.MatchString(s.ID):
			p.add(key+".id", "%q: use lower-case letters, digits and '-'", s.ID)
		case s.ID == gov.RegionalCoordinator || s.ID == "rc":
			p.add(key+".id", "%q is the Regional Coordinator's seat", s.ID)
		default:
			if country, ok := c.CountryName(s.ID); ok {
				p.add(key+".id", "%q clashes with the country %s", s.ID, country)
			}
			if j, ok := seen[s.ID]; ok {
				p.add(key+".id", "%q repeats special_seats[%d]", s.ID, j)
			}
			seen[s.ID] = i
		}
		if strings.TrimSpace(s.Name) == "" {
			p.add(key+".name", "required")
		} else if hasControl(s.Name) {
			p.add(key+".name", "contains a control character")
		}
		if s.TermYears < 1 {
			p.add(key+".term_years", "must be at least 1")
		}
	}
}

// SpecialSeatIDs returns the ids of the special seats, for roster.ParseSeats.
func (c Config) SpecialSeatIDs() []string {
	ids := make([]string, 0, len(c.SpecialSeats))
	for _, s := range c.SpecialSeats {
		ids = append(ids, s.ID)
	}
	return ids
}

func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}
