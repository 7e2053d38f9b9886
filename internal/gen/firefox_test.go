package gen

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func TestWriteFirefoxStore(t *testing.T) {
	now := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	cs := []cookie.Cookie{
		{Domain: ".example.com", Path: "/", Name: "a", Value: "1", Secure: true, SameSite: cookie.SameSiteLax,
			Expires: cookie.TimeOf(now.Add(time.Hour).Add(250 * time.Millisecond))},
		{Domain: "www.example.com", HostOnly: true, Path: "/", Name: "b", Value: "2", Expires: cookie.TimeOf(now.Add(time.Hour)),
			Partition: cookie.MakePartition(cookie.PartitionFields{Kind: cookie.PartitionCHIPS, TopLevelSite: "https://example.org"}),
			Container: cookie.MakeContainer(cookie.ContainerFields{Key: "userContextId=2"})},
		{Domain: "www.example.com", HostOnly: true, Path: "/", Name: "s", Value: "3", Session: true},
	}
	path := filepath.Join(t.TempDir(), "cookies.sqlite")
	if err := WriteFirefoxStore(path, cs); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	var schema string
	db.QueryRow("PRAGMA user_version").Scan(&version)
	db.QueryRow("SELECT sql FROM sqlite_master WHERE name = 'moz_cookies'").Scan(&schema)
	if version != 17 || schema != FirefoxSchema {
		t.Errorf("user_version %d, schema %q", version, schema)
	}
	rows, err := db.Query("SELECT host, name, originAttributes, expiry, sameSite, isPartitionedAttributeSet FROM moz_cookies ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var host, name, oa string
		var expiry, ss, part int64
		rows.Scan(&host, &name, &oa, &expiry, &ss, &part)
		got = append(got, host+" "+name+" "+oa+" "+time.UnixMilli(expiry).UTC().Format(time.RFC3339Nano)+" "+
			string(rune('0'+ss%10))+" "+string(rune('0'+part)))
	}
	want := []string{
		".example.com a  2026-11-27T07:00:00.25Z 1 0",
		"www.example.com b ^partitionKey=%28https%2Cexample.org%29&userContextId=2 2026-11-27T07:00:00Z 6 1",
	}
	if len(got) != len(want) {
		t.Fatalf("rows %q, want %q (session cookies are not persisted)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %q, want %q", i, got[i], want[i])
		}
	}
}
