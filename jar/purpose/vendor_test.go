package purpose

import (
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// vendorCases: (domain, name) → vendor and organisation, written from the
// vendors' public cookie documentation.
var vendorCases = []struct{ domain, name, vendor, org string }{
	{".example.com", "_ga", "Google Analytics", "Google"},
	{".example.com", "_ga_ABC123", "Google Analytics", "Google"},
	{".example.com", "__utmz", "Google Analytics", "Google"},
	{".example.com", "_gcl_au", "Google Ads", "Google"},
	{".doubleclick.net", "IDE", "Google Ads", "Google"},
	{"ad.doubleclick.net", "unknown_name_xyz", "Google Ads", "Google"},
	{".example.com", "_fbp", "Meta Pixel", "Meta"},
	{".facebook.com", "fr", "Facebook", "Meta"},
	{".example.com", "_clck", "Microsoft Clarity", "Microsoft"},
	{".example.com", "_uetvid", "Bing Ads", "Microsoft"},
	{".bing.com", "MUID", "Bing Ads", "Microsoft"},
	{".adnxs.com", "uuid2", "Xandr", "Microsoft"},
	{".example.com", "_hjSessionUser_12345", "Hotjar", "Contentsquare"},
	{".example.com", "_ttp", "TikTok Pixel", "ByteDance"},
	{".criteo.com", "uid", "Criteo", "Criteo"},
	{".example.com", "AMCV_1234%40AdobeOrg", "Adobe Experience Cloud", "Adobe"},
	{".example.com", "s_vi", "Adobe Analytics", "Adobe"},
	{".demdex.net", "demdex", "Adobe Audience Manager", "Adobe"},
	{".example.com", "_mkto_trk", "Marketo", "Adobe"},
	{".example.com", "hubspotutk", "HubSpot", "HubSpot"},
	{".example.com", "ajs_anonymous_id", "Segment", "Twilio"},
	{".adsrvr.org", "TDID", "The Trade Desk", "The Trade Desk"},
	// A tracker domain's organisation covers cookies crumbs does not know
	// by name.
	{"px.ads.linkedin.com", "zz_unknown", "LinkedIn Insight Tag", "Microsoft"},
	{".taboola.com", "zz_unknown", "Taboola", "Taboola"},
}

func TestVendors(t *testing.T) {
	c := Default()
	for _, tc := range vendorCases {
		v := c.Verdict(tc.domain, tc.name)
		if v.Vendor != tc.vendor || v.Org != tc.org {
			t.Errorf("%s %s: vendor %q org %q (%s: %s), want %q %q", tc.domain, tc.name, v.Vendor, v.Org, v.Purpose, v.Reason, tc.vendor, tc.org)
		}
		if got := c.VendorOf(tc.domain, tc.name); got.Name != tc.vendor || got.Org != tc.org {
			t.Errorf("VendorOf %s %s = %+v", tc.domain, tc.name, got)
		}
		p, why, ev := c.Explain(tc.domain, tc.name)
		if v.Purpose != p || v.Reason != why || v.Evidence != ev {
			t.Errorf("%s %s: Verdict %+v disagrees with Explain %s %q %s", tc.domain, tc.name, v, p, why, ev)
		}
	}
}

// Cookies no vendor is known for carry none: the report groups them by
// their registrable domain.
func TestNoVendor(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ domain, name string }{
		{"www.example.com", "PHPSESSID"},
		{"shop.example.co.uk", "visitor_id"},
		{"news.example.org", "x7f3k2"},
	} {
		if v := c.Verdict(tc.domain, tc.name); v.Vendor != "" || v.Org != "" {
			t.Errorf("%s %s: vendor %q org %q", tc.domain, tc.name, v.Vendor, v.Org)
		}
	}
	for in, want := range map[string]string{".www.example.co.uk": "example.co.uk", "a.b.example.com": "example.com", "localhost": "localhost", "10.0.0.1": "10.0.0.1"} {
		if got := c.Site(in); got != want {
			t.Errorf("Site(%q) = %q, want %q", in, got, want)
		}
	}
}

// Every tracking rule with names or patterns in the built-in knowledge
// names its vendor, except the few generic ones that describe a kind of
// cookie many vendors use (utm_*, affiliate ids); those stay few.
func TestTrackingRulesNameVendors(t *testing.T) {
	d := Default()
	d.ready()
	rs := d.builtin
	var all, without []*entry
	for _, es := range rs.exact {
		all = append(all, es...)
	}
	var walk func(n *trieNode)
	walk = func(n *trieNode) {
		all = append(all, n.entries...)
		for _, k := range n.kids {
			walk(k)
		}
	}
	walk(&rs.prefixes)
	all = append(all, rs.floating...)
	seen := map[string]bool{}
	for _, e := range all {
		if e.purpose == cookie.PurposeTracking && e.vendor == nil && !seen[e.reason] {
			seen[e.reason] = true
			without = append(without, e)
		}
	}
	if len(without) > 8 {
		for _, e := range without {
			t.Logf("no vendor: %s", e.reason)
		}
		t.Errorf("%d tracking rules name no vendor", len(without))
	}
}

