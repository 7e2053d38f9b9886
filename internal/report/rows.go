package report

import (
	"runtime"
	"sync"
	"time"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// FromRows is the report of what jar.ReportRows read (the cookies its
// filter selected): the same Report as Compute over those cookies.
func FromRows(rows *jar.ReportRows, o Options) *Report {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	k := newComputation(o)
	for _, g := range rows.Counts {
		k.addCount(g.Source, k.siteID(g.Site), g.Purpose, g.Cookies)
	}
	named := nameRows(rows.Tracking)
	for i := range rows.Tracking {
		t := &rows.Tracking[i]
		site := k.siteID(t.Site)
		reach := site
		if t.Reach != t.Site {
			reach = k.sites.id(t.Reach)
		}
		k.addTracking(t.Source, site, reach, t.ProtectedBy != "", seen{t.Created, t.Expires, t.Session}, named[i])
	}
	return k.finish()
}

// nameTrackers asks the vendor knowledge about every tracking cookie of cs,
// on every core: it is most of what a report costs beyond counting.
func nameTrackers(cs []cookie.Cookie) []trackerNamed {
	return nameEach(len(cs), func(i int) (string, string, cookie.Purpose) {
		return cs[i].Domain, cs[i].Name, cs[i].Purpose
	})
}

// nameRows is nameTrackers for the jar's tracking rows.
func nameRows(ts []jar.TrackingRow) []trackerNamed {
	return nameEach(len(ts), func(i int) (string, string, cookie.Purpose) {
		return ts[i].Domain, ts[i].Name, cookie.PurposeTracking
	})
}

// nameEach names the trackers of n cookies, cookie(i) giving the domain,
// name and purpose of the i-th; on several cores when there are many.
func nameEach(n int, of func(i int) (domain, name string, p cookie.Purpose)) []trackerNamed {
	out := make([]trackerNamed, n)
	parts := 1
	if n >= 20_000 {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := n*p/parts, n*(p+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				d, name, pur := of(i)
				if pur == cookie.PurposeTracking {
					c := cookie.Cookie{Domain: d, Name: name, Purpose: pur}
					out[i].vendor, out[i].org, out[i].known = cookie.TrackerName(&c, "")
				}
			}
		}()
	}
	wg.Wait()
	return out
}
