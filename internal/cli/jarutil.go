package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/crumbs-dev/crumbs/internal/jarpath"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

// jarFile resolves the jar's path: --jar, then $CRUMBS_JAR, then the default.
func (a *app) jarFile() (string, error) {
	if a.jarPath != "" {
		return a.jarPath, nil
	}
	if p := a.env.Getenv("CRUMBS_JAR"); p != "" {
		return p, nil
	}
	p, err := jarpath.Default()
	if err != nil {
		return "", fmt.Errorf("cannot find a place for the jar (use --jar PATH): %w", err)
	}
	return p, nil
}

// openJar opens (creating if needed) the jar with the classifier and clock
// of this run, and extra. The caller closes it.
func (a *app) openJar(extra ...jar.Option) (*jar.Jar, error) {
	path, err := a.jarFile()
	if err != nil {
		return nil, err
	}
	opts, err := a.jarOptions(true)
	if err != nil {
		return nil, err
	}
	j, err := jar.Open(path, append(opts, extra...)...)
	if errors.Is(err, jar.ErrNotWritable) {
		return nil, fmt.Errorf("%w (this user can only read it: list, export, report and crumbs --readonly do)", err)
	}
	if err != nil {
		return nil, err
	}
	a.printNotices(j)
	return j, nil
}

// jarOptions are the clock of this run and, with classify, its classifier
// and the rules file's protections.
func (a *app) jarOptions(classify bool) ([]jar.Option, error) {
	opts := []jar.Option{jar.WithClock(a.env.Now)}
	if !classify {
		return opts, nil
	}
	c, err := a.classifier()
	if err != nil {
		return nil, err
	}
	opts = append(opts, jar.WithClassifier(c))
	if pc, ok := c.(*purpose.Classifier); ok {
		// The rules file's [[protect]] entries (docs/jar.md §Protections).
		for _, fp := range pc.Protections() {
			p, err := jar.FileProtection(fp.Filter, fp.File, fp.Line)
			if err != nil { // checked by the rules parser already
				return nil, fmt.Errorf("%s:%d: %w", fp.File, fp.Line, err)
			}
			opts = append(opts, jar.WithFileProtections(p))
		}
	}
	return opts, nil
}

func (a *app) printNotices(j *jar.Jar) {
	for _, n := range j.Notices() {
		fmt.Fprintln(a.env.Stderr, "crumbs: "+oneLine(n))
	}
}

// withJar opens the jar, runs fn and closes the jar, reporting a close
// error only when fn succeeded.
func (a *app) withJar(fn func(j *jar.Jar) error) error {
	return a.withJarOpened(nil, fn)
}

// withJarOpened is withJar opening the jar with extra options.
func (a *app) withJarOpened(extra []jar.Option, fn func(j *jar.Jar) error) (err error) {
	j, err := a.openJar(extra...)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := j.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(j)
}

// parseFilter parses FILTER arguments; a syntax error is a usage error.
func parseFilter(terms []string) (cookie.Filter, error) {
	f, err := cookie.ParseFilter(terms...)
	if err != nil {
		return cookie.Filter{}, &usageError{err}
	}
	return f, nil
}

// parsePurpose accepts a purpose name or an unambiguous prefix.
func parsePurpose(s string) (cookie.Purpose, error) {
	p, ok := cookie.ParsePurpose(s)
	if !ok {
		return "", usageErrorf("unknown purpose %q (want one of %s)", s, purposeList())
	}
	return p, nil
}

func purposeList() string {
	names := make([]string, len(cookie.Purposes))
	for i, p := range cookie.Purposes {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// matching returns every live cookie the filter selects.
func matching(ctx context.Context, j *jar.Jar, f cookie.Filter) ([]cookie.Cookie, error) {
	cs, _, err := j.Query(ctx, jar.Query{Filter: f})
	return cs, err
}

// siteCount counts the distinct registrable domains among cs.
func siteCount(cs []cookie.Cookie) int {
	sites := make(map[string]struct{}, len(cs)/4+1)
	for i := range cs {
		sites[cookie.Site(cs[i].Domain)] = struct{}{}
	}
	return len(sites)
}

func ids(cs []cookie.Cookie) []int64 {
	out := make([]int64, len(cs))
	for i := range cs {
		out[i] = cs[i].ID
	}
	return out
}
