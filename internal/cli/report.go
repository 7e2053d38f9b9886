package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-runewidth"
	"github.com/spf13/cobra"

	uc "github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/internal/report"
	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
	"github.com/crumbs-dev/crumbs/jar/purpose"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

func (a *app) reportCommand() *cobra.Command {
	var (
		asJSON, changes bool
		top             int
		by              string
	)
	cmd := &cobra.Command{
		Use:   "report [FILTER...] | report --changes [SOURCE...]",
		Short: "Who tracks you, and how widely: trackers by reach, totals, what changed",
		Long: `Rank the trackers in the jar by reach: for each tracking vendor (Google
Analytics, Meta Pixel, …; with --by organisation the company behind it) the
number of distinct sites where it holds an id for you, the browsers and
profiles it is in, its cookie count, the age of its oldest cookie and the
longest time one of them still has to live. A tracking cookie whose vendor
crumbs does not know is listed under its registrable domain. A partitioned
cookie counts for the top-level site it is partitioned under.

Then the totals: cookies by purpose and by browser, and what a tracking
purge ('crumbs purge --purpose tracking') would remove and what it keeps
(protected cookies, logins, preferences).

FILTER narrows the cookies the report looks at (source:firefox, -is:expired).

--changes shows, for each SOURCE (a source id such as firefox:default-release,
or a browser name for all its profiles; all sources without one), what
changed between its previous import and its latest: the cookies and the
trackers that are new and those gone.

--json prints the same as one JSON object (with --changes an array, one
object per source) for scripts.

` + filterHelp,
		Example: `  crumbs report
  crumbs report --top 5 --by organisation
  crumbs report source:firefox -is:expired
  crumbs report --json | jq '.trackers[0]'
  crumbs report --changes
  crumbs report --changes firefox:default-release`,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			grouping, ok := report.ParseBy(by)
			if !ok {
				return usageErrorf("--by: want vendor or organisation, not %q", by)
			}
			if top < 0 {
				return usageErrorf("--top: must not be negative")
			}
			var f cookie.Filter
			if !changes {
				var err error
				if f, err = parseFilter(args); err != nil {
					return err
				}
			}
			return a.withJarForReading(func(j *jar.Jar) error {
				a.registerVendors()
				ctx := cmd.Context()
				if changes {
					recs, err := j.ImportRecords(ctx)
					if err != nil {
						return err
					}
					recs, err = selectRecords(recs, args)
					if err != nil {
						return err
					}
					cs := report.Changes(recs, grouping)
					if asJSON {
						return writeJSONTo(a.env.Stdout, changesJSON(cs))
					}
					return writeChanges(a.env.Stdout, cs, a.termWidth(a.env.Stdout))
				}
				// Only what the report needs: the cookies that do not track
				// counted by SQLite, the tracking ones as summaries
				// (jar.ReportRows).
				rows, err := j.ReportRows(ctx, f)
				if err != nil {
					return err
				}
				rep := report.FromRows(rows, report.Options{By: grouping, Now: j.Now()})
				if asJSON {
					return writeJSONTo(a.env.Stdout, reportJSON(rep, top))
				}
				return writeReport(a.env.Stdout, rep, top, a.termWidth(a.env.Stdout))
			})
		}),
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	fl.BoolVar(&changes, "changes", false, "what changed in each SOURCE since its previous import")
	fl.IntVar(&top, "top", 20, "show the N trackers with the most reach (0: all)")
	fl.StringVar(&by, "by", "vendor", "what a tracker is: vendor or organisation")
	_ = cmd.RegisterFlagCompletionFunc("by", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"vendor", "organisation"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// registerVendors makes the classifier of this run (the user's rules name
// vendors too) the one the report and the vendor: filter term ask.
func (a *app) registerVendors() {
	if c, err := a.classifier(); err == nil {
		if pc, ok := c.(*purpose.Classifier); ok {
			pc.Register()
		}
	}
}

// termWidth is w's terminal width, else $COLUMNS, else 80.
func (a *app) termWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 0 {
			return cols
		}
	}
	if n, err := strconv.Atoi(a.env.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return 80
}

