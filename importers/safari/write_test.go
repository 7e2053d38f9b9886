package safari

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestWriteDeletesEditsAndRecomputesChecksum(t *testing.T) {
	for _, order := range []layout{inOrder, plasoish} {
		trailer := []byte("bplist00\xd1\x01\x02")
		path := filepath.Join(t.TempDir(), "Cookies.binarycookies")
		if err := os.WriteFile(path, encodeFile(sample, order, 8, trailer), 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := Read(t.Context(), path, importers.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var del []cookie.Cookie
		var ed []importers.Edit
		for _, c := range res.Cookies {
			switch c.Name {
			case "sid", "cart", "local": // "cart" empties nothing; "sid" and "local" are on two pages
				del = append(del, c)
			case "zürich":
				n := c
				n.Value, n.Secure, n.HTTPOnly = "edited", false, true
				n.Expires = cookie.TimeOf(time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC))
				ed = append(ed, importers.Edit{Old: c, New: n})
			}
		}
		if err := Write(path, importers.Change{Delete: del, Update: ed}); err != nil {
			t.Fatal(err)
		}
		if err := Check(path); err != nil {
			t.Fatalf("%s: %v", order, err)
		}
		data, _ := os.ReadFile(path)
		if !bytes.HasSuffix(data, append(append([]byte{}, Footer...), trailer...)) {
			t.Fatalf("%s: footer and plist not kept", order)
		}
		after, err := Parse(data, path, importers.Options{})
		if err != nil || len(after.Warnings) > 0 {
			t.Fatal(err, after.Warnings)
		}
		if len(after.Cookies) != 2 {
			t.Fatalf("%s: %d cookies after, want 2: %+v", order, len(after.Cookies), after.Cookies)
		}
		for _, c := range after.Cookies {
			switch c.Name {
			case "pref":
				if c.Value != "dark mode" || c.Path != "/account" || !c.Expires.Equal(cookie.TimeOf(t2030)) || !c.Created.Equal(cookie.TimeOf(t2024)) {
					t.Errorf("%s: untouched cookie changed: %+v", order, c)
				}
			case "zürich":
				if c.Value != "edited" || c.Secure || !c.HTTPOnly || !c.Expires.Equal(ed[0].New.Expires) || !c.Created.Equal(cookie.TimeOf(t2024)) || c.Domain != ".example.net" {
					t.Errorf("%s: edited cookie reads back as %+v", order, c)
				}
			default:
				t.Errorf("%s: %s should be gone", order, c.Name)
			}
		}
		// A cookie that is not in the file: nothing written.
		before, _ := os.ReadFile(path)
		ghost := del[0]
		if err := Write(path, importers.Change{Delete: []cookie.Cookie{ghost}}); err == nil {
			t.Fatal("deleting a cookie that is not there must fail")
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
			t.Fatal("a failed write changed the file")
		}
	}
}
