package app

import (
	"context"
	"fmt"

	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/jar"
)

// Batches turns the stores read into the jar's import batches. A JSON
// export's cookies keep the user's verdicts they carry (jar.Batch.Verdicts)
// and, as every file, have the file as their source — a downloaded file
// cannot pose as your browser — unless asExported: then they go back into
// the sources the export names (crumbs.source), identities and all.
func (r ReadReport) Batches(asExported bool) []jar.Batch {
	out := make([]jar.Batch, 0, len(r.Reads))
	for _, rd := range r.Reads {
		// A read that refused rows is not clean: --prune leaves its source
		// alone (issue 8 item 2).
		b := jar.Batch{Source: rd.ID, File: rd.Path, Cookies: rd.Result.Cookies,
			Incomplete: rd.Result.Refused > 0, Verdicts: rd.Format == source.FormatJSON}
		if !asExported || rd.Format != source.FormatJSON {
			out = append(out, b)
			continue
		}
		out = append(out, splitBySource(b)...)
	}
	return out
}

// splitBySource makes one batch per source the cookies name, in order.
func splitBySource(b jar.Batch) []jar.Batch {
	idx := map[string]int{}
	var out []jar.Batch
	for _, c := range b.Cookies {
		src := c.Source
		if src == "" {
			src = b.Source
		}
		i, ok := idx[src]
		if !ok {
			i = len(out)
			idx[src] = i
			out = append(out, jar.Batch{Source: src, File: b.File, Incomplete: b.Incomplete, Verdicts: true})
		}
		out[i].Cookies = append(out[i].Cookies, c)
	}
	return out
}

// ImportOptions says how to import.
type ImportOptions struct {
	jar.ImportOptions
	// AsExported restores a JSON export's own sources (Batches).
	AsExported bool
}

// Import writes every store read into the jar as one transaction and one
// undo step, however many sources and profiles it holds (import all, the
// UI's import of every profile). Failed reads are not in it: a partial
// success imports what was read and the caller names what failed.
// Nothing is written when nothing was read.
func Import(ctx context.Context, j *jar.Jar, rr ReadReport, opts ImportOptions) (jar.ImportStats, error) {
	if len(rr.Reads) == 0 {
		return jar.ImportStats{}, nil
	}
	return j.Import(ctx, rr.Batches(opts.AsExported), opts.ImportOptions)
}

// ImportCounts is "3 added, 1 updated, 40 unchanged, 0 pruned".
// Cookies whose deletion or edit waits for `crumbs apply` are left as the
// jar has them and counted as pending (docs/writeback.md).
func ImportCounts(st jar.ImportStats) string {
	s := fmt.Sprintf("%s added, %s updated, %s unchanged, %s pruned",
		Thousands(st.Added), Thousands(st.Updated), Thousands(st.Unchanged), Thousands(st.Pruned))
	if st.Pending > 0 {
		s += fmt.Sprintf(", %s pending write-back (crumbs apply)", Thousands(st.Pending))
	}
	return s
}

// ImportSummary is the closing line of an import.
func ImportSummary(st jar.ImportStats, dryRun bool) string {
	counts := ImportCounts(st)
	switch {
	case dryRun:
		return "dry run: would import " + counts + " (nothing written)"
	case st.Added+st.Updated+st.Pruned == 0:
		return "imported: " + counts + " — the jar was already up to date"
	}
	return "imported: " + counts + " — crumbs undo reverts it"
}
