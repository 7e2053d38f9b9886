package cli

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	uc "github.com/crumbs-dev/crumbs/internal/app" // the use cases; "app" is this package's run state
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		format, output, rawURL, from, password string
		noHTTPOnlyPrefix, partitioned          bool
	)
	cmd := &cobra.Command{
		Use:     "export [FILTER...] --format netscape|json|header",
		Short:   "Write cookies as a cookies.txt, JSON, or a Cookie header",
		Long:    exportLong + filterHelp,
		Example: exportExample,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fmtv, err := uc.ParseFormat(format)
			if err != nil {
				return usageErrorf("--format: %v", err)
			}
			opts := uc.ExportOptions{Format: fmtv, URL: rawURL, NoHTTPOnlyPrefix: noHTTPOnlyPrefix, Partitioned: partitioned}
			if fmtv == uc.Header && rawURL == "" {
				return usageErrorf("--format header needs --url URL")
			}
			if fmtv != uc.Header && rawURL != "" {
				return usageErrorf("--url is only for --format header")
			}
			if err := opts.Check(); err != nil {
				return usageErrorf("--url: %v", err)
			}
			f, err := parseFilter(args)
			if err != nil {
				return err
			}

			var (
				cs      []cookie.Cookie
				partial uc.ReadReport
				rep     uc.ExportReport
			)
			opts.Now = a.env.Now()
			if from != "" {
				// A one-shot read of a whole store: nearly everything
				// allocated stays live until the file is written, so
				// collecting often only rescans it (measured: −10 ms CPU
				// at 100k cookies, same peak memory).
				defer debug.SetGCPercent(debug.SetGCPercent(400))
				a.limitInputMemory(from)
				if cs, err = a.cookiesFrom(cmd, from, password, fmtv, f, &partial); err != nil {
					return err
				}
				if rep, err = uc.Export(ctx, output, a.env.Stdout, cs, opts); err != nil {
					return err
				}
			} else {
				err = a.withReadJar(func(j *jar.Jar) error {
					opts.Now = j.Now()
					if a.classifyInMemory(j) {
						cs, err := a.readCookies(ctx, j, jar.Query{Filter: f})
						if err != nil {
							return err
						}
						rep, err = uc.Export(ctx, output, a.env.Stdout, cs, opts)
						return err
					}
					// Streamed from the jar in its default order, the filter
					// narrowing the rows in SQLite: a million-cookie export
					// holds its lines, not its cookies (docs/budgets.md §5).
					// What it keeps holds no pointers and the rows read are
					// garbage at once, so collecting often is cheap: 225 MB
					// instead of 297 MB at a million, no slower.
					defer debug.SetGCPercent(debug.SetGCPercent(25))
					rep, err = uc.ExportEach(ctx, output, a.env.Stdout, func(fn func(*cookie.Cookie) error) error {
						return j.Each(ctx, jar.Query{Filter: f}, fn)
					}, opts)
					return err
				})
				if err != nil {
					return err
				}
			}
			for _, w := range rep.Warnings() {
				fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+oneLine(w))
			}
			fmt.Fprintln(a.env.Stderr, oneLine(rep.Summary()))
			return a.readFailures(partial)
		}),
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "netscape", "netscape, json or header")
	fl.StringVarP(&output, "output", "o", "", "write to FILE (0600) instead of stdout")
	fl.StringVar(&rawURL, "url", "", "the URL whose Cookie header --format header prints")
	fl.BoolVar(&noHTTPOnlyPrefix, "no-httponly-prefix", false, "netscape: write HttpOnly cookies without #HttpOnly_ (for wget, Python ≤ 3.9)")
	fl.BoolVar(&partitioned, "partitioned", false, "netscape: include cookies partitioned under another top-level site (they will be sent first-party)")
	fl.StringVar(&from, "from", "", "read this SOURCE directly instead of the jar (same SOURCEs as import)")
	fl.StringVar(&password, "password", "", "with --from: Chromium Safe Storage password (default $CRUMBS_SAFE_STORAGE_PASSWORD)")
	_ = cmd.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"netscape", "json", "header"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// cookiesFrom reads SOURCE straight from its store for export --from. It
// classifies only when the output or the filter needs a purpose, so the
// common "browser → cookies.txt" path is read, filter, write.
//
// Stores of SOURCE that failed while others were read are reported after
// the export by partial (exit 1).
func (a *app) cookiesFrom(cmd *cobra.Command, from, password string, format uc.Format, f cookie.Filter, partial *uc.ReadReport) ([]cookie.Cookie, error) {
	rr, err := a.readSources(cmd.Context(), []string{from}, a.password(password))
	if err != nil {
		return nil, err
	}
	if len(rr.Reads) == 0 {
		return nil, a.readFailures(rr)
	}
	*partial = rr
	var cs []cookie.Cookie
	if len(rr.Reads) == 1 {
		cs = rr.Reads[0].Result.Cookies
	} else {
		for _, r := range rr.Reads {
			cs = append(cs, r.Result.Cookies...)
		}
	}
	for _, r := range rr.Reads {
		if r.Result.Refused > 0 || len(r.Result.Warnings) > 0 {
			a.reportRead(r)
		}
	}
	needPurpose := format == uc.JSON || strings.Contains(strings.ToLower(f.String()), "purpose:")
	if needPurpose {
		c, err := a.classifier()
		if err != nil {
			return nil, err
		}
		for i := range cs {
			c.Classify(&cs[i])
		}
	}
	if f.IsEmpty() {
		return cs, nil
	}
	now := a.env.Now()
	out := cs[:0]
	for i := range cs {
		if f.Match(&cs[i], now) {
			out = append(out, cs[i])
		}
	}
	return out, nil
}

// exportLong is the --help text of crumbs export (long).
const exportLong = `Write the cookies that match the filter, from the jar or (with --from)
straight from a browser store without touching the jar.

Formats:
  netscape  a cookies.txt for curl (-b), wget (--load-cookies), yt-dlp
            (--cookies) and Python's MozillaCookieJar. Expired cookies, and
            cookies that cannot be written safely (control characters, lines
            over 4998 bytes, empty names, unreadable values, …) are left out;
            stderr says how many and why, and which attributes the format
            cannot carry (partition, container, SameSite, priority).
            A cookie partitioned (CHIPS) under another top-level site is left
            out: a cookies.txt would send it first-party (--partitioned
            includes it, saying so). Names that differ only in letter case on
            one host and path are warned about: curl merges them.
            HttpOnly cookies get curl's #HttpOnly_ prefix, which wget and
            Python ≤ 3.9 skip: --no-httponly-prefix writes them as plain lines.
  json      the chrome.cookies shape that Cookie-Editor and EditThisCookie
            import, plus crumbs' own fields: lossless, 'crumbs import' reads
            it back. It keeps expired cookies unless the filter says -is:expired.
  header    the Cookie: header a browser would send to --url (RFC 6265).

-o FILE writes the file with mode 0600 through a temporary file renamed into
place; without -o (or with -o -) the data goes to stdout.

`

// exportExample is the --help text of crumbs export (example).
const exportExample = `  crumbs export --format netscape -o cookies.txt
  crumbs export --from firefox -o cookies.txt            # no jar involved
  crumbs export --from chrome --password peanuts -o cookies.txt domain:youtube.com
  crumbs export --format json -is:expired > cookies.json
  curl -H "$(crumbs export --format header --url https://example.com/)" https://example.com/`
