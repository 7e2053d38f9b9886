package ui

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// The welcome screen greets a first run on an empty jar: it lists the
// browsers found, imports them all with one key, and offers a demo set of
// invented cookies so that someone without browsers sees a working app.

//go:embed demo.json
var demoJSON []byte

// demoSource is the Source of every demo cookie; `crumbs purge source:demo`
// or u removes them again.
const demoSource = "demo"

type demoCookie struct {
	Domain   string `json:"domain"`
	HostOnly bool   `json:"hostOnly"`
	Path     string `json:"path"`
	Name     string `json:"name"`
	Value    string `json:"value"`
	Secure   bool   `json:"secure"`
	HTTPOnly bool   `json:"httpOnly"`
	SameSite string `json:"sameSite"`
	// Days until expiry, counted from the moment the demo is loaded; 0
	// makes a session cookie.
	Days         int    `json:"days"`
	Partitioned  string `json:"partitionedBy,omitempty"`
	Container    string `json:"container,omitempty"`
	ContainerKey string `json:"containerKey,omitempty"`
}

// demoCookies decodes the embedded demo set, dated relative to now.
func demoCookies(now time.Time) ([]cookie.Cookie, error) {
	var ds []demoCookie
	if err := json.Unmarshal(demoJSON, &ds); err != nil {
		return nil, fmt.Errorf("demo.json: %w", err)
	}
	out := make([]cookie.Cookie, 0, len(ds))
	for _, d := range ds {
		c := cookie.Cookie{
			Source: demoSource, Domain: d.Domain, HostOnly: d.HostOnly, Path: d.Path,
			Name: d.Name, Value: d.Value, Secure: d.Secure, HTTPOnly: d.HTTPOnly,
			Created: now.Add(-72 * time.Hour), LastAccessed: now.Add(-time.Hour),
			LastUpdated: now.Add(-time.Hour), Encryption: cookie.EncPlain,
		}
		c.SameSite, _ = cookie.ParseSameSite(d.SameSite)
		if d.Days == 0 {
			c.Session = true
		} else {
			c.Expires = now.Add(time.Duration(d.Days) * 24 * time.Hour).Truncate(time.Second).UTC()
		}
		if d.Partitioned != "" {
			c.Partition = cookie.Partition{Kind: cookie.PartitionCHIPS, TopLevelSite: d.Partitioned}
		}
		if d.ContainerKey != "" {
			c.Container = cookie.Container{Key: d.ContainerKey, Name: d.Container}
		}
		out = append(out, c)
	}
	return out, nil
}

func (m *Model) loadDemo() tea.Cmd {
	now := m.j.Now()
	return m.change(func(ctx context.Context, j *jar.Jar) (string, error) {
		cs, err := demoCookies(now)
		if err != nil {
			return "", err
		}
		st, err := j.Import(ctx, []jar.Batch{{Source: demoSource, File: "built-in demo set", Cookies: cs}}, jar.ImportOptions{})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("loaded %d demo cookies (source demo) — u removes them", st.Added+st.Updated+st.Unchanged), nil
	})
}

func (m *Model) updateWelcome(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &m.keys
	switch {
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		m.backScreen, m.screen = scrWelcome, scrHelp
	case key.Matches(km, k.Import):
		if m.discovering || m.profiles == nil {
			return m.openImport()
		}
		return m.importAll()
	case key.Matches(km, k.Demo):
		return m.loadDemo()
	case key.Matches(km, k.Trash):
		m.screen = scrTrash
		return m.loadTrashCmd()
	case key.Matches(km, k.Undo):
		return m.undo()
	}
	return nil
}

func (m *Model) viewWelcome() string {
	w := m.w
	lines := []string{
		m.viewHeader(), "",
		m.th.title.Render("Welcome to crumbs"),
		"Your cookie jar is empty: " + m.th.muted.Render(safe(m.j.Path())),
		"crumbs reads the cookies of your browsers into this jar (it never changes the browsers' files),",
		"says what each one is for, and lets you wipe the tracking ones while keeping your logins.",
		"",
	}
	rw := !m.opts.ReadOnly
	switch {
	case m.opts.Discover == nil:
		lines = append(lines, m.th.muted.Render("Browser discovery is not available here; run: crumbs import SOURCE"))
	case m.discovering:
		lines = append(lines, "Looking for browsers…")
	case m.profilesErr != nil:
		lines = append(lines, m.th.danger.Render("Looking for browsers failed: "+safe(m.profilesErr.Error())))
	case len(m.profiles) == 0:
		lines = append(lines, "No browser profiles found on this machine.")
	default:
		lines = append(lines, m.th.title.Render(fmt.Sprintf("Browsers found (%d profiles):", len(m.profiles))))
		lines = append(lines, profileLines(m, m.profiles, -1, nil, w-2, maxi(m.h-18, 3))...)
	}
	lines = append(lines, "")
	if rw && m.keys.Import.Enabled() && len(m.profiles) > 0 {
		lines = append(lines, m.th.key.Render("i")+"  import all of them now")
	}
	if rw {
		lines = append(lines, m.th.key.Render("D")+"  load a demo set of invented cookies to try crumbs (source \"demo\", u removes it)")
	}
	lines = append(lines, m.th.key.Render("t")+"  open the trash", m.th.key.Render("q")+"  quit")
	if m.opts.ReadOnly {
		lines = append(lines, "", m.th.badge.Render(" READ-ONLY ")+" importing is off")
	}
	for len(lines) < m.h-2 {
		lines = append(lines, "")
	}
	status := "? help"
	if m.toast != "" {
		st := m.th.ok
		if m.toastErr {
			st = m.th.danger
		}
		status = st.Render(m.toast) + " · " + status
	}
	lines = append(lines, status, m.helpLine())
	return joinLines(lines)
}
