// Package immunisations records vaccines given (eHealth IMMU): by the clinic, with the vaccine
// from the formulary, or elsewhere (historical doses the patient brings on a card). A dose
// recorded wrongly is marked entered in error with a reason, never erased.
package immunisations

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

func init() { patients.RegisterOwnedTable("immunisations", "patient_id") }

// Sites and routes: eHealth's code tables (immunisation guide §7).
var (
	Sites     = []string{"LD", "RD", "LA", "RA", "LT", "RT", "LVL", "RVL", "LG", "RG", "LLFA", "RLFA"}
	Routes    = []string{"IM", "SCH", "ID", "IN", "PO", "IV", "TD", "OTH"}
	Providers = []string{"HA", "DH", "Private", "Other"}
)

// Immunisation is one dose.
type Immunisation struct {
	ID          int64
	PatientID   int64
	VisitID     int64
	DrugID      int64
	RPPNo       string // from the formulary, for eHealth's recognised coding
	Vaccine     string
	DoseNumber  string
	GivenOn     string
	BatchNo     string
	Site        string
	Route       string
	GivenBy     string
	Historical  bool
	Provider    string
	Premises    string
	Remarks     string
	Status      string
	ErrorReason string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Key is the eHealth record key.
func (m Immunisation) Key() string { return outbox.Key("IMMU", "immunisations", m.ID) }

// Input is a dose as typed.
type Input struct {
	VisitID    int64
	DrugID     int64
	Vaccine    string // free text for a historical dose of a vaccine not in the formulary
	DoseNumber string
	GivenOn    string
	BatchNo    string
	Site       string
	Route      string
	GivenBy    string
	Historical bool
	Provider   string
	Premises   string
	Remarks    string
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Add records a dose. A dose the clinic gives needs a vaccine of the formulary; a historical one
// may name it in words.
func Add(ctx context.Context, db *store.DB, patientID int64, in Input, today string, by audit.Actor) (Immunisation, error) {
	in.Vaccine, in.DoseNumber, in.BatchNo = strings.TrimSpace(in.Vaccine), strings.TrimSpace(in.DoseNumber), strings.TrimSpace(in.BatchNo)
	in.GivenOn, in.GivenBy, in.Premises, in.Remarks = strings.TrimSpace(in.GivenOn), strings.TrimSpace(in.GivenBy),
		strings.TrimSpace(in.Premises), strings.TrimSpace(in.Remarks)
	var m Immunisation
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var errs clinic.ValidationErrors
		if in.DrugID != 0 {
			d, err := formulary.Get(ctx, tx, in.DrugID)
			if err != nil || !d.IsVaccine {
				errs = append(errs, clinic.Invalid("drug_id", "error.immu.vaccine"))
			} else if in.Vaccine == "" {
				in.Vaccine = d.Label()
			}
		}
		if in.Vaccine == "" || (in.DrugID == 0 && !in.Historical) || utf8.RuneCountInString(in.Vaccine) > 200 {
			errs = append(errs, clinic.Invalid("drug_id", "error.immu.vaccine"))
		}
		if d, err := time.Parse("2006-01-02", in.GivenOn); err != nil || in.GivenOn > today || d.Year() < 1900 {
			errs = append(errs, clinic.Invalid("given_on", "error.immu.date"))
		}
		if in.Site != "" && !has(Sites, in.Site) {
			errs = append(errs, clinic.Invalid("site", "error.immu.site"))
		}
		if in.Route != "" && !has(Routes, in.Route) {
			errs = append(errs, clinic.Invalid("route", "error.immu.route"))
		}
		if in.Historical && in.Provider != "" && !has(Providers, in.Provider) {
			errs = append(errs, clinic.Invalid("provider", "error.immu.provider"))
		}
		if !in.Historical {
			in.Provider = ""
			if in.GivenBy == "" {
				in.GivenBy = by.Username
			}
		}
		if err := errs.Err(); err != nil {
			return err
		}
		var visit, drug any
		if in.VisitID != 0 {
			visit = in.VisitID
		}
		if in.DrugID != 0 {
			drug = in.DrugID
		}
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO immunisations (patient_id, visit_id, drug_id, vaccine, dose_number, given_on,
			batch_no, site, route, given_by, historical, provider, premises, remarks, created_at, created_by, created_by_name, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, patientID, visit, drug, in.Vaccine, in.DoseNumber, in.GivenOn,
			in.BatchNo, in.Site, in.Route, in.GivenBy, in.Historical, in.Provider, in.Premises, in.Remarks, t,
			nullID(by.UserID), by.Username, t)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if m, err = get(ctx, tx, id); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.Change{Key: m.Key(), Domain: "IMMU", Tx: outbox.Insert, PatientID: patientID}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "immunisation", fmt.Sprint(id), patientID, in.Vaccine+" "+in.GivenOn))
	})
	return m, err
}

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// MarkInError marks a dose entered in error with a reason; eHealth receives a delete.
func MarkInError(ctx context.Context, db *store.DB, id int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return clinic.Invalid("reason", "error.immu.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		m, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if m.Status != "active" {
			return clinic.ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `UPDATE immunisations SET status = 'entered_in_error', error_reason = ?, updated_at = ? WHERE id = ?`,
			reason, now(), id); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.Change{Key: m.Key(), Domain: "IMMU", Tx: outbox.Delete, PatientID: m.PatientID, Reason: reason}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "immunisation", fmt.Sprint(id), m.PatientID, "entered in error: "+reason))
	})
}

const columns = `m.id, m.patient_id, COALESCE(m.visit_id,0), COALESCE(m.drug_id,0), COALESCE(d.rpp_no,''), m.vaccine, m.dose_number,
	m.given_on, m.batch_no, m.site, m.route, m.given_by, m.historical, m.provider, m.premises, m.remarks, m.status,
	m.error_reason, m.created_at, m.updated_at`

func scan(row interface{ Scan(...any) error }) (Immunisation, error) {
	var m Immunisation
	var created, updated string
	err := row.Scan(&m.ID, &m.PatientID, &m.VisitID, &m.DrugID, &m.RPPNo, &m.Vaccine, &m.DoseNumber, &m.GivenOn, &m.BatchNo,
		&m.Site, &m.Route, &m.GivenBy, &m.Historical, &m.Provider, &m.Premises, &m.Remarks, &m.Status, &m.ErrorReason,
		&created, &updated)
	m.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	m.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return m, err
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier = formulary.Querier

func get(ctx context.Context, q Querier, id int64) (Immunisation, error) {
	m, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM immunisations m LEFT JOIN drugs d ON d.id = m.drug_id WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, clinic.ErrNotFound
	}
	return m, err
}

// Get reads one dose.
func Get(ctx context.Context, q Querier, id int64) (Immunisation, error) { return get(ctx, q, id) }

// List reads a patient's doses, oldest first, as an immunisation record reads.
func List(ctx context.Context, q Querier, patientID int64) ([]Immunisation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM immunisations m LEFT JOIN drugs d ON d.id = m.drug_id
		WHERE m.patient_id = ? ORDER BY m.given_on, m.id`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Immunisation
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
