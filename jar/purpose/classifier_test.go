package purpose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar"
)

// knownCases are written from crumbs' authors' knowledge of vendors and
// frameworks (not from the shared dev set): (domain, name) → purpose.
var knownCases = []struct {
	domain, name string
	want         jar.Purpose
}{
	// Google Analytics / Ads
	{".example.com", "_ga", jar.PurposeTracking},
	{".example.com", "_gid", jar.PurposeTracking},
	{".example.com", "_gat", jar.PurposeTracking},
	{".example.com", "_gat_UA-1234-1", jar.PurposeTracking},
	{".example.com", "_ga_ABC123XYZ", jar.PurposeTracking},
	{".example.com", "__utma", jar.PurposeTracking},
	{".example.com", "__utmz", jar.PurposeTracking},
	{".example.com", "_gcl_au", jar.PurposeTracking},
	{".example.com", "_gcl_aw", jar.PurposeTracking},
	{".example.com", "_gac_UA-1-1", jar.PurposeTracking},
	{".example.com", "_dc_gtm_UA-99", jar.PurposeTracking},
	{".example.com", "AMP_TOKEN", jar.PurposeTracking},
	{".example.com", "FPID", jar.PurposeTracking},
	{".example.com", "__gads", jar.PurposeTracking},
	{".example.com", "__gpi", jar.PurposeTracking},
	{".doubleclick.net", "IDE", jar.PurposeTracking},
	{".doubleclick.net", "test_cookie", jar.PurposeTracking},
	{".doubleclick.net", "DSID", jar.PurposeTracking},
	{".doubleclick.net", "id", jar.PurposeTracking},
	{".google.com", "NID", jar.PurposeTracking},
	{".google.de", "NID", jar.PurposeTracking},
	{".google.co.uk", "1P_JAR", jar.PurposeTracking},
	{"stats.g.doubleclick.net", "whatever", jar.PurposeTracking},
	{"www.google-analytics.com", "x", jar.PurposeTracking},
	// Google sign-in
	{".google.com", "SID", jar.PurposeSession},
	{".google.com", "HSID", jar.PurposeSession},
	{".google.com", "SSID", jar.PurposeSession},
	{".google.com", "APISID", jar.PurposeSession},
	{".google.com", "SAPISID", jar.PurposeSession},
	{".google.com", "__Secure-1PSID", jar.PurposeSession},
	{".google.com", "__Secure-3PSID", jar.PurposeSession},
	{".google.com", "__Secure-1PSIDTS", jar.PurposeSession},
	{".google.com", "SIDCC", jar.PurposeSession},
	{"accounts.google.com", "__Host-GAPS", jar.PurposeSession},
	{".google.com", "AEC", jar.PurposeSession},
	{".google.com", "SOCS", jar.PurposePersonalization},
	{".google.com", "CONSENT", jar.PurposePersonalization},
	{".example.com", "_GRECAPTCHA", jar.PurposeSession},
	// YouTube
	{".youtube.com", "VISITOR_INFO1_LIVE", jar.PurposeTracking},
	{".youtube.com", "YSC", jar.PurposeTracking},
	{".youtube.com", "PREF", jar.PurposePersonalization},
	{".youtube.com", "LOGIN_INFO", jar.PurposeSession},
	{".youtube.com", "SID", jar.PurposeSession},
	// Adobe
	{".example.com", "AMCV_1234%40AdobeOrg", jar.PurposeTracking},
	{".example.com", "AMCVS_1234%40AdobeOrg", jar.PurposeTracking},
	{".example.com", "s_cc", jar.PurposeTracking},
	{".example.com", "s_vi", jar.PurposeTracking},
	{".example.com", "s_fid", jar.PurposeTracking},
	{".example.com", "mbox", jar.PurposeTracking},
	{".demdex.net", "demdex", jar.PurposeTracking},
	{".omtrdc.net", "mboxEdgeCluster", jar.PurposeTracking},
	// Hotjar, Matomo, Mixpanel, Amplitude, Segment, Heap, Clarity, Yandex
	{".example.com", "_hjSessionUser_123456", jar.PurposeTracking},
	{".example.com", "_hjSession_123456", jar.PurposeTracking},
	{".example.com", "_hjid", jar.PurposeTracking},
	{".example.com", "_hjOptOut", jar.PurposePersonalization},
	{"example.com", "_pk_id.1.1fff", jar.PurposeTracking},
	{"example.com", "_pk_ses.1.1fff", jar.PurposeTracking},
	{"example.com", "mtm_consent", jar.PurposePersonalization},
	{".example.com", "mp_abcdef0123_mixpanel", jar.PurposeTracking},
	{".example.com", "amp_abc123", jar.PurposeTracking},
	{".example.com", "AMP_abc123def4", jar.PurposeTracking},
	{".example.com", "ajs_anonymous_id", jar.PurposeTracking},
	{".example.com", "ajs_user_id", jar.PurposeTracking},
	{".example.com", "_hp2_id.12345", jar.PurposeTracking},
	{".example.com", "_clck", jar.PurposeTracking},
	{".example.com", "_clsk", jar.PurposeTracking},
	{".clarity.ms", "CLID", jar.PurposeTracking},
	{".example.com", "_ym_uid", jar.PurposeTracking},
	{".example.com", "_ym_d", jar.PurposeTracking},
	{".example.com", "__qca", jar.PurposeTracking},
	{".scorecardresearch.com", "UID", jar.PurposeTracking},
	{".example.com", "_chartbeat2", jar.PurposeTracking},
	{".example.com", "_cb", jar.PurposeTracking},
	{".example.com", "optimizelyEndUserId", jar.PurposeTracking},
	{".example.com", "_vwo_uuid_v2", jar.PurposeTracking},
	{".example.com", "_fbp", jar.PurposeTracking},
	{".example.com", "_fbc", jar.PurposeTracking},
	// Advertising
	{".facebook.com", "fr", jar.PurposeTracking},
	{".facebook.com", "c_user", jar.PurposeSession},
	{".facebook.com", "xs", jar.PurposeSession},
	{".facebook.com", "datr", jar.PurposeSession},
	{".facebook.com", "locale", jar.PurposePersonalization},
	{".bing.com", "MUID", jar.PurposeTracking},
	{".example.com", "_uetsid", jar.PurposeTracking},
	{".example.com", "_uetvid", jar.PurposeTracking},
	{".linkedin.com", "bcookie", jar.PurposeTracking},
	{".linkedin.com", "li_sugr", jar.PurposeTracking},
	{".linkedin.com", "UserMatchHistory", jar.PurposeTracking},
	{".linkedin.com", "AnalyticsSyncHistory", jar.PurposeTracking},
	{".linkedin.com", "li_at", jar.PurposeSession},
	{".linkedin.com", "JSESSIONID", jar.PurposeSession},
	{".linkedin.com", "lidc", jar.PurposeSession},
	{".linkedin.com", "li_gc", jar.PurposePersonalization},
	{".twitter.com", "personalization_id", jar.PurposeTracking},
	{".twitter.com", "guest_id", jar.PurposeTracking},
	{".x.com", "auth_token", jar.PurposeSession},
	{".x.com", "ct0", jar.PurposeSession},
	{".example.com", "_ttp", jar.PurposeTracking},
	{".example.com", "_tt_enable_cookie", jar.PurposeTracking},
	{".example.com", "_pinterest_ct_ua", jar.PurposeTracking},
	{".example.com", "_pin_unauth", jar.PurposeTracking},
	{".example.com", "cto_bundle", jar.PurposeTracking},
	{".criteo.com", "uid", jar.PurposeTracking},
	{".taboola.com", "t_gid", jar.PurposeTracking},
	{".outbrain.com", "obuid", jar.PurposeTracking},
	{".adnxs.com", "uuid2", jar.PurposeTracking},
	{".adnxs.com", "anj", jar.PurposeTracking},
	{".adnxs.com", "sess", jar.PurposeTracking}, // a known name on its own domain beats the session heuristic
	{".rubiconproject.com", "khaos", jar.PurposeTracking},
	{".pubmatic.com", "KRTBCOOKIE_123", jar.PurposeTracking},
	{".adsrvr.org", "TDID", jar.PurposeTracking},
	{".adsrvr.org", "TTDOptOut", jar.PurposePersonalization},
	{".amazon-adsystem.com", "ad-id", jar.PurposeTracking},
	{".yahoo.com", "A3", jar.PurposeTracking},
	{".adform.net", "uid", jar.PurposeTracking},
	{".smartadserver.com", "pid", jar.PurposeTracking},
	{".casalemedia.com", "CMID", jar.PurposeTracking},
	{".openx.net", "i", jar.PurposeTracking},
	{".example.com", "_cc_id", jar.PurposeTracking},
	{".example.com", "panoramaId", jar.PurposeTracking},
	{".example.com", "__hstc", jar.PurposeTracking},
	{".example.com", "hubspotutk", jar.PurposeTracking},
	{".example.com", "__hssc", jar.PurposeTracking},
	{".example.com", "_mkto_trk", jar.PurposeTracking},
	{".example.com", "__adroll", jar.PurposeTracking},
	{".example.com", "__kla_id", jar.PurposeTracking},
	{".example.com", "_shopify_y", jar.PurposeTracking},
	{".example.com", "_shopify_s", jar.PurposeTracking},
	// Chat widgets
	{".example.com", "intercom-session-abc123", jar.PurposeSession},
	{".example.com", "intercom-id-abc123", jar.PurposeSession},
	{".example.com", "__zlcmid", jar.PurposeSession},
	// Consent managers
	{".example.com", "OptanonConsent", jar.PurposePersonalization},
	{".example.com", "OptanonAlertBoxClosed", jar.PurposePersonalization},
	{".example.com", "eupubconsent-v2", jar.PurposePersonalization},
	{".example.com", "euconsent-v2", jar.PurposePersonalization},
	{".example.com", "CookieConsent", jar.PurposePersonalization},
	{".example.com", "didomi_token", jar.PurposePersonalization},
	{".example.com", "notice_behavior", jar.PurposePersonalization},
	{".example.com", "cmapi_cookie_privacy", jar.PurposePersonalization},
	{".example.com", "uc_settings", jar.PurposePersonalization},
	{".example.com", "osano_consentmanager", jar.PurposePersonalization},
	{".example.com", "cmplz_marketing", jar.PurposePersonalization},
	{".example.com", "cookieyes-consent", jar.PurposePersonalization},
	{".example.com", "klaro", jar.PurposePersonalization},
	{".example.com", "usprivacy", jar.PurposePersonalization},
	{".example.com", "addtl_consent", jar.PurposePersonalization},
	// E-commerce
	{"shop.example.com", "cart", jar.PurposeSession},
	{"shop.example.com", "secure_customer_sig", jar.PurposeSession},
	{"shop.example.com", "_secure_session_id", jar.PurposeSession},
	{"shop.example.com", "_tracking_consent", jar.PurposePersonalization},
	{"shop.example.com", "cart_currency", jar.PurposePersonalization},
	{"shop.example.com", "form_key", jar.PurposeSession},
	{"shop.example.com", "mage-cache-sessid", jar.PurposeSession},
	{"shop.example.com", "woocommerce_cart_hash", jar.PurposeSession},
	{"shop.example.com", "wp_woocommerce_session_abc123", jar.PurposeSession},
	{"shop.example.com", "dwsid", jar.PurposeSession},
	{"shop.example.com", "dwanonymous_abc", jar.PurposeSession},
	{"shop.example.com", "SHOP_SESSION_TOKEN", jar.PurposeSession},
	// CDNs and bot protection
	{".example.com", "__cf_bm", jar.PurposeSession},
	{".example.com", "cf_clearance", jar.PurposeSession},
	{".example.com", "__cflb", jar.PurposeSession},
	{".example.com", "_cfuvid", jar.PurposeSession},
	{".example.com", "ak_bmsc", jar.PurposeSession},
	{".example.com", "bm_sv", jar.PurposeSession},
	{".example.com", "_abck", jar.PurposeSession},
	{".example.com", "bm_sz", jar.PurposeSession},
	{"example.com", "AWSALB", jar.PurposeSession},
	{"example.com", "AWSALBCORS", jar.PurposeSession},
	{"example.com", "AWSELB", jar.PurposeSession},
	{".example.com", "incap_ses_123_456", jar.PurposeSession},
	{".example.com", "visid_incap_123", jar.PurposeSession},
	{".example.com", "nlbi_123", jar.PurposeSession},
	{".example.com", "datadome", jar.PurposeSession},
	{".example.com", "_px3", jar.PurposeSession},
	{".example.com", "_pxhd", jar.PurposeSession},
	{".example.com", "TS01a2b3c4", jar.PurposeSession},
	{"example.com", "BIGipServer~pool_web", jar.PurposeSession},
	{"example.com", "ARRAffinity", jar.PurposeSession},
	// Frameworks
	{"example.com", "PHPSESSID", jar.PurposeSession},
	{"example.com", "JSESSIONID", jar.PurposeSession},
	{"example.com", "ASP.NET_SessionId", jar.PurposeSession},
	{"example.com", ".AspNetCore.Session", jar.PurposeSession},
	{"example.com", ".AspNetCore.Antiforgery.x7Yz", jar.PurposeSession},
	{"example.com", "__RequestVerificationToken", jar.PurposeSession},
	{"example.com", ".ASPXAUTH", jar.PurposeSession},
	{"example.com", "_myapp_session", jar.PurposeSession},
	{"example.com", "sessionid", jar.PurposeSession},
	{"example.com", "csrftoken", jar.PurposeSession},
	{"example.com", "django_language", jar.PurposePersonalization},
	{"example.com", "laravel_session", jar.PurposeSession},
	{"example.com", "XSRF-TOKEN", jar.PurposeSession},
	{"example.com", "remember_web_59ba36addc2b2f9401580f014c7f58ea4e30989d", jar.PurposeSession},
	{"example.com", "connect.sid", jar.PurposeSession},
	{"example.com", "session", jar.PurposeSession},
	{"example.com", "next-auth.session-token", jar.PurposeSession},
	{"example.com", "__Secure-next-auth.session-token", jar.PurposeSession},
	{"example.com", "SESSION", jar.PurposeSession},
	{"example.com", "CFID", jar.PurposeSession},
	{"example.com", "CFTOKEN", jar.PurposeSession},
	{"example.com", "wordpress_logged_in_0123456789abcdef", jar.PurposeSession},
	{"example.com", "wordpress_sec_0123456789abcdef", jar.PurposeSession},
	{"example.com", "wp-settings-1", jar.PurposePersonalization},
	{"example.com", "wp-settings-time-1", jar.PurposePersonalization},
	{"example.com", "SESS0123456789abcdef0123456789abcdef", jar.PurposeSession},
	{"example.com", "SSESS0123456789abcdef0123456789abcdef", jar.PurposeSession},
	{"sso.example.com", "KEYCLOAK_SESSION", jar.PurposeSession},
	{"sso.example.com", "AUTH_SESSION_ID", jar.PurposeSession},
	{"example.okta.com", "idx", jar.PurposeSession},
	{"example.com", "PLAY_SESSION", jar.PurposeSession},
	// Heuristics from tokens
	{"example.com", "user_session", jar.PurposeSession},
	{"example.com", "authToken", jar.PurposeSession},
	{"example.com", "my_csrf", jar.PurposeSession},
	{"example.com", "ui-lang", jar.PurposePersonalization},
	{"example.com", "preferredTheme", jar.PurposePersonalization},
	{"example.com", "selected_currency", jar.PurposePersonalization},
	{"example.com", "utm_source", jar.PurposeTracking},
	{"example.com", "visitor_tracking_id", jar.PurposeTracking},
	{"example.com", "exp_bucket", jar.PurposeTracking},
	{"example.com", "cookies-functional", jar.PurposePersonalization},
	// Session names win over tracker domains; opt-outs too
	{".doubleclick.net", "my_login_session", jar.PurposeSession},
	{".doubleclick.net", "x_nonce", jar.PurposeSession},
	{".criteo.com", "optout", jar.PurposePersonalization},
	// No evidence: the site's own functional cookie (the safe side: a
	// purge of tracking keeps it) …
	{"example.com", "zq8x", jar.PurposeSession},
	{"", "appVersion", jar.PurposeSession},
	// … unless the name is not a cookie-name token.
	{"example.com", "a b", jar.PurposeUnknown},
	{"example.com", "path/like", jar.PurposeUnknown},
	{"example.com", "___", jar.PurposeUnknown},
	// A vendor's distinctive case: Cxense writes cX_; CX_ is not theirs.
	{"", "cX_P", jar.PurposeTracking},
	{"", "CX_P", jar.PurposeSession},
	// A tracking word inside a longer token yields to a machinery word.
	{"", "videoPixelratio_player_state", jar.PurposeSession},
	{"", "site_analytics_state", jar.PurposeTracking},
}

