package prescribing

import (
	"context"
	"database/sql"

	"github.com/onramp-hk/onramp/clinic/outbox"
)

// A prescribed item is a medication record eHealth may hold (domain MED, provisional): its
// outbox rows are written in the same transaction as the change, when it is prescribed, handed
// over or returned, and cancelled (a delete, with the reason).

// DomainMedication is the provisional eHealth data domain of prescribed items.
const DomainMedication = "MED"

// ItemKey is the record key of a prescribed item for its whole life.
func ItemKey(id int64) string { return outbox.Key(DomainMedication, "prescription_items", id) }

// Key is the item's record key.
func (i Item) Key() string { return ItemKey(i.ID) }

func shareItem(ctx context.Context, tx *sql.Tx, id, patientID int64, t outbox.TxType, reason string) error {
	return outbox.Record(ctx, tx, outbox.Change{Key: ItemKey(id), Domain: DomainMedication, Tx: t, PatientID: patientID, Reason: reason})
}
