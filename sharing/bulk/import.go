package bulk

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// ErrNotEmpty refuses an import into a practice that already has patients or records: merging
// two practices' records needs a person to decide about every duplicate, which a restore cannot.
var ErrNotEmpty = errors.New("bulk: this practice already has patients or records; import only into an empty practice")

// ErrNewerSchema refuses an export made by a newer OnRamp.
var ErrNewerSchema = errors.New("bulk: the export comes from a newer OnRamp; update this one first")

// ImportOptions set up an import.
type ImportOptions struct {
	FilesDir string // the practice's attachment folder: the export's files/ are copied into it
	Prefix   string // patient number prefix for numbers the export lacks; default "P"
	Actor    audit.Actor
	Progress func(Progress)
}

// ImportReport counts what came in.
type ImportReport struct {
	Tables map[string]int // rows per table
	Types  map[string]int // resources per FHIR type
	Users  int            // accounts created (disabled, without a password)
	Files  int
}

// Import restores an export made by Export into an empty practice, in one transaction: all of
// it comes in, or none. Patients go through the master index (so that search finds them);
// every other record is written back as its row, with user ids matched by user name.
func Import(ctx context.Context, db *store.DB, dir string, opt ImportOptions) (ImportReport, error) {
	rep := ImportReport{Tables: map[string]int{}, Types: map[string]int{}}
	if opt.Prefix == "" {
		opt.Prefix = "P"
	}
	if opt.Progress == nil {
		opt.Progress = func(Progress) {}
	}
	mb, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return rep, fmt.Errorf("read the export's manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return rep, fmt.Errorf("the export's manifest is damaged: %w", err)
	}
	var schema int
	if err := db.R.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&schema); err != nil {
		return rep, err
	}
	if m.Extension.Schema > schema {
		return rep, ErrNewerSchema
	}
	tables, err := readSchema(ctx, db.R)
	if err != nil {
		return rep, err
	}
	byName := map[string]*table{}
	for i := range tables {
		byName[tables[i].Name] = &tables[i]
	}
	if err := checkEmpty(ctx, db.R, tables); err != nil {
		return rep, err
	}
	// Foreign keys are checked once at the end (PRAGMA foreign_key_check), so that the files
	// can come in any order; the pragma only takes effect outside a transaction.
	if _, err := db.W.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return rep, err
	}
	defer db.W.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`) //nolint:errcheck // restoring the default
	restore, err := patients.BulkPragmas(ctx, db)
	if err != nil {
		return rep, err
	}
	defer restore()

	// Organization, Practitioner and Patient first: the other records are matched to them.
	order := []string{"Organization", "Practitioner", "Patient"}
	for _, o := range m.Output {
		if !slices.Contains(order, o.Type) {
			order = append(order, o.Type)
		}
	}
	files := map[string]string{}
	for _, o := range m.Output {
		files[o.Type] = filepath.Join(dir, filepath.FromSlash(o.URL))
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		im := &importer{ctx: ctx, tx: tx, dir: dir, tables: byName, users: map[int64]int64{}, patients: map[int64]int64{},
			stmts: map[string]*sql.Stmt{}, opt: opt, rep: &rep}
		defer im.close()
		for _, typ := range order {
			path, ok := files[typ]
			if !ok {
				continue
			}
			if err := im.file(typ, path); err != nil {
				return err
			}
		}
		if err := foreignKeyCheck(ctx, tx); err != nil {
			return err
		}
		return audit.Append(ctx, tx, opt.Actor.Entry(patients.ActionImport, "practice", "1", 0,
			fmt.Sprintf("whole-practice FHIR import of %d patients from %s", rep.Tables["patients"], dir)))
	})
	if err != nil {
		return rep, err
	}
	if opt.FilesDir != "" {
		n, err := copyTree(filepath.Join(dir, "files"), opt.FilesDir)
		if err != nil {
			return rep, fmt.Errorf("copy attachments: %w", err)
		}
		rep.Files = n
	}
	return rep, nil
}

// checkEmpty refuses a practice with any patient, or any row of a table about patients.
func checkEmpty(ctx context.Context, q querier, tables []table) error {
	for _, t := range tables {
		if t.Name != "patients" && t.PatientFK == "" {
			continue
		}
		var any int
		if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM "`+t.Name+`")`).Scan(&any); err != nil {
			return err
		}
		if any == 1 {
			return ErrNotEmpty
		}
	}
	return nil
}

