package purpose

import (
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestListKinds(t *testing.T) {
	hosts := writeFile(t, "hosts", "# a hosts file\n127.0.0.1 localhost\n::1 ip6-localhost\n0.0.0.0 pixel.tracker-a.example  # inline\n0.0.0.0 one.example two.example\n")
	plain := writeFile(t, "domains.txt", "# plain\ntracker-b.example\n*.wild.example\n\n")
	adblock := writeFile(t, "easyprivacy.txt", "[Adblock Plus 2.0]\n! Title: test\n||tracker-c.example^\n||tracker-d.example^$third-party\n"+
		"||site.example/pixel.gif\n@@||allowed.example^\nexample.org##.banner\n||only-on.example^$domain=news.example\n")
	ocd := writeFile(t, "ocd-without-extension", "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"+
		"1,Acme,Analytics,acme_vid,,Visitor id,1 year,Acme,,0\n")
	for _, tc := range []struct {
		list, domain, name string
		want               cookie.Purpose
		reason             string
	}{
		{hosts, "pixel.tracker-a.example", "zz", cookie.PurposeTracking, "hosts lists pixel.tracker-a.example"},
		{hosts, "a.pixel.tracker-a.example", "zz", cookie.PurposeTracking, "hosts lists pixel.tracker-a.example"},
		{hosts, "tracker-a.example", "zz", cookie.PurposeSession, "fallback"}, // a parent of a listed host is not listed
		{hosts, "two.example", "zz", cookie.PurposeTracking, "hosts lists two.example"},
		{hosts, "localhost", "zz", cookie.PurposeSession, "fallback"},
		{plain, "x.tracker-b.example", "zz", cookie.PurposeTracking, "domains.txt lists tracker-b.example"},
		{plain, "a.wild.example", "zz", cookie.PurposeTracking, "domains.txt lists wild.example"},
		{adblock, "tracker-c.example", "zz", cookie.PurposeTracking, "easyprivacy.txt lists tracker-c.example"},
		{adblock, "tracker-d.example", "zz", cookie.PurposeTracking, "easyprivacy.txt lists tracker-d.example"},
		{adblock, "site.example", "zz", cookie.PurposeSession, "fallback"},
		{adblock, "allowed.example", "zz", cookie.PurposeSession, "fallback"},
		{adblock, "only-on.example", "zz", cookie.PurposeSession, "fallback"},
		{ocd, "", "acme_vid", cookie.PurposeTracking, "Open Cookie Database: Acme, analytics: visitor id"},
	} {
		c, err := New(Options{Lists: []string{tc.list}})
		if err != nil {
			t.Fatal(err)
		}
		p, why, ev := c.Explain(tc.domain, tc.name)
		if p != tc.want || !strings.Contains(why, tc.reason) {
			t.Errorf("%s: %s %s = %s (%s), want %s with %q", tc.list, tc.domain, tc.name, p, why, tc.want, tc.reason)
		}
		if tc.want == cookie.PurposeTracking && ev != cookie.EvidenceList {
			t.Errorf("%s %s: evidence %s, want list", tc.domain, tc.name, ev)
		}
	}
	notAList := writeFile(t, "notes.txt", "this is not a list\nof anything at all\n")
	if _, err := New(Options{Lists: []string{notAList}}); err == nil || !strings.Contains(err.Error(), "no domain found") || !strings.Contains(err.Error(), notAList) {
		t.Errorf("a file that is not a list: %v", err)
	}
}

// TestListsUnderCurated: a list sits under crumbs' curated names, patterns
// and domains and under sign-in safety, above the heuristics.
func TestListsUnderCurated(t *testing.T) {
	ocd := writeFile(t, "ocd.csv", "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n"+
		"1,Wrong,Functional,_ga,,wrong,2 years,Wrong,,0\n"+
		"2,Wrong,Marketing,PHPSESSID,,wrong,session,Wrong,,0\n"+
		"3,Wrong,Marketing,_hjSession_,,wrong,session,Wrong,,1\n"+
		"4,Acme,Marketing,acme_theme,,an ad id despite its name,1 year,Acme,,0\n"+
		"5,Acme,Functional,acme_visitor_id,,kept,1 year,Acme,,0\n"+
		"6,Wrong,Marketing,my_login_session,,wrong,1 year,Wrong,,0\n")
	hosts := writeFile(t, "hosts", "0.0.0.0 doubleclick.net\n0.0.0.0 tracker.example\n")
	c, err := New(Options{Lists: []string{ocd, hosts}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		domain, name string
		want         cookie.Purpose
		ev           cookie.Evidence
	}{
		{"", "_ga", cookie.PurposeTracking, cookie.EvidenceName},                             // curated name beats the list
		{"", "PHPSESSID", cookie.PurposeSession, cookie.EvidenceName},                        // sign-in safety and curated name
		{"", "_hjSession_123", cookie.PurposeTracking, cookie.EvidencePattern},               // curated pattern
		{"example.com", "my_login_session", cookie.PurposeSession, cookie.EvidenceHeuristic}, // a name that says session
		{"example.com", "acme_theme", cookie.PurposeTracking, cookie.EvidenceList},           // the list beats the heuristics
		{"example.com", "acme_visitor_id", cookie.PurposeSession, cookie.EvidenceList},       // either way
		{".doubleclick.net", "zz", cookie.PurposeTracking, cookie.EvidenceDomain},            // crumbs' own domain first
		{"tracker.example", "zz", cookie.PurposeTracking, cookie.EvidenceList},               // the list's domain
		{"tracker.example", "optout", cookie.PurposePersonalization, cookie.EvidenceHeuristic},
	} {
		p, why, ev := c.Explain(tc.domain, tc.name)
		if p != tc.want || ev != tc.ev {
			t.Errorf("%s %s = %s/%s (%s), want %s/%s", tc.domain, tc.name, p, ev, why, tc.want, tc.ev)
		}
	}
}

// TestRulesFileLists: the rules file's lists entry loads lists relative to
// its folder; editing a list changes Version (the jar re-classifies); a
// missing list is an error.
func TestRulesFileLists(t *testing.T) {
	dir := t.TempDir()
	if err := writeBytes(dir+"/hosts", []byte("0.0.0.0 tracker.example\n")); err != nil {
		t.Fatal(err)
	}
	if err := writeBytes(dir+"/rules.toml", []byte("lists = [\"hosts\"]\n")); err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{RulesFile: dir + "/rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if p, why, _ := c.Explain("tracker.example", "zz"); p != cookie.PurposeTracking || why != "hosts lists tracker.example" {
		t.Errorf("list from the rules file: %s %q", p, why)
	}
	v1 := c.Version()
	if err := writeBytes(dir+"/hosts", []byte("0.0.0.0 tracker.example\n0.0.0.0 other.example\n")); err != nil {
		t.Fatal(err)
	}
	c2, err := New(Options{RulesFile: dir + "/rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if c2.Version() == v1 || !strings.HasPrefix(v1, KnowledgeVersion()+"+user.") {
		t.Errorf("versions %q %q", v1, c2.Version())
	}
	if err := writeBytes(dir+"/rules.toml", []byte("lists = [\"missing.txt\"]\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{RulesFile: dir + "/rules.toml"}); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing list: %v", err)
	}
	if err := writeBytes(dir+"/bad.toml", []byte("[[signin]]\nname = \"x\"\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Options{RulesFile: dir + "/bad.toml"}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("[[signin]] in the user's file: %v", err)
	}
}

func TestIsRulesFile(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"rules.toml", "", true},
		{"db.csv", "", false},
		{"myrules", "# mine\n[[rule]]\nname = \"x\"\npurpose = \"session\"\n", true},
		{"mylists", "lists = [\"a\"]\n", true},
		{"hosts", "0.0.0.0 tracker.example\n", false},
		{"easylist.txt", "[Adblock Plus 2.0]\n||x.example^\n", false},
		{"ocd", "ID,Platform,Category,Cookie / Data Key name\n", false},
	} {
		if got := IsRulesFile(writeFile(t, tc.name, tc.text)); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

func FuzzParseList(f *testing.F) {
	f.Add("hosts", []byte("0.0.0.0 a.example b.example\n# c\n"))
	f.Add("list.txt", []byte("||x.example^$third-party\n@@||y.example^\n"))
	f.Add("x.csv", []byte("ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n1,A,Analytics,n,,d,r,c,p,1\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		l, err := parseList(name, data)
		if err != nil {
			return
		}
		d := Default()
		d.ready() // its knowledge is parsed on first use
		c := &Classifier{builtin: d.builtin, signin: d.signin, sites: newSiteCache(), lists: []*list{l}}
		for _, d := range []string{"a.example", "x.example", ""} {
			if p, _, _ := c.Explain(d, "n"); p == "" {
				t.Fatal("empty purpose")
			}
		}
	})
}
