package ui

import (
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"github.com/crumbs-dev/crumbs/internal/app"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// detailLines describes every field of c, one "label value" pair per
// entry, all text sanitised. The value is masked unless reveal is set; a
// revealed value is wrapped to w cells when full is set, else cut.
func detailLines(cx *Context, c *cookie.Cookie, w int, full bool) []string {
	th := cx.th
	label := func(s string) string { return th.muted.Render(fmt.Sprintf("%-11s", s)) }
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	kind := "domain cookie"
	if c.HostOnly {
		kind = "host-only"
	}
	var out []string
	out = append(out, label("name")+safe(c.Name)+pairSep+label("domain")+safe(c.Domain)+" ("+kind+")   "+label("path")+safe(c.Path))

	valW := maxi(w-11, 1)
	switch {
	case c.ValueUnreadable:
		out = append(out, label("value")+th.warn.Render("unreadable: "+safe(c.UnreadableReason)))
	case !cx.reveal:
		out = append(out, label("value")+strings.Repeat("•", mini(len(c.Value), 16))+th.muted.Render(fmt.Sprintf("  (%d bytes · v shows)", len(c.Value))))
	case full:
		parts := wrap(safe(c.Value), valW)
		if len(parts) == 0 {
			parts = []string{""}
		}
		for i, p := range parts {
			if i == 0 {
				out = append(out, label("value")+p)
			} else {
				out = append(out, spaces(11)+p)
			}
		}
	default:
		out = append(out, label("value")+trunc(safe(c.Value), valW))
	}

	// The CLI's words for why (internal/app.Explain).
	out = append(out, label("purpose")+th.purposeStyle(c.Purpose).Render(string(c.Purpose))+" — "+safe(app.Explain(c)))
	if c.ProtectedBy != "" {
		out = append(out, label("protected")+th.ok.Render(protectGlyph+" yes")+" — by "+safe(c.ProtectedBy)+th.muted.Render(" · no purge or bulk delete takes it"))
	}

	exp := "session (until the browser closes)"
	if !c.Session {
		if c.Expires.IsZero() {
			exp = "not stored"
		} else {
			exp = c.Expires.Time().Format("2006-01-02 15:04:05 UTC")
			if c.Expired(cx.jar.Now()) {
				exp += " (expired)"
			}
		}
	}
	out = append(out, label("expires")+exp+pairSep+label("secure")+yes(c.Secure)+pairSep+label("httponly")+yes(c.HTTPOnly)+pairSep+label("samesite")+c.SameSite.String())
	out = append(out, label("source")+safe(c.Source)+pairSep+label("created")+fmtTime(c.Created.Time())+pairSep+label("accessed")+fmtTime(c.LastAccessed.Time())+pairSep+label("updated")+fmtTime(c.LastUpdated.Time()))

	out = append(out, storageLines(c, label)...)
	if full && c.OriginalKey != "" {
		out = append(out, label("store key")+safe(c.OriginalKey))
	}
	if full && cx.reveal && !c.ValueUnreadable {
		for _, d := range decodeValue(c.Value) {
			for i, p := range wrap(safe(d.text), valW) {
				if i == 0 {
					out = append(out, label(d.kind)+p)
				} else {
					out = append(out, spaces(11)+p)
				}
			}
		}
	}
	return out
}

// storageLines are the partition, container, encryption and browser-extras
// lines of the details.
func storageLines(c *cookie.Cookie, label func(string) string) []string {
	var out []string
	part := "none"
	if !c.Partition.IsZero() {
		part = string(c.Partition.Kind()) + " " + safe(c.Partition.TopLevelSite())
		if c.Partition.CrossSiteAncestor() {
			part += " (cross-site ancestor)"
		}
	}
	cont := "default"
	if c.Container.Key() != "" {
		cont = safe(c.Container.Key())
		if c.Container.Name() != "" {
			cont = safe(c.Container.Name()) + " (" + cont + ")"
		}
	}
	enc := string(c.Encryption)
	if enc == "" {
		enc = "plain"
	}
	out = append(out, label("partition")+part+pairSep+label("container")+cont+pairSep+label("encryption")+safe(enc))
	if !c.Extras.IsZero() {
		e := c.Extras.Fields()
		var xs []string
		if e.Priority != "" {
			xs = append(xs, "priority "+safe(e.Priority))
		}
		if e.SourceScheme != "" {
			xs = append(xs, "source scheme "+safe(e.SourceScheme))
		}
		if e.SourcePort != 0 {
			xs = append(xs, fmt.Sprintf("source port %d", e.SourcePort))
		}
		if e.SourceType != "" {
			xs = append(xs, "source type "+safe(e.SourceType))
		}
		if e.SchemeMap != 0 {
			xs = append(xs, fmt.Sprintf("scheme map %d", e.SchemeMap))
		}
		out = append(out, label("extras")+strings.Join(xs, ", "))
	}
	return out
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

// viewDetailsPane is the bottom pane of the main screen.
func viewDetailsPane(c *Context, ck *cookie.Cookie, w, h int) string {
	hint := ""
	if ck != nil {
		hint = " · enter: all fields"
	}
	lines := []string{c.th.blurTitle.Render(fit("Details"+hint, w))}
	if ck != nil {
		for _, l := range wrapDetail(detailLines(c, ck, w, false), w) {
			lines = append(lines, fit(l, w))
		}
	} else {
		lines = append(lines, c.th.muted.Render(fit("  no cookie selected", w)))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return clampLines(joinLines(lines), w, h)
}

// detailsScreen shows every field of the main screen's current cookie, the
// value wrapped in full when revealed, in a bubbles/viewport.
type detailsScreen struct {
	main *mainScreen
	vp   viewport.Model
}

func newDetails(ms *mainScreen) *detailsScreen {
	return &detailsScreen{main: ms, vp: viewport.New(0, 0)}
}

func (d *detailsScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, &k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.Back, &k.Reveal, &k.Quit, &k.Help, &k.Copy, &k.CopyAs)
	if !c.opts.ReadOnly && d.main.currentCookie() != nil {
		enable(true, &k.Edit, &k.EditValue, &k.SetPurpose)
	}
}

func (d *detailsScreen) shortHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Reveal, k.Copy, k.Edit, k.Back, k.Help, k.Quit}
}

