package source

import (
	"context"

	"github.com/crumbs-dev/crumbs/importers"
)

// safariRead stands in until importers/safari lands.
func safariRead(_ context.Context, path string, _ importers.Options) (*importers.Result, error) {
	return nil, importers.Errorf(path, "Safari binarycookies reader not built yet")
}
