package purpose

import (
	"strings"
	"testing"
)

func TestRulesFileProtect(t *testing.T) {
	path := writeFile(t, "rules.toml", "[[rule]]\nname = \"x\"\npurpose = \"tracking\"\n\n[[protect]]\nfilter = \"domain:github.com\"\n\n[[protect]]\nfilter = 'domain:example.com name:sessionid'\n")
	c, err := New(Options{RulesFile: path})
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Protections()
	if len(ps) != 2 || ps[0].Filter != "domain:github.com" || ps[0].Line != 5 || ps[0].File != path ||
		ps[1].Filter != "domain:example.com name:sessionid" || ps[1].Line != 8 || ps[1].File != path {
		t.Fatalf("Protections: %+v", ps)
	}
	if Default().Protections() != nil {
		t.Fatal("the built-in knowledge has protections")
	}
	for _, tc := range []struct{ text, want string }{
		{"[[protect]]\nfilter = \"domain:\"\n", "line 1"},
		{"[[rule]]\nname = \"x\"\npurpose = \"tracking\"\n[[protect]]\nfilter = \"\"\n", "line 4: a [[protect]] entry needs filter"},
		{"[[protect]]\nfilters = \"domain:a.com\"\n", "line 2: unknown key \"protect.filters\" (a [[protect]] entry has one key, filter)"},
		{"[[protect]]\nfilter = \"is:protected\"\n", "line 1: [[protect]] a protection cannot use is:protected"},
		{"[[protect]]\nfilter = \"bogus:x\"\n", "unknown key"},
	} {
		bad := writeFile(t, "bad.toml", tc.text)
		if _, err := New(Options{RulesFile: bad}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v (want %q)", tc.text, err, tc.want)
		}
	}
}
