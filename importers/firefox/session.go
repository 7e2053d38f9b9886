package firefox

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/crumbs-dev/crumbs/importers/mozlz4"
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

// maxSessionFile caps the compressed session store read into memory.
const maxSessionFile = 64 << 20

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
	return sessionKey{c.Domain, c.Name, c.Path, c.Container.Key, c.Partition.TopLevelSite}
}

// readSessionStore adds the session cookies of the profile's session store.
// A profile without one is normal (Firefox not run since, or session restore
// off). A damaged one is a warning: the persistent cookies are still good.
func (r *rowReader) readSessionStore(ctx context.Context, profileDir string) error {
	seen := make(map[sessionKey]bool, len(r.res.Cookies))
	for i := range r.res.Cookies {
		seen[keyOf(&r.res.Cookies[i])] = true
	}
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
		info, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if !info.Mode().IsRegular() {
			r.res.Warnf("%s: not a regular file, skipped", p)
			continue
		}
		if info.Size() > maxSessionFile {
			r.res.Warnf("%s: %d bytes, too large for a session store, skipped", p, info.Size())
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			r.res.Warnf("%s: session cookies not read: %v", p, pathErr(err))
			continue
		}
		cookies, err := parseSessionStore(data)
		if err != nil {
			r.res.Warnf("%s: session cookies not read: %v", p, err)
			if r.allSessionFiles {
				continue
			}
			return nil
		}
		r.addSessionCookies(p, cookies, seen)
		if !r.allSessionFiles {
			break // the newest file that exists is the session
		}
	}
	return ctx.Err()
}

// addSessionCookies adds the cookies of one session-store file that are
// not already in the result (the database's copy wins).
func (r *rowReader) addSessionCookies(file string, cookies []sessionCookie, seen map[sessionKey]bool) {
	for _, sc := range cookies {
		if why := badRow(sc.Name, sc.Value, sc.Host, sc.Path); why != "" {
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
			Extras:      cookie.Extras{SchemeMap: sc.SchemeMap},
			Encryption:  cookie.EncPlain,
			OriginalKey: EncodeKey(sc.Name, sc.Host, sc.Path, suffix) + "&store=session",
		}
		if seen[keyOf(&c)] {
			continue
		}
		seen[keyOf(&c)] = true
		r.res.Cookies = append(r.res.Cookies, c)
	}
}

// parseSessionStore decodes a mozLz4 session store (or plain JSON, as very
// old profiles wrote sessionstore.js) and returns its cookies[].
func parseSessionStore(data []byte) ([]sessionCookie, error) {
	if strings.HasPrefix(string(data[:min(len(data), len(mozlz4.Magic))]), mozlz4.Magic) {
		var err error
		if data, err = mozlz4.Decode(data); err != nil {
			return nil, err
		}
	}
	var doc struct {
		Cookies []sessionCookie `json:"cookies"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, errors.New("not a session store (invalid JSON at byte " + strconv.FormatInt(se.Offset, 10) + ")")
		}
		return nil, errors.New("not a session store: " + err.Error())
	}
	return doc.Cookies, nil
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
