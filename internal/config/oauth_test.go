package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// oauthMinimal is minimal with IMAP and SMTP over OAuth at a custom provider on loopback.
func oauthMinimal(t *testing.T) string {
	dir := t.TempDir()
	return `
bot:
  address: govbot@mmn.example
secretariat: [secretariat@mmn.example]
imap:
  host: 127.0.0.1
  auth: oauthbearer
  username: govbot
smtp:
  host: localhost
  auth: xoauth2
  username: govbot
oauth:
  provider: custom
  client_id: govbot-test
  client_secret: s3cret
  token_url: http://127.0.0.1:9/token
  device_auth_url: http://127.0.0.1:9/device
  token_file: ` + filepath.Join(dir, "token.json") + "\n"
}

func TestValidateOAuthMinimal(t *testing.T) {
	c := mustParse(t, oauthMinimal(t))
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !c.UsesOAuth() {
		t.Errorf("UsesOAuth false")
	}
	if id, err := c.OAuth.ClientIDValue(); err != nil || id != "govbot-test" {
		t.Errorf("client id %q, %v", id, err)
	}
	if s, err := c.OAuth.ClientSecret(); err != nil || s != "s3cret" {
		t.Errorf("client secret %q, %v", s, err)
	}
	if d := Default(); d.IMAP.Auth != AuthPassword || d.SMTP.Auth != AuthPassword || d.UsesOAuth() {
		t.Errorf("default auth %q/%q, want password", d.IMAP.Auth, d.SMTP.Auth)
	}
}

func TestValidateOAuthReportsEveryProblem(t *testing.T) {
	dir := t.TempDir()
	open := filepath.Join(dir, "open.json")
	if err := os.WriteFile(open, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOVBOT_TEST_EMPTY", "")
	c := mustParse(t, `
bot:
  address: govbot@mmn.example
secretariat: [secretariat@mmn.example]
imap:
  host: imap.example.org
  auth: xoauth3
  username: govbot
smtp:
  host: smtp.example.org
  auth: oauthbearer
  password_file: /nonexistent/smtp.password
oauth:
  provider: yahoo
  tenant: x
  client_id: a
  client_id_env: GOVBOT_TEST_EMPTY
  client_secret: inline
  client_secret_file: /nonexistent/secret
  token_file: `+open+`
  auth_url: http://idp.example.org/auth
  scopes: ["a b", ""]
  redirect_port: 70000
`)
	got := problemsOf(t, c.Validate())
	for _, want := range []string{
		"imap.auth: \"xoauth3\" is not one of",
		"smtp.username: required with smtp.auth oauthbearer",
		"smtp.password_file: not used with smtp.auth oauthbearer",
		"oauth.provider: \"yahoo\"",
		"oauth.tenant: only for provider microsoft",
		"oauth.client_id: set only one of",
		"oauth.client_id_env: environment variable GOVBOT_TEST_EMPTY",
		"oauth.client_secret_file: set only one of",
		"oauth.client_secret: an inline client secret is allowed only with a loopback token_url",
		"oauth.client_secret_file: cannot read /nonexistent/secret",
		"oauth.token_file: " + open + " is open to other users (mode 0644)",
		"oauth.auth_url: \"http://idp.example.org/auth\": want an https:// address",
		"oauth.scopes[0]",
		"oauth.scopes[1]",
		"oauth.redirect_port",
	} {
		if !containsPrefix(got, want) {
			t.Errorf("no problem %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	// imap.auth is invalid, so the IMAP password is still asked for.
	if !containsPrefix(got, "imap.password_file: required") {
		t.Errorf("imap.password_file problem missing:\n%s", strings.Join(got, "\n"))
	}
}

func TestValidateOAuthSectionNeededAndItsRequiredKeys(t *testing.T) {
	c := mustParse(t, strings.Replace(minimal, "  password: govbot\n", "  auth: xoauth2\n", 1))
	got := problemsOf(t, c.Validate())
	if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "oauth: required when imap.auth") }) {
		t.Errorf("no oauth section, got:\n%s", strings.Join(got, "\n"))
	}
	c.OAuth = OAuth{Provider: ProviderCustom}
	got = problemsOf(t, c.Validate())
	for _, want := range []string{"oauth.client_id: required", "oauth.token_file: required", "oauth.token_url: required for provider custom", "oauth.auth_url: provider custom needs"} {
		if !containsPrefix(got, want) {
			t.Errorf("no problem %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	c.OAuth = OAuth{Provider: ProviderGoogle, ClientID: "x.apps.googleusercontent.com", TokenFile: "/nonexistent/dir/token.json"}
	got = problemsOf(t, c.Validate())
	for _, want := range []string{"oauth.client_secret_file: required for google", "oauth.token_file: the directory of /nonexistent/dir/token.json does not exist"} {
		if !containsPrefix(got, want) {
			t.Errorf("no problem %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

// TestExampleOAuthSection un-comments the example's oauth section and proves it
// validates with OAuth logins.
func TestExampleOAuthSection(t *testing.T) {
	raw, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	key := regexp.MustCompile(`^#   ([a-z_]+:.*)$`)
	for _, line := range strings.Split(string(raw), "\n") {
		switch {
		case line == "# oauth:":
			in = true
			out = append(out, "oauth:")
		case in && key.MatchString(line):
			out = append(out, "  "+key.FindStringSubmatch(line)[1])
		case in && strings.HasPrefix(line, "#"):
		default:
			in = false
			out = append(out, line)
		}
	}
	c, err := Parse(strings.NewReader(strings.Join(out, "\n")))
	if err != nil {
		t.Fatalf("the un-commented oauth section does not parse: %v", err)
	}
	if c.OAuth.Provider != ProviderMicrosoft || c.OAuth.ClientID == "" || c.OAuth.TokenFile != "/var/lib/govbot/oauth-token.json" {
		t.Fatalf("oauth section read as %+v", c.OAuth)
	}
	c.IMAP.Auth, c.IMAP.PasswordFile = AuthXOAuth2, ""
	c.SMTP.Auth, c.SMTP.PasswordFile = AuthXOAuth2, ""
	c.OAuth.TokenFile = filepath.Join(t.TempDir(), "oauth-token.json")
	c.OAuth.ClientSecretFile = writeFile(t, "secret", "s\n")
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// Every key of the section is in the example.
	for _, k := range []string{"provider", "tenant", "client_id", "client_id_file", "client_id_env", "client_secret", "client_secret_file", "client_secret_env", "token_file", "scopes", "auth_url", "token_url", "device_auth_url", "redirect_port"} {
		if !regexp.MustCompile(`(?m)^#   (# )?` + k + `:`).Match(raw) {
			t.Errorf("config.example.yaml's oauth section lacks %s", k)
		}
	}
}