func TestKnownCookies(t *testing.T) {
	if len(knownCases) < 150 {
		t.Fatalf("only %d cases", len(knownCases))
	}
	c := Default()
	for _, tc := range knownCases {
		got, why, ev := c.Explain(tc.domain, tc.name)
		if got != tc.want {
			t.Errorf("%s %s: got %s (%s, %s), want %s", tc.domain, tc.name, got, why, ev, tc.want)
		}
		if why == "" || ev == "" {
			t.Errorf("%s %s: empty reason or evidence", tc.domain, tc.name)
		}
	}
}

func TestReasonsNameVendor(t *testing.T) {
	c := Default()
	for _, tc := range []struct{ domain, name, want string }{
		{"", "_ga", "Google Analytics"},
		{"", "PHPSESSID", "PHP session"},
		{".doubleclick.net", "anything", "Google"},
		{".adsrvr.org", "xyz", "Trade Desk"},
	} {
		_, why, _ := c.Explain(tc.domain, tc.name)
		if !strings.Contains(why, tc.want) {
			t.Errorf("%s %s: reason %q does not mention %q", tc.domain, tc.name, why, tc.want)
		}
	}
}

func TestEvidence(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		domain, name string
		want         jar.Evidence
	}{
		{"", "_ga", jar.EvidenceName},
		{"", "_ga_XYZ", jar.EvidencePattern},
		{".doubleclick.net", "zzz", jar.EvidenceDomain},
		{"", "mysite_sess", jar.EvidenceHeuristic},
		{"", "zq8x", jar.EvidenceHeuristic},
		{"", "x y", jar.EvidenceNone},
	} {
		if _, _, ev := c.Explain(tc.domain, tc.name); ev != tc.want {
			t.Errorf("%s %s: evidence %s, want %s", tc.domain, tc.name, ev, tc.want)
		}
	}
}

