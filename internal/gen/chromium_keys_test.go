package gen

import (
	"context"
	"errors"

	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
)

// noKeys is an OS without keyring, Keychain or DPAPI.
type noKeys struct{}

func (noKeys) SafeStoragePasswords(context.Context) ([]oscrypt.Password, error) {
	return nil, errors.New("test: no keyring")
}
func (noKeys) Unprotect([]byte) ([]byte, error) { return nil, errors.New("test: no DPAPI") }
func (noKeys) PortalSecret(context.Context) ([]byte, error) {
	return nil, errors.New("test: no portal")
}
