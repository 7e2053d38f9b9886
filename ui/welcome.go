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
			Created: cookie.TimeOf(now.Add(-72 * time.Hour)), LastAccessed: cookie.TimeOf(now.Add(-time.Hour)),
			LastUpdated: cookie.TimeOf(now.Add(-time.Hour)), Encryption: cookie.EncPlain,
		}
		c.SameSite, _ = cookie.ParseSameSite(d.SameSite)
		if d.Days == 0 {
			c.Session = true
		} else {
			c.Expires = cookie.TimeOf(now.Add(time.Duration(d.Days) * 24 * time.Hour).Truncate(time.Second).UTC())
		}
		if d.Partitioned != "" {
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: d.Partitioned})
		}
		if d.ContainerKey != "" {
			c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: d.ContainerKey, Name: d.Container})
		}
		out = append(out, c)
	}
	return out, nil
}

func loadDemo(c *Context) tea.Cmd {
	now := c.jar.Now()
	return c.change("loading the demo cookies", func(ctx context.Context, j *jar.Jar) (string, error) {
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

// welcomeScreen is the base screen while the jar is empty; its state (the
// profiles found) is the root's, in Context.data.
type welcomeScreen struct{}

func (ws *welcomeScreen) enableKeys(c *Context, k *KeyMap) {
	enable(true, &k.Quit, &k.Help, &k.Trash, &k.Refresh)
	if !c.opts.ReadOnly {
		enable(c.canImport(), &k.Import)
		enable(true, &k.Demo, &k.Undo)
	}
}

func (ws *welcomeScreen) shortHelp(k *KeyMap) []key.Binding {
	return []key.Binding{k.Import, k.Demo, k.Trash, k.Help, k.Quit}
}

func (ws *welcomeScreen) update(c *Context, msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return nil
	}
	k := &c.keys
	switch {
	case key.Matches(km, k.Quit):
		return tea.Quit
	case key.Matches(km, k.Help):
		c.nav.push(newHelp(ws))
	case key.Matches(km, k.Import):
		if c.data.discovering || c.data.profiles == nil {
			return openImport(c)
		}
		return importAll(c)
	case key.Matches(km, k.Demo):
		return loadDemo(c)
	case key.Matches(km, k.Trash):
		t := newTrashScreen(c)
		c.nav.push(t)
		return t.load(c)
	case key.Matches(km, k.Undo):
		return undo(c)
	}
	return nil
}

func (ws *welcomeScreen) view(c *Context) string {
	w, th, d := c.w, c.th, c.data
	lines := []string{
		viewHeader(c), "",
		th.title.Render("Welcome to crumbs"),
		"Your cookie jar is empty: " + th.muted.Render(safe(c.jar.Path())),
		"crumbs reads the cookies of your browsers into this jar (it never changes the browsers' files),",
		"says what each one is for, and lets you wipe the tracking ones while keeping your logins.",
		"",
	}
	rw := !c.opts.ReadOnly
	switch {
	case c.opts.Discover == nil:
		lines = append(lines, th.muted.Render("Browser discovery is not available here; run: crumbs import SOURCE"))
	case d.discovering:
		lines = append(lines, "Looking for browsers…")
	case d.profilesErr != nil:
		lines = append(lines, th.danger.Render("Looking for browsers failed: "+safe(d.profilesErr.Error())))
	case len(d.profiles) == 0:
		lines = append(lines, "No browser profiles found on this machine.")
	default:
		lines = append(lines, th.title.Render(fmt.Sprintf("Browsers found (%d profiles):", len(d.profiles))))
		lines = append(lines, profileLines(c, d.profiles, -1, nil, w-2, maxi(c.h-18, 3))...)
	}
	lines = append(lines, "")
	if rw && c.canImport() && len(d.profiles) > 0 {
		lines = append(lines, th.key.Render("i")+"  import all of them now")
	}
	if rw {
		lines = append(lines, th.key.Render("D")+"  load a demo set of invented cookies to try crumbs (source \"demo\", u removes it)")
	}
	if rw {
		// Nothing can be protected before there are cookies: the offer
		// says how, and the purge dialog makes it once they are in.
		lines = append(lines, th.key.Render("K")+"  after importing, protect the sites where you are signed in (P offers them)")
	}
	lines = append(lines, th.key.Render("t")+"  open the trash", th.key.Render("q")+"  quit")
	if c.opts.ReadOnly {
		lines = append(lines, "", th.badge.Render(" READ-ONLY ")+" importing is off")
	}
	lines = fill(lines, c.h-2)
	status := "? help"
	if t := toastText(c); t != "" {
		status = t + " · " + status
	}
	if b := busyText(c); b != "" {
		status = b + " · " + status
	}
	return joinLines(append(lines, status))
}