// selectRecords keeps the records of the named sources: a source id, or a
// browser name for all its profiles. No names: every record.
func selectRecords(recs []jar.ImportRecord, names []string) ([]jar.ImportRecord, error) {
	if len(names) == 0 {
		return recs, nil
	}
	var out []jar.ImportRecord
	for _, n := range names {
		found := false
		for _, r := range recs {
			if r.Source == n || report.BrowserOf(r.Source) == n {
				out = append(out, r)
				found = true
			}
		}
		if !found {
			known := make([]string, len(recs))
			for i, r := range recs {
				known[i] = r.Source
			}
			if len(known) == 0 {
				return nil, fmt.Errorf("report --changes: no source has an import on record yet (crumbs import records one)")
			}
			return nil, fmt.Errorf("report --changes: no import on record for %s (sources: %s)", oneLine(n), oneLine(strings.Join(known, ", ")))
		}
	}
	return out, nil
}

// writeJSONTo writes v as indented JSON to w, buffered.
func writeJSONTo(w io.Writer, v any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(jsonesc.NewWriter(bw))
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return bw.Flush()
}

// ---- the report as text ----

func writeReport(w io.Writer, rep *report.Report, top, width int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(wrap(fmt.Sprintf("Trackers by reach: %s hold ids on %s of %s (%s tracking cookies of %s)",
		count(len(rep.Trackers), rep.By.String()), report.Num(rep.TrackerSites),
		count(rep.Sites, "site"), report.Num(rep.TrackingCookies), report.Num(rep.Cookies)), width, 2) + "\n")
	shown := rep.Trackers
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	if len(shown) > 0 {
		if err := trackerTable(rep, shown, width).write(bw); err != nil {
			return err
		}
		if n := len(rep.Trackers) - len(shown); n > 0 {
			fmt.Fprintf(bw, "… and %s more (--top 0 shows all)\n", report.Num(n))
		}
		bw.WriteString("\n")
	}
	bw.WriteString(wrap("By purpose:  "+counts(rep.ByPurpose, false), width, 13))
	bw.WriteString(wrap("By browser:  "+counts(rep.Browsers, true), width, 13))
	p := rep.Purge
	bw.WriteString(wrap(fmt.Sprintf("Purge:       crumbs purge --purpose tracking would remove %s on %s and keep %s: %s, %s protected tracking",
		count(p.Remove, "tracking cookie"), count(p.RemoveSites, "site"), report.Num(p.Keep),
		keepCounts(p.KeepByPurpose), report.Num(p.Protected)), width, 13))
	return bw.Flush()
}

// wrap breaks text at spaces into lines of at most width columns, the
// continuation lines indented; every line ends in a newline. A word longer
// than a line stays whole.
func wrap(text string, width, indent int) string {
	var b strings.Builder
	col := 0
	for i, w := range strings.Split(text, " ") {
		n := runewidth.StringWidth(w)
		switch {
		case i == 0:
		case w == "" && col > 0: // a run of spaces (the label's padding)
			b.WriteByte(' ')
			col++
			continue
		case col+1+n > width && col > indent:
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += n
	}
	b.WriteByte('\n')
	return b.String()
}

// count is "1 site", "4,144 sites".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return report.Num(n) + " " + noun + "s"
}

