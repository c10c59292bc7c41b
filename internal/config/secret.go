package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
)

// Secret is a password written inline in the file. However it is printed or
// logged (fmt, slog, JSON, YAML) it shows as "[redacted]"; use string(s) to
// read it.
type Secret string

const redacted = "[redacted]"

func (s Secret) show() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String hides the secret.
func (s Secret) String() string { return s.show() }

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.show()) }

// LogValue hides the secret from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.show()) }

// MarshalText hides the secret from encoders (JSON).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.show()), nil }

// MarshalYAML hides the secret from yaml.Marshal.
func (s Secret) MarshalYAML() (any, error) { return s.show(), nil }

// ErrNoPassword is returned by Password when no password source is set.
var ErrNoPassword = errors.New("no password_file, password_env or password set")

// Password returns the IMAP password: the contents of PasswordFile without its
// trailing newline, else the environment variable PasswordEnv, else the inline
// InlinePassword (which [Config.Validate] allows only for a loopback host).
func (c IMAP) Password() (string, error) {
	return password(c.PasswordFile, c.PasswordEnv, c.InlinePassword)
}

// Password returns the SMTP password, from the same sources as [IMAP.Password].
// With no Username the bot does not authenticate and the password is not needed.
func (c SMTP) Password() (string, error) {
	return password(c.PasswordFile, c.PasswordEnv, c.InlinePassword)
}

func password(file, env string, inline Secret) (string, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read password file: %w", err)
		}
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", fmt.Errorf("password file %s is empty", file)
		}
		return p, nil
	case env != "":
		p, ok := os.LookupEnv(env)
		if !ok || p == "" {
			return "", fmt.Errorf("environment variable %s is not set or empty", env)
		}
		return p, nil
	case inline != "":
		return string(inline), nil
	}
	return "", ErrNoPassword
}

// passwordSource names where the password comes from, for logs.
func passwordSource(file, env string, inline Secret) string {
	switch {
	case file != "":
		return "file " + file
	case env != "":
		return "env " + env
	case inline != "":
		return "inline"
	}
	return "none"
}

// LogValue logs the IMAP settings without the password.
func (c IMAP) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("security", c.Security),
		slog.String("auth", c.Auth),
		slog.String("username", c.Username),
		slog.String("password", passwordSource(c.PasswordFile, c.PasswordEnv, c.InlinePassword)),
		slog.String("mailbox", c.Mailbox),
		slog.String("processed_mailbox", c.ProcessedMailbox),
		slog.String("quarantine_mailbox", c.QuarantineMailbox),
		slog.Duration("poll_interval", c.PollInterval.Std()),
		slog.Bool("idle", c.Idle),
	)
}

// LogValue logs the SMTP settings without the password.
func (c SMTP) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("security", c.Security),
		slog.String("auth", c.Auth),
		slog.String("username", c.Username),
		slog.String("password", passwordSource(c.PasswordFile, c.PasswordEnv, c.InlinePassword)),
	)
}

// IsLoopback reports whether host is localhost or a loopback IP address
// (127.0.0.0/8, ::1). Only such hosts may use security none, an inline
// password or tls_insecure_skip_verify.
func IsLoopback(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	if h == "localhost" {
		return true
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
