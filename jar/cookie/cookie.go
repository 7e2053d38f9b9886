// Package cookie is crumbs' cookie model: a cookie with every attribute a
// browser stores, nothing flattened away (docs/model.md §1), its identity, its
// validation, its site (registrable domain) and the filter language that
// selects cookies. It is a leaf: it knows nothing of SQLite, of the jar that
// stores cookies, of the readers that produce them or of the UI, so that a
// cookies.txt parser or the classifier can use it without linking a database
// engine.
package cookie

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unique"
)

// SameSite is the cookie's SameSite attribute as the browser stored it.
type SameSite uint8

const (
	SameSiteUnspecified SameSite = iota
	SameSiteNone
	SameSiteLax
	SameSiteStrict
)

var sameSiteNames = [...]string{"unspecified", "none", "lax", "strict"}

func (s SameSite) String() string {
	if int(s) < len(sameSiteNames) {
		return sameSiteNames[s]
	}
	return "unspecified"
}

// ParseSameSite accepts the model's names and the chrome.cookies spellings
// (no_restriction). Anything else is reported as not ok.
func ParseSameSite(s string) (SameSite, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "unspecified":
		return SameSiteUnspecified, true
	case "none", "no_restriction":
		return SameSiteNone, true
	case "lax":
		return SameSiteLax, true
	case "strict":
		return SameSiteStrict, true
	}
	return SameSiteUnspecified, false
}

// Purpose is what a cookie is for, from the user's point of view (docs/purposes.md).
type Purpose string

const (
	PurposeSession         Purpose = "session"
	PurposePersonalization Purpose = "personalization"
	PurposeTracking        Purpose = "tracking"
	PurposeUnknown         Purpose = "unknown"
)

// Purposes lists the four purposes in display order.
var Purposes = []Purpose{PurposeSession, PurposePersonalization, PurposeTracking, PurposeUnknown}

// ParsePurpose accepts a purpose name or an unambiguous prefix of one.
func ParsePurpose(s string) (Purpose, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	for _, p := range Purposes {
		if strings.HasPrefix(string(p), s) {
			return p, true
		}
	}
	return "", false
}

// Evidence names what decided a cookie's purpose, strongest first.
type Evidence string

const (
	EvidenceUser      Evidence = "user"      // the user's own verdict for this cookie
	EvidenceRule      Evidence = "rule"      // the user's rules file
	EvidenceName      Evidence = "name"      // a known cookie name
	EvidencePattern   Evidence = "pattern"   // a known name pattern
	EvidenceList      Evidence = "list"      // a list the user brings (Open Cookie Database, hosts file, domain list)
	EvidenceDomain    Evidence = "domain"    // a known tracker domain
	EvidenceHeuristic Evidence = "heuristic" // name tokens and attributes
	EvidenceFallback  Evidence = "fallback"  // no evidence: the guess of the last resort
	EvidenceNone      Evidence = "none"      // nothing known: purpose unknown
)

// PartitionKind tells apart the two kinds of partitioned cookie.
type PartitionKind string

const (
	PartitionNone PartitionKind = ""
	// PartitionCHIPS: the server sent the Partitioned attribute (CHIPS).
	PartitionCHIPS PartitionKind = "chips"
	// PartitionFirefox: Firefox's own third-party partitioning (Total Cookie
	// Protection / dFPI); the server asked for nothing.
	PartitionFirefox PartitionKind = "firefox"
)

// PartitionFields are the key of a partitioned cookie.
type PartitionFields struct {
	Kind PartitionKind
	// TopLevelSite is the top-level site the cookie is keyed to, as a site
	// URL ("https://example.com").
	TopLevelSite string
	// CrossSiteAncestor is Chromium's has_cross_site_ancestor bit.
	CrossSiteAncestor bool
}

// Partition is a cookie's PartitionFields, interned as Extras are: 8 bytes
// in a Cookie instead of 40, and a jar's few partitions (one per top-level
// site) kept once. The zero value means the cookie is not partitioned; ==
// compares the fields.
type Partition struct {
	h unique.Handle[PartitionFields]
}

// intern is f's handle, the zero handle for the zero fields: so the zero
// Partition, Container or Extras stands for "none" without a lookup.
func intern[T comparable](f T) unique.Handle[T] {
	var zero T
	if f == zero {
		return unique.Handle[T]{}
	}
	return unique.Make(f)
}

// fieldsOf is what h was interned from (intern's zero handle: the zero fields).
func fieldsOf[T comparable](h unique.Handle[T]) T {
	if h == (unique.Handle[T]{}) {
		var zero T
		return zero
	}
	return h.Value()
}

// MakePartition interns f.
func MakePartition(f PartitionFields) Partition { return Partition{intern(f)} }