// trackerTable lays the trackers out in width columns: the REACH bars get
// what the other columns leave, and the optional columns (organisation,
// then profiles) give way first on a narrow terminal.
func trackerTable(rep *report.Report, shown []report.Tracker, width int) *table {
	s := termsafe.String
	type col struct {
		head     string
		optional int // 0: always; else dropped in this order (higher first)
		cell     func(i int, t *report.Tracker) string
	}
	org := col{"ORGANISATION", 3, func(_ int, t *report.Tracker) string {
		if !t.Known {
			return "(unknown vendor)"
		}
		return truncate(s(t.Organisation), 20)
	}}
	if rep.By == report.ByOrganisation {
		org = col{"VENDORS", 3, func(_ int, t *report.Tracker) string {
			if !t.Known {
				return "(unknown vendor)"
			}
			return truncate(s(strings.Join(t.Vendors, ", ")), 28)
		}}
	}
	cols := []col{
		{"#", 0, func(i int, _ *report.Tracker) string { return strconv.Itoa(i + 1) }},
		{"TRACKER", 0, func(_ int, t *report.Tracker) string { return truncate(s(t.Name), 22) }},
		org,
		{"SITES", 0, func(_ int, t *report.Tracker) string { return report.Num(t.Sites) }},
		{"COOKIES", 0, func(_ int, t *report.Tracker) string { return report.Num(t.Cookies) }},
		{"BROWSERS", 1, func(_ int, t *report.Tracker) string { return truncate(s(strings.Join(t.Browsers, ",")), 16) }},
		{"PROFILES", 2, func(_ int, t *report.Tracker) string { return strconv.Itoa(len(t.Profiles)) }},
		{"OLDEST", 0, func(_ int, t *report.Tracker) string { return report.Span(t.OldestAge(rep.At)) }},
		{"LONGEST", 0, func(_ int, t *report.Tracker) string { return report.Span(t.LongestLeft(rep.At)) }},
	}
	cells := make([][]string, len(cols))
	colWidth := make([]int, len(cols))
	for k, c := range cols {
		colWidth[k] = runewidth.StringWidth(c.head)
		for i := range shown {
			v := c.cell(i, &shown[i])
			cells[k] = append(cells[k], v)
			colWidth[k] = max(colWidth[k], runewidth.StringWidth(v))
		}
	}
	const minBar = 12
	keep := make([]bool, len(cols))
	// Drop optional columns (highest level first) until the bars get
	// minBar cells, or at least the table fits.
	for level := 3; level >= 0; level-- {
		used := 0
		for k, c := range cols {
			keep[k] = c.optional <= level
			if keep[k] {
				used += colWidth[k] + 2
			}
		}
		if width-used >= minBar || level == 0 {
			break
		}
	}
	t := &table{}
	used := 0
	for k, c := range cols {
		if keep[k] {
			t.header = append(t.header, c.head)
			used += colWidth[k] + 2
		}
	}
	for i := range shown {
		var row []string
		for k := range cols {
			if keep[k] {
				row = append(row, cells[k][i])
			}
		}
		t.rows = append(t.rows, row)
	}
	if room := width - used - 1; room >= 6 && shown[0].Sites > 0 {
		t.header = append(t.header, "REACH")
		for i := range t.rows {
			t.rows[i] = append(t.rows[i], report.Bar(float64(shown[i].Sites)/float64(shown[0].Sites), room))
		}
	}
	return t
}

// keepCounts is "29,840 session, 18,205 personalization, 1,131 unknown".
func keepCounts(cs []report.Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = report.Num(c.Cookies) + " " + c.Name
	}
	return strings.Join(parts, ", ")
}

