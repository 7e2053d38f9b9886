package jar

import (
	"context"
	"database/sql"
	"errors"
)

// The meta keys that say what the rows were computed with (the table:
// schema.go).
const (
	classifierVersionKey = "classifier_version" // the purposes (reclassifyIfNeeded)
	siteListKey          = "site_list"          // the sites (resiteIfNeeded)
)

// setMeta sets a meta key.
func setMeta(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// metaValue reads a meta key; "" if it is not set.
func (j *Jar) metaValue(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}