func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() && len(problems) < 10 {
		var tbl, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&tbl, &rowid, &parent, &fk); err != nil {
			return err
		}
		problems = append(problems, fmt.Sprintf("%s row %d refers to a missing %s", tbl, rowid.Int64, parent))
	}
	if len(problems) > 0 {
		return fmt.Errorf("bulk: the export is incomplete: %s", strings.Join(problems, "; "))
	}
	return rows.Err()
}

type importer struct {
	ctx      context.Context
	tx       *sql.Tx
	dir      string
	tables   map[string]*table
	users    map[int64]int64 // exported user id -> id here
	patients map[int64]int64 // exported patient id -> id here, where they differ
	bulk     *patients.Bulk
	later    [][]any // patient bookkeeping the master index does not write: applied at the end
	stmts    map[string]*sql.Stmt
	opt      ImportOptions
	rep      *ImportReport
}

func (im *importer) close() {
	for _, s := range im.stmts {
		s.Close()
	}
}

// file reads one NDJSON file.
func (im *importer) file(typ, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		if err := im.resource(typ, sc.Bytes()); err != nil {
			return fmt.Errorf("%s line %d: %w", filepath.Base(path), line, err)
		}
		im.rep.Types[typ]++
		if line%5000 == 0 {
			if err := im.ctx.Err(); err != nil {
				return err
			}
			im.opt.Progress(Progress{Type: typ, Rows: line})
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	im.opt.Progress(Progress{Type: typ, Rows: line, Done: true})
	if typ == "Patient" && im.bulk != nil {
		// The merge links go back before the master index rebuilds its indexes: a merged-away
		// duplicate may carry the same identity document as its survivor, and only a row with
		// merged_into set leaves the one-living-patient-per-document rule. Flush first: the
		// master index queues rows, and the bookkeeping updates rows that are written.
		if err := im.bulk.Flush(); err != nil {
			return err
		}
		if err := im.finishPatients(); err != nil {
			return err
		}
		if err := im.bulk.Close(); err != nil {
			return err
		}
		im.bulk = nil
	}
	return nil
}

// resourceRow is what every exported resource carries.
type resourceRow struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id"`
	Extension    []fhir.Extension `json:"extension"`
}

func (im *importer) resource(typ string, body []byte) error {
	var head resourceRow
	if err := json.Unmarshal(body, &head); err != nil {
		return err
	}
	var rec struct {
		Table string                     `json:"table"`
		Row   map[string]json.RawMessage `json:"row"`
	}
	for _, e := range head.Extension {
		if e.URL == RowExtension {
			dec := json.NewDecoder(strings.NewReader(e.ValueString))
			if err := dec.Decode(&rec); err != nil {
				return fmt.Errorf("%s/%s: damaged row: %w", typ, head.ID, err)
			}
		}
	}
	if rec.Table == "" {
		return fmt.Errorf("%s/%s was not exported by OnRamp (no row extension)", typ, head.ID)
	}
	t, ok := im.tables[rec.Table]
	if !ok {
		return fmt.Errorf("%s/%s: this OnRamp has no table %s", typ, head.ID, rec.Table)
	}
	vals, err := decodeRow(t, rec.Row, im.dir)
	if err != nil {
		return fmt.Errorf("%s/%s: %w", typ, head.ID, err)
	}
	im.rep.Tables[t.Name]++
	switch t.Name {
	case "users":
		return im.user(vals)
	case "patients":
		var p fhir.PatientRecord
		if err := json.Unmarshal(body, &p); err != nil {
			return err
		}
		return im.patient(p, vals)
	}
	for _, c := range t.UserCols {
		if id, ok := vals[c].(int64); ok {
			if to, ok := im.users[id]; ok {
				vals[c] = to
			}
		}
	}
	for _, c := range t.PatientCols {
		if id, ok := vals[c].(int64); ok {
			if to, ok := im.patients[id]; ok {
				vals[c] = to
			}
		}
	}
	if t.Name == "practice" {
		vals["id"] = int64(1)
	}
	return im.insert(t, vals)
}

