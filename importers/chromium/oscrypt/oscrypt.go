// Package oscrypt decrypts the values of a Chromium-family cookie store.
//
// Chromium encrypts each cookie value with a key that the operating system
// guards (os_crypt): on Linux a password from the desktop keyring (or the
// built-in "peanuts"), on macOS a password from the Keychain, on Windows an
// AES key wrapped by DPAPI in the profile's Local State. This package turns
// those secrets into keys, decides which key fits which row and decrypts.
//
// Everything that talks to the operating system sits behind KeySource, so
// the cryptography is tested with keys the tests make themselves, and a
// store copied from another machine can be read with a password given by
// hand (Config.Password).
//
// A key is accepted for a row only when the plaintext proves it right
// (docs/stores-chromium.md §Decryption, "Which key fits"): the PKCS#7 padding is valid, at meta
// version 24+ the plaintext starts with SHA-256(host_key), and the value is
// cookie text. The first key that passes is cached per prefix and tried
// first for the next rows; the others stay candidates, because one store can
// mix v10, v11 and empty-key rows.
package oscrypt

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"
)

// Scheme names how a value was stored; the names are cookie.Encryption's.
type Scheme string

// The schemes.
const (
	Plain Scheme = "plain"
	V10   Scheme = "v10"
	V11   Scheme = "v11"
	V12   Scheme = "v12"
	V20   Scheme = "v20" // Windows app-bound: unreadable outside the browser
	DPAPI Scheme = "dpapi"
)

// Parameters of Chromium's os_crypt (components/os_crypt).
const (
	// LinuxIterations and MacIterations are the PBKDF2 rounds of each OS.
	LinuxIterations = 1
	MacIterations   = 1003
	// Salt is the PBKDF2 salt on Linux and macOS.
	Salt = "saltysalt"
	// PeanutsPassword is the Linux password when no keyring is used (v10).
	PeanutsPassword = "peanuts"
	// PortalSalt and PortalInfo are the HKDF parameters of the Linux
	// xdg-desktop-portal key provider (v12).
	PortalSalt = "fdo_portal_secret_salt"
	PortalInfo = "HKDF-SHA-256 AES-256-GCM"
	// DPAPIPrefix starts Local State's os_crypt.encrypted_key.
	DPAPIPrefix = "DPAPI"

	gcmNonceSize = 12
	gcmTagSize   = 16
)

// cbcIV is Chromium's fixed IV: 16 spaces.
var cbcIV = bytes.Repeat([]byte{' '}, aes.BlockSize)

// Password is a Safe Storage password the OS gave for one browser.
type Password struct {
	// Label says where it came from ("Secret Service: Chrome Safe Storage").
	Label  string
	Secret string
}

// KeySource reaches the OS secret stores. System returns the real one;
// tests inject a fake.
type KeySource interface {
	// SafeStoragePasswords returns the browser's Safe Storage passwords from
	// the Linux keyring (Secret Service, KWallet) or the macOS Keychain. An
	// error explains why none could be had and how to get around it.
	SafeStoragePasswords(ctx context.Context) ([]Password, error)
	// Unprotect decrypts a Windows DPAPI blob as the current user.
	Unprotect(blob []byte) ([]byte, error)
	// PortalSecret returns the xdg-desktop-portal secret behind v12 values.
	PortalSecret(ctx context.Context) ([]byte, error)
}

// Config describes one cookie store.
type Config struct {
	// Platform is the OS whose scheme applies to unprefixed blobs and to
	// OS-held keys: "linux", "darwin" or "windows". Empty means this OS.
	Platform string
	// Password is a Safe Storage password given by hand. It is tried with
	// the Linux (1 round) and the macOS (1003 rounds) key derivation.
	Password string
	// EncryptedKey is Local State's os_crypt.encrypted_key, base64-decoded
	// ("DPAPI" + blob), for Windows v10 values. Nil when absent.
	EncryptedKey []byte
	// HostPrefix is set for meta version 24 and later: every plaintext
	// starts with SHA-256(host_key).
	HostPrefix bool
	// Keys reaches the OS. Nil means no OS secrets (only the built-in keys
	// and Password).
	Keys KeySource
	// Browser names the browser in messages ("Chrome"); may be empty.
	Browser string
}

