package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/discover"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/internal/cleanup"
)

// ReadOptions says how to read sources.
type ReadOptions struct {
	// Env is where discovery looks (HOME, XDG, OS).
	Env discover.Env
	// Password is the Chromium Safe Storage password given by hand; empty
	// asks the OS keyring.
	Password string
	// Now is the clock of the read.
	Now time.Time
	// Progress, if set, gives the progress callback of one store (by its
	// source id); it may return nil.
	Progress func(sourceID string) func(done, total int)
	// Stdin is what the SOURCE "-" reads: a cookies.txt or JSON (format
	// sniffed). Nil refuses "-".
	Stdin io.Reader
}

// maxStdin caps what "-" reads from standard input (the JSON reader's
// own cap).
const maxStdin = cookiejson.MaxFileBytes

// stdinFile copies standard input into a private temp file (registered
// with internal/cleanup) so that the format can be sniffed and the reader
// given a regular file; the caller removes dir.
func stdinFile(r io.Reader) (dir, path string, err error) {
	if r == nil {
		return "", "", errors.New("-: no standard input to read")
	}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return "", "", errors.New("-: standard input is a terminal; pipe a cookies.txt or JSON export into crumbs import -")
		}
	}
	dir, err = cleanup.MkdirTemp("stdin")
	if err != nil {
		return "", "", err
	}
	path = filepath.Join(dir, "stdin")
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		cleanup.Remove(dir)
		return "", "", err
	}
	n, err := io.Copy(out, io.LimitReader(r, maxStdin+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > maxStdin {
		err = fmt.Errorf("-: more than %d MB on standard input: not a cookie file", maxStdin>>20)
	}
	if err != nil {
		cleanup.Remove(dir)
		return "", "", err
	}
	return dir, path, nil
}

// Read is one store read.
type Read struct {
	Spec   string // the SOURCE it came from
	ID     string // source id written into its cookies
	Path   string // what the reader was given
	Format string // source.FormatJSON, …
	Result *importers.Result
}

// Failure is a SOURCE, or one store of it, that could not be read.
type Failure struct {
	Spec string
	ID   string // the store's source id; "" when the SOURCE did not resolve
	Err  error
	// Many is set when the SOURCE stands for several stores (all, a
	// browser with several profiles) and this is one of them.
	Many bool
}

func (f Failure) Error() string {
	if f.Many {
		return "skipped " + f.ID + ": " + f.Err.Error()
	}
	return f.Err.Error()
}

func (f Failure) Unwrap() error { return f.Err }

// ReadReport is what reading the sources found: the stores read, those
// that failed, and warnings about what was found (a profile refused by
// discovery).
type ReadReport struct {
	Reads    []Read
	Failed   []Failure
	Warnings []string
}

// Cookies counts the cookies read.
func (r ReadReport) Cookies() int {
	n := 0
	for _, rd := range r.Reads {
		n += len(rd.Result.Cookies)
	}
	return n
}

// ReadSources resolves every SOURCE and reads every store it names,
// without touching a jar. SOURCEs are independent: one that does not
// resolve or whose store fails is reported in Failed and the others are
// still read ("import firefox chrome" without Chrome reads Firefox). A
// store whose read was not complete and clean fails as a whole; its
// cookies are not in Reads, so nothing of it is imported or pruned. The
// error is only ctx's.
func ReadSources(ctx context.Context, specs []string, opts ReadOptions) (ReadReport, error) {
	var rep ReadReport
	type job struct {
		spec   string
		target source.Target
		many   bool
	}
	var jobs []job
	for _, spec := range specs {
		resolve := spec
		var tmp string
		if spec == "-" {
			dir, path, err := stdinFile(opts.Stdin)
			if err != nil {
				rep.Failed = append(rep.Failed, Failure{Spec: spec, Err: err})
				continue
			}
			defer cleanup.Remove(dir)
			resolve, tmp = path, path
		}
		ts, err := source.Resolve(ctx, resolve, opts.Env)
		if tmp != "" {
			for i := range ts {
				ts[i].Path = tmp
				ts[i].SourceID = "file:stdin"
				ts[i].Options.Source = "file:stdin"
			}
			if err != nil {
				err = errors.New(strings.ReplaceAll(err.Error(), tmp, "-"))
			}
		}
		if ws := discover.WarningsOf(err); ws != nil {
			// Some profiles were refused (a symlink out of the profile, a
			// FIFO for a database); the targets returned are good.
			rep.Warnings = append(rep.Warnings, ws...)
		} else if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Failed = append(rep.Failed, Failure{Spec: spec, Err: err})
			continue
		}
		for _, t := range ts {
			jobs = append(jobs, job{spec: spec, target: t, many: len(ts) > 1})
		}
	}
	for _, jb := range jobs {
		t := jb.target
		o := t.Options
		o.Password = opts.Password
		o.Now = opts.Now
		if opts.Progress != nil {
			o.Progress = opts.Progress(t.SourceID)
		}
		res, err := t.Read(ctx, o)
		if err == nil {
			err = nothingRecognised(t.Path, res)
		}
		if t.SourceID == "file:stdin" {
			// Name standard input, not the private copy of it.
			if err != nil {
				err = errors.New(strings.ReplaceAll(err.Error(), t.Path, "-"))
			}
			if res != nil {
				for i, w := range res.Warnings {
					res.Warnings[i] = strings.ReplaceAll(w, t.Path, "-")
				}
			}
			t.Path = "-"
		}
		if err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Failed = append(rep.Failed, Failure{Spec: jb.spec, ID: t.SourceID, Err: err, Many: jb.many})
			continue
		}
		rep.Reads = append(rep.Reads, Read{Spec: jb.spec, ID: t.SourceID, Path: t.Path, Format: t.Format, Result: res})
	}
	return rep, nil
}

// Line is the one-line summary of one store's read: "SOURCE: read 12
// cookies from PATH, 2 refused", paths shortened under home.
func (r Read) Line(home string) string {
	line := fmt.Sprintf("%s: read %s from %s", ShowSource(r.ID, home), Plural(len(r.Result.Cookies), "cookie", "cookies"), ShowPath(r.Path, home))
	if strings.HasPrefix(r.ID, "file:") && r.ID == "file:"+r.Path {
		line = fmt.Sprintf("%s: read %s", ShowSource(r.ID, home), Plural(len(r.Result.Cookies), "cookie", "cookies"))
	}
	if r.Result.Refused > 0 {
		line += fmt.Sprintf(", %s refused (an unclean read: --prune leaves this source alone)", Thousands(r.Result.Refused))
	}
	return line
}

// nothingRecognised turns a read that found no cookie but refused rows or
// warned into an error (docs/security.md: a script handed the wrong file
// must notice). A browser's store that is simply empty (a fresh profile:
// the right tables, no row) is not an error; a file format with no cookie
// (a cookies.txt with only its header, an empty JSON array, a
// binarycookies file with no page) is refused by its reader.
func nothingRecognised(path string, res *importers.Result) error {
	if res == nil {
		return importers.Errorf(path, "no result from the reader")
	}
	if len(res.Cookies) > 0 || (res.Refused == 0 && len(res.Warnings) == 0) {
		return nil
	}
	if len(res.Warnings) > 0 {
		// Warnings already name the file.
		return fmt.Errorf("%s (nothing recognisable as a cookie)", res.Warnings[0])
	}
	return importers.Errorf(path, "nothing recognisable as a cookie: all %s rows refused", Thousands(res.Refused))
}
