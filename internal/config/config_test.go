package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mekongmigration/govbot/internal/gov"
)

// writeFile writes content to a new file in a test directory and returns its path.
func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// minimal returns a valid YAML config using the inline password a loopback host allows.
const minimal = `
bot:
  address: govbot@mmn.example
secretariat: [secretariat@mmn.example]
imap:
  host: 127.0.0.1
  username: govbot
  password: govbot
smtp:
  host: localhost
`

func mustParse(tb testing.TB, s string) Config {
	tb.Helper()
	c, err := Parse(strings.NewReader(s))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return c
}

func problemsOf(tb testing.TB, err error) []string {
	tb.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		tb.Fatalf("got error %T %v, want *ValidationError", err, err)
	}
	return ve.Problems
}

func TestDefaults(t *testing.T) {
	c := Default()
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"network.name", c.Network.Name, "Mekong Migration Network"},
		{"network.timezone", c.Network.Timezone, "Asia/Bangkok"},
		{"network.countries", c.Network.Countries, []string{"Burma/Myanmar", "Cambodia", "Yunnan/Guangxi/China", "Lao PDR", "Thailand", "Vietnam"}},
		{"imap.port", c.IMAP.Port, 993},
		{"imap.security", c.IMAP.Security, "tls"},
		{"imap.mailbox", c.IMAP.Mailbox, "INBOX"},
		{"imap.processed_mailbox", c.IMAP.ProcessedMailbox, ""},
		{"imap.poll_interval", c.IMAP.PollInterval.Std(), 2 * time.Minute},
		{"imap.idle", c.IMAP.Idle, true},
		{"imap.tls_insecure_skip_verify", c.IMAP.TLSInsecureSkipVerify, false},
		{"smtp.port", c.SMTP.Port, 587},
		{"smtp.security", c.SMTP.Security, "starttls"},
		{"store.path", c.Store.Path, "./govbot.db"},
		{"rules", c.Rules.Gov(), gov.DefaultRules()},
		{"reminders.days_before", c.Reminders.DaysBefore, []int{7, 2, 1}},
		{"reminders.hour", c.Reminders.Hour, 9},
		{"limits.max_message_bytes", c.Limits.MaxMessageBytes, int64(48 << 20)},
		{"limits.max_attachments", c.Limits.MaxAttachments, 20},
		{"limits.refusals_per_address_per_day", c.Limits.RefusalsPerAddressPerDay, 3},
		{"limits.stranger_refusals_per_day", c.Limits.StrangerRefusalsPerDay, 1},
		{"outbox.retry_min", c.Outbox.RetryMin.Std(), time.Minute},
		{"outbox.retry_max", c.Outbox.RetryMax.Std(), time.Hour},
		{"outbox.give_up_after", c.Outbox.GiveUpAfter.Std(), 72 * time.Hour},
		{"outbox.batch", c.Outbox.Batch, 50},
		{"outbox.connections", c.Outbox.Connections, 3},
		{"control socket", c.ControlSocket(), "./govbot.db.sock"},
		{"log.level", c.Log.Level, "info"},
		{"log.format", c.Log.Format, "text"},
		{"location", c.Location().String(), "Asia/Bangkok"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestParseEmptyGivesDefaults(t *testing.T) {
	got := mustParse(t, "")
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestParseOverridesAndKeepsDefaults(t *testing.T) {
	c := mustParse(t, minimal+`
rules:
  threshold: literal
  reconfirm_deadline: "12-15"
reminders:
  days_before: [3]
outbox:
  retry_min: 30s
special_seats:
  - id: burmese-groups-thailand
    name: Burmese groups in Thailand
`)
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got, want := c.IMAP.Port, 993; got != want {
		t.Errorf("imap.port: got %d, want default %d", got, want)
	}
	if got, want := c.Reminders.DaysBefore, []int{3}; !reflect.DeepEqual(got, want) {
		t.Errorf("days_before: got %v, want %v (a list replaces the default)", got, want)
	}
	if got, want := c.Outbox.RetryMin.Std(), 30*time.Second; got != want {
		t.Errorf("retry_min: got %v, want %v", got, want)
	}
	g := c.Rules.Gov()
	if g.Threshold != gov.ThresholdLiteral || g.ReconfirmMonth != time.December || g.ReconfirmDay != 15 {
		t.Errorf("Gov(): got %+v, want literal, December 15", g)
	}
	if got, want := c.SpecialSeats[0].TermYears, 2; got != want {
		t.Errorf("special seat term_years: got %d, want default %d", got, want)
	}
	if got, want := c.SpecialSeatIDs(), []string{"burmese-groups-thailand"}; !reflect.DeepEqual(got, want) {
		t.Errorf("SpecialSeatIDs: got %v, want %v", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // substrings of the error
	}{
		{"unknown top-level key", "network:\n  name: x\nsmpt:\n  host: y\n", []string{"line 3", "smpt"}},
		{"unknown nested key", "imap:\n  host: x\n  pasword: y\n", []string{"line 3", "pasword"}},
		{"two unknown keys", "imap:\n  hots: x\nlog:\n  lvl: debug\n", []string{"line 2", "hots", "line 4", "lvl"}},
		{"wrong type", "imap:\n  port: nine\n", []string{"line 2", "nine"}},
		{"bad duration", "imap:\n  poll_interval: soon\n", []string{"line 2", `"soon"`}},
		{"duration without unit", "outbox:\n  retry_min: 60\n", []string{"line 2", "no unit"}},
		{"duration and unknown key together", "outbox:\n  retry_min: 60\n  retries: 3\n", []string{"line 2", "line 3", "retries"}},
		{"two documents", "log:\n  level: info\n---\nlog:\n  level: debug\n", []string{"second YAML document"}},
		{"not yaml", "imap: [\n", []string{"line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got no error, want one containing %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestValidateMinimal(t *testing.T) {
	c := mustParse(t, minimal)
	if err := c.Validate(); err != nil {
		t.Fatalf("got %v, want a valid config", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := mustParse(t, `
network:
  timezone: Mars/Olympus
  countries: [Thailand, thailand]
bot:
  address: "Bot <bot@mmn.example>"
secretariat: [not-an-address, ok@mmn.example, OK@mmn.example]
imap:
  port: 70000
  security: none
  host: imap.mmn.example
  password: hunter2
  password_file: /nonexistent/imap.password
smtp:
  security: ssl
  password_env: GOVBOT_TEST_UNSET_VARIABLE
store:
  path: ""
rules:
  threshold: two_thirds
  majority: overwhelming
  quorum_base: everyone
  reconfirm_deadline: "02-29"
reminders:
  days_before: [7, 0, 7]
  hour: 24
limits:
  max_attachments: 0
  stranger_refusals_per_day: -1
outbox:
  retry_min: 2h
  batch: 0
  connections: 0
special_seats:
  - id: thailand
    name: Thai seat
  - id: regional-coordinator
    name: ""
  - id: Bad_ID
    name: x
    term_years: -1
log:
  level: loud
  format: xml
`)
	got := problemsOf(t, c.Validate())
	want := []string{
		"network.timezone:",
		"network.countries[1]:",
		"bot.address:",
		"secretariat[0]:",
		"secretariat[2]:",
		"imap.port: must be 1-65535",
		"imap.security: none is allowed only for a loopback host",
		"imap.username: required",
		"imap: set only one of",
		"imap.password: an inline password is allowed only for a loopback host",
		"imap.password_file: cannot read /nonexistent/imap.password",
		"smtp.host: required",
		"smtp.security:",
		"smtp.username: required when a password is set",
		"smtp.password_env: environment variable GOVBOT_TEST_UNSET_VARIABLE",
		"store.path: required",
		"rules.threshold:",
		"rules.majority:",
		"rules.quorum_base:",
		"rules.reconfirm_deadline:",
		"reminders.days_before[1]:",
		"reminders.days_before[2]:",
		"reminders.hour: must be 0-23",
		"limits.max_attachments: must be positive",
		"limits.stranger_refusals_per_day: must be positive",
		"outbox.retry_max:",
		"outbox.batch: must be positive",
		"outbox.connections: 0 must be from 1 to 16",
		"special_seats[0].id:",
		"special_seats[1].id:",
		"special_seats[1].name: required",
		"special_seats[2].id:",
		"special_seats[2].term_years:",
		"log.level:",
		"log.format:",
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if strings.HasPrefix(g, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("missing problem %q", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	// The error lists them one per line.
	msg := (&ValidationError{Problems: got}).Error()
	if n := strings.Count(msg, "\n"); n != len(got) {
		t.Errorf("Error() has %d newlines, want %d", n, len(got))
	}
}

func TestValidateSecurityNoneOnlyLoopback(t *testing.T) {
	tests := []struct {
		host string
		ok   bool
	}{
		{"127.0.0.1", true},
		{"127.9.8.7", true},
		{"::1", true},
		{"[::1]", true},
		{"localhost", true},
		{"LocalHost", true},
		{"localhost.", true},
		{"mail.mmn.example", false},
		{"10.0.0.1", false},
		{"128.0.0.1", false},
		{"localhost.mmn.example", false},
		{"::2", false},
	}
	for _, tt := range tests {
		for _, proto := range []string{"imap", "smtp"} {
			c := mustParse(t, minimal)
			c.IMAP.InlinePassword, c.IMAP.PasswordFile = "", writeFile(t, "pw", "secret\n")
			if proto == "imap" {
				c.IMAP.Host, c.IMAP.Security = tt.host, SecurityNone
			} else {
				c.SMTP.Host, c.SMTP.Security = tt.host, SecurityNone
			}
			want := proto + ".security: none is allowed only for a loopback host"
			got := problemsOf(t, c.Validate())
			if has := containsPrefix(got, want); has == tt.ok {
				t.Errorf("%s host %q: got problems %q, want loopback=%v", proto, tt.host, got, tt.ok)
			}
		}
	}
}

func containsPrefix(list []string, prefix string) bool {
	for _, s := range list {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func TestPasswordSources(t *testing.T) {
	t.Setenv("GOVBOT_TEST_PW", "from env")
	tests := []struct {
		name    string
		imap    IMAP
		want    string
		wantErr bool
	}{
		{"file trimmed", IMAP{PasswordFile: writeFile(t, "a", "s3cret\n")}, "s3cret", false},
		{"file CRLF trimmed", IMAP{PasswordFile: writeFile(t, "b", "s3cret\r\n")}, "s3cret", false},
		{"file inner spaces kept", IMAP{PasswordFile: writeFile(t, "c", " two words \n\n")}, " two words ", false},
		{"file empty", IMAP{PasswordFile: writeFile(t, "d", "\n")}, "", true},
		{"file missing", IMAP{PasswordFile: "/nonexistent/pw"}, "", true},
		{"env", IMAP{PasswordEnv: "GOVBOT_TEST_PW"}, "from env", false},
		{"env unset", IMAP{PasswordEnv: "GOVBOT_TEST_UNSET_VARIABLE"}, "", true},
		{"inline", IMAP{InlinePassword: "inline"}, "inline", false},
		{"none", IMAP{}, "", true},
	}
	for _, tt := range tests {
		got, err := tt.imap.Password()
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: got %q, %v; want %q, error=%v", tt.name, got, err, tt.want, tt.wantErr)
		}
		s := SMTP{PasswordFile: tt.imap.PasswordFile, PasswordEnv: tt.imap.PasswordEnv, InlinePassword: tt.imap.InlinePassword}
		if got2, err2 := s.Password(); got2 != got || (err2 != nil) != (err != nil) {
			t.Errorf("%s: SMTP got %q, %v; want as IMAP %q, %v", tt.name, got2, err2, got, err)
		}
	}
}

func TestValidatePasswordRules(t *testing.T) {
	t.Setenv("GOVBOT_TEST_PW", "x")
	pw := writeFile(t, "pw", "secret\n")
	empty := writeFile(t, "empty", "")
	tests := []struct {
		name string
		edit func(c *Config)
		want string // a problem prefix; "" for valid
	}{
		{"inline on loopback", func(c *Config) {}, ""},
		{"inline refused for a real host", func(c *Config) { c.IMAP.Host = "imap.mmn.example" },
			"imap.password: an inline password is allowed only for a loopback host"},
		{"file for a real host", func(c *Config) {
			c.IMAP.Host, c.IMAP.InlinePassword, c.IMAP.PasswordFile = "imap.mmn.example", "", pw
		}, ""},
		{"env for a real host", func(c *Config) {
			c.IMAP.Host, c.IMAP.InlinePassword, c.IMAP.PasswordEnv = "imap.mmn.example", "", "GOVBOT_TEST_PW"
		}, ""},
		{"empty password file", func(c *Config) { c.IMAP.InlinePassword, c.IMAP.PasswordFile = "", empty }, "imap.password_file:"},
		{"no imap password", func(c *Config) { c.IMAP.InlinePassword = "" }, "imap.password_file: required"},
		{"smtp username without password", func(c *Config) { c.SMTP.Username = "bot" }, "smtp.password_file: required"},
		{"smtp username with file", func(c *Config) { c.SMTP.Username, c.SMTP.PasswordFile = "bot", pw }, ""},
		{"smtp inline for a real host", func(c *Config) {
			c.SMTP.Host, c.SMTP.Username, c.SMTP.InlinePassword = "smtp.mmn.example", "bot", "x"
		}, "smtp.password: an inline password"},
		{"insecure skip verify for a real host", func(c *Config) {
			c.SMTP.Host, c.SMTP.TLSInsecureSkipVerify = "smtp.mmn.example", true
		}, "smtp.tls_insecure_skip_verify:"},
		{"ca file without certificate", func(c *Config) { c.IMAP.CAFile = pw }, "imap.ca_file:"},
		{"host with port", func(c *Config) { c.IMAP.Host = "imap.mmn.example:993" }, "imap.host:"},
		{"processed mailbox same as mailbox", func(c *Config) { c.IMAP.ProcessedMailbox = "INBOX" }, "imap.processed_mailbox:"},
		{"countries overlap", func(c *Config) { c.Network.Countries = append(c.Network.Countries, "China") }, "network.countries[6]:"},
		{"secretariat is the bot", func(c *Config) { c.Secretariat.Addresses = []string{"GovBot@mmn.example"} }, "secretariat[0]:"},
	}
	for _, tt := range tests {
		c := mustParse(t, minimal)
		tt.edit(&c)
		got := problemsOf(t, c.Validate())
		if tt.want == "" {
			if len(got) > 0 {
				t.Errorf("%s: got %q, want valid", tt.name, got)
			}
			continue
		}
		if !containsPrefix(got, tt.want) {
			t.Errorf("%s: got %q, want a problem %q", tt.name, got, tt.want)
		}
	}
}

// TestExampleConfig proves config.example.yaml parses and validates, with its
// password files pointed at files the test creates.
func TestExampleConfig(t *testing.T) {
	f, err := os.Open("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Parse(f)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := c.IMAP.PasswordFile, "/etc/govbot/imap.password"; got != want {
		t.Errorf("imap.password_file: got %q, want %q", got, want)
	}
	c.IMAP.PasswordFile = writeFile(t, "imap.password", "imap-secret\n")
	c.SMTP.PasswordFile = writeFile(t, "smtp.password", "smtp-secret\n")
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// Every key of the example is spelled out: re-encoding the defaults gives
	// no key the example lacks.
	var example, defaults map[string]any
	raw, _ := os.ReadFile("../../config.example.yaml")
	if err := yaml.Unmarshal(raw, &example); err != nil {
		t.Fatal(err)
	}
	d := Default()
	d.SpecialSeats = []SpecialSeat{{}}
	out, err := yaml.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(out, &defaults); err != nil {
		t.Fatal(err)
	}
	for _, k := range missingKeys("", defaults, example) {
		// The password sources other than password_file are shown commented out:
		// only one may be set.
		if last := k[strings.LastIndex(k, ".")+1:]; strings.Contains(string(raw), "# "+last+":") {
			continue
		}
		t.Errorf("config.example.yaml lacks key %s", k)
	}
}

func missingKeys(prefix string, want, have any) []string {
	var out []string
	switch w := want.(type) {
	case map[string]any:
		h, _ := have.(map[string]any)
		for k, v := range w {
			hv, ok := h[k]
			if !ok {
				out = append(out, prefix+k)
				continue
			}
			out = append(out, missingKeys(prefix+k+".", v, hv)...)
		}
	case []any:
		if h, ok := have.([]any); ok && len(w) > 0 && len(h) > 0 {
			out = append(out, missingKeys(prefix, w[0], h[0])...)
		}
	}
	return out
}

func TestLoad(t *testing.T) {
	path := writeFile(t, "govbot.yaml", minimal)
	if _, err := Load(path); err != nil {
		t.Errorf("Load: got %v, want nil", err)
	}
	bad := writeFile(t, "bad.yaml", minimal+"reminders:\n  hour: 25\n")
	_, err := Load(bad)
	if err == nil || !strings.Contains(err.Error(), "reminders.hour") {
		t.Errorf("Load bad: got %v, want reminders.hour problem", err)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("Load bad: got %T, want it to wrap *ValidationError", err)
	}
	if _, err := Load("/nonexistent/govbot.yaml"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load missing: got %v, want os.ErrNotExist", err)
	}
}

func TestCountryName(t *testing.T) {
	c := Default()
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Burma/Myanmar", "Burma/Myanmar", true},
		{"burma/myanmar", "Burma/Myanmar", true},
		{"Myanmar", "Burma/Myanmar", true},
		{"BURMA", "Burma/Myanmar", true},
		{"Myanmar (Burma)", "Burma/Myanmar", true},
		{"Myanmar/Burma", "Burma/Myanmar", true},
		{" cambodia ", "Cambodia", true},
		{"Kingdom of Cambodia", "Cambodia", true},
		{"China", "Yunnan/Guangxi/China", true},
		{"Yunnan", "Yunnan/Guangxi/China", true},
		{"guangxi", "Yunnan/Guangxi/China", true},
		{"Yunnan/Guangxi/China", "Yunnan/Guangxi/China", true},
		{"Laos", "Lao PDR", true},
		{"Lao", "Lao PDR", true},
		{"lao pdr", "Lao PDR", true},
		{"Lao P.D.R.", "Lao PDR", true},
		{"Lao People's Democratic Republic", "Lao PDR", true},
		{"Thailand", "Thailand", true},
		{"Viet Nam", "Vietnam", true},
		{"VIETNAM", "Vietnam", true},
		{"Japan", "", false},
		{"", "", false},
		{"/", "", false},
		{"Burma/Cambodia", "", false},
	}
	for _, tt := range tests {
		got, ok := c.CountryName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("CountryName(%q): got %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	// An alias applies only to a configured country; a configured spelling wins.
	c.Network.Countries = []string{"Myanmar", "Viet Nam"}
	for in, want := range map[string]string{"Burma": "Myanmar", "vietnam": "Viet Nam", "Myanmar": "Myanmar"} {
		if got, ok := c.CountryName(in); got != want || !ok {
			t.Errorf("custom CountryName(%q): got %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := c.CountryName("Laos"); ok {
		t.Errorf("custom CountryName(Laos): got %q, want no match", got)
	}
}

func TestSecretsNeverShown(t *testing.T) {
	c := mustParse(t, minimal)
	c.SMTP.InlinePassword = "hunter2"
	var logBuf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logBuf, nil))
	log.Info("config", "imap", c.IMAP, "smtp", c.SMTP, "pw", c.IMAP.InlinePassword)
	jsonOut, _ := json.Marshal(c)
	yamlOut, _ := yaml.Marshal(c)
	outs := map[string]string{
		"slog": logBuf.String(),
		"%v":   fmt.Sprintf("%v", c),
		"%+v":  fmt.Sprintf("%+v", c),
		"%#v":  fmt.Sprintf("%#v", c),
		"json": string(jsonOut),
		"yaml": string(yamlOut),
	}
	for name, out := range outs {
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s output shows the password: %s", name, out)
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s output: got %s, want %q in it", name, out, redacted)
		}
	}
	if got, _ := c.SMTP.Password(); got != "hunter2" {
		t.Errorf("SMTP.Password: got %q, want hunter2", got)
	}
}
