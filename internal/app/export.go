package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/cookieheader"
)

// Format is an export format.
type Format string

const (
	Netscape Format = "netscape" // cookies.txt for curl, wget, yt-dlp, Python
	JSON     Format = "json"     // lossless: crumbs import reads it back
	Header   Format = "header"   // the Cookie: header a browser would send to a URL
)

// Formats lists the export formats in the order the UI offers them.
var Formats = []Format{Netscape, JSON, Header}

// ParseFormat accepts a format name and the spellings people use for a
// cookies.txt.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "netscape", "txt", "cookies.txt":
		return Netscape, nil
	case "json":
		return JSON, nil
	case "header":
		return Header, nil
	}
	return "", fmt.Errorf("unknown format %q (want netscape, json or header)", s)
}

// ExportOptions says how to export.
type ExportOptions struct {
	Format Format
	// URL is the request URL of the header format.
	URL string
	// NoHTTPOnlyPrefix writes HttpOnly cookies of a cookies.txt as plain
	// lines (for wget, Python ≤ 3.9).
	NoHTTPOnlyPrefix bool
	// Partitioned writes into a cookies.txt the cookies partitioned under
	// another top-level site, which its readers will send first-party; by
	// default they are left out with a count.
	Partitioned bool
	// Now decides what has expired.
	Now time.Time
}

// Check reports what is wrong with the options before anything is read or
// written: the CLI turns it into a usage error, the UI into a message.
func (o ExportOptions) Check() error {
	switch o.Format {
	case Netscape, JSON:
		if o.URL != "" {
			return errors.New("a URL is only for the header format")
		}
	case Header:
		if o.URL == "" {
			return errors.New("the header format needs the URL the request goes to")
		}
		if err := cookieheader.CheckURL(o.URL); err != nil {
			return fmt.Errorf("%q: %w", o.URL, err)
		}
	default:
		return fmt.Errorf("unknown format %q (want netscape, json or header)", o.Format)
	}
	return nil
}

// Count is a number of cookies and what they have in common.
type Count struct {
	What string
	N    int
}

// ExportReport is what an export did: the one report the CLI prints on
// stderr and the UI shows in its dialog.
type ExportReport struct {
	Format  Format
	Dest    string // the path written, or "stdout"
	InScope int    // cookies handed to the export
	Written int    // cookies in the output (header: cookies sent)
	// LeftOut counts the cookies in scope that are not in the output, by
	// reason, largest first.
	LeftOut []Count
	// Lost counts written cookies that lost an attribute the format
	// cannot carry, largest first.
	Lost []Count
	// Notes are other things the reader of the output should know.
	Notes []string
}

// Summary is the one line that says what was written.
func (r ExportReport) Summary() string {
	return fmt.Sprintf("wrote %s to %s", Plural(r.Written, "cookie", "cookies"), r.Dest)
}

// Warnings renders what was left out and lost, and the notes, one line each.
func (r ExportReport) Warnings() []string {
	var out []string
	for _, c := range r.LeftOut {
		out = append(out, fmt.Sprintf("left out %s: %s", Plural(c.N, "cookie", "cookies"), c.What))
	}
	for _, c := range r.Lost {
		out = append(out, fmt.Sprintf("%s lost their %s attribute: cookies.txt cannot carry it",
			Plural(c.N, "written cookie", "written cookies"), c.What))
	}
	return append(out, r.Notes...)
}

// Cookies hands every cookie in scope to fn, in the order they are to be
// written, and stops at fn's first error. The cookie is only valid during
// the call (a jar's Each reuses it).
type Cookies func(fn func(c *cookie.Cookie) error) error

// Slice is cs as Cookies.
func Slice(cs []cookie.Cookie) Cookies {
	return func(fn func(c *cookie.Cookie) error) error {
		for i := range cs {
			if err := fn(&cs[i]); err != nil {
				return err
			}
		}
		return nil
	}
}

