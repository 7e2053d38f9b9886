package oscrypt

import (
	"context"
	"errors"
	"runtime"
)

// PasswordSource is the part of the OS that holds Safe Storage passwords:
// the Linux keyring (package keyring) or the macOS Keychain (Keychain).
type PasswordSource interface {
	SafeStoragePasswords(ctx context.Context) ([]Password, error)
}

// System is the KeySource of this machine: Passwords (keyring or Keychain),
// DPAPI on Windows, and no portal secret (fetching it over D-Bus from
// xdg-desktop-portal is not implemented; see docs/stores-chromium.md).
type System struct {
	Passwords PasswordSource
}

// SafeStoragePasswords implements KeySource.
func (s System) SafeStoragePasswords(ctx context.Context) ([]Password, error) {
	if s.Passwords == nil {
		return nil, errors.New("no keyring or Keychain on " + runtime.GOOS)
	}
	return s.Passwords.SafeStoragePasswords(ctx)
}

// Unprotect implements KeySource with CryptUnprotectData (Windows only).
func (System) Unprotect(blob []byte) ([]byte, error) { return dpapiUnprotect(blob) }

// PortalSecret implements KeySource. crumbs does not talk to
// xdg-desktop-portal: a Flatpak browser's v12 values stay unreadable.
func (System) PortalSecret(context.Context) ([]byte, error) {
	return nil, errors.New("v12 values need the xdg-desktop-portal secret of the Flatpak browser, which crumbs cannot obtain; export the cookies from inside the browser instead")
}
