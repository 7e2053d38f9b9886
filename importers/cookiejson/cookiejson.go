// Package cookiejson reads and writes cookies as JSON in the chrome.cookies
// shape that Cookie-Editor and EditThisCookie export and import, extended
// with "partitionKey" and crumbs' own fields under "crumbs".
//
// It is crumbs' lossless format: every field of cookie.Cookie survives a
// write and a read, including sub-microsecond expiries and values that are
// not valid UTF-8 (kept as base64 under crumbs.raw). docs/formats.md has
// the full shape and every decision.
package cookiejson

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
)

// MaxFileBytes is the largest JSON file read (a 100k-cookie export is
// about 60 MB).
const MaxFileBytes = 1 << 30

// maxWarnings is how many refused entries are described one by one.
const maxWarnings = 5

// entry is one cookie object. Field order is the output order.
type entry struct {
	Domain         string          `json:"domain"`
	HostOnly       *bool           `json:"hostOnly,omitempty"`
	Path           string          `json:"path"`
	Name           string          `json:"name"`
	Value          string          `json:"value"`
	Secure         bool            `json:"secure"`
	HTTPOnly       bool            `json:"httpOnly"`
	SameSite       *string         `json:"sameSite"`
	Session        *bool           `json:"session,omitempty"`
	ExpirationDate json.Number     `json:"expirationDate,omitempty"`
	StoreID        *string         `json:"storeId,omitempty"`
	PartitionKey   *partitionKey   `json:"partitionKey,omitempty"`
	Crumbs         *crumbsFields   `json:"crumbs,omitempty"`
	ID             json.RawMessage `json:"id,omitempty"` // EditThisCookie's index: read, ignored, not written
}

type partitionKey struct {
	TopLevelSite         string `json:"topLevelSite"`
	HasCrossSiteAncestor bool   `json:"hasCrossSiteAncestor"`
}

type container struct {
	Key  string `json:"key"`
	Name string `json:"name,omitempty"`
}

// crumbsFields are the model's fields the chrome.cookies shape lacks.
type crumbsFields struct {
	ID               int64          `json:"id,omitempty"`
	Source           string         `json:"source,omitempty"`
	Purpose          string         `json:"purpose,omitempty"`
	Reason           string         `json:"reason,omitempty"`
	VerdictBy        string         `json:"verdictBy,omitempty"`
	Container        *container     `json:"container,omitempty"`
	Created          string         `json:"created,omitempty"`
	LastAccessed     string         `json:"lastAccessed,omitempty"`
	LastUpdated      string         `json:"lastUpdated,omitempty"`
	Expires          string         `json:"expires,omitempty"` // exact expiry, only when expirationDate cannot carry it
	PartitionKind    *string        `json:"partitionKind,omitempty"`
	Extras           *cookie.Extras `json:"extras,omitempty"`
	Encryption       string         `json:"encryption,omitempty"`
	ValueUnreadable  bool           `json:"valueUnreadable,omitempty"`
	UnreadableReason string         `json:"unreadableReason,omitempty"`
	OriginalKey      string         `json:"originalKey,omitempty"`
	// Raw holds, base64-encoded, the exact bytes of name, value, domain or
	// path when they are not valid UTF-8 (JSON strings cannot carry them).
	Raw map[string]string `json:"raw,omitempty"`
}

// ---------------------------------------------------------------- writing

// Write writes cs as a JSON array, one cookie object per line, in the
// order given. Every cookie is written, expired ones included.
func Write(w io.Writer, cs []cookie.Cookie) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[")
	for i := range cs {
		buf.Reset()
		if err := enc.Encode(toEntry(&cs[i])); err != nil {
			return err
		}
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		// C1 controls escaped like C0 (internal/jsonesc).
		bw.Write(jsonesc.Escape(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})))
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

var sameSiteOut = [...]string{"unspecified", "no_restriction", "lax", "strict"}

