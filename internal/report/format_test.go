package report

import (
	"testing"
	"time"
	"unicode/utf8"
)

func TestSpan(t *testing.T) {
	day := 24 * time.Hour
	for d, want := range map[time.Duration]string{
		0: "—", 30 * time.Minute: "<1h", 5 * time.Hour: "5h", 12 * day: "12d", 59 * day: "59d",
		60 * day: "2mo", 92 * day: "3mo 2d", 365 * day: "1y", 400 * day: "1y 1mo", 730 * day: "2y", 364 * day: "1y", 359 * day: "11mo 29d",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestNum(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 100000: "100,000", 1234567: "1,234,567", -4200: "-4,200", -12: "-12"} {
		if got := Num(n); got != want {
			t.Errorf("Num(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestBar(t *testing.T) {
	if Bar(0, 10) != "" || Bar(0.5, 0) != "" {
		t.Fatal("empty bars")
	}
	if got := Bar(1, 10); got != "██████████" {
		t.Fatalf("full %q", got)
	}
	if got := Bar(0.001, 10); got != "▏" {
		t.Fatalf("tiny %q", got)
	}
	if got := Bar(0.55, 10); got != "█████▌" {
		t.Fatalf("half %q", got)
	}
	for _, f := range []float64{0.1, 0.33, 0.99, 2} {
		if n := utf8.RuneCountInString(Bar(f, 20)); n > 20 {
			t.Fatalf("Bar(%v, 20) is %d cells", f, n)
		}
	}
}
