package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/oauth2"

	"github.com/mekongmigration/govbot/internal/app"
	"github.com/mekongmigration/govbot/internal/config"
	"github.com/mekongmigration/govbot/internal/oauth"
)

// loginTimeout bounds a sign-in: the officer has this long to finish it.
const loginTimeout = 15 * time.Minute

// cmdOAuthLogin signs the bot in with OAuth 2.0 and writes oauth.token_file.
func cmdOAuthLogin(e *env, args []string) error {
	fs := flag.NewFlagSet("oauth login", flag.ContinueOnError)
	provider := fs.String("provider", "", "microsoft, google or custom (default: oauth.provider)")
	flow := fs.String("flow", "", "device or browser (default: device for microsoft, browser for google)")
	port := fs.Int("port", -1, "loopback port of the browser sign-in (default: oauth.redirect_port, else any)")
	if _, err := flags(fs, args); err != nil {
		return err
	}
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	if cfg.OAuth.IsZero() {
		return errors.New("the config has no oauth section: add one (see config.example.yaml and the README's Microsoft 365 and Google Workspace sections)")
	}
	switch *provider {
	case "", config.ProviderMicrosoft, config.ProviderGoogle, config.ProviderCustom:
	default:
		return usagef("--provider %q: want microsoft, google or custom", *provider)
	}
	if *provider != "" && *provider != cfg.OAuth.Provider {
		return usagef("--provider %s, but oauth.provider in %s is %s: the bot refreshes its token at the provider it came from; change oauth.provider first", *provider, e.configPath, cfg.OAuth.Provider)
	}
	s, err := app.OAuthSettings(cfg)
	if err != nil {
		return err
	}
	how := *flow
	if how == "" {
		how = s.Flow()
	}
	p := cfg.OAuth.RedirectPort
	if *port >= 0 {
		p = *port
	}
	ctx, cancel := context.WithTimeout(e.ctx, loginTimeout)
	defer cancel()
	fmt.Fprintf(e.out, "Signing the bot in at %s (%s sign-in).\n\n", cfg.OAuth.Provider, how)
	var tok *oauth2.Token
	switch how {
	case oauth.FlowDevice:
		tok, err = oauth.DeviceLogin(ctx, s, e.out)
	case oauth.FlowBrowser:
		tok, err = oauth.BrowserLogin(ctx, s, e.stdin, e.out, p)
	default:
		return usagef("--flow %q: want device or browser", how)
	}
	if err != nil {
		return err
	}
	st, err := oauth.NewStored(s, tok, time.Now())
	if err != nil {
		return err
	}
	file := oauth.File{Path: cfg.OAuth.TokenFile}
	if err := file.Save(st); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "\nSigned in. The refresh token is in %s (mode 0600: this user alone may read it).\n", file.Path)
	if os.Geteuid() == 0 {
		fmt.Fprintf(e.out, "You ran this as root: if the bot runs as another user, give it the file (chown) or sign in again as that user (sudo -u USER govbot oauth login).\n")
	}
	fmt.Fprintf(e.out, "A running govbot takes the new sign-in by itself. Logging in with it now:\n\n")
	return checkMail(e, cfg)
}

// checkMail logs in to IMAP and SMTP and says what worked and how.
func checkMail(e *env, cfg config.Config) error {
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	c, err := app.CheckLogins(ctx, cfg, e.log)
	if err != nil {
		return err
	}
	var problems []error
	if c.IMAPErr != nil {
		fmt.Fprintf(e.out, "imap %s:%d: FAILED: %v\n", cfg.IMAP.Host, cfg.IMAP.Port, c.IMAPErr)
		problems = append(problems, c.IMAPErr)
	} else {
		fmt.Fprintf(e.out, "imap %s:%d: logged in as %s with %s; %s holds %d messages\n", cfg.IMAP.Host, cfg.IMAP.Port, cfg.IMAP.Username, c.IMAPMech, cfg.IMAP.Mailbox, c.Messages)
	}
	if c.SMTPErr != nil {
		fmt.Fprintf(e.out, "smtp %s:%d: FAILED: %v\n", cfg.SMTP.Host, cfg.SMTP.Port, c.SMTPErr)
		problems = append(problems, c.SMTPErr)
	} else {
		auth := "no AUTH"
		if cfg.SMTP.Username != "" {
			auth = "authenticated as " + cfg.SMTP.Username + " with " + c.SMTPMech
		}
		fmt.Fprintf(e.out, "smtp %s:%d: connected (%s, %s)\n", cfg.SMTP.Host, cfg.SMTP.Port, cfg.SMTP.Security, auth)
	}
	if cfg.UsesOAuth() {
		reportOAuth(e.out, cfg, c.Expiry, problems)
	}
	if len(problems) > 0 {
		return errors.New("the mail servers could not all be reached")
	}
	return nil
}

// reportOAuth adds the sign-in's state to the report.
func reportOAuth(w io.Writer, cfg config.Config, expiry time.Time, problems []error) {
	for _, err := range problems {
		if k, ok := oauth.KindOf(err); ok {
			switch k {
			case oauth.LoginNeeded:
				fmt.Fprintf(w, "oauth (%s): the sign-in must be renewed: run `govbot oauth login`\n", cfg.OAuth.Provider)
			case oauth.Refused:
				fmt.Fprintf(w, "oauth (%s): the provider gives tokens, but the mail server refuses them: check the app's permissions, that IMAP/SMTP AUTH is on for the mailbox, and the usernames\n", cfg.OAuth.Provider)
			default:
				fmt.Fprintf(w, "oauth (%s): the provider did not answer; try again later\n", cfg.OAuth.Provider)
			}
			return
		}
	}
	if !expiry.IsZero() {
		fmt.Fprintf(w, "oauth (%s): signed in (token file %s); the access token is valid until %s and is refreshed by itself\n",
			cfg.OAuth.Provider, cfg.OAuth.TokenFile, expiry.Local().Format("2006-01-02 15:04 MST"))
	}
}
