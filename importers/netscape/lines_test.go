package netscape

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// mixedCookies is a set with everything Lines keeps track of: two sources
// (duplicates, one copy fresher than the other), partitions and
// containers, names that clash by case, hosts written differently from
// how the case-clash count compares them (IDN, upper case), empty paths,
// HttpOnly cookies, and lines refused for length.
func mixedCookies() []cookie.Cookie {
	cs := gen.Cookies(4000, 11, now, "a")
	for i := 0; i < 4000; i += 3 {
		c := cs[i]
		c.Source = "b"
		c.LastUpdated = cookie.TimeOf(now.Add(-time.Duration(i%5) * time.Hour))
		switch i % 4 {
		case 0:
			c.Partition = cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://t.com"})
		case 1:
			c.Container = cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2"})
		}
		cs = append(cs, c)
	}
	cs = append(cs,
		cookie.Cookie{Source: "a", Domain: "ÉCOLE.fr", HostOnly: true, Path: "/", Name: "SID", Value: "1", Session: true},
		cookie.Cookie{Source: "a", Domain: "école.fr", HostOnly: true, Path: "/", Name: "sid", Value: "2", Session: true},
		cookie.Cookie{Source: "a", Domain: "Up.Example.COM", Path: "", Name: "Lang", Value: "x", Session: true, HTTPOnly: true},
		cookie.Cookie{Source: "a", Domain: "up.example.com", Path: "/", Name: "lang", Value: "y", Session: true},
		cookie.Cookie{Source: "a", Domain: "long.example", Path: "/", Name: "big", Value: strings.Repeat("v", 3*MaxCookieLine), Session: true},
	)
	return cs
}

// TestLinesKeepsNothingOfTheCookie: Lines fed one cookie variable that is
// overwritten after every Add (as a jar's Each reuses its cookie) writes
// the same file and report as Write over the slice.
func TestLinesKeepsNothingOfTheCookie(t *testing.T) {
	cs := mixedCookies()
	for _, opts := range []WriteOptions{{}, {NoHTTPOnlyPrefix: true, IncludeForeignPartitioned: true}} {
		opts.Now = now
		want, wantRep := writeString(t, cs, opts)
		if wantRep.LeftOut[LeftDuplicate] < 500 || wantRep.CaseClashes < 4 || wantRep.LeftOut[LeftTooLong] != 1 {
			t.Fatalf("the test set lacks what it is for: %+v", wantRep)
		}
		l := NewLines(opts)
		var one cookie.Cookie
		for i := range cs {
			one = cs[i]
			l.Add(&one)
			one = cookie.Cookie{Source: "z", Domain: "overwritten.example", Path: "/", Name: "Z", Value: "z",
				Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://z.com"})}
		}
		var b bytes.Buffer
		rep, err := l.Finish(&b)
		if err != nil {
			t.Fatal(err)
		}
		if b.String() != want {
			t.Fatal("the file changed when the cookie handed to Add was reused")
		}
		if rep.Written != wantRep.Written || rep.CaseClashes != wantRep.CaseClashes || rep.CaseExample != wantRep.CaseExample ||
			rep.ForeignPartitioned != wantRep.ForeignPartitioned || len(rep.LeftOut) != len(wantRep.LeftOut) || len(rep.Lost) != len(wantRep.Lost) {
			t.Fatalf("report %+v, want %+v", rep, wantRep)
		}
	}
}

// TestLinesAcrossBlocks: lines long enough to fill many of the arena's
// blocks, with refused lines of megabytes among them, come back from the
// reader whole and in order.
func TestLinesAcrossBlocks(t *testing.T) {
	var cs []cookie.Cookie
	for i := range 3000 {
		v := strings.Repeat(string(rune('a'+i%26)), 900+i%3000)
		if i%500 == 7 {
			v = strings.Repeat("x", 2<<20) // refused: longer than a line may be, and than a block
		}
		cs = append(cs, cookie.Cookie{Source: "s", Domain: "h" + itoa(int64(i)) + ".example", HostOnly: true,
			Path: "/", Name: "n", Value: v, Session: true})
	}
	out, rep := writeString(t, cs, WriteOptions{})
	if len(out) < 3*arenaBlock {
		t.Fatalf("only %d bytes: the test does not cross blocks", len(out))
	}
	if rep.LeftOut[LeftTooLong] != 6 || rep.Written != 3000-6 {
		t.Fatalf("report %+v", rep)
	}
	res, err := Parse(strings.NewReader(out), "blocks.txt", importers.Options{Source: "s"})
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for i := range cs {
		if len(cs[i].Value) > MaxCookieLine {
			continue
		}
		if k >= len(res.Cookies) || res.Cookies[k].Domain != cs[i].Domain || res.Cookies[k].Value != cs[i].Value {
			t.Fatalf("line %d does not read back as cookie %d", k, i)
		}
		k++
	}
	if k != len(res.Cookies) {
		t.Fatalf("read %d cookies, want %d", len(res.Cookies), k)
	}
}

// TestCaseClashesAsWritten: the case-clash count compares hosts and paths
// as the file has them, which is what curl and Python compare: a host
// spelled in Unicode and in A-labels is one host, an empty path is "/".
func TestCaseClashesAsWritten(t *testing.T) {
	ace, _, ok := Host("école.fr")
	if !ok || ace == "école.fr" {
		t.Fatalf("Host(école.fr) = %q, %v", ace, ok)
	}
	cs := []cookie.Cookie{
		{Source: "a", Domain: "école.fr", HostOnly: true, Path: "/", Name: "SID", Value: "1", Session: true},
		{Source: "a", Domain: ace, HostOnly: true, Path: "/", Name: "sid", Value: "2", Session: true},
		{Source: "a", Domain: "p.example", HostOnly: true, Path: "", Name: "ID", Value: "3", Session: true},
		{Source: "a", Domain: "p.example", HostOnly: true, Path: "/", Name: "id", Value: "4", Session: true},
		{Source: "a", Domain: "q.example", HostOnly: true, Path: "/a", Name: "K", Value: "5", Session: true},
		{Source: "a", Domain: "q.example", HostOnly: true, Path: "/b", Name: "k", Value: "6", Session: true},
	}
	_, rep := writeString(t, cs, WriteOptions{})
	if rep.Written != 6 || rep.CaseClashes != 4 || rep.CaseExample != "ID, id on p.example/" {
		t.Fatalf("written %d, %d case clashes (%q), want 6, 4 (\"ID, id on p.example/\")", rep.Written, rep.CaseClashes, rep.CaseExample)
	}
}

// TestLineEntrySize: what Lines keeps per line besides the line is the 40
// bytes its documentation (and docs/formats.md) promises.
func TestLineEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(lineEntry{}); n != 40 {
		t.Fatalf("a line entry is %d bytes, the docs say 40", n)
	}
}
