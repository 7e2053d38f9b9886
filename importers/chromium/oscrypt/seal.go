package oscrypt

import (
	"crypto/aes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// Seal encrypts value the way Chromium stores it: prefix ("v10", "v11",
// "v12") + payload, with SHA-256(host) prepended to the plaintext when
// hostPrefix is set (meta version 24+). CBC keys give
// AES-128-CBC with the fixed IV and PKCS#7; GCM keys give a random 12-byte
// nonce + ciphertext + tag. It is used by store writers (test data now,
// write-back later).
func Seal(k *Key, prefix, host string, value []byte, hostPrefix bool) ([]byte, error) {
	if len(prefix) != 3 {
		return nil, errors.New("prefix must be three characters (v10, v11, v12)")
	}
	plain := make([]byte, 0, sha256.Size+len(value)+aes.BlockSize)
	if hostPrefix {
		sum := sha256.Sum256([]byte(host))
		plain = append(plain, sum[:]...)
	}
	plain = append(plain, value...)
	out := []byte(prefix)
	switch {
	case k.cbc != nil:
		pad := aes.BlockSize - len(plain)%aes.BlockSize
		for i := 0; i < pad; i++ {
			plain = append(plain, byte(pad))
		}
		prev := cbcIV
		ct := make([]byte, len(plain))
		for i := 0; i < len(plain); i += aes.BlockSize {
			var blk [aes.BlockSize]byte
			for j := range blk {
				blk[j] = plain[i+j] ^ prev[j]
			}
			k.cbc.Encrypt(ct[i:i+aes.BlockSize], blk[:])
			prev = ct[i : i+aes.BlockSize]
		}
		return append(out, ct...), nil
	case k.gcm != nil:
		nonce := make([]byte, gcmNonceSize)
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out = append(out, nonce...)
		return k.gcm.Seal(out, nonce, plain, nil), nil
	}
	return nil, errors.New("empty key")
}
