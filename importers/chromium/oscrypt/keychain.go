package oscrypt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Runner runs a command and returns its standard output; Keychain uses it
// so tests can stand in for /usr/bin/security.
type Runner func(ctx context.Context, name string, args ...string) (stdout []byte, exitCode int, err error)

// Keychain reads Safe Storage passwords from the macOS Keychain with
// `security find-generic-password -w`. macOS may ask the user once per item
// ("Always Allow"); Keychain asks exactly once per item and never loops.
type Keychain struct {
	// Items are the (service, account) pairs to look up, in order.
	Items []KeychainItem
	// Run defaults to exec with a two-minute timeout (the user may be
	// reading the Keychain dialog).
	Run Runner
}

// KeychainItem names one generic password.
type KeychainItem struct{ Service, Account string }

// exit codes of security(1)
const (
	securityNotFound = 44
	securityDenied   = 51 // errSecAuthFailed surfaces as 51 or 128 (user cancelled)
)

// SafeStoragePasswords implements PasswordSource.
func (k Keychain) SafeStoragePasswords(ctx context.Context) ([]Password, error) {
	run := k.Run
	if run == nil {
		run = execRunner
	}
	var out []Password
	var missing []string
	for _, it := range k.Items {
		stdout, code, err := run(ctx, "security", "find-generic-password", "-w", "-a", it.Account, "-s", it.Service)
		switch {
		case err == nil && code == 0:
			pw := strings.TrimRight(string(stdout), "\r\n")
			if pw != "" {
				out = append(out, Password{Label: "Keychain: " + it.Service, Secret: pw})
			}
		case code == securityNotFound:
			missing = append(missing, it.Service)
		case errors.Is(err, exec.ErrNotFound):
			return out, errors.New("the security command is missing (not macOS?): give the Safe Storage password with --password or CRUMBS_SAFE_STORAGE_PASSWORD")
		default:
			// Denied or cancelled: do not ask again for the other items.
			return out, fmt.Errorf("Keychain access to %q was denied or cancelled (exit %d): allow crumbs in the Keychain dialog (Always Allow), or give the password with --password or CRUMBS_SAFE_STORAGE_PASSWORD", it.Service, code)
		}
	}
	if len(out) == 0 && len(missing) > 0 {
		return nil, fmt.Errorf("the Keychain has no %s item", strings.Join(quoteAll(missing), " or "))
	}
	return out, nil
}

func quoteAll(ss []string) []string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return q
}

func execRunner(ctx context.Context, name string, args ...string) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return nil, ee.ExitCode(), err
	}
	if err != nil {
		return nil, -1, err
	}
	return stdout.Bytes(), 0, nil
}
