//go:build race

package jar

// raceEnabled: the race detector makes SQLite ~10× slower; the crash test
// then uses a smaller import (still killed 20 times).
const raceEnabled = true
