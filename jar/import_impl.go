package jar

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

type existing struct {
	id   int64
	hash int64
	seen bool
}

type verdict struct {
	purpose cookie.Purpose
	reason  string
}

// loadVerdicts reads the user's verdicts for these sources: source →
// identityKey → verdict.
func loadVerdicts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, sources []string) (map[string]map[string]verdict, error) {
	out := map[string]map[string]verdict{}
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
			if out[src] == nil {
				out[src] = map[string]verdict{}
			}
			out[src][string(buf)] = verdict{cookie.Purpose(purpose), reason}
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
	per := make([]ImportStats, len(sources)) // by index in sources
	srcIndex := make(map[string]int, len(sources))
	for i, src := range sources {
		srcIndex[src] = i
	}
	errDryRun := fmt.Errorf("dry run")
	_, err := j.change(ctx, KindImport, func(tx *sql.Tx, rec *recorder) (string, int, error) {
		now := j.Now()
		verdicts, err := loadVerdicts(ctx, tx, sources)
		if err != nil {
			return "", 0, j.fileError(err)
		}
		// What the jar holds now, per source: identity → id and content hash.
		// existing entries come from a slab: one allocation per 4096.
		var slab []existing
		newExisting := func(e existing) *existing {
			if len(slab) == cap(slab) {
				slab = make([]existing, 0, 4096)
			}
			slab = append(slab, e)
			return &slab[len(slab)-1]
		}
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
				m[string(buf)] = newExisting(existing{id: id, hash: hash})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return "", 0, err
			}
		}

		var ins, insMany, upd, save *sql.Stmt
		if !opt.DryRun {
			if ins, err = tx.PrepareContext(ctx, `INSERT INTO cookies (`+colList+`) VALUES (`+placeholders(len(cookieColumns))+`)`); err != nil {
				return "", 0, err
			}
			defer ins.Close()
			rows := make([]string, insertChunk)
			for i := range rows {
				rows[i] = "(" + placeholders(len(cookieColumns)) + ")"
			}
			if insMany, err = tx.PrepareContext(ctx, `INSERT INTO cookies (`+colList+`) VALUES `+strings.Join(rows, ", ")); err != nil {
				return "", 0, err
			}
			defer insMany.Close()
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

		// New cookies are inserted insertChunk rows per statement. Their ids
		// are consecutive (max+1 each, under our write lock), so the last
		// insert id gives them all.
		var pending []any
		var arena []byte // the pending rows' "more" records, which pending refers to
		var pendingEx []*existing
		flush := func() error {
			k := len(pendingEx)
			if k == 0 {
				return nil
			}
			stmt := ins
			if k == insertChunk {
				stmt = insMany
			} else if k > 1 {
				for i, ex := range pendingEx {
					res, err := ins.ExecContext(ctx, pending[i*len(cookieColumns):(i+1)*len(cookieColumns)]...)
					if err != nil {
						return fmt.Errorf("jar %s: import: %w", j.path, err)
					}
					if ex.id, err = res.LastInsertId(); err != nil {
						return err
					}
				}
				pending, pendingEx, arena = pending[:0], pendingEx[:0], arena[:0]
				return nil
			}
			res, err := stmt.ExecContext(ctx, pending...)
			if err != nil {
				return fmt.Errorf("jar %s: import: %w", j.path, err)
			}
			last, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for i, ex := range pendingEx {
				ex.id = last - int64(k-1-i)
			}
			pending, pendingEx, arena = pending[:0], pendingEx[:0], arena[:0]
			return nil
		}

		sites := siteCache{}
		var fakeID int64 = -1
		args := make([]any, 0, len(cookieColumns)+1)
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
		slices.SortFunc(order, func(x, y ref) int {
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
			if c := strings.Compare(a.Name, b.Name); c != 0 {
				return c
			}
			// Batch order last: of two equal identities the later wins.
			if x.b != y.b {
				return int(x.b - y.b)
			}
			return int(x.c - y.c)
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
				// The batch's source wins: Prune and the per-source state
				// are the batch's.
				c.Source = b.Source
				partition := c.Partition.Key()
				buf = identityKey(buf, partition, c.Container.Key, c.Domain, c.HostOnly, c.Path, c.Name)
				if v, ok := verdicts[c.Source][string(buf)]; ok {
					c.Purpose, c.Reason, c.VerdictBy = v.purpose, v.reason, cookie.EvidenceUser
				} else if j.classifier != nil {
					if c.VerdictBy == cookie.EvidenceUser {
						c.VerdictBy = ""
					}
					j.classifier.Classify(&c)
				} else if c.VerdictBy == cookie.EvidenceUser {
					// A user verdict that the jar does not hold is not one.
					c.VerdictBy = cookie.EvidenceNone
				}
				normalize(&c)
				site := sites.site(c.Domain)
				mark := len(arena)
				args = appendRowArgs(args[:0], &c, site, &arena)
				hash := args[len(args)-2].(int64)
				m := have[c.Source]
				ps := &per[srcIndex[c.Source]]
				ex := m[string(buf)]
				switch {
				case ex == nil:
					stats.Added++
					ps.Added++
					ex = newExisting(existing{id: fakeID, hash: hash, seen: true})
					fakeID--
					m[string(buf)] = ex
					if !opt.DryRun {
						pending = append(pending, args...)
						pendingEx = append(pendingEx, ex)
						if len(pendingEx) == insertChunk {
							if err := flush(); err != nil {
								return "", 0, err
							}
						}
					}
				case ex.hash == hash:
					if !ex.seen {
						stats.Unchanged++
						ps.Unchanged++
					}
					ex.seen = true
					arena = arena[:mark]
				default:
					stats.Updated++
					ps.Updated++
					ex.seen, ex.hash = true, hash
					if !opt.DryRun {
						if ex.id < 0 { // a duplicate of a cookie not inserted yet
							if err := flush(); err != nil {
								return "", 0, err
							}
						}
						if _, err := save.ExecContext(ctx, rec.change, ex.id, rec.maxCookie); err != nil {
							return "", 0, err
						}
						if _, err := upd.ExecContext(ctx, append(args, ex.id)...); err != nil {
							return "", 0, fmt.Errorf("jar %s: import %s: %w", j.path, b.Source, err)
						}
					}
					arena = arena[:min(mark, len(arena))] // flush may have emptied it
				}
			}
		}
		if err := flush(); err != nil {
			return "", 0, err
		}

		if opt.Prune {
			var gone []int64
			for si, src := range sources {
				for _, ex := range have[src] {
					if !ex.seen {
						gone = append(gone, ex.id)
						per[si].Pruned++
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
	if err == nil {
		stats.BySource = make(map[string]ImportStats, len(sources))
		for i, src := range sources {
			stats.BySource[src] = per[i]
		}
	}
	return stats, err
}

// insertChunk is how many new cookies one INSERT statement carries.
const insertChunk = 32

func nonZero(n int, what string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s", n, what)
}