func ptr[T any](v T) *T { return &v }

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// expirationDate renders t as unix seconds, with a fraction when t has one.
// exact is false when the float cannot carry t to the nanosecond.
func expirationDate(t time.Time) (n json.Number, exact bool) {
	sec, ns := t.Unix(), t.Nanosecond()
	if ns == 0 {
		return json.Number(strconv.FormatInt(sec, 10)), true
	}
	f := float64(sec) + float64(ns)/1e9
	back := fromUnixFloat(f)
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), back.Equal(t)
}

func toEntry(c *cookie.Cookie) *entry {
	e := &entry{
		Domain:   c.Domain,
		HostOnly: ptr(c.HostOnly),
		Path:     c.Path,
		Name:     c.Name,
		Value:    c.Value,
		Secure:   c.Secure,
		HTTPOnly: c.HTTPOnly,
		Session:  ptr(c.Session),
		StoreID:  ptr(storeID(c.Container.Key)),
	}
	ss := int(c.SameSite)
	if ss >= len(sameSiteOut) {
		ss = 0
	}
	e.SameSite = ptr(sameSiteOut[ss])
	x := &crumbsFields{
		ID:               c.ID,
		Source:           c.Source,
		Purpose:          string(c.Purpose),
		Reason:           c.Reason,
		VerdictBy:        string(c.VerdictBy),
		Created:          formatTime(c.Created),
		LastAccessed:     formatTime(c.LastAccessed),
		LastUpdated:      formatTime(c.LastUpdated),
		Encryption:       string(c.Encryption),
		ValueUnreadable:  c.ValueUnreadable,
		UnreadableReason: c.UnreadableReason,
		OriginalKey:      c.OriginalKey,
	}
	if !c.Session && !c.Expires.IsZero() {
		n, exact := expirationDate(c.Expires)
		e.ExpirationDate = n
		if !exact {
			x.Expires = formatTime(c.Expires)
		}
	} else if !c.Expires.IsZero() {
		x.Expires = formatTime(c.Expires) // a session cookie with an expiry: keep it
	}
	if !c.Partition.IsZero() {
		e.PartitionKey = &partitionKey{TopLevelSite: c.Partition.TopLevelSite, HasCrossSiteAncestor: c.Partition.CrossSiteAncestor}
		x.PartitionKind = ptr(string(c.Partition.Kind))
	}
	if c.Container != (cookie.Container{}) {
		x.Container = &container{Key: c.Container.Key, Name: c.Container.Name}
	}
	if !c.Extras.IsZero() {
		x.Extras = ptr(c.Extras)
	}
	for _, f := range [...]struct {
		key string
		val *string
	}{{"domain", &e.Domain}, {"path", &e.Path}, {"name", &e.Name}, {"value", &e.Value}} {
		if !utf8.ValidString(*f.val) {
			if x.Raw == nil {
				x.Raw = map[string]string{}
			}
			x.Raw[f.key] = base64.StdEncoding.EncodeToString([]byte(*f.val))
			*f.val = strings.ToValidUTF8(*f.val, "\uFFFD")
		}
	}
	// Always written, even when empty: its presence marks crumbs' own
	// export, which is read back verbatim.
	e.Crumbs = x
	return e
}

var userContextRE = regexp.MustCompile(`^userContextId=(\d+)$`)

// storeID is the chrome.cookies store of a container: Firefox's names for
// containers and private browsing, "0" (Chrome's default store) otherwise.
func storeID(key string) string {
	if m := userContextRE.FindStringSubmatch(key); m != nil && m[1] != "0" {
		return "firefox-container-" + m[1]
	}
	if key == "privateBrowsingId=1" {
		return "firefox-private"
	}
	return "0"
}

// ---------------------------------------------------------------- reading

// Read reads the JSON cookie file at path.
func Read(ctx context.Context, path string, opts importers.Options) (*importers.Result, error) {
	f, _, err := importers.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Source == "" {
		opts.Source = importers.FileSource(path)
	}
	return parse(ctx, f, path, opts)
}

// Reader is Read as an importers.Reader.
var Reader importers.Reader = importers.ReaderFunc(Read)

