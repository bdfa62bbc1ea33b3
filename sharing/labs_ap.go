package sharing

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/onramp-hk/onramp/clinic/outbox"
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

type labAPLoader struct{}

func (labAPLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	ids, err := results.RequestsOfAP(ctx, db.R, patientID)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = results.RequestKeyAP(id)
	}
	return out, err
}

func (labAPLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	files := results.Store{Dir: filepath.Join(filepath.Dir(db.Path), "files")}
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainLabAP) || table != "lab_requests" {
			continue
		}
		rows, err := results.ForRequest(ctx, db.R, id)
		if err != nil {
			return nil, err
		}
		var live, gone []results.Result
		for _, r := range rows {
			switch {
			case r.Category != results.Pathology || !r.Shareable():
			case r.InError():
				gone = append(gone, r)
			default:
				live = append(live, r)
			}
		}
		if len(live)+len(gone) == 0 {
			continue // never shareable: eHealth never had it
		}
		if len(live) == 0 {
			last := gone[len(gone)-1]
			out[k] = Loaded{PatientID: last.PatientID, Deleted: true, DeleteReason: last.ErrorReason,
				Item:   ehrss.LabReport{LabCommon: ehrss.LabCommon{Record: ehrss.Record{RecordKey: k}, RequestNo: last.RequestNo}},
				FixURL: fmt.Sprintf("/visits/%d#results", last.VisitID)}
			continue
		}
		item, err := labReport(ctx, db, files, k, live)
		if err != nil {
			return nil, err
		}
		last := live[len(live)-1]
		out[k] = Loaded{PatientID: last.PatientID, Item: item, FixURL: fmt.Sprintf("/visits/%d#results", last.VisitID)}
	}
	return out, nil
}

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
	RegisterDomain(ehrss.DomainLabAP, labAPLoader{})
}
