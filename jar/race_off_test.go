//go:build !race

package jar

const raceEnabled = false
