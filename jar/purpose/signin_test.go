package purpose

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// signinCookie is one spelled-out entry of the sign-in safety list on one
// domain.
type signinCookie struct{ domain, name, reason string }

// spell turns a sign-in pattern into a name it matches: every * becomes a
// short generated suffix, every ? a hex digit.
func spell(pattern string) string {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case '*':
			b.WriteString("x7f3")
		case '?':
			b.WriteByte("0123456789abcdef"[i%16])
		default:
			b.WriteByte(pattern[i])
		}
	}
	return b.String()
}

// anyDomains are where an untied entry must hold: no domain, a first-party
// site, the biggest tracker domains (crumbs' and the lists' in the tests
// below), the platforms themselves.
var anyDomains = []string{"", "example.com", "www.shop.example.co.uk", ".doubleclick.net", "ad.doubleclick.net", ".criteo.com",
	".facebook.com", ".google.com", ".yandex.ru", ".adnxs.com", "tracker.example", "cdn.tracker.example", ".hotjar.com",
	".linkedin.com", ".bing.com", ".yahoo.com", ".taboola.com"}

// signinCookies spells out every [[signin]] entry of the built-in knowledge:
// its names and patterns on each of its domains (and a subdomain of each);
// an untied entry on every domain of anyDomains.
func signinCookies(t *testing.T) []signinCookie {
	t.Helper()
	var rf rulesFile
	if _, err := toml.Decode(string(knowledgeTOML), &rf); err != nil {
		t.Fatal(err)
	}
	if len(rf.Signin) < 30 {
		t.Fatalf("only %d sign-in entries", len(rf.Signin))
	}
	var out []signinCookie
	for _, s := range rf.Signin {
		names := append([]string{}, s.Names...)
		if s.Name != "" {
			names = append(names, s.Name)
		}
		for _, p := range append(s.Patterns, s.Pattern) {
			if p != "" {
				names = append(names, spell(p))
			}
		}
		domains := append([]string{}, s.Domains...)
		if s.Domain != "" {
			domains = append(domains, s.Domain)
		}
		var hosts []string
		if len(domains) == 0 {
			hosts = anyDomains
		}
		for _, d := range domains {
			if brand, ok := strings.CutSuffix(d, ".*"); ok {
				hosts = append(hosts, brand+".com", "www."+brand+".co.uk", brand+".de")
				continue
			}
			hosts = append(hosts, d, "."+d, "login."+d)
		}
		for _, h := range hosts {
			for _, n := range names {
				out = append(out, signinCookie{h, n, s.Reason})
			}
		}
	}
	return out
}

// hostile writes every list kind crumbs reads, each calling all the test
// domains trackers and every sign-in name Marketing, plus a rules file with
// a domain-only tracking rule for each of those domains.
func hostile(t *testing.T, cks []signinCookie) (rules string, lists []string) {
	t.Helper()
	doms := map[string]bool{}
	names := map[string]bool{}
	for _, c := range cks {
		if d := strings.TrimPrefix(c.domain, "."); d != "" {
			doms[d] = true
		}
		names[c.name] = true
	}
	var hosts, plain, adblock, rulesText, csv strings.Builder
	csv.WriteString("ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n")
	adblock.WriteString("[Adblock Plus 2.0]\n! a list\n")
	for d := range doms {
		fmt.Fprintf(&hosts, "0.0.0.0 %s\n", d)
		fmt.Fprintf(&plain, "%s\n", d)
		fmt.Fprintf(&adblock, "||%s^$third-party\n", d)
		fmt.Fprintf(&rulesText, "[[rule]]\ndomain = %q\npurpose = \"tracking\"\nreason = \"hostile\"\n", d)
	}
	i := 0
	for n := range names {
		if strings.ContainsAny(n, ",\"") {
			continue
		}
		i++
		fmt.Fprintf(&csv, "%d,Evil,Marketing,%s,,says tracking,1 year,Evil,,0\n", i, n)
		fmt.Fprintf(&csv, "w%d,Evil,Analytics,%s,,says tracking,1 year,Evil,,1\n", i, n[:min(3, len(n))])
	}
	rules = writeFile(t, "rules.toml", rulesText.String())
	lists = []string{
		writeFile(t, "evil.csv", csv.String()),
		writeFile(t, "hosts", hosts.String()),
		writeFile(t, "domains.txt", plain.String()),
		writeFile(t, "easyprivacy.txt", adblock.String()),
	}
	return rules, lists
}

