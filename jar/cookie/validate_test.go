package cookie

import (
	"errors"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestValidate(t *testing.T) {
	ok := Cookie{Source: "s", Domain: "example.com", HostOnly: true, Path: "/", Name: "n", Value: "v", Secure: true, Expires: TimeOf(testNow.Add(time.Hour))}
	if err := Validate(&ok, testNow); err != nil {
		t.Fatalf("valid cookie refused: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(c *Cookie)
		field string
	}{
		{"semicolon in name", func(c *Cookie) { c.Name = "a;b" }, "name"},
		{"equals in name", func(c *Cookie) { c.Name = "a=b" }, "name"},
		{"control in name", func(c *Cookie) { c.Name = "a\x01" }, "name"},
		{"empty name and value", func(c *Cookie) { c.Name, c.Value = "", "" }, "name"},
		{"semicolon in value", func(c *Cookie) { c.Value = "a;b" }, "value"},
		{"newline in value", func(c *Cookie) { c.Value = "a\nb" }, "value"},
		{"host not secure", func(c *Cookie) { c.Name, c.Secure = "__Host-x", false }, "secure"},
		{"host domain cookie", func(c *Cookie) { c.Name, c.HostOnly, c.Domain = "__Host-x", false, ".example.com" }, "host_only"},
		{"host path", func(c *Cookie) { c.Name, c.Path = "__Host-x", "/a" }, "path"},
		{"secure prefix", func(c *Cookie) { c.Name, c.Secure = "__secure-x", false }, "secure"},
		{"expired", func(c *Cookie) { c.Expires = TimeOf(testNow.Add(-time.Second)) }, "expires"},
		{"persistent without expiry", func(c *Cookie) { c.Expires = Time{} }, "expires"},
		{"session with expiry", func(c *Cookie) { c.Session = true }, "expires"},
		{"empty domain", func(c *Cookie) { c.Domain = "" }, "domain"},
		{"space in domain", func(c *Cookie) { c.Domain = "exa mple.com" }, "domain"},
		{"dot on host-only", func(c *Cookie) { c.Domain = ".example.com" }, "domain"},
		{"relative path", func(c *Cookie) { c.Path = "a" }, "path"},
		{"samesite none insecure", func(c *Cookie) { c.SameSite, c.Secure = SameSiteNone, false }, "same_site"},
		{"chips insecure", func(c *Cookie) {
			c.Secure = false
			c.Partition = MakePartition(PartitionFields{Kind: PartitionCHIPS, TopLevelSite: "https://a.com"})
		}, "secure"},
		{"no source", func(c *Cookie) { c.Source = "" }, "source"},
		{"bad purpose", func(c *Cookie) { c.Purpose = "food" }, "purpose"},
		// Issue 9 item 8: what a browser refuses and the export would drop.
		{"empty name", func(c *Cookie) { c.Name = "" }, "name"},
		{"space in name", func(c *Cookie) { c.Name = "a b" }, "name"},
		{"tab in name", func(c *Cookie) { c.Name = "a\tb" }, "name"},
		{"tab in value", func(c *Cookie) { c.Value = "a\tb" }, "value"},
		{"padded value", func(c *Cookie) { c.Value = " v " }, "value"},
		{"public suffix com", func(c *Cookie) { c.Domain, c.HostOnly = ".com", false }, "domain"},
		{"public suffix co.uk", func(c *Cookie) { c.Domain, c.HostOnly = ".co.uk", false }, "domain"},
		{"public suffix co.uk host-only", func(c *Cookie) { c.Domain = "co.uk" }, "domain"},
		{"private suffix as domain", func(c *Cookie) { c.Domain, c.HostOnly = ".github.io", false }, "domain"},
		{"empty label", func(c *Cookie) { c.Domain = "a..b.com" }, "domain"},
		{"trailing dot", func(c *Cookie) { c.Domain = "example.com." }, "domain"},
		{"IP with domain flag", func(c *Cookie) { c.Domain, c.HostOnly = ".192.168.1.1", false }, "domain"},
		{"IPv6 with domain flag", func(c *Cookie) { c.Domain, c.HostOnly = "[::1]", false }, "domain"},
	}
	for _, tt := range tests {
		c := ok
		tt.edit(&c)
		err := Validate(&c, testNow)
		var inv *InvalidError
		if !errors.As(err, &inv) || inv.Field != tt.field {
			t.Errorf("%s: got %v, want an error on %s", tt.name, err, tt.field)
		}
	}
	c := ok
	c.Name = "a;b"
	if got := Validate(&c, testNow).Error(); got != "name: must not contain ';' (RFC 6265)" {
		t.Errorf("message %q", got)
	}
}

func TestSite(t *testing.T) {
	for in, want := range map[string]string{
		".www.example.co.uk": "example.co.uk", "a.b.example.com": "example.com", "example.com": "example.com",
		"localhost": "localhost", "127.0.0.1": "127.0.0.1", "[::1]": "[::1]", "::1": "::1",
		".Example.COM": "example.com", "co.uk": "co.uk", "": "",
	} {
		if got := Site(in); got != want {
			t.Errorf("Site(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestValidateKeepsWhatBrowsersAccept: values and names real cookies carry
// beyond RFC 6265's strict grammar, and hosts a browser sets cookies on.
func TestValidateKeepsWhatBrowsersAccept(t *testing.T) {
	ok := Cookie{Source: "s", Domain: "example.com", HostOnly: true, Path: "/", Name: "n", Value: "v", Secure: true, Expires: TimeOf(testNow.Add(time.Hour))}
	for name, edit := range map[string]func(c *Cookie){
		"JSON value":          func(c *Cookie) { c.Value = `{"v":7,"seen":true}` },
		"brackets in name":    func(c *Cookie) { c.Name = "cart[items]" },
		"UTF-8 value":         func(c *Cookie) { c.Value = "grüße" },
		"IP host-only":        func(c *Cookie) { c.Domain = "127.0.0.1" },
		"localhost":           func(c *Cookie) { c.Domain = "localhost" },
		"private suffix host": func(c *Cookie) { c.Domain = "github.io" },
		"subdomain of co.uk":  func(c *Cookie) { c.Domain, c.HostOnly = ".bbc.co.uk", false },
	} {
		c := ok
		edit(&c)
		if err := Validate(&c, testNow); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
}
