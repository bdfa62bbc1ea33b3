package visits

import (
	"context"
	"strings"
)

// Filter narrows a patient's timeline; zero values match everything.
type Filter struct {
	Type      string
	DoctorID  int64
	Diagnosis string // a term code, or words of a diagnosis's text
	Limit     int    // 0: 200
}

// Entry is one visit on the timeline, with its diagnoses in one line.
type Entry struct {
	Visit
	Diagnoses string // "Acute pharyngitis; Essential hypertension"
}

// Timeline lists a patient's visits, newest first, through the visits_patient index (a patient
// with hundreds of visits is one index range, not a scan).
func Timeline(ctx context.Context, q Querier, patientID int64, f Filter) ([]Entry, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	where := []string{"v.patient_id = ?"}
	args := []any{patientID}
	if f.Type != "" {
		where, args = append(where, "v.type = ?"), append(args, f.Type)
	}
	if f.DoctorID != 0 {
		where, args = append(where, "v.doctor_id = ?"), append(args, f.DoctorID)
	}
	if d := strings.TrimSpace(f.Diagnosis); d != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(d)) + "%"
		where = append(where, `EXISTS (SELECT 1 FROM visit_diagnoses d WHERE d.visit_id = v.id AND d.status = 'ok'
			AND (d.code = ? COLLATE NOCASE OR lower(d.text_en) LIKE ? ESCAPE '\' OR d.text_zh LIKE ? ESCAPE '\'))`)
		args = append(args, d, like, like)
	}
	args = append(args, f.Limit)
	rows, err := q.QueryContext(ctx, `SELECT `+visitColumns+`,
		COALESCE((SELECT group_concat(text_en, '; ') FROM (SELECT text_en FROM visit_diagnoses d
			WHERE d.visit_id = v.id AND d.status = 'ok' ORDER BY d.principal DESC, d.id)), '')`+visitFrom+`
		WHERE `+strings.Join(where, " AND ")+` ORDER BY v.visit_date DESC, v.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var diag string
		v, err := scanVisit(scanWith{rows, &diag})
		if err != nil {
			return nil, err
		}
		e.Visit, e.Diagnoses = v, diag
		out = append(out, e)
	}
	return out, rows.Err()
}

// scanWith adds trailing columns to a visit scan.
type scanWith struct {
	row   rowScanner
	extra *string
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra)...) }