func TestClassifyCookieAttributes(t *testing.T) {
	c := Default()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		ck   jar.Cookie
		want jar.Purpose
	}{
		{jar.Cookie{Domain: "example.com", Name: "xq", Value: "GA1.2.1234567890.1700000000"}, jar.PurposeTracking},
		{jar.Cookie{Domain: "example.com", Name: "xq", Value: "fb.1.1700000000000.123456789"}, jar.PurposeTracking},
		{jar.Cookie{Domain: "example.com", Name: "__Host-xq", Value: "v", Secure: true, Path: "/"}, jar.PurposeSession},
		{jar.Cookie{Domain: "example.com", Name: "xq", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", HTTPOnly: true, Secure: true}, jar.PurposeSession},
		{jar.Cookie{Domain: "example.com", Name: "uid", Value: "123", SameSite: jar.SameSiteNone, Secure: true}, jar.PurposeTracking},
		{jar.Cookie{Domain: "example.com", Name: "uid", Value: "123", Created: now, Expires: now.Add(400 * 24 * time.Hour)}, jar.PurposeTracking},
		// A browser-session id the site keeps to itself: its own cookie.
		{jar.Cookie{Domain: "example.com", Name: "uid", Value: "123", Session: true}, jar.PurposeSession},
		// No evidence, but built to be sent cross-site: no guess.
		{jar.Cookie{Domain: "example.com", Name: "xq", Value: "1", SameSite: jar.SameSiteNone, Secure: true}, jar.PurposeUnknown},
		{jar.Cookie{Domain: "example.com", Name: "xq", Value: "1", Partition: jar.Partition{TopLevelSite: "https://other.example", CrossSiteAncestor: true}}, jar.PurposeUnknown},
	}
	for _, tc := range cases {
		ck := tc.ck
		c.Classify(&ck)
		if ck.Purpose != tc.want {
			t.Errorf("%+v: got %s (%s), want %s", tc.ck, ck.Purpose, ck.Reason, tc.want)
		}
		if ck.VerdictBy == jar.EvidenceUser || ck.VerdictBy == "" {
			t.Errorf("%s: VerdictBy %q", ck.Name, ck.VerdictBy)
		}
	}
	// The user's verdict is never touched.
	ck := jar.Cookie{Domain: ".example.com", Name: "_ga", Purpose: jar.PurposeSession, Reason: "mine", VerdictBy: jar.EvidenceUser}
	c.Classify(&ck)
	if ck.Purpose != jar.PurposeSession || ck.Reason != "mine" || ck.VerdictBy != jar.EvidenceUser {
		t.Errorf("user verdict overwritten: %+v", ck)
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUserRules(t *testing.T) {
	rules := writeFile(t, "rules.toml", `# my rules
[[rule]]
name = "_ga"
domain = "intranet.example"
purpose = "session"
reason = "our intranet needs it"

[[rule]]
pattern = "acme_*"
purpose = "personalization"

[[rule]]
regexp = '^x[0-9]+y$'
purpose = "tracking"
reason = "numbered trackers"

[[rule]]
domain = "tracker.example"
purpose = "tracking"
reason = "a tracker we know"

[[rule]]
domain = "tracker.example"
name = "keep"
purpose = "session"
`)
	c, err := New(Options{RulesFile: rules})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		domain, name string
		want         jar.Purpose
		ev           jar.Evidence
	}{
		{"app.intranet.example", "_ga", jar.PurposeSession, jar.EvidenceRule},
		{"other.example", "_ga", jar.PurposeTracking, jar.EvidenceName},
		{"a.example", "ACME_theme", jar.PurposePersonalization, jar.EvidenceRule},
		{"a.example", "X42Y", jar.PurposeTracking, jar.EvidenceRule},
		{"cdn.tracker.example", "anything", jar.PurposeTracking, jar.EvidenceRule},
		// Earlier rule wins: the domain rule comes first.
		{"tracker.example", "keep", jar.PurposeTracking, jar.EvidenceRule},
	} {
		p, _, ev := c.Explain(tc.domain, tc.name)
		if p != tc.want || ev != tc.ev {
			t.Errorf("%s %s: %s/%s, want %s/%s", tc.domain, tc.name, p, ev, tc.want, tc.ev)
		}
	}
	if _, why, _ := c.Explain("a.example", "acme_x"); why != "your rules file" {
		t.Errorf("default reason %q", why)
	}
}

func TestMalformedRules(t *testing.T) {
	cases := []struct {
		name, text string
		line       int
		want       string
	}{
		{"syntax", "[[rule]]\nname = \"a\"\npurpose = \"tracking\n", 3, ""},
		{"purpose", "[[rule]]\nname = \"a\"\npurpose = \"session\"\n[[rule]]\nname = \"b\"\npurpose = \"trakcing\"\n", 6, "trakcing"},
		{"no purpose", "[[rule]]\nname = \"a\"\n", 1, "no purpose"},
		{"unknown key", "[[rule]]\nname = \"a\"\npurpse = \"tracking\"\n", 3, "purpse"},
		{"bad regexp", "[[rule]]\nregexp = '(['\npurpose = \"session\"\n", 2, "regexp"},
		{"matches nothing", "[[rule]]\npurpose = \"session\"\n", 1, "matches nothing"},
		{"bad domain", "[[rule]]\ndomain = \"a b\"\npurpose = \"session\"\n", 2, "domain"},
		{"wrong type", "[[rule]]\nname = 5\npurpose = \"session\"\n", 2, ""},
		{"star pattern", "[[rule]]\npattern = \"*\"\npurpose = \"session\"\n", 2, "every name"},
	}
	for _, tc := range cases {
		path := writeFile(t, "rules.toml", tc.text)
		_, err := New(Options{RulesFile: path})
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, fmt.Sprintf("line %d", tc.line)) || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q should name %s, line %d and %q", tc.name, msg, path, tc.line, tc.want)
		}
	}
	// The built-in classifier still works after a failure.
	if p, _, _ := Default().Explain("", "_ga"); p != jar.PurposeTracking {
		t.Errorf("Default after a bad rules file: %s", p)
	}
	_, err := New(Options{RulesFile: filepath.Join(t.TempDir(), "missing.toml")})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestVersionChangesWithRules(t *testing.T) {
	base := Default().Version()
	if base == "" || base != KnowledgeVersion() {
		t.Fatalf("Default version %q, knowledge %q", base, KnowledgeVersion())
	}
	path := writeFile(t, "rules.toml", "[[rule]]\nname = \"a\"\npurpose = \"session\"\n")
	c1, err := New(Options{RulesFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("[[rule]]\nname = \"a\"\npurpose = \"tracking\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c2, err := New(Options{RulesFile: path})
	if err != nil {
		t.Fatal(err)
	}
	c3, _ := New(Options{RulesFile: path})
	if c1.Version() == base || c2.Version() == base || c1.Version() == c2.Version() {
		t.Errorf("versions do not follow the rules: base %q, c1 %q, c2 %q", base, c1.Version(), c2.Version())
	}
	if c2.Version() != c3.Version() {
		t.Errorf("same rules, different versions: %q %q", c2.Version(), c3.Version())
	}
	if !strings.HasPrefix(c1.Version(), base) {
		t.Errorf("version %q does not carry the knowledge version %q", c1.Version(), base)
	}
	if c, _ := New(Options{}); c.Version() != base {
		t.Errorf("no rules: %q, want %q", c.Version(), base)
	}
}

func TestOpenCookieDatabaseCSV(t *testing.T) {
	csvText := "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n" +
		"1,Acme Analytics,Analytics,acme_vid,acme.example,\"Visitor id, random\",1 year,Acme,https://acme.example/privacy,0\n" +
		"2,Acme,Functional,acmesess_,,Session,Session,Acme,,1\n" +
		"3,Acme,Preferences,acme_lang,advertiser's website (1st party),Language,1 year,Acme,,0\n" +
		"4,Acme,Marketing,_ga,,Overrides the built-in knowledge,2 years,Acme,,0\n"
	path := writeFile(t, "ocd.csv", csvText)
	c, err := New(Options{ExtraCSV: path})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		domain, name string
		want         jar.Purpose
	}{
		{"x.acme.example", "acme_vid", jar.PurposeTracking},
		// The CSV ties acme_vid to acme.example: elsewhere nothing is known.
		{"other.example", "acme_vid", jar.PurposeSession},
		{"", "acmesess_1234", jar.PurposeSession},
		{"any.example", "acme_lang", jar.PurposePersonalization},
	} {
		if p, _, _ := c.Explain(tc.domain, tc.name); p != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.domain, tc.name, p, tc.want)
		}
	}
	_, why, ev := c.Explain("", "acme_vid")
	if ev != jar.EvidenceRule || !strings.Contains(why, "Acme Analytics") {
		t.Errorf("reason %q evidence %s", why, ev)
	}
	bad := writeFile(t, "bad.csv", csvText+"5,Acme,Weird,foo,,d,r,c,p,0\n")
	if _, err := New(Options{ExtraCSV: bad}); err == nil || !strings.Contains(err.Error(), "line 6") || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad category: %v", err)
	}
	short := writeFile(t, "short.csv", "1,Acme,Analytics\n")
	if _, err := New(Options{ExtraCSV: short}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("short row: %v", err)
	}
}

