//go:build !unix

package importers

// sideFlags: Windows has no FIFOs in the file system and no O_NOFOLLOW;
// the Lstat walk in ReadSideFile refuses links there.
const sideFlags = 0
