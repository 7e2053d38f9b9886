//go:build windows

package oscrypt

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// dpapiUnprotect calls CryptUnprotectData for the current user, without UI.
func dpapiUnprotect(blob []byte) ([]byte, error) {
	if len(blob) == 0 {
		return nil, fmt.Errorf("empty DPAPI blob")
	}
	in := windows.DataBlob{Size: uint32(len(blob)), Data: &blob[0]}
	var out windows.DataBlob
	const cryptProtectUIForbidden = 0x1
	if err := windows.CryptUnprotectData(&in, nil, nil, 0, nil, cryptProtectUIForbidden, &out); err != nil {
		return nil, fmt.Errorf("CryptUnprotectData: %w (was the profile copied from another Windows user or machine?)", err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	plain := make([]byte, out.Size)
	copy(plain, unsafe.Slice(out.Data, out.Size))
	return plain, nil
}
