package documents

import (
	"context"
	"database/sql"

	"github.com/onramp-hk/onramp/clinic/outbox"
)

// Visit summaries and referral letters are records eHealth may hold (provisional domains CLN
// and REF): when one is issued, its outbox row is written in the same transaction. Certificates
// (sick leave, attendance) are not clinical records and stay in the clinic. A document is
// never changed after it is issued (a reprint is a copy of the same document), so an insert is
// the only change there is.

// Domains of the shared kinds.
var shareDomains = map[string]string{VisitSummary: "CLN", Referral: "REF"}

// ShareDomain is the eHealth data domain of a kind of document, "" for one not shared.
func ShareDomain(kind string) string { return shareDomains[kind] }

// Key is the record key of a shared document, "" for a kind not shared.
func Key(kind string, id int64) string {
	d := shareDomains[kind]
	if d == "" {
		return ""
	}
	return outbox.Key(d, "documents", id)
}

func share(ctx context.Context, tx *sql.Tx, d Document) error {
	dom := shareDomains[d.Kind]
	if dom == "" {
		return nil
	}
	return outbox.Record(ctx, tx, outbox.Change{Key: Key(d.Kind, d.ID), Domain: dom, Tx: outbox.Insert, PatientID: d.PatientID, At: d.CreatedAt})
}

// PDF returns the document's original PDF, as first printed.
func PDF(ctx context.Context, q querier, id int64) ([]byte, error) {
	var pdf []byte
	err := q.QueryRowContext(ctx, `SELECT pdf FROM documents WHERE id = ?`, id).Scan(&pdf)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	return pdf, err
}

// ForPatient lists a patient's documents of the given kinds, the first first.
func ForPatient(ctx context.Context, q querier, patientID int64, kinds ...string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM documents WHERE patient_id = ? ORDER BY id`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	var out []Document
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, err
		}
		if len(want) == 0 || want[d.Kind] {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}
