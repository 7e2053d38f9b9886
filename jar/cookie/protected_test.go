package cookie

import "testing"

func TestFilterProtected(t *testing.T) {
	prot := Cookie{Domain: ".github.com", Path: "/", Name: "_ga", ProtectedBy: "domain:github.com"}
	free := Cookie{Domain: ".github.com", Path: "/", Name: "_gid"}
	is, not := MustParseFilter("is:protected"), MustParseFilter("-is:protected")
	if !is.Match(&prot, testNow) || is.Match(&free, testNow) || not.Match(&prot, testNow) || !not.Match(&free, testNow) {
		t.Fatal("is:protected")
	}
	if !is.UsesProtected() || !MustParseFilter("a -is:protected").UsesProtected() || MustParseFilter("is:secure").UsesProtected() {
		t.Fatal("UsesProtected")
	}
	for _, tc := range []struct {
		a, b string
		eq   bool
	}{
		{"domain:GitHub.com", "domain:github.com", true},
		{"domain:.github.com", "domain:github.com", true},
		{"domain:example.com name:sid", "name:SID domain:example.com", true},
		{"domain:example.com name:sid", "domain:example.com", false},
		{"domain:example.com", "-domain:example.com", false},
		{"purpose:t", "purpose:tracking", true},
		{"", "", true},
	} {
		if got := MustParseFilter(tc.a).Equal(MustParseFilter(tc.b)); got != tc.eq {
			t.Errorf("%q Equal %q = %v", tc.a, tc.b, got)
		}
	}
}
