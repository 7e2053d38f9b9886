package cli_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/crumbs-dev/crumbs/internal/testshared"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// reportCookies are hand-made cookies of known vendors: Google Analytics on
// five sites, Hotjar on two, and each site's own login and preference.
func reportCookies() []cookie.Cookie {
	var cs []cookie.Cookie
	add := func(domain, name string, days int) {
		cs = append(cs, cookie.Cookie{Domain: domain, Path: "/", Name: name, Value: "v",
			Expires: cookie.TimeOf(now.Add(time.Duration(days) * 24 * time.Hour)), Created: cookie.TimeOf(now.Add(-time.Duration(days) * time.Hour))})
	}
	for i := 0; i < 5; i++ {
		site := fmt.Sprintf(".shop%d.example", i)
		add(site, "_ga", 300+i)
		add(site, "lang", 30)
		cs = append(cs, cookie.Cookie{Domain: "www" + site, HostOnly: true, Path: "/", Name: "sessionid", Value: "s", Session: true})
	}
	add(".shop0.example", "_hjSessionUser_42", 365)
	add(".shop1.example", "_hjSessionUser_42", 365)
	return cs
}

type changesOut struct {
	Source       string `json:"source"`
	First        bool   `json:"first"`
	Added, Gone  int
	AddedCookies []struct{ Domain, Name, Purpose, Tracker string } `json:"addedCookies"`
	GoneCookies  []struct{ Domain, Name, Purpose, Tracker string } `json:"goneCookies"`
	NewTrackers  []struct {
		Name     string
		Sites    int
		SiteList []string `json:"siteList"`
	} `json:"newTrackers"`
	GoneTrackers []struct{ Name string } `json:"goneTrackers"`
}

func names(cs []struct{ Domain, Name, Purpose, Tracker string }) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Domain+" "+c.Name)
	}
	slices.Sort(out)
	return out
}

// TestReportChanges: a second import of a changed store — cookies added
// and removed, a tracker new on four sites and one gone — and report
// --changes lists exactly those; the unchanged Firefox fixture imported
// alongside lists nothing; the import ends naming the new tracker.
func TestReportChanges(t *testing.T) {
	s := newSandbox(t)
	ff := filepath.Join(s.home, "firefox")
	copyDir(t, testshared.Path(t, "fixtures", "browsers", "firefox", "profiles"), ff)
	first := reportCookies()
	store := s.write("cookies.json", jsonOf(t, first))
	r := s.ok("", "import", store, ff)
	// The fixture has Google Analytics on one more site.
	if !strings.Contains(r.stderr, "new trackers: Google Analytics on 6 sites") {
		t.Fatalf("first import's last line: %s", r.stderr)
	}

	// The store changes: Hotjar and one site's login go, TikTok comes on
	// four sites (partitioned under them), and a new cookie whose name
	// carries an escape sequence.
	var second, gone []cookie.Cookie
	for _, c := range first {
		if strings.HasPrefix(c.Name, "_hj") || (c.Name == "sessionid" && c.Domain == "www.shop3.example") {
			gone = append(gone, c)
			continue
		}
		second = append(second, c)
	}
	var added []cookie.Cookie
	for i := 0; i < 4; i++ {
		added = append(added, cookie.Cookie{Domain: ".tiktok.com", Path: "/", Name: "_ttp", Value: "t", Secure: true,
			SameSite: cookie.SameSiteNone, Expires: cookie.TimeOf(now.Add(400 * 24 * time.Hour)),
			Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: fmt.Sprintf("https://shop%d.example", i)})})
	}
	added = append(added, cookie.Cookie{Domain: "www.shop4.example", HostOnly: true, Path: "/", Name: "evil\x1b[2J", Value: "x", Session: true})
	second = append(second, added...)
	s.write("cookies.json", jsonOf(t, second))
	r = s.ok("", "import", store, ff)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if last := lines[len(lines)-1]; last != "1 new tracker: TikTok Pixel on 4 sites" {
		t.Fatalf("second import's last line %q\n%s", last, r.stderr)
	}

	r = s.ok("", "report", "--changes", "--json")
	var out []changesOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if len(out) != 2 {
		t.Fatalf("%d sources: %s", len(out), r.stdout)
	}
	var file, fx changesOut
	for _, o := range out {
		if strings.HasPrefix(o.Source, "file:") && strings.HasSuffix(o.Source, "/cookies.json") {
			file = o
		} else {
			fx = o
		}
	}
	if fx.First || fx.Added != 0 || fx.Gone != 0 || len(fx.NewTrackers) != 0 || len(fx.GoneTrackers) != 0 {
		t.Fatalf("the unchanged Firefox profile: %+v", fx)
	}
	want := func(cs []cookie.Cookie) []string {
		var o []string
		for _, c := range cs {
			o = append(o, c.Domain+" "+c.Name)
		}
		slices.Sort(o)
		return o
	}
	if file.First || file.Added != len(added) || file.Gone != len(gone) ||
		!slices.Equal(names(file.AddedCookies), want(added)) || !slices.Equal(names(file.GoneCookies), want(gone)) {
		t.Fatalf("changes of %s: added %d %v, gone %d %v\nwant added %v, gone %v", file.Source,
			file.Added, names(file.AddedCookies), file.Gone, names(file.GoneCookies), want(added), want(gone))
	}
	if len(file.NewTrackers) != 1 || file.NewTrackers[0].Name != "TikTok Pixel" || file.NewTrackers[0].Sites != 4 ||
		!slices.Equal(file.NewTrackers[0].SiteList, []string{"shop0.example", "shop1.example", "shop2.example", "shop3.example"}) {
		t.Fatalf("new trackers %+v", file.NewTrackers)
	}
	if len(file.GoneTrackers) != 1 || file.GoneTrackers[0].Name != "Hotjar" {
		t.Fatalf("gone trackers %+v", file.GoneTrackers)
	}
	for _, c := range file.AddedCookies {
		if (c.Tracker == "TikTok Pixel") != (c.Name == "_ttp") || (c.Tracker != "") != (c.Purpose == "tracking") {
			t.Fatalf("added cookie %+v", c)
		}
	}

	// The same as text, for one source, escape sequences neutralised.
	r = s.ok("", "report", "--changes", file.Source)
	if strings.ContainsRune(r.stdout, 0x1b) || !strings.Contains(r.stdout, `evil\x1b[2J`) {
		t.Fatalf("escape sequence not neutralised:\n%q", r.stdout)
	}
	for _, want := range []string{"5 new cookies, 3 gone", "new trackers:  TikTok Pixel on 4 sites", "gone trackers: Hotjar on 2 sites"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--changes text lacks %q:\n%s", want, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "\n  + "); n != len(added) {
		t.Errorf("%d added lines, want %d:\n%s", n, len(added), r.stdout)
	}
	if n := strings.Count(r.stdout, "\n  - "); n != len(gone) {
		t.Errorf("%d gone lines, want %d:\n%s", n, len(gone), r.stdout)
	}
	if strings.Contains(r.stdout, "fx0cookie") || strings.Contains(r.stdout, "default-release") {
		t.Errorf("--changes SOURCE shows other sources:\n%s", r.stdout)
	}
	if r := s.run("", "report", "--changes", "nosuch"); r.code != 1 || !strings.Contains(r.stderr, "no import on record for nosuch") {
		t.Errorf("unknown source: %v", r)
	}
}

