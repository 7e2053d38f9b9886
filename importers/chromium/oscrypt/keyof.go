package oscrypt

import (
	"bytes"
	"context"
	"errors"
)

// ErrAppBoundWrite says why a v20 value cannot be edited: only the browser
// holds the app-bound key, so crumbs could not encrypt a new value.
var ErrAppBoundWrite = errors.New("Chrome 127+ app-bound encryption (v20): only the browser can encrypt a new value, so this cookie can be deleted but not edited")

// KeyOf decrypts blob (a value of the row with host_key host) and returns
// the key that opened it with its scheme, so that a write-back encrypts
// the new value of that row with the same key and prefix (Seal). Plain
// values return a nil key and Plain; v20 values ErrAppBoundWrite.
func (d *Decryptor) KeyOf(ctx context.Context, host string, blob []byte) (*Key, Scheme, error) {
	plain, scheme, err := d.Decrypt(ctx, host, blob)
	if scheme == V20 {
		return nil, V20, ErrAppBoundWrite
	}
	if err != nil {
		return nil, scheme, err
	}
	switch scheme {
	case V10, V11, V12:
	default:
		return nil, scheme, errors.New("values of scheme " + string(scheme) + " cannot be re-encrypted by crumbs")
	}
	value := append([]byte(nil), plain...)
	set := d.sets[string(scheme)]
	cands := append([]*Key{set.cached}, set.keys...)
	for _, k := range cands {
		if k == nil {
			continue
		}
		if k.gcm != nil {
			// An AEAD tag proves the key.
			if _, ok := d.open(k, host, blob[3:], false); ok {
				return k, scheme, nil
			}
			continue
		}
		// CBC with Chromium's fixed IV is deterministic: the right key
		// encrypts the value back to exactly the stored blob.
		if again, err := Seal(k, string(scheme), host, value, d.cfg.HostPrefix); err == nil && bytes.Equal(again, blob) {
			return k, scheme, nil
		}
	}
	return nil, scheme, errors.New("no key reproduces the stored value")
}
