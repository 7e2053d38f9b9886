package purpose

import (
	"testing"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

const (
	sess  = cookie.PurposeSession
	pers  = cookie.PurposePersonalization
	track = cookie.PurposeTracking
)

// curatedCases2026 are knowledge 2026.1's cases (issue 14), written from
// the platforms' and vendors' public documentation, not from any
// development set: sign-in safety on hostile domains, vendor families with
// generated suffixes, regional analytics, the ad-tech long tail, consent
// managers, shops, CDNs and bot protection.
var curatedCases2026 = []struct {
	domain, name string
	want         cookie.Purpose
}{
	// Sign-in safety: the platforms' sign-in cookies, wherever they are.
	{".yandex.ru", "Session_id", sess},
	{".yandex.ru", "sessionid2", sess},
	{".yandex.com", "sessar", sess},
	{".yandex.ru", "yandex_login", sess},
	{".yandex.ru", "_ym_uid", track},
	{".google.com", "SID", sess},
	{".google.co.uk", "__Secure-3PSID", sess},
	{".youtube.com", "LOGIN_INFO", sess},
	{".doubleclick.net", "__Secure-3PAPISID", sess},
	{"login.microsoftonline.com", "ESTSAUTHPERSISTENT", sess},
	{".live.com", "MSPAuth", sess},
	{".apple.com", "myacinfo", sess},
	{".icloud.com", "X-APPLE-WEBAUTH-TOKEN", sess},
	{".facebook.com", "c_user", sess},
	{".facebook.com", "xs", sess},
	{".facebook.com", "fr", track},
	{".instagram.com", "sessionid", sess},
	{".x.com", "auth_token", sess},
	{".x.com", "ct0", sess},
	{"github.com", "user_session", sess},
	{"github.com", "_gh_sess", sess},
	{"gitlab.com", "_gitlab_session", sess},
	{".amazon.de", "at-acbde", sess},
	{".amazon.com", "session-id", sess},
	{".amazon-adsystem.com", "ad-id", track},
	{".linkedin.com", "li_at", sess},
	{".baidu.com", "BDUSS", sess},
	{".naver.com", "NID_AUT", sess},
	{".vk.com", "remixsid", sess},
	{".reddit.com", "reddit_session", sess},
	{".tiktok.com", "sid_tt", sess},
	{".tiktok.com", "_ttp", track},
	{".slack.com", "d", sess},
	{".atlassian.net", "tenant.session.token", sess},
	{".spotify.com", "sp_dc", sess},
	{".netflix.com", "NetflixId", sess},
	{".paypal.com", "nsid", sess},
	{"m.stripe.com", "m", sess},
	{".qq.com", "skey", sess},
	{".kakao.com", "_kawlt", sess},
	// Framework sessions and CSRF on tracker domains stay session.
	{".criteo.com", "PHPSESSID", sess},
	{".adnxs.com", "JSESSIONID", sess},
	{".taboola.com", "XSRF-TOKEN", sess},
	{"auth.example.com", "KEYCLOAK_SESSION", sess},
	{"app.example.com", "next-auth.session-token", sess},
	{"example.com", "wordpress_logged_in_0123456789abcdef", sess},
	{"example.com", "remember_web_59ba36addc2b2f9401580f014c7f58ea4e30989d", sess},
	{"example.com", ".AspNetCore.Antiforgery.Xyz123", sess},
	{"forum.example.com", "_t", sess},
	// Load balancers and bot protection.
	{"example.com", "AWSALBCORS", sess},
	{"example.com", "BIGipServer~pool_web", sess},
	{"example.com", "__cf_bm", sess},
	{"example.com", "cf_clearance", sess},
	{"example.com", "_abck", sess},
	{"example.com", "datadome", sess},
	{"example.com", "_pxhd", sess},
	{"example.com", "incap_ses_123_456", sess},
	{"example.com", "__uzma", sess},
	{"example.com", "rbzid", sess},
	{"example.com", "reese84", sess},
	{"example.com", "__ddg1_", sess},
	{"example.com", "_GRECAPTCHA", sess},
	// Carts and shops.
	{"shop.example.com", "cart", sess},
	{"shop.example.com", "cart_sig", sess},
	{"shop.example.com", "_secure_session_id", sess},
	{"shop.example.com", "woocommerce_items_in_cart", sess},
	{"shop.example.com", "wp_woocommerce_session_abc123", sess},
	{"shop.example.com", "VtexIdclientAutCookie_store", sess},
	{"shop.example.com", "checkout.vtex.com", sess},
	{"shop.example.com", "vtex_segment", pers},
	{"shop.example.com", "VtexRCMacIdv7", track},
	{"shop.example.com", "acceleratorSecureGUID", sess},
	{"cdn.example.com", "CloudFront-Signature", sess},
	// Vendor families with generated suffixes.
	{"example.com", "_hjIncludedInSessionSample_1234567", track},
	{"example.com", "_hjIncludedInPageviewSample", track},
	{"example.com", "_hjSession_1234567", track},
	{"example.com", "_pk_id.3.1fff", track},
	{"example.com", "mp_0123456789abcdef0123456789abcdef_mixpanel", track},
	{"example.com", "amp_abc123", track},
	{"example.com", "ajs_user_id", track},
	{"example.com", "__hstc", track},
	{"example.com", "_mkto_trk", track},
	{"example.com", "__kla_id", track},
	{"example.com", "ab.storage.deviceId.a1b2c3", track},
	{"example.com", "ab._gd", sess},
	{"example.com", "optimizelyEndUserId", track},
	{"example.com", "_vwo_uuid_v2", track},
	{"example.com", "AMCV_0123456789ABCDEF%40AdobeOrg", track},
	{"example.com", "CNZZDATA1234567", track},
	{"example.com", "UM_distinctid", track},
	{"example.com", "sensorsdata2015jssdkcross", track},
	{"example.com", "gr_user_id", track},
	{"example.com", "a1b2c3d4_gr_session_id_e5f6", track},
	{"example.com", "pgv_pvi", track},
	{"example.com", "ACEUCKEY", track},
	{"example.com", "_td_global", track},
	{"example.com", "mprtcl-v4_ABCD1234", track},
	{"example.com", "mtc_id", track},
	{"example.com", "sib_cuid", track},
	{"example.com", "soundestID", track},
	{"example.com", "_drip_client_1234567", track},
	{"example.com", "scarab.visitor", track},
	{"example.com", "mt.v", track},
	{"example.com", "_qubitTracker", track},
	{"example.com", "2c.cId", track},
	{"example.com", "_ALGOLIA", track},
	{"example.com", "gbuuid", track},
	{"example.com", "_omappvp", track},
	{"example.com", "wisepops_session", track},
	{"example.com", "bounceClientVisit2045v", track},
	{"example.com", "_atrk_siteuid", track},
	{"example.com", "adiV", track},
	{"example.com", "hello_retail_id", track},
	{"example.com", "WT_FPC", track},
	{"example.com", "CoreID6", track},
	{"example.com", "_zitok", track},
	{"example.com", "GoogleAdServingTest", track},
	// The ad-tech long tail, on the registrable domain.
	{"c.appier.net", "_auid", track},
	{".navdmp.com", "ac3", track},
	{".zebestof.com", "uid_s", track},
	{"ib.adnxs.com", "anj", track},
	{".bidswitch.net", "tuuid", track},
	{"x.bidr.io", "bito", track},
	{".rtbhouse.com", "u", track},
	{"ads.trafficstars.com", "zz", track},
	{"cdn.mparticle.com", "zz", track},
	{".tanx.com", "cna", track},
	{".mmstat.com", "zz", track},
	{"ads.adfox.ru", "zz", track},
	{".tns-counter.ru", "zz", track},
	{"ws.zoominfo.com", "zz", track},
	// An opt-out on a tracker domain stays a choice.
	{".criteo.com", "optout", pers},
	{".google-analytics.com", "GA_OPT_OUT", pers},
	{"example.com", "ab.optOut", pers},
	{".sharethis.com", "pubconsent_x7", pers},
	{"example.com", "__hsmem", sess},
	// Consent managers.
	{"example.com", "OptanonConsent", pers},
	{"example.com", "CookieConsent", pers},
	{"example.com", "euconsent-v2", pers},
	{"example.com", "didomi_token", pers},
	{"example.com", "cookiefirst-consent", pers},
}

func TestCuratedCases2026(t *testing.T) {
	if len(curatedCases2026) < 100 {
		t.Fatalf("only %d cases", len(curatedCases2026))
	}
	c := Default()
	for _, tc := range curatedCases2026 {
		p, why, ev := c.Explain(tc.domain, tc.name)
		if p != tc.want {
			t.Errorf("%s %s: got %s (%s, %s), want %s", tc.domain, tc.name, p, why, ev, tc.want)
		}
		if p == track && ev == cookie.EvidenceFallback {
			t.Errorf("%s %s: tracking by fallback", tc.domain, tc.name)
		}
	}
	t.Logf("%d cases", len(curatedCases2026))
}