func TestUserRulesVendor(t *testing.T) {
	rules := writeFile(t, "rules.toml", `
[[vendor]]
name = "Acme Pixel"
org = "Acme Corp"
domains = ["pixel.acme.example"]

[[rule]]
name = "acme_id"
purpose = "tracking"
vendor = "Acme Pixel"

[[rule]]
name = "hj_custom"
purpose = "tracking"
vendor = "Hotjar"

[[rule]]
name = "other_vid"
purpose = "tracking"
vendor = "Other Analytics"
org = "Other Inc"

[[rule]]
domain = "cdn.acme.example"
purpose = "tracking"
vendor = "Acme CDN"
`)
	c, err := New(Options{RulesFile: rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range vendorCases[:3] {
		if v := c.Verdict(tc.domain, tc.name); v.Vendor != tc.vendor {
			t.Errorf("built-in vendor lost with user rules: %s %s → %q", tc.domain, tc.name, v.Vendor)
		}
	}
	for _, tc := range []struct{ domain, name, vendor, org string }{
		{"", "acme_id", "Acme Pixel", "Acme Corp"},
		{"", "hj_custom", "Hotjar", "Contentsquare"},
		{"", "other_vid", "Other Analytics", "Other Inc"},
		{"a.pixel.acme.example", "zz", "Acme Pixel", "Acme Corp"},
		{"cdn.acme.example", "zz", "Acme CDN", "Acme CDN"},
	} {
		if v := c.Verdict(tc.domain, tc.name); v.Vendor != tc.vendor || v.Org != tc.org {
			t.Errorf("%s %s: %q %q, want %q %q", tc.domain, tc.name, v.Vendor, v.Org, tc.vendor, tc.org)
		}
	}
	bad := writeFile(t, "bad.toml", "[[rule]]\nname = \"x\"\npurpose = \"tracking\"\norg = \"Acme\"\n")
	if _, err := New(Options{RulesFile: bad}); err == nil || !strings.Contains(err.Error(), "org needs vendor") || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("org without vendor: %v", err)
	}
	dup := writeFile(t, "dup.toml", "[[vendor]]\nname = \"A\"\n[[vendor]]\nname = \"a\"\n")
	if _, err := New(Options{RulesFile: dup}); err == nil || !strings.Contains(err.Error(), "twice") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("duplicate vendor: %v", err)
	}
	// The built-in file may only name vendors it defines.
	if _, _, err := parseRules("k.toml", []byte("version = \"1\"\n[[rule]]\nname = \"x\"\npurpose = \"tracking\"\nreason = \"r\"\nvendor = \"Nobody\"\n"), true, 0, nil); err == nil || !strings.Contains(err.Error(), "no [[vendor]] table") {
		t.Errorf("undefined built-in vendor: %v", err)
	}
}

func TestVerdictOfUserVerdict(t *testing.T) {
	c := Default()
	ck := cookie.Cookie{Domain: ".example.com", Name: "_ga", Purpose: cookie.PurposeSession, Reason: "mine", VerdictBy: cookie.EvidenceUser}
	v := c.VerdictOf(&ck)
	if v.Purpose != cookie.PurposeSession || v.Reason != "mine" || v.Evidence != cookie.EvidenceUser || v.Vendor != "Google Analytics" {
		t.Errorf("VerdictOf user verdict: %+v", v)
	}
	ck = cookie.Cookie{Domain: ".example.com", Name: "_ga"}
	v = c.VerdictOf(&ck)
	if v.Purpose != cookie.PurposeTracking || v.Vendor != "Google Analytics" || ck.Purpose != "" {
		t.Errorf("VerdictOf: %+v (cookie changed: %q)", v, ck.Purpose)
	}
}

func TestOpenCookieDatabaseVendor(t *testing.T) {
	csvText := "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n" +
		"1,Acme Analytics,Analytics,acme_vid,,Visitor id,1 year,Acme Inc,,0\n"
	c, err := New(Options{ExtraCSV: writeFile(t, "ocd.csv", csvText)})
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Verdict("", "acme_vid"); v.Vendor != "Acme Analytics" || v.Org != "Acme Inc" {
		t.Errorf("OCD vendor: %+v", v)
	}
}
