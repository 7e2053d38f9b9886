package cookie

import (
	"strings"
	"sync/atomic"
)

// Vendors names the product behind a cookie and the organisation that runs
// it ("Google Analytics", "Google"); both "" when nothing is known. The
// classifier knows vendors (jar/purpose registers its built-in knowledge
// with SetVendors), the model does not: the filter term vendor: asks
// whichever Vendors the program registered.
type Vendors func(domain, name string) (vendor, org string)

var vendors atomic.Pointer[Vendors]

// SetVendors registers the vendor knowledge the filter term vendor: uses.
// A program with the user's own rules registers its configured classifier.
func SetVendors(v Vendors) {
	if v == nil {
		vendors.Store(nil)
		return
	}
	vendors.Store(&v)
}

// TrackerName is the tracker a tracking cookie belongs to, as the tracker
// report (internal/report) groups them: the vendor crumbs knows and its
// organisation, or, when none is known, the registrable domain for both
// (known false). site is Site(c.Domain).
func TrackerName(c *Cookie, site string) (vendor, org string, known bool) {
	if v := vendors.Load(); v != nil {
		if name, o := (*v)(c.Domain, c.Name); name != "" {
			if o == "" {
				o = name
			}
			return name, o, true
		}
	}
	return site, site, false
}

// matchTracker: c is a tracking cookie whose vendor (org false) or
// organisation (org true) is needle, ignoring case; one with no known
// vendor has its registrable domain for both.
func matchTracker(c *Cookie, needle string, org bool) bool {
	if c.Purpose != PurposeTracking {
		return false
	}
	v, o, known := TrackerName(c, "")
	if !known {
		return strings.EqualFold(Site(c.Domain), needle)
	}
	if org {
		return strings.EqualFold(o, needle)
	}
	return strings.EqualFold(v, needle)
}
