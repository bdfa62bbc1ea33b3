package sharing

import (
	"context"
	"database/sql"

	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Anatomical pathology results (LABAP). A request's rows of the category PATH are one record,
// under the request's LABAP key, so a request that also holds general tests is two records as
// eHealth keeps them. The guide's mandatory report authorisation time and pathology test name
// are copied from the printed report onto the request (migration 0009); without them the rows
// stay in the clinic.
//
// Levels (LABAP §3): a row with a value is a diagnosis with its title as the clinic wrote it
// ("Diagnosis", "Frozen section") and the text as the report gives it (level 2; level 3 needs
// an HKCTT-coded finding, which the clinic does not record); a report file alone is level 1
// with the PDF.

// labReport makes the pathology record from its rows in force, oldest first: what it shares
// with a general report (request, status, times, PDF, encounter) is made as for LABGEN; each
// row with a value becomes a diagnosis instead of a test.
func labReport(ctx context.Context, db *store.DB, files results.Store, key string, rows []results.Result) (ehrss.LabReport, error) {
	gen, err := labResult(ctx, db, files, key, rows)
	if err != nil {
		return ehrss.LabReport{}, err
	}
	last := rows[len(rows)-1]
	l := ehrss.LabReport{LabCommon: gen.LabCommon, TestName: last.APTestName}
	l.AuthorisedTime = results.CollectedTime(last.AuthorisedAt)
	l.PanelDesc = panelDesc([]string{last.APTestName})
	for _, r := range rows {
		if r.Value != "" {
			l.Diagnoses = append(l.Diagnoses, ehrss.APDiagnosis{Title: r.Test, Text: r.Value})
		}
	}
	return l, nil
}

func init() {
	RegisterDomain(ehrss.DomainLabAP, requestLoader{
		domain: ehrss.DomainLabAP, keyOf: results.RequestKeyAP,
		idsOf: func(ctx context.Context, db *sql.DB, patientID int64) ([]int64, error) {
			return results.RequestsOfAP(ctx, db, patientID)
		},
		mine: func(r results.Result) bool { return r.Category == results.Pathology },
		build: func(ctx context.Context, db *store.DB, files results.Store, key string, live []results.Result) (any, error) {
			return labReport(ctx, db, files, key, live)
		},
		gone: func(c ehrss.LabCommon) any { return ehrss.LabReport{LabCommon: c} },
	})
}
