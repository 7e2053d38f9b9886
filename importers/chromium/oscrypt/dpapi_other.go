//go:build !windows

package oscrypt

import "errors"

// dpapiUnprotect is Windows-only: DPAPI keys live in the Windows user's
// credentials and cannot be used on another OS.
func dpapiUnprotect([]byte) ([]byte, error) {
	return nil, errors.New("DPAPI is Windows-only: read this Windows profile on the Windows machine and account that created it")
}
