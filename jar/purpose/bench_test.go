package purpose

import (
	"fmt"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// benchCookies is a varied jar-like mix: known names, vendor patterns,
// tracker domains, heuristic-only names and unknown ones, over many hosts.
func benchCookies(n int) []cookie.Cookie {
	names := []string{"_ga", "_gid", "_ga_X1Y2Z3", "PHPSESSID", "JSESSIONID", "sessionid", "csrftoken", "IDE",
		"_fbp", "fr", "AMCV_1234%40AdobeOrg", "_hjSessionUser_99", "__cf_bm", "cf_clearance", "OptanonConsent",
		"lang", "ui_theme", "user_pref_layout", "utm_campaign", "visitor_uid", "x7f3k2", "wordpress_logged_in_abc",
		"_pk_id.1.abcd", "mp_0123456789abcdef_mixpanel", "__Secure-3PSID", "NID", "incap_ses_12_34", "TS01ab12cd",
		"remember_web_0123456789", "laravel_session", "_myshop_session", "li_at", "bcookie", "cto_bundle", "a1b2c3"}
	domains := []string{".google.com", ".doubleclick.net", ".facebook.com", "www.example.com", ".shop.example.co.uk",
		"news.example.org", ".adnxs.com", "api.service.io", ".linkedin.com", "blog.example.net", "localhost", "10.0.0.1"}
	cs := make([]cookie.Cookie, n)
	for i := range cs {
		d := domains[i%len(domains)]
		if i%7 == 0 {
			d = fmt.Sprintf("h%d.%s", i%50, d)
		}
		cs[i] = cookie.Cookie{Domain: d, Name: names[(i*7+i/len(domains))%len(names)], Value: "0123456789abcdef0123456789abcdef",
			HTTPOnly: i%3 == 0, Secure: i%2 == 0}
	}
	return cs
}

func BenchmarkClassify(b *testing.B) {
	c := Default()
	cs := benchCookies(4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ck := &cs[i&4095]
		ck.VerdictBy = ""
		c.Classify(ck)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cookies/s")
}

func BenchmarkClassifyWithUserRules(b *testing.B) {
	c, err := New(Options{RulesFile: writeBenchRules(b)})
	if err != nil {
		b.Fatal(err)
	}
	cs := benchCookies(4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ck := &cs[i&4095]
		ck.VerdictBy = ""
		c.Classify(ck)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cookies/s")
}

func writeBenchRules(b *testing.B) string {
	text := ""
	for i := 0; i < 50; i++ {
		text += fmt.Sprintf("[[rule]]\npattern = \"acme%d_*\"\npurpose = \"session\"\n[[rule]]\nname = \"n%d\"\ndomain = \"d%d.example\"\npurpose = \"tracking\"\n", i, i, i)
	}
	text += "[[rule]]\nregexp = '^zz[0-9]+$'\npurpose = \"tracking\"\n"
	p := b.TempDir() + "/rules.toml"
	if err := writeBytes(p, []byte(text)); err != nil {
		b.Fatal(err)
	}
	return p
}

// TestClassifyThroughput holds the budget of issue 14: at least 500,000
// classifications a second with the whole knowledge (BenchmarkClassify's
// mix). The rate is per second of this process's CPU time (wall time where
// the system has no such clock), so other work on the machine — CI runs
// packages side by side on 2 cores — does not fail it; the best of three
// runs counts. Skipped with -short.
func TestClassifyThroughput(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test: run without -short")
	}
	if raceEnabled {
		t.Skip("timing test: the race detector slows every classification")
	}
	c := Default()
	cs := benchCookies(4096)
	classify := func(n int) {
		for i := 0; i < n; i++ {
			ck := &cs[i&4095]
			ck.VerdictBy = ""
			c.Classify(ck)
		}
	}
	classify(len(cs)) // warm: first use of each rule, caches
	const n = 1 << 19
	best := 0.0
	for i := 0; i < 3 && best < 500_000; i++ {
		wall0, cpu0 := time.Now(), cpuTime()
		classify(n)
		d := cpuTime() - cpu0
		if d <= 0 {
			d = time.Since(wall0)
		}
		best = max(best, n/d.Seconds())
	}
	t.Logf("%.0f classifications per CPU second", best)
	if best < 500_000 {
		t.Errorf("%.0f classifications per CPU second < 500,000", best)
	}
}
