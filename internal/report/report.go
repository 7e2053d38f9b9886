// Package report answers "who follows me, and how widely?" (docs/cli.md,
// crumbs report): the trackers in a set of cookies ranked by reach, the
// totals by purpose and by browser, what a tracking purge would remove and
// keep, and what changed in each source since its previous import. The
// command line prints a Report as a table or JSON and the UI draws it as a
// chart; both get it from Compute and Changes, so neither counts
// differently.
//
// A tracker is a vendor that crumbs' knowledge names (cookie.TrackerName,
// which asks jar/purpose) —
// or, grouped by organisation, the company behind it; a tracking cookie
// without a known vendor belongs to its registrable domain. Its reach is
// the number of distinct sites where it holds an id (cookie.ReachSite: the
// top-level site of a partitioned cookie, else the cookie's own site).
package report

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// By chooses what a tracker is.
type By int

const (
	// ByVendor: a product (Google Analytics and Google Ads are two).
	ByVendor By = iota
	// ByOrganisation: the company (Google).
	ByOrganisation
)

func (b By) String() string {
	if b == ByOrganisation {
		return "organisation"
	}
	return "vendor"
}

// ParseBy accepts vendor, organisation (organization, org) or a prefix.
func ParseBy(s string) (By, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return ByVendor, false
	case strings.HasPrefix("vendor", s):
		return ByVendor, true
	case strings.HasPrefix("organisation", s), strings.HasPrefix("organization", s):
		return ByOrganisation, true
	}
	return ByVendor, false
}

// Options say how to compute a report.
type Options struct {
	By  By
	Now time.Time
}

// Report is the tracker report of a set of cookies.
type Report struct {
	At      time.Time
	By      By
	Cookies int // cookies in scope
	Sites   int // distinct registrable domains among them
	// Trackers are ranked by reach: most sites first, then most cookies,
	// then by name.
	Trackers        []Tracker
	TrackingCookies int
	// TrackerSites is the number of distinct sites where any tracker
	// holds an id.
	TrackerSites int
	ByPurpose    []Count // the four purposes, in display order
	// Browsers are the browsers of the cookies in scope, most cookies
	// first; Tracker.Browsers and BrowserShares use these names.
	Browsers []Count
	Purge    Purge
}

// Count is a number of cookies under a name.
type Count struct {
	Name     string
	Cookies  int
	Tracking int // of Cookies, tracking ones (Browsers only)
}

// Tracker is one tracker's reach.
type Tracker struct {
	// Name is the vendor ("Google Analytics"), the organisation
	// ("Google") with ByOrganisation, or the registrable domain when
	// crumbs knows no vendor (Known false).
	Name         string
	Organisation string
	Known        bool
	// Vendors are the vendors grouped under an organisation
	// (ByOrganisation), most sites first.
	Vendors  []string
	Sites    int      // distinct sites where it holds an id
	Browsers []string // browsers holding its cookies, in Report.Browsers order
	Profiles []string // sources ("firefox:default-release"), sorted
	Cookies  int
	// Oldest is the earliest creation time among its cookies (zero if no
	// store recorded one); Longest the latest expiry of its unexpired
	// persistent cookies (zero if it has only session or expired ones).
	Oldest, Longest time.Time
	// Shares split Sites by browser: a site where k browsers hold its
	// cookies counts 1/k for each, so the shares add up to Sites. In
	// Report.Browsers order, browsers without a share left out.
	Shares []Share
	// SiteList is every site, sorted.
	SiteList []string
}

// Share is a browser's part of a tracker's reach.
type Share struct {
	Browser string
	Sites   float64
}

// OldestAge is how long ago the oldest cookie was created (0 if unknown).
func (t *Tracker) OldestAge(now time.Time) time.Duration {
	if t.Oldest.IsZero() {
		return 0
	}
	return now.Sub(t.Oldest)
}

// LongestLeft is how long the longest-lived cookie has still to live (0
// if none is persistent and unexpired).
func (t *Tracker) LongestLeft(now time.Time) time.Duration {
	if t.Longest.IsZero() {
		return 0
	}
	return t.Longest.Sub(now)
}

// Purge is what `crumbs purge --purpose tracking` (P in the UI) would do to
// the cookies in scope.
type Purge struct {
	Remove      int // unprotected tracking cookies
	RemoveSites int // their distinct registrable domains
	// Keep is every other cookie: Protected are tracking cookies a
	// protection keeps; KeepByPurpose counts the rest by purpose (session
	// first: the logins a purge never takes).
	Keep          int
	Protected     int
	KeepByPurpose []Count
}

