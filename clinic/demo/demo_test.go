package demo

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/hkid"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestPatients(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	const n = 5000
	if err := Patients(ctx, db, n, 42, "D"); err != nil {
		t.Fatal(err)
	}
	var count, withDoc, bc, yearOnly, monthOnly, consent, badMobile int
	rows, err := db.R.QueryContext(ctx, `SELECT doc_type, COALESCE(doc_number,''), dob_precision, consent, COALESCE(mobile,'') FROM patients`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ, num, prec, cons, mobile string
		if err := rows.Scan(&typ, &num, &prec, &cons, &mobile); err != nil {
			t.Fatal(err)
		}
		count++
		if typ == patients.DocHKID || typ == patients.DocBirthCert {
			withDoc++
			if _, err := hkid.Parse(num); err != nil {
				t.Errorf("made-up HKID %s: %v", num, err)
			}
		}
		if typ == patients.DocBirthCert {
			bc++
		}
		switch prec {
		case "Y":
			yearOnly++
		case "M":
			monthOnly++
		}
		if cons == patients.ConsentGiven {
			consent++
		}
		if len(mobile) != 8 || (mobile[0] != '5' && mobile[0] != '6' && mobile[0] != '9') {
			badMobile++
		}
	}
	rows.Close()
	t.Logf("%d patients, %d HKID/BC (%d BC), %d year-only, %d month-only DOB, %d with consent", count, withDoc, bc, yearOnly, monthOnly, consent)
	if count != n || withDoc < n*9/10 || bc == 0 || yearOnly == 0 || monthOnly == 0 || consent == 0 || badMobile > 0 {
		t.Errorf("unrealistic mix: %d patients, %d HKIDs, %d BC, %d/%d partial DOB, %d consents, %d bad mobiles",
			count, withDoc, bc, yearOnly, monthOnly, consent, badMobile)
	}
	res, err := patients.Search(ctx, db.R, "chan", 5)
	if err != nil || len(res) != 5 {
		t.Errorf("search chan: %d results, %v", len(res), err)
	}
	res, err = patients.Search(ctx, db.R, "陳", 5)
	if err != nil || len(res) != 5 {
		t.Errorf("search 陳: %d results, %v", len(res), err)
	}
	dups, err := patients.LikelyDuplicates(ctx, db.R, 100)
	if err != nil || len(dups) == 0 {
		t.Errorf("likely duplicates: %d, %v", len(dups), err)
	}
	// The same seed gives the same patients; a second run on the same database still works.
	if err := Patients(ctx, db, 100, 42, "D"); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSeed1M seeds a fresh database with ONRAMP_BENCH_PATIENTS (default 1,000,000) patients
// per iteration; run it with -benchtime 1x.
func BenchmarkSeed1M(b *testing.B) {
	n := 1000000
	if s := os.Getenv("ONRAMP_BENCH_PATIENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := openDB(b)
		b.StartTimer()
		start := time.Now()
		if err := Patients(ctx, db, n, int64(i), "P"); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/seed")
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "patients/s")
		b.StopTimer()
		db.Close()
	}
}
