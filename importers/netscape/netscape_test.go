package netscape

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// short renders what a cookies.txt carries of a cookie, for comparisons.
func short(c cookie.Cookie) string {
	var b strings.Builder
	b.WriteString(c.Domain)
	if c.HostOnly {
		b.WriteString(" host-only")
	}
	b.WriteString(" " + c.Path + " " + c.Name + "=" + c.Value)
	if c.Secure {
		b.WriteString(" secure")
	}
	if c.HTTPOnly {
		b.WriteString(" httponly")
	}
	if c.Session {
		b.WriteString(" session")
	} else {
		b.WriteString(" exp=" + c.Expires.Time().Format(time.RFC3339Nano))
	}
	return b.String()
}

func parseString(t *testing.T, s string) *importers.Result {
	t.Helper()
	res, err := Parse(strings.NewReader(s), "test.txt", importers.Options{Source: "file:test.txt"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

func TestParseLines(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		refused  int
	}{
		{"curl file", Header + ".example.com\tTRUE\t/\tTRUE\t1767225600\tsid\tabc\n",
			[]string{".example.com / sid=abc secure exp=2026-01-01T00:00:00Z"}, 0},
		{"no header, CRLF", "example.com\tFALSE\t/p\tFALSE\t0\ta\tb c\r\n",
			[]string{"example.com host-only /p a=b c session"}, 0},
		{"wget header", "# HTTP Cookie File\nexample.com\tFALSE\t/\tFALSE\t0\ta\t\n",
			[]string{"example.com host-only / a= session"}, 0},
		{"httponly", "#HttpOnly_.example.com\tTRUE\t/\tFALSE\t0\th\t1\n",
			[]string{".example.com / h=1 httponly session"}, 0},
		{"float expiry", "example.com\tFALSE\t/\tFALSE\t1767225600.25\tf\tx\n",
			[]string{"example.com host-only / f=x exp=2026-01-01T00:00:00.25Z"}, 0},
		{"kooky session", "example.com\tFALSE\t/\tFALSE\t-62135596800\tk\tx\n",
			[]string{"example.com host-only / k=x session"}, 0},
		{"legacy 6 fields no path", "example.com\tFALSE\tTRUE\t0\tn\tv\n",
			[]string{"example.com host-only / n=v secure session"}, 0},
		{"6 fields no trailing tab", "example.com\tFALSE\t/x\tFALSE\t0\tn\n",
			[]string{"example.com host-only /x n= session"}, 0},
		{"flag wins over dot: TRUE no dot", "example.com\tTRUE\t/\tFALSE\t0\tn\tv\n",
			[]string{".example.com / n=v session"}, 0},
		{"flag wins over dot: FALSE with dot", ".example.com\tFALSE\t/\tFALSE\t0\tn\tv\n",
			[]string{"example.com host-only / n=v session"}, 0},
		{"hash in value", "example.com\tFALSE\t/\tFALSE\t0\thash\t#notacomment\n",
			[]string{"example.com host-only / hash=#notacomment session"}, 0},
		{"upper-case domain, lower flags", "WWW.Example.COM\tfalse\t/\ttrue\t0\tn\tv\n",
			[]string{"www.example.com host-only / n=v secure session"}, 0},
		{"bracketed ipv6", "[::1]\tFALSE\t/\tFALSE\t0\tn\tv\n",
			[]string{"::1 host-only / n=v session"}, 0},
		{"empty path", "example.com\tFALSE\t\tFALSE\t0\tn\tv\n",
			[]string{"example.com host-only / n=v session"}, 0},
		{"duplicate: last wins", "e.com\tFALSE\t/\tFALSE\t0\tn\t1\ne.com\tFALSE\t/\tFALSE\t0\tn\t2\n",
			[]string{"e.com host-only / n=2 session"}, 0},
		{"bad lines counted", "e.com\tFALSE\t/\tFALSE\t0\tn\t1\n" +
			"too\tfew\n" +
			"e.com\tMAYBE\t/\tFALSE\t0\tn\t1\n" +
			"e.com\tFALSE\t/\tFALSE\tsoon\tn\t1\n" +
			"e.com\tFALSE\tnoslash\tFALSE\t0\tn\t1\n" +
			"e.com\tFALSE\t/\tFALSE\t0\tn\tbad\x01ctl\n" +
			"e.com\tFALSE\t/\tFALSE\t0\tn\t\xff\xfe\n" +
			"e.com\tFALSE\t/\tFALSE\t0\tn\tv\textra\n",
			[]string{"e.com host-only / n=1 session"}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parseString(t, tt.in)
			var got []string
			for _, c := range res.Cookies {
				if c.Source != "file:test.txt" || c.Encryption != cookie.EncPlain {
					t.Errorf("source %q encryption %q", c.Source, c.Encryption)
				}
				got = append(got, short(c))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if res.Refused != tt.refused {
				t.Errorf("refused %d, want %d (%v)", res.Refused, tt.refused, res.Warnings)
			}
			for _, w := range res.Warnings {
				if !strings.HasPrefix(w, "test.txt: ") {
					t.Errorf("warning does not name the file: %q", w)
				}
				if strings.Contains(w, "ctl") || strings.Contains(w, "extra") {
					t.Errorf("warning leaks a value: %q", w)
				}
			}
		})
	}
}

func TestParseWarningsNameLine(t *testing.T) {
	res := parseString(t, Header+"e.com\tFALSE\t/\tFALSE\t0\tn\t1\nbroken line\n")
	if len(res.Warnings) != 1 || res.Warnings[0] != "test.txt: line 6 refused: wrong number of fields" {
		t.Fatalf("warnings %q", res.Warnings)
	}
	// Many bad lines: five described, then one summary.
	in := "e.com\tFALSE\t/\tFALSE\t0\tn\t1\n" + strings.Repeat("junk\n", 50)
	res = parseString(t, in)
	if res.Refused != 50 || len(res.Warnings) != 6 || !strings.Contains(res.Warnings[5], "50 lines refused in all") {
		t.Fatalf("refused %d warnings %q", res.Refused, res.Warnings)
	}
}

func TestParseMalformed(t *testing.T) {
	tenMB := "e.com\tFALSE\t/\tFALSE\t0\tn\t" + strings.Repeat("x", 10<<20) + "\n"
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "empty file"},
		{"blank lines", "\n\n  \n", "no cookie lines"},
		{"comments only", "# hello\n# world\n", "no cookie lines"},
		{"binary", "\x00\x01\x02\x03garbage\xff\xfe\n\x00", "binary data"},
		{"sqlite", "SQLite format 3\x00\x10\x00\x01\x01", "SQLite database"},
		{"json", `[{"domain":".example.com","name":"a","value":"b"}]`, "looks like JSON"},
		{"json object", `  {"cookies": []}`, "looks like JSON"},
		{"only a 10 MB line", tenMB, "line longer than 1 MB"},
		{"wrong field counts", "a\tb\tc\nd\te\n", "wrong number of fields"},
		{"invalid utf-8", "e.com\tFALSE\t/\tFALSE\t0\tn\t\xff\n", "invalid UTF-8"},
		{"header and bad lines", Header + "a\tb\n", "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), "bad.txt", importers.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var fe *importers.FileError
			if !errors.As(err, &fe) || fe.Path != "bad.txt" {
				t.Fatalf("error does not name the file: %v", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

// TestParseHeaderOnlyIsAnError (issue 8 item 13): a cookies.txt with its
// header and no cookie line (an export that selected nothing, or the wrong
// file) has nothing recognisable as a cookie: an error naming the file.
func TestParseHeaderOnlyIsAnError(t *testing.T) {
	for _, in := range []string{Header, Header + "\n# a comment\n\n", "# HTTP Cookie File\r\n"} {
		res, err := Parse(strings.NewReader(in), "empty.txt", importers.Options{})
		if err == nil || !strings.Contains(err.Error(), "empty.txt: no cookies in it") {
			t.Errorf("header-only file %q: %v, %v", in, err, res)
		}
	}
}

func TestParseLongLineAmongGood(t *testing.T) {
	in := "e.com\tFALSE\t/\tFALSE\t0\ta\t1\n" +
		"e.com\tFALSE\t/\tFALSE\t0\tn\t" + strings.Repeat("x", 10<<20) + "\n" +
		"e.com\tFALSE\t/\tFALSE\t0\tb\t2" // no final newline
	res := parseString(t, in)
	if len(res.Cookies) != 2 || res.Refused != 1 || !strings.Contains(res.Warnings[0], "line 2 refused: line longer than 1 MB") {
		t.Fatalf("cookies %d refused %d warnings %q", len(res.Cookies), res.Refused, res.Warnings)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cookies.txt")
	if err := os.WriteFile(p, []byte("e.com\tFALSE\t/\tFALSE\t0\ta\t1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Read(context.Background(), p, importers.Options{})
	if err != nil || len(res.Cookies) != 1 || res.Cookies[0].Source != "file:"+p {
		t.Fatalf("Read: %v %+v", err, res)
	}
	for _, bad := range []string{dir, filepath.Join(dir, "missing.txt")} {
		_, err := Read(context.Background(), bad, importers.Options{})
		if err == nil || !strings.HasPrefix(err.Error(), bad+": ") {
			t.Errorf("Read(%s): %v", bad, err)
		}
	}
}

func TestKookySample(t *testing.T) {
	p := testshared.Path(t, "fixtures", "samples", "kooky_netscape-cookies.txt")
	res, err := Read(context.Background(), p, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Cookies {
		got = append(got, short(c))
	}
	want := []string{
		"www.aol.de host-only / dlTimestamp=1602768758 exp=2020-10-15T13:52:38Z",
		".google.de / NID=204=blabla httponly exp=2021-04-16T13:33:04Z",
		".netscape.com / BX=blabla secure exp=2021-10-15T13:32:37Z",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s", strings.Join(got, "\n"))
	}
}

func writeString(t *testing.T, cs []cookie.Cookie, opts WriteOptions) (string, WriteReport) {
	t.Helper()
	if opts.Now.IsZero() {
		opts.Now = now
	}
	var b bytes.Buffer
	rep, err := Write(&b, cs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), rep
}

func TestWriteRules(t *testing.T) {
	exp := time.Date(2026, 1, 1, 0, 0, 0, 500e6, time.UTC)
	base := cookie.Cookie{Domain: ".example.com", Path: "/", Name: "n", Value: "v", Expires: cookie.TimeOf(exp)}
	with := func(f func(c *cookie.Cookie)) cookie.Cookie { c := base; f(&c); return c }
	tests := []struct {
		name string
		c    cookie.Cookie
		line string // "" = left out
		why  string
	}{
		{"domain cookie", base, ".example.com\tTRUE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"host-only", with(func(c *cookie.Cookie) { c.Domain, c.HostOnly = "example.com", true }), "example.com\tFALSE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"session", with(func(c *cookie.Cookie) { c.Session, c.Expires = true, cookie.Time{} }), ".example.com\tTRUE\t/\tFALSE\t0\tn\tv", ""},
		{"empty value keeps tab", with(func(c *cookie.Cookie) { c.Value = "" }), ".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t", ""},
		{"httponly secure", with(func(c *cookie.Cookie) { c.HTTPOnly, c.Secure = true, true }), "#HttpOnly_.example.com\tTRUE\t/\tTRUE\t1767225600\tn\tv", ""},
		{"empty path", with(func(c *cookie.Cookie) { c.Path = "" }), ".example.com\tTRUE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"upper case domain", with(func(c *cookie.Cookie) { c.Domain = ".ExAmple.COM" }), ".example.com\tTRUE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"idn", with(func(c *cookie.Cookie) { c.Domain = ".münchen.de" }), ".xn--mnchen-3ya.de\tTRUE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"ipv4 domain → host-only", with(func(c *cookie.Cookie) { c.Domain = ".10.0.0.1" }), "10.0.0.1\tFALSE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"ipv6 bare", with(func(c *cookie.Cookie) { c.Domain, c.HostOnly = "[::1]", true }), "::1\tFALSE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"port dropped", with(func(c *cookie.Cookie) { c.Domain, c.HostOnly = "example.com:8080", true }), "example.com\tFALSE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"localhost host-only", with(func(c *cookie.Cookie) { c.Domain = ".localhost" }), "localhost\tFALSE\t/\tFALSE\t1767225600\tn\tv", ""},
		{"value bytes kept", with(func(c *cookie.Cookie) { c.Value = ` a "b"=#,%ü ` }), ".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t a \"b\"=#,%ü ", ""},
		{"expired", with(func(c *cookie.Cookie) { c.Expires = cookie.TimeOf(now.Add(-time.Second)) }), "", LeftExpired},
		{"empty name", with(func(c *cookie.Cookie) { c.Name = "" }), "", LeftEmptyName},
		{"tab in value", with(func(c *cookie.Cookie) { c.Value = "a\tb" }), "", LeftControl},
		{"newline in name", with(func(c *cookie.Cookie) { c.Name = "a\nb" }), "", LeftControl},
		{"del in path", with(func(c *cookie.Cookie) { c.Path = "/\x7f" }), "", LeftControl},
		{"escape in domain", with(func(c *cookie.Cookie) { c.Domain = ".e\x1bx.com" }), "", LeftControl},
		{"bad utf8", with(func(c *cookie.Cookie) { c.Value = "\xff" }), "", LeftUTF8},
		{"relative path", with(func(c *cookie.Cookie) { c.Path = "x" }), "", LeftPath},
		{"bad domain", with(func(c *cookie.Cookie) { c.Domain = "#evil.com" }), "", LeftDomain},
		{"safari file domain", with(func(c *cookie.Cookie) { c.Domain = ".^filecookies^" }), "", LeftDomain},
		{"too long", with(func(c *cookie.Cookie) {
			c.Value = strings.Repeat("x", 4998-len(".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t")+1)
		}), "", LeftTooLong},
		{"longest allowed", with(func(c *cookie.Cookie) {
			c.Value = strings.Repeat("x", 4998-len(".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t"))
		}),
			".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t" + strings.Repeat("x", 4998-len(".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t")), ""},
		{"prefix counts in length", with(func(c *cookie.Cookie) {
			c.HTTPOnly = true
			c.Value = strings.Repeat("x", 4998-len(".example.com\tTRUE\t/\tFALSE\t1767225600\tn\t"))
		}), "", LeftTooLong},
		{"__Host- ok", with(func(c *cookie.Cookie) { c.Name, c.Domain, c.HostOnly, c.Secure = "__Host-s", "example.com", true, true }), "example.com\tFALSE\t/\tTRUE\t1767225600\t__Host-s\tv", ""},
		{"__Host- domain cookie", with(func(c *cookie.Cookie) { c.Name, c.Secure = "__Host-s", true }), "", LeftPrefix},
		{"__Host- path", with(func(c *cookie.Cookie) {
			c.Name, c.Domain, c.HostOnly, c.Secure, c.Path = "__Host-s", "example.com", true, true, "/a"
		}), "", LeftPrefix},
		{"__Secure- not secure", with(func(c *cookie.Cookie) { c.Name = "__Secure-s" }), "", LeftPrefix},
		{"__secure- lower case not secure", with(func(c *cookie.Cookie) { c.Name = "__secure-s" }), "", LeftPrefix},
		{"unreadable", with(func(c *cookie.Cookie) { c.ValueUnreadable = true }), "", LeftUnreadable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, rep := writeString(t, []cookie.Cookie{tt.c}, WriteOptions{})
			if !strings.HasPrefix(out, Header) {
				t.Fatalf("no header: %q", out)
			}
			body := strings.TrimPrefix(out, Header)
			if tt.line == "" {
				if body != "" || rep.LeftOut[tt.why] != 1 || rep.Written != 0 {
					t.Fatalf("want left out (%s), got %q %+v", tt.why, body, rep)
				}
				return
			}
			if body != tt.line+"\n" {
				t.Fatalf("got  %q\nwant %q", body, tt.line+"\n")
			}
			if rep.Written != 1 || rep.Skipped() != 0 {
				t.Fatalf("report %+v", rep)
			}
		})
	}
}

func TestWriteOptionsAndReport(t *testing.T) {
	exp := now.Add(24 * time.Hour)
	cs := []cookie.Cookie{
		{Source: "a", Domain: ".e.com", Path: "/", Name: "x", Value: "1", Expires: cookie.TimeOf(exp), HTTPOnly: true, SameSite: cookie.SameSiteLax,
			Container: cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2"}), Extras: cookie.MakeExtras(cookie.ExtraFields{Priority: "high"})},
		{Source: "b", Domain: ".e.com", Path: "/", Name: "x", Value: "2", Expires: cookie.TimeOf(exp), Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://t.com"})},
		{Source: "c", Domain: ".e.com", Path: "/", Name: "x", Value: "3", Expires: cookie.TimeOf(exp)},
		{Source: "c", Domain: ".e.com", Path: "/", Name: "old", Value: "4", Expires: cookie.TimeOf(now.Add(-time.Hour))},
		{Source: "c", Domain: ".e.com", Path: "/", Name: "ancient", Value: "5", Expires: cookie.TimeOf(time.Unix(-5, 0))},
		{Source: "c", Domain: ".e.com", Path: "/", Name: "p", Value: "6", Expires: cookie.TimeOf(exp), Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://t.com"})},
	}
	// By default the cookies partitioned under another top-level site
	// (t.com for e.com cookies) are left out: a cookies.txt would send them
	// first-party.
	out, rep := writeString(t, cs, WriteOptions{})
	body := strings.TrimPrefix(out, Header)
	want := ".e.com\tTRUE\t/\tFALSE\t" + itoa(exp.Unix()) + "\tx\t3\n"
	if body != want || rep.LeftOut[LeftForeignPartition] != 2 || rep.LeftOut[LeftDuplicate] != 1 || rep.Lost[LostPartition] != 0 {
		t.Fatalf("default: got\n%s%+v", body, rep)
	}
	// Own-site partitioned cookies are kept.
	own := cs[1]
	p := own.Partition.Fields()
	p.TopLevelSite = "https://e.com"
	own.Partition = cookie.MakePartition(p)
	if _, rep := writeString(t, []cookie.Cookie{own}, WriteOptions{}); rep.Written != 1 || rep.ForeignPartitioned != 0 {
		t.Fatalf("own-site partitioned cookie: %+v", rep)
	}
	out, rep = writeString(t, cs, WriteOptions{IncludeForeignPartitioned: true})
	body = strings.TrimPrefix(out, Header)
	// The unpartitioned default-container cookie (source c) wins the shared line.
	want = ".e.com\tTRUE\t/\tFALSE\t" + itoa(exp.Unix()) + "\tx\t3\n" +
		".e.com\tTRUE\t/\tFALSE\t" + itoa(exp.Unix()) + "\tp\t6\n"
	if body != want {
		t.Fatalf("got\n%s\nwant\n%s", body, want)
	}
	if rep.Written != 2 || rep.LeftOut[LeftDuplicate] != 2 || rep.LeftOut[LeftExpired] != 2 || rep.Lost[LostPartition] != 1 {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Warnings()) != 3 {
		t.Fatalf("warnings %q", rep.Warnings())
	}

	out, rep = writeString(t, cs[:1], WriteOptions{NoHTTPOnlyPrefix: true})
	if strings.Contains(out, "#HttpOnly_") || rep.Lost[LostHTTPOnly] != 1 || rep.Lost[LostSameSite] != 1 ||
		rep.Lost[LostContainer] != 1 || rep.Lost[LostPriority] != 1 {
		t.Fatalf("%q %+v", out, rep)
	}

	out, rep = writeString(t, cs[3:], WriteOptions{IncludeExpired: true, ExcludePartitioned: true})
	body = strings.TrimPrefix(out, Header)
	want = ".e.com\tTRUE\t/\tFALSE\t" + itoa(now.Add(-time.Hour).Unix()) + "\told\t4\n" +
		".e.com\tTRUE\t/\tFALSE\t1\tancient\t5\n"
	if body != want || rep.LeftOut[LeftPartitioned] != 1 {
		t.Fatalf("got\n%s %+v", body, rep)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// carried is what a cookies.txt keeps of a cookie after Write's
// normalisation (whole-second expiry).
func carried(c cookie.Cookie) string {
	if !c.Session {
		c.Expires = cookie.TimeOf(time.Unix(c.Expires.Unix(), 0).UTC())
	}
	return short(c)
}

func TestRoundTripGenerated(t *testing.T) {
	cs := gen.Cookies(20000, 42, now, "gen")
	cs = append(cs, cookie.Cookie{Domain: "e.com", HostOnly: true, Path: "/", Name: "sp ace", Value: " v=\"#,%ü🍪 ", Session: true})
	out, rep := writeString(t, cs, WriteOptions{})
	res, err := Parse(strings.NewReader(out), "rt.txt", importers.Options{Source: "gen"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Refused != 0 || len(res.Warnings) != 0 {
		t.Fatalf("re-read refused %d: %q", res.Refused, res.Warnings)
	}
	if len(res.Cookies) != rep.Written {
		t.Fatalf("wrote %d, read %d", rep.Written, len(res.Cookies))
	}
	// Every cookie written comes back with every field cookies.txt carries.
	want := map[string]bool{}
	for _, c := range cs {
		want[carried(c)] = true
	}
	for _, c := range res.Cookies {
		if !want[short(c)] {
			t.Fatalf("read back a cookie that was not written: %s", short(c))
		}
	}
	// Everything left out has a reason the generator produces: expired or a duplicate line.
	for k := range rep.LeftOut {
		if k != LeftExpired && k != LeftDuplicate && k != LeftForeignPartition {
			t.Errorf("left out for %q", k)
		}
	}
	if rep.LeftOut[LeftExpired] < 100 {
		t.Errorf("expected expired cookies in the generated set, got %+v", rep.LeftOut)
	}
	// A file crumbs wrote is reproduced byte for byte.
	again, _ := writeString(t, res.Cookies, WriteOptions{})
	if again != out {
		t.Fatal("Netscape → cookies → Netscape is not byte-identical")
	}
}

func FuzzNetscapeParse(f *testing.F) {
	f.Add([]byte(Header + ".example.com\tTRUE\t/\tTRUE\t1767225600\tsid\tabc\n"))
	f.Add([]byte("#HttpOnly_e.com\tFALSE\t/\tFALSE\t1.5\ta\t\r\n"))
	f.Add([]byte("e.com\tFALSE\tTRUE\t0\tn\tv\n[::1]\tfalse\t\tFALSE\t-1\t\tv\n"))
	f.Add([]byte("SQLite format 3\x00"))
	f.Add([]byte("\xef\xbb\xbf# HTTP Cookie File\n.münchen.de\tTRUE\t/\tFALSE\t1e300\tn\t\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), "fuzz.txt", importers.Options{})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.txt: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, c := range res.Cookies {
			if importers.TooLarge(c.Name, c.Value) {
				t.Fatalf("a %d-byte name or value was loaded", max(len(c.Name), len(c.Value)))
			}
		}
		var b1 bytes.Buffer
		opts := WriteOptions{Now: now, IncludeExpired: true}
		if _, err := Write(&b1, res.Cookies, opts); err != nil {
			t.Fatal(err)
		}
		res2, err := Parse(bytes.NewReader(b1.Bytes()), "fuzz2.txt", importers.Options{})
		if err != nil {
			// Write may leave every cookie out (partitioned, unreadable):
			// a header-only file, which has no cookies in it.
			if !strings.Contains(err.Error(), "no cookies in it") {
				t.Fatalf("re-parse of written file failed: %v\n%q", err, b1.String())
			}
			return
		}
		var b2 bytes.Buffer
		if _, err := Write(&b2, res2.Cookies, opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("write is not stable:\n%q\n%q", b1.String(), b2.String())
		}
	})
}

func BenchmarkWrite100k(b *testing.B) {
	cs := gen.Cookies(100000, 1, now, "gen")
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if _, err := Write(&buf, cs, WriteOptions{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkParse100k(b *testing.B) {
	cs := gen.Cookies(100000, 1, now, "gen")
	var buf bytes.Buffer
	if _, err := Write(&buf, cs, WriteOptions{Now: now}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(bytes.NewReader(data), "bench.txt", importers.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
