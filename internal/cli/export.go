package cli

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/cookieheader"
)

func (a *app) exportCommand() *cobra.Command {
	var (
		format, output, rawURL, from, password string
		noHTTPOnlyPrefix                       bool
	)
	cmd := &cobra.Command{
		Use:   "export [FILTER...] --format netscape|json|header",
		Short: "Write cookies as a cookies.txt, JSON, or a Cookie header",
		Long: `Write the cookies that match the filter, from the jar or (with --from)
straight from a browser store without touching the jar.

Formats:
  netscape  a cookies.txt for curl (-b), wget (--load-cookies), yt-dlp
            (--cookies) and Python's MozillaCookieJar. Expired cookies, and
            cookies that cannot be written safely (control characters, lines
            over 4998 bytes, empty names, unreadable values, …) are left out;
            stderr says how many and why, and which attributes the format
            cannot carry (partition, container, SameSite, priority).
            HttpOnly cookies get curl's #HttpOnly_ prefix, which wget and
            Python ≤ 3.9 skip: --no-httponly-prefix writes them as plain lines.
  json      the chrome.cookies shape that Cookie-Editor and EditThisCookie
            import, plus crumbs' own fields: lossless, 'crumbs import' reads
            it back. It keeps expired cookies unless the filter says -is:expired.
  header    the Cookie: header a browser would send to --url (RFC 6265).

-o FILE writes the file with mode 0600 through a temporary file renamed into
place; without -o (or with -o -) the data goes to stdout.

` + filterHelp,
		Example: `  crumbs export --format netscape -o cookies.txt
  crumbs export --from firefox -o cookies.txt            # no jar involved
  crumbs export --from chrome --password peanuts -o cookies.txt domain:youtube.com
  crumbs export --format json -is:expired > cookies.json
  curl -H "$(crumbs export --format header --url https://example.com/)" https://example.com/`,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			format = strings.ToLower(format)
			switch format {
			case "netscape", "txt", "cookies.txt":
				format = "netscape"
			case "json", "header":
			default:
				return usageErrorf("--format: unknown format %q (want netscape, json or header)", format)
			}
			if format == "header" {
				if rawURL == "" {
					return usageErrorf("--format header needs --url URL")
				}
				u, err := url.Parse(rawURL)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					return usageErrorf("--url: %q is not an http or https URL", rawURL)
				}
			} else if rawURL != "" {
				return usageErrorf("--url is only for --format header")
			}
			f, err := parseFilter(args)
			if err != nil {
				return err
			}

			var cs []cookie.Cookie
			now := a.env.Now()
			if from != "" {
				// A one-shot read of a whole store: nearly everything
				// allocated stays live until the file is written, so
				// collecting often only rescans it (measured: −10 ms CPU
				// at 100k cookies, same peak memory).
				defer debug.SetGCPercent(debug.SetGCPercent(400))
				if cs, err = a.cookiesFrom(cmd, from, password, format, f); err != nil {
					return err
				}
			} else {
				err = a.withJar(func(j *jar.Jar) error {
					now = j.Now()
					if f.IsEmpty() {
						// Everything, in the default order: the writers only
						// read, so the jar's own snapshot serves without a
						// 100k-cookie copy.
						cs, _, err = j.Shared(ctx)
						return err
					}
					cs, _, err = j.Query(ctx, jar.Query{Filter: f})
					return err
				})
				if err != nil {
					return err
				}
			}

			var warnings []string
			written := -1 // cookies written, for the closing message
			write := func(w io.Writer) error {
				bw := bufio.NewWriterSize(w, 256<<10)
				switch format {
				case "netscape":
					rep, err := netscape.Write(bw, cs, netscape.WriteOptions{NoHTTPOnlyPrefix: noHTTPOnlyPrefix, Now: now})
					if err != nil {
						return err
					}
					warnings = netscapeWarnings(rep)
					written = rep.Written
				case "json":
					if err := cookiejson.Write(bw, cs); err != nil {
						return err
					}
					warnings = append(warnings, jsonWarnings(cs)...)
					written = len(cs)
				case "header":
					h := cookieheader.Header(cs, rawURL, now)
					if h == "" {
						warnings = append(warnings, "no cookie would be sent to "+oneLine(rawURL))
						break
					}
					written = -1
					bw.WriteString("Cookie: ")
					bw.WriteString(h)
					bw.WriteByte('\n')
				}
				return bw.Flush()
			}
			if output == "" || output == "-" {
				err = write(a.env.Stdout)
			} else {
				err = writeFileAtomic(output, write)
			}
			if err != nil {
				return err
			}
			for _, w := range warnings {
				fmt.Fprintln(a.env.Stderr, "crumbs: warning: "+w)
			}
			if written >= 0 {
				dest := "stdout"
				if output != "" && output != "-" {
					dest = oneLine(output)
				}
				fmt.Fprintf(a.env.Stderr, "wrote %s to %s\n", plural(written, "cookie", "cookies"), dest)
			}
			return nil
		}),
	}
	fl := cmd.Flags()
	fl.StringVarP(&format, "format", "f", "netscape", "netscape, json or header")
	fl.StringVarP(&output, "output", "o", "", "write to FILE (0600) instead of stdout")
	fl.StringVar(&rawURL, "url", "", "the URL whose Cookie header --format header prints")
	fl.BoolVar(&noHTTPOnlyPrefix, "no-httponly-prefix", false, "netscape: write HttpOnly cookies without #HttpOnly_ (for wget, Python ≤ 3.9)")
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
func (a *app) cookiesFrom(cmd *cobra.Command, from, password, format string, f cookie.Filter) ([]cookie.Cookie, error) {
	reads, err := a.readSources(cmd.Context(), []string{from}, a.password(password))
	if err != nil {
		return nil, err
	}
	var cs []cookie.Cookie
	if len(reads) == 1 {
		cs = reads[0].Result.Cookies
	} else {
		for _, r := range reads {
			cs = append(cs, r.Result.Cookies...)
		}
	}
	for _, r := range reads {
		if r.Result.Refused > 0 || len(r.Result.Warnings) > 0 {
			a.reportRead(r)
		}
	}
	needPurpose := format == "json" || strings.Contains(strings.ToLower(f.String()), "purpose:")
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

// jsonWarnings says what the JSON export carries that its readers may trip
// on: values that could not be decrypted are written empty.
func jsonWarnings(cs []cookie.Cookie) []string {
	n := 0
	for i := range cs {
		if cs[i].ValueUnreadable {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return []string{fmt.Sprintf("%s could not be decrypted and are written with an empty value", plural(n, "cookie", "cookies"))}
}

// netscapeWarnings renders what the cookies.txt writer left out and what the
// written cookies lost, largest counts first.
func netscapeWarnings(rep netscape.WriteReport) []string {
	var out []string
	for _, kv := range sortedCounts(rep.LeftOut) {
		out = append(out, fmt.Sprintf("left out %s: %s", plural(kv.n, "cookie", "cookies"), kv.key))
	}
	for _, kv := range sortedCounts(rep.Lost) {
		out = append(out, fmt.Sprintf("%s lost their %s attribute: cookies.txt cannot carry it", plural(kv.n, "written cookie", "written cookies"), kv.key))
	}
	return out
}

type keyCount struct {
	key string
	n   int
}

func sortedCounts(m map[string]int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, n := range m {
		if n > 0 {
			out = append(out, keyCount{k, n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].key < out[j].key
	})
	return out
}