// Parse reads a JSON cookie export from r; name is used in errors and
// warnings. The top level is an array of cookie objects, or an object
// with such an array under "cookies".
//
// opts.Source is the source of cookies that carry none under
// crumbs.source; a cookie's own crumbs.source wins, so that a crumbs
// export imports back to the same identities.
func Parse(r io.Reader, name string, opts importers.Options) (*importers.Result, error) {
	return parse(context.Background(), r, name, opts)
}

func parse(ctx context.Context, r io.Reader, name string, opts importers.Options) (*importers.Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, importers.Errorf(name, "%v", err)
	}
	if len(data) > MaxFileBytes {
		return nil, importers.Errorf(name, "larger than %d MB: not a cookie export", MaxFileBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, importers.Errorf(name, "empty file: no cookies")
	case bytes.HasPrefix(data, []byte("SQLite format 3\x00")):
		return nil, importers.Errorf(name, "a SQLite database, not a JSON cookie export")
	case trimmed[0] != '[' && trimmed[0] != '{':
		return nil, importers.Errorf(name, "not JSON (a JSON cookie export starts with '[')")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// syntaxErr reports where the JSON is broken. The decoder counts
	// offsets from the start of each value, so the whole input is checked
	// again (only on this error path) to get the position in the file.
	syntaxErr := func(err error) error {
		if err2 := json.Unmarshal(data, new(json.RawMessage)); err2 != nil {
			err = err2
		}
		return importers.Errorf(name, "%s", describeJSONError(data, err))
	}
	if trimmed[0] == '{' {
		if err := seekCookiesArray(dec); err != nil {
			if errors.Is(err, errNoCookiesKey) {
				return nil, importers.Errorf(name, "a JSON object without a \"cookies\" array: not a cookie export")
			}
			return nil, syntaxErr(err)
		}
	}
	if tok, err := dec.Token(); err != nil {
		return nil, syntaxErr(err)
	} else if tok != json.Delim('[') {
		return nil, importers.Errorf(name, "not a cookie export: \"cookies\" is not an array")
	}

	res := &importers.Result{}
	reasons := map[string]int{}
	index := map[cookie.Identity]int{}
	dups := 0
	for i := 0; dec.More(); i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var e inEntry
		err := dec.Decode(&e)
		var c cookie.Cookie
		var reason string
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			// The decoder consumed the whole value: refuse it and go on.
			if te.Field == "" {
				reason = "not a JSON object"
			} else {
				reason = "field " + te.Field + " has the wrong type"
			}
		case isSyntaxError(err):
			return nil, syntaxErr(err)
		case err != nil:
			// Another decoding error (such as a bad number in a string):
			// the value was read whole, so only this entry is lost. The
			// error text is not shown: it quotes the input.
			reason = "a field has the wrong type or an invalid value"
		default:
			c, reason = decode(&e, opts)
			if reason == "" && importers.TooLarge(c.Name, c.Value) {
				reason = fmt.Sprintf("name or value larger than %d KiB, more than any browser stores", importers.MaxValue>>10)
			}
		}
		if reason != "" {
			res.Refused++
			reasons[reason]++
			if res.Refused <= maxWarnings {
				res.Warnf("%s: entry %d refused: %s", name, i+1, reason)
			}
			continue
		}
		id := c.Identity()
		if j, dup := index[id]; dup {
			res.Cookies[j] = c // the last entry wins
			dups++
			continue
		}
		if len(res.Cookies) >= importers.MaxCookies {
			return nil, importers.Errorf(name, "refused: more than %d cookies, more than any browser keeps", importers.MaxCookies)
		}
		index[id] = len(res.Cookies)
		res.Cookies = append(res.Cookies, c)
		if opts.Progress != nil && len(res.Cookies)&1023 == 0 {
			opts.Progress(len(res.Cookies), 0)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, syntaxErr(err)
	}
	if trimmed[0] == '[' {
		if _, err := dec.Token(); err != io.EOF {
			return nil, importers.Errorf(name, "invalid JSON: data after the array (byte %d)", dec.InputOffset())
		}
	}
	if len(res.Cookies) == 0 && res.Refused > 0 {
		return nil, importers.Errorf(name, "no cookie in %d entries (%s)", res.Refused, summary(reasons))
	}
	if dups > 0 {
		res.Warnf("%s: %d duplicate cookies; the last entry of each was kept", name, dups)
	}
	if res.Refused > maxWarnings {
		res.Warnf("%s: %d entries refused in all (%s)", name, res.Refused, summary(reasons))
	}
	return res, nil
}

