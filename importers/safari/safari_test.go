package safari

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// rec is one cookie for the test writer.
type rec struct {
	domain, name, path, value string
	flags                     uint32
	expires, created          float64 // Mac epoch seconds
}

// layout says in which order the writer puts a record's strings.
type layout string

const (
	inOrder  layout = "dnpv" // domain, name, path, value (kooky's file)
	plasoish layout = "nvdp" // name, value, domain, path (the 2013 plaso file)
)

// encodeRecord writes one record in the on-disk layout of docs/stores-firefox-safari.md §Safari.
func encodeRecord(r rec, order layout) []byte {
	strs := map[byte]string{'d': r.domain, 'n': r.name, 'p': r.path, 'v': r.value}
	offs := map[byte]uint32{}
	var body []byte
	for i := 0; i < len(order); i++ {
		offs[order[i]] = uint32(recHeaderSize + len(body))
		body = append(append(body, strs[order[i]]...), 0)
	}
	h := make([]byte, recHeaderSize)
	le := binary.LittleEndian
	le.PutUint32(h[0:], uint32(recHeaderSize+len(body)))
	le.PutUint32(h[8:], r.flags)
	le.PutUint32(h[16:], offs['d'])
	le.PutUint32(h[20:], offs['n'])
	le.PutUint32(h[24:], offs['p'])
	le.PutUint32(h[28:], offs['v'])
	le.PutUint64(h[40:], math.Float64bits(r.expires))
	le.PutUint64(h[48:], math.Float64bits(r.created))
	return append(h, body...)
}

func encodePage(rs []rec, order layout) []byte {
	le := binary.LittleEndian
	head := append([]byte{}, PageTag...)
	head = le.AppendUint32(head, uint32(len(rs)))
	start := len(head) + 4*len(rs) + 4
	var body []byte
	for _, r := range rs {
		head = le.AppendUint32(head, uint32(start+len(body)))
		body = append(body, encodeRecord(r, order)...)
	}
	head = append(head, 0, 0, 0, 0)
	return append(head, body...)
}

// encodeFile writes a whole file; footerLen is 8 (modern) or 4 (2013).
func encodeFile(pages [][]rec, order layout, footerLen int, trailer []byte) []byte {
	be := binary.BigEndian
	out := []byte(Magic)
	out = be.AppendUint32(out, uint32(len(pages)))
	var encoded [][]byte
	for _, p := range pages {
		e := encodePage(p, order)
		encoded = append(encoded, e)
		out = be.AppendUint32(out, uint32(len(e)))
	}
	var sum uint32
	for _, e := range encoded {
		out = append(out, e...)
		for i := 0; i < len(e); i += 4 {
			sum += uint32(e[i])
		}
	}
	out = be.AppendUint32(out, sum)
	out = append(out, Footer[:footerLen]...)
	return append(out, trailer...)
}

func mac(t time.Time) float64 { return float64(t.Unix()-978307200) + float64(t.Nanosecond())/1e9 }

var (
	t2030 = time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	t2024 = time.Date(2024, 1, 2, 3, 4, 5, 250000000, time.UTC)
)

var sample = [][]rec{
	{
		{".example.com", "sid", "/", "abc=def", FlagSecure | FlagHTTPOnly, mac(t2030), mac(t2024)},
		{"www.example.com", "pref", "/account", "dark mode", 0, mac(t2030), mac(t2024)},
	},
	{
		{"shop.example.org", "cart", "/cart", "", FlagHTTPOnly, mac(t2030), mac(t2024)},
		{".example.net", "zürich", "/", "café ☕", FlagSecure | 0x2, mac(t2030), mac(t2024)},
		{".^filecookies^", "local", "/Applications/App", "1", 0, mac(t2030), mac(t2024)},
	},
}

