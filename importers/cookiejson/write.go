package cookiejson

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crumbs-dev/crumbs/internal/jsonesc"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Writing: cookies as the chrome.cookies JSON array (docs/formats.md).

// Write writes cs as a JSON array, one cookie object per line, in the
// order given. Every cookie is written, expired ones included.
func Write(w io.Writer, cs []cookie.Cookie) error {
	sw := NewWriter(w)
	for i := range cs {
		if err := sw.Add(&cs[i]); err != nil {
			return err
		}
	}
	return sw.Close()
}

// Writer writes the JSON array of Write one cookie at a time, so that a
// caller streaming cookies (crumbs list --json over a million) never holds
// them all.
type Writer struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

// NewWriter starts the array on w.
func NewWriter(w io.Writer) *Writer {
	sw := &Writer{bw: bufio.NewWriterSize(w, 256<<10)}
	sw.enc = json.NewEncoder(&sw.buf)
	sw.enc.SetEscapeHTML(false)
	sw.bw.WriteString("[")
	return sw
}

// Add writes c as the array's next element.
func (sw *Writer) Add(c *cookie.Cookie) error {
	sw.buf.Reset()
	if err := sw.enc.Encode(toEntry(c)); err != nil {
		return err
	}
	if sw.n > 0 {
		sw.bw.WriteByte(',')
	}
	sw.n++
	sw.bw.WriteString("\n")
	// C1 controls escaped like C0 (internal/jsonesc).
	_, err := sw.bw.Write(jsonesc.Escape(bytes.TrimSuffix(sw.buf.Bytes(), []byte{'\n'})))
	return err
}

// Close ends the array and flushes it to the writer.
func (sw *Writer) Close() error {
	sw.bw.WriteString("\n]\n")
	return sw.bw.Flush()
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
		StoreID:  ptr(storeID(c.Container.Key())),
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
		Created:          formatTime(c.Created.Time()),
		LastAccessed:     formatTime(c.LastAccessed.Time()),
		LastUpdated:      formatTime(c.LastUpdated.Time()),
		Encryption:       string(c.Encryption),
		ValueUnreadable:  c.ValueUnreadable,
		UnreadableReason: c.UnreadableReason,
		OriginalKey:      c.OriginalKey,
	}
	if !c.Session && !c.Expires.IsZero() {
		n, exact := expirationDate(c.Expires.Time())
		e.ExpirationDate = n
		if !exact {
			x.Expires = formatTime(c.Expires.Time())
		}
	} else if !c.Expires.IsZero() {
		x.Expires = formatTime(c.Expires.Time()) // a session cookie with an expiry: keep it
	}
	if !c.Partition.IsZero() {
		e.PartitionKey = &partitionKey{TopLevelSite: c.Partition.TopLevelSite(), HasCrossSiteAncestor: c.Partition.CrossSiteAncestor()}
		x.PartitionKind = ptr(string(c.Partition.Kind()))
	}
	if c.Container != (cookie.Container{}) {
		x.Container = &container{Key: c.Container.Key(), Name: c.Container.Name()}
	}
	if !c.Extras.IsZero() {
		x.Extras = ptr(c.Extras.Fields())
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
