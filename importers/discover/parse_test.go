package discover

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crumbs-dev/crumbs/internal/testshared"
)

func TestParseProfilesINIInstallDefaultWins(t *testing.T) {
	entries, defaults := parseProfilesINI([]byte("\xef\xbb\xbf" + strings.ReplaceAll(twoProfilesINI, "\n", "\r\n")))
	if len(entries) != 2 || entries[0].name != "work" || entries[1].path != "Profiles/a1.default-release" || !entries[1].dflt {
		t.Fatalf("entries = %+v", entries)
	}
	if !defaults["Profiles/b2.work"] || len(defaults) != 1 {
		t.Fatalf("install defaults = %v", defaults)
	}
}

func TestCountBinaryCookiesRejectsBadFiles(t *testing.T) {
	good := binaryCookies(3, 2)
	if n, err := CountBinaryCookies([]byte(good)); err != nil || n != 5 {
		t.Fatalf("good file: %d, %v", n, err)
	}
	for name, data := range map[string]string{
		"empty":           "",
		"wrong magic":     "kooc\x00\x00\x00\x00",
		"page too long":   "cook\x00\x00\x00\x01\x00\x00\x10\x00",
		"huge page count": "cook\xff\xff\xff\xff",
		"truncated":       good[:len(good)/2],
		"count too big":   "cook\x00\x00\x00\x01\x00\x00\x00\x0c\x00\x00\x01\x00\xff\x00\x00\x00\x00\x00\x00\x00",
	} {
		if _, err := CountBinaryCookies([]byte(data)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestRealFixtures runs discovery on the browser folders written by real
// Firefox and Chromium (../shared/fixtures/browsers) and counts real Safari
// files (../shared/fixtures/samples).
func TestRealFixtures(t *testing.T) {
	shared := testshared.Path(t)
	ctx := context.Background()
	ff, err := ScanRoot(Env{OS: "linux"}, filepath.Join(shared, "fixtures/browsers/firefox/profiles"), "")
	if err != nil || len(ff) != 1 || ff[0].SourceID() != "firefox:default-release" || !ff[0].Default {
		t.Fatalf("firefox fixture: %+v, %v", ff, err)
	}
	if n, err := CountCookies(ctx, ff[0]); err != nil || n != 55 {
		t.Errorf("firefox fixture count = %d, %v; want 55", n, err)
	}
	cr, err := ScanRoot(Env{OS: "linux"}, filepath.Join(shared, "fixtures/browsers/chromium/user-data"), "chromium")
	if err != nil || len(cr) != 1 || cr[0].DirName() != "Default" {
		t.Fatalf("chromium fixture: %+v, %v", cr, err)
	}
	if n, err := CountCookies(ctx, cr[0]); err != nil || n != 63 {
		t.Errorf("chromium fixture count = %d, %v; want 63", n, err)
	}
	for file, want := range map[string]int{"kooky_safari-macos-cookie-db.binarycookies": 2, "plaso_Cookies.binarycookies": 91} {
		p := Profile{Family: Safari, Store: filepath.Join(shared, "fixtures/samples", file)}
		if n, err := CountCookies(ctx, p); err != nil || n != want {
			t.Errorf("%s: %d, %v; want %d", file, n, err, want)
		}
	}
}

func FuzzParseINI(f *testing.F) {
	f.Add([]byte(twoProfilesINI))
	f.Add([]byte("[Profile0]\r\nPath=../x\r\nIsRelative=1\r\n"))
	f.Add([]byte("\xef\xbb\xbf;c\n#d\n[\n=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, _ := parseProfilesINI(data)
		for _, e := range entries {
			if e.path == "" {
				t.Fatal("entry without a path")
			}
		}
	})
}

func FuzzParseLocalState(f *testing.F) {
	f.Add([]byte(`{"profile":{"info_cache":{"Default":{"name":"P"}}}}`))
	f.Add([]byte(`{"profile":{"info_cache":[]}}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseLocalState(data)
		if err != nil && m != nil {
			t.Fatal("map with an error")
		}
	})
}

func FuzzCountBinaryCookies(f *testing.F) {
	f.Add([]byte(binaryCookies(1, 2)))
	f.Add([]byte("cook\x00\x00\x00\x01\x00\x00\x00\x08\x00\x00\x01\x00\x00\x00\x00\x00"))
	f.Add([]byte("cook"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := CountBinaryCookies(data)
		if err == nil && n*4 > len(data) {
			t.Fatalf("%d cookies cannot fit in %d bytes", n, len(data))
		}
	})
}
