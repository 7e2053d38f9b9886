// Package jarpath says where the user's jar lives when the command line is
// not told: a decision of the command line and the environment, not of the
// store, which opens whatever path it is given.
package jarpath

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"
)

// Default is where the jar lives unless told otherwise: $CRUMBS_JAR if
// set, else <XDG data dir>/crumbs/jar.db.
func Default() (string, error) {
	if p := os.Getenv("CRUMBS_JAR"); p != "" {
		return p, nil
	}
	if xdg.DataHome == "" {
		return "", errors.New("jar: no data directory found (set CRUMBS_JAR or XDG_DATA_HOME)")
	}
	return filepath.Join(xdg.DataHome, "crumbs", "jar.db"), nil
}
