package app

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// TestExportEachKeepsNothing: ExportEach handed one cookie variable that is
// overwritten after every call (as the jar's Each reuses its cookie)
// writes, in every format, what Export writes of the slice, with the same
// report; an error from the cookies stops the export with that error and
// nothing written.
func TestExportEachKeepsNothing(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	cs := gen.Cookies(3000, 3, now, "a")
	for i := 0; i < 3000; i += 4 { // a second copy of some, from another source: duplicates
		c := cs[i]
		c.Source = "b"
		cs = append(cs, c)
	}
	cs[5].ValueUnreadable = true
	cs = append(cs, cookie.Cookie{Source: "a", Domain: "example.com", HostOnly: true, Path: "/", Name: "S", Value: "1", Session: true})
	reused := func(fn func(*cookie.Cookie) error) error {
		var one cookie.Cookie
		for i := range cs {
			one = cs[i]
			if err := fn(&one); err != nil {
				return err
			}
			one = cookie.Cookie{Source: "z", Domain: "overwritten.example", Path: "/", Name: "Z", Value: "z"}
		}
		return nil
	}
	for _, opts := range []ExportOptions{{Format: Netscape}, {Format: JSON}, {Format: Header, URL: "https://example.com/"}} {
		opts.Now = now
		var want, got bytes.Buffer
		wantRep, err := Export(context.Background(), "", &want, cs, opts)
		if err != nil {
			t.Fatal(err)
		}
		gotRep, err := ExportEach(context.Background(), "", &got, reused, opts)
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("%s: the output changed when the cookie was reused", opts.Format)
		}
		if gotRep.InScope != len(cs) || gotRep.Written != wantRep.Written || len(gotRep.Notes) != len(wantRep.Notes) ||
			len(gotRep.LeftOut) != len(wantRep.LeftOut) || wantRep.Written == 0 {
			t.Fatalf("%s: report %+v, want %+v", opts.Format, gotRep, wantRep)
		}
	}
	stop := errors.New("the jar went away")
	var out bytes.Buffer
	_, err := ExportEach(context.Background(), "", &out, func(fn func(*cookie.Cookie) error) error {
		_ = fn(&cs[0])
		return stop
	}, ExportOptions{Format: Netscape, Now: now})
	if !errors.Is(err, stop) || out.Len() != 0 {
		t.Fatalf("an error from the cookies: %v, %d bytes written", err, out.Len())
	}
}
