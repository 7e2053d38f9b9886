package writeback

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Keep is how many backups per source are kept; older ones are pruned.
const Keep = 10

// What made a backup.
const (
	MadeByClean   = "clean"
	MadeByApply   = "apply"
	MadeByRestore = "restore"
)

// Backup is one backup of a store: a folder
// ROOT/SOURCE/ID/ holding manifest.json and files/, the files under their
// path relative to Base.
type Backup struct {
	Source string    `json:"source"`
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	MadeBy string    `json:"madeBy"`
	// Format and Path are the store's (source.Format*, the reader's path),
	// so that a restore can check the browser and find the files.
	Format  string `json:"format"`
	Path    string `json:"path"`
	Browser string `json:"browser,omitempty"`
	// Base is the folder the files' paths are relative to.
	Base   string       `json:"base"`
	Files  []BackupFile `json:"files"`
	Absent []string     `json:"absent"` // relative paths that did not exist
	// Summary says what the change was, for `crumbs backups`.
	Summary string `json:"summary,omitempty"`

	dir string
}

// BackupFile is one file in a backup.
type BackupFile struct {
	Path   string      `json:"path"` // relative to Base, slash-separated
	Size   int64       `json:"size"`
	SHA256 string      `json:"sha256"`
	Mode   fs.FileMode `json:"mode"`
}

// Dir is the backup's folder.
func (b *Backup) Dir() string { return b.dir }

// Size is the total size of the backed-up files.
func (b *Backup) Size() int64 {
	var n int64
	for _, f := range b.Files {
		n += f.Size
	}
	return n
}

// sourceDir is the folder of a source's backups: the id with every byte
// outside [A-Za-z0-9._-] replaced ("firefox:default-release" →
// "firefox_default-release"). The manifest keeps the exact id.
func sourceDir(root, source string) string {
	var b strings.Builder
	for i := 0; i < len(source); i++ {
		c := source[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			b.WriteByte(c)
		case c == ':' || c == ' ' || c == '_':
			b.WriteByte('_')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	name := b.String()
	if name == "" || name == "." || name == ".." {
		name = "_" + name
	}
	return filepath.Join(root, name)
}

// takeBackup copies files (absolute paths under base; absent ones are
// recorded as such) into a new backup of source. The manifest is written
// last, through a rename: a backup folder without one is incomplete and
// is neither listed nor restored.
func takeBackup(root string, b Backup, files []string, now time.Time) (*Backup, error) {
	dir := sourceDir(root, b.Source)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("backup folder %s: %w", dir, err)
	}
	_ = os.Chmod(root, 0o700)
	_ = os.Chmod(dir, 0o700)
	id := now.UTC().Format("20060102T150405Z")
	for n := 2; ; n++ {
		err := os.Mkdir(filepath.Join(dir, id), 0o700)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("backup folder %s: %w", dir, err)
		}
		id = now.UTC().Format("20060102T150405Z") + fmt.Sprintf("-%d", n)
	}
	b.ID, b.Time, b.dir = id, now.UTC(), filepath.Join(dir, id)
	b.Files, b.Absent = nil, nil
	for _, f := range files {
		rel, err := filepath.Rel(b.Base, f)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("backup: %s is outside %s", f, b.Base)
		}
		fi, err := os.Lstat(f)
		if errors.Is(err, fs.ErrNotExist) {
			b.Absent = append(b.Absent, filepath.ToSlash(rel))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("backup: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("backup: %s is not a regular file: nothing written", f)
		}
		sum, size, err := copyHashed(f, filepath.Join(b.dir, "files", rel))
		if err != nil {
			return nil, fmt.Errorf("backup of %s: %w", f, err)
		}
		b.Files = append(b.Files, BackupFile{Path: filepath.ToSlash(rel), Size: size, SHA256: sum, Mode: fi.Mode().Perm()})
	}
	if err := writeManifest(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

func writeManifest(b *Backup) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(b.dir, "manifest.json.tmp")
	if err := writeSynced(tmp, data, 0o600); err != nil {
		return fmt.Errorf("backup manifest: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(b.dir, "manifest.json")); err != nil {
		return fmt.Errorf("backup manifest: %w", err)
	}
	return syncDir(b.dir)
}

// copyHashed copies src to dst (0600, parents 0700), synced, and returns
// the SHA-256 of what was copied.
func copyHashed(src, dst string) (string, int64, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", 0, err
	}
	in, err := os.Open(src)
	if err != nil {
		return "", 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func writeSynced(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not supported everywhere (Windows); best effort
	return nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// List returns the complete backups under root, of source (every source
// when empty), newest first.
func List(root, source string) ([]*Backup, error) {
	var dirs []string
	if source != "" {
		dirs = []string{sourceDir(root, source)}
	} else {
		entries, err := os.ReadDir(root)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(root, e.Name()))
			}
		}
	}
	var out []*Backup
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			b, err := loadManifest(filepath.Join(d, e.Name()))
			if err != nil {
				continue // incomplete (killed while copying) or foreign
			}
			if source != "" && b.Source != source {
				continue
			}
			out = append(out, b)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Time.Equal(out[j].Time) {
			return out[i].Time.After(out[j].Time)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

func loadManifest(dir string) (*Backup, error) {
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, err
	}
	var b Backup
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, err
	}
	if b.Source == "" || b.ID == "" || b.Base == "" {
		return nil, errors.New("incomplete manifest")
	}
	for _, f := range append(append([]string(nil), b.Absent...), paths(b.Files)...) {
		if f == "" || filepath.IsAbs(f) || f == ".." || strings.HasPrefix(filepath.Clean(filepath.FromSlash(f)), "..") {
			return nil, fmt.Errorf("manifest names %q outside its store", f)
		}
	}
	b.dir = dir
	return &b, nil
}

func paths(fs []BackupFile) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Path
	}
	return out
}