// BrowserOf is the browser part of a source id: "firefox" for
// "firefox:default-release", "file" for "file:cookies.txt".
func BrowserOf(source string) string {
	if i := strings.IndexByte(source, ':'); i > 0 {
		return source[:i]
	}
	return source
}

// TrackerOf is the tracker a tracking cookie belongs to under by: its name,
// its organisation and whether crumbs' knowledge named it (else both are
// the registrable domain). site is cookie.Site(c.Domain). Cookies of other
// purposes have none (ok false). The vendor knowledge is the one
// registered with cookie.SetVendors (purpose.Classifier.Register).
func TrackerOf(c *cookie.Cookie, site string, by By) (name, org string, known, ok bool) {
	if c.Purpose != cookie.PurposeTracking {
		return "", "", false, false
	}
	vendor, org, known := cookie.TrackerName(c, site)
	if by == ByOrganisation {
		return org, org, known, true
	}
	return vendor, org, known, true
}

// tally accumulates one tracker. Sites, sources and browsers are small
// indexes (interned once per report), so the per-cookie work is a few
// integer map and slice operations.
type tally struct {
	t        Tracker
	sites    map[int32]uint64              // site index → bit set of browser indexes
	sources  []int32                       // source indexes, few
	vendors  map[string]map[int32]struct{} // ByOrganisation: vendor → sites
	browsers uint64
}

// interner numbers strings in the order they come.
type interner struct {
	idx   map[string]int32
	names []string
}

func (in *interner) id(s string) int32 {
	if i, ok := in.idx[s]; ok {
		return i
	}
	i := int32(len(in.names))
	in.idx[s] = i
	in.names = append(in.names, s)
	return i
}

// Compute reports on the cookies of cs that f selects (all of them for
// the zero Filter). It does not modify cs.
func Compute(cs []cookie.Cookie, f cookie.Filter, o Options) *Report {
	return ComputeSited(cs, nil, f, o)
}

// ComputeSited is Compute for a caller that knows the cookies'
// registrable domains already (the UI's dataset): site(i) is
// cookie.Site(cs[i].Domain). A nil site is Compute.
func ComputeSited(cs []cookie.Cookie, site func(i int) string, f cookie.Filter, o Options) *Report {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	k := newComputation(o)
	named := nameTrackers(cs)
	match := !f.IsEmpty()
	for i := range cs {
		if match && !f.Match(&cs[i], o.Now) {
			continue
		}
		var si int32
		if site != nil {
			si = k.siteID(site(i))
		} else {
			si = k.site(&cs[i])
		}
		k.add(&cs[i], si, named[i])
	}
	return k.finish()
}

// computation is one Compute: the report so far and the interned sites,
// sources and browsers its tallies refer to by index.
type computation struct {
	o          Options
	r          *Report
	sites      interner
	domainSite map[string]int32  // domain → site index
	siteName   map[string]string // host → site, for ReachSite
	sources    interner
	srcBrowser []int // source index → browser index
	browserIdx map[string]int
	browsers   []Count // in first-seen order
	purposes   [4]int
	keep       [4]int
	// sets of site indexes
	allSites, trackerSites, removeSites []bool
	tallies                             map[string]*tally
	// the previous cookie's domain, site and source (the jar hands
	// cookies out by site and domain, so they repeat)
	prevDomain, prevSiteName, prevSource string
	prevSite, prevSiteID, prevSrc        int32
}

func newComputation(o Options) *computation {
	return &computation{o: o, r: &Report{At: o.Now, By: o.By},
		sites: interner{idx: map[string]int32{}}, domainSite: map[string]int32{}, siteName: map[string]string{},
		sources: interner{idx: map[string]int32{}}, browserIdx: map[string]int{}, tallies: map[string]*tally{},
		prevSite: -1, prevSiteID: -1, prevSrc: -1}
}

func (k *computation) siteOf(d string) string {
	s, ok := k.siteName[d]
	if !ok {
		s = cookie.Site(d)
		k.siteName[d] = s
	}
	return s
}

func mark(set *[]bool, i int32) {
	for int(i) >= len(*set) {
		*set = append(*set, false)
	}
	(*set)[i] = true
}

