package bulk

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// ManifestName is the manifest's file name in the export folder.
const ManifestName = "manifest.json"

// ManifestFile is one file of the export, as the Bulk Data manifest lists it.
type ManifestFile struct {
	Type  string `json:"type"`
	URL   string `json:"url"` // relative to the manifest
	Count int    `json:"count"`
}

// Manifest is the export's table of contents, shaped as FHIR Bulk Data export's
// (https://hl7.org/fhir/uv/bulkdata/export.html#response---complete-status), with OnRamp's own
// facts in its extension.
type Manifest struct {
	TransactionTime     string         `json:"transactionTime"`
	Request             string         `json:"request"`
	RequiresAccessToken bool           `json:"requiresAccessToken"`
	Output              []ManifestFile `json:"output"`
	Error               []ManifestFile `json:"error"`
	Extension           ManifestOnRamp `json:"extension"`
}

// ManifestOnRamp is what an OnRamp import needs to know about the export.
type ManifestOnRamp struct {
	Software    string         `json:"software"`
	Schema      int            `json:"schema"`             // migrations applied in the exported database
	Tables      map[string]int `json:"tables"`             // rows per table
	Attachments int            `json:"attachments"`        // files under attachments/
	Files       int            `json:"files"`              // files copied from the data folder's files/
	Bytes       int64          `json:"bytes"`              // size of the NDJSON files
	Practice    string         `json:"practice,omitempty"` // name of the practice, for a person checking
}

// Progress is told how far an export or import has got.
type Progress struct {
	Table string
	Type  string
	Rows  int // of this table so far
	Done  bool
}

// ExportOptions set up an export.
type ExportOptions struct {
	Dir      string // the folder to write into; created, and must be empty
	FilesDir string // the practice's attachment folder (report files), copied to files/; may not exist
	Request  string // the command that asked for it, for the manifest
	Actor    audit.Actor
	Chunk    int // rows between progress reports and buffer flushes; default 5000
	Progress func(Progress)
	Now      func() time.Time
}

// attachmentPath is where a row's file goes: attachments/<table>/<id>.<ext>.
func attachmentPath(tableName, logical, col string, data []byte) string {
	ext := ".bin"
	if bytes.HasPrefix(data, []byte("%PDF")) {
		ext = ".pdf"
	}
	name := logical
	if col != "pdf" {
		name += "-" + col
	}
	return "attachments/" + tableName + "/" + name + ext
}

// ErrDirNotEmpty is returned when the export folder already holds files.
var ErrDirNotEmpty = errors.New("bulk: the export folder is not empty")

// Export writes the whole practice into opt.Dir. It reads one snapshot of the database through
// the read-only connections, so that the clinic goes on working while it runs (SQLite's WAL lets
// writers continue beside a reader) and every reference in the export points at a record in it.
func Export(ctx context.Context, db *store.DB, opt ExportOptions) (Manifest, error) {
	if opt.Chunk <= 0 {
		opt.Chunk = 5000
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Progress == nil {
		opt.Progress = func(Progress) {}
	}
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return Manifest{}, err
	}
	if entries, err := os.ReadDir(opt.Dir); err != nil {
		return Manifest{}, err
	} else if len(entries) > 0 {
		return Manifest{}, ErrDirNotEmpty
	}
	m := Manifest{TransactionTime: opt.Now().UTC().Format(time.RFC3339), Request: opt.Request, Output: []ManifestFile{},
		Error: []ManifestFile{}, Extension: ManifestOnRamp{Software: "OnRamp", Tables: map[string]int{}}}
	ex := &exporter{dir: opt.Dir, files: map[string]*typeFile{}, opt: opt}
	defer ex.closeAll()
	err := db.Read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&m.Extension.Schema); err != nil {
			return err
		}
		_ = tx.QueryRowContext(ctx, `SELECT name_en FROM practice WHERE id = 1`).Scan(&m.Extension.Practice)
		tables, err := readSchema(ctx, tx)
		if err != nil {
			return err
		}
		for i := range tables {
			n, err := ex.table(ctx, tx, &tables[i])
			if err != nil {
				return fmt.Errorf("export %s: %w", tables[i].Name, err)
			}
			m.Extension.Tables[tables[i].Name] = n
		}
		return nil
	})
	if err != nil {
		return m, err
	}
	if err := ex.closeAll(); err != nil {
		return m, err
	}
	for _, typ := range ex.order {
		f := ex.files[typ]
		m.Output = append(m.Output, ManifestFile{Type: typ, URL: typ + ".ndjson", Count: f.count})
		m.Extension.Bytes += f.bytes
	}
	m.Extension.Attachments = ex.attachments
	if opt.FilesDir != "" {
		n, err := copyTree(opt.FilesDir, filepath.Join(opt.Dir, "files"))
		if err != nil {
			return m, fmt.Errorf("copy attachments: %w", err)
		}
		m.Extension.Files = n
	}
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(opt.Dir, ManifestName), append(body, '\n'), 0o600); err != nil {
		return m, err
	}
	patientsOut := m.Extension.Tables["patients"]
	err = db.Write(ctx, func(tx *sql.Tx) error {
		return audit.Append(ctx, tx, opt.Actor.Entry(audit.ActionExport, "practice", "1", 0,
			fmt.Sprintf("whole-practice FHIR export of %d patients to %s", patientsOut, opt.Dir)))
	})
	return m, err
}

