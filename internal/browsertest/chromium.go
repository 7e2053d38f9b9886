package browsertest

import (
	"context"
	"math"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Chromium is a headless Chromium on a user-data dir, driven over CDP.
type Chromium struct {
	Dir  string // the user-data dir; the profile is Dir/Default
	proc *proc
	rpc  *rpc
}

// ChromiumFlags are the flags every start uses: headless, no sandbox (CI
// containers), nothing that would reach the network, and the "basic"
// password store, so values are v10 with the built-in key (there is no
// keyring on CI).
var ChromiumFlags = []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--password-store=basic", "--no-default-browser-check", "--disable-features=Translate,MediaRouter",
	"--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1"}

var devtoolsRe = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// ChromiumProfile prepares a user-data dir whose Default profile restores
// the last session on startup, so that session cookies survive a restart.
func ChromiumProfile(t testing.TB, dir string) {
	writeFile(t, filepath.Join(dir, "Default", "Preferences"),
		`{"session":{"restore_on_startup":1},"profile":{"exit_type":"Normal","exited_cleanly":true}}`)
}

// StartChromium starts Chromium on dir and connects to it.
func StartChromium(t testing.TB, bin, dir string) *Chromium {
	t.Helper()
	args := append(append([]string(nil), ChromiumFlags...), "--user-data-dir="+dir, "about:blank")
	p, ws := start(t, bin, args, nil, devtoolsRe)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := dial(ctx, ws)
	if err != nil {
		t.Fatalf("connecting to Chromium's DevTools at %s: %v", ws, err)
	}
	return &Chromium{Dir: dir, proc: p, rpc: r}
}

// Pid is the browser process.
func (c *Chromium) Pid() int { return c.proc.Pid() }

// cdpCookie is CDP's Network.Cookie / CookieParam.
type cdpCookie struct {
	Name         string        `json:"name"`
	Value        string        `json:"value"`
	URL          string        `json:"url,omitempty"`
	Domain       string        `json:"domain,omitempty"`
	Path         string        `json:"path,omitempty"`
	Secure       bool          `json:"secure"`
	HTTPOnly     bool          `json:"httpOnly"`
	SameSite     string        `json:"sameSite,omitempty"`
	Expires      float64       `json:"expires,omitempty"`
	Session      bool          `json:"session,omitempty"`
	PartitionKey *partitionKey `json:"partitionKey,omitempty"`
}

type partitionKey struct {
	TopLevelSite         string `json:"topLevelSite"`
	HasCrossSiteAncestor bool   `json:"hasCrossSiteAncestor"`
}

// SetCookies sets cookies through Storage.setCookies. A cookie with a
// domain without a leading dot is set host-only (through a URL).
func (c *Chromium) SetCookies(t testing.TB, cs []Cookie) {
	t.Helper()
	var params []cdpCookie
	for _, k := range cs {
		p := cdpCookie{Name: k.Name, Value: k.Value, Path: k.Path, Secure: k.Secure, HTTPOnly: k.HTTPOnly}
		if strings.HasPrefix(k.Domain, ".") {
			p.Domain = k.Domain
		} else {
			scheme := "http"
			if k.Secure {
				scheme = "https"
			}
			p.URL = scheme + "://" + k.Domain + k.Path
		}
		switch k.SameSite {
		case "none":
			p.SameSite = "None"
		case "lax":
			p.SameSite = "Lax"
		case "strict":
			p.SameSite = "Strict"
		}
		if !k.Session {
			p.Expires = float64(k.Expires)
		}
		if k.Partition != "" {
			p.PartitionKey = &partitionKey{TopLevelSite: k.Partition}
		}
		params = append(params, p)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.rpc.call(ctx, "Storage.setCookies", map[string]any{"cookies": params}, nil); err != nil {
		t.Fatalf("Chromium: %v", err)
	}
}

// Cookies returns every cookie the browser holds (Storage.getCookies,
// which includes partitioned ones and decrypts every stored value: a value
// whose key or host prefix were wrong would be missing).
func (c *Chromium) Cookies(t testing.TB) []Cookie {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res struct {
		Cookies []cdpCookie `json:"cookies"`
	}
	if err := c.rpc.call(ctx, "Storage.getCookies", nil, &res); err != nil {
		t.Fatalf("Chromium: %v", err)
	}
	out := make([]Cookie, 0, len(res.Cookies))
	for _, k := range res.Cookies {
		ck := Cookie{Name: k.Name, Value: k.Value, Domain: k.Domain, Path: k.Path, Secure: k.Secure,
			HTTPOnly: k.HTTPOnly, SameSite: strings.ToLower(k.SameSite), Session: k.Session}
		if !k.Session {
			ck.Expires = int64(math.Round(k.Expires))
		}
		if k.PartitionKey != nil {
			ck.Partition = k.PartitionKey.TopLevelSite
		}
		out = append(out, ck)
	}
	return out
}

// Close quits the browser cleanly (Browser.close: the cookie store is
// flushed) and waits until every process of it is gone.
func (c *Chromium) Close(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = c.rpc.call(ctx, "Browser.close", nil, nil)
	c.rpc.close()
	c.proc.waitExit(t, 30*time.Second)
}
