package store

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"database/sql"
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

// A backup is one zip file holding manifest.json, the database (taken with VACUUM INTO, so it is
// a consistent copy made while people keep working) and the attachment files, which together
// are everything needed to bring the practice back on another PC. Entries are stored, not
// compressed: speed matters more than size and most attachments are already compressed.

// BackupInfo describes one backup file.
type BackupInfo struct {
	Path          string    `json:"-"`
	Name          string    `json:"-"`
	Size          int64     `json:"-"`
	TakenAt       time.Time `json:"taken_at"`
	SchemaVersion int       `json:"schema_version"`
	DatabaseSHA   string    `json:"database_sha256"`
	Verified      bool      `json:"verified"` // PRAGMA integrity_check said ok on the copy
	Files         int       `json:"files"`
	Reason        string    `json:"reason"` // scheduled, manual, pre-migration, pre-restore
	AppVersion    string    `json:"app_version"`
}

const backupPrefix = "onramp-backup-"

// BackupOptions say where backups go and how many to keep.
type BackupOptions struct {
	Dir        string // backup folder (a USB disk or NAS path is fine)
	Keep       int    // newest copies kept; 0 keeps all
	FilesDir   string // attachment folder to include; may not exist yet
	Reason     string
	AppVersion string
}

// Backup writes a verified backup and prunes old ones.
func (db *DB) Backup(ctx context.Context, opt BackupOptions) (BackupInfo, error) {
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return BackupInfo{}, fmt.Errorf("create backup folder: %w", err)
	}
	now := time.Now().UTC()
	info := BackupInfo{TakenAt: now, Reason: opt.Reason, AppVersion: opt.AppVersion}
	tmpDB := filepath.Join(opt.Dir, fmt.Sprintf(".tmp-%d.db", now.UnixNano()))
	defer os.Remove(tmpDB)

	// VACUUM INTO reads one snapshot; a separate connection keeps the writer free meanwhile.
	conn, err := sql.Open("sqlite", dsn(db.Path, 10*time.Second, false))
	if err != nil {
		return info, err
	}
	_, err = conn.ExecContext(ctx, "VACUUM INTO ?", tmpDB)
	conn.Close()
	if err != nil {
		return info, fmt.Errorf("copy database: %w", err)
	}
	if info.SchemaVersion, err = checkDatabaseFile(ctx, tmpDB); err != nil {
		return info, fmt.Errorf("the copy failed its check, backup not kept: %w", err)
	}
	info.Verified = true
	if info.DatabaseSHA, err = fileSHA256(tmpDB); err != nil {
		return info, err
	}

	name := fmt.Sprintf("%s%s-%03d.zip", backupPrefix, now.Format("20060102-150405"), now.Nanosecond()/1e6)
	final := filepath.Join(opt.Dir, name)
	tmpZip := final + ".part"
	if err := writeBackupZip(tmpZip, tmpDB, opt.FilesDir, &info); err != nil {
		os.Remove(tmpZip)
		return info, err
	}
	if err := os.Rename(tmpZip, final); err != nil {
		os.Remove(tmpZip)
		return info, err
	}
	st, _ := os.Stat(final)
	info.Path, info.Name, info.Size = final, name, st.Size()
	if opt.Keep > 0 {
		pruneBackups(opt.Dir, opt.Keep)
	}
	return info, nil
}

func writeBackupZip(path, dbFile, filesDir string, info *BackupInfo) (err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	if err := addFileToZip(zw, FileName, dbFile); err != nil {
		return err
	}
	if filesDir != "" {
		err := filepath.WalkDir(filesDir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(filesDir, p)
			info.Files++
			return addFileToZip(zw, "files/"+filepath.ToSlash(rel), p)
		})
		if err != nil {
			return fmt.Errorf("copy attachments: %w", err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Store, Modified: info.TakenAt})
	if err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(info); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Sync() // a backup that the OS still holds in memory is not a backup
}

func addFileToZip(zw *zip.Writer, name, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: st.ModTime()})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, in)
	return err
}