// site is the index of c's registrable domain.
func (k *computation) site(c *cookie.Cookie) int32 {
	if c.Domain != k.prevDomain || k.prevSite < 0 {
		s, ok := k.domainSite[c.Domain]
		if !ok {
			s = k.sites.id(k.siteOf(c.Domain))
			k.domainSite[c.Domain] = s
		}
		k.prevDomain, k.prevSite = c.Domain, s
	}
	return k.prevSite
}

// siteID is the index of the registrable domain name.
func (k *computation) siteID(name string) int32 {
	if name != k.prevSiteName || k.prevSiteID < 0 {
		k.prevSiteName, k.prevSiteID = name, k.sites.id(name)
	}
	return k.prevSiteID
}

// source is the index of a source and of its browser.
func (k *computation) source(source string) (src int32, browser int) {
	if source != k.prevSource || k.prevSrc < 0 {
		k.prevSource, k.prevSrc = source, k.sources.id(source)
		if int(k.prevSrc) == len(k.srcBrowser) {
			b := BrowserOf(source)
			bi, ok := k.browserIdx[b]
			if !ok {
				bi = len(k.browsers)
				k.browserIdx[b] = bi
				k.browsers = append(k.browsers, Count{Name: b})
			}
			k.srcBrowser = append(k.srcBrowser, bi)
		}
	}
	return k.prevSrc, k.srcBrowser[k.prevSrc]
}

// addCount counts n cookies in scope of one source, site and purpose,
// which must not be tracking (those are added one by one).
func (k *computation) addCount(source string, site int32, p cookie.Purpose, n int) {
	if p == cookie.PurposeTracking {
		panic("report: tracking cookies counted in bulk")
	}
	k.r.Cookies += n
	mark(&k.allSites, site)
	pi := purposeIndex(p)
	k.purposes[pi] += n
	_, bi := k.source(source)
	k.browsers[bi].Cookies += n
	k.keep[pi] += n
}

// add counts one cookie in scope, of site index site; n is its tracker's
// name if it tracks.
func (k *computation) add(c *cookie.Cookie, site int32, n trackerNamed) {
	if c.Purpose != cookie.PurposeTracking {
		k.addCount(c.Source, site, c.Purpose, 1)
		return
	}
	reach := site
	if c.Partition.TopLevelSite() != "" {
		reach = k.sites.id(cookie.ReachSite(c, k.siteOf))
	}
	k.addTracking(c.Source, site, reach, c.ProtectedBy != "", seen{c.Created.Time(), c.Expires.Time(), c.Session}, n)
}

// seen is what a tracker's ages come from: a cookie's creation, expiry
// and whether it is a session cookie.
type seen struct {
	created, expires time.Time
	session          bool
}

// addTracking counts one tracking cookie of source, its registrable domain
// site and the site where it holds an id reach (indexes); n is its
// tracker's name.
func (k *computation) addTracking(source string, site, reach int32, protected bool, s seen, n trackerNamed) {
	r := k.r
	r.Cookies++
	mark(&k.allSites, site)
	k.purposes[purposeIndex(cookie.PurposeTracking)]++
	src, bi := k.source(source)
	k.browsers[bi].Cookies++
	k.browsers[bi].Tracking++
	r.TrackingCookies++
	if protected {
		r.Purge.Protected++
	} else {
		r.Purge.Remove++
		mark(&k.removeSites, site)
	}
	if !n.known {
		n.vendor, n.org = k.sites.names[site], k.sites.names[site]
	}
	mark(&k.trackerSites, reach)
	k.tally(n).add(s, k.o, n, reach, src, bi)
}

// tally is the tracker n belongs to under the report's grouping.
func (k *computation) tally(n trackerNamed) *tally {
	name := n.vendor
	if k.o.By == ByOrganisation {
		name = n.org
	}
	t := k.tallies[name]
	if t == nil {
		t = &tally{t: Tracker{Name: name, Organisation: n.org, Known: n.known}, sites: map[int32]uint64{}}
		k.tallies[name] = t
	}
	return t
}

// add counts one tracking cookie of the tracker.
func (t *tally) add(c seen, o Options, n trackerNamed, reach, src int32, bi int) {
	bit := uint64(1) << (bi & 63)
	t.sites[reach] |= bit
	t.browsers |= bit
	if !slices.Contains(t.sources, src) {
		t.sources = append(t.sources, src)
	}
	if o.By == ByOrganisation && n.known {
		if t.vendors == nil {
			t.vendors = map[string]map[int32]struct{}{}
		}
		if t.vendors[n.vendor] == nil {
			t.vendors[n.vendor] = map[int32]struct{}{}
		}
		t.vendors[n.vendor][reach] = struct{}{}
	}
	t.t.Cookies++
	if !c.created.IsZero() && (t.t.Oldest.IsZero() || c.created.Before(t.t.Oldest)) {
		t.t.Oldest = c.created
	}
	if !c.session && !c.expires.IsZero() && c.expires.After(o.Now) && c.expires.After(t.t.Longest) {
		t.t.Longest = c.expires
	}
}

