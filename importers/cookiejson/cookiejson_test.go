package cookiejson

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func parseT(t *testing.T, s string) *importers.Result {
	t.Helper()
	res, err := Parse(strings.NewReader(s), "in.json", importers.Options{Source: "file:in.json"})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return res
}

// A Cookie-Editor export (its real shape: floats, hostOnly, session, null sameSite, storeId).
const cookieEditor = `[
{
    "domain": ".example.com",
    "expirationDate": 1767225600.123456,
    "hostOnly": false,
    "httpOnly": true,
    "name": "sid",
    "path": "/",
    "sameSite": "no_restriction",
    "secure": true,
    "session": false,
    "storeId": "0",
    "value": "abc"
},
{
    "domain": "www.example.com",
    "hostOnly": true,
    "httpOnly": false,
    "name": "pref",
    "path": "/app",
    "sameSite": null,
    "secure": false,
    "session": true,
    "storeId": null,
    "value": ""
},
{
    "domain": "shop.example.com",
    "expirationDate": 1767225600,
    "hostOnly": true,
    "httpOnly": false,
    "name": "c",
    "path": "/",
    "sameSite": "lax",
    "secure": false,
    "session": false,
    "storeId": "firefox-container-2",
    "value": "v",
    "partitionKey": {"topLevelSite": "https://top.example", "hasCrossSiteAncestor": true}
}
]`

// An EditThisCookie export: "id" on every entry, "strict"/"unspecified".
const editThisCookie = `[{"domain":"example.org","hostOnly":true,"httpOnly":false,"name":"a","path":"/","sameSite":"strict","secure":true,"session":false,"expirationDate":1767225600.5,"storeId":"0","value":"1","id":1},
{"domain":".example.org","hostOnly":false,"httpOnly":false,"name":"b","path":"/","sameSite":"unspecified","secure":false,"session":true,"storeId":"0","value":"2","id":2}]`

func TestReadCookieEditor(t *testing.T) {
	res := parseT(t, cookieEditor)
	if len(res.Cookies) != 3 || res.Refused != 0 {
		t.Fatalf("%d cookies, %d refused", len(res.Cookies), res.Refused)
	}
	a, b, c := res.Cookies[0], res.Cookies[1], res.Cookies[2]
	wantExp := time.Date(2026, 1, 1, 0, 0, 0, 123456000, time.UTC)
	if a.Domain != ".example.com" || a.HostOnly || !a.HTTPOnly || !a.Secure || a.SameSite != cookie.SameSiteNone ||
		a.Session || !a.Expires.Equal(cookie.TimeOf(wantExp)) || a.Value != "abc" || a.Source != "file:in.json" || a.Encryption != cookie.EncPlain {
		t.Errorf("first: %+v", a)
	}
	if b.Domain != "www.example.com" || !b.HostOnly || !b.Session || !b.Expires.IsZero() || b.SameSite != cookie.SameSiteUnspecified || b.Path != "/app" {
		t.Errorf("second: %+v", b)
	}
	if c.Container.Key() != "userContextId=2" || c.SameSite != cookie.SameSiteLax ||
		c.Partition != (cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://top.example", CrossSiteAncestor: true})) {
		t.Errorf("third: %+v", c)
	}
}

func TestReadEditThisCookie(t *testing.T) {
	res := parseT(t, editThisCookie)
	if len(res.Cookies) != 2 {
		t.Fatalf("%d cookies", len(res.Cookies))
	}
	a, b := res.Cookies[0], res.Cookies[1]
	if a.SameSite != cookie.SameSiteStrict || !a.Expires.Equal(cookie.TimeOf(time.Date(2026, 1, 1, 0, 0, 0, 5e8, time.UTC))) || a.ID != 0 {
		t.Errorf("a: %+v", a)
	}
	if b.Domain != ".example.org" || b.HostOnly || !b.Session {
		t.Errorf("b: %+v", b)
	}
}

