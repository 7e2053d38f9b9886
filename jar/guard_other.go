//go:build !unix

package jar

import "io/fs"

// ownedByMe: Windows folders have ACLs, not mode bits; Go reports 0777 for
// every writable folder, so the mode check never refuses there.
func ownedByMe(fs.FileInfo) bool { return true }
