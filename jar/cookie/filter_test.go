package cookie

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestFilterMatch(t *testing.T) {
	future := testNow.Add(24 * time.Hour)
	cookies := []Cookie{
		{Name: "_ga", Value: "GA1.2.3", Domain: ".example.com", Path: "/", Source: "chrome:Default", Purpose: PurposeTracking, Expires: TimeOf(future), Secure: true},
		{Name: "SID", Value: "Secret Token", Domain: "a.example.com", HostOnly: true, Path: "/", Source: "firefox:default-release", Purpose: PurposeSession, Session: true, HTTPOnly: true},
		{Name: "lang", Value: "en", Domain: ".badexample.com", Path: "/", Source: "chrome:Profile 1", Purpose: PurposePersonalization, Expires: TimeOf(testNow.Add(-time.Hour))},
		{Name: "part", Value: "x", Domain: "shop.example.org", HostOnly: true, Path: "/", Source: "file:cookies.txt", Expires: TimeOf(future), Secure: true,
			Partition: MakePartition(PartitionFields{Kind: PartitionCHIPS, TopLevelSite: "https://example.com"})},
		{Name: "enc", Domain: ".example.org", Path: "/", Source: "chrome:Default", ValueUnreadable: true, Expires: TimeOf(future)},
	}
	tests := []struct {
		filter string
		want   string // names of the matching cookies, in order
	}{
		{"", "_ga SID lang part enc"},
		{"example", "_ga SID lang part enc"},
		{"EXAMPLE.COM", "_ga SID lang"},
		{"secret", "SID"}, // value, case-insensitive
		{"sid", "SID"},    // name
		{"domain:example.com", "_ga SID"},
		{"domain:.example.com", "_ga SID"},
		{"domain:Example.COM", "_ga SID"},
		{"domain:a.example.com", "SID"},
		{"domain:com", "_ga SID lang"},
		{"-domain:example.com", "lang part enc"},
		{"name:ga", "_ga"},
		{"name:G", "_ga lang"},
		{"value:token", "SID"},
		{`value:"secret token"`, "SID"},
		{`"secret token"`, "SID"},
		{`"secret  token"`, ""},
		{"purpose:tracking", "_ga"},
		{"purpose:t", "_ga"},
		{"purpose:session,personalization", "SID lang"},
		{"purpose:unknown", "part enc"},
		{"-purpose:session", "_ga lang part enc"},
		{"source:chrome", "_ga lang enc"},
		{"source:default", "_ga SID enc"},
		{"source:profile", "lang"},
		{"is:session", "SID"},
		{"is:expired", "lang"},
		{"-is:expired", "_ga SID part enc"},
		{"is:partitioned", "part"},
		{"is:secure", "_ga part"},
		{"is:httponly", "SID"},
		{"is:hostonly", "SID part"},
		{"is:unreadable", "enc"},
		{"IS:SECURE", "_ga part"},
		{"example is:secure -purpose:tracking", "part"},
		{"-", ""},
		{`"http://x"`, ""},
		// OR: the word | separates alternatives; AND binds tighter.
		{"domain:a.example.com | domain:badexample.com", "SID lang"},
		{"name:_ga | name:enc | is:partitioned", "_ga part enc"},
		{"-is:expired | domain:badexample.com", "_ga SID lang part enc"},
		{"-is:expired -purpose:unknown | is:unreadable", "_ga SID enc"},
		{"is:secure purpose:tracking | is:session", "_ga SID"},    // (secure AND tracking) OR session
		{"is:secure purpose:tracking | is:httponly lang", "_ga"},  // second alternative needs both
		{"is:session | is:secure -domain:example.org", "_ga SID"}, // negation inside an alternative
		{`"|"`, ""}, // a quoted | is a word
		{"a|b", ""}, // | inside a word is text
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.filter)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", tt.filter, err)
			continue
		}
		var got []string
		for i := range cookies {
			if f.Match(&cookies[i], testNow) {
				got = append(got, cookies[i].Name)
			}
		}
		if g := strings.Join(got, " "); g != tt.want {
			t.Errorf("%q matched %q, want %q", tt.filter, g, tt.want)
		}
		// String reads back to the same filter.
		g, err := ParseFilter(f.String())
		if err != nil || g.String() != f.String() {
			t.Errorf("String round trip of %q: %q, %v", tt.filter, g.String(), err)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	tests := []struct{ filter, mention string }{
		{"colour:red", "colour:red"},
		{"http://example.com", "http://example.com"},
		{"is:fresh", "is:fresh"},
		{"purpose:food", "purpose:food"},
		{"name:", "name:"},
		{`"open`, `"open`},
		{"domain:.", "domain:."},
		{strings.Repeat("is:secure ", MaxFilterTerms+1), "257 terms"},
		{strings.Repeat("a | ", MaxFilterTerms/2) + "b", "more than the 256"},
	}
	for _, tt := range tests {
		_, err := ParseFilter(tt.filter)
		if err == nil {
			t.Errorf("ParseFilter(%q) succeeded", tt.filter)
			continue
		}
		if !strings.Contains(err.Error(), tt.mention) {
			t.Errorf("ParseFilter(%q): %v does not name %q", tt.filter, err, tt.mention)
		}
	}
}

// TestFilterAtMostMaxTerms: a filter of exactly MaxFilterTerms parses.
func TestFilterAtMostMaxTerms(t *testing.T) {
	if _, err := ParseFilter(strings.Repeat("is:secure ", MaxFilterTerms)); err != nil {
		t.Fatal(err)
	}
}

