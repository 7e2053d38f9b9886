//go:build race

package ui

// raceEnabled: the race detector adds shadow memory and slows loads ~10x,
// so heap and timing measurements mean nothing under it.
const raceEnabled = true
