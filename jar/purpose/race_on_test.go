//go:build race

package purpose

// raceEnabled: the race detector slows code ~10x, so timing budgets do not apply.
const raceEnabled = true