// typeFile is the NDJSON file of one resource type.
type typeFile struct {
	f     *os.File
	w     *bufio.Writer
	count int
	bytes int64
}

type exporter struct {
	dir         string
	opt         ExportOptions
	files       map[string]*typeFile
	order       []string
	attachments int
}

func (ex *exporter) file(typ string) (*typeFile, error) {
	if f, ok := ex.files[typ]; ok {
		return f, nil
	}
	f, err := os.OpenFile(filepath.Join(ex.dir, typ+".ndjson"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	tf := &typeFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}
	ex.files[typ] = tf
	ex.order = append(ex.order, typ)
	return tf, nil
}

func (ex *exporter) closeAll() error {
	var errs []error
	for _, typ := range ex.order {
		f := ex.files[typ]
		if f.f == nil {
			continue
		}
		errs = append(errs, f.w.Flush(), f.f.Sync(), f.f.Close())
		f.f = nil
	}
	return errors.Join(errs...)
}

// rowRecord is what the row extension holds.
type rowRecord struct {
	Table string         `json:"table"`
	Row   map[string]any `json:"row"`
}

// table writes every row of one table.
func (ex *exporter) table(ctx context.Context, tx *sql.Tx, t *table) (int, error) {
	typ := resourceTypeOf(t.Name)
	out, err := ex.file(typ)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx, t.selectSQL())
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(t.Cols))
	ptrs := make([]any, len(t.Cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	var line bytes.Buffer
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		n++
		r := row{t: t, vals: make(map[string]any, len(t.Cols))}
		for i, c := range t.Cols {
			r.vals[c.Name] = vals[i]
		}
		var logical string
		if t.RowID && r.has("id") {
			logical = resourceID(t.Name, r.int("id"))
		} else {
			logical = resourceID(t.Name, int64(n))
		}
		// Files (issued PDFs) go alongside; the row names them.
		stored := make(map[string]any, len(r.vals))
		for k, v := range r.vals {
			if b, ok := v.([]byte); ok {
				p := attachmentPath(t.Name, logical, k, b)
				if err := writeAttachment(filepath.Join(ex.dir, filepath.FromSlash(p)), b); err != nil {
					return n, err
				}
				ex.attachments++
				stored[k] = map[string]string{"file": p}
				continue
			}
			stored[k] = v
		}
		body, err := json.Marshal(build(r, logical))
		if err != nil {
			return n, fmt.Errorf("row %s: %w", logical, err)
		}
		rowJSON, err := json.Marshal(rowRecord{Table: t.Name, Row: stored})
		if err != nil {
			return n, err
		}
		body, err = splice(body, map[string]any{"extension": []fhir.Extension{{URL: RowExtension, ValueString: string(rowJSON)}}})
		if err != nil {
			return n, err
		}
		line.Reset()
		line.Write(body)
		line.WriteByte('\n')
		k, err := out.w.Write(line.Bytes())
		if err != nil {
			return n, err
		}
		out.count++
		out.bytes += int64(k)
		if n%ex.opt.Chunk == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			ex.opt.Progress(Progress{Table: t.Name, Type: typ, Rows: n})
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	ex.opt.Progress(Progress{Table: t.Name, Type: typ, Rows: n, Done: true})
	return n, nil
}

func writeAttachment(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// copyTree copies the files under src into dst and counts them; a missing src is no files.
func copyTree(src, dst string) (int, error) {
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		in, err := os.Open(p)
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
		n++
		return out.Close()
	})
	return n, err
}
