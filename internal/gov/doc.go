// Package gov holds the network's rules: organisations, Steering Committee seats,
// ballots, quorum, majority and deadlines, as the Terms of Partnership (ToP) and
// spec/rules.md define them.
//
// The package is pure: it does no I/O and never reads the clock. Every function that
// depends on time takes `now` as an argument; every decision comes back as data (a
// state change plus the mail it causes) for the caller to persist in one transaction.
package gov
