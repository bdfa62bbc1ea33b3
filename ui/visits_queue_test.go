package ui

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/onramp-hk/onramp/clinic/queue"
)

// The queue follows the consultation: "next patient" puts the patient with the doctor, and so
// does a doctor opening a waiting ticket's consultation from the queue list (a nurse opening it
// calls nobody in); signing sends the patient to "waiting for medicine and payment".
func TestConsultationMovesTheQueue(t *testing.T) {
	cs := newConsultation(t)
	ctx := context.Background()
	q := queue.New(cs.tc.db, nil)
	state := func(id int64) string {
		t.Helper()
		a, err := q.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a.State
	}
	checkIn := func(patient int64) int64 {
		t.Helper()
		if resp, body := cs.clerk.post("/queue", url.Values{"patient": {strconv.FormatInt(patient, 10)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("check-in: %d %s", resp.StatusCode, body)
		}
		var id int64
		if err := cs.tc.db.R.QueryRow(`SELECT MAX(id) FROM attendances`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	cs.clerk.get("/queue")
	cs.doctor.get("/queue")
	cs.nurse.get("/queue")

	// "Next patient", then the signature.
	visitID := cs.openFromQueue(t)
	var first int64
	if err := cs.tc.db.R.QueryRow(`SELECT attendance_id FROM visits WHERE id = ?`, visitID).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if s := state(first); s != queue.WithDoctor {
		t.Fatalf("after next patient: %q", s)
	}
	v := cs.visit(t, visitID)
	if resp, body := cs.doctor.post(cs.visitPath(visitID)+"/sign", note(v.Version, "Sore throat", "Fluids")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", resp.StatusCode, body)
	}
	if s := state(first); s != queue.AwaitingMedicinePayment {
		t.Fatalf("after signing: %q, want %q", s, queue.AwaitingMedicinePayment)
	}

	// A waiting ticket opened by a nurse stays waiting; opened by the doctor, it is called in.
	second := checkIn(addPatients(t, cs.tc, 1)[0])
	open := "/visits/new?attendance=" + strconv.FormatInt(second, 10)
	if resp, _ := cs.nurse.get(open); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("nurse opens the consultation: %d", resp.StatusCode)
	}
	if s := state(second); s != queue.Waiting {
		t.Fatalf("after the nurse opened it: %q", s)
	}
	if resp, _ := cs.doctor.get(open); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("doctor opens the consultation: %d", resp.StatusCode)
	}
	if s := state(second); s != queue.WithDoctor {
		t.Fatalf("after the doctor opened it: %q", s)
	}
}
