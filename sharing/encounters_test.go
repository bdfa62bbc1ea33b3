package sharing

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// exported is what the test reads back from an exported bundle file.
type exported struct {
	file    string
	domain  string   // the Composition section's data domain code
	keys    []string // record keys of the section entries
	txs     []string
	enc     []map[string]any // Encounter resources
	doctors []map[string]any // Practitioner resources
}

func readExport(t *testing.T, files []string) []exported {
	t.Helper()
	var out []exported
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var b struct {
			Entry []struct {
				Resource map[string]any `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		e := exported{file: f}
		for _, en := range b.Entry {
			r := en.Resource
			switch r["resourceType"] {
			case "Composition":
				for _, s := range r["section"].([]any) {
					sec := s.(map[string]any)
					code := sec["code"].(map[string]any)["coding"].([]any)[0].(map[string]any)
					e.domain = fmt.Sprint(code["code"])
					for _, x := range sec["entry"].([]any) {
						ent := x.(map[string]any)
						e.keys = append(e.keys, fmt.Sprint(ent["identifier"].(map[string]any)["value"]))
						for _, ext := range ent["extension"].([]any) {
							if m := ext.(map[string]any); strings.HasSuffix(fmt.Sprint(m["url"]), "TransactionType") {
								e.txs = append(e.txs, fmt.Sprint(m["valueString"]))
							}
						}
					}
				}
			case "Encounter":
				e.enc = append(e.enc, r)
			case "Practitioner":
				e.doctors = append(e.doctors, r)
			}
		}
		out = append(out, e)
	}
	return out
}

// episodeOf is the episode number an Encounter carries, "" when none.
func episodeOf(enc map[string]any) string {
	ids, _ := enc["identifier"].([]any)
	for _, x := range ids {
		id := x.(map[string]any)
		if strings.HasSuffix(fmt.Sprint(id["system"]), "/EpisodeNum") {
			return fmt.Sprint(id["value"])
		}
	}
	return ""
}

// TestVisitEncounters: a signed visit goes to eHealth as an encounter (ENC) carrying its episode
// number, type, date and doctor, and its diagnosis and procedure (PROB, PX) name the same
// Encounter by that episode number; a draft is not sent; bookings still go as planned
// encounters; a signed visit entered in error becomes a delete, with its diagnosis. Every
// bundle passes the base FHIR R4 validator.
func TestVisitEncounters(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Chan", "Tai Man")
	join(t, db, pid)
	now := time.Now().UTC().Format(time.RFC3339)
	res, err := db.W.Exec(`INSERT INTO users (username, full_name, full_name_zh, password_hash, mcr_no, created_at, updated_at)
		VALUES ('drwong', 'Dr Wong Siu Ming', '王小明醫生', 'x', 'M12345', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	doctor, _ := res.LastInsertId()
	if err := terms.EnsureStarter(ctx, db); err != nil {
		t.Fatal(err)
	}
	found, err := terms.Search(ctx, db, terms.Diagnosis, "pharyngitis", 0, 1)
	if err != nil || len(found) != 1 {
		t.Fatalf("starter term: %v %v", found, err)
	}
	today := time.Now().In(hongKong).Format(time.DateOnly)
	signed, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, DoctorID: doctor, Date: today, Type: visits.TypeFollowUp}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	dx, err := visits.AddDiagnosis(ctx, db, signed.ID, visits.CodedInput{TermID: found[0].ID}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := visits.AddProcedure(ctx, db, signed.ID, visits.CodedInput{FreeText: "Throat swab"}, audit.System); err != nil {
		t.Fatal(err)
	}
	signer := audit.Actor{UserID: doctor}
	if _, err := visits.Sign(ctx, db, signed.ID, visits.Draft{Note: visits.Note{History: "Sore throat 2 days"}}, signer, "Dr Wong Siu Ming"); err != nil {
		t.Fatal(err)
	}
	draft, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, DoctorID: doctor, Date: today}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	diary, bookingDoctor := diaryAt(t, db)
	booking := book(t, diary, bookingDoctor, pid, 10)

	dir := t.TempDir()
	domains := testDomains()
	domains[ehrss.DomainProblem], domains[ehrss.DomainProcedure] = diagnosisLoader{}, procedureLoader{}
	e := newEngine(db, nil, func(o *Options) {
		o.Transport, o.Folder, o.Domains = nil, filepath.Join(dir, "sent"), domains
	})
	first, err := e.Export(ctx, filepath.Join(dir, "export-1"))
	if err != nil {
		t.Fatal(err)
	}
	bundles := readExport(t, first.Files)
	var encEpisodes, probEpisodes, pxEpisodes []string
	var encKeys []string
	for _, b := range bundles {
		for _, enc := range b.enc {
			switch b.domain {
			case "ENC":
				encEpisodes = append(encEpisodes, episodeOf(enc))
			case "PROB":
				probEpisodes = append(probEpisodes, episodeOf(enc))
			case "PX":
				pxEpisodes = append(pxEpisodes, episodeOf(enc))
			}
		}
		if b.domain == "ENC" {
			encKeys = append(encKeys, b.keys...)
			for _, enc := range b.enc {
				if episodeOf(enc) != signed.EpisodeNo {
					continue
				}
				typ := enc["type"].([]any)[0].(map[string]any)["coding"].([]any)[0].(map[string]any)
				if typ["code"] != visits.TypeFollowUp || enc["status"] != "finished" {
					t.Errorf("visit encounter type %v status %v", typ, enc["status"])
				}
				start := enc["period"].(map[string]any)["start"].(string)
				if !strings.HasPrefix(start, today) {
					t.Errorf("visit encounter starts %q, want on %s", start, today)
				}
				part := enc["participant"].([]any)[0].(map[string]any)["individual"].(map[string]any)["reference"]
				var doc map[string]any
				for _, p := range b.doctors {
					if "Practitioner/"+fmt.Sprint(p["id"]) == part {
						doc = p
					}
				}
				if doc == nil || !strings.Contains(fmt.Sprint(doc["identifier"]), "M12345") || !strings.Contains(fmt.Sprint(doc["name"]), "Dr Wong Siu Ming") {
					t.Errorf("visit encounter doctor %v -> %v", part, doc)
				}
			}
		}
	}
	wantKeys := map[string]bool{visits.EncounterKey(signed.ID): true, AppointmentKey(booking): true}
	if len(encKeys) != 2 || !wantKeys[encKeys[0]] || !wantKeys[encKeys[1]] {
		t.Errorf("ENC record keys %v, want the signed visit and the booking (not the draft %s)", encKeys, visits.EncounterKey(draft.ID))
	}
	has := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	if !has(encEpisodes, signed.EpisodeNo) || has(encEpisodes, draft.EpisodeNo) {
		t.Errorf("ENC episodes %v, want %s and not the draft's %s", encEpisodes, signed.EpisodeNo, draft.EpisodeNo)
	}
	if !has(probEpisodes, signed.EpisodeNo) || !has(pxEpisodes, signed.EpisodeNo) {
		t.Errorf("PROB / PX encounters %v / %v do not name the ENC visit %s", probEpisodes, pxEpisodes, signed.EpisodeNo)
	}

	// Sent; then the visit is entered in error: the encounter and its diagnosis become deletes.
	mustRun(t, e)
	if _, err := visits.MarkInError(ctx, db, signed.ID, "wrong patient", 0, audit.System); err != nil {
		t.Fatal(err)
	}
	second, err := e.Export(ctx, filepath.Join(dir, "export-2"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range readExport(t, second.Files) {
		for i, k := range b.keys {
			got[k] = b.txs[i]
		}
		if b.domain == "ENC" {
			for _, enc := range b.enc {
				if enc["status"] != "entered-in-error" || episodeOf(enc) != signed.EpisodeNo {
					t.Errorf("withdrawn encounter: %v", enc)
				}
			}
		}
	}
	if got[visits.EncounterKey(signed.ID)] != "D" || got[visits.DiagnosisKey(dx.ID)] != "D" || len(got) != 3 {
		t.Errorf("after entered in error: %v, want the encounter, its diagnosis and procedure deleted", got)
	}

	files := append(append([]string{}, first.Files...), second.Files...)
	validator := filepath.Join(repoRoot(t), "..", "shared", "tools", "fhir-validate", "fhir-validate")
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("fhir-validate not found at %s", validator)
	}
	if testing.Short() {
		t.Skip("fhir-validate takes several seconds; skipped with -short")
	}
	out, err := exec.Command(validator, files...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("fhir-validate: %s", lines[len(lines)-1])
	if err != nil {
		t.Fatalf("fhir-validate failed: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("%d passed, 0 failed", len(files)); !strings.Contains(lines[len(lines)-1], want) {
		t.Errorf("fhir-validate: %q, want %q", lines[len(lines)-1], want)
	}
}