func summary(reasons map[string]int) string {
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", reasons[k], k)
	}
	return strings.Join(parts, ", ")
}

// describeJSONError turns a decoding error into "invalid JSON at line L,
// column C: …" without quoting the input (it may hold cookie values).
func isSyntaxError(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

func describeJSONError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		l, c := lineCol(data, se.Offset-1)
		return fmt.Sprintf("invalid JSON at line %d, column %d: %v", l, c, se)
	case errors.As(err, &te):
		l, c := lineCol(data, te.Offset-1)
		return fmt.Sprintf("not a cookie export: found a JSON %s at line %d, column %d where an array of cookie objects was expected", te.Value, l, c)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "invalid JSON: unexpected end of file"
	}
	return "invalid JSON: " + err.Error()
}

// lineCol gives the 1-based line and column of the byte at offset.
func lineCol(data []byte, offset int64) (line, col int) {
	offset = max(0, min(offset, int64(len(data))))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// inEntry is entry as read: domain and name must be present, not just zero.
type inEntry struct {
	entry
	Domain *string `json:"domain"`
	Name   *string `json:"name"`
}

var errNoCookiesKey = errors.New(`no "cookies" key`)

// seekCookiesArray moves dec past `{ ... "cookies":` of a wrapper object.
func seekCookiesArray(dec *json.Decoder) error {
	if _, err := dec.Token(); err != nil { // '{'
		return err
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return err
		}
		if key == "cookies" {
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return errNoCookiesKey
}

// decode turns one array element into a cookie, or says why it cannot.
func decode(in *inEntry, opts importers.Options) (cookie.Cookie, string) {
	var c cookie.Cookie
	if in.Domain == nil || in.Name == nil {
		return c, "no domain or name: not a cookie object"
	}
	e := &in.entry
	e.Domain, e.Name = *in.Domain, *in.Name
	x := e.Crumbs
	if x == nil {
		x = &crumbsFields{}
	}
	for key, b64 := range x.Raw {
		var dst *string
		switch key {
		case "domain":
			dst = &e.Domain
		case "path":
			dst = &e.Path
		case "name":
			dst = &e.Name
		case "value":
			dst = &e.Value
		default:
			continue
		}
		{
			b, err := base64.StdEncoding.DecodeString(b64)
			if err != nil {
				return c, "crumbs.raw." + key + " is not base64"
			}
			*dst = string(b)
		}
	}

	// Scope: hostOnly decides, the leading dot follows it (as for
	// cookies.txt); without hostOnly the dot decides. crumbs' own exports
	// (with a "crumbs" object) are taken verbatim, to stay lossless.
	own := e.Crumbs != nil
	host := strings.TrimPrefix(e.Domain, ".")
	if host == "" {
		return c, "empty domain"
	}
	hostOnly := !strings.HasPrefix(e.Domain, ".")
	if e.HostOnly != nil {
		hostOnly = *e.HostOnly
	}
	c.HostOnly = hostOnly
	switch {
	case own:
		c.Domain = e.Domain
	case hostOnly:
		c.Domain = host
	default:
		c.Domain = "." + host
	}
	c.Path = e.Path
	if c.Path == "" && !own {
		c.Path = "/"
	}
	c.Name, c.Value = e.Name, e.Value
	c.Secure, c.HTTPOnly = e.Secure, e.HTTPOnly
	if e.SameSite != nil {
		c.SameSite, _ = cookie.ParseSameSite(*e.SameSite) // unknown spellings: unspecified
	}

	// Expiry: session wins; else expirationDate; crumbs.expires refines it
	// when it agrees to the millisecond (a hand edit of expirationDate wins).
	var exp time.Time
	if e.ExpirationDate != "" {
		var ok bool
		exp, ok = parseUnix(string(e.ExpirationDate))
		if !ok {
			return c, "expirationDate out of range"
		}
	}
	if x.Expires != "" {
		t, err := time.Parse(time.RFC3339Nano, x.Expires)
		if err != nil {
			return c, "crumbs.expires is not an RFC 3339 time"
		}
		if exp.IsZero() || t.Sub(exp).Abs() < time.Millisecond {
			exp = t.UTC()
		}
	}
	switch {
	case e.Session != nil:
		c.Session = *e.Session
	default:
		c.Session = e.ExpirationDate == ""
	}
	if !c.Session || x.Expires != "" {
		c.Expires = exp
	}
	if !c.Session && c.Expires.IsZero() && !own {
		c.Session = true // neither session nor an expiry: a session cookie
	}

	if e.PartitionKey != nil {
		c.Partition = cookie.Partition{Kind: cookie.PartitionCHIPS, TopLevelSite: e.PartitionKey.TopLevelSite, CrossSiteAncestor: e.PartitionKey.HasCrossSiteAncestor}
		if x.PartitionKind != nil {
			c.Partition.Kind = cookie.PartitionKind(*x.PartitionKind)
		}
	}
	if x.Container != nil {
		c.Container = cookie.Container{Key: x.Container.Key, Name: x.Container.Name}
	} else if e.StoreID != nil {
		c.Container = containerFromStore(*e.StoreID)
	}
	if x.Extras != nil {
		c.Extras = *x.Extras
	}
	times := [...]struct {
		s   string
		dst *time.Time
	}{{x.Created, &c.Created}, {x.LastAccessed, &c.LastAccessed}, {x.LastUpdated, &c.LastUpdated}}
	for _, tt := range times {
		if tt.s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, tt.s)
		if err != nil {
			return c, "a crumbs time is not RFC 3339"
		}
		*tt.dst = t.UTC()
	}
	c.ID = x.ID
	c.Source = x.Source
	if c.Source == "" {
		c.Source = opts.Source
	}
	c.Purpose = cookie.Purpose(x.Purpose)
	c.Reason = x.Reason
	c.VerdictBy = cookie.Evidence(x.VerdictBy)
	c.Encryption = cookie.Encryption(x.Encryption)
	if e.Crumbs == nil {
		c.Encryption = cookie.EncPlain
	}
	c.ValueUnreadable = x.ValueUnreadable
	c.UnreadableReason = x.UnreadableReason
	c.OriginalKey = x.OriginalKey
	return c, ""
}

// containerFromStore maps Firefox's WebExtension store ids to containers.
func containerFromStore(id string) cookie.Container {
	switch {
	case strings.HasPrefix(id, "firefox-container-"):
		n := strings.TrimPrefix(id, "firefox-container-")
		if _, err := strconv.ParseUint(n, 10, 32); err == nil {
			return cookie.Container{Key: "userContextId=" + n}
		}
	case id == "firefox-private":
		return cookie.Container{Key: "privateBrowsingId=1"}
	}
	return cookie.Container{}
}

const maxUnix = 253402300799 // 9999-12-31T23:59:59Z

// parseUnix reads unix seconds, integer or fractional.
func parseUnix(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < -maxUnix || n > maxUnix {
			return time.Time{}, false
		}
		return time.Unix(n, 0).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxUnix {
		return time.Time{}, false
	}
	return fromUnixFloat(f), true
}

// fromUnixFloat converts float unix seconds to a time at microsecond
// precision: a float64 holds about 0.2 µs at today's times, so finer digits
// are noise.
func fromUnixFloat(f float64) time.Time {
	sec := math.Floor(f)
	us := math.Round((f - sec) * 1e6)
	return time.Unix(int64(sec), int64(us)*1e3).UTC()
}
