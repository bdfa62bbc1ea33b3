// Package bulk moves a whole practice out of OnRamp and back in: every patient and every record
// as FHIR R4 NDJSON, one file per resource type with a manifest as FHIR Bulk Data export writes
// it, and the attachments (issued documents, report files) alongside.
//
// The export reads the schema rather than a fixed list of tables, so that each feature's records
// are in it as soon as its migration is: a table with a FHIR resource of its own (patients,
// appointments, visits, diagnoses, prescriptions, ...) becomes that resource, and the rest of the
// practice's records (consent history, stock movements, settings, ...) become Basic resources.
// Every resource also carries its row as OnRamp stores it in one extension (RowExtension), so
// that an import into another OnRamp loses nothing that the FHIR elements cannot say, while
// any other FHIR system reads the standard elements.
package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// Base is where OnRamp's own FHIR systems and extensions live.
const Base = "https://onramp-hk.github.io/fhir"

// Extension URLs and identifier systems of the export.
const (
	RowExtension  = Base + "/StructureDefinition/onramp-row" // valueString: {"table":..,"row":{..}}
	TableSystem   = Base + "/CodeSystem/onramp-table"        // Basic.code: which table the row is from
	PatientNumber = Base + "/sid/patient-number"
	EHRNumber     = "http://ehealth.gov.hk/sid/ehr-no"
	DocSystem     = Base + "/sid/identity-document/" // + document type (ID, BC, PASSPORT, ...)
	DocTypeSystem = Base + "/CodeSystem/identity-document-type"
	Username      = Base + "/sid/username"
	MCRNumber     = "https://www.mchk.org.hk/sid/registration-no"
)

// notExported are tables that are not the practice's records: the login sessions, the audit
// log (it stays with the old database and its backups: its hash chain cannot be re-played into
// another log), the eHealth adapter's own state, and the search indexes that the patients package
// builds again from the names.
var notExported = []string{"sessions", "audit_log", "outbox", "frontdesk_stamp", "patient_name_terms"}

func skipTable(name string, virtual []string) bool {
	if strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "sharing_") || slices.Contains(notExported, name) {
		return true
	}
	for _, v := range virtual {
		if name == v || strings.HasPrefix(name, v+"_") {
			return true
		}
	}
	return false
}

// column is one column of a table.
type column struct {
	Name string
	Type string // INTEGER, TEXT, REAL, BLOB (STRICT tables)
}

// table is one exported table as the schema describes it.
type table struct {
	Name        string
	Cols        []column
	RowID       bool     // has a rowid: read and written in rowid order
	Key         []string // the primary key columns of a WITHOUT ROWID table
	PatientFK   string   // the column that names the patient the row is about, if any
	PatientCols []string // every column that holds a patient id (remapped on import)
	UserCols    []string // columns that hold a user id (remapped on import by username)
	UserFK      bool     // the table is users itself
}

// userColumn names columns that hold a user id without a declared foreign key.
var userColumn = []string{"doctor_id", "user_id", "by_id", "created_by", "recorded_by", "prescribed_by", "consent_by",
	"signed_by", "error_by", "merged_by", "undone_by", "given_by_id", "updated_by", "cancelled_by", "paid_by"}

// readSchema lists the tables to export, in an order where a table comes after the ones it
// refers to (patients and users first).
func readSchema(ctx context.Context, q querier) ([]table, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, type, COALESCE(sql,'') FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	type raw struct{ name, ddl string }
	var all []raw
	var virtual []string
	for rows.Next() {
		var name, typ, ddl string
		if err := rows.Scan(&name, &typ, &ddl); err != nil {
			rows.Close()
			return nil, err
		}
		if strings.Contains(strings.ToUpper(ddl), "CREATE VIRTUAL TABLE") {
			virtual = append(virtual, name)
			continue
		}
		all = append(all, raw{name, ddl})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []table
	for _, r := range all {
		if skipTable(r.name, virtual) {
			continue
		}
		t := table{Name: r.name, RowID: !strings.Contains(strings.ToUpper(r.ddl), "WITHOUT ROWID"), UserFK: r.name == "users"}
		cols, err := q.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, r.name)
		if err != nil {
			return nil, err
		}
		type pkCol struct {
			name string
			n    int
		}
		var pks []pkCol
		for cols.Next() {
			var c column
			var pk int
			if err := cols.Scan(&c.Name, &c.Type, &pk); err != nil {
				cols.Close()
				return nil, err
			}
			c.Type = strings.ToUpper(c.Type)
			t.Cols = append(t.Cols, c)
			if pk > 0 {
				pks = append(pks, pkCol{c.Name, pk})
			}
		}
		cols.Close()
		slices.SortFunc(pks, func(a, b pkCol) int { return a.n - b.n })
		for _, p := range pks {
			t.Key = append(t.Key, p.name)
		}
		fks, err := q.QueryContext(ctx, `SELECT "from", "table" FROM pragma_foreign_key_list(?)`, r.name)
		if err != nil {
			return nil, err
		}
		for fks.Next() {
			var from, to string
			if err := fks.Scan(&from, &to); err != nil {
				fks.Close()
				return nil, err
			}
			switch to {
			case "patients":
				if t.PatientFK == "" && r.name != "patients" {
					t.PatientFK = from
				}
				if !slices.Contains(t.PatientCols, from) {
					t.PatientCols = append(t.PatientCols, from)
				}
			case "users":
				if !slices.Contains(t.UserCols, from) {
					t.UserCols = append(t.UserCols, from)
				}
			}
		}
		fks.Close()
		for _, c := range t.Cols {
			if c.Type == "INTEGER" && slices.Contains(userColumn, c.Name) && !slices.Contains(t.UserCols, c.Name) && t.Name != "users" {
				t.UserCols = append(t.UserCols, c.Name)
			}
		}
		if t.PatientFK == "" && t.Name != "patients" && t.Name != "patient_not_duplicates" {
			for _, c := range t.Cols {
				if c.Name == "patient_id" {
					t.PatientFK = c.Name
					t.PatientCols = append(t.PatientCols, c.Name)
				}
			}
		}
		out = append(out, t)
	}
	// users, practice and patients first; the rest in name order (the import turns foreign keys
	// off until the end, so the order between them does not matter).
	first := map[string]int{"practice": 0, "users": 1, "patients": 2}
	slices.SortStableFunc(out, func(a, b table) int {
		ra, oka := first[a.Name]
		rb, okb := first[b.Name]
		switch {
		case oka && okb:
			return ra - rb
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// selectSQL reads a whole table in a stable order.
func (t *table) selectSQL() string {
	names := make([]string, len(t.Cols))
	for i, c := range t.Cols {
		names[i] = `"` + c.Name + `"`
	}
	order := "rowid"
	if !t.RowID {
		order = strings.Join(t.Key, ", ")
	}
	if t.Name == "users" {
		// Password hashes do not leave the practice: an imported account is disabled until an
		// administrator gives it a new password.
		for i, c := range t.Cols {
			if c.Name == "password_hash" {
				names[i] = `'' AS password_hash`
			}
		}
	}
	return fmt.Sprintf(`SELECT %s FROM "%s" ORDER BY %s`, strings.Join(names, ", "), t.Name, order)
}

// querier is a *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
