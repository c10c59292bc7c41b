//go:build race

package mailread

// raceEnabled: the race detector instruments memory and allocates for itself, so
// allocation bounds are checked only without it (and in the benchmarks).
const raceEnabled = true