func TestParseBothOffsetOrders(t *testing.T) {
	for _, order := range []layout{inOrder, plasoish} {
		for _, footer := range []int{8, 4} {
			data := encodeFile(sample, order, footer, []byte("bplist00\xd1\x01\x02"))
			res, err := Parse(data, "Cookies.binarycookies", importers.Options{Source: "safari:test"})
			if err != nil {
				t.Fatalf("%s/%d: %v", order, footer, err)
			}
			if len(res.Warnings) != 0 || res.Refused != 0 {
				t.Errorf("%s/%d: warnings %q refused %d", order, footer, res.Warnings, res.Refused)
			}
			var want []rec
			for _, p := range sample {
				want = append(want, p...)
			}
			if len(res.Cookies) != len(want) {
				t.Fatalf("%s/%d: %d cookies, want %d", order, footer, len(res.Cookies), len(want))
			}
			for i, c := range res.Cookies {
				w := want[i]
				if c.Domain != w.domain || c.Name != w.name || c.Path != w.path || c.Value != w.value ||
					c.HostOnly == strings.HasPrefix(w.domain, ".") ||
					c.Secure != (w.flags&FlagSecure != 0) || c.HTTPOnly != (w.flags&FlagHTTPOnly != 0) ||
					!c.Expires.Equal(cookie.TimeOf(t2030)) || !c.Created.Equal(cookie.TimeOf(t2024)) || c.Session ||
					c.Source != "safari:test" || c.Encryption != cookie.EncPlain || c.SameSite != cookie.SameSiteUnspecified {
					t.Errorf("%s/%d: cookie %d = %+v, want %+v", order, footer, i, c, w)
				}
			}
		}
	}
}