func TestReadLenient(t *testing.T) {
	res := parseT(t, `{"cookies":[
	{"domain":"example.com","name":"nodot"},
	{"domain":".example.com","name":"dotflag","hostOnly":true},
	{"domain":"example.com","name":"flagnodot","hostOnly":false,"expirationDate":2000000000},
	{"domain":"example.com","name":"weird","sameSite":"bogus"}]}`)
	var got []string
	for _, c := range res.Cookies {
		s := c.Domain + " " + c.Path + " " + c.Name
		if c.Session {
			s += " session"
		}
		got = append(got, s)
	}
	want := "example.com / nodot session|example.com / dotflag session|.example.com / flagnodot|example.com / weird session"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %s", strings.Join(got, "|"))
	}
}

func edgeCookies() []cookie.Cookie {
	t0 := time.Date(2024, 2, 3, 4, 5, 6, 789123456, time.UTC)
	return []cookie.Cookie{
		{ID: 7, Source: "firefox:default", Domain: ".example.com", Path: "/", Name: "full", Value: "v", Secure: true, HTTPOnly: true,
			SameSite: cookie.SameSiteStrict, Expires: cookie.TimeOf(time.Date(2026, 1, 1, 0, 0, 0, 123456789, time.UTC)),
			Created: cookie.TimeOf(t0), LastAccessed: cookie.TimeOf(t0.Add(time.Hour)), LastUpdated: cookie.TimeOf(t0.Add(time.Minute)),
			Partition:  cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionFirefox, TopLevelSite: "https://top.test"}),
			Container:  cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=3", Name: "Work"}),
			Extras:     cookie.MakeExtras(cookie.ExtraFields{Priority: "high", SourceScheme: "secure", SourcePort: 443, SourceType: "http", SchemeMap: 2}),
			Encryption: cookie.EncV11, OriginalKey: "k1", Purpose: cookie.PurposeSession, Reason: "known name", VerdictBy: cookie.EvidenceName},
		{Source: "chrome:Default", Domain: "host.test", HostOnly: true, Path: "/x", Name: "unreadable", Encryption: cookie.EncV20,
			ValueUnreadable: true, UnreadableReason: "app-bound (v20)", Session: true},
		{Source: "s", Domain: "bytes.test", HostOnly: true, Path: "/", Name: "bin\xff", Value: "\x00\xfe\xff<>&\u2028", Session: true},
		{Source: "s", Domain: "", Path: "", Name: "", Value: "odd: no domain no path", Session: true, Expires: cookie.TimeOf(time.Unix(5, 0).UTC())},
		{Source: "s", Domain: "e.test", HostOnly: true, Path: "/", Name: "persistent-no-expiry"},
		{Source: "s", Domain: ".e.test", HostOnly: true, Path: "/", Name: "dot-and-host-only", Expires: cookie.TimeOf(time.Date(1969, 12, 31, 23, 59, 59, 500000000, time.UTC))},
		{Source: "s", Domain: "[::1]", HostOnly: true, Path: "/", Name: "private", Container: cookie.MakeContainer(cookie.ContainerFields{Key: "privateBrowsingId=1"}), Partition: cookie.MakePartition(cookie.PartitionFields{TopLevelSite: "https://kindless.test"})},
	}
}

