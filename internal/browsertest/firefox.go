package browsertest

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Firefox is a headless Firefox on a profile folder, driven over WebDriver
// BiDi (--remote-debugging-port serves BiDi directly since Firefox 129).
type Firefox struct {
	Dir  string
	proc *proc
	rpc  *rpc
}

var bidiRe = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// FirefoxProfile prepares a profile that restores the previous session on
// startup (browser.startup.page 3), so session cookies survive a restart
// through the session store, and that stays off the network.
func FirefoxProfile(t testing.TB, dir string) {
	prefs := []string{
		`user_pref("browser.startup.page", 3);`,
		`user_pref("browser.sessionstore.resume_from_crash", true);`,
		`user_pref("browser.sessionstore.interval", 500);`,
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.aboutwelcome.enabled", false);`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("app.update.enabled", false);`,
		`user_pref("browser.safebrowsing.malware.enabled", false);`,
		`user_pref("browser.safebrowsing.phishing.enabled", false);`,
		`user_pref("network.captive-portal-service.enabled", false);`,
		`user_pref("network.connectivity-service.enabled", false);`,
		`user_pref("extensions.update.enabled", false);`,
		`user_pref("app.normandy.enabled", false);`,
	}
	writeFile(t, filepath.Join(dir, "user.js"), strings.Join(prefs, "\n")+"\n")
}

// StartFirefox starts Firefox on the profile dir and opens a BiDi session.
func StartFirefox(t testing.TB, bin, dir string) *Firefox {
	t.Helper()
	args := []string{"--headless", "--no-remote", "--profile", dir, "--remote-debugging-port", "0", "about:blank"}
	p, ws := start(t, bin, args, []string{"MOZ_CRASHREPORTER_DISABLE=1"}, bidiRe)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := dial(ctx, strings.TrimSuffix(ws, "/")+"/session")
	if err != nil {
		t.Fatalf("connecting to Firefox's WebDriver BiDi at %s: %v", ws, err)
	}
	f := &Firefox{Dir: dir, proc: p, rpc: r}
	if err := r.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		t.Fatalf("Firefox: %v", err)
	}
	return f
}

// Pid is the browser process.
func (f *Firefox) Pid() int { return f.proc.Pid() }

type bidiValue struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type bidiCookie struct {
	Name     string    `json:"name"`
	Value    bidiValue `json:"value"`
	Domain   string    `json:"domain"`
	Path     string    `json:"path,omitempty"`
	HTTPOnly bool      `json:"httpOnly"`
	Secure   bool      `json:"secure"`
	SameSite string    `json:"sameSite,omitempty"`
	Expiry   *int64    `json:"expiry,omitempty"`
}

func partition(site string) map[string]any {
	p := map[string]any{"type": "storageKey"}
	if site != "" {
		p["sourceOrigin"] = site
	}
	return p
}

// SetCookies sets cookies through storage.setCookie, partitioned ones in
// the storage partition of their top-level site. An unspecified SameSite
// is left out, so Firefox stores its own default ("default", unset) as for
// a Set-Cookie without the attribute; sending "none" instead makes a
// cookie that is not Secure one Firefox refuses (SameSite=None requires
// Secure since network.cookie.sameSite.noneRequiresSecure).
func (f *Firefox) SetCookies(t testing.TB, cs []Cookie) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, k := range cs {
		bc := bidiCookie{Name: k.Name, Value: bidiValue{"string", k.Value}, Domain: k.Domain, Path: k.Path,
			HTTPOnly: k.HTTPOnly, Secure: k.Secure, SameSite: k.SameSite}
		if !k.Session {
			e := k.Expires
			bc.Expiry = &e
		}
		if err := f.rpc.call(ctx, "storage.setCookie", map[string]any{"cookie": bc, "partition": partition(k.Partition)}, nil); err != nil {
			t.Fatalf("Firefox: setting %s: %v", k, err)
		}
	}
}

// Cookies returns the cookies of the default partition and of each of the
// given top-level sites' partitions (storage.getCookies).
func (f *Firefox) Cookies(t testing.TB, partitions ...string) []Cookie {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Firefox answers a query of the default partition with the
	// partitioned cookies too; each partition's own query tells which
	// those are (matched by domain, path, name and value).
	var out []Cookie
	for _, site := range append([]string{""}, partitions...) {
		var res struct {
			Cookies []bidiCookie `json:"cookies"`
		}
		if err := f.rpc.call(ctx, "storage.getCookies", map[string]any{"partition": partition(site)}, &res); err != nil {
			t.Fatalf("Firefox: %v", err)
		}
		for _, k := range res.Cookies {
			ck := Cookie{Name: k.Name, Value: k.Value.Value, Domain: k.Domain, Path: k.Path, Secure: k.Secure,
				HTTPOnly: k.HTTPOnly, SameSite: strings.ToLower(k.SameSite), Session: k.Expiry == nil, Partition: site}
			if k.Expiry != nil {
				ck.Expires = *k.Expiry
			}
			if site != "" {
				for i, o := range out {
					if o.Partition == "" && o.Domain == ck.Domain && o.Path == ck.Path && o.Name == ck.Name && o.Value == ck.Value {
						out = append(out[:i], out[i+1:]...)
						break
					}
				}
			}
			out = append(out, ck)
		}
	}
	return out
}

// Close quits Firefox (browser.close: the session store and cookie
// database are written on the way out) and waits until it is gone.
func (f *Firefox) Close(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = f.rpc.call(ctx, "browser.close", nil, nil)
	f.rpc.close()
	f.proc.waitExit(t, 30*time.Second)
}
