package documents_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestIssueNumbersStoresAndReprintsCopies(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Yip", Sex: "M", DOB: "1960", Language: "en"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	render := func(number string) ([]byte, []byte, error) {
		return []byte("original " + number), []byte("COPY " + number), nil
	}
	issue := func(kind, lang string, year int) (documents.Document, []byte, error) {
		return documents.Issue(ctx, db, documents.Document{PatientID: p.ID, Kind: kind, Language: lang,
			Details: map[string]string{"days": "2"}}, year, render, audit.System)
	}
	for _, tc := range []struct {
		kind, lang string
		year       int
		number     string
	}{
		{documents.SickLeave, "both", 2026, "SL-2026-000001"},
		{documents.SickLeave, "en", 2026, "SL-2026-000002"},
		{documents.Attendance, "zh", 2026, "AC-2026-000001"},
		{documents.SickLeave, "en", 2027, "SL-2027-000001"}, // each year starts again
	} {
		d, pdf, err := issue(tc.kind, tc.lang, tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if d.Number != tc.number || string(pdf) != "original "+tc.number {
			t.Errorf("%s %d: %s %q", tc.kind, tc.year, d.Number, pdf)
		}
	}
	for _, bad := range []struct{ kind, lang, key string }{{"prescription", "en", "error.documents.kind"}, {documents.SickLeave, "fr", "error.documents.language"}} {
		var ve *clinic.ValidationError
		if _, _, err := issue(bad.kind, bad.lang, 2026); !errors.As(err, &ve) || ve.Key != bad.key {
			t.Errorf("%s/%s: %v", bad.kind, bad.lang, err)
		}
	}
	// A rendering that fails hands out no number.
	if _, _, err := documents.Issue(ctx, db, documents.Document{PatientID: p.ID, Kind: documents.Referral, Language: "en"}, 2026,
		func(string) ([]byte, []byte, error) { return nil, nil, errors.New("no font") }, audit.System); err == nil {
		t.Fatal("a failed rendering was stored")
	}
	d, _, _ := issue(documents.Referral, "en", 2026)
	if d.Number != "RF-2026-000001" {
		t.Errorf("after a failed rendering the number is %s", d.Number)
	}
	got, copy1, err := documents.Reprint(ctx, db, 1, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	_, copy2, _ := documents.Reprint(ctx, db, 1, audit.System)
	if string(copy1) != "COPY SL-2026-000001" || string(copy1) != string(copy2) || got.Prints != 2 || got.Details["days"] != "2" {
		t.Errorf("reprint: %+v %q %q", got, copy1, copy2)
	}
	var prints int
	if err := db.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'print' AND entity = 'document'`).Scan(&prints); err != nil {
		t.Fatal(err)
	}
	if prints != 5+2 {
		t.Errorf("%d prints audited, want 7", prints)
	}
	if _, _, err := documents.Reprint(ctx, db, 999, audit.System); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("reprint of nothing: %v", err)
	}
}
