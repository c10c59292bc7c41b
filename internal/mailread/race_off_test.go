//go:build !race

package mailread

const raceEnabled = false
