package cli

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/mattn/go-runewidth"

	uc "github.com/crumbs-dev/crumbs/internal/app"
	"github.com/crumbs-dev/crumbs/internal/termsafe"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// colorOn reports whether output to w may carry colour: a terminal, no
// --no-color, no NO_COLOR (https://no-color.org: any non-empty value).
func (a *app) colorOn(w io.Writer) bool {
	return !a.noColor && a.env.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// ANSI colours by palette index so the user's terminal theme decides the
// actual colour.
var purposeColor = map[cookie.Purpose]string{
	cookie.PurposeSession:         "\x1b[32m", // green
	cookie.PurposePersonalization: "\x1b[34m", // blue
	cookie.PurposeTracking:        "\x1b[31m", // red
	cookie.PurposeUnknown:         "\x1b[2m",  // dim
}

const colorReset = "\x1b[0m"

// maskedValue is what list shows instead of a value without --values.
const maskedValue = "********"

// valueCell renders a cookie value for a table cell.
func valueCell(c *cookie.Cookie, show bool, max int) string {
	switch {
	case c.ValueUnreadable:
		return "(unreadable)"
	case c.Value == "":
		return "(empty)"
	case !show:
		return maskedValue
	}
	return truncate(termsafe.String(c.Value), max)
}

// expiresCell renders the expiry: "session", "expired" or a UTC date.
func expiresCell(c *cookie.Cookie, now time.Time) string {
	switch {
	case c.Session || c.Expires.IsZero():
		return "session"
	case c.Expired(now):
		return "expired"
	}
	return c.Expires.Time().Format("2006-01-02 15:04")
}

// truncate shortens s to max display columns with an ellipsis (max <= 0:
// no limit).
func truncate(s string, max int) string {
	if max <= 0 || runewidth.StringWidth(s) <= max {
		return s
	}
	return runewidth.Truncate(s, max, "…")
}

// table writes aligned columns. Cells must already be terminal-safe. A
// column's colour (if any) is applied after padding so escape codes never
// disturb the alignment.
type table struct {
	header []string
	rows   [][]string
	// color, if set, returns an SGR sequence for a cell ("" for none).
	color func(row, col int) string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	widths := make([]int, len(t.header))
	measureCells(widths, t.header)
	for _, r := range t.rows {
		measureCells(widths, r)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	writeLine(bw, widths, t.header, nil)
	for i, r := range t.rows {
		var color func(col int) string
		if t.color != nil {
			color = func(col int) string { return t.color(i, col) }
		}
		writeLine(bw, widths, r, color)
	}
	return bw.Flush()
}

// measureCells widens widths to fit cells (in terminal columns).
func measureCells(widths []int, cells []string) {
	for i, c := range cells {
		if n := runewidth.StringWidth(c); n > widths[i] {
			widths[i] = n
		}
	}
}

// writeLine writes one line of a table whose columns are widths wide;
// color, if set, gives a cell's SGR sequence ("" for none).
func writeLine(bw *bufio.Writer, widths []int, cells []string, color func(col int) string) {
	for i, c := range cells {
		last := i == len(cells)-1
		var sgr string
		if color != nil {
			sgr = color(i)
		}
		if sgr != "" {
			bw.WriteString(sgr)
		}
		bw.WriteString(c)
		if sgr != "" {
			bw.WriteString(colorReset)
		}
		if !last {
			bw.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
		}
	}
	bw.WriteByte('\n')
}

// plural returns "1 cookie" / "42,006 cookies" (internal/app.Plural).
func plural(n int, one, many string) string { return uc.Plural(n, one, many) }

// cookieTable renders cookies as list's table.
// j may be nil (clean --dry-run without a jar): the run's clock decides
// what has expired then.
func (a *app) cookieTable(cs []cookie.Cookie, values bool, j *jar.Jar) *table {
	now := a.env.Now()
	if j != nil {
		now = j.Now()
	}
	t := &table{header: cookieTableHeader}
	t.rows = make([][]string, 0, len(cs))
	for i := range cs {
		t.add(a.cookieCells(&cs[i], values, now)...)
	}
	if a.colorOn(a.env.Stdout) {
		t.color = func(row, col int) string {
			if col != 2 {
				return ""
			}
			return purposeColor[cs[row].Purpose]
		}
	}
	return t
}

var cookieTableHeader = []string{"DOMAIN", "NAME", "PURPOSE", "SOURCE", "EXPIRES", "FLAGS", "VALUE"}

// cookieCells are c's cells in list's table.
func (a *app) cookieCells(c *cookie.Cookie, values bool, now time.Time) []string {
	purpose := string(c.Purpose)
	if purpose == "" {
		purpose = string(cookie.PurposeUnknown)
	}
	if c.VerdictBy == cookie.EvidenceUser {
		purpose += "*"
	}
	return []string{
		termsafe.String(c.Domain),
		truncate(termsafe.String(c.Name), 60),
		purpose,
		termsafe.String(uc.ShowSource(c.Source, a.env.Getenv("HOME"))),
		expiresCell(c, now),
		cookie.FlagLetters(c),
		valueCell(c, values, 60),
	}
}

// streamCookieTable writes list's table of the cookies q selects without
// holding them (docs/budgets.md §5): one pass over the jar measures the
// columns, a second writes the rows. A change committed between the two
// passes can only misalign a column, never show a cookie the filter does
// not select.
func (a *app) streamCookieTable(ctx context.Context, j *jar.Jar, q jar.Query, values bool) error {
	now := j.Now()
	widths := make([]int, len(cookieTableHeader))
	measureCells(widths, cookieTableHeader)
	err := j.Each(ctx, q, func(c *cookie.Cookie) error {
		measureCells(widths, a.cookieCells(c, values, now))
		return nil
	})
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(a.env.Stdout, 64<<10)
	writeLine(bw, widths, cookieTableHeader, nil)
	colorOn := a.colorOn(a.env.Stdout)
	err = j.Each(ctx, q, func(c *cookie.Cookie) error {
		var color func(col int) string
		if colorOn {
			color = func(col int) string {
				if col != 2 {
					return ""
				}
				return purposeColor[c.Purpose]
			}
		}
		writeLine(bw, widths, a.cookieCells(c, values, now), color)
		_, err := bw.Write(nil) // the writer's first error (a closed pipe): stop reading
		return err
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

const filterHelp = `FILTER (the same language as the UI's search box): free words match domain,
name and value (case-insensitive substring); domain:, name:, value:,
purpose:, source:, is:session, is:expired, is:partitioned, is:secure,
is:httponly, is:protected narrow it; domain:example.com also matches its
subdomains; a leading - negates a term (-is:expired). Several terms must all
match.`
