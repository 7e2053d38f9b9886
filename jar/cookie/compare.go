package cookie

// CompareFold compares a and b ignoring ASCII case, without allocating
// (strings.ToLower per comparison made sorting 100k names slow). It is the
// name order of both `crumbs list --sort name` and the UI's sort.
func CompareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x >= 'A' && x <= 'Z' {
			x += 'a' - 'A'
		}
		if y >= 'A' && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return int(x) - int(y)
		}
	}
	return len(a) - len(b)
}