func TestRoundTripModel(t *testing.T) {
	cs := append(gen.Cookies(5000, 3, now, "gen"), edgeCookies()...)
	cs = append(cs, gen.Hostile()...)
	var b bytes.Buffer
	if err := Write(&b, cs); err != nil {
		t.Fatal(err)
	}
	res, err := Parse(bytes.NewReader(b.Bytes()), "rt.json", importers.Options{Source: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	// The "odd" edge cookie has an empty domain, which is refused: it is no cookie.
	if res.Refused != 1 || len(res.Cookies) != len(cs)-1 {
		t.Fatalf("read %d, refused %d (%q)", len(res.Cookies), res.Refused, res.Warnings)
	}
	j := 0
	for i := range cs {
		if cs[i].Domain == "" {
			continue
		}
		if !reflect.DeepEqual(cs[i], res.Cookies[j]) {
			t.Fatalf("cookie %d changed:\nwrote %+v\nread  %+v", i, cs[i], res.Cookies[j])
		}
		j++
	}
	// JSON → cookies → JSON is identical (the refused entry aside).
	var b2 bytes.Buffer
	if err := Write(&b2, res.Cookies); err != nil {
		t.Fatal(err)
	}
	var b3 bytes.Buffer
	if err := Write(&b3, append(append([]cookie.Cookie{}, cs[:len(cs)-len(gen.Hostile())-4]...), cs[len(cs)-len(gen.Hostile())-3:]...)); err != nil {
		t.Fatal(err)
	}
	if b2.String() != b3.String() {
		t.Fatal("JSON → cookies → JSON is not identical")
	}
}

func TestRoundTripCookieEditor(t *testing.T) {
	// A third-party export comes back as crumbs' JSON, which then is stable.
	res := parseT(t, cookieEditor)
	var b1, b2 bytes.Buffer
	Write(&b1, res.Cookies)
	res2 := parseT(t, b1.String())
	Write(&b2, res2.Cookies)
	if b1.String() != b2.String() || !reflect.DeepEqual(res.Cookies, res2.Cookies) {
		t.Fatalf("not stable:\n%s\n%s", b1.String(), b2.String())
	}
	for _, want := range []string{`"sameSite":"no_restriction"`, `"expirationDate":1767225600.123456`, `"storeId":"firefox-container-2"`,
		`"partitionKey":{"topLevelSite":"https://top.example","hasCrossSiteAncestor":true}`} {
		if !strings.Contains(b1.String(), want) {
			t.Errorf("output lacks %s", want)
		}
	}
	if strings.Contains(b1.String(), `"expirationDate"`) && strings.Contains(b1.String(), `"pref","value":"","secure":false,"httpOnly":false,"sameSite":"unspecified","session":true,"expirationDate"`) {
		t.Error("session cookie written with an expirationDate")
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "empty file"},
		{"spaces", " \n\t", "empty file"},
		{"binary", "\x00\x01\x02garbage", "not JSON"},
		{"sqlite", "SQLite format 3\x00rest", "SQLite database"},
		{"netscape", "# Netscape HTTP Cookie File\n.e.com\tTRUE\t/\tFALSE\t0\ta\tb\n", "not JSON"},
		{"invalid json", "[\n{\"domain\": \"e.com\",\n \"name\": oops}\n]", "invalid JSON at line 3, column 10"},
		{"truncated", `[{"domain":"e.com","name":"a"`, "invalid JSON"},
		{"numbers", `[1,2,3]`, "no cookie in 3 entries (3 not a JSON object)"},
		{"objects of another kind", `[{"id":1,"title":"x"},{"url":"y"}]`, "no cookie in 2 entries"},
		{"object without cookies", `{"foo":[]}`, `without a "cookies" array`},
		{"top-level string", `"cookies"`, "not JSON"},
		{"cookies not an array", `{"cookies": 5}`, "not a cookie export"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in), "bad.json", importers.Options{})
			var fe *importers.FileError
			if err == nil || !errors.As(err, &fe) || fe.Path != "bad.json" {
				t.Fatalf("want a FileError naming bad.json, got %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q lacks %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "oops") {
				t.Fatalf("error quotes the input: %v", err)
			}
		})
	}
}

