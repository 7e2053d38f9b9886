package ui

import (
	"io"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// writeJSON writes the export JSON (docs/formats.md §JSON) of cs.
func writeJSON(w io.Writer, cs []cookie.Cookie) error { return cookiejson.Write(w, cs) }