// Key is one candidate key for a prefix.
type Key struct {
	// Label says where the key came from, for messages (never the key).
	Label string
	cbc   cipher.Block // AES-128-CBC schemes (Linux, macOS)
	gcm   cipher.AEAD  // AES-256-GCM schemes (Windows, Linux v12)
}

// CBCKey derives the AES-128-CBC key of password with the given PBKDF2
// rounds (LinuxIterations or MacIterations).
func CBCKey(label, password string, iterations int) *Key {
	raw, err := pbkdf2.Key(sha1.New, password, []byte(Salt), iterations, 16)
	if err != nil {
		panic(err) // only for invalid parameters, which are constants here
	}
	k, _ := RawCBCKey(label, raw)
	return k
}

// RawCBCKey wraps a 16-byte AES key.
func RawCBCKey(label string, raw []byte) (*Key, error) {
	b, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	return &Key{Label: label, cbc: b}, nil
}

// GCMKey wraps a 32-byte AES-256-GCM key.
func GCMKey(label string, raw []byte) (*Key, error) {
	if len(raw) != 32 {
		return nil, fmt.Errorf("key has %d bytes, want 32", len(raw))
	}
	b, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &Key{Label: label, gcm: g}, nil
}

// PortalKey derives the v12 AES-256-GCM key from the portal secret.
func PortalKey(secret []byte) (*Key, error) {
	raw, err := hkdf.Key(sha256.New, secret, []byte(PortalSalt), PortalInfo, 32)
	if err != nil {
		return nil, err
	}
	return GCMKey("xdg-desktop-portal secret", raw)
}

// Errors a row can end in. UnreadableError wraps them with the reason.
var (
	// ErrAppBound: a Windows v20 value (Chrome 127+ app-bound encryption).
	ErrAppBound = errors.New("Chrome 127+ app-bound encryption (v20) can only be decrypted by the browser itself")
	// ErrNoKey: no candidate key decrypts the row.
	ErrNoKey = errors.New("no key decrypts it")
	// ErrCorrupt: the blob cannot be a value of its scheme.
	ErrCorrupt = errors.New("corrupt encrypted value")
)

// UnreadableError says why one row's value cannot be read. It never holds
// any part of the value.
type UnreadableError struct {
	Scheme Scheme
	Err    error  // ErrAppBound, ErrNoKey or ErrCorrupt
	Detail string // the cause in words, e.g. the keyring failure
}

func (e *UnreadableError) Error() string {
	s := string(e.Scheme) + ": " + e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *UnreadableError) Unwrap() error { return e.Err }

// keySet holds the candidates for one prefix.
type keySet struct {
	keys    []*Key
	cached  *Key
	osTried bool
	osErr   error // why OS keys could not be had (kept for messages)
}

// Decryptor decrypts the values of one store. It is not safe for
// concurrent use; use one per goroutine (Clone).
type Decryptor struct {
	cfg  Config
	sets map[string]*keySet

	passwords    []Password
	passwordErr  error
	passwordDone bool

	buf      []byte
	lastHost string
	lastSum  [sha256.Size]byte
}

// New returns a Decryptor for one store.
func New(cfg Config) *Decryptor {
	if cfg.Platform == "" {
		cfg.Platform = runtime.GOOS
	}
	return &Decryptor{cfg: cfg, sets: map[string]*keySet{}}
}

