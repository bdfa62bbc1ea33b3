package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/store"
)

// The documents step (Order 60): visit summaries for one signed visit in twenty-five and
// referral letters for one in forty, issued through clinic/documents as the visit page issues
// them (numbered, stored, audited, and put in the eHealth outbox). The demo's PDFs are a plain
// page: clinic code does not draw documents (ui/print does, for the screens).
func init() {
	Register(Step{Name: "documents", Order: 60, Run: Documents})
}

// demoDocumentPDF stands in for a printed summary or letter.
const demoDocumentPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 420 595]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// maxDemoDocuments bounds the step: each document is its own transaction.
const maxDemoDocuments = 400

// Documents issues the demo's summaries and referral letters. A practice that already has
// documents is left alone.
func Documents(ctx context.Context, db *store.DB, o Options) error {
	var have int
	if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents)`).Scan(&have); err != nil || have == 1 {
		return err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, patient_id, visit_date FROM visits
		WHERE status = 'signed' AND (id % 25 = 0 OR id % 40 = 0) ORDER BY id LIMIT ?`, maxDemoDocuments)
	if err != nil {
		return err
	}
	type visit struct {
		id, patient int64
		date        string
	}
	var todo []visit
	for rows.Next() {
		var v visit
		if err := rows.Scan(&v.id, &v.patient, &v.date); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	render := func(string) ([]byte, []byte, error) { return []byte(demoDocumentPDF), []byte(demoDocumentPDF), nil }
	for _, v := range todo {
		year, _ := strconv.Atoi(v.date[:4])
		d := documents.Document{VisitID: v.id, PatientID: v.patient, Kind: documents.VisitSummary, Language: "both",
			Details: map[string]string{"summary": "Seen and treated; see the visit note."}}
		if v.id%40 == 0 {
			d.Kind, d.Language = documents.Referral, "en"
			d.Details = map[string]string{"to": "Specialist Out-patient Clinic", "reason": "For further assessment."}
		}
		if _, _, err := documents.Issue(ctx, db, d, year, render, Actor); err != nil {
			return fmt.Errorf("document for visit %d: %w", v.id, err)
		}
	}
	return nil
}
