package jar

import (
	"context"
	"database/sql"
	"fmt"
	"runtime/debug"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// A cookie row's site column is cookie.Site of its domain: the registrable
// domain by the public suffix list compiled into this build (Go's
// golang.org/x/net/publicsuffix). The list changes (a hosting provider
// adds its domain as a suffix), and a crumbs built with a newer one would
// compute another site for the same domain than the one stored. Every
// lookup of a live cookie by identity goes through the identity index,
// which leads with site (cookieIdentityWhere): with a stale site it finds
// nothing. Then a restore puts a second live cookie beside the first, an
// edit misses the cookie it would collide with, and a pending deletion
// whose cookie was restored still looks pending, so `crumbs apply` would
// delete it from the browser. So the jar records the list its sites were
// computed with, and a writable Open recomputes them when the build's
// list differs (resiteIfNeeded).

// siteList names this build's public suffix list: the module version (and
// checksum) of golang.org/x/net it was built with; "" when the build does
// not say (a test binary), and then the sites are left as they are.
var siteList = func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path != "golang.org/x/net" {
			continue
		}
		if d.Replace != nil {
			d = d.Replace
		}
		return d.Path + " " + d.Version + " " + d.Sum
	}
	return ""
}()

// siteTables are the tables with a site column, with the columns read
// before the cookie's (id and the rest of readColumns follow) and the
// condition that names one row by them.
var siteTables = []struct{ name, lead, key string }{
	{"cookies", "", "id = ?"},
	{"trash", "", "id = ?"},
	{"undo_cookies", "change_id, ", "change_id = ? AND id = ?"},
	{"undo_trash", "change_id, ", "change_id = ? AND id = ?"},
}

// resiteIfNeeded recomputes the site (and with it the content hash, of
// which the site is part) of every row in the cookie tables whose domain
// now has another site, when the jar's sites were computed with another
// list than this build's. It is maintenance, not a change: no undo step.
// It reads each table's distinct (site, domain) pairs, and only the rows
// of the pairs that changed: a jar of a million cookies costs a pass over
// its identity index, once per new list.
func (j *Jar) resiteIfNeeded(ctx context.Context) error {
	want := siteList
	if want == "" {
		return nil
	}
	have, err := j.metaValue(ctx, j.db, siteListKey)
	if err != nil {
		return j.fileError(err)
	}
	if have == want {
		return nil
	}
	return j.write(ctx, func(tx *sql.Tx) error {
		// Check again under the write lock: another process may have done it.
		if have, err = j.metaValue(ctx, tx, siteListKey); err != nil || have == want {
			return err
		}
		for _, t := range siteTables {
			if err := resiteTable(ctx, tx, t.name, t.lead, t.key); err != nil {
				return fmt.Errorf("jar %s: recomputing the sites of %s for a new public suffix list: %w", j.path, t.name, err)
			}
		}
		return setMeta(ctx, tx, siteListKey, want)
	})
}

// resiteTable recomputes the sites of one table (see resiteIfNeeded). A row
// whose new site would give it the identity of another live row keeps its
// old one (UPDATE OR IGNORE): the jar stays readable, and that pair was
// already a duplicate under the old sites.
func resiteTable(ctx context.Context, tx *sql.Tx, table, lead, key string) error {
	type pair struct{ site, domain string }
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT site, domain FROM `+table)
	if err != nil {
		return err
	}
	var stale []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.site, &p.domain); err != nil {
			rows.Close()
			return err
		}
		if cookie.Site(p.domain) != p.site {
			stale = append(stale, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(stale) == 0 {
		return err
	}
	update, err := tx.PrepareContext(ctx, `UPDATE OR IGNORE `+table+` SET site = ?, chash = ? WHERE `+key)
	if err != nil {
		return err
	}
	defer update.Close()
	var changeID int64
	var scanLead []any
	if lead != "" {
		scanLead = []any{&changeID}
	}
	for _, p := range stale {
		rows, err := tx.QueryContext(ctx, `SELECT `+lead+`id, `+readColumns+` FROM `+table+` WHERE site = ? AND domain = ?`, p.site, p.domain)
		if err != nil {
			return err
		}
		type fix struct {
			changeID, id int64
			hash         int64
		}
		var fixes []fix
		site := cookie.Site(p.domain)
		s := newRowScanner(scanLead...)
		var c cookie.Cookie
		for rows.Next() {
			if err := s.scan(rows, &c); err != nil {
				rows.Close()
				return err
			}
			fixes = append(fixes, fix{changeID, c.ID, cookieHash(&c, site)})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, f := range fixes {
			args := []any{site, f.hash, f.id}
			if lead != "" {
				args = []any{site, f.hash, f.changeID, f.id}
			}
			if _, err := update.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
	}
	return nil
}
