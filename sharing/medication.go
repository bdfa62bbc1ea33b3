package sharing

import (
	"context"
	"errors"
	"fmt"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/immunisations"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Allergies (AL1), adverse drug reactions (ADR) and immunisations (IMMU) from the medication
// feature. Their outbox rows are written by clinic/allergies and clinic/immunisations in the
// same transaction as the change. An inactivated allergy and a dose entered in error are loaded
// as deleted with their reason: eHealth has no "inactive" allergy.

var allergenTypes = map[string]string{
	allergies.TypeDrug: "Drug", allergies.TypeNonDrug: "Non-drug", allergies.TypeUnclassified: "Unclassify",
}

type allergyLoader struct{ kind string }

func (l allergyLoader) domain() ehrss.Domain {
	if l.kind == allergies.KindADR {
		return ehrss.DomainADR
	}
	return ehrss.DomainAllergy
}

func (l allergyLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	list, err := allergies.List(ctx, db.R, patientID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range list {
		if a.Kind == l.kind {
			out = append(out, a.Key())
		}
	}
	return out, nil
}

func (l allergyLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(l.domain()) || table != "allergies" {
			continue
		}
		a, err := allergies.Get(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		item := ehrss.Allergy{
			Record:       ehrss.Record{RecordKey: k, RecordTime: a.UpdatedAt, CreatedTime: a.CreatedAt},
			AllergenCode: fmt.Sprint(a.DrugID), AllergenDesc: a.Allergen,
			AllergenType: allergenTypes[a.AllergenType], Certainty: a.Certainty, Severity: a.Severity,
			Onset: a.Onset, Remarks: a.Remarks, Inactive: !a.Active(),
		}
		if a.DrugID == 0 {
			item.AllergenCode = ""
		} else if d, err := formulary.Get(ctx, db.R, a.DrugID); err == nil {
			item.AllergenCode = d.LocalCode
			if d.RPPNo != "" {
				item.Terminology, item.TermCode, item.TermDesc = "RPP", d.RPPNo, d.Label()
			}
		}
		if a.ReactionCode != "" || a.Reaction != "" {
			item.Reactions = []ehrss.Reaction{{Code: a.ReactionCode, Desc: a.Reaction}}
		}
		out[k] = Loaded{PatientID: a.PatientID, Deleted: !a.Active(), DeleteReason: a.InactiveReason, Item: item,
			FixURL: fmt.Sprintf("/patients/%d/allergies", a.PatientID)}
	}
	return out, nil
}

type immunisationLoader struct{}

func (immunisationLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	list, err := immunisations.List(ctx, db.R, patientID)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m.Key()
	}
	return out, nil
}

func (immunisationLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainImmunisation) || table != "immunisations" {
			continue
		}
		m, err := immunisations.Get(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		item := ehrss.Immunisation{
			Record:      ehrss.Record{RecordKey: k, RecordTime: m.UpdatedAt, CreatedTime: m.CreatedAt},
			VaccineCode: fmt.Sprint(m.DrugID), VaccineDesc: m.Vaccine, Date: m.GivenOn, DoseNumber: m.DoseNumber,
			Batch: m.BatchNo, Site: m.Site, Route: m.Route, GivenElsewhere: m.Historical, Provider: m.Provider,
			Premises: m.Premises, RecordNumber: fmt.Sprint(m.ID), Remark: m.Remarks,
		}
		if m.DrugID == 0 {
			item.VaccineCode = ""
		}
		if m.RPPNo != "" {
			item.Terminology, item.TermCode, item.TermDesc = "RPP", m.RPPNo, m.Vaccine
		}
		deleted := m.Status != "active"
		out[k] = Loaded{PatientID: m.PatientID, Deleted: deleted, DeleteReason: m.ErrorReason, Item: item,
			FixURL: fmt.Sprintf("/patients/%d/immunisations", m.PatientID)}
	}
	return out, nil
}

func init() {
	RegisterDomain(ehrss.DomainAllergy, allergyLoader{kind: allergies.KindAllergy})
	RegisterDomain(ehrss.DomainADR, allergyLoader{kind: allergies.KindADR})
	RegisterDomain(ehrss.DomainImmunisation, immunisationLoader{})
}