// Decrypt returns the plaintext value of one encrypted_value blob of the
// row with host_key host, and the scheme it used. The returned slice is
// only valid until the next call. A value that cannot be read returns a
// *UnreadableError; Decrypt never panics on malformed input.
func (d *Decryptor) Decrypt(ctx context.Context, host string, blob []byte) ([]byte, Scheme, error) {
	prefix := ""
	if len(blob) >= 3 && blob[0] == 'v' && isDigit(blob[1]) && isDigit(blob[2]) {
		prefix = string(blob[:3])
	}
	switch prefix {
	case "v10", "v11", "v12":
		scheme := Scheme(prefix)
		set := d.set(ctx, prefix)
		if v, ok := d.try(ctx, set, prefix, host, blob[3:]); ok {
			return v, scheme, nil
		}
		return nil, scheme, d.noKey(scheme, set, blob[3:])
	case "v20":
		return nil, V20, &UnreadableError{Scheme: V20, Err: ErrAppBound,
			Detail: "the value stays unreadable outside " + d.browserName() + "; its other attributes are imported"}
	case "":
		if d.cfg.Platform == "windows" {
			return d.dpapiBlob(host, blob)
		}
		// Before encryption (macOS, Linux) encrypted_value could hold the
		// plain value; it has no prefix. A blob that is the start of a
		// scheme prefix ("v", "v1") is a value cut short, not text.
		if len(blob) > 0 && len(blob) < 3 && blob[0] == 'v' && (len(blob) == 1 || isDigit(blob[1])) {
			return nil, Plain, &UnreadableError{Scheme: Plain, Err: ErrCorrupt, Detail: fmt.Sprintf("%d bytes: too short for any encryption scheme (truncated?)", len(blob))}
		}
		if !validText(blob) {
			return nil, Plain, &UnreadableError{Scheme: Plain, Err: ErrCorrupt, Detail: "no known encryption prefix and not cookie text"}
		}
		return blob, Plain, nil
	default:
		return nil, Scheme(prefix), &UnreadableError{Scheme: Scheme(prefix), Err: ErrCorrupt,
			Detail: "unknown encryption prefix " + prefix + " (newer than crumbs knows)"}
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func (d *Decryptor) browserName() string {
	if d.cfg.Browser != "" {
		return d.cfg.Browser
	}
	return "the browser"
}

// try decrypts payload with the prefix's keys: the cached key first, then
// the others, then (once) the keys the OS holds.
func (d *Decryptor) try(ctx context.Context, set *keySet, prefix, host string, payload []byte) ([]byte, bool) {
	if set.cached != nil {
		if v, ok := d.open(set.cached, host, payload, true); ok {
			return v, true
		}
	}
	for {
		for _, k := range set.keys {
			if k == set.cached {
				continue
			}
			if v, ok := d.open(k, host, payload, true); ok {
				if set.cached == nil {
					set.cached = k
				}
				return v, true
			}
		}
		if set.osTried {
			break
		}
		d.loadOSKeys(ctx, set, prefix)
	}
	// Last chance for legacy stores without the host prefix: the key that
	// already proved itself on other rows, with the text check relaxed to
	// "no control characters" (values may hold non-UTF-8 bytes).
	if set.cached != nil && !d.cfg.HostPrefix {
		if v, ok := d.open(set.cached, host, payload, false); ok && noControl(v) {
			return v, true
		}
	}
	return nil, false
}

// open decrypts payload with k and validates the plaintext.
func (d *Decryptor) open(k *Key, host string, payload []byte, strict bool) ([]byte, bool) {
	var plain []byte
	switch {
	case k.cbc != nil:
		var ok bool
		plain, ok = d.cbcDecrypt(k.cbc, payload)
		if !ok {
			return nil, false
		}
	case k.gcm != nil:
		if len(payload) < gcmNonceSize+gcmTagSize {
			return nil, false
		}
		var err error
		plain, err = k.gcm.Open(d.buf[:0], payload[:gcmNonceSize], payload[gcmNonceSize:], nil)
		if err != nil {
			return nil, false
		}
		d.buf = plain[:0]
	default:
		return nil, false
	}
	if d.cfg.HostPrefix {
		// SHA-256(host_key) is decisive: a wrong key cannot produce it, so
		// the value is kept byte for byte, whatever it holds.
		if len(plain) < sha256.Size {
			return nil, false
		}
		sum := d.hostSum(host)
		if !bytes.Equal(plain[:sha256.Size], sum[:]) {
			return nil, false
		}
		return plain[sha256.Size:], true
	}
	if strict && !validText(plain) {
		return nil, false
	}
	return plain, true
}

func (d *Decryptor) hostSum(host string) [sha256.Size]byte {
	if host != d.lastHost || d.lastHost == "" {
		d.lastSum = sha256.Sum256([]byte(host))
		d.lastHost = host
	}
	return d.lastSum
}

// cbcDecrypt decrypts AES-CBC with Chromium's fixed IV into d.buf and strips
// PKCS#7 padding, reporting false when the length or padding is wrong. It
// works block by block to avoid an allocation per row.
func (d *Decryptor) cbcDecrypt(b cipher.Block, ct []byte) ([]byte, bool) {
	n := len(ct)
	if n == 0 || n%aes.BlockSize != 0 {
		return nil, false
	}
	if cap(d.buf) < n {
		d.buf = make([]byte, n, n+n/2)
	}
	out := d.buf[:n]
	prev := cbcIV
	for i := 0; i < n; i += aes.BlockSize {
		blk := out[i : i+aes.BlockSize]
		b.Decrypt(blk, ct[i:i+aes.BlockSize])
		subtle16(blk, prev)
		prev = ct[i : i+aes.BlockSize]
	}
	pad := int(out[n-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, false
	}
	for _, c := range out[n-pad:] {
		if int(c) != pad {
			return nil, false
		}
	}
	return out[:n-pad], true
}

func subtle16(dst, x []byte) {
	for i := 0; i < aes.BlockSize; i++ {
		dst[i] ^= x[i]
	}
}

// validText reports whether b is cookie text: UTF-8 without control
// characters (tab allowed). Random output of a wrong key fails it.
func validText(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return utf8.Valid(b)
}

func noControl(b []byte) bool {
	for _, c := range b {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// set returns the candidates of a prefix, deriving the built-in ones on
// first use.
func (d *Decryptor) set(ctx context.Context, prefix string) *keySet {
	if s, ok := d.sets[prefix]; ok {
		return s
	}
	s := &keySet{}
	pw := d.cfg.Password
	switch prefix {
	case "v10":
		s.keys = append(s.keys, CBCKey("built-in key (peanuts)", PeanutsPassword, LinuxIterations))
		if pw != "" {
			s.keys = append(s.keys, d.manualKeys(pw)...)
		}
		s.keys = append(s.keys, CBCKey("empty key", "", LinuxIterations))
	case "v11":
		if pw != "" {
			s.keys = append(s.keys, d.manualKeys(pw)...)
		}
		s.keys = append(s.keys, CBCKey("empty key", "", LinuxIterations))
	case "v12":
		// Only the portal secret (from the OS) makes v12 keys.
	}
	d.sets[prefix] = s
	return s
}

func (d *Decryptor) manualKeys(pw string) []*Key {
	first, second := LinuxIterations, MacIterations
	if d.cfg.Platform == "darwin" {
		first, second = second, first
	}
	return []*Key{
		CBCKey(fmt.Sprintf("--password (%s scheme)", schemeName(first)), pw, first),
		CBCKey(fmt.Sprintf("--password (%s scheme)", schemeName(second)), pw, second),
	}
}

func schemeName(iter int) string {
	if iter == MacIterations {
		return "macOS"
	}
	return "Linux"
}

// loadOSKeys asks the OS, once per prefix, for the keys it holds.
func (d *Decryptor) loadOSKeys(ctx context.Context, s *keySet, prefix string) {
	s.osTried = true
	if d.cfg.Keys == nil {
		s.osErr = errors.New("no OS key source")
		return
	}
	switch {
	case prefix == "v12":
		secret, err := d.cfg.Keys.PortalSecret(ctx)
		if err != nil {
			s.osErr = err
			return
		}
		k, err := PortalKey(secret)
		if err != nil {
			s.osErr = err
			return
		}
		s.keys = append(s.keys, k)
	case prefix == "v10" && d.cfg.Platform == "windows":
		k, err := d.windowsKey()
		if err != nil {
			s.osErr = err
			return
		}
		s.keys = append(s.keys, k)
	case prefix == "v10" && d.cfg.Platform == "darwin", prefix == "v11" && d.cfg.Platform != "windows":
		pws, err := d.osPasswords(ctx)
		if err != nil {
			s.osErr = err
		}
		iter := LinuxIterations
		if d.cfg.Platform == "darwin" {
			iter = MacIterations
		}
		for _, p := range pws {
			s.keys = append(s.keys, CBCKey(p.Label, p.Secret, iter))
		}
		if err == nil && len(pws) == 0 {
			s.osErr = errors.New("the OS holds no Safe Storage password for " + d.browserName())
		}
	}
}

func (d *Decryptor) osPasswords(ctx context.Context) ([]Password, error) {
	if !d.passwordDone {
		d.passwordDone = true
		d.passwords, d.passwordErr = d.cfg.Keys.SafeStoragePasswords(ctx)
	}
	return d.passwords, d.passwordErr
}

// windowsKey unwraps Local State's os_crypt.encrypted_key with DPAPI.
func (d *Decryptor) windowsKey() (*Key, error) {
	ek := d.cfg.EncryptedKey
	if len(ek) == 0 {
		return nil, errors.New("no os_crypt.encrypted_key: Local State was not found in the user-data dir or has none (read the profile or user-data dir, not a lone Cookies file)")
	}
	if !bytes.HasPrefix(ek, []byte(DPAPIPrefix)) {
		return nil, errors.New("Local State os_crypt.encrypted_key does not start with DPAPI")
	}
	raw, err := d.cfg.Keys.Unprotect(ek[len(DPAPIPrefix):])
	if err != nil {
		return nil, fmt.Errorf("DPAPI could not unwrap Local State os_crypt.encrypted_key: %w", err)
	}
	k, err := GCMKey("Local State key (DPAPI)", raw)
	if err != nil {
		return nil, fmt.Errorf("Local State os_crypt.encrypted_key: %w", err)
	}
	return k, nil
}

// dpapiBlob handles a Windows value from before Chrome 80: the whole blob
// is DPAPI-protected.
func (d *Decryptor) dpapiBlob(host string, blob []byte) ([]byte, Scheme, error) {
	if d.cfg.Keys == nil {
		return nil, DPAPI, &UnreadableError{Scheme: DPAPI, Err: ErrNoKey, Detail: "no OS key source"}
	}
	plain, err := d.cfg.Keys.Unprotect(blob)
	if err != nil {
		return nil, DPAPI, &UnreadableError{Scheme: DPAPI, Err: ErrNoKey, Detail: err.Error()}
	}
	if d.cfg.HostPrefix && len(plain) >= sha256.Size {
		sum := d.hostSum(host)
		if bytes.Equal(plain[:sha256.Size], sum[:]) {
			plain = plain[sha256.Size:]
		}
	}
	return plain, DPAPI, nil
}

// noKey builds the error of a row no key decrypted.
func (d *Decryptor) noKey(scheme Scheme, s *keySet, payload []byte) error {
	if len(payload) == 0 {
		return &UnreadableError{Scheme: scheme, Err: ErrCorrupt, Detail: "empty ciphertext"}
	}
	cbcOK := len(payload)%aes.BlockSize == 0
	gcmOK := len(payload) >= gcmNonceSize+gcmTagSize
	if (scheme == V11 && !cbcOK) || (scheme == V12 && !gcmOK) || (scheme == V10 && !cbcOK && !gcmOK) {
		return &UnreadableError{Scheme: scheme, Err: ErrCorrupt, Detail: fmt.Sprintf("%d bytes of ciphertext cannot be a value of this scheme", len(payload))}
	}
	labels := make([]string, 0, len(s.keys))
	for _, k := range s.keys {
		labels = append(labels, k.Label)
	}
	detail := "tried " + strings.Join(labels, ", ")
	if len(labels) == 0 {
		detail = "no candidate key"
	}
	if s.osErr != nil {
		detail += "; " + s.osErr.Error()
	}
	if d.cfg.Password == "" && scheme != V12 && d.cfg.Platform != "windows" {
		detail += "; give the Safe Storage password with --password or CRUMBS_SAFE_STORAGE_PASSWORD"
	}
	return &UnreadableError{Scheme: scheme, Err: ErrNoKey, Detail: detail}
}

// Cached returns the label of the key cached for prefix ("" if none): for
// diagnostics and tests.
func (d *Decryptor) Cached(prefix string) string {
	if s := d.sets[prefix]; s != nil && s.cached != nil {
		return s.cached.Label
	}
	return ""
}