func TestSomeBadEntries(t *testing.T) {
	res := parseT(t, `[{"domain":"e.com","name":"ok","value":"secret1"},
		{"domain":"e.com","name":"badexp","expirationDate":"soon","value":"secret2"},
		{"domain":"e.com","name":5},
		"string",
		{"domain":"","name":"nodomain"},
		{"domain":"e.com","name":"far","expirationDate":1e300}]`)
	if len(res.Cookies) != 1 || res.Refused != 5 {
		t.Fatalf("%d cookies, %d refused: %q", len(res.Cookies), res.Refused, res.Warnings)
	}
	for _, w := range res.Warnings {
		if !strings.HasPrefix(w, "in.json: entry ") || strings.Contains(w, "secret") {
			t.Errorf("warning %q", w)
		}
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "in.json: entry 2 refused") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestEmptyArray (issue 8 item 13): an empty array, at the top or under
// "cookies", has nothing recognisable as a cookie: an error naming the
// file. The writer still writes one for an empty selection.
func TestEmptyArray(t *testing.T) {
	for _, in := range []string{"[]\n", " [ ] ", `{"cookies": []}`} {
		res, err := Parse(strings.NewReader(in), "in.json", importers.Options{})
		if err == nil || !strings.Contains(err.Error(), "in.json: no cookies in it") {
			t.Errorf("%q: %v, %v", in, err, res)
		}
	}
	var b bytes.Buffer
	Write(&b, nil)
	if b.String() != "[\n]\n" {
		t.Fatalf("%q", b.String())
	}
}

func TestReadWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.json")
	var out bytes.Buffer
	if err := Write(&out, gen.Cookies(10, 1, now, "gen")); err != nil {
		t.Fatal(err)
	}
	// Files are written by internal/app.WriteOutput (0600, atomic).
	if err := os.WriteFile(p, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Read(context.Background(), p, importers.Options{})
	if err != nil || len(res.Cookies) != 10 || res.Cookies[0].Source != "gen" {
		t.Fatalf("%v %+v", err, res)
	}
	res, err = Read(context.Background(), filepath.Join(dir, "x.json"), importers.Options{})
	if err == nil || !strings.Contains(err.Error(), "x.json: ") {
		t.Fatalf("missing file: %v", err)
	}
	// A foreign export without crumbs.source gets the file's source.
	os.WriteFile(p, []byte(editThisCookie), 0o600)
	res, _ = Read(context.Background(), p, importers.Options{})
	if res.Cookies[0].Source != "file:"+p {
		t.Fatalf("source %q", res.Cookies[0].Source)
	}
}

func FuzzJSONParse(f *testing.F) {
	f.Add([]byte(cookieEditor))
	f.Add([]byte(editThisCookie))
	f.Add([]byte(`{"cookies":[{"domain":"e","name":"","crumbs":{"raw":{"value":"/w=="},"expires":"2020-01-01T00:00:00Z"}}]}`))
	f.Add([]byte(`[{"domain":".e","name":"n","expirationDate":-1.5e-7,"session":false,"crumbs":{}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), "fuzz.json", importers.Options{Source: "f"})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for _, c := range res.Cookies {
			if importers.TooLarge(c.Name, c.Value) {
				t.Fatalf("a %d-byte name or value was loaded", max(len(c.Name), len(c.Value)))
			}
		}
		var b1, b2 bytes.Buffer
		if err := Write(&b1, res.Cookies); err != nil {
			t.Fatal(err)
		}
		res2, err := Parse(bytes.NewReader(b1.Bytes()), "fuzz2.json", importers.Options{Source: "f"})
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, b1.String())
		}
		if !reflect.DeepEqual(res.Cookies, res2.Cookies) {
			t.Fatalf("cookies changed on the way:\n%+v\n%+v", res.Cookies, res2.Cookies)
		}
		if err := Write(&b2, res2.Cookies); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("write not stable:\n%s\n%s", b1.String(), b2.String())
		}
	})
}

func BenchmarkWrite100k(b *testing.B) {
	cs := gen.Cookies(100000, 1, now, "gen")
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := Write(&buf, cs); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkParse100k(b *testing.B) {
	cs := gen.Cookies(100000, 1, now, "gen")
	var buf bytes.Buffer
	Write(&buf, cs)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(bytes.NewReader(data), "bench.json", importers.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
