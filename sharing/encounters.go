package sharing

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The encounters and appointments domain (ENC, provisional: no eHealth guide covers it yet)
// holds two kinds of record, told apart by the table in their key:
//
//   - visits: a signed visit is the encounter proper. It carries the episode number that its
//     diagnoses (PROB), procedures (PX) and results name their Encounter by, its type, date and
//     doctor. clinic/visits writes its outbox rows when the note is signed and when a signed
//     visit is entered in error (a delete). A draft is not shared: it may still be abandoned.
//   - appointments: the bookings of the diary, planned encounters. Their outbox rows come from
//     triggers on the appointments table (migration 0004). They stay: a booking is what eHealth
//     calls an appointment, and a patient who never arrives has no visit to stand for it.

const (
	appointmentsTable = "appointments"
	visitsTable       = "visits"
)

// AppointmentKey is the record key of a booking.
func AppointmentKey(id int64) string {
	return outbox.Key(string(ehrss.DomainEncounter), appointmentsTable, id)
}

// encounterStatus maps a booking's status to FHIR's Encounter.status.
var encounterStatus = map[string]string{
	"booked": "planned", "arrived": "arrived", "cancelled": "cancelled", "no_show": "cancelled",
}

// visitTypeDesc is the English description sent with a visit type's local code.
var visitTypeDesc = map[string]string{
	visits.TypeConsultation: "Consultation", visits.TypeFollowUp: "Follow-up",
	visits.TypeVaccination: "Vaccination", visits.TypeProcedure: "Procedure", visits.TypeOther: "Other",
}

// hongKong is the clinic's zone: a visit's date is a day in Hong Kong.
var hongKong = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Hong_Kong"); err == nil {
		return loc
	}
	return time.FixedZone("HKT", 8*3600)
}()

type encounterLoader struct{}

func (encounterLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	list, err := appointments.New(db, nil).ForPatient(ctx, patientID, "")
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, AppointmentKey(a.ID))
	}
	ids, err := visits.EncountersOf(ctx, db.R, patientID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out = append(out, visits.EncounterKey(id))
	}
	return out, nil
}

func (encounterLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	d := appointments.New(db, nil)
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainEncounter) {
			continue
		}
		switch table {
		case visitsTable:
			l, found, err := loadVisitEncounter(ctx, db, k, id)
			if err != nil {
				return nil, err
			}
			if found {
				out[k] = l
			}
		case appointmentsTable:
			a, err := d.Get(ctx, id)
			if errors.Is(err, clinic.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[k] = Loaded{
				PatientID: a.PatientID,
				Item: ehrss.EncounterRecord{
					Record: ehrss.Record{RecordKey: k},
					Status: encounterStatus[a.Status], Start: a.Start, End: a.End,
				},
				FixURL: "/appointments?day=" + url.QueryEscape(a.Day),
			}
		}
	}
	return out, nil
}

// loadVisitEncounter reads a visit as an encounter record. A draft is not found (it was never
// sent, or the key would not be asked for); a visit entered in error is a delete with its reason.
func loadVisitEncounter(ctx context.Context, db *store.DB, key string, id int64) (Loaded, bool, error) {
	v, err := visits.Get(ctx, db.R, id)
	if errors.Is(err, clinic.ErrNotFound) {
		return Loaded{}, false, nil
	}
	if err != nil {
		return Loaded{}, false, err
	}
	if v.SignedAt.IsZero() {
		return Loaded{}, false, nil
	}
	rec := ehrss.Record{RecordKey: key, RecordTime: v.UpdatedAt, CreatedTime: v.SignedAt, EncounterKey: v.EpisodeNo}
	if rec.RecordTime.Before(rec.CreatedTime) {
		rec.RecordTime = rec.CreatedTime
	}
	item := ehrss.EncounterRecord{Record: rec, Status: "finished", TypeCode: v.Type, TypeDesc: visitTypeDesc[v.Type],
		DoctorName: v.DoctorName, DoctorRegNo: v.DoctorMCR}
	if item.TypeDesc == "" {
		item.TypeDesc = v.Type
	}
	if day, err := time.ParseInLocation(time.DateOnly, v.Date, hongKong); err == nil {
		rec.EncounterDate = day
		item.EncounterDate = day
		// Opened that day: the real time. Entered later (a visit written up afterwards): the day.
		item.Start = day
		if opened := v.CreatedAt.In(hongKong); opened.Format(time.DateOnly) == v.Date {
			item.Start = opened
		}
	}
	return Loaded{PatientID: v.PatientID, Deleted: v.InError(), DeleteReason: v.ErrorReason, Item: item,
		FixURL: fmt.Sprintf("/visits/%d", v.ID)}, true, nil
}

func init() { RegisterDomain(ehrss.DomainEncounter, encounterLoader{}) }