// Fields are the partition's kind, site and bit.
func (p Partition) Fields() PartitionFields { return fieldsOf(p.h) }

// Kind is the partition's kind (PartitionNone for none).
func (p Partition) Kind() PartitionKind { return p.Fields().Kind }

// TopLevelSite is the top-level site the cookie is keyed to, as a site
// URL ("https://example.com"); "" for none.
func (p Partition) TopLevelSite() string { return p.Fields().TopLevelSite }

// CrossSiteAncestor is Chromium's has_cross_site_ancestor bit.
func (p Partition) CrossSiteAncestor() bool { return p.Fields().CrossSiteAncestor }

// IsZero reports whether the cookie is unpartitioned.
func (p Partition) IsZero() bool {
	f := p.Fields()
	return f.Kind == PartitionNone && f.TopLevelSite == ""
}

// String is the fields, as %+v printed them when Partition was the fields.
func (p Partition) String() string { return fmt.Sprintf("%+v", p.Fields()) }

// Key is the partition's canonical text, used in the jar's identity. It is
// "" for unpartitioned cookies.
func (p Partition) Key() string {
	if p.IsZero() {
		return ""
	}
	f := p.Fields()
	b := strings.Builder{}
	b.WriteString(string(f.Kind))
	b.WriteByte('|')
	b.WriteString(f.TopLevelSite)
	if f.CrossSiteAncestor {
		b.WriteString("|cross-site")
	}
	return b.String()
}

// ParsePartitionKey is the inverse of Partition.Key.
func ParsePartitionKey(s string) Partition {
	if s == "" {
		return Partition{}
	}
	parts := strings.Split(s, "|")
	p := PartitionFields{Kind: PartitionKind(parts[0])}
	if len(parts) > 1 {
		p.TopLevelSite = parts[1]
	}
	if len(parts) > 2 && parts[2] == "cross-site" {
		p.CrossSiteAncestor = true
	}
	return MakePartition(p)
}

// ContainerFields are a Firefox container, private-browsing context or
// first-party isolation key: everything in Firefox's originAttributes
// except the partition key.
type ContainerFields struct {
	// Key is canonical: the originAttributes suffix without partitionKey,
	// keys sorted ("userContextId=2"), "" for the default context.
	Key string
	// Name is the display name ("Work" from containers.json), if known.
	Name string
}

// Container is a cookie's ContainerFields, interned as Partition is: 8
// bytes in a Cookie instead of 32, and a profile's few containers kept
// once. The zero value is the default context; == compares the fields.
type Container struct {
	h unique.Handle[ContainerFields]
}

// MakeContainer interns f.
func MakeContainer(f ContainerFields) Container { return Container{intern(f)} }

// Fields are the container's key and name.
func (c Container) Fields() ContainerFields { return fieldsOf(c.h) }

// Key is canonical: the originAttributes suffix without partitionKey, keys
// sorted ("userContextId=2"), "" for the default context.
func (c Container) Key() string { return c.Fields().Key }

// Name is the display name ("Work" from containers.json), if known.
func (c Container) Name() string { return c.Fields().Name }

// String is the fields, as %+v printed them when Container was the fields.
func (c Container) String() string { return fmt.Sprintf("%+v", c.Fields()) }

// ExtraFields are browser-specific attributes that crumbs keeps and shows
// but does not interpret. Zero values mean "not stored by this browser".
// The JSON names are those of crumbs' export (docs/formats.md).
type ExtraFields struct {
	Priority     string `json:"priority,omitempty"`     // Chromium: low, medium, high
	SourceScheme string `json:"sourceScheme,omitempty"` // Chromium: unset, non-secure, secure
	SourcePort   int    `json:"sourcePort,omitempty"`   // Chromium: port, -1 unspecified
	SourceType   string `json:"sourceType,omitempty"`   // Chromium: unknown, http, script, other
	SchemeMap    int    `json:"schemeMap,omitempty"`    // Firefox: bit 1 http, bit 2 https, bit 4 file
}

// Extras are a cookie's ExtraFields, interned: a Cookie holds 8 bytes
// instead of 64 (the UI holds a million cookies), and the few distinct
// values a store has (a Chromium profile: a handful of priorities, schemes,
// ports and types) are kept once. Any value, an unknown spelling too, is
// kept as it is. The zero value has no extra attribute; == compares the
// fields, as it did when Extras were the fields.
type Extras struct{ h unique.Handle[ExtraFields] }

// MakeExtras interns f.
func MakeExtras(f ExtraFields) Extras { return Extras{intern(f)} }

// Fields are the attributes e holds.
func (e Extras) Fields() ExtraFields { return fieldsOf(e.h) }

