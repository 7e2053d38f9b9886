package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/crumbs-dev/crumbs/internal/termsafe"
)

// safe neutralises a string from the jar (control characters, escape
// sequences, bidi overrides, invalid UTF-8) before it is measured or drawn.
// Every cookie field goes through it; the UI never renders jar text raw.
func safe(s string) string { return termsafe.String(s) }

// width is the number of terminal cells s takes (ANSI-aware; wide CJK and
// emoji count 2).
func width(s string) int { return ansi.StringWidth(s) }

// fit truncates s to w cells (with an ellipsis) and pads it with spaces to
// exactly w cells. s may contain styling. w ≤ 0 gives "".
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := width(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = width(s)
	}
	if sw < w {
		s += strings.Repeat(" ", w-sw)
	}
	return s
}

// trunc truncates s to at most w cells without padding.
func trunc(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// clampLines makes a block exactly h lines of exactly w cells: every line
// is cut or padded, missing lines are blank. It is the last step of every
// View so that no line is ever wider than the terminal.
func clampLines(s string, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	return strings.Join(lines, "\n")
}

// wrap breaks plain (already sanitised) text into lines of at most w cells.
func wrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for s != "" {
		if width(s) <= w {
			out = append(out, s)
			break
		}
		part := ansi.Truncate(s, w, "")
		if part == "" { // a single wide rune wider than w
			part = string([]rune(s)[:1])
		}
		out = append(out, part)
		s = s[len(part):]
	}
	return out
}

func maxi(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func mini(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func clamp(v, lo, hi int) int {
	if v > hi {
		v = hi
	}
	if v < lo {
		v = lo
	}
	return v
}

// wordWrap breaks text into lines of at most w cells at word boundaries
// (a word longer than w is cut).
func wordWrap(s string, w int) []string {
	if w <= 0 {
		return nil
	}
	return splitLines(ansi.Wrap(s, w, ""))
}
