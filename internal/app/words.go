package app

import (
	"path/filepath"
	"strconv"
	"strings"
)

// Plural returns "1 cookie", "2 cookies", "42,006 cookies": the count with
// thousands separators and the word that agrees with it.
func Plural(n int, one, many string) string {
	if n == 1 || n == -1 {
		return Thousands(n) + " " + one
	}
	return Thousands(n) + " " + many
}

// Thousands formats n with a comma between groups of three digits, the
// way a person reads counts in English ("42,006").
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := ""
	if n < 0 {
		neg, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return neg + s
	}
	b := make([]byte, 0, len(s)+len(s)/3)
	head := len(s) % 3
	if head > 0 {
		b = append(b, s[:head]...)
	}
	for i := head; i < len(s); i += 3 {
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = append(b, s[i:i+3]...)
	}
	return neg + string(b)
}

// ShowPath shortens a path under home to ~/… for a person to read.
func ShowPath(p, home string) string {
	home = strings.TrimSuffix(home, string(filepath.Separator))
	if home == "" || home == string(filepath.Separator) {
		return p
	}
	if p == home {
		return "~"
	}
	if strings.HasPrefix(p, home+string(filepath.Separator)) {
		return "~" + p[len(home):]
	}
	return p
}

// ShowSource is a source id as a person reads it: a file source is its
// path, shortened under home ("~/Downloads/cookies.txt" for
// "file:/home/u/Downloads/cookies.txt"); a browser's id stays as it is
// ("firefox:default-release"). The filter's source: matches the id.
func ShowSource(id, home string) string {
	if p, ok := strings.CutPrefix(id, "file:"); ok && filepath.IsAbs(p) {
		return ShowPath(p, home)
	}
	return id
}
