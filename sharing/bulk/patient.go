package bulk

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// PatientSection is one table's records of a patient, for the printable copy.
type PatientSection struct {
	Table   string
	Type    string
	Columns []string
	Rows    [][]string
}

// PatientCopy is everything on file about one patient: the FHIR bundle a patient may ask for
// under the privacy law, and the same records as sections for the printed copy.
type PatientCopy struct {
	Bundle   fhir.Bundle
	Sections []PatientSection
}

// notForPatient are columns that are the practice's bookkeeping rather than the patient's data.
var notForPatient = map[string]bool{"name_key": true, "doc_key": true, "version": true, "pdf": true, "pdf_copy": true}

// CopyForPatient gathers every record of a patient (a merged-away duplicate's too) from every
// table that names a patient, in one snapshot. The caller audits it.
func CopyForPatient(ctx context.Context, db *store.DB, patientID int64, now time.Time) (PatientCopy, error) {
	out := PatientCopy{Bundle: fhir.Bundle{Type: "collection", Timestamp: now.UTC().Format(time.RFC3339),
		ID: fmt.Sprintf("patient-%d-%d", patientID, now.Unix())}}
	err := db.Read(ctx, func(tx *sql.Tx) error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM patients WHERE id = ?`, patientID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return clinic.ErrNotFound
		}
		tables, err := readSchema(ctx, tx)
		if err != nil {
			return err
		}
		for i := range tables {
			t := &tables[i]
			col := t.PatientFK
			if t.Name == "patients" {
				col = "id"
			}
			if col == "" || t.Name == "patient_merge_moves" {
				continue
			}
			q := t.selectSQL()
			q = q[:len(q)-len(" ORDER BY ")-len(orderOf(t))] + ` WHERE "` + col + `" = ? ORDER BY ` + orderOf(t)
			if err := copyTable(ctx, tx, t, q, patientID, &out); err != nil {
				return fmt.Errorf("%s: %w", t.Name, err)
			}
		}
		return nil
	})
	sort.SliceStable(out.Sections, func(i, j int) bool { return out.Sections[i].Table == "patients" && out.Sections[j].Table != "patients" })
	return out, err
}

func orderOf(t *table) string {
	if t.RowID {
		return "rowid"
	}
	s := ""
	for i, k := range t.Key {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}

func copyTable(ctx context.Context, tx *sql.Tx, t *table, q string, patientID int64, out *PatientCopy) error {
	rows, err := tx.QueryContext(ctx, q, patientID)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(t.Cols))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	sec := PatientSection{Table: t.Name, Type: resourceTypeOf(t.Name)}
	for _, c := range t.Cols {
		if !notForPatient[c.Name] && c.Name != "password_hash" {
			sec.Columns = append(sec.Columns, c.Name)
		}
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		n++
		r := row{t: t, vals: map[string]any{}}
		for i, c := range t.Cols {
			r.vals[c.Name] = vals[i]
		}
		logical := resourceID(t.Name, int64(n))
		if t.RowID && r.has("id") {
			logical = resourceID(t.Name, r.int("id"))
		}
		res := build(r, logical)
		stored := map[string]any{}
		line := make([]string, 0, len(sec.Columns))
		for _, c := range sec.Columns {
			stored[c] = r.vals[c]
			line = append(line, r.str(c))
		}
		rowJSON, err := json.Marshal(rowRecord{Table: t.Name, Row: stored})
		if err != nil {
			return err
		}
		body, err := json.Marshal(res)
		if err != nil {
			return err
		}
		body, err = splice(body, map[string]any{"extension": []fhir.Extension{{URL: RowExtension, ValueString: string(rowJSON)}}})
		if err != nil {
			return err
		}
		out.Bundle.Entry = append(out.Bundle.Entry, fhir.BundleEntry{FullURL: "urn:onramp:" + res.ResourceType() + "/" + logical,
			Resource: rawResource{typ: res.ResourceType(), id: logical, body: body}})
		sec.Rows = append(sec.Rows, line)
	}
	if len(sec.Rows) > 0 {
		out.Sections = append(out.Sections, sec)
	}
	return rows.Err()
}

// rawResource is a resource already marshalled.
type rawResource struct {
	typ, id string
	body    []byte
}

func (r rawResource) ResourceType() string         { return r.typ }
func (r rawResource) ResourceID() string           { return r.id }
func (r rawResource) MarshalJSON() ([]byte, error) { return r.body, nil }