// decodeRow turns the exported row back into driver values of the column types.
func decodeRow(t *table, raw map[string]json.RawMessage, dir string) (map[string]any, error) {
	out := make(map[string]any, len(raw))
	for _, c := range t.Cols {
		v, ok := raw[c.Name]
		if !ok {
			continue // a column added since the export: its default applies
		}
		if string(v) == "null" {
			out[c.Name] = nil
			continue
		}
		switch v[0] {
		case '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, err
			}
			out[c.Name] = s
		case '{':
			var f struct{ File string }
			if err := json.Unmarshal(v, &f); err != nil {
				return nil, err
			}
			clean := filepath.Clean(filepath.FromSlash(f.File))
			if f.File == "" || filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
				return nil, fmt.Errorf("column %s: bad attachment name %q", c.Name, f.File)
			}
			b, err := os.ReadFile(filepath.Join(dir, clean))
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
			out[c.Name] = b
		default:
			var n json.Number
			if err := json.Unmarshal(v, &n); err != nil {
				return nil, fmt.Errorf("column %s: %w", c.Name, err)
			}
			if c.Type == "REAL" {
				f, err := n.Float64()
				if err != nil {
					return nil, err
				}
				out[c.Name] = f
			} else if i, err := n.Int64(); err == nil {
				out[c.Name] = i
			} else {
				f, err := n.Float64()
				if err != nil {
					return nil, err
				}
				out[c.Name] = f
			}
		}
	}
	for name := range raw {
		if !slices.ContainsFunc(t.Cols, func(c column) bool { return c.Name == name }) {
			return nil, fmt.Errorf("this OnRamp has no column %s.%s", t.Name, name)
		}
	}
	return out, nil
}

// insert writes a row as it was; a row that the new practice already has (its seeded
// settings, opening hours, slot types) is replaced by the exported one.
func (im *importer) insert(t *table, vals map[string]any) error {
	cols := make([]string, 0, len(vals))
	for _, c := range t.Cols {
		if _, ok := vals[c.Name]; ok {
			cols = append(cols, c.Name)
		}
	}
	key := t.Name + "|" + strings.Join(cols, ",")
	st, ok := im.stmts[key]
	if !ok {
		quoted := make([]string, len(cols))
		for i, c := range cols {
			quoted[i] = `"` + c + `"`
		}
		var err error
		st, err = im.tx.PrepareContext(im.ctx, fmt.Sprintf(`INSERT OR REPLACE INTO "%s" (%s) VALUES (%s)`, t.Name,
			strings.Join(quoted, ","), strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",")))
		if err != nil {
			return err
		}
		im.stmts[key] = st
	}
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = vals[c]
	}
	_, err := st.ExecContext(im.ctx, args...)
	return err
}

