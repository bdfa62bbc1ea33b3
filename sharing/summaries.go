package sharing

import (
	"context"
	"errors"
	"fmt"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Clinical summaries (CLN) and referrals (REF), both provisional: the visit summaries and
// referral letters a visit issued, each carrying the PDF as first printed. clinic/documents
// writes the insert's outbox row when the document is issued; an issued document never changes.
// A document of a visit later entered in error is withdrawn with it (a delete): what it says
// belongs to the wrong patient or never happened.

const documentsTable = "documents"

type documentLoader struct {
	domain ehrss.Domain
	kind   string
}

func (l documentLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	list, err := documents.ForPatient(ctx, db.R, patientID, l.kind)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, d := range list {
		out = append(out, documents.Key(d.Kind, d.ID))
	}
	return out, nil
}

func (l documentLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(l.domain) || table != documentsTable {
			continue
		}
		d, err := documents.Get(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if d.Kind != l.kind {
			continue
		}
		pdf, err := documents.PDF(ctx, db.R, id)
		if err != nil {
			return nil, err
		}
		rec := ehrss.Record{RecordKey: k, CreatedTime: d.CreatedAt, RecordTime: d.CreatedAt}
		loaded := Loaded{PatientID: d.PatientID, FixURL: fmt.Sprintf("/patients/%d", d.PatientID)}
		if d.VisitID != 0 {
			loaded.FixURL = fmt.Sprintf("/visits/%d", d.VisitID)
			v, err := visits.Get(ctx, db.R, d.VisitID)
			if err != nil && !errors.Is(err, clinic.ErrNotFound) {
				return nil, err
			}
			if err == nil && v.InError() {
				loaded.Deleted, loaded.DeleteReason = true, v.ErrorReason
				if v.UpdatedAt.After(rec.RecordTime) {
					rec.RecordTime = v.UpdatedAt
				}
			}
		}
		loaded.Item = ehrss.DocumentRecord{Record: rec, Kind: d.Kind, Number: d.Number, Language: d.Language,
			Issued: d.CreatedAt, PDF: pdf}
		out[k] = loaded
	}
	return out, nil
}

func init() {
	RegisterDomain(ehrss.DomainSummary, documentLoader{domain: ehrss.DomainSummary, kind: documents.VisitSummary})
	RegisterDomain(ehrss.DomainReferral, documentLoader{domain: ehrss.DomainReferral, kind: documents.Referral})
}
