package chromium

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Public samples from other projects (../shared/fixtures/samples, never
// copied into the repo).

func TestSamplePlasoMeta5(t *testing.T) {
	path := filepath.Join(testshared.Path(t, "fixtures", "samples"), "plaso_chrome_cookies.db.sqlite")
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{Source: "file:cookies.db"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 560 || res.Refused != 0 {
		t.Fatalf("%d cookies, %d refused; want 560 (warnings %q)", len(res.Cookies), res.Refused, res.Warnings)
	}
	for _, w := range res.Warnings {
		t.Logf("warning: %s", w)
	}
	var first *cookie.Cookie
	for i := range res.Cookies {
		c := &res.Cookies[i]
		if c.Encryption != cookie.EncPlain || c.ValueUnreadable {
			t.Errorf("%s: %s unreadable=%v", c.Name, c.Encryption, c.ValueUnreadable)
		}
		if c.Domain == ".tools.google.com" && c.Name == "__utma" {
			first = c
		}
	}
	if first == nil {
		t.Fatal(".tools.google.com __utma missing")
	}
	// creation_utc 12957891582318795, expires_utc 13020963582000000.
	if first.Value != "21104190.1037945573.1313417982.1313417982.1313417982.1" || first.Path != "/chrome/intl/en/" ||
		first.HostOnly || first.Session || first.Expires.Unix() != 13020963582-11644473600 ||
		first.Created.UnixMicro() != 12957891582318795-11644473600000000 {
		t.Errorf("first cookie: %+v", *first)
	}
	if first.Extras.Fields().Priority != "" || first.Extras.Fields().SourceScheme != "" || !first.Partition.IsZero() {
		t.Errorf("meta 5 has no priority/source_scheme/partition columns: %+v", *first)
	}
	k, err := ParseKey(first.OriginalKey)
	if err != nil || k.HostKey != ".tools.google.com" || k.SourcePort != nil || k.HasCrossSiteAncestor != nil {
		t.Errorf("original key %q: %+v %v", first.OriginalKey, k, err)
	}
}

func TestSampleChrome68Meta10(t *testing.T) {
	path := filepath.Join(testshared.Path(t, "fixtures", "samples"), "plaso_chrome_Cookies-68.0.3440.106.sqlite")
	res, err := Reader{Keys: noOS(), Platform: "linux"}.Read(context.Background(), path, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 5 {
		t.Fatalf("%d cookies, want 5", len(res.Cookies))
	}
	for _, w := range res.Warnings {
		t.Logf("warning: %s", w)
	}
	// The sample's values are v11-encrypted with its owner's keyring
	// password, which nobody has (one blob is not even a whole number of
	// AES blocks): every value must be unreadable, never garbage, and the
	// rest of each cookie intact.
	for _, c := range res.Cookies {
		reasonOK := strings.Contains(c.UnreadableReason, "no key decrypts it") ||
			(c.Name == "__cfduid" && strings.Contains(c.UnreadableReason, "corrupt"))
		if c.Encryption != cookie.EncV11 || !c.ValueUnreadable || c.Value != "" || !reasonOK {
			t.Errorf("%s: %s %q unreadable=%v %q", c.Name, c.Encryption, c.Value, c.ValueUnreadable, c.UnreadableReason)
		}
		if c.Domain == "" || c.Path == "" || c.Created.IsZero() || c.Extras.Fields().Priority != "medium" || c.SameSite != cookie.SameSiteUnspecified {
			t.Errorf("%s: %+v", c.Name, c)
		}
	}
	c := res.Cookies[0]
	if c.Domain != ".google.com" || c.Name != "__utma" || c.Path != "/gmail/about/" || c.Expires.Unix() != 13241804625-11644473600 {
		t.Errorf("first: %+v", c)
	}
}

func TestSampleKookyMacMeta9(t *testing.T) {
	path := filepath.Join(testshared.Path(t, "fixtures", "samples"), "kooky_chrome-macos-cookie-db.sqlite")
	// The Keychain is not asked: the password comes by hand, as for a
	// profile copied from a Mac.
	keys := noOS()
	res, err := Reader{Keys: keys, Platform: "linux"}.Read(context.Background(), path, importers.Options{Password: "ChromeSafeStoragePasswrd"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 1 || len(res.Warnings) != 0 {
		t.Fatalf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
	c := res.Cookies[0]
	want := time.Date(2038, 1, 17, 19, 14, 7, 876554000, time.UTC)
	if c.Value != "zellyn&p2EXEjsXVNPxXcrZiK8DoezI4Erqt0vA" || c.Encryption != cookie.EncV10 || !c.Expires.Equal(cookie.TimeOf(want)) ||
		c.Domain != "news.ycombinator.com" || !c.HostOnly || c.Name != "user" || !c.Secure || !c.HTTPOnly || c.Session {
		t.Errorf("got %+v", c)
	}
	// Without the password the value is unreadable, not garbage.
	res, err = Reader{Keys: noOS(), Platform: "darwin"}.Read(context.Background(), path, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Cookies[0]; !c.ValueUnreadable || c.Value != "" {
		t.Errorf("without password: %+v", c)
	}
}
