package sharing

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

var (
	ctx   = context.Background()
	clerk = audit.Actor{UserID: 0, Username: "clerk", Roles: "clerk", RemoteAddr: "192.168.1.20"}
)

// The tests share allergies through a small table of their own, written the way a feature
// writes its records: the change and its outbox row in one transaction. It stands in for the
// allergies feature, which is not built yet, and shows what such a feature has to do.
const testAllergiesTable = "test_allergies"

func init() { patients.RegisterOwnedTable(testAllergiesTable, "patient_id") }

const testSchema = `
CREATE TABLE IF NOT EXISTS test_allergies (
    id             INTEGER PRIMARY KEY,
    patient_id     INTEGER NOT NULL,
    allergen       TEXT NOT NULL,
    type           TEXT NOT NULL DEFAULT 'Drug',
    deleted        INTEGER NOT NULL DEFAULT 0,
    delete_reason  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS test_allergies_patient ON test_allergies(patient_id);`

func allergyKey(id int64) string { return outbox.Key(string(ehrss.DomainAllergy), "allergies", id) }

// testAllergyLoader reads test_allergies as AL1 records.
var testAllergyLoader = LoaderFuncs{
	KeysFunc: func(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
		rows, err := db.R.QueryContext(ctx, `SELECT id FROM test_allergies WHERE patient_id = ?`, patientID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			out = append(out, allergyKey(id))
		}
		return out, rows.Err()
	},
	LoadFunc: func(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
		var ids []string
		for _, k := range keys {
			if _, _, id, ok := outbox.ParseKey(k); ok {
				ids = append(ids, fmt.Sprint(id))
			}
		}
		out := map[string]Loaded{}
		if len(ids) == 0 {
			return out, nil
		}
		rows, err := db.R.QueryContext(ctx, `SELECT id, patient_id, allergen, type, deleted, delete_reason, created_at, updated_at
			FROM test_allergies WHERE id IN (`+strings.Join(ids, ",")+`)`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id, pid int64
			var allergen, typ, reason, created, updated string
			var deleted bool
			if err := rows.Scan(&id, &pid, &allergen, &typ, &deleted, &reason, &created, &updated); err != nil {
				return nil, err
			}
			key := allergyKey(id)
			out[key] = Loaded{
				PatientID: pid, Deleted: deleted, DeleteReason: reason,
				FixURL: fmt.Sprintf("/patients/%d/allergies/%d", pid, id),
				Item: ehrss.Allergy{
					Record:       ehrss.Record{RecordKey: key, RecordTime: parseTS(updated), CreatedTime: parseTS(created)},
					AllergenCode: fmt.Sprintf("L%d", id), AllergenDesc: allergen, AllergenType: typ, Certainty: "C",
					Reactions: []ehrss.Reaction{{Code: "21", Desc: "Skin rash"}},
				},
			}
		}
		return out, rows.Err()
	},
}

func testDomains() map[ehrss.Domain]Loader {
	return map[ehrss.Domain]Loader{ehrss.DomainPersonal: personalLoader{}, ehrss.DomainAllergy: testAllergyLoader,
		ehrss.DomainEncounter: encounterLoader{}}
}

// openDB makes a migrated practice database with the provider id set.
func openDB(t testing.TB) *store.DB {
	t.Helper()
	return openDBAt(t, filepath.Join(t.TempDir(), store.FileName))
}

