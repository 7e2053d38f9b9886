package jar

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// ReportRows is what the tracker report (internal/report) needs of the
// cookies a filter selects, read as little as possible: the cookies that
// do not track only counted, by source, registrable domain and purpose,
// and the tracking cookies as summaries (see Summaries) with their
// registrable domain (docs/decisions.md, "Reports").
type ReportRows struct {
	Counts   []SiteCount
	Tracking []TrackingRow
}

// TrackingRow is a tracking cookie as the tracker report sees it.
type TrackingRow struct {
	Source, Domain, Name string
	// Site is the registrable domain of Domain (cookie.Site); Reach the
	// site where the cookie holds an id (cookie.ReachSite: the top-level
	// site of a partitioned cookie, else Site).
	Site, Reach      string
	Created, Expires time.Time
	Session          bool
	// ProtectedBy is the protection that keeps it from a purge, if any.
	ProtectedBy string
}

// SiteCount is a number of cookies of one source, site and purpose.
type SiteCount struct {
	Source, Site string
	Purpose      cookie.Purpose
	Cookies      int
}

// ReportRows reads what the tracker report needs of the live cookies f
// selects (every one for the zero Filter). The report of a jar is mostly
// about its tracking cookies: the others (usually more than half) are
// counted by SQLite in one GROUP BY, and only the tracking ones cross into
// Go, with nine of a cookie's columns — most of what a row costs is per
// column fetched through the driver. The count and the tracking rows (in
// two id ranges) are read on three connections at once; if anything was
// committed meanwhile, all is read again in one transaction.
//
// A filter that does not compile to SQL exactly, or protections that look
// at values, take the slower way: the cookies are read (Summaries, or whole
// when a value is needed) and counted here, with the same result.
func (j *Jar) ReportRows(ctx context.Context, f cookie.Filter) (*ReportRows, error) {
	now := j.Now()
	fs := compileFilter(f, now)
	if j.cacheFresh(ctx) || !f.IsEmpty() && !fs.exact {
		return j.reportRowsRead(ctx, f)
	}
	ps, err := j.Protections(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if needsValues(p.Filter) {
			return j.reportRowsRead(ctx, f)
		}
	}
	var maxID int64
	if err := j.db.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM cookies`).Scan(&maxID); err != nil {
		return nil, j.fileError(err)
	}
	before, err := j.lockedDataVersion(ctx)
	if err != nil {
		return nil, err
	}
	out := &ReportRows{}
	var errCounts error
	var halves [2][]TrackingRow
	var errHalves [2]error
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		out.Counts, errCounts = siteCounts(ctx, j.db, fs)
	}()
	for h := range halves {
		lo, hi := int64(math.MinInt64), maxID/2
		if h == 1 {
			lo, hi = maxID/2, math.MaxInt64
		}
		go func() {
			defer wg.Done()
			halves[h], errHalves[h] = j.rawTrackingRows(ctx, fs, lo, hi)
		}()
	}
	wg.Wait()
	out.Tracking = append(halves[0], halves[1]...)
	errTracking := errors.Join(errHalves[:]...)
	after, err := j.lockedDataVersion(ctx)
	if err != nil {
		return nil, err
	}
	if after != before {
		tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, j.fileError(err)
		}
		defer tx.Rollback()
		out = &ReportRows{}
		if out.Counts, err = siteCounts(ctx, tx, fs); err != nil {
			return nil, j.fileError(err)
		}
		p, err := j.protector(ctx, tx)
		if err != nil {
			return nil, j.fileError(err)
		}
		if out.Tracking, err = j.trackingRows(p, driverSource(ctx, tx), fs, math.MinInt64, math.MaxInt64); err != nil {
			return nil, j.fileError(err)
		}
	} else if err := errors.Join(errCounts, errTracking); err != nil {
		return nil, j.fileError(err)
	}
	return out, nil
}

// needsValues: f looks at values (value:, or a free word, which Match
// compares with the value too), which summaries do not have.
func needsValues(f cookie.Filter) bool {
	for _, t := range f.Terms() {
		if t.Key == "value" || t.Key == "" {
			return true
		}
	}
	return false
}

// reportRowsRead is ReportRows from cookies read whole (or as summaries
// when neither f nor a protection needs values), counted in Go.
func (j *Jar) reportRowsRead(ctx context.Context, f cookie.Filter) (*ReportRows, error) {
	var cs []cookie.Cookie
	var err error
	if needsValues(f) {
		cs, _, err = j.Shared(ctx)
	} else {
		cs, err = j.Summaries(ctx)
	}
	if err != nil {
		return nil, err
	}
	now := j.Now()
	match := !f.IsEmpty()
	type key struct {
		source, site string
		purpose      cookie.Purpose
	}
	counts := map[key]int{}
	var order []key
	sites := siteCache{}
	out := &ReportRows{}
	for i := range cs {
		c := &cs[i]
		if match && !f.Match(c, now) {
			continue
		}
		site := sites.site(c.Domain)
		if c.Purpose == cookie.PurposeTracking {
			out.Tracking = append(out.Tracking, trackingRow(c, site, sites))
			continue
		}
		k := key{c.Source, site, c.Purpose}
		if _, ok := counts[k]; !ok {
			order = append(order, k)
		}
		counts[k]++
	}
	out.Counts = make([]SiteCount, len(order))
	for i, k := range order {
		out.Counts[i] = SiteCount{Source: k.source, Site: k.site, Purpose: k.purpose, Cookies: counts[k]}
	}
	return out, nil
}

// siteCounts counts the cookies fs selects that do not track.
func siteCounts(ctx context.Context, q querier, fs filterSQL) ([]SiteCount, error) {
	rows, err := q.QueryContext(ctx, `SELECT source, site, purpose, count(*) FROM live
		WHERE purpose != 'tracking'`+fs.clause("AND")+` GROUP BY source, site, purpose`, fs.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SiteCount
	in := interner{}.of
	var source, site, purpose sql.RawBytes
	var n int
	for rows.Next() {
		if err := rows.Scan(&source, &site, &purpose, &n); err != nil {
			return nil, err
		}
		out = append(out, SiteCount{Source: in(source), Site: string(site), Purpose: cookie.Purpose(in(purpose)), Cookies: n})
	}
	return out, rows.Err()
}

// trackingRow is the TrackingRow of c (ProtectedBy marked already), whose
// registrable domain is site.
func trackingRow(c *cookie.Cookie, site string, sites siteCache) TrackingRow {
	reach := site
	if c.Partition.TopLevelSite() != "" {
		reach = cookie.ReachSite(c, sites.site)
	}
	return TrackingRow{Source: c.Source, Domain: c.Domain, Name: c.Name, Site: site, Reach: reach,
		Created: c.Created.Time(), Expires: c.Expires.Time(), Session: c.Session, ProtectedBy: c.ProtectedBy}
}

// rawTrackingRows is trackingRows on a connection of its own through the
// C API (rawread.go), with the protections it reads there.
func (j *Jar) rawTrackingRows(ctx context.Context, fs filterSQL, lo, hi int64) ([]TrackingRow, error) {
	rc, err := j.rawConn(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	p, err := j.rawProtector(rc)
	if err != nil {
		return nil, err
	}
	return j.trackingRows(p, rawSource(rc), fs, lo, hi)
}

// trackingRows reads the tracking cookies fs selects with lo < id <= hi
// from each, protections p marking them. A row is read into
// one scratch cookie, which the protections are matched against (they may
// look at any field a summary has), and kept as a TrackingRow: a third of
// a cookie's size, which is most of what collecting them costs.
func (j *Jar) trackingRows(p *Protector, each rowSource, fs filterSQL, lo, hi int64) ([]TrackingRow, error) {
	now := j.Now()
	in := interner{}.of
	sites := siteCache{}
	// Rows go into chunks joined at the end: growing one slice would copy
	// every row several times.
	const chunk = 4096
	var chunks [][]TrackingRow
	cur := make([]TrackingRow, 0, chunk)
	err := each(`SELECT source, partition_key, domain, host_only, name, site, flags, expires, substr(more, 1, 11)
		FROM live WHERE purpose = 'tracking' AND id > ? AND id <= ?`+fs.clause("AND"), append([]any{lo, hi}, fs.args...), func(r rowColumns) error {
		source, partition, domain, hostOnly, name, site := r.Bytes(0), r.Bytes(1), r.Bytes(2), r.Int64(3), r.Bytes(4), r.Bytes(5)
		flags, expires, more := r.Int64(6), r.Int64(7), r.Bytes(8)
		c := cookie.Cookie{Source: in(source), Domain: in(domain), HostOnly: hostOnly != 0, Name: string(name),
			Secure: flags&flagSecure != 0, HTTPOnly: flags&flagHTTPOnly != 0, SameSite: cookie.SameSite(flags >> sameSiteShift & 3),
			Session: flags&flagSession != 0, ValueUnreadable: flags&flagUnreadable != 0,
			Expires: cookie.UnixMicroTime(expires), Purpose: cookie.PurposeTracking}
		if len(partition) > 0 {
			c.Partition = cookie.ParsePartitionKey(in(partition))
		}
		if len(more) > 1 && more[0] == moreVersion {
			if v, k := varintString(string(more[1:])); k > 0 {
				c.Created = cookie.UnixMicroTime(v + zeroMicro)
			}
		}
		if pr, ok := p.Match(&c, now); ok {
			c.ProtectedBy = pr.Text
		}
		if len(cur) == chunk {
			chunks = append(chunks, cur)
			cur = make([]TrackingRow, 0, chunk)
		}
		cur = append(cur, trackingRow(&c, in(site), sites))
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]TrackingRow, 0, len(chunks)*chunk+len(cur))
	for _, c := range chunks {
		out = append(out, c...)
	}
	return append(out, cur...), nil
}
