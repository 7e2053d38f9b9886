package jar

import (
	"context"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Batch is the cookies read from one source. Every cookie carries Source;
// if one does not (or names another), the batch's Source is used.
type Batch struct {
	Source  string
	File    string // the file they were read from, remembered per source
	Cookies []cookie.Cookie
}

// ImportOptions change how Import treats the jar.
type ImportOptions struct {
	// Prune moves cookies of a batch's Source that are absent from the
	// batch to the trash.
	Prune bool
	// DryRun computes the statistics and changes nothing.
	DryRun bool
}

// ImportStats counts what an import did (or would do, on a dry run).
type ImportStats struct {
	Added, Updated, Unchanged, Pruned int
	// BySource splits the counts by batch source (every source of the
	// import has an entry, even with all zeros). Its entries have no
	// BySource of their own.
	BySource map[string]ImportStats
}

// Import upserts the batches by identity in one transaction: new cookies
// are added, changed ones updated, identical ones left alone. It is one undo
// step if it changed anything (an import that changes nothing records no
// step). Cookies are classified with the jar's classifier unless the user
// gave a verdict for their identity.
func (j *Jar) Import(ctx context.Context, batches []Batch, opt ImportOptions) (ImportStats, error) {
	return j.importBatches(ctx, batches, opt)
}