// finish sums up: totals, browsers by cookies, trackers by reach.
func (k *computation) finish() *Report {
	r := k.r
	r.Sites = countTrue(k.allSites)
	r.TrackerSites = countTrue(k.trackerSites)
	r.Purge.RemoveSites = countTrue(k.removeSites)
	r.Purge.Keep = r.Cookies - r.Purge.Remove
	for pi, p := range cookie.Purposes {
		r.ByPurpose = append(r.ByPurpose, Count{Name: string(p), Cookies: k.purposes[pi]})
		if p != cookie.PurposeTracking {
			r.Purge.KeepByPurpose = append(r.Purge.KeepByPurpose, Count{Name: string(p), Cookies: k.keep[pi]})
		}
	}
	// Browsers by cookies (then name); tallies keep their first-seen
	// indexes, so map them to the final order.
	browsers := k.browsers
	order := make([]int, len(browsers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(browsers[b].Cookies, browsers[a].Cookies), cmp.Compare(browsers[a].Name, browsers[b].Name))
	})
	for _, i := range order {
		r.Browsers = append(r.Browsers, browsers[i])
	}
	r.Trackers = make([]Tracker, 0, len(k.tallies))
	for _, t := range k.tallies {
		r.Trackers = append(r.Trackers, t.finish(browsers, order, k.sites.names, k.sources.names))
	}
	slices.SortFunc(r.Trackers, func(a, b Tracker) int {
		return cmp.Or(cmp.Compare(b.Sites, a.Sites), cmp.Compare(b.Cookies, a.Cookies), cmp.Compare(a.Name, b.Name))
	})
	return r
}

// trackerNamed is a tracking cookie's vendor and organisation, if known.
type trackerNamed struct {
	vendor, org string
	known       bool
}

// purposeIndex is p's index in cookie.Purposes (unknown for anything else).
func purposeIndex(p cookie.Purpose) int {
	switch p {
	case cookie.PurposeSession:
		return 0
	case cookie.PurposePersonalization:
		return 1
	case cookie.PurposeTracking:
		return 2
	}
	return 3
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// finish turns the tally into a Tracker; browsers are in first-seen order
// (the bit indexes), order the display order of their indexes.
func (t *tally) finish(browsers []Count, order []int, siteNames, sourceNames []string) Tracker {
	out := t.t
	out.Sites = len(t.sites)
	// A share is a sum of 1/k over sites: count the sites by k first and
	// add in k's order, so that the float is the same whatever order the
	// sites come in (the map's, a jar's read).
	byK := make([][]int, len(browsers)) // browser → k → sites
	out.SiteList = make([]string, 0, len(t.sites))
	for s, mask := range t.sites {
		out.SiteList = append(out.SiteList, siteNames[s])
		k := bits.OnesCount64(mask)
		for bi := range browsers {
			if mask&(1<<(bi&63)) != 0 {
				for len(byK[bi]) <= k {
					byK[bi] = append(byK[bi], 0)
				}
				byK[bi][k]++
			}
		}
	}
	share := make([]float64, len(browsers))
	for bi, ks := range byK {
		for k, n := range ks {
			if n > 0 {
				share[bi] += float64(n) / float64(k)
			}
		}
	}
	slices.Sort(out.SiteList)
	for _, bi := range order {
		if t.browsers&(1<<(bi&63)) != 0 {
			out.Browsers = append(out.Browsers, browsers[bi].Name)
			out.Shares = append(out.Shares, Share{Browser: browsers[bi].Name, Sites: share[bi]})
		}
	}
	for _, si := range t.sources {
		out.Profiles = append(out.Profiles, sourceNames[si])
	}
	slices.Sort(out.Profiles)
	if len(t.vendors) > 0 {
		for v := range t.vendors {
			out.Vendors = append(out.Vendors, v)
		}
		slices.SortFunc(out.Vendors, func(a, b string) int {
			return cmp.Or(cmp.Compare(len(t.vendors[b]), len(t.vendors[a])), cmp.Compare(a, b))
		})
	}
	return out
}
