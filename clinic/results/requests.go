package results

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/onramp-hk/onramp/clinic/outbox"
)

// A laboratory request is what eHealth keeps as one record (LABGEN): every test the laboratory
// reported under the request number on its slip. The clinic keeps one row per test; the
// lab_requests row gives the request the id its record key is made of.

// Domain is eHealth's data domain of general laboratory results.
const Domain = "LABGEN"

// DomainAP is eHealth's data domain of anatomical pathology results: rows of the category
// Pathology are shared there, under their own key, whatever else the request holds.
const DomainAP = "LABAP"

// Pathology is the laboratory category code of anatomical pathology (LABAP guide §4.3.4).
const Pathology = "PATH"

// DomainOf is the eHealth domain a row of this category is shared in.
func DomainOf(category string) string {
	if category == Pathology {
		return DomainAP
	}
	return Domain
}

// KeyOf is the record key of the request's rows of this category.
func KeyOf(requestID int64, category string) string {
	return outbox.Key(DomainOf(category), "lab_requests", requestID)
}

// RequestKeyAP is the eHealth record key of a request's pathology report, stable for its life.
func RequestKeyAP(requestID int64) string { return outbox.Key(DomainAP, "lab_requests", requestID) }

// shareableSQL is Result.Shareable in SQL, over the results table.
const shareableSQL = `request_id IS NOT NULL AND category != '' AND report_status != '' AND collected_at != ''
	AND (category != 'PATH' OR EXISTS (SELECT 1 FROM lab_requests q WHERE q.id = results.request_id
		AND q.authorised_at != '' AND q.ap_test_name != ''))`

// hkt is Hong Kong time, in which collection times are typed and kept.
var hkt = time.FixedZone("HKT", 8*3600)

// RequestKey is the eHealth record key of a laboratory request, stable for its life.
func RequestKey(requestID int64) string { return outbox.Key(Domain, "lab_requests", requestID) }

// CollectedTime parses a kept collection time; zero when there is none.
func CollectedTime(s string) time.Time {
	t, err := time.ParseInLocation(CollectedLayout, s, hkt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// requestFor finds or makes the patient's request with this number; 0 without a number. A
// pathology report's authorisation time and test name, when typed, are kept on the request
// (they are the report's, not one row's): see keepReportDetails for an existing request.
func requestFor(ctx context.Context, tx *sql.Tx, patientID int64, no, authorisedAt, apTestName string) (id int64, created bool, err error) {
	if no == "" {
		return 0, false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT id FROM lab_requests WHERE patient_id = ? AND request_no = ?`, patientID, no).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO lab_requests (patient_id, request_no, created_at, authorised_at, ap_test_name)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, patientID, no, now(), authorisedAt, apTestName).Scan(&id)
	return id, true, err
}

// keepReportDetails copies a pathology report's authorisation time and test name onto an
// existing request; a blank one leaves what was copied before.
func keepReportDetails(ctx context.Context, tx *sql.Tx, requestID int64, authorisedAt, apTestName string) error {
	if requestID == 0 || authorisedAt+apTestName == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE lab_requests SET authorised_at = COALESCE(NULLIF(?, ''), authorised_at),
		ap_test_name = COALESCE(NULLIF(?, ''), ap_test_name) WHERE id = ?`, authorisedAt, apTestName, requestID)
	return err
}

// hadShareable reports whether the request has a shareable row in force other than except, in
// the same eHealth domain as the category.
func hadShareable(ctx context.Context, tx *sql.Tx, requestID, except int64, category string) bool {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM results WHERE request_id = ? AND id != ? AND status = 'ok'
		AND (category = 'PATH') = ? AND `+shareableSQL, requestID, except, category == Pathology).Scan(&n)
	return err == nil && n > 0
}

// RequestsOf lists the ids of the patient's requests that have, or had, a shareable general
// laboratory row: the LABGEN records eHealth may hold of the patient.
func RequestsOf(ctx context.Context, q querier, patientID int64) ([]int64, error) {
	return requestsOf(ctx, q, patientID, false)
}

// RequestsOfAP lists the ids of the patient's requests that have, or had, a shareable
// pathology row: the LABAP records eHealth may hold of the patient.
func RequestsOfAP(ctx context.Context, q querier, patientID int64) ([]int64, error) {
	return requestsOf(ctx, q, patientID, true)
}

func requestsOf(ctx context.Context, q querier, patientID int64, pathology bool) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT request_id FROM results WHERE patient_id = ? AND (category = 'PATH') = ?
		AND `+shareableSQL+` ORDER BY request_id`, patientID, pathology)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ForRequest lists a request's rows, withdrawn ones included, oldest first.
func ForRequest(ctx context.Context, q querier, requestID int64) ([]Result, error) {
	return list(ctx, q, `request_id = ? ORDER BY id`, requestID)
}