// TestReportCommand: the table fits the terminal width with bars, --top
// cuts and says how many more, --by organisation groups vendors, --json
// carries the same numbers, bad flags are usage errors.
func TestReportCommand(t *testing.T) {
	s := newSandbox(t)
	store := s.write("cookies.json", jsonOf(t, reportCookies()))
	s.ok("", "import", store)
	for _, width := range []int{60, 80, 120} {
		r := s.runEnv([]string{fmt.Sprintf("COLUMNS=%d", width)}, "", "report")
		if r.code != 0 {
			t.Fatal(r)
		}
		if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), "Trackers by reach: 2 vendors hold ids on 5 of 5 sites (7 tracking cookies of 17)") {
			t.Fatalf("header:\n%s", r.stdout)
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if ansi.StringWidth(line) > width {
				t.Errorf("width %d: line of %d columns: %q", width, ansi.StringWidth(line), line)
			}
		}
		if width >= 80 && !strings.Contains(r.stdout, "█") {
			t.Errorf("width %d: no bars:\n%s", width, r.stdout)
		}
	}
	r := s.ok("", "report", "--top", "1")
	if !strings.Contains(r.stdout, "Google Analytics") || strings.Contains(r.stdout, "Hotjar") || !strings.Contains(r.stdout, "… and 1 more") {
		t.Fatalf("--top 1:\n%s", r.stdout)
	}
	r = s.runEnv([]string{"COLUMNS=140"}, "", "report", "--by", "organisation")
	if !strings.Contains(r.stdout, "Google") || !strings.Contains(r.stdout, "Contentsquare") || !strings.Contains(r.stdout, "VENDORS") {
		t.Fatalf("--by organisation:\n%s", r.stdout)
	}
	r = s.ok("", "report", "--json", "--", "-domain:shop4.example")
	var rep struct {
		Cookies  int
		Trackers []struct {
			Name             string
			Organisation     string
			Sites, Cookies   int
			Browsers         []string
			OldestAgeSeconds int64 `json:"oldestAgeSeconds"`
		}
		ByPurpose map[string]int `json:"byPurpose"`
		Purge     struct{ Remove, Keep int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if rep.Cookies != 17-3 || len(rep.Trackers) != 2 || rep.Trackers[0].Name != "Google Analytics" || rep.Trackers[0].Sites != 4 ||
		rep.Trackers[0].Organisation != "Google" || rep.Trackers[1].Name != "Hotjar" || rep.Trackers[1].Sites != 2 ||
		rep.ByPurpose["tracking"] != 6 || rep.Purge.Remove != 6 || rep.Purge.Keep != 8 {
		t.Fatalf("--json: %+v", rep)
	}
	// The oldest _ga of shop0–3 was created 300 hours before now.
	if age := rep.Trackers[0].OldestAgeSeconds; age < 303*3600 || age > 303*3600+600 {
		t.Fatalf("oldest age %ds, want about %ds", age, 303*3600)
	}
	for _, args := range [][]string{{"report", "--by", "nope"}, {"report", "--top", "-1"}, {"report", "name:"}} {
		if r := s.run("", args...); r.code != 2 {
			t.Errorf("%v: %v", args, r)
		}
	}
}