func TestFilterJoinsArguments(t *testing.T) {
	f, err := ParseFilter(`value:"secret`, `token"`, "is:session")
	if err != nil {
		t.Fatal(err)
	}
	c := Cookie{Name: "SID", Value: "Secret Token", Domain: "a.example.com", Session: true}
	if !f.Match(&c, testNow) {
		t.Errorf("%s does not match", f)
	}
	if f.IsEmpty() || !(Filter{}).IsEmpty() {
		t.Error("IsEmpty")
	}
	g := MustParseFilter("is:secure")
	if f.And(g).Match(&c, testNow) || !f.Match(&c, testNow) {
		t.Error("And")
	}
}

func TestContainsFold(t *testing.T) {
	for _, tt := range []struct {
		s, needle string
		want      bool
	}{
		{"abc", "abc", true}, {"xABCx", "abc", true}, {"zZzq", "zq", true},
		{"zzzz", "zq", false}, {"", "a", false}, {"a", "", true}, {"Straße", "straße", true},
		{"ÉCOLE", "école", true}, {"ab", "abc", false}, {"aXbAbC", "abc", true},
	} {
		if got := containsFold(tt.s, tt.needle); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v", tt.s, tt.needle, got)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"a | b", "| a", "a |", "a | | b", `"|" | -x`, "", "goog", `-name:"a b" is:secure`, "purpose:t,s", "domain:.x.com -", `"unterminated`, "a:b", "-is:expired value:%"} {
		f.Add(s)
	}
	c := Cookie{Name: "n", Value: "v", Domain: ".example.com", Path: "/", Source: "s"}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		flt.Match(&c, testNow)
		// What String prints parses to the same filter.
		again, err := ParseFilter(flt.String())
		if err != nil {
			t.Fatalf("%q printed as %q: %v", s, flt.String(), err)
		}
		if again.String() != flt.String() || again.Match(&c, testNow) != flt.Match(&c, testNow) {
			t.Fatalf("%q: round trip differs", s)
		}
	})
}

func TestContainsFoldAgreesWithLower(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "aAbBzZ_-.09"
	for i := 0; i < 20000; i++ {
		s := make([]byte, r.IntN(120))
		for k := range s {
			s[k] = alphabet[r.IntN(len(alphabet))]
		}
		nd := make([]byte, 1+r.IntN(4))
		for k := range nd {
			nd[k] = alphabet[r.IntN(len(alphabet))]
		}
		needle := strings.ToLower(string(nd))
		want := strings.Contains(strings.ToLower(string(s)), needle)
		if got := containsFold(string(s), needle); got != want {
			t.Fatalf("containsFold(%q, %q) = %v", s, needle, got)
		}
	}
}

func TestFilterAndDropsRepeatedTerms(t *testing.T) {
	f := MustParseFilter("goog purpose:tracking")
	g := MustParseFilter("purpose:tracking -is:expired")
	if got, want := f.And(g).String(), "goog purpose:tracking -is:expired"; got != want {
		t.Errorf("And = %q, want %q", got, want)
	}
	if got := MustParseFilter("purpose:tracking").And(MustParseFilter("-purpose:tracking")).String(); got != "purpose:tracking -purpose:tracking" {
		t.Errorf("a negated term is a different term: %q", got)
	}
}

func TestFilterTerms(t *testing.T) {
	f := MustParseFilter(`GooG -domain:.Example.COM purpose:t,s -is:expired name:"A b"`)
	got := fmt.Sprint(f.Terms())
	want := `[{ false goog []} {domain true example.com []} {purpose false  [tracking session]} {is true expired []} {name false a b []}]`
	if got != want {
		t.Errorf("Terms() = %s\nwant      %s", got, want)
	}
	if len(MustParseFilter().Terms()) != 0 {
		t.Error("the empty filter has terms")
	}
}

func TestFilterOrErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"| domain:a.com", "| with no term before it"},
		{"domain:a.com |", "| with no term after it"},
		{"domain:a.com | | domain:b.com", "| | with no term between"},
		{"|", "| with no term before it"},
	} {
		_, err := ParseFilter(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseFilter(%q) = %v, want an error saying %q", tt.in, err, tt.want)
		}
	}
	// Separate arguments join: the CLI passes domain:a.com | domain:b.com as three.
	f, err := ParseFilter("domain:a.com", "|", "domain:b.com")
	if err != nil || !f.IsOr() || len(f.Alternatives()) != 2 || f.String() != "domain:a.com | domain:b.com" {
		t.Fatalf("ParseFilter(args) = %v %v", f, err)
	}
}

func TestFilterOrAndEqual(t *testing.T) {
	f := MustParseFilter("domain:a.com | domain:b.com").And(MustParseFilter("purpose:tracking"))
	if got := f.String(); got != "domain:a.com purpose:tracking | domain:b.com purpose:tracking" {
		t.Errorf("And distributes to %q", got)
	}
	if !MustParseFilter("a | b c").Equal(MustParseFilter("c b | a")) {
		t.Error("alternatives in any order should be equal")
	}
	if MustParseFilter("a | b").Equal(MustParseFilter("a b")) || MustParseFilter("a | b").Equal(MustParseFilter("a")) {
		t.Error("OR equal to AND / to one side")
	}
	if !MustParseFilter("a | is:protected").UsesProtected() || MustParseFilter("a | b").IsEmpty() {
		t.Error("UsesProtected/IsEmpty ignore alternatives")
	}
	c := Cookie{Name: "x", Domain: "b.com"}
	if !MustParseFilter("zzz | x").MatchFolded(&c, FoldText(&c), testNow) || MustParseFilter("zzz | yyy").MatchFolded(&c, FoldText(&c), testNow) {
		t.Error("MatchFolded with alternatives")
	}
}
