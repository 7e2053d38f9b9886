package jar

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// cookieColumnsV1 are the cookie columns of schema 1: one column per field.
const cookieColumnsV1 = `source, partition_key, container_key, domain, host_only, path, name,
	site, value, secure, http_only, same_site, session, expires, created, last_accessed, last_updated,
	container_name, extras, encryption, value_unreadable, unreadable_reason, original_key,
	purpose, reason, verdict_by, chash`

// cookieColumnDefsV1 creates the cookie columns of schema 1 (for tests that
// build an old jar).
const cookieColumnDefsV1 = `source TEXT NOT NULL, partition_key TEXT NOT NULL, container_key TEXT NOT NULL,
	domain TEXT NOT NULL, host_only INTEGER NOT NULL, path TEXT NOT NULL, name TEXT NOT NULL,
	site TEXT NOT NULL, value TEXT NOT NULL, secure INTEGER NOT NULL, http_only INTEGER NOT NULL,
	same_site INTEGER NOT NULL, session INTEGER NOT NULL, expires INTEGER NOT NULL,
	created INTEGER NOT NULL, last_accessed INTEGER NOT NULL, last_updated INTEGER NOT NULL,
	container_name TEXT NOT NULL, extras TEXT NOT NULL, encryption TEXT NOT NULL,
	value_unreadable INTEGER NOT NULL, unreadable_reason TEXT NOT NULL, original_key TEXT NOT NULL,
	purpose TEXT NOT NULL, reason TEXT NOT NULL, verdict_by TEXT NOT NULL, chash INTEGER NOT NULL`

// migrateV1toV2 rewrites every cookie table from one column per field to
// schema 2 (flags and the "more" record), keeping every row, its id and
// its lead columns. Runs inside the migration's transaction.
func migrateV1toV2(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `DROP INDEX cookies_identity`); err != nil {
		return err
	}
	for t, ct := range cookieTables {
		old := ct.name + "_v1"
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+ct.name+` RENAME TO `+old); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, cookieTableDDL(t, colDefs())); err != nil {
			return err
		}
		if err := copyRowsV1(ctx, tx, old, ct.name, ct.lead); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DROP TABLE `+old); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, identityIndexDDL)
	return err
}

// copyRowsV1 copies every row of the schema-1 table from into the schema-2
// table to, lead columns unchanged.
func copyRowsV1(ctx context.Context, tx *sql.Tx, from, to, lead string) error {
	nLead := len(strings.Split(lead, ","))
	rows, err := tx.QueryContext(ctx, `SELECT `+lead+`, `+cookieColumnsV1+` FROM `+from)
	if err != nil {
		return err
	}
	defer rows.Close()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO `+to+` (`+lead+`, `+colList+`) VALUES (`+placeholders(nLead+len(cookieColumns))+`)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	leadVals := make([]int64, nLead)
	var (
		c                                                  cookie.Cookie
		partition, site, extras, enc, verdict, purpose     string
		containerKey, containerName                        string
		hostOnly, secure, httpOnly, sameSite, session, unr int64
		expires, created, accessed, updated, chash         int64
		leadArgs                                           []any
	)
	dest := make([]any, 0, nLead+27)
	for i := range leadVals {
		dest = append(dest, &leadVals[i])
	}
	dest = append(dest, &c.Source, &partition, &containerKey, &c.Domain, &hostOnly, &c.Path, &c.Name,
		&site, &c.Value, &secure, &httpOnly, &sameSite, &session, &expires, &created, &accessed, &updated,
		&containerName, &extras, &enc, &unr, &c.UnreadableReason, &c.OriginalKey,
		&purpose, &c.Reason, &verdict, &chash)
	for rows.Next() {
		c = cookie.Cookie{}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		c.Partition = cookie.ParsePartitionKey(partition)
		c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: containerKey, Name: containerName})
		c.HostOnly, c.Secure, c.HTTPOnly, c.Session, c.ValueUnreadable = hostOnly != 0, secure != 0, httpOnly != 0, session != 0, unr != 0
		c.SameSite = cookie.SameSite(sameSite)
		c.Expires, c.Created, c.LastAccessed, c.LastUpdated = cookie.UnixMicroTime(expires), cookie.UnixMicroTime(created), cookie.UnixMicroTime(accessed), cookie.UnixMicroTime(updated)
		if extras != "" {
			// Written by schema 1's encoder; an unreadable one reads as
			// empty, as schema 1 itself read it.
			_ = json.Unmarshal([]byte(extras), &c.Extras)
		}
		c.Encryption, c.Purpose, c.VerdictBy = cookie.Encryption(enc), cookie.Purpose(purpose), cookie.Evidence(verdict)
		leadArgs = leadArgs[:0]
		for _, v := range leadVals {
			leadArgs = append(leadArgs, v)
		}
		var arena []byte
		if _, err := ins.ExecContext(ctx, appendRowArgs(leadArgs, &c, site, &arena)...); err != nil {
			return err
		}
	}
	return rows.Err()
}