// content is every field of ck, the lines the viewport scrolls.
func (d *detailsScreen) content(c *Context, ck *cookie.Cookie) string {
	return joinLines(wrapDetail(detailLines(c, ck, c.w, true), c.w))
}

// bodyHeight is the rows below the title and above the status bar.
func bodyHeight(c *Context) int { return maxi(c.h-3, 1) }

func (d *detailsScreen) view(c *Context) string {
	ck := d.main.currentCookie()
	if ck == nil {
		return d.main.view(c) // gone: the root pops this screen on the next result
	}
	title := c.th.title.Render(fit("Cookie "+safe(ck.Name)+" on "+safe(ck.Domain), c.w))
	body := fitViewport(c, d.vp, d.content(c, ck), bodyHeight(c)).View()
	return joinLines([]string{title, body, d.main.viewStatus(c)})
}

func (d *detailsScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &c.keys
	ck := d.main.currentCookie()
	switch {
	case key.Matches(km, k.Up, k.Down, k.PageUp, k.PageDown):
		if ck != nil {
			d.vp = scrolled(c, d.vp, d.content(c, ck), bodyHeight(c), km)
		}
	case key.Matches(km, k.Back):
		c.nav.pop()
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		c.nav.push(newHelp(d))
	case key.Matches(km, k.Reveal):
		c.reveal = !c.reveal
	case key.Matches(km, k.Copy):
		return copyValue(c, ck)
	case key.Matches(km, k.CopyAs):
		return copyAs(c, d.main.selectedCookies(c.ds()))
	case key.Matches(km, k.Edit, k.EditValue):
		return editCookie(c, ck, key.Matches(km, k.EditValue))
	case key.Matches(km, k.SetPurpose):
		if ck != nil {
			c.nav.open(&purposePicker{ids: []int64{ck.ID}})
		}
	}
	return nil
}

// pairSep separates the "label value" pairs of one details line; wrapDetail
// turns it into spaces or line breaks.
const pairSep = "\x00"

// wrapDetail fits details lines to w cells: the pairs of a line go on as
// few lines as hold them, and a pair wider than w wraps at word
// boundaries, its continuation indented under the value.
func wrapDetail(lines []string, w int) []string {
	var out []string
	for _, l := range lines {
		cur := ""
		for _, seg := range strings.Split(l, pairSep) {
			switch {
			case cur == "":
				cur = seg
			case width(cur)+3+width(seg) <= w:
				cur += "   " + seg
			default:
				out = append(out, wrapIndented(cur, w)...)
				cur = seg
			}
		}
		out = append(out, wrapIndented(cur, w)...)
	}
	return out
}

// wrapIndented wraps s at word boundaries to w cells, continuation lines
// indented by the label width.
func wrapIndented(s string, w int) []string {
	if width(s) <= w || w <= 12 {
		return []string{s}
	}
	first := splitLines(ansi.Wrap(s, w, ""))
	out := []string{first[0]}
	rest := strings.Join(first[1:], " ")
	for _, l := range splitLines(ansi.Wrap(rest, w-11, "")) {
		out = append(out, spaces(11)+l)
	}
	return out
}
