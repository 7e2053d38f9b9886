package firefox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/mozlz4"
	"github.com/crumbs-dev/crumbs/importers/snapshot"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// sessionFiles are where Firefox keeps its session store, newest first
// (docs/stores-firefox-safari.md §Session cookies; kooky's order). The first one that exists is read.
var sessionFiles = []string{
	filepath.Join("sessionstore-backups", "recovery.jsonlz4"),
	filepath.Join("sessionstore-backups", "recovery.baklz4"),
	"sessionstore.jsonlz4",
	filepath.Join("sessionstore-backups", "previous.jsonlz4"),
}

// sessionCookie is one entry of the session store's top-level cookies[].
type sessionCookie struct {
	Host             string         `json:"host"`
	Name             string         `json:"name"`
	Value            string         `json:"value"`
	Path             string         `json:"path"`
	Secure           bool           `json:"secure"`
	HTTPOnly         bool           `json:"httponly"`
	SameSite         *int64         `json:"sameSite"`
	SchemeMap        int            `json:"schemeMap"`
	IsPartitioned    bool           `json:"isPartitioned"`
	OriginAttributes map[string]any `json:"originAttributes"`
}

// sessionKey identifies a cookie for "the DB wins" de-duplication.
type sessionKey struct{ host, name, path, container, partition string }

func keyOf(c *cookie.Cookie) sessionKey {
	return sessionKey{c.Domain, c.Name, c.Path, c.Container.Key(), c.Partition.TopLevelSite()}
}

// readSessionStore adds the session cookies of the profile's session store.
// A profile without one is normal (Firefox not run since, or session restore
// off). One that cannot be read or decoded fails the read (issue 8 item 2:
// a damaged read is a failed read), as does a session store that is not a
// regular file inside the profile folder (a FIFO, a symlink, a symlinked
// sessionstore-backups/).
func (r *rowReader) readSessionStore(ctx context.Context, profileDir string) error {
	// The database's cookies, which win over a session file's: only those
	// a session file also has are looked for (stored), so that a profile
	// without a session store, or with a few dozen session cookies, costs
	// no set of every database cookie (38 ms at 85,000).
	stored := r.res.Cookies
	seen := map[sessionKey]bool{}
	names := sessionFiles
	if r.allSessionFiles {
		names = nil
		for _, p := range sessionStoreFiles(profileDir) {
			rel, _ := filepath.Rel(profileDir, p)
			names = append(names, rel)
		}
	}
	for _, name := range names {
		p := filepath.Join(profileDir, name)
		b, err := importers.ReadSideFile(profileDir, name, importers.MaxSessionStore)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			if r.allSessionFiles {
				r.res.Warnf("%s: session store refused: %v", p, err)
				continue
			}
			return importers.Errorf(p, "session store refused: %v", err)
		}
		cookies, err := parseSessionStore(b)
		if err != nil {
			if r.allSessionFiles {
				r.res.Warnf("%s: session cookies not read: %v", p, err)
				continue
			}
			return importers.Errorf(p, "session cookies not read: %v", err)
		}
		r.addSessionCookies(p, cookies, stored, seen)
		if !r.allSessionFiles {
			break // the newest file that exists is the session
		}
	}
	return ctx.Err()
}

