package sharing

import (
	"context"
	"errors"
	"net/url"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The encounters and appointments domain (ENC, provisional: no eHealth guide covers it yet)
// holds the bookings of the appointment diary. Their outbox rows come from triggers on the
// appointments table (migration 0004). When the visits feature lands, its visits are the
// encounters proper and join this domain with keys of their own table.

const appointmentsTable = "appointments"

// AppointmentKey is the record key of a booking.
func AppointmentKey(id int64) string {
	return outbox.Key(string(ehrss.DomainEncounter), appointmentsTable, id)
}

// encounterStatus maps a booking's status to FHIR's Encounter.status.
var encounterStatus = map[string]string{
	"booked": "planned", "arrived": "arrived", "cancelled": "cancelled", "no_show": "cancelled",
}

type encounterLoader struct{}

func (encounterLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	list, err := appointments.New(db, nil).ForPatient(ctx, patientID, "")
	if err != nil {
		return nil, err
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = AppointmentKey(a.ID)
	}
	return out, nil
}

func (encounterLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	d := appointments.New(db, nil)
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainEncounter) || table != appointmentsTable {
			continue
		}
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
	return out, nil
}

func init() { RegisterDomain(ehrss.DomainEncounter, encounterLoader{}) }
