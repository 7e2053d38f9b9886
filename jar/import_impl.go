package jar

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
)

type existing struct {
	id   int64
	hash int64
	seen bool
}

type verdict struct {
	purpose Purpose
	reason  string
}

// loadVerdicts reads the user's verdicts for these sources, keyed by
// source + identityKey.
func loadVerdicts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, sources []string) (map[string]verdict, error) {
	out := map[string]verdict{}
	var buf []byte
	for _, src := range sources {
		rows, err := q.QueryContext(ctx, `SELECT partition_key, container_key, domain, host_only, path, name, purpose, reason
			FROM verdicts WHERE source = ?`, src)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p, c, d, path, name, purpose, reason string
			var ho int64
			if err := rows.Scan(&p, &c, &d, &ho, &path, &name, &purpose, &reason); err != nil {
				rows.Close()
				return nil, err
			}
			buf = identityKey(buf, p, c, d, ho != 0, path, name)
			out[src+"\x00"+string(buf)] = verdict{Purpose(purpose), reason}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (j *Jar) importBatches(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	var stats ImportStats
	// Sources in first-seen order; Prune works per source.
	var sources []string
	files := map[string]string{}
	for _, b := range batches {
		if b.Source == "" {
			return stats, fmt.Errorf("jar %s: import: a batch without a source", j.path)
		}
		if _, ok := files[b.Source]; !ok {
			sources = append(sources, b.Source)
		}
		files[b.Source] = b.File
	}
	errDryRun := fmt.Errorf("dry run")
	_, err := j.change(ctx, KindImport, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		now := j.Now()
		verdicts, err := loadVerdicts(ctx, tx, sources)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		// What the jar holds now, per source: identity → id and content hash.
		have := map[string]map[string]*existing{}
		var buf []byte
		for _, src := range sources {
			m := map[string]*existing{}
			have[src] = m
			rows, err := tx.QueryContext(ctx, `SELECT id, chash, partition_key, container_key, domain, host_only, path, name
				FROM cookies WHERE source = ?`, src)
			if err != nil {
				return "", 0, j.fileError(err)
			}
			var p, c, d, path, name sql.RawBytes
			var id, hash, ho int64
			for rows.Next() {
				if err := rows.Scan(&id, &hash, &p, &c, &d, &ho, &path, &name); err != nil {
					rows.Close()
					return "", 0, err
				}
				buf = identityKey(buf, string(p), string(c), string(d), ho != 0, string(path), string(name))
				m[string(buf)] = &existing{id: id, hash: hash}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return "", 0, err
			}
		}

		var ins, upd, save *sql.Stmt
		if !opt.DryRun {
			if ins, err = tx.PrepareContext(ctx, `INSERT INTO cookies (`+colList+`) VALUES (`+placeholders(len(cookieColumns))+`)`); err != nil {
				return "", 0, err
			}
			defer ins.Close()
			sets := make([]string, len(cookieColumns))
			for i, c := range cookieColumns {
				sets[i] = c.name + " = ?"
			}
			if upd, err = tx.PrepareContext(ctx, `UPDATE cookies SET `+strings.Join(sets, ", ")+` WHERE id = ?`); err != nil {
				return "", 0, err
			}
			defer upd.Close()
			if save, err = tx.PrepareContext(ctx, `INSERT OR IGNORE INTO undo_cookies (change_id, id, `+colList+`)
				SELECT ?, id, `+colList+` FROM cookies WHERE id = ? AND id <= ?`); err != nil {
				return "", 0, err
			}
			defer save.Close()
		}

		sites := siteCache{}
		var fakeID int64 = -1
		// Insert in index order: appending to the identity index costs far
		// less than inserting at random places.
		type ref struct {
			site string
			b, c int32
		}
		var order []ref
		for bi := range batches {
			for ci := range batches[bi].Cookies {
				order = append(order, ref{sites.site(batches[bi].Cookies[ci].Domain), int32(bi), int32(ci)})
			}
		}
		slices.SortStableFunc(order, func(x, y ref) int {
			if c := strings.Compare(x.site, y.site); c != 0 {
				return c
			}
			a, b := &batches[x.b].Cookies[x.c], &batches[y.b].Cookies[y.c]
			if c := strings.Compare(a.Domain, b.Domain); c != 0 {
				return c
			}
			if c := strings.Compare(a.Path, b.Path); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		for oi, o := range order {
			ci := int(o.c)
			b := &batches[o.b]
			{
				if oi%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return "", 0, err
					}
				}
				c := b.Cookies[ci] // a copy: the caller's batch is not changed
				if c.Source == "" {
					c.Source = b.Source
				}
				partition := c.Partition.Key()
				buf = identityKey(buf, partition, c.Container.Key, c.Domain, c.HostOnly, c.Path, c.Name)
				if v, ok := verdicts[c.Source+"\x00"+string(buf)]; ok {
					c.Purpose, c.Reason, c.VerdictBy = v.purpose, v.reason, EvidenceUser
				} else if j.classifier != nil {
					if c.VerdictBy == EvidenceUser {
						c.VerdictBy = ""
					}
					j.classifier.Classify(&c)
				} else if c.VerdictBy == EvidenceUser {
					// A user verdict that the jar does not hold is not one.
					c.VerdictBy = EvidenceNone
				}
				normalize(&c)
				site := sites.site(c.Domain)
				args := rowArgs(&c, site)
				hash := args[len(args)-1].(int64)
				m := have[c.Source]
				if m == nil { // a cookie whose Source differs from its batch's
					m = map[string]*existing{}
					have[c.Source] = m
				}
				ex := m[string(buf)]
				switch {
				case ex == nil:
					stats.Added++
					id := fakeID
					if opt.DryRun {
						fakeID--
					} else {
						res, err := ins.ExecContext(ctx, args...)
						if err != nil {
							return "", 0, fmt.Errorf("jar %s: import %s: %w", j.path, b.Source, err)
						}
						if id, err = res.LastInsertId(); err != nil {
							return "", 0, err
						}
					}
					m[string(buf)] = &existing{id: id, hash: hash, seen: true}
				case ex.hash == hash:
					if !ex.seen {
						stats.Unchanged++
					}
					ex.seen = true
				default:
					stats.Updated++
					ex.seen, ex.hash = true, hash
					if !opt.DryRun {
						if _, err := save.ExecContext(ctx, rec.change, ex.id, rec.maxCookie); err != nil {
							return "", 0, err
						}
						if _, err := upd.ExecContext(ctx, append(args, ex.id)...); err != nil {
							return "", 0, fmt.Errorf("jar %s: import %s: %w", j.path, b.Source, err)
						}
					}
				}
			}
		}
		_ = now

		if opt.Prune {
			var gone []int64
			for _, src := range sources {
				for _, ex := range have[src] {
					if !ex.seen {
						gone = append(gone, ex.id)
					}
				}
			}
			sort.Slice(gone, func(a, b int) bool { return gone[a] < gone[b] })
			stats.Pruned = len(gone)
			if !opt.DryRun {
				if _, err := j.moveToTrash(ctx, tx, rec, gone); err != nil {
					return "", 0, err
				}
			}
		}
		if opt.DryRun {
			return "", 0, errDryRun
		}
		for _, src := range sources {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sources (source, file, last_import) VALUES (?, ?, ?)
				ON CONFLICT (source) DO UPDATE SET file = excluded.file, last_import = excluded.last_import`,
				src, files[src], toMicro(now)); err != nil {
				return "", 0, err
			}
		}
		summary := "import " + strings.Join(sources, ", ") + ": " + joinNonEmpty(
			nonZero(stats.Added, "added"), nonZero(stats.Updated, "updated"), nonZero(stats.Pruned, "pruned"))
		return summary, stats.Added + stats.Updated + stats.Pruned, nil
	})
	if err == errDryRun {
		err = nil
	}
	return stats, err
}

func nonZero(n int, what string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", n, what)
}
