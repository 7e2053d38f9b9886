// Package app holds the use cases of crumbs: what the command line and the
// terminal UI both do — read sources, import, export, purge, delete, undo,
// record verdicts — each as one function that returns a result (counts,
// what was left out and why, warnings). The command line formats a result
// as text or JSON; the UI shows the same result as a toast or a dialog;
// neither computes it again (docs/architecture.md).
//
// Nothing here writes to a terminal, reads flags or knows about bubbletea.
package app