// addSessionCookies adds the cookies of one session-store file that are
// not already in the result: not among stored, the database's (whose copy
// wins), nor in seen, the session cookies added so far.
func (r *rowReader) addSessionCookies(file string, cookies []sessionCookie, stored []cookie.Cookie, seen map[sessionKey]bool) {
	var add []cookie.Cookie
	for _, sc := range cookies {
		why := badRow(sc.Name, sc.Value, sc.Host, sc.Path)
		if why == "" && (importers.TooLarge(sc.Name, sc.Value) || len(sc.Host) > importers.MaxValue || len(sc.Path) > importers.MaxValue) {
			// The cap of every reader (issue 8 items 1 and 13).
			why = snapshot.TooLarge("a name, value, host or path")
		}
		if why != "" {
			r.res.Refused++
			r.res.Warnf("%s: session cookie (host %q): %s", file, printable(sc.Host), why)
			continue
		}
		suffix := originSuffix(sc.OriginAttributes)
		attrs := parseOriginAttributes(suffix, sc.IsPartitioned)
		ss := int64(256)
		if sc.SameSite != nil {
			ss = *sc.SameSite
		}
		c := cookie.Cookie{
			Source:      r.opts.Source,
			Domain:      sc.Host,
			HostOnly:    !strings.HasPrefix(sc.Host, "."),
			Path:        sc.Path,
			Name:        sc.Name,
			Value:       sc.Value,
			Secure:      sc.Secure,
			HTTPOnly:    sc.HTTPOnly,
			SameSite:    sameSite(ss, 0, false),
			Session:     true,
			Partition:   attrs.partition,
			Container:   r.container(attrs, 0, 0),
			Extras:      cookie.MakeExtras(cookie.ExtraFields{SchemeMap: sc.SchemeMap}),
			Encryption:  cookie.EncPlain,
			OriginalKey: EncodeKey(sc.Name, sc.Host, sc.Path, suffix) + "&store=session",
		}
		add = append(add, c)
	}
	if len(add) == 0 {
		return
	}
	want := make(map[sessionKey]bool, len(add))
	for i := range add {
		want[keyOf(&add[i])] = true
	}
	for i := range stored {
		if k := keyOf(&stored[i]); want[k] {
			seen[k] = true
		}
	}
	for i := range add {
		if k := keyOf(&add[i]); !seen[k] {
			seen[k] = true
			r.res.Cookies = append(r.res.Cookies, add[i])
		}
	}
}

// MaxSessionCookies is the most cookies a session store may hold
// (snapshot.MaxCookies, the bound of every store).
const MaxSessionCookies = snapshot.MaxCookies

// parseSessionStore decodes a mozLz4 session store (or plain JSON, as very
// old profiles wrote sessionstore.js) and returns its cookies[]. The
// cookies are decoded one at a time and counted, so that a small file that
// expands into millions of them is refused before it costs their memory.
func parseSessionStore(data []byte) ([]sessionCookie, error) {
	if strings.HasPrefix(string(data[:min(len(data), len(mozlz4.Magic))]), mozlz4.Magic) {
		var err error
		if data, err = mozlz4.Decode(data); err != nil {
			return nil, err
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	bad := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return errors.New("not a session store (invalid JSON at byte " + strconv.FormatInt(se.Offset, 10) + ")")
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return errors.New("not a session store (truncated JSON)")
		}
		return errors.New("not a session store: " + err.Error())
	}
	if tok, err := dec.Token(); err != nil {
		return nil, bad(err)
	} else if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("not a session store (not a JSON object)")
	}
	var out []sessionCookie
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		if key, _ := tok.(string); key != "cookies" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, bad(err)
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, bad(err)
		}
		if tok == nil {
			continue // "cookies": null
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return nil, errors.New("not a session store: cookies is not an array")
		}
		for dec.More() {
			if len(out) >= MaxSessionCookies {
				return nil, fmt.Errorf("more than %d session cookies, more than any browser keeps", MaxSessionCookies)
			}
			var sc sessionCookie
			if err := dec.Decode(&sc); err != nil {
				return nil, bad(err)
			}
			out = append(out, sc)
		}
		if _, err := dec.Token(); err != nil {
			return nil, bad(err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(err)
	}
	return out, nil
}

// originSuffix rebuilds Firefox's originAttributes suffix from the JSON
// object the session store holds, leaving out default values as Firefox
// does, so that it matches the suffix of the same cookie in the DB.
func originSuffix(attrs map[string]any) string {
	var parts []string
	for k, v := range attrs {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case float64:
			s = strconv.FormatFloat(v, 'f', -1, 64)
		case bool:
			if v {
				s = "1"
			}
		}
		if s == "" || s == "0" {
			continue
		}
		if k == "inIsolatedMozBrowser" {
			k = "inBrowser" // the suffix spelling of this attribute
		}
		if k == "partitionKey" || k == "firstPartyDomain" {
			s = url.QueryEscape(s)
		}
		parts = append(parts, k+"="+s)
	}
	if len(parts) == 0 {
		return ""
	}
	sort.Strings(parts)
	return "^" + strings.Join(parts, "&")
}
