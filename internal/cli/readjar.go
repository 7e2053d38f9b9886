package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// withReadJar opens the jar for a command that only reads it (list,
// export, trash list, the UI with --readonly). A path with no jar is an
// error (exit 1) instead of a new empty jar. With --rules the jar is opened
// without a classifier, so that nothing is reclassified and written:
// displayCookies classifies in memory instead.
func (a *app) withReadJar(fn func(j *jar.Jar) error) (err error) {
	if err := a.jarExists(); err != nil {
		return err
	}
	return a.withJarForReading(fn)
}

// withJarForReading opens the jar as a command that changes it would
// (migrating and re-classifying it) when this user can write it, and
// read-only when they cannot (issue 8 item 12: a jar in a read-only
// folder, file or file system still lists, exports and browses; see
// jar.OpenReadOnly). A read-only jar whose purposes are not this build's
// is classified in memory by readCookies.
func (a *app) withJarForReading(fn func(j *jar.Jar) error) (err error) {
	path, err := a.jarFile()
	if err != nil {
		return err
	}
	opts, err := a.jarOptions(a.rules == "")
	if err != nil {
		return err
	}
	if a.rules != "" {
		if _, err := a.classifier(); err != nil { // a bad rules file fails before the jar opens
			return err
		}
	}
	j, err := jar.Open(path, opts...)
	if errors.Is(err, jar.ErrNotWritable) {
		j, err = jar.OpenReadOnly(path, opts...)
	}
	if err != nil {
		return err
	}
	a.printNotices(j)
	defer func() {
		if cerr := j.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(j)
}

// classifyInMemory: the purposes shown are computed here, not read from
// the jar (--rules, or a read-only jar classified by other knowledge).
func (a *app) classifyInMemory(j *jar.Jar) bool {
	return a.rules != "" || j.StalePurposes()
}

// readCookies is j.Query for a read command: with --rules, the purposes
// are those of the rules, computed in memory (your own verdicts stay),
// and the filter, order and limit apply to them.
func (a *app) readCookies(ctx context.Context, j *jar.Jar, q jar.Query) ([]cookie.Cookie, error) {
	if !a.classifyInMemory(j) {
		cs, _, err := j.Query(ctx, q)
		return cs, err
	}
	f, limit := q.Filter, q.Limit
	q.Filter, q.Limit = cookie.Filter{}, 0
	cs, _, err := j.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	c, err := a.classifier()
	if err != nil {
		return nil, err
	}
	now := j.Now()
	out := cs[:0]
	for i := range cs {
		if cs[i].VerdictBy != cookie.EvidenceUser {
			cs[i].VerdictBy = ""
			c.Classify(&cs[i])
		}
		if f.Match(&cs[i], now) {
			out = append(out, cs[i])
		}
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// jarExists says when there is no jar to read.
func (a *app) jarExists() error {
	path, err := a.jarFile()
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no jar at %s: nothing imported yet (crumbs import firefox, crumbs import FILE, or --jar PATH)", oneLine(path))
	}
	return nil
}
