package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// detailLines describes every field of c, one "label value" pair per
// entry, all text sanitised. The value is masked unless reveal is set; a
// revealed value is wrapped to w cells when full is set, else cut.
func (m *Model) detailLines(c *cookie.Cookie, w int, full bool) []string {
	label := func(s string) string { return m.th.muted.Render(fmt.Sprintf("%-11s", s)) }
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
	out = append(out, label("name")+safe(c.Name)+"   "+label("domain")+safe(c.Domain)+" ("+kind+")   "+label("path")+safe(c.Path))

	valW := maxi(w-11, 1)
	switch {
	case c.ValueUnreadable:
		out = append(out, label("value")+m.th.warn.Render("unreadable: "+safe(c.UnreadableReason)))
	case !m.reveal:
		out = append(out, label("value")+strings.Repeat("•", mini(len(c.Value), 16))+m.th.muted.Render(fmt.Sprintf("  (%d bytes · v shows)", len(c.Value))))
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

	by := string(c.VerdictBy)
	if c.VerdictBy == cookie.EvidenceUser {
		by = "your verdict"
	}
	reason := safe(c.Reason)
	if reason == "" {
		reason = "no reason recorded"
	}
	out = append(out, label("purpose")+m.th.purposeStyle(c.Purpose).Render(string(c.Purpose))+" — "+reason+m.th.muted.Render(" (by "+by+")"))

	exp := "session (until the browser closes)"
	if !c.Session {
		if c.Expires.IsZero() {
			exp = "not stored"
		} else {
			exp = c.Expires.UTC().Format("2006-01-02 15:04:05 UTC")
			if c.Expired(m.j.Now()) {
				exp += " (expired)"
			}
		}
	}
	out = append(out, label("expires")+exp+"   "+label("secure")+yes(c.Secure)+"   "+label("httponly")+yes(c.HTTPOnly)+"   "+label("samesite")+c.SameSite.String())
	out = append(out, label("source")+safe(c.Source)+"   "+label("created")+fmtTime(c.Created)+"   "+label("accessed")+fmtTime(c.LastAccessed)+"   "+label("updated")+fmtTime(c.LastUpdated))

	part := "none"
	if !c.Partition.IsZero() {
		part = string(c.Partition.Kind) + " " + safe(c.Partition.TopLevelSite)
		if c.Partition.CrossSiteAncestor {
			part += " (cross-site ancestor)"
		}
	}
	cont := "default"
	if c.Container.Key != "" {
		cont = safe(c.Container.Key)
		if c.Container.Name != "" {
			cont = safe(c.Container.Name) + " (" + cont + ")"
		}
	}
	enc := string(c.Encryption)
	if enc == "" {
		enc = "plain"
	}
	out = append(out, label("partition")+part+"   "+label("container")+cont+"   "+label("encryption")+safe(enc))
	if !c.Extras.IsZero() {
		e := c.Extras
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
	if full && c.OriginalKey != "" {
		out = append(out, label("store key")+safe(c.OriginalKey))
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
func (m *Model) viewDetailsPane(w, h int) string {
	lines := []string{m.th.blurTitle.Render(fit("Details"+m.detailsHint(), w))}
	if c := m.currentCookie(); c != nil {
		for _, l := range m.detailLines(c, w, false) {
			lines = append(lines, fit(l, w))
		}
	} else {
		lines = append(lines, m.th.muted.Render(fit("  no cookie selected", w)))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return clampLines(joinLines(lines), w, h)
}

func (m *Model) detailsHint() string {
	if m.currentCookie() == nil {
		return ""
	}
	return " · enter: all fields"
}

func (m *Model) viewDetailsScreen() string {
	c := m.currentCookie()
	if c == nil {
		m.screen = m.backScreen
		return m.viewMain()
	}
	lines := []string{m.th.title.Render(fit("Cookie "+safe(c.Name)+" on "+safe(c.Domain), m.w))}
	body := m.detailLines(c, m.w, true)
	bodyH := maxi(m.h-3, 0)
	m.detailsScroll = clamp(m.detailsScroll, 0, maxi(len(body)-bodyH, 0))
	body = body[m.detailsScroll:]
	if len(body) > bodyH {
		body = body[:bodyH]
	}
	lines = append(lines, body...)
	for len(lines) < m.h-2 {
		lines = append(lines, "")
	}
	lines = append(lines, m.viewStatus(), m.helpLine())
	return joinLines(lines)
}

func (m *Model) updateDetails(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &m.keys
	switch {
	case key.Matches(km, k.Up):
		m.detailsScroll = maxi(m.detailsScroll-1, 0)
	case key.Matches(km, k.Down):
		m.detailsScroll++
	case key.Matches(km, k.Back):
		m.screen = m.backScreen
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		m.screen = scrHelp
	case key.Matches(km, k.Reveal):
		m.reveal = !m.reveal
	case key.Matches(km, k.Copy):
		return m.copyValue()
	case key.Matches(km, k.CopyAs):
		return m.copyAs()
	case key.Matches(km, k.Edit, k.EditValue):
		return m.editCurrent(key.Matches(km, k.EditValue))
	case key.Matches(km, k.SetPurpose):
		if c := m.currentCookie(); c != nil {
			m.modal = &purposePicker{ids: []int64{c.ID}}
		}
	}
	return nil
}
