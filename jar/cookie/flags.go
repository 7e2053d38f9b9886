package cookie

// FlagLetters is the FLAGS cell every table shows for c — the command line's
// list and the UI's cookie tables alike — one letter a position, '-' when
// unset: S secure, H http-only, P partitioned, C in a container, X value
// unreadable, K protected. The UI's narrow column shows the first four.
func FlagLetters(c *Cookie) string {
	b := []byte("------")
	set := [...]bool{c.Secure, c.HTTPOnly, !c.Partition.IsZero(), c.Container.Key() != "", c.ValueUnreadable, c.ProtectedBy != ""}
	for i, on := range set {
		if on {
			b[i] = "SHPCXK"[i]
		}
	}
	return string(b)
}
