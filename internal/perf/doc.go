// Package perf holds govbot's benchmark harness (issue 8): a generated federation of
// up to 10,000 organisations, a backlog of replies in several languages and charsets
// (some with attachments) in a real Dovecot mailbox and in the in-process devmail
// server, and the measurements of `govbot once` catching up on it against a bare
// go-imap FETCH of the same messages, of peak memory with a 25 MB attachment, and of
// opening, closing and showing a 10,000-voter ballot.
//
// Everything is in _test.go files and runs only with -bench (heavy tests also need
// GOVBOT_PERF=1), so `go test ./...` stays fast. RESULTS.md has the figures and the
// command that reproduces them.
package perf
