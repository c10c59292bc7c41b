package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// File is the token file (config key oauth.token_file): the refresh token and
// the last access token, as JSON, readable and writable by the bot's user alone
// (mode 0600). [File.Save] replaces it atomically, so that a crash never leaves
// half a token; [File.Load] refuses a file that others can read.
type File struct {
	Path string
}

// Stored is the content of the token file.
type Stored struct {
	Provider string `json:"provider,omitempty"`
	// ClientID is the client the refresh token was issued to: a refresh token
	// works only with its own client.
	ClientID     string    `json:"client_id,omitempty"`
	TokenURL     string    `json:"token_url,omitempty"`
	RefreshToken string    `json:"refresh_token"`
	AccessToken  string    `json:"access_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	Expiry       time.Time `json:"expiry,omitzero"`
	// Saved is when the file was written.
	Saved time.Time `json:"saved"`
}

// token returns the stored token as x/oauth2 holds it.
func (s Stored) token() *oauth2.Token {
	return &oauth2.Token{AccessToken: s.AccessToken, TokenType: s.TokenType, RefreshToken: s.RefreshToken, Expiry: s.Expiry}
}

// ErrNoTokenFile is returned by [File.Load] when the file does not exist yet.
var ErrNoTokenFile = errors.New("no token file")

// Load reads the file. It fails when the file is missing ([ErrNoTokenFile]),
// readable or writable by the group or others, or not a token file.
func (f File) Load() (Stored, error) {
	fh, err := os.Open(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return Stored{}, fmt.Errorf("%w %s", ErrNoTokenFile, f.Path)
	}
	if err != nil {
		return Stored{}, fmt.Errorf("read token file: %w", err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return Stored{}, fmt.Errorf("read token file: %w", err)
	}
	if err := CheckMode(f.Path, fi.Mode()); err != nil {
		return Stored{}, err
	}
	var s Stored
	dec := json.NewDecoder(fh)
	if err := dec.Decode(&s); err != nil {
		// The decoder's message may quote the file; say only where it broke.
		return Stored{}, fmt.Errorf("token file %s is not a govbot token file (invalid JSON)", f.Path)
	}
	if s.RefreshToken == "" && s.AccessToken == "" {
		return Stored{}, fmt.Errorf("token file %s holds no token", f.Path)
	}
	return s, nil
}

// CheckMode refuses a token file that the group or others may read or write.
func CheckMode(path string, mode fs.FileMode) error {
	if !mode.IsRegular() {
		return fmt.Errorf("token file %s is not a regular file", path)
	}
	if mode.Perm()&0o077 != 0 {
		return fmt.Errorf("token file %s is open to other users (mode %04o); it holds the mailbox's sign-in: chmod 600 %s", path, mode.Perm(), path)
	}
	return nil
}

// Save writes s to the file atomically: to a temporary file in the same
// directory (mode 0600), synced, then renamed over the old one, and the
// directory synced.
func (f File) Save(s Stored) error {
	dir := filepath.Dir(f.Path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.Path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	enc := json.NewEncoder(tmp)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("write token file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename itself is durable only once the directory is
		d.Close()
	}
	return nil
}

// stamp identifies one version of the file, to notice that `govbot oauth login`
// replaced it while the bot runs.
type stamp struct {
	ino   uint64
	size  int64
	mtime time.Time
}

func (f File) stamp() (stamp, bool) {
	fi, err := os.Stat(f.Path)
	if err != nil {
		return stamp{}, false
	}
	st := stamp{size: fi.Size(), mtime: fi.ModTime()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	return st, true
}