// prune removes all but the newest keep backups of source, and incomplete
// backup folders older than an hour (left by a kill).
func prune(root, source string, keep int, now time.Time) error {
	bs, err := List(root, source)
	if err != nil {
		return err
	}
	for i, b := range bs {
		if i >= keep {
			if err := os.RemoveAll(b.dir); err != nil {
				return err
			}
		}
	}
	dir := sourceDir(root, source)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(p, "manifest.json")); err == nil {
			continue
		}
		if fi, err := e.Info(); err == nil && e.IsDir() && now.Sub(fi.ModTime()) > time.Hour {
			_ = os.RemoveAll(p)
		}
	}
	return nil
}

// verify checks every file of the backup against its SHA-256.
func (b *Backup) verify() error {
	for _, f := range b.Files {
		sum, err := fileSHA256(filepath.Join(b.dir, "files", filepath.FromSlash(f.Path)))
		if err != nil {
			return fmt.Errorf("backup %s of %s: %w", b.ID, b.Source, err)
		}
		if sum != f.SHA256 {
			return fmt.Errorf("backup %s of %s: %s does not match its SHA-256 (damaged backup): not restored", b.ID, b.Source, f.Path)
		}
	}
	return nil
}

// putBack restores exactly the backup's files into Base and removes the
// files that were absent when it was taken (a stale -wal would otherwise
// replay onto the restored database). Absent files go first, then each
// file through a temporary file renamed into place and checked against its
// SHA-256. Running it again after a kill finishes the job.
func (b *Backup) putBack() error {
	if err := b.verify(); err != nil {
		return err
	}
	for _, rel := range b.Absent {
		p := filepath.Join(b.Base, filepath.FromSlash(rel))
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restoring %s: removing %s: %w", b.Source, p, err)
		}
	}
	for _, f := range b.Files {
		dst := filepath.Join(b.Base, filepath.FromSlash(f.Path))
		src := filepath.Join(b.dir, "files", filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return fmt.Errorf("restoring %s: %w", b.Source, err)
		}
		tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".crumbs-restore")
		_ = os.Remove(tmp)
		sum, _, err := copyHashed(src, tmp)
		if err == nil && sum != f.SHA256 {
			err = fmt.Errorf("copy does not match its SHA-256")
		}
		if err == nil {
			mode := f.Mode
			if mode == 0 {
				mode = 0o600
			}
			err = os.Chmod(tmp, mode)
		}
		if err == nil {
			err = os.Rename(tmp, dst)
		}
		if err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("restoring %s: %s: %w", b.Source, dst, err)
		}
	}
	return syncDir(b.Base)
}
