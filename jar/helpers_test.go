package jar

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// makeCookies returns n varied cookies, deterministic in seed: domains and
// subdomains of many sites, common and random names, values of varying
// length, every flag, sessions, partitions, containers, extras.
func makeCookies(n int, seed uint64, now time.Time, source string) []cookie.Cookie {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	sites := []string{"example.com", "google.com", "doubleclick.net", "github.com", "bbc.co.uk", "shop.example.org", "news.ycombinator.com", "localhost", "127.0.0.1", "xn--bcher-kva.de"}
	names := []string{"_ga", "_gid", "sessionid", "csrftoken", "lang", "theme", "PHPSESSID", "__Host-auth", "__Secure-id", "IDE", "_fbp", "prefs"}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.%"
	out := make([]cookie.Cookie, n)
	for i := range out {
		site := sites[r.IntN(len(sites))]
		host := site
		if r.IntN(3) == 0 && site != "localhost" && site != "127.0.0.1" {
			host = fmt.Sprintf("s%d.%s", r.IntN(500), site)
		}
		c := cookie.Cookie{Source: source, Path: "/"}
		name := names[r.IntN(len(names))]
		c.Name = fmt.Sprintf("%s_%d", name, i)     // unique per i: identities differ
		if r.IntN(2) == 0 || host == "127.0.0.1" { // browsers keep IP cookies host-only
			c.HostOnly = true
			c.Domain = host
		} else {
			c.Domain = "." + host
		}
		if r.IntN(4) == 0 {
			c.Path = fmt.Sprintf("/p%d", r.IntN(20))
		}
		v := make([]byte, 8+r.IntN(120))
		for k := range v {
			v[k] = alphabet[r.IntN(len(alphabet))]
		}
		c.Value = string(v)
		c.Secure = r.IntN(3) != 0
		c.HTTPOnly = r.IntN(2) == 0
		c.SameSite = cookie.SameSite(r.IntN(4))
		if r.IntN(5) == 0 {
			c.Session = true
		} else {
			c.Expires = cookie.TimeOf(now.Add(time.Duration(r.IntN(800*24)-40*24) * time.Hour).Truncate(time.Second))
		}
		c.Created = cookie.TimeOf(now.Add(-time.Duration(r.IntN(1_000_000)) * time.Second).Truncate(time.Microsecond))
		c.LastAccessed = c.Created.Add(time.Duration(r.IntN(1000)) * time.Second)
		if r.IntN(2) == 0 {
			c.LastUpdated = c.LastAccessed
		}
		switch r.IntN(20) {
		case 0:
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://" + sites[r.IntN(len(sites))], CrossSiteAncestor: r.IntN(2) == 0})
		case 1:
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "https://" + sites[r.IntN(len(sites))]})
		case 2:
			c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2", Name: "Work"})
		}
		if r.IntN(2) == 0 {
			c.Extras = cookie.MakeExtras(cookie.ExtraFields{Priority: "medium", SourceScheme: "secure", SourcePort: 443, SourceType: "http"})
			c.Encryption = cookie.EncV10
		} else {
			c.Extras = cookie.MakeExtras(cookie.ExtraFields{SchemeMap: 2})
			c.Encryption = cookie.EncPlain
		}
		if r.IntN(50) == 0 {
			c.Value, c.ValueUnreadable, c.UnreadableReason, c.Encryption = "", true, "v20 app-bound", cookie.EncV20
		}
		c.OriginalKey = fmt.Sprintf("%d", i)
		out[i] = c
	}
	return out
}

func openTest(t testing.TB, opts ...Option) (*Jar, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crumbs", "jar.db")
	opts = append([]Option{WithClock(func() time.Time { return testNow })}, opts...)
	j, err := Open(path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

// dump renders the contents of every table a change may touch, so that
// undo can be checked to restore the jar exactly.
func dump(t testing.TB, j *Jar) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"cookies", "trash", "verdicts", "protections"} {
		fmt.Fprintf(&b, "== %s\n", table)
		rows, err := j.db.Query(`SELECT * FROM ` + table + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func mustImport(t testing.TB, j *Jar, opt ImportOptions, batches ...Batch) ImportStats {
	t.Helper()
	st, err := j.Import(context.Background(), batches, opt)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func count(t testing.TB, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// sameTotals compares the totals of two ImportStats (not BySource).
func sameTotals(a, b ImportStats) bool {
	return a.Added == b.Added && a.Updated == b.Updated && a.Unchanged == b.Unchanged && a.Pruned == b.Pruned
}

// smallRanges lets a test that needs readAll's and Summaries' split into
// id ranges reach it with fewer rows under the race detector (2,000
// instead of 20,000); the normal run keeps the real threshold.
func smallRanges(t *testing.T) {
	if !raceEnabled {
		return
	}
	old := rangedReadRows
	rangedReadRows = 2_000
	t.Cleanup(func() { rangedReadRows = old })
}
