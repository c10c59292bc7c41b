package gov

import "time"

// LoginFailureData is the data of the login_failure mail to the Secretariat: the
// bot cannot log in to its mailbox with its OAuth 2.0 sign-in. It is sent at most
// once a day while the failure lasts.
type LoginFailureData struct {
	// Account is the mailbox account the bot logs in as.
	Account string
	// Provider is microsoft, google or custom.
	Provider string
	// Cause says who can end the failure: renew (the sign-in was revoked or
	// expired: run `govbot oauth login`), refused (the mail server refuses the
	// provider's tokens: permissions, username), or unavailable (the provider
	// has not answered for an hour or more).
	Cause string
	// At is when the failure began.
	At time.Time
	// Error is the failure, safe to show (no token, no secret).
	Error string
	// Reading and Sending say whether reading mail (IMAP) and sending it (SMTP)
	// depend on the sign-in.
	Reading, Sending bool
}
