package cookie

import "testing"

func TestCompareFold(t *testing.T) {
	sign := func(n int) int {
		switch {
		case n < 0:
			return -1
		case n > 0:
			return 1
		}
		return 0
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"sid", "SID", 0},
		{"Abc", "abd", -1},
		{"abd", "ABC", 1},
		{"ab", "abc", -1},
		{"abc", "AB", 1},
		{"", "", 0},
		{"_ga", "a", -1}, // '_' (0x5f) sorts before 'a', not after 'A'
		{"Z", "_", 1},    // folded 'z' (0x7a) after '_'
		{"é", "e", 1},    // bytes beyond ASCII compare as they are
	} {
		if got := sign(CompareFold(tc.a, tc.b)); got != tc.want {
			t.Errorf("CompareFold(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