func TestChecksumMismatchIsAWarning(t *testing.T) {
	data := encodeFile(sample, inOrder, 8, nil)
	// Change a byte the checksum covers (offset 0 of page 1 is the tag, so
	// pick a checksummed byte inside a record string instead).
	pageStart := 8 + 4*len(sample)
	i := pageStart + 100
	i -= (i - pageStart) % 4
	data[i] ^= 0x01
	res, err := Parse(data, "x.binarycookies", importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 5 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "checksum mismatch") {
		t.Errorf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
}

func TestDamagedFiles(t *testing.T) {
	good := encodeFile(sample, inOrder, 8, nil)
	pageStart := 8 + 4*len(sample)
	badOffset := bytes.Clone(good)
	binary.LittleEndian.PutUint32(badOffset[pageStart+8:], 1<<30) // first record offset
	badString := bytes.Clone(good)
	rec0 := pageStart + 8 + 4*2 + 4
	binary.LittleEndian.PutUint32(badString[rec0+recNameOff:], 1<<20)
	noNUL := bytes.Clone(good)
	noNUL[rec0+int(binary.LittleEndian.Uint32(noNUL[rec0:]))-1] = 'x' // the value's terminator, last in the record
	nanExpiry := bytes.Clone(good)
	binary.LittleEndian.PutUint64(nanExpiry[rec0+recExpires:], math.Float64bits(math.NaN()))

	cases := []struct {
		name     string
		data     []byte
		err      string // "" = no error
		cookies  int
		warnings string
	}{
		{"empty", nil, "not a Safari", 0, ""},
		{"other", []byte("SQLite format 3\x00"), "not a Safari", 0, ""},
		{"huge page count", []byte("cook\xff\xff\xff\xff"), "lists 4294967295 pages", 0, ""},
		{"truncated", good[:len(good)/2], "", 2, "runs past the end"},
		{"no checksum", good[:len(good)-10], "", 5, "no checksum"},
		{"bad record offset", badOffset, "", 4, "record offset outside"},
		{"bad string offset", badString, "", 4, "string offset"},
		{"no NUL", noNUL, "", 4, "NUL"},
		{"nan expiry", nanExpiry, "", 4, "expiry"},
		{"bad page tag", append(append([]byte("cook\x00\x00\x00\x01\x00\x00\x00\x08"), "XXXXXXXX"...), 0, 0, 0, 0), "no readable cookie", 0, ""},
	}
	for _, tc := range cases {
		res, err := Parse(tc.data, "f.binarycookies", importers.Options{})
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "f.binarycookies: ") {
				t.Errorf("%s: err %v, want one naming the file and saying %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(res.Cookies) != tc.cookies || !strings.Contains(strings.Join(res.Warnings, "\n"), tc.warnings) {
			t.Errorf("%s: %d cookies, warnings %q; want %d and %q", tc.name, len(res.Cookies), res.Warnings, tc.cookies, tc.warnings)
		}
		for _, w := range res.Warnings {
			if !strings.HasPrefix(w, "f.binarycookies: ") {
				t.Errorf("%s: warning %q does not name the file", tc.name, w)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{dir, filepath.Join(dir, "missing.binarycookies")} {
		if _, err := Read(context.Background(), p, importers.Options{}); err == nil || !strings.HasPrefix(err.Error(), p+": ") {
			t.Errorf("Read(%s) = %v", p, err)
		}
	}
	p := filepath.Join(dir, "Cookies.binarycookies")
	os.WriteFile(p, encodeFile(sample, plasoish, 8, nil), 0o600)
	res, err := Read(context.Background(), p, importers.Options{})
	if err != nil || len(res.Cookies) != 5 {
		t.Errorf("Read: %v, %v", res, err)
	}
}

func TestKookySample(t *testing.T) {
	p := filepath.Join(testshared.Path(t, "fixtures", "samples"), "kooky_safari-macos-cookie-db.binarycookies")
	res, err := Read(context.Background(), p, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 2 || len(res.Warnings) != 0 {
		t.Fatalf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
	a, b := res.Cookies[0], res.Cookies[1]
	if a.Domain != ".ycombinator.com" || a.HostOnly || a.Name != "__cfduid" || a.Secure || !a.HTTPOnly {
		t.Errorf("first cookie %+v (want flags 0x4: HttpOnly only)", a)
	}
	if b.Domain != "news.ycombinator.com" || !b.HostOnly || b.Name != "user" || !b.Secure || !b.HTTPOnly ||
		b.Value != "zellyn&EdK9mzRM38fGtIZQTiqCyAeWg93RDjdo" || b.Expires.Time().Year() != 2038 {
		t.Errorf("second cookie %+v (want flags 0x5: Secure and HttpOnly)", b)
	}
}

func TestPlasoSample(t *testing.T) {
	p := filepath.Join(testshared.Path(t, "fixtures", "samples"), "plaso_Cookies.binarycookies")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.BigEndian.Uint32(data[4:8]); n != 29 {
		t.Fatalf("fixture has %d pages, want 29", n)
	}
	res, err := Parse(data, p, importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 91 || len(res.Warnings) != 0 {
		t.Fatalf("%d cookies, warnings %q", len(res.Cookies), res.Warnings)
	}
	combos := map[[2]bool]int{}
	files := 0
	for _, c := range res.Cookies {
		combos[[2]bool{c.Secure, c.HTTPOnly}]++
		if c.Domain == ".^filecookies^" {
			files++
		}
		if c.Domain == "" || c.Path == "" || c.Expires.IsZero() {
			t.Errorf("incomplete cookie %+v", c)
		}
	}
	if len(combos) != 4 {
		t.Errorf("flag combinations %v, want all four of {0,1,4,5}", combos)
	}
	if files == 0 {
		t.Error("no .^filecookies^ cookie")
	}
	c := res.Cookies[0]
	if c.Domain != "en.wikipedia.org" || c.Name != "centralnotice_bucket" || c.Value != "0-4.2" ||
		!c.Expires.Equal(cookie.TimeOf(time.Date(2013, 7, 15, 17, 24, 28, 0, time.UTC))) {
		t.Errorf("first cookie %+v", c)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(encodeFile(sample, inOrder, 8, nil))
	f.Add(encodeFile(sample, plasoish, 4, []byte("bplist00")))
	f.Add([]byte("cook\x00\x00\x00\x01\x00\x00\x00\x10\x00\x00\x01\x00\x01\x00\x00\x00\x0c\x00\x00\x00"))
	f.Add([]byte("cook"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(data, "fuzz", importers.Options{})
		if err != nil {
			return
		}
		for _, c := range res.Cookies {
			if c.Domain == "" {
				t.Fatal("cookie without a domain")
			}
			if importers.TooLarge(c.Name, c.Value) {
				t.Fatalf("a %d-byte name or value was loaded", max(len(c.Name), len(c.Value)))
			}
		}
		// No byte belongs to two records: a file cannot yield more
		// cookies than it has room for.
		if len(res.Cookies) > len(data)/recHeaderSize {
			t.Fatalf("%d cookies from %d bytes", len(res.Cookies), len(data))
		}
	})
}

// TestRecordsMayNotOverlap (issue 8 item 4): a page listing one record
// twice, or a record starting inside another, yields each byte's record
// once; the others are refused with a warning; a page whose count cannot
// fit its bytes is refused whole; a file with no page is an error.
func TestRecordsMayNotOverlap(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	r := encodeRecord(rec{".example.com", "sid", "/", "v", 0, mac(t2030), mac(t2024)}, inOrder)
	build := func(offsets []uint32, body []byte) []byte {
		page := append([]byte{}, PageTag...)
		page = le.AppendUint32(page, uint32(len(offsets)))
		for _, o := range offsets {
			page = le.AppendUint32(page, o)
		}
		page = append(page, body...)
		out := be.AppendUint32([]byte(Magic), 1)
		out = be.AppendUint32(out, uint32(len(page)))
		return append(out, page...)
	}
	// Two offsets, room for two records, but both point at the first.
	start := uint32(8 + 4*2)
	body := append(append([]byte{}, r...), make([]byte, len(r))...)
	res, err := Parse(build([]uint32{start, start}, body), "f", importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 1 || res.Refused != 1 || !strings.Contains(strings.Join(res.Warnings, "\n"), "overlaps") {
		t.Fatalf("repeated record: %d cookies, %d refused, %q", len(res.Cookies), res.Refused, res.Warnings)
	}
	// A record starting inside the offset table.
	body2 := append(make([]byte, len(r)), r...)
	if res, err := Parse(build([]uint32{4, start + uint32(len(r))}, body2), "f", importers.Options{}); err != nil || len(res.Cookies) != 1 || res.Refused != 1 {
		t.Fatalf("record over the table: %v, %+v", err, res)
	}
	// A count that cannot fit: 1000 offsets to one record.
	offs := make([]uint32, 1000)
	for i := range offs {
		offs[i] = uint32(8 + 4*1000)
	}
	if _, err := Parse(build(offs, r), "f", importers.Options{}); err == nil || !strings.Contains(err.Error(), "has room for") {
		t.Fatalf("count beyond the page: %v", err)
	}
	// No page at all: nothing recognisable as a cookie.
	if _, err := Parse([]byte("cook\x00\x00\x00\x00\x00\x00\x00\x00\x07\x17\x20\x05"), "f", importers.Options{}); err == nil || !strings.Contains(err.Error(), "no cookies") {
		t.Fatalf("no pages: %v", err)
	}
}

// TestValueCap (issue 8 item 13): a record whose value or name is over
// importers.MaxValue is refused with a warning; the others are read.
func TestValueCap(t *testing.T) {
	big := strings.Repeat("v", importers.MaxValue+1)
	data := encodeFile([][]rec{{
		{".example.com", "ok", "/", "v", 0, mac(t2030), mac(t2024)},
		{".example.com", "bigvalue", "/", big, 0, mac(t2030), mac(t2024)},
		{".example.com", big, "/", "v", 0, mac(t2030), mac(t2024)},
	}}, inOrder, 8, nil)
	res, err := Parse(data, "Cookies.binarycookies", importers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cookies) != 1 || res.Cookies[0].Name != "ok" || res.Refused != 2 {
		t.Fatalf("%d cookies, %d refused", len(res.Cookies), res.Refused)
	}
	if w := strings.Join(res.Warnings, "\n"); !strings.Contains(w, "larger than 64 KiB") || strings.Contains(w, big[:100]) {
		t.Errorf("warnings: %.300q", w)
	}
}
