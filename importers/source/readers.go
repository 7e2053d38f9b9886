package source

import (
	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium"
	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/firefox"
	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/importers/safari"
)

// readers maps a target format to its reader package.
var readers = map[string]importers.ReaderFunc{
	FormatFirefox:  firefox.Read,
	FormatChromium: chromium.Read,
	FormatSafari:   safari.Read,
	FormatNetscape: netscape.Read,
	FormatJSON:     cookiejson.Read,
}