// user matches an exported account by user name, or creates it disabled and without a
// password (the export carries no password hashes): an administrator enables it.
func (im *importer) user(vals map[string]any) error {
	oldID, _ := vals["id"].(int64)
	name, _ := vals["username"].(string)
	var id int64
	err := im.tx.QueryRowContext(im.ctx, `SELECT id FROM users WHERE username = ?`, name).Scan(&id)
	if err == nil {
		im.users[oldID] = id
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	delete(vals, "id")
	vals["password_hash"] = "!" // matches no password
	vals["disabled"] = int64(1)
	if err := im.insert(im.tables["users"], vals); err != nil {
		return err
	}
	if err := im.tx.QueryRowContext(im.ctx, `SELECT id FROM users WHERE username = ?`, name).Scan(&id); err != nil {
		return err
	}
	im.users[oldID] = id
	im.rep.Users++
	return nil
}

// patient registers one patient through the master index from the FHIR Patient, then keeps
// the row's bookkeeping (dates, eHealth state, merge) for finishPatients.
func (im *importer) patient(p fhir.PatientRecord, row map[string]any) error {
	if im.bulk == nil {
		b, err := patients.NewBulk(im.ctx, im.tx, im.opt.Prefix, im.opt.Actor)
		if err != nil {
			return err
		}
		im.bulk = b
	}
	in := patientInput(p)
	id, _, err := im.bulk.Add(&in)
	if err != nil {
		return fmt.Errorf("patient %s: %w", in.Number, err)
	}
	oldID, _ := row["id"].(int64)
	if oldID != id {
		im.patients[oldID] = id
	}
	if by, ok := row["consent_by"].(int64); ok {
		if to, ok := im.users[by]; ok {
			row["consent_by"] = to
		}
	}
	im.later = append(im.later, []any{id, row["ehr_no"], row["ehealth_joined"], row["consent"], row["consent_date"],
		row["consent_method"], row["consent_by"], row["consent_by_name"], row["merged_into"], row["merged_at"],
		row["last_visit_at"], row["version"], row["created_at"], row["updated_at"]})
	return nil
}

// patientInput reads the FHIR Patient back into the master index's form.
func patientInput(p fhir.PatientRecord) patients.Input {
	var in patients.Input
	for _, id := range p.Identifier {
		switch {
		case id.System == PatientNumber:
			in.Number = id.Value
		case strings.HasPrefix(id.System, DocSystem):
			in.DocType, in.DocNumber = strings.TrimPrefix(id.System, DocSystem), id.Value
		}
	}
	for _, n := range p.Name {
		switch n.Use {
		case "official":
			in.SurnameEN = n.Family
			in.GivenNameEN = strings.Join(n.Given, " ")
		case "usual":
			in.NameZH = n.Text
		}
	}
	in.Sex = map[string]string{"male": patients.SexMale, "female": patients.SexFemale}[p.Gender]
	if in.Sex == "" {
		in.Sex = patients.SexUnknown
	}
	in.DOB = p.BirthDate
	for _, t := range p.Telecom {
		switch {
		case t.System == "phone" && t.Use == "mobile":
			in.Mobile = t.Value
		case t.System == "phone":
			in.PhoneOther = t.Value
		case t.System == "email":
			in.Email = t.Value
		}
	}
	if len(p.Address) > 0 {
		in.Address = p.Address[0].Text
	}
	if len(p.Contact) > 0 {
		c := p.Contact[0]
		if c.Name != nil {
			in.EmergencyName = c.Name.Text
		}
		if len(c.Telecom) > 0 {
			in.EmergencyPhone = c.Telecom[0].Value
		}
		if len(c.Relationship) > 0 {
			in.EmergencyRelation = c.Relationship[0].Text
		}
	}
	// What FHIR's Patient has no element for comes from the row: the printed-matter language,
	// the remarks and the issuing country of a passport.
	for _, e := range p.Extension {
		if e.URL != RowExtension {
			continue
		}
		var rec struct {
			Row struct {
				Language   string `json:"language"`
				Remarks    string `json:"remarks"`
				DocCountry string `json:"doc_country"`
			} `json:"row"`
		}
		if json.Unmarshal([]byte(e.ValueString), &rec) == nil {
			in.Language, in.Remarks, in.DocCountry = rec.Row.Language, rec.Row.Remarks, rec.Row.DocCountry
		}
	}
	return in
}

// finishPatients writes the bookkeeping of the imported patients that registration does not:
// the eHealth state, merges, and the original dates and version.
func (im *importer) finishPatients() error {
	if len(im.later) == 0 {
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `CREATE TEMP TABLE bulk_patients (id INTEGER PRIMARY KEY, ehr_no, joined, consent,
		consent_date, consent_method, consent_by, consent_by_name, merged_into, merged_at, last_visit_at, version, created_at, updated_at)`); err != nil {
		return err
	}
	defer im.tx.ExecContext(context.Background(), `DROP TABLE temp.bulk_patients`) //nolint:errcheck // temporary
	st, err := im.tx.PrepareContext(im.ctx, `INSERT INTO temp.bulk_patients VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, args := range im.later {
		if m, ok := args[8].(int64); ok {
			if to, ok := im.patients[m]; ok {
				args[8] = to
			}
		}
		if _, err := st.ExecContext(im.ctx, args...); err != nil {
			return err
		}
	}
	_, err = im.tx.ExecContext(im.ctx, `UPDATE patients SET ehr_no = b.ehr_no, ehealth_joined = b.joined, consent = b.consent,
		consent_date = b.consent_date, consent_method = b.consent_method, consent_by = b.consent_by,
		consent_by_name = b.consent_by_name, merged_into = b.merged_into, merged_at = b.merged_at,
		last_visit_at = b.last_visit_at, version = b.version, created_at = b.created_at, updated_at = b.updated_at
		FROM temp.bulk_patients b WHERE patients.id = b.id`)
	return err
}
