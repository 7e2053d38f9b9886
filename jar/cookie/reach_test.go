package cookie

import "testing"

func TestReachSite(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com":             "example.com",
		"https://news.example.co.uk:8443": "example.co.uk",
		"http://[::1]:8080/path":          "[::1]",
		"example.org":                     "example.org",
		"https://a.b.example.com/?q":      "example.com",
	} {
		c := Cookie{Domain: ".tracker.net", Partition: MakePartition(PartitionFields{Kind: PartitionCHIPS, TopLevelSite: in})}
		if got := ReachSite(&c, Site); got != want {
			t.Errorf("partitioned under %q: ReachSite = %q, want %q", in, got, want)
		}
	}
	c := Cookie{Domain: ".www.tracker.net"}
	if got := ReachSite(&c, Site); got != "tracker.net" {
		t.Errorf("unpartitioned: %q", got)
	}
}