// Export writes cs in opts.Format to path (WriteOutput's rules: "" or "-"
// is stdout) and reports what it wrote and left out. On an error nothing
// at path has changed unless path is a stream (a FIFO, a device, stdout).
func Export(ctx context.Context, path string, stdout io.Writer, cs []cookie.Cookie, opts ExportOptions) (ExportReport, error) {
	return ExportEach(ctx, path, stdout, Slice(cs), opts)
}

// ExportEach is Export of cookies handed over one at a time, for a caller
// that streams them from the jar: the cookies.txt writer keeps only the
// lines, the JSON writer nothing (docs/budgets.md §5); the header format
// collects what it is given, to choose what a browser would send.
func ExportEach(ctx context.Context, path string, stdout io.Writer, each Cookies, opts ExportOptions) (ExportReport, error) {
	if err := opts.Check(); err != nil {
		return ExportReport{}, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	rep := ExportReport{Format: opts.Format, Dest: path}
	if path == "" || path == "-" {
		rep.Dest = "stdout"
	}
	err := WriteOutput(ctx, path, stdout, func(w io.Writer) error {
		rep.InScope, rep.LeftOut, rep.Lost, rep.Notes = 0, nil, nil, nil
		bw := bufio.NewWriterSize(w, 256<<10)
		if err := writeFormat(bw, each, opts, &rep); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return ExportReport{}, err
	}
	return rep, nil
}

// writeFormat is the one writer per format.
func writeFormat(w io.Writer, each Cookies, opts ExportOptions, rep *ExportReport) error {
	switch opts.Format {
	case Netscape:
		lines := netscape.NewLines(netscape.WriteOptions{NoHTTPOnlyPrefix: opts.NoHTTPOnlyPrefix,
			IncludeForeignPartitioned: opts.Partitioned, Now: opts.Now})
		if err := each(func(c *cookie.Cookie) error {
			rep.InScope++
			lines.Add(c)
			return nil
		}); err != nil {
			return err
		}
		r, err := lines.Finish(w)
		if err != nil {
			return err
		}
		rep.Written = r.Written
		rep.LeftOut = sortedCounts(r.LeftOut)
		rep.Lost = sortedCounts(r.Lost)
		if r.ForeignPartitioned > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s partitioned under another top-level site %s included: curl, wget and Python will send %s first-party",
				Plural(r.ForeignPartitioned, "cookie", "cookies"), isAre(r.ForeignPartitioned), itThem(r.ForeignPartitioned)))
		}
		if r.CaseClashes > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s differ from another only in letter case (%s): curl and Python treat such names as one",
				Plural(r.CaseClashes, "written cookie", "written cookies"), r.CaseExample))
		}
	case JSON:
		sw := cookiejson.NewWriter(w)
		unreadable := 0
		if err := each(func(c *cookie.Cookie) error {
			rep.InScope++
			if c.ValueUnreadable {
				unreadable++
			}
			return sw.Add(c)
		}); err != nil {
			return err
		}
		if err := sw.Close(); err != nil {
			return err
		}
		rep.Written = rep.InScope
		if unreadable > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s could not be decrypted and %s written with an empty value",
				Plural(unreadable, "cookie", "cookies"), isAre(unreadable)))
		}
	case Header:
		var cs []cookie.Cookie
		if err := each(func(c *cookie.Cookie) error {
			cs = append(cs, *c)
			return nil
		}); err != nil {
			return err
		}
		rep.InScope = len(cs)
		sent, err := cookieheader.Select(cs, opts.URL, opts.Now)
		if err != nil {
			return err
		}
		rep.Written = len(sent)
		if len(sent) == 0 {
			rep.Notes = append(rep.Notes, "no cookie would be sent to "+opts.URL)
			return nil
		}
		if n := len(cs) - len(sent); n > 0 {
			rep.LeftOut = []Count{{"not sent to that URL (domain, path, secure, expiry, partition or a fresher copy)", n}}
		}
		if _, err := io.WriteString(w, "Cookie: "+cookieheader.Join(sent)+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// sortedCounts orders a reason → count map largest first, then by reason.
func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		if n > 0 {
			out = append(out, Count{k, n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].What < out[j].What
	})
	if len(out) == 0 {
		return nil
	}
	return out
}
