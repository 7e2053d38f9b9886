package cli

// The line an import ends with: the trackers it saw that the previous
// import of each source did not have.

import (
	"context"
	"fmt"
	"slices"

	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
)

// newTrackersLine ends an import with the trackers it saw that the
// previous import of each source did not have ("3 new trackers: TikTok
// Pixel on 4 sites, …"). The import is in: a failure to read the records
// is a warning, not the import's failure.
func (a *app) newTrackersLine(ctx context.Context, j *jar.Jar, sources []string) {
	a.registerVendors()
	recs, err := j.ImportRecords(ctx)
	if err != nil {
		fmt.Fprintln(a.env.Stderr, "warning: "+oneLine(err.Error()))
		return
	}
	fmt.Fprintln(a.env.Stderr, newTrackersOf(recs, sources))
}

// newTrackersOf is newTrackersLine's line from the import records recs, of
// which those of sources count. The vendors must be registered
// (registerVendors).
func newTrackersOf(recs []jar.ImportRecord, sources []string) string {
	imported := map[string]bool{}
	for _, src := range sources {
		imported[src] = true
	}
	var mine []jar.ImportRecord
	for _, r := range recs {
		// A record whose tracking cookies are the previous import's names
		// no new tracker: naming the vendors of both is left out (the
		// re-import of an unchanged store, docs/budgets.md §1).
		if imported[r.Source] && (r.First() || !slices.Equal(r.Tracking, r.PrevTracking)) {
			mine = append(mine, r)
		}
	}
	return report.NewTrackersLine(report.NewTrackers(report.Changes(mine, report.ByVendor)), termsafe.String)
}

// newTrackersAhead has the import hand its records over before it
// commits (jar.ImportOptions.Recorded) and works out the new-trackers line
// from them while the commit writes the jar out; line waits for it and
// prints it. If the import never got that far, line is newTrackersLine
// reading the jar; a dry run has no line.
func (a *app) newTrackersAhead(opts *jar.ImportOptions, sources []string) (line func(ctx context.Context, j *jar.Jar)) {
	if opts.DryRun {
		return func(context.Context, *jar.Jar) {}
	}
	a.registerVendors()
	var ahead chan string
	opts.Recorded = func(recs []jar.ImportRecord) {
		ahead = make(chan string, 1)
		go func() { ahead <- newTrackersOf(recs, sources) }()
	}
	return func(ctx context.Context, j *jar.Jar) {
		if ahead == nil {
			a.newTrackersLine(ctx, j, sources)
			return
		}
		fmt.Fprintln(a.env.Stderr, <-ahead)
	}
}
