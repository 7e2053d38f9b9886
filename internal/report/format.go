package report

import (
	"strconv"
	"strings"
	"time"
)

// Helpers both front ends use to show a report the same way.

// Span renders a duration the way the report shows ages and lifetimes:
// the largest unit and, for years and months, the next one ("2y 3mo",
// "5mo 2d", "12d", "7h", "<1h"); "—" for zero.
func Span(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	const dayDur = 24 * time.Hour
	days := int(d / dayDur)
	switch {
	case days >= 360:
		y := max(1, days/365)
		mo := max(0, days-y*365) / 30
		if mo == 0 {
			return strconv.Itoa(y) + "y"
		}
		return strconv.Itoa(y) + "y " + strconv.Itoa(mo) + "mo"
	case days >= 60:
		mo, dd := days/30, days%30
		if dd == 0 {
			return strconv.Itoa(mo) + "mo"
		}
		return strconv.Itoa(mo) + "mo " + strconv.Itoa(dd) + "d"
	case days >= 1:
		return strconv.Itoa(days) + "d"
	case d >= time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return "<1h"
}

// Num renders n with thousands separators: 100000 → "100,000".
func Num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// eighths are the block characters of a bar's last cell, by eighths.
var eighths = [...]string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

// Bar is a horizontal bar of frac (0…1) of width cells, in full blocks and
// one partial block; at least one thin block when frac > 0.
func Bar(frac float64, width int) string {
	if frac <= 0 || width <= 0 {
		return ""
	}
	frac = min(frac, 1)
	n := int(frac*float64(width*8) + 0.5)
	if n == 0 {
		n = 1
	}
	return strings.Repeat("█", n/8) + eighths[n%8]
}
