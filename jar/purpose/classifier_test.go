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

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// knownCases are written from crumbs' authors' knowledge of vendors and
// frameworks (not from the shared dev set): (domain, name) → purpose.
var knownCases = []struct {
	domain, name string
	want         cookie.Purpose
}{
	// Google Analytics / Ads
	{".example.com", "_ga", cookie.PurposeTracking},
	{".example.com", "_gid", cookie.PurposeTracking},
	{".example.com", "_gat", cookie.PurposeTracking},
	{".example.com", "_gat_UA-1234-1", cookie.PurposeTracking},
	{".example.com", "_ga_ABC123XYZ", cookie.PurposeTracking},
	{".example.com", "__utma", cookie.PurposeTracking},
	{".example.com", "__utmz", cookie.PurposeTracking},
	{".example.com", "_gcl_au", cookie.PurposeTracking},
	{".example.com", "_gcl_aw", cookie.PurposeTracking},
	{".example.com", "_gac_UA-1-1", cookie.PurposeTracking},
	{".example.com", "_dc_gtm_UA-99", cookie.PurposeTracking},
	{".example.com", "AMP_TOKEN", cookie.PurposeTracking},
	{".example.com", "FPID", cookie.PurposeTracking},
	{".example.com", "__gads", cookie.PurposeTracking},
	{".example.com", "__gpi", cookie.PurposeTracking},
	{".doubleclick.net", "IDE", cookie.PurposeTracking},
	{".doubleclick.net", "test_cookie", cookie.PurposeTracking},
	{".doubleclick.net", "DSID", cookie.PurposeTracking},
	{".doubleclick.net", "id", cookie.PurposeTracking},
	{".google.com", "NID", cookie.PurposeTracking},
	{".google.de", "NID", cookie.PurposeTracking},
	{".google.co.uk", "1P_JAR", cookie.PurposeTracking},
	{"stats.g.doubleclick.net", "whatever", cookie.PurposeTracking},
	{"www.google-analytics.com", "x", cookie.PurposeTracking},
	// Google sign-in
	{".google.com", "SID", cookie.PurposeSession},
	{".google.com", "HSID", cookie.PurposeSession},
	{".google.com", "SSID", cookie.PurposeSession},
	{".google.com", "APISID", cookie.PurposeSession},
	{".google.com", "SAPISID", cookie.PurposeSession},
	{".google.com", "__Secure-1PSID", cookie.PurposeSession},
	{".google.com", "__Secure-3PSID", cookie.PurposeSession},
	{".google.com", "__Secure-1PSIDTS", cookie.PurposeSession},
	{".google.com", "SIDCC", cookie.PurposeSession},
	{"accounts.google.com", "__Host-GAPS", cookie.PurposeSession},
	{".google.com", "AEC", cookie.PurposeSession},
	{".google.com", "SOCS", cookie.PurposePersonalization},
	{".google.com", "CONSENT", cookie.PurposePersonalization},
	{".example.com", "_GRECAPTCHA", cookie.PurposeSession},
	// YouTube
	{".youtube.com", "VISITOR_INFO1_LIVE", cookie.PurposeTracking},
	{".youtube.com", "YSC", cookie.PurposeTracking},
	{".youtube.com", "PREF", cookie.PurposePersonalization},
	{".youtube.com", "LOGIN_INFO", cookie.PurposeSession},
	{".youtube.com", "SID", cookie.PurposeSession},
	// Adobe
	{".example.com", "AMCV_1234%40AdobeOrg", cookie.PurposeTracking},
	{".example.com", "AMCVS_1234%40AdobeOrg", cookie.PurposeTracking},
	{".example.com", "s_cc", cookie.PurposeTracking},
	{".example.com", "s_vi", cookie.PurposeTracking},
	{".example.com", "s_fid", cookie.PurposeTracking},
	{".example.com", "mbox", cookie.PurposeTracking},
	{".demdex.net", "demdex", cookie.PurposeTracking},
	{".omtrdc.net", "mboxEdgeCluster", cookie.PurposeTracking},
	// Hotjar, Matomo, Mixpanel, Amplitude, Segment, Heap, Clarity, Yandex
	{".example.com", "_hjSessionUser_123456", cookie.PurposeTracking},
	{".example.com", "_hjSession_123456", cookie.PurposeTracking},
	{".example.com", "_hjid", cookie.PurposeTracking},
	{".example.com", "_hjOptOut", cookie.PurposePersonalization},
	{"example.com", "_pk_id.1.1fff", cookie.PurposeTracking},
	{"example.com", "_pk_ses.1.1fff", cookie.PurposeTracking},
	{"example.com", "mtm_consent", cookie.PurposePersonalization},
	{".example.com", "mp_abcdef0123_mixpanel", cookie.PurposeTracking},
	{".example.com", "amp_abc123", cookie.PurposeTracking},
	{".example.com", "AMP_abc123def4", cookie.PurposeTracking},
	{".example.com", "ajs_anonymous_id", cookie.PurposeTracking},
	{".example.com", "ajs_user_id", cookie.PurposeTracking},
	{".example.com", "_hp2_id.12345", cookie.PurposeTracking},
	{".example.com", "_clck", cookie.PurposeTracking},
	{".example.com", "_clsk", cookie.PurposeTracking},
	{".clarity.ms", "CLID", cookie.PurposeTracking},
	{".example.com", "_ym_uid", cookie.PurposeTracking},
	{".example.com", "_ym_d", cookie.PurposeTracking},
	{".example.com", "__qca", cookie.PurposeTracking},
	{".scorecardresearch.com", "UID", cookie.PurposeTracking},
	{".example.com", "_chartbeat2", cookie.PurposeTracking},
	{".example.com", "_cb", cookie.PurposeTracking},
	{".example.com", "optimizelyEndUserId", cookie.PurposeTracking},
	{".example.com", "_vwo_uuid_v2", cookie.PurposeTracking},
	{".example.com", "_fbp", cookie.PurposeTracking},
	{".example.com", "_fbc", cookie.PurposeTracking},
	// Advertising
	{".facebook.com", "fr", cookie.PurposeTracking},
	{".facebook.com", "c_user", cookie.PurposeSession},
	{".facebook.com", "xs", cookie.PurposeSession},
	{".facebook.com", "datr", cookie.PurposeSession},
	{".facebook.com", "locale", cookie.PurposePersonalization},
	{".bing.com", "MUID", cookie.PurposeTracking},
	{".example.com", "_uetsid", cookie.PurposeTracking},
	{".example.com", "_uetvid", cookie.PurposeTracking},
	{".linkedin.com", "bcookie", cookie.PurposeTracking},
	{".linkedin.com", "li_sugr", cookie.PurposeTracking},
	{".linkedin.com", "UserMatchHistory", cookie.PurposeTracking},
	{".linkedin.com", "AnalyticsSyncHistory", cookie.PurposeTracking},
	{".linkedin.com", "li_at", cookie.PurposeSession},
	{".linkedin.com", "JSESSIONID", cookie.PurposeSession},
	{".linkedin.com", "lidc", cookie.PurposeSession},
	{".linkedin.com", "li_gc", cookie.PurposePersonalization},
	{".twitter.com", "personalization_id", cookie.PurposeTracking},
	{".twitter.com", "guest_id", cookie.PurposeTracking},
	{".x.com", "auth_token", cookie.PurposeSession},
	{".x.com", "ct0", cookie.PurposeSession},
	{".example.com", "_ttp", cookie.PurposeTracking},
	{".example.com", "_tt_enable_cookie", cookie.PurposeTracking},
	{".example.com", "_pinterest_ct_ua", cookie.PurposeTracking},
	{".example.com", "_pin_unauth", cookie.PurposeTracking},
	{".example.com", "cto_bundle", cookie.PurposeTracking},
	{".criteo.com", "uid", cookie.PurposeTracking},
	{".taboola.com", "t_gid", cookie.PurposeTracking},
	{".outbrain.com", "obuid", cookie.PurposeTracking},
	{".adnxs.com", "uuid2", cookie.PurposeTracking},
	{".adnxs.com", "anj", cookie.PurposeTracking},
	{".adnxs.com", "sess", cookie.PurposeTracking}, // a known name on its own domain beats the session heuristic
	{".rubiconproject.com", "khaos", cookie.PurposeTracking},
	{".pubmatic.com", "KRTBCOOKIE_123", cookie.PurposeTracking},
	{".adsrvr.org", "TDID", cookie.PurposeTracking},
	{".adsrvr.org", "TTDOptOut", cookie.PurposePersonalization},
	{".amazon-adsystem.com", "ad-id", cookie.PurposeTracking},
	{".yahoo.com", "A3", cookie.PurposeTracking},
	{".adform.net", "uid", cookie.PurposeTracking},
	{".smartadserver.com", "pid", cookie.PurposeTracking},
	{".casalemedia.com", "CMID", cookie.PurposeTracking},
	{".openx.net", "i", cookie.PurposeTracking},
	{".example.com", "_cc_id", cookie.PurposeTracking},
	{".example.com", "panoramaId", cookie.PurposeTracking},
	{".example.com", "__hstc", cookie.PurposeTracking},
	{".example.com", "hubspotutk", cookie.PurposeTracking},
	{".example.com", "__hssc", cookie.PurposeTracking},
	{".example.com", "_mkto_trk", cookie.PurposeTracking},
	{".example.com", "__adroll", cookie.PurposeTracking},
	{".example.com", "__kla_id", cookie.PurposeTracking},
	{".example.com", "_shopify_y", cookie.PurposeTracking},
	{".example.com", "_shopify_s", cookie.PurposeTracking},
	// Chat widgets
	{".example.com", "intercom-session-abc123", cookie.PurposeSession},
	{".example.com", "intercom-id-abc123", cookie.PurposeSession},
	{".example.com", "__zlcmid", cookie.PurposeSession},
	// Consent managers
	{".example.com", "OptanonConsent", cookie.PurposePersonalization},
	{".example.com", "OptanonAlertBoxClosed", cookie.PurposePersonalization},
	{".example.com", "eupubconsent-v2", cookie.PurposePersonalization},
	{".example.com", "euconsent-v2", cookie.PurposePersonalization},
	{".example.com", "CookieConsent", cookie.PurposePersonalization},
	{".example.com", "didomi_token", cookie.PurposePersonalization},
	{".example.com", "notice_behavior", cookie.PurposePersonalization},
	{".example.com", "cmapi_cookie_privacy", cookie.PurposePersonalization},
	{".example.com", "uc_settings", cookie.PurposePersonalization},
	{".example.com", "osano_consentmanager", cookie.PurposePersonalization},
	{".example.com", "cmplz_marketing", cookie.PurposePersonalization},
	{".example.com", "cookieyes-consent", cookie.PurposePersonalization},
	{".example.com", "klaro", cookie.PurposePersonalization},
	{".example.com", "usprivacy", cookie.PurposePersonalization},
	{".example.com", "addtl_consent", cookie.PurposePersonalization},
	// E-commerce
	{"shop.example.com", "cart", cookie.PurposeSession},
	{"shop.example.com", "secure_customer_sig", cookie.PurposeSession},
	{"shop.example.com", "_secure_session_id", cookie.PurposeSession},
	{"shop.example.com", "_tracking_consent", cookie.PurposePersonalization},
	{"shop.example.com", "cart_currency", cookie.PurposePersonalization},
	{"shop.example.com", "form_key", cookie.PurposeSession},
	{"shop.example.com", "mage-cache-sessid", cookie.PurposeSession},
	{"shop.example.com", "woocommerce_cart_hash", cookie.PurposeSession},
	{"shop.example.com", "wp_woocommerce_session_abc123", cookie.PurposeSession},
	{"shop.example.com", "dwsid", cookie.PurposeSession},
	{"shop.example.com", "dwanonymous_abc", cookie.PurposeSession},
	{"shop.example.com", "SHOP_SESSION_TOKEN", cookie.PurposeSession},
	// CDNs and bot protection
	{".example.com", "__cf_bm", cookie.PurposeSession},
	{".example.com", "cf_clearance", cookie.PurposeSession},
	{".example.com", "__cflb", cookie.PurposeSession},
	{".example.com", "_cfuvid", cookie.PurposeSession},
	{".example.com", "ak_bmsc", cookie.PurposeSession},
	{".example.com", "bm_sv", cookie.PurposeSession},
	{".example.com", "_abck", cookie.PurposeSession},
	{".example.com", "bm_sz", cookie.PurposeSession},
	{"example.com", "AWSALB", cookie.PurposeSession},
	{"example.com", "AWSALBCORS", cookie.PurposeSession},
	{"example.com", "AWSELB", cookie.PurposeSession},
	{".example.com", "incap_ses_123_456", cookie.PurposeSession},
	{".example.com", "visid_incap_123", cookie.PurposeSession},
	{".example.com", "nlbi_123", cookie.PurposeSession},
	{".example.com", "datadome", cookie.PurposeSession},
	{".example.com", "_px3", cookie.PurposeSession},
	{".example.com", "_pxhd", cookie.PurposeSession},
	{".example.com", "TS01a2b3c4", cookie.PurposeSession},
	{"example.com", "BIGipServer~pool_web", cookie.PurposeSession},
	{"example.com", "ARRAffinity", cookie.PurposeSession},
	// Frameworks
	{"example.com", "PHPSESSID", cookie.PurposeSession},
	{"example.com", "JSESSIONID", cookie.PurposeSession},
	{"example.com", "ASP.NET_SessionId", cookie.PurposeSession},
	{"example.com", ".AspNetCore.Session", cookie.PurposeSession},
	{"example.com", ".AspNetCore.Antiforgery.x7Yz", cookie.PurposeSession},
	{"example.com", "__RequestVerificationToken", cookie.PurposeSession},
	{"example.com", ".ASPXAUTH", cookie.PurposeSession},
	{"example.com", "_myapp_session", cookie.PurposeSession},
	{"example.com", "sessionid", cookie.PurposeSession},
	{"example.com", "csrftoken", cookie.PurposeSession},
	{"example.com", "django_language", cookie.PurposePersonalization},
	{"example.com", "laravel_session", cookie.PurposeSession},
	{"example.com", "XSRF-TOKEN", cookie.PurposeSession},
	{"example.com", "remember_web_59ba36addc2b2f9401580f014c7f58ea4e30989d", cookie.PurposeSession},
	{"example.com", "connect.sid", cookie.PurposeSession},
	{"example.com", "session", cookie.PurposeSession},
	{"example.com", "next-auth.session-token", cookie.PurposeSession},
	{"example.com", "__Secure-next-auth.session-token", cookie.PurposeSession},
	{"example.com", "SESSION", cookie.PurposeSession},
	{"example.com", "CFID", cookie.PurposeSession},
	{"example.com", "CFTOKEN", cookie.PurposeSession},
	{"example.com", "wordpress_logged_in_0123456789abcdef", cookie.PurposeSession},
	{"example.com", "wordpress_sec_0123456789abcdef", cookie.PurposeSession},
	{"example.com", "wp-settings-1", cookie.PurposePersonalization},
	{"example.com", "wp-settings-time-1", cookie.PurposePersonalization},
	{"example.com", "SESS0123456789abcdef0123456789abcdef", cookie.PurposeSession},
	{"example.com", "SSESS0123456789abcdef0123456789abcdef", cookie.PurposeSession},
	{"sso.example.com", "KEYCLOAK_SESSION", cookie.PurposeSession},
	{"sso.example.com", "AUTH_SESSION_ID", cookie.PurposeSession},
	{"example.okta.com", "idx", cookie.PurposeSession},
	{"example.com", "PLAY_SESSION", cookie.PurposeSession},
	// Heuristics from tokens
	{"example.com", "user_session", cookie.PurposeSession},
	{"example.com", "authToken", cookie.PurposeSession},
	{"example.com", "my_csrf", cookie.PurposeSession},
	{"example.com", "ui-lang", cookie.PurposePersonalization},
	{"example.com", "preferredTheme", cookie.PurposePersonalization},
	{"example.com", "selected_currency", cookie.PurposePersonalization},
	{"example.com", "utm_source", cookie.PurposeTracking},
	{"example.com", "visitor_tracking_id", cookie.PurposeTracking},
	{"example.com", "exp_bucket", cookie.PurposeTracking},
	{"example.com", "cookies-functional", cookie.PurposePersonalization},
	// Session names win over tracker domains; opt-outs too
	{".doubleclick.net", "my_login_session", cookie.PurposeSession},
	{".doubleclick.net", "x_nonce", cookie.PurposeSession},
	{".criteo.com", "optout", cookie.PurposePersonalization},
	// No evidence: the site's own functional cookie (the safe side: a
	// purge of tracking keeps it) …
	{"example.com", "zq8x", cookie.PurposeSession},
	{"", "appVersion", cookie.PurposeSession},
	// … unless the name is not a cookie-name token.
	{"example.com", "a b", cookie.PurposeUnknown},
	{"example.com", "path/like", cookie.PurposeUnknown},
	{"example.com", "___", cookie.PurposeUnknown},
	// A vendor's distinctive case: Cxense writes cX_; CX_ is not theirs.
	{"", "cX_P", cookie.PurposeTracking},
	{"", "CX_P", cookie.PurposeSession},
	// A tracking word inside a longer token yields to a machinery word.
	{"", "videoPixelratio_player_state", cookie.PurposeSession},
	{"", "site_analytics_state", cookie.PurposeTracking},
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
		want         cookie.Evidence
	}{
		{"", "_ga", cookie.EvidenceName},
		{"", "_ga_XYZ", cookie.EvidencePattern},
		{".doubleclick.net", "zzz", cookie.EvidenceDomain},
		{"", "mysite_sess", cookie.EvidenceHeuristic},
		{"", "zq8x", cookie.EvidenceFallback},
		{"", "x y", cookie.EvidenceNone},
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
		ck   cookie.Cookie
		want cookie.Purpose
	}{
		{cookie.Cookie{Domain: "example.com", Name: "xq", Value: "GA1.2.1234567890.1700000000"}, cookie.PurposeTracking},
		{cookie.Cookie{Domain: "example.com", Name: "xq", Value: "fb.1.1700000000000.123456789"}, cookie.PurposeTracking},
		{cookie.Cookie{Domain: "example.com", Name: "__Host-xq", Value: "v", Secure: true, Path: "/"}, cookie.PurposeSession},
		{cookie.Cookie{Domain: "example.com", Name: "xq", Value: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", HTTPOnly: true, Secure: true}, cookie.PurposeSession},
		{cookie.Cookie{Domain: "example.com", Name: "uid", Value: "123", SameSite: cookie.SameSiteNone, Secure: true}, cookie.PurposeTracking},
		{cookie.Cookie{Domain: "example.com", Name: "uid", Value: "123", Created: cookie.TimeOf(now), Expires: cookie.TimeOf(now.Add(400 * 24 * time.Hour))}, cookie.PurposeTracking},
		// A browser-session id the site keeps to itself: its own cookie.
		{cookie.Cookie{Domain: "example.com", Name: "uid", Value: "123", Session: true}, cookie.PurposeSession},
		// No evidence, but built to be sent cross-site: no guess.
		{cookie.Cookie{Domain: "example.com", Name: "xq", Value: "1", SameSite: cookie.SameSiteNone, Secure: true}, cookie.PurposeUnknown},
		{cookie.Cookie{Domain: "example.com", Name: "xq", Value: "1", Partition: cookie.MakePartition(cookie.PartitionFields{TopLevelSite: "https://other.example", CrossSiteAncestor: true})}, cookie.PurposeUnknown},
	}
	for _, tc := range cases {
		ck := tc.ck
		c.Classify(&ck)
		if ck.Purpose != tc.want {
			t.Errorf("%+v: got %s (%s), want %s", tc.ck, ck.Purpose, ck.Reason, tc.want)
		}
		if ck.VerdictBy == cookie.EvidenceUser || ck.VerdictBy == "" {
			t.Errorf("%s: VerdictBy %q", ck.Name, ck.VerdictBy)
		}
	}
	// The user's verdict is never touched.
	ck := cookie.Cookie{Domain: ".example.com", Name: "_ga", Purpose: cookie.PurposeSession, Reason: "mine", VerdictBy: cookie.EvidenceUser}
	c.Classify(&ck)
	if ck.Purpose != cookie.PurposeSession || ck.Reason != "mine" || ck.VerdictBy != cookie.EvidenceUser {
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
		want         cookie.Purpose
		ev           cookie.Evidence
	}{
		{"app.intranet.example", "_ga", cookie.PurposeSession, cookie.EvidenceRule},
		{"other.example", "_ga", cookie.PurposeTracking, cookie.EvidenceName},
		{"a.example", "ACME_theme", cookie.PurposePersonalization, cookie.EvidenceRule},
		{"a.example", "X42Y", cookie.PurposeTracking, cookie.EvidenceRule},
		{"cdn.tracker.example", "anything", cookie.PurposeTracking, cookie.EvidenceRule},
		// Earlier rule wins: the domain rule comes first.
		{"tracker.example", "keep", cookie.PurposeTracking, cookie.EvidenceRule},
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
	if p, _, _ := Default().Explain("", "_ga"); p != cookie.PurposeTracking {
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
		want         cookie.Purpose
	}{
		{"x.acme.example", "acme_vid", cookie.PurposeTracking},
		// The CSV ties acme_vid to acme.example: elsewhere nothing is known.
		{"other.example", "acme_vid", cookie.PurposeSession},
		{"", "acmesess_1234", cookie.PurposeSession},
		{"any.example", "acme_lang", cookie.PurposePersonalization},
	} {
		if p, _, _ := c.Explain(tc.domain, tc.name); p != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.domain, tc.name, p, tc.want)
		}
	}
	_, why, ev := c.Explain("", "acme_vid")
	if ev != cookie.EvidenceList || !strings.Contains(why, "Open Cookie Database: Acme Analytics") {
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
				ck := cookie.Cookie{Domain: fmt.Sprintf("h%d.site%d.example.co.uk", i, g), Name: "_ga"}
				c.Classify(&ck)
				if ck.Purpose != cookie.PurposeTracking {
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
		rs, _, err := parseRules("fuzz.toml", data, false, 0, nil)
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
		if _, ok := cookie.ParsePurpose(string(p)); !ok {
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
		want cookie.Evidence
	}{
		{"AcmeID", cookie.EvidenceRule},
		{"acmeid", cookie.EvidenceFallback}, // not the rule's spelling
		{"ACME_x", cookie.EvidenceRule},
		{"acme_x", cookie.EvidenceFallback},
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
