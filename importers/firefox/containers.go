package firefox

import (
	"encoding/json"
	"errors"
	"io/fs"

	"github.com/crumbs-dev/crumbs/importers"
)

// builtinContainers names Firefox's default containers, which
// containers.json stores as localisation ids rather than names.
var builtinContainers = map[string]string{
	"user-context-personal": "Personal",
	"user-context-work":     "Work",
	"user-context-banking":  "Banking",
	"user-context-shopping": "Shopping",
}

// readContainers returns userContextId → display name from a profile's
// containers.json. A missing or unreadable file gives no names (cookies
// still carry their container key); the error is returned for a warning.
func readContainers(profileDir string) (map[int]string, error) {
	data, err := importers.ReadSideFile(profileDir, "containers.json", importers.MaxContainers)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var doc struct {
		Identities []struct {
			UserContextID int    `json:"userContextId"`
			Name          string `json:"name"`
			L10nID        string `json:"l10nId"`
		} `json:"identities"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	names := make(map[int]string, len(doc.Identities))
	for _, id := range doc.Identities {
		name := id.Name
		if name == "" {
			name = builtinContainers[id.L10nID]
		}
		if name != "" {
			names[id.UserContextID] = name
		}
	}
	return names, nil
}
