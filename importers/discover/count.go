package discover

import (
	"context"
	"fmt"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
)

// CountCookies counts the cookies in a profile's store quickly (one SELECT
// COUNT(*) on a private snapshot), for `crumbs browsers`. A profile without a
// store has 0. Safari stores are counted by their reader.
func CountCookies(ctx context.Context, p Profile) (int, error) {
	if p.Store == "" {
		return 0, nil
	}
	var table string
	switch p.Family {
	case Gecko:
		table = "moz_cookies"
	case Chromium:
		table = "cookies"
	case Safari:
		return countSafari(ctx, p.Store)
	default:
		return 0, fmt.Errorf("%s: unknown browser family %q", p.Store, p.Family)
	}
	snap, err := snapshot.Copy(ctx, p.Store)
	if err != nil {
		return 0, err
	}
	defer snap.Close()
	db, err := snap.Open()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	ctx, cancel := snapshot.WithDeadline(ctx)
	defer cancel()
	found, err := snapshot.RequireTable(ctx, db, p.Store, table)
	if err != nil {
		return 0, err
	}
	if !found {
		return 0, importers.Errorf(p.Store, "not a %s cookie store: no %s table", p.Family, table)
	}
	if p.Family == Chromium {
		if _, err := snapshot.RequireTable(ctx, db, p.Store, "meta"); err != nil {
			return 0, err
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		return 0, snapshot.DeadlineErr(ctx, p.Store, importers.Errorf(p.Store, "not a %s cookie store: %v", p.Family, err))
	}
	return n, nil
}
