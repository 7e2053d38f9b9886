//go:build !race

package purpose

const raceEnabled = false
