package discover

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crumbs-dev/crumbs/importers/snapshot"
)

// scanSafariFile: the default (or legacy) profile is one binarycookies file.
func scanSafariFile(path string, d *discovery) []Profile {
	dir := filepath.Dir(path)
	real, err := realDir(dir)
	if err != nil {
		d.warnf("%s: %v", dir, err)
		return nil
	}
	store, err := checkStore(real, path)
	if err != nil {
		d.warnf("Safari profile refused: %v", err)
		return nil
	}
	if store == "" {
		return nil
	}
	return []Profile{{Name: "Default", Dir: real, Root: dir, Store: store, Default: true, dirName: "Default"}}
}

// scanSafariProfiles lists Safari 17+ named profiles:
// WebsiteDataStore/<uuid>/Cookies/Cookies.binarycookies, named from
// SafariTabs.db when it can be read (else by their uuid).
func scanSafariProfiles(wds string, d *discovery) []Profile {
	realWDS, err := realDir(wds)
	if err != nil {
		d.warnf("%s: %v", wds, err)
		return nil
	}
	entries, err := os.ReadDir(wds)
	if err != nil {
		d.warnf("%s: %v", wds, err)
		return nil
	}
	// …/Data/Library/WebKit/WebsiteDataStore → …/Data/Library/Safari/SafariTabs.db
	names := safariProfileNames(filepath.Join(wds, "..", "..", "Safari", "SafariTabs.db"))
	var out []Profile
	for _, ent := range entries {
		uuid := ent.Name()
		if !ent.IsDir() || !safeElement(uuid) {
			continue
		}
		dir := filepath.Join(wds, uuid, "Cookies")
		if !exists(dir) {
			continue
		}
		real, err := containedDir(realWDS, dir)
		if err != nil {
			d.warnf("Safari profile %s refused: %v", uuid, err)
			continue
		}
		store, err := checkStore(real, filepath.Join(real, "Cookies.binarycookies"))
		if err != nil {
			d.warnf("Safari profile %s refused: %v", uuid, err)
			continue
		}
		if store == "" {
			continue
		}
		name := names[strings.ToLower(uuid)]
		if name == "" {
			name = uuid
		}
		out = append(out, Profile{Name: name, Dir: real, Root: wds, Store: store, dirName: uuid})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// safariProfileNames maps lower-case profile uuid → title from SafariTabs.db.
// Any failure (no file, no Full Disk Access, another schema) gives no names:
// the profiles are then listed by uuid.
func safariProfileNames(db string) map[string]string {
	names := map[string]string{}
	if !fileExists(db) {
		return names
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	snap, err := snapshot.Copy(ctx, db)
	if err != nil {
		return names
	}
	defer snap.Close()
	conn, err := snap.Open()
	if err != nil {
		return names
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx,
		`SELECT external_uuid, title FROM bookmarks WHERE subtype = 2 AND external_uuid != 'DefaultProfile'`)
	if err != nil {
		return names
	}
	defer rows.Close()
	for rows.Next() {
		var uuid, title *string
		if rows.Scan(&uuid, &title) == nil && uuid != nil && title != nil {
			names[strings.ToLower(*uuid)] = *title
		}
	}
	return names
}