// TestSigninSafety: no entry of the sign-in safety list is ever classified
// tracking — on any of its domains (an untied entry: on any domain), with
// no list, with each kind of list that calls it a tracker, with a rules
// file whose domain rules call its domain a tracker, with the real Open
// Cookie Database when ../shared has it, and with all of them at once;
// for a bare (domain, name) pair and for a cookie with third-party,
// long-lived attributes.
func TestSigninSafety(t *testing.T) {
	cks := signinCookies(t)
	rules, lists := hostile(t, cks)
	type setup struct {
		name string
		c    *Classifier
	}
	setups := []setup{{"built-in", Default()}}
	add := func(name string, o Options) {
		c, err := New(o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		setups = append(setups, setup{name, c})
	}
	add("rules file", Options{RulesFile: rules})
	for _, l := range lists {
		add(l, Options{Lists: []string{l}})
	}
	all := Options{RulesFile: rules, Lists: lists}
	if ocd := ocdPath(); ocd != "" {
		add("Open Cookie Database", Options{Lists: []string{ocd}})
		all.Lists = append(all.Lists, ocd)
	} else {
		t.Log("../shared/thirdparty/open-cookie-database absent: the real database is not among the lists here")
	}
	add("everything", all)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	checked := 0
	for _, s := range setups {
		bad := 0
		for _, ck := range cks {
			p, why, ev := s.c.Explain(ck.domain, ck.name)
			full := cookie.Cookie{Domain: ck.domain, Name: ck.name, Value: "0123456789abcdef0123456789abcdef", SameSite: cookie.SameSiteNone,
				Secure: true, Created: cookie.TimeOf(now), Expires: cookie.TimeOf(now.Add(400 * 24 * time.Hour))}
			s.c.Classify(&full)
			checked++
			if p == cookie.PurposeTracking || full.Purpose == cookie.PurposeTracking {
				bad++
				if bad <= 20 {
					t.Errorf("%s: %s %s (sign-in: %s) classified tracking: %s (%s); as a cookie %s (%s)", s.name, ck.domain, ck.name, ck.reason, why, ev, full.Purpose, full.Reason)
				}
			}
		}
		if bad > 20 {
			t.Errorf("%s: %d more", s.name, bad-20)
		}
	}
	t.Logf("%d sign-in cookies × setups checked: %d classifications", len(cks), checked)
}

// TestSigninByName: a cookie whose name says session, login, auth or CSRF
// is never tracking because of a domain — crumbs', a list's or a domain
// rule of the user's; crumbs' own vendor names still decide theirs
// (Hotjar's _hjSession_… is analytics).
func TestSigninByName(t *testing.T) {
	names := []string{"my_login_session", "acmeAuthToken", "shop_csrf", "xsrf-guard", "site_sessid", "UserSession", "loginState"}
	rules := writeFile(t, "rules.toml", "[[rule]]\ndomain = \"tracker.example\"\npurpose = \"tracking\"\n")
	hosts := writeFile(t, "hosts", "0.0.0.0 tracker.example\n0.0.0.0 other.example\n")
	c, err := New(Options{RulesFile: rules, Lists: []string{hosts}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		for _, d := range []string{"tracker.example", "a.other.example", ".doubleclick.net", ".criteo.com"} {
			if p, why, _ := c.Explain(d, n); p == cookie.PurposeTracking {
				t.Errorf("%s %s: tracking (%s)", d, n, why)
			}
		}
	}
	if p, _, _ := c.Explain("tracker.example", "zz"); p != cookie.PurposeTracking {
		t.Errorf("the domain rule itself: %s", p)
	}
	if p, _, _ := c.Explain(".hotjar.com", "_hjSession_123"); p != cookie.PurposeTracking {
		t.Errorf("Hotjar's own session sample is analytics: %s", p)
	}
	// A rule of the user's naming the cookie is the one thing that can.
	own := writeFile(t, "own.toml", "[[rule]]\nname = \"sessionid\"\ndomain = \"tracker.example\"\npurpose = \"tracking\"\n")
	c, err = New(Options{RulesFile: own})
	if err != nil {
		t.Fatal(err)
	}
	if p, _, ev := c.Explain("tracker.example", "sessionid"); p != cookie.PurposeTracking || ev != cookie.EvidenceRule {
		t.Errorf("the user's named rule: %s %s", p, ev)
	}
}

// ocdPath is the real Open Cookie Database in ../shared, "" when absent.
func ocdPath() string {
	root, err := testshared.FindRoot()
	if err != nil {
		return ""
	}
	p := root + "/../shared/thirdparty/open-cookie-database/open-cookie-database.csv"
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
