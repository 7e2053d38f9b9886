package cookie

import "testing"

func TestVendorTerm(t *testing.T) {
	SetVendors(func(domain, name string) (string, string) {
		if name == "_ga" {
			return "Google Analytics", "Google"
		}
		return "", ""
	})
	t.Cleanup(func() { SetVendors(nil) })
	ga := Cookie{Domain: ".shop.example.co.uk", Name: "_ga", Purpose: PurposeTracking}
	own := Cookie{Domain: "ads.tracker.net", Name: "uid", Purpose: PurposeTracking}
	login := Cookie{Domain: ".shop.example.co.uk", Name: "_ga", Purpose: PurposeSession} // a user's verdict
	for _, tc := range []struct {
		filter string
		c      Cookie
		want   bool
	}{
		{`vendor:"google analytics"`, ga, true},
		{`vendor:Google`, ga, false},
		{`org:Google`, ga, true},
		{`org:"google analytics"`, ga, false},
		{`org:tracker.net`, own, true},
		{`vendor:goo`, ga, false},
		{`vendor:tracker.net`, own, true},
		{`vendor:ads.tracker.net`, own, false},
		{`org:google`, login, false},
		{`-org:google`, ga, false},
	} {
		if got := MustParseFilter(tc.filter).Match(&tc.c, testNow); got != tc.want {
			t.Errorf("%s on %s %s: %v, want %v", tc.filter, tc.c.Domain, tc.c.Name, got, tc.want)
		}
	}
	if v, o, known := TrackerName(&own, "tracker.net"); known || v != "tracker.net" || o != "tracker.net" {
		t.Errorf("unknown vendor: %q %q %v", v, o, known)
	}
	SetVendors(nil)
	if v, _, known := TrackerName(&ga, "example.co.uk"); known || v != "example.co.uk" {
		t.Errorf("no vendor knowledge: %q %v", v, known)
	}
}