func openDBAt(t testing.TB, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(testSchema); err != nil {
		t.Fatal(err)
	}
	now := ts(time.Now())
	if _, err := db.W.Exec(`INSERT OR IGNORE INTO practice (id, name_en, name_zh, address, phone, hcp_id, created_at, updated_at)
		VALUES (1, 'Families Clinic', '家庭診所', '1 Nathan Road', '2345 6789', '9938744799', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	return db
}

var hkidSeq atomic.Int64

// nextHKID makes a valid made-up HKID: letter Z, six digits, its check character.
func nextHKID() string {
	n := 100000 + hkidSeq.Add(1)
	body := fmt.Sprintf("Z%06d", n)
	return body + checkChar(body)
}

func checkChar(body string) string {
	vals := []int{36, int(body[0]-'A') + 10}
	for _, c := range body[1:] {
		vals = append(vals, int(c-'0'))
	}
	sum := 0
	for i, v := range vals {
		sum += v * (9 - i)
	}
	switch d := 11 - sum%11; d {
	case 11:
		return "0"
	case 10:
		return "A"
	default:
		return fmt.Sprint(d)
	}
}

var ehrSeq atomic.Int64

func nextEHR() string { return fmt.Sprintf("9%011d", 44272043043+ehrSeq.Add(1)) }

// addPatient registers a patient (not joined to eHealth).
func addPatient(t testing.TB, db *store.DB, surname, given string) int64 {
	t.Helper()
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: surname, GivenNameEN: given, Sex: "F", DOB: "1975-03-02",
		DocType: patients.DocHKID, DocNumber: nextHKID(), Confirmed: true}, clerk)
	if err != nil {
		t.Fatalf("register %s: %v", surname, err)
	}
	return p.ID
}

// setEHealth records joining and consent.
func setEHealth(t testing.TB, db *store.DB, id int64, joined bool, consent string) {
	t.Helper()
	p, err := patients.Get(ctx, db.R, id)
	if err != nil {
		t.Fatal(err)
	}
	in := patients.EHealthInput{Joined: joined, Consent: consent, EHRNo: p.EHealth.EHRNo}
	if joined && in.EHRNo == "" {
		in.EHRNo = nextEHR()
	}
	if consent != patients.ConsentNone {
		in.ConsentDate, in.Method = time.Now().Format("2006-01-02"), patients.MethodSignedForm
	}
	if err := patients.SetEHealth(ctx, db, id, in, clerk); err != nil {
		t.Fatalf("eHealth of %d: %v", id, err)
	}
}

func join(t testing.TB, db *store.DB, id int64) { setEHealth(t, db, id, true, patients.ConsentNone) }

// addAllergy records an allergy as a feature would: the row and its outbox entry together.
func addAllergy(t testing.TB, db *store.DB, patientID int64, allergen string) int64 {
	t.Helper()
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		now := ts(time.Now())
		res, err := tx.Exec(`INSERT INTO test_allergies (patient_id, allergen, created_at, updated_at) VALUES (?,?,?,?)`, patientID, allergen, now, now)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return outbox.Record(ctx, tx, outbox.Change{Key: allergyKey(id), Domain: "AL1", Tx: outbox.Insert, PatientID: patientID})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func changeAllergy(t testing.TB, db *store.DB, id int64, allergen string) {
	t.Helper()
	writeAllergy(t, db, id, outbox.Update, `UPDATE test_allergies SET allergen = ?, updated_at = ? WHERE id = ?`, allergen, ts(time.Now()), id)
}

func setAllergyType(t testing.TB, db *store.DB, id int64, typ string) {
	t.Helper()
	writeAllergy(t, db, id, outbox.Update, `UPDATE test_allergies SET type = ?, updated_at = ? WHERE id = ?`, typ, ts(time.Now()), id)
}

func deleteAllergy(t testing.TB, db *store.DB, id int64, reason string) {
	t.Helper()
	writeAllergy(t, db, id, outbox.Delete, `UPDATE test_allergies SET deleted = 1, delete_reason = ?, updated_at = ? WHERE id = ?`, reason, ts(time.Now()), id)
}

func writeAllergy(t testing.TB, db *store.DB, id int64, tx outbox.TxType, q string, args ...any) {
	t.Helper()
	err := db.Write(ctx, func(sqlTx *sql.Tx) error {
		if _, err := sqlTx.Exec(q, args...); err != nil {
			return err
		}
		var pid int64
		if err := sqlTx.QueryRow(`SELECT patient_id FROM test_allergies WHERE id = ?`, id).Scan(&pid); err != nil {
			return err
		}
		return outbox.Record(ctx, sqlTx, outbox.Change{Key: allergyKey(id), Domain: "AL1", Tx: tx, PatientID: pid})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// newEngine makes an engine sending to tr with fast retries.
func newEngine(db *store.DB, tr Transport, mod ...func(*Options)) *Engine {
	opt := Options{
		Transport: tr, Domains: testDomains(), MaxPatients: 5,
		Backoff: Backoff{Base: 2 * time.Millisecond, Cap: 20 * time.Millisecond}, RetryBudget: 10 * time.Second,
	}
	for _, m := range mod {
		m(&opt)
	}
	return New(db, opt)
}

func mustRun(t testing.TB, e *Engine) RunReport {
	t.Helper()
	rep, err := e.Run(ctx, TriggerCommand)
	if err != nil {
		t.Fatalf("run: %v (%s)", err, rep)
	}
	return rep
}

// recordState reads a record's row: state and what eHealth holds.
func recordState(t testing.TB, db *store.DB, key string) (state, central string) {
	t.Helper()
	err := db.R.QueryRow(`SELECT state, central FROM sharing_records WHERE record_key = ?`, key).Scan(&state, &central)
	if err == sql.ErrNoRows {
		return "", ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return state, central
}

// renamePatient changes a patient's English given name (a field eHealth sees).
func renamePatient(t testing.TB, db *store.DB, id int64, given string) {
	t.Helper()
	p, err := patients.Get(ctx, db.R, id)
	if err != nil {
		t.Fatal(err)
	}
	in := patients.Input{SurnameEN: p.SurnameEN, GivenNameEN: given, NameZH: p.NameZH, Sex: p.Sex, DOB: p.DOB.String(),
		DocType: p.Doc.Type, DocNumber: p.Doc.Number, DocCountry: p.Doc.Country, Mobile: p.Mobile, Version: p.Version, Confirmed: true}
	if _, err := patients.Update(ctx, db, id, in, clerk); err != nil {
		t.Fatalf("rename %d: %v", id, err)
	}
}

var hkt = time.FixedZone("HKT", 8*3600)

// diaryAt is the appointment diary with its clock at 08:00 on Monday 2 March 2026 (Hong Kong).
func diaryAt(t testing.TB, db *store.DB) (*appointments.Diary, int64) {
	t.Helper()
	doctor, err := users.Add(ctx, db, users.NewUser{Username: fmt.Sprintf("dr%d", hkidSeq.Add(1)), FullName: "Dr Test",
		Roles: []string{users.RoleDoctor}, MCRNo: "M12345", Password: "correct horse 1"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	d := appointments.New(db, hkt)
	d.Now = func() time.Time { return time.Date(2026, 3, 2, 8, 0, 0, 0, hkt) }
	return d, doctor
}

// book makes an appointment on 2 March 2026 at the given hour.
func book(t testing.TB, d *appointments.Diary, doctor, patientID int64, hour int) int64 {
	t.Helper()
	a, err := d.Book(ctx, appointments.Booking{PatientID: patientID, DoctorID: doctor, Start: time.Date(2026, 3, 2, hour, 0, 0, 0, hkt),
		Reason: "Follow-up"}, clerk)
	if err != nil {
		t.Fatalf("book: %v", err)
	}
	return a.ID
}
