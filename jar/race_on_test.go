//go:build race

package jar

// raceEnabled: the race detector makes SQLite 10–20× slower; the heaviest
// tests then use smaller data (the crash test a smaller import, still
// killed 20 times; the filter tests a smaller corpus; the ranged reads
// split from 2,000 rows). The normal run keeps the full sizes.
const raceEnabled = true