// counts renders "session 1,204 · tracking 412 …"; withTracking adds the
// tracking share ("firefox 812 (412 tracking)").
func counts(cs []report.Count, withTracking bool) string {
	parts := make([]string, 0, len(cs))
	for _, c := range cs {
		p := termsafe.String(c.Name) + " " + report.Num(c.Cookies)
		if withTracking {
			p += " (" + report.Num(c.Tracking) + " tracking)"
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " · ")
}

// ---- what changed, as text ----

func writeChanges(w io.Writer, cs []report.SourceChanges, width int) error {
	bw := bufio.NewWriter(w)
	s := termsafe.String
	if len(cs) == 0 {
		bw.WriteString("no import on record yet: crumbs import records what each source holds\n")
	}
	for i, sc := range cs {
		if i > 0 {
			bw.WriteString("\n")
		}
		when := sc.At.UTC().Format("2006-01-02 15:04 UTC")
		if sc.First {
			fmt.Fprintf(bw, "%s: first import on record (%s), %s and %s; the next import will show what changed\n",
				s(sc.Source), when, plural(sc.Cookies, "cookie", "cookies"), plural(len(sc.NewTrackers), "tracker", "trackers"))
			continue
		}
		fmt.Fprintf(bw, "%s: imported %s, previous import %s\n", s(sc.Source), when, sc.PrevAt.UTC().Format("2006-01-02 15:04 UTC"))
		fmt.Fprintf(bw, "  %s, %s gone (%s read)\n", plural(sc.Added, "new cookie", "new cookies"), report.Num(sc.Gone), report.Num(sc.Cookies))
		fmt.Fprintf(bw, "  new trackers:  %s\n", trackerChanges(sc.NewTrackers))
		fmt.Fprintf(bw, "  gone trackers: %s\n", trackerChanges(sc.GoneTrackers))
		if len(sc.AddedCookies)+len(sc.GoneCookies) == 0 {
			continue
		}
		t := &table{header: []string{"", "DOMAIN", "NAME", "PATH", "PURPOSE", "TRACKER"}}
		for _, c := range sc.AddedCookies {
			t.add("+", truncate(s(c.Domain), 40), truncate(s(c.Name), 40), truncate(s(c.Path), 20), string(c.Purpose), truncate(s(c.Tracker), 28))
		}
		for _, c := range sc.GoneCookies {
			t.add("-", truncate(s(c.Domain), 40), truncate(s(c.Name), 40), truncate(s(c.Path), 20), string(c.Purpose), truncate(s(c.Tracker), 28))
		}
		var tb strings.Builder
		if err := t.write(&tb); err != nil {
			return err
		}
		for _, line := range strings.SplitAfter(strings.TrimRight(tb.String(), "\n"), "\n") {
			bw.WriteString("  " + truncate(strings.TrimRight(line, "\n"), width-3) + "\n")
		}
		if more := sc.Added - len(sc.AddedCookies) + sc.Gone - len(sc.GoneCookies); more > 0 {
			fmt.Fprintf(bw, "  (%s more not listed: the jar lists up to 1,000 of each, and not cookies deleted from it before they went)\n", report.Num(more))
		}
	}
	return bw.Flush()
}

func trackerChanges(ts []report.TrackerChange) string {
	if len(ts) == 0 {
		return "none"
	}
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = termsafe.String(t.Name) + " on " + plural(t.Sites, "site", "sites")
	}
	return strings.Join(parts, ", ")
}

// ---- JSON ----

type trackerJSON struct {
	Name               string             `json:"name"`
	Organisation       string             `json:"organisation"`
	Known              bool               `json:"known"`
	Vendors            []string           `json:"vendors,omitempty"`
	Sites              int                `json:"sites"`
	Browsers           []string           `json:"browsers"`
	Profiles           []string           `json:"profiles"`
	Cookies            int                `json:"cookies"`
	Oldest             *time.Time         `json:"oldest"`
	OldestAgeSeconds   int64              `json:"oldestAgeSeconds"`
	Longest            *time.Time         `json:"longestExpiry"`
	LongestLeftSeconds int64              `json:"longestLeftSeconds"`
	SitesByBrowser     map[string]float64 `json:"sitesByBrowser"`
}

type countJSON struct {
	Name     string `json:"name"`
	Cookies  int    `json:"cookies"`
	Tracking *int   `json:"tracking,omitempty"`
}