// checkDatabaseFile opens a database file read-only, runs the integrity check and returns its
// schema version.
func checkDatabaseFile(ctx context.Context, path string) (int, error) {
	conn, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if err := IntegrityCheck(ctx, conn); err != nil {
		return 0, err
	}
	var v int
	err = conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
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

// ListBackups lists the backups in dir, newest first, reading each one's manifest.
func ListBackups(dir string) ([]BackupInfo, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []BackupInfo
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), backupPrefix) || !strings.HasSuffix(e.Name(), ".zip") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		info, err := readManifest(p)
		if err != nil {
			info = BackupInfo{Reason: "unreadable: " + err.Error()}
		}
		info.Path, info.Name = p, e.Name()
		if st, err := e.Info(); err == nil {
			info.Size = st.Size()
			if info.TakenAt.IsZero() {
				info.TakenAt = st.ModTime()
			}
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}

func readManifest(path string) (BackupInfo, error) {
	var info BackupInfo
	zr, err := zip.OpenReader(path)
	if err != nil {
		return info, err
	}
	defer zr.Close()
	f, err := zr.Open("manifest.json")
	if err != nil {
		return info, fmt.Errorf("no manifest: %w", err)
	}
	defer f.Close()
	err = json.NewDecoder(f).Decode(&info)
	return info, err
}

func pruneBackups(dir string, keep int) {
	list, err := ListBackups(dir)
	if err != nil {
		return
	}
	for i := keep; i < len(list); i++ {
		os.Remove(list[i].Path)
	}
}

// Restore replaces the database and attachments in dataDir with those in the backup file. The
// caller makes sure no server is running. The backup is checked in full before anything is
// touched; the database and attachments it replaces are kept beside it with a ".replaced-TIME"
// suffix, so a restore of the wrong file can itself be undone.
func Restore(ctx context.Context, backupFile, dataDir, filesDir string, knownSchema int) (BackupInfo, error) {
	info, err := readManifest(backupFile)
	if err != nil {
		return info, fmt.Errorf("%s is not an OnRamp backup: %w", backupFile, err)
	}
	zr, err := zip.OpenReader(backupFile)
	if err != nil {
		return info, err
	}
	defer zr.Close()

	stamp := time.Now().UTC().Format("20060102-150405")
	staging := filepath.Join(dataDir, ".restore-"+stamp)
	if err := os.MkdirAll(staging, 0o700); err != nil {
		return info, err
	}
	defer os.RemoveAll(staging)
	for _, zf := range zr.File {
		if zf.Name == "manifest.json" || strings.HasSuffix(zf.Name, "/") {
			continue
		}
		target, err := safeJoin(staging, zf.Name)
		if err != nil {
			return info, err
		}
		if err := extract(zf, target); err != nil {
			return info, fmt.Errorf("read %s from backup: %w", zf.Name, err)
		}
	}
	newDB := filepath.Join(staging, FileName)
	sha, err := fileSHA256(newDB)
	if err != nil {
		return info, fmt.Errorf("backup holds no database: %w", err)
	}
	if info.DatabaseSHA != "" && sha != info.DatabaseSHA {
		return info, errors.New("the database in the backup does not match its manifest: the file is damaged")
	}
	v, err := checkDatabaseFile(ctx, newDB)
	if err != nil {
		return info, fmt.Errorf("the backup's database failed its check: %w", err)
	}
	if v > knownSchema {
		return info, fmt.Errorf("%w: the backup is at version %d, this OnRamp knows up to %d", ErrSchemaTooNew, v, knownSchema)
	}

	// Everything checked: swap in. Keep what is replaced.
	current := filepath.Join(dataDir, FileName)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(current + suffix); err == nil {
			if err := os.Rename(current+suffix, current+suffix+".replaced-"+stamp); err != nil {
				return info, fmt.Errorf("keep the current database: %w", err)
			}
		}
	}
	if err := os.Rename(newDB, current); err != nil {
		return info, err
	}
	if filesDir != "" {
		if _, err := os.Stat(filesDir); err == nil {
			if err := os.Rename(filesDir, filesDir+".replaced-"+stamp); err != nil {
				return info, err
			}
		}
		if _, err := os.Stat(filepath.Join(staging, "files")); err == nil {
			if err := os.Rename(filepath.Join(staging, "files"), filesDir); err != nil {
				return info, err
			}
		}
	}
	return info, nil
}

// safeJoin refuses zip entries that would land outside the folder ("zip slip").
func safeJoin(dir, name string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, filepath.Clean(dir)+string(os.PathSeparator)) {
		return "", fmt.Errorf("backup entry %q points outside the data folder", name)
	}
	return p, nil
}

func extract(zf *zip.File, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	in, err := zf.Open()
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
