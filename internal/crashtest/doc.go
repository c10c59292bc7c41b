// Package crashtest proves govbot's crash safety from the outside: its tests build
// the real binary, run it against in-process mail servers (package devmail) with a
// backlog of replies, kill it with SIGKILL at random points, restart it, and check
// that the tallies, the mail that left and the Message-IDs come out as if nothing
// had happened. The package has no code of its own; see crash_test.go.
package crashtest