// IsZero reports whether no extra attribute is set.
func (e Extras) IsZero() bool { return e == Extras{} }

// String is the fields, as %+v printed them when Extras were the fields.
func (e Extras) String() string { return fmt.Sprintf("%+v", e.Fields()) }

// MarshalJSON writes the fields, as ExtraFields does. HTML characters are
// left as they are: an encoder that escapes them (json.Marshal's default)
// escapes this output too, and one that does not (crumbs' export) must get
// them as a plain struct field would give them.
func (e Extras) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e.Fields()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// UnmarshalJSON reads the fields, as ExtraFields does.
func (e *Extras) UnmarshalJSON(b []byte) error {
	f := e.Fields()
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*e = MakeExtras(f)
	return nil
}

// Encryption is how the store kept the value.
type Encryption string

const (
	EncPlain Encryption = "plain"
	EncV10   Encryption = "v10"
	EncV11   Encryption = "v11"
	EncV12   Encryption = "v12"
	EncV20   Encryption = "v20" // Windows app-bound: unreadable outside the browser
	EncDPAPI Encryption = "dpapi"
)

// PurposeRank is p's place in Purposes (display and sort order);
// len(Purposes) for a purpose crumbs does not know.
func PurposeRank(p Purpose) int {
	for i, q := range Purposes {
		if p == q {
			return i
		}
	}
	return len(Purposes)
}

// Cookie is one cookie with every attribute a browser stores.
//
// Times are Times (8 bytes, microseconds); a zero Time means "not stored".
// Session cookies have Session set and a zero Expires.
type Cookie struct {
	// ID is the jar's row id; 0 for a cookie that is not in a jar.
	ID int64

	// Source is a stable, readable id of where the cookie came from:
	// "firefox:default-release", "chrome:Profile 1", "file:cookies.txt".
	Source string

	Domain string // ".example.com" for a domain cookie, "example.com" for host-only
	Path   string
	Name   string
	Value  string // bytes exactly as stored; "" if unreadable (see ValueUnreadable)

	// The one-byte fields sit together: a jar snapshot holds a million
	// Cookies in the UI, and padding after each would cost 16 bytes a
	// cookie (docs/model.md §1).
	HostOnly bool
	Secure   bool
	HTTPOnly bool
	SameSite SameSite
	Session  bool
	// ValueUnreadable is set when the value could not be decrypted (v20,
	// missing key). Value is then empty and must never be shown as text.
	ValueUnreadable bool

	Expires Time

	Created      Time
	LastAccessed Time
	LastUpdated  Time

	Partition Partition
	Container Container
	Extras    Extras

	Encryption Encryption
	// Unreadable explains why the value could not be read.
	UnreadableReason string

	// OriginalKey is the cookie's unique key in its source store, kept for
	// write-back (docs/model.md §4): opaque text owned by the importer.
	OriginalKey string

	Purpose   Purpose
	Reason    string
	VerdictBy Evidence

	// ProtectedBy is the filter text of the protection that covers the
	// cookie, "" if none. It is not stored with the cookie (protections are
	// rules, not row flags): the jar sets it on every cookie it hands out,
	// and a jar.Protector sets it on cookies from anywhere else.
	ProtectedBy string
}

// Identity is the cookie's key inside the jar:
// (source, partition, container, domain, host_only, path, name).
type Identity struct {
	Source    string
	Partition string // Partition.Key()
	Container string // Container.Key
	Domain    string
	HostOnly  bool
	Path      string
	Name      string
}

// Identity returns the cookie's identity in the jar.
func (c *Cookie) Identity() Identity {
	return Identity{
		Source:    c.Source,
		Partition: c.Partition.Key(),
		Container: c.Container.Key(),
		Domain:    c.Domain,
		HostOnly:  c.HostOnly,
		Path:      c.Path,
		Name:      c.Name,
	}
}

// String renders the identity compactly for messages and sorting.
func (id Identity) String() string {
	var b strings.Builder
	b.WriteString(id.Source)
	b.WriteByte(' ')
	b.WriteString(id.Domain)
	b.WriteString(id.Path)
	b.WriteByte(' ')
	b.WriteString(id.Name)
	if id.HostOnly {
		b.WriteString(" host-only")
	}
	if id.Partition != "" {
		b.WriteString(" [" + id.Partition + "]")
	}
	if id.Container != "" {
		b.WriteString(" {" + id.Container + "}")
	}
	return b.String()
}

// Host is the domain without its leading dot.
func (c *Cookie) Host() string { return strings.TrimPrefix(c.Domain, ".") }

// Expired reports whether a persistent cookie has expired at now.
func (c *Cookie) Expired(now time.Time) bool {
	return !c.Session && !c.Expires.IsZero() && !c.Expires.Time().After(now)
}