func reportJSON(rep *report.Report, top int) any {
	shown := rep.Trackers
	if top > 0 && len(shown) > top {
		shown = shown[:top]
	}
	ts := make([]trackerJSON, len(shown))
	for i, t := range shown {
		tj := trackerJSON{Name: t.Name, Organisation: t.Organisation, Known: t.Known, Vendors: t.Vendors, Sites: t.Sites,
			Browsers: t.Browsers, Profiles: t.Profiles, Cookies: t.Cookies, SitesByBrowser: map[string]float64{},
			OldestAgeSeconds: int64(t.OldestAge(rep.At) / time.Second), LongestLeftSeconds: int64(t.LongestLeft(rep.At) / time.Second)}
		if !t.Oldest.IsZero() {
			o := t.Oldest.UTC()
			tj.Oldest = &o
		}
		if !t.Longest.IsZero() {
			l := t.Longest.UTC()
			tj.Longest = &l
		}
		for _, s := range t.Shares {
			tj.SitesByBrowser[s.Browser] = float64(int(s.Sites*1000+0.5)) / 1000
		}
		ts[i] = tj
	}
	byPurpose := map[string]int{}
	for _, c := range rep.ByPurpose {
		byPurpose[c.Name] = c.Cookies
	}
	browsers := make([]countJSON, len(rep.Browsers))
	for i, c := range rep.Browsers {
		tr := c.Tracking
		browsers[i] = countJSON{Name: c.Name, Cookies: c.Cookies, Tracking: &tr}
	}
	keep := map[string]int{}
	for _, c := range rep.Purge.KeepByPurpose {
		keep[c.Name] = c.Cookies
	}
	return map[string]any{
		"at":              rep.At.UTC(),
		"by":              rep.By.String(),
		"cookies":         rep.Cookies,
		"sites":           rep.Sites,
		"trackingCookies": rep.TrackingCookies,
		"trackerCount":    len(rep.Trackers),
		"trackerSites":    rep.TrackerSites,
		"trackers":        ts,
		"byPurpose":       byPurpose,
		"byBrowser":       browsers,
		"purge": map[string]any{
			"remove": rep.Purge.Remove, "removeSites": rep.Purge.RemoveSites, "keep": rep.Purge.Keep,
			"protected": rep.Purge.Protected, "keepByPurpose": keep,
		},
	}
}

type changedCookieJSON struct {
	Domain    string `json:"domain"`
	HostOnly  bool   `json:"hostOnly"`
	Path      string `json:"path"`
	Name      string `json:"name"`
	Partition string `json:"partition,omitempty"`
	Container string `json:"container,omitempty"`
	Site      string `json:"site"`
	Purpose   string `json:"purpose"`
	Tracker   string `json:"tracker,omitempty"`
}

type trackerChangeJSON struct {
	Name         string   `json:"name"`
	Organisation string   `json:"organisation"`
	Known        bool     `json:"known"`
	Sites        int      `json:"sites"`
	Cookies      int      `json:"cookies"`
	SiteList     []string `json:"siteList"`
}

func changesJSON(cs []report.SourceChanges) any {
	out := make([]map[string]any, 0, len(cs))
	cookiesOf := func(in []report.ChangedCookie) []changedCookieJSON {
		o := make([]changedCookieJSON, len(in))
		for i, c := range in {
			o[i] = changedCookieJSON{Domain: c.Domain, HostOnly: c.HostOnly, Path: c.Path, Name: c.Name, Partition: c.Partition,
				Container: c.Container, Site: c.Site, Purpose: string(c.Purpose), Tracker: c.Tracker}
		}
		return o
	}
	trackersOf := func(in []report.TrackerChange) []trackerChangeJSON {
		o := make([]trackerChangeJSON, len(in))
		for i, t := range in {
			o[i] = trackerChangeJSON{Name: t.Name, Organisation: t.Organisation, Known: t.Known, Sites: t.Sites, Cookies: t.Cookies, SiteList: t.SiteList}
			if o[i].SiteList == nil {
				o[i].SiteList = []string{}
			}
		}
		return o
	}
	for _, sc := range cs {
		m := map[string]any{
			"source": sc.Source, "at": sc.At.UTC(), "first": sc.First, "cookies": sc.Cookies,
			"added": sc.Added, "gone": sc.Gone,
			"addedCookies": cookiesOf(sc.AddedCookies), "goneCookies": cookiesOf(sc.GoneCookies),
			"newTrackers": trackersOf(sc.NewTrackers), "goneTrackers": trackersOf(sc.GoneTrackers),
		}
		if !sc.First {
			m["previous"] = sc.PrevAt.UTC()
		}
		out = append(out, m)
	}
	return out
}

// readIDs are the source ids of the stores read.
func readIDs(rs []uc.Read) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}
