package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"Zürich ☕ café", "Zürich ☕ café"},
		{"a\tb\nc\rd", `a\tb\nc\rd`},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"\x1b]0;title\x07", `\x1b]0;title\x07`},
		{"nul\x00del\x7f", `nul\x00del\x7f`},
		{"csi\u009b2J", `csi\u009b2J`},
		{"\u202egro.elgoog", `\u202egro.elgoog`},
		{"a\u2066b\u2069", `a\u2066b\u2069`},
		{"bad\xffutf8\xc3", `bad\xffutf8\xc3`},
		{"line\u2028sep", `line\u2028sep`},
		{"back\\slash", `back\slash`},
	}
	for _, tt := range tests {
		if got := String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if IsSafe(tt.in) != (tt.in == tt.want) {
			t.Errorf("IsSafe(%q) = %v", tt.in, IsSafe(tt.in))
		}
	}
}

func TestStringNoAllocWhenSafe(t *testing.T) {
	s := "a perfectly ordinary cookie value 12345"
	if n := testing.AllocsPerRun(100, func() { _ = String(s) }); n != 0 {
		t.Fatalf("String allocated %v times for a safe string", n)
	}
}

// FuzzString checks that the output never carries a byte a terminal would
// act on, whatever the input.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "abc", "\x1b[2J", "\u202e", "\xff\xfe", "\u009b31m", "a\tb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q is not valid UTF-8", s, out)
		}
		if !IsSafe(out) {
			t.Fatalf("String(%q) = %q is not safe", s, out)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
				t.Fatalf("String(%q) = %q contains control %U", s, out, r)
			}
		}
		if IsSafe(s) && out != s {
			t.Fatalf("safe input %q changed to %q", s, out)
		}
		if strings.ContainsRune(out, '\u202e') {
			t.Fatalf("bidi override survived in %q", out)
		}
	})
}

func BenchmarkString(b *testing.B) {
	s := strings.Repeat("value=abc123;", 8) + "\x1b"
	b.SetBytes(int64(len(s)))
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf = Append(buf[:0], s)
	}
}