func TestDefaultRulesPath(t *testing.T) {
	p := DefaultRulesPath()
	if !strings.HasSuffix(p, filepath.Join("crumbs", "rules.toml")) {
		t.Errorf("DefaultRulesPath %q", p)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		pat, s string
		want   bool
	}{
		{"_ga_*", "_ga_x", true}, {"_ga_*", "_ga", false}, {"*_session", "my_session", true},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false},
		{"*", "", true}, {"abc", "abc", true}, {"abc", "abcd", false},
	} {
		if got := globMatch(tc.pat, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v", tc.pat, tc.s, got)
		}
	}
}

func TestConcurrentClassify(t *testing.T) {
	c := Default()
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 500; i++ {
				ck := jar.Cookie{Domain: fmt.Sprintf("h%d.site%d.example.co.uk", i, g), Name: "_ga"}
				c.Classify(&ck)
				if ck.Purpose != jar.PurposeTracking {
					t.Errorf("concurrent: %s", ck.Purpose)
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}

func FuzzRules(f *testing.F) {
	f.Add([]byte("[[rule]]\nname = \"a\"\npurpose = \"session\"\n"))
	f.Add([]byte("[[rule]]\nregexp = '(['\npurpose = \"x\"\n"))
	f.Add([]byte("version = 1\n[[rule]]\ndomains = [\"google.*\"]\npurpose = \"tracking\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, _, err := parseRules("fuzz.toml", data, false, 0)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		rs.matchAny("a.example.com", "_ga", "_ga", newSiteCache())
	})
}

func FuzzOCD(f *testing.F) {
	f.Add([]byte("1,P,Analytics,_x,,d,r,c,p,1\n"))
	f.Add([]byte("ID,a\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := parseOCDBytes("fuzz.csv", data, 0)
		if err != nil {
			return
		}
		rs.matchAny("", "_x", "_x", newSiteCache())
	})
}

func FuzzExplain(f *testing.F) {
	f.Add(".example.com", "_ga_ABC")
	f.Add("", "__Host-x")
	f.Add("..", "a b\x00c")
	c := Default()
	f.Fuzz(func(t *testing.T, domain, name string) {
		p, _, _ := c.Explain(domain, name)
		if _, ok := jar.ParsePurpose(string(p)); !ok {
			t.Fatalf("purpose %q", p)
		}
	})
}

func writeBytes(path string, data []byte) error { return os.WriteFile(path, data, 0o600) }

func TestMatchCaseRule(t *testing.T) {
	path := writeFile(t, "rules.toml", "[[rule]]\nnames = [\"AcmeID\"]\npatterns = [\"ACME_*\"]\nmatch_case = true\npurpose = \"tracking\"\n")
	c, err := New(Options{RulesFile: path})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		want jar.Evidence
	}{
		{"AcmeID", jar.EvidenceRule},
		{"acmeid", jar.EvidenceHeuristic}, // not the rule's spelling
		{"ACME_x", jar.EvidenceRule},
		{"acme_x", jar.EvidenceHeuristic},
	} {
		if _, _, ev := c.Explain("example.com", tc.name); ev != tc.want {
			t.Errorf("%s: evidence %s, want %s", tc.name, ev, tc.want)
		}
	}
	bad := writeFile(t, "bad.toml", "[[rule]]\nregexp = '^x$'\nmatch_case = true\npurpose = \"tracking\"\n")
	if _, err := New(Options{RulesFile: bad}); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("match_case on a regexp: %v", err)
	}
}
