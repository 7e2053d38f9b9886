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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
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
	ID               int64               `json:"id,omitempty"`
	Source           string              `json:"source,omitempty"`
	Purpose          string              `json:"purpose,omitempty"`
	Reason           string              `json:"reason,omitempty"`
	VerdictBy        string              `json:"verdictBy,omitempty"`
	Container        *container          `json:"container,omitempty"`
	Created          string              `json:"created,omitempty"`
	LastAccessed     string              `json:"lastAccessed,omitempty"`
	LastUpdated      string              `json:"lastUpdated,omitempty"`
	Expires          string              `json:"expires,omitempty"` // exact expiry, only when expirationDate cannot carry it
	PartitionKind    *string             `json:"partitionKind,omitempty"`
	Extras           *cookie.ExtraFields `json:"extras,omitempty"`
	Encryption       string              `json:"encryption,omitempty"`
	ValueUnreadable  bool                `json:"valueUnreadable,omitempty"`
	UnreadableReason string              `json:"unreadableReason,omitempty"`
	OriginalKey      string              `json:"originalKey,omitempty"`
	// Raw holds, base64-encoded, the exact bytes of name, value, domain or
	// path when they are not valid UTF-8 (JSON strings cannot carry them).
	Raw map[string]string `json:"raw,omitempty"`
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
	data, trimmed, err := readExport(r, name)
	if err != nil {
		return nil, err
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
	res, reasons, dups, err := readEntries(ctx, dec, name, opts, syntaxErr)
	if err != nil {
		return nil, err
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
	if len(res.Cookies) == 0 {
		// An empty array is nothing recognisable as a cookie: an error, as
		// in every format (docs/decisions.md "Inputs with no cookie").
		return nil, importers.Errorf(name, "no cookies in it (an empty JSON array)")
	}
	if dups > 0 {
		res.Warnf("%s: %d duplicate cookies; the last entry of each was kept", name, dups)
	}
	if res.Refused > maxWarnings {
		res.Warnf("%s: %d entries refused in all (%s)", name, res.Refused, summary(reasons))
	}
	return res, nil
}

// readExport reads the whole file (at most MaxFileBytes) and refuses what
// is plainly not a JSON cookie export; trimmed is data without the white
// space around it, never empty.
func readExport(r io.Reader, name string) (data, trimmed []byte, err error) {
	data, err = io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, nil, importers.Errorf(name, "%v", err)
	}
	if len(data) > MaxFileBytes {
		return nil, nil, importers.Errorf(name, "larger than %d MB: not a cookie export", MaxFileBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed = bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return nil, nil, importers.Errorf(name, "empty file: no cookies")
	case bytes.HasPrefix(data, []byte("SQLite format 3\x00")):
		return nil, nil, importers.Errorf(name, "a SQLite database, not a JSON cookie export")
	case trimmed[0] != '[' && trimmed[0] != '{':
		return nil, nil, importers.Errorf(name, "not JSON (a JSON cookie export starts with '[')")
	}
	return data, trimmed, nil
}

// readEntries decodes the array's elements up to its closing ']'. An entry
// that is not a cookie is refused (counted by reason) and reading goes on;
// of two entries with one identity the last wins.
func readEntries(ctx context.Context, dec *json.Decoder, name string, opts importers.Options, syntaxErr func(error) error) (res *importers.Result, reasons map[string]int, dups int, err error) {
	res = &importers.Result{}
	reasons = map[string]int{}
	index := map[cookie.Identity]int{}
	for i := 0; dec.More(); i++ {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, 0, err
			}
		}
		c, reason, err := nextEntry(dec, opts)
		if err != nil {
			return nil, nil, 0, syntaxErr(err)
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
			return nil, nil, 0, importers.Errorf(name, "refused: more than %d cookies, more than any browser keeps", importers.MaxCookies)
		}
		index[id] = len(res.Cookies)
		res.Cookies = append(res.Cookies, c)
		if opts.Progress != nil && len(res.Cookies)&1023 == 0 {
			opts.Progress(len(res.Cookies), 0)
		}
	}
	return res, reasons, dups, nil
}

// nextEntry decodes one element: a cookie, or the reason it is refused, or
// a syntax error (the JSON is broken: reading cannot go on).
func nextEntry(dec *json.Decoder, opts importers.Options) (c cookie.Cookie, reason string, syntax error) {
	var e inEntry
	err := dec.Decode(&e)
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		// The decoder consumed the whole value: refuse it and go on.
		if te.Field == "" {
			return c, "not a JSON object", nil
		}
		return c, "field " + te.Field + " has the wrong type", nil
	case isSyntaxError(err):
		return c, "", err
	case err != nil:
		// Another decoding error (such as a bad number in a string):
		// the value was read whole, so only this entry is lost. The
		// error text is not shown: it quotes the input.
		return c, "a field has the wrong type or an invalid value", nil
	}
	c, reason = decode(&e, opts)
	if reason == "" && importers.TooLarge(c.Name, c.Value) {
		reason = fmt.Sprintf("name or value larger than %d KiB, more than any browser stores", importers.MaxValue>>10)
	}
	return c, reason, nil
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
