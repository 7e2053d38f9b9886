package ui

import "strings"

func splitLines(s string) []string { return strings.Split(s, "\n") }
func joinLines(ls []string) string { return strings.Join(ls, "\n") }
func joinWith(ls []string, sep string) string {
	return strings.Join(ls, sep)
}
func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}
