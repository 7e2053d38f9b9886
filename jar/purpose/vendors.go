package purpose

import "github.com/crumbs-dev/crumbs/jar/cookie"

// The filter term vendor: and the tracker report ask cookie.TrackerName,
// which asks the vendor knowledge registered with cookie.SetVendors. The
// built-in knowledge is registered as soon as this package is linked; a
// program with the user's rules registers its own classifier (Register).
func init() {
	cookie.SetVendors(func(domain, name string) (string, string) {
		v := Default().VendorOf(domain, name)
		return v.Name, v.Org
	})
}

// Register makes c the vendor knowledge of cookie.TrackerName and the
// filter term vendor: (the user's rules may name vendors too).
func (c *Classifier) Register() {
	cookie.SetVendors(func(domain, name string) (string, string) {
		v := c.VendorOf(domain, name)
		return v.Name, v.Org
	})
}
