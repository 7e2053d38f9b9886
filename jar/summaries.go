package jar

import (
	"context"
	"database/sql"
	"math"
	"runtime"
	"sync"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Summaries returns every live cookie with only what whole-jar statistics
// need — the tracker report (internal/report): source, domain, host-only,
// path, name, partition, container key, flags, expiry, creation time, purpose and
// ProtectedBy. Value, reason, container name, browser extras and the original
// key are left empty. It reads about half of what Shared reads, which is
// most of what `crumbs report` costs; when the jar's in-process snapshot
// is current (the UI) it is that snapshot, not a copy. Callers must not
// modify the result.
func (j *Jar) Summaries(ctx context.Context) ([]cookie.Cookie, error) {
	if j.cacheFresh(ctx) {
		cs, _, err := j.Shared(ctx)
		return cs, err
	}
	// ProtectedBy is decided on the cookie: a protection that may look at
	// the value (value:, or a free word) needs the whole cookie.
	ps, err := j.Protections(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		for _, t := range p.Filter.Terms() {
			if t.Key == "value" || t.Key == "" {
				cs, _, err := j.Shared(ctx)
				return cs, err
			}
		}
	}
	var n int
	var maxID int64
	if err := j.db.QueryRowContext(ctx, `SELECT `+liveCount+`, coalesce(max(id), 0) FROM cookies`).Scan(&n, &maxID); err != nil {
		return nil, j.fileError(err)
	}
	// Like readAll, a big table is read in id ranges on several
	// connections at once, each into its own slice, joined in id order. If
	// anything was committed meanwhile the ranges may not fit together:
	// then it is read again in one transaction.
	parts := 1
	if n >= rangedReadRows {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	before, err := j.lockedDataVersion(ctx)
	if err != nil {
		return nil, err
	}
	chunks := make([][]cookie.Cookie, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := maxID*int64(p)/int64(parts), maxID*int64(p+1)/int64(parts)
		if p == parts-1 {
			hi = math.MaxInt64
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			chunks[p], errs[p] = summariesIn(ctx, j.db, lo, hi, n/parts+16)
		}()
	}
	wg.Wait()
	after, err := j.lockedDataVersion(ctx)
	if err != nil {
		return nil, err
	}
	var out []cookie.Cookie
	if after != before {
		tx, err := j.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, j.fileError(err)
		}
		defer tx.Rollback()
		if out, err = summariesIn(ctx, tx, 0, math.MaxInt64, n); err != nil {
			return nil, j.fileError(err)
		}
	} else {
		out = make([]cookie.Cookie, 0, n)
		for p := range parts {
			if errs[p] != nil {
				return nil, j.fileError(errs[p])
			}
			out = append(out, chunks[p]...)
		}
	}
	if err := j.markIn(ctx, j.db, out); err != nil {
		return nil, err
	}
	return out, nil
}

// lockedDataVersion is dataVersion under the lock that guards verConn.
func (j *Jar) lockedDataVersion(ctx context.Context) (int64, error) {
	j.cacheMu.Lock()
	defer j.cacheMu.Unlock()
	return j.dataVersion(ctx)
}

// summariesIn reads the summaries of the cookies with lo < id <= hi.
func summariesIn(ctx context.Context, q querier, lo, hi int64, sizeHint int) ([]cookie.Cookie, error) {
	// The "more" record starts with its version byte and the creation time
	// (a varint of at most 10 bytes, encodeMore): only those are read.
	rows, err := q.QueryContext(ctx, `SELECT source, partition_key, container_key, domain, host_only, path, name, flags, expires, purpose, substr(more, 1, 11)
		FROM live WHERE id > ? AND id <= ?`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]cookie.Cookie, 0, sizeHint)
	in := interner{}.of
	var source, partition, container, domain, path, name, purpose, more sql.RawBytes
	var hostOnly, flags, expires int64
	for rows.Next() {
		if err := rows.Scan(&source, &partition, &container, &domain, &hostOnly, &path, &name, &flags, &expires, &purpose, &more); err != nil {
			return nil, err
		}
		c := cookie.Cookie{Source: in(source), Domain: in(domain), HostOnly: hostOnly != 0, Path: in(path), Name: string(name),
			Secure: flags&flagSecure != 0, HTTPOnly: flags&flagHTTPOnly != 0, SameSite: cookie.SameSite(flags >> sameSiteShift & 3),
			Session: flags&flagSession != 0, ValueUnreadable: flags&flagUnreadable != 0,
			Expires: cookie.UnixMicroTime(expires), Purpose: cookie.Purpose(in(purpose)), Container: cookie.MakeContainer(cookie.ContainerFields{Key: in(container)})}
		if len(partition) > 0 {
			c.Partition = cookie.ParsePartitionKey(in(partition))
		}
		if len(more) > 1 && more[0] == moreVersion {
			if v, k := varintString(string(more[1:])); k > 0 {
				c.Created = cookie.UnixMicroTime(v + zeroMicro)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
