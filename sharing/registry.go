package sharing

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Loader reads one data domain's records from the clinic's tables. Each feature that keeps
// sharable records (allergies, diagnoses, immunisations, results, ...) registers one with
// RegisterDomain from an init function in this package, and calls outbox.Record in its write
// transactions.
type Loader interface {
	// Keys lists the record keys of every record of the patient in this domain, deleted ones
	// included: the data materialisation after the patient becomes shareable sends them all.
	Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error)
	// Load returns the current state of the records with these keys. A key that is missing
	// from the answer is a record that no longer exists.
	Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error)
}

// Loaded is the current state of one record.
type Loaded struct {
	// PatientID is the patient the record belongs to now (a merged-away patient is followed to
	// its survivor by the adapter).
	PatientID int64
	// Deleted marks a record removed in OnRamp (clinical records are marked, not erased).
	Deleted      bool
	DeleteReason string
	// Item is the record as the eHRSS mapping takes it: an ehrss.Allergy, ehrss.Diagnosis,
	// ehrss.Procedure, ehrss.Immunisation, ehrss.LabResult, ehrss.LabReport,
	// ehrss.PersonalRecord or ehrss.EncounterRecord, with its Record filled except TxType (the adapter decides it).
	// It may be nil for a deleted record.
	Item any
	// FixURL is the page where a person corrects the record when it is held back.
	FixURL string
}

// LoaderFuncs makes a Loader of two functions.
type LoaderFuncs struct {
	KeysFunc func(ctx context.Context, db *store.DB, patientID int64) ([]string, error)
	LoadFunc func(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error)
}

// Keys calls KeysFunc.
func (f LoaderFuncs) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	return f.KeysFunc(ctx, db, patientID)
}

// Load calls LoadFunc.
func (f LoaderFuncs) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	return f.LoadFunc(ctx, db, keys)
}

var (
	registryMu sync.Mutex
	registry   = map[ehrss.Domain]Loader{}
)

// RegisterDomain makes a domain's records sharable. It panics on an unknown domain or a
// second registration, both programming errors found at start-up.
func RegisterDomain(domain ehrss.Domain, l Loader) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if ehrss.Modes(domain) == nil {
		panic(fmt.Sprintf("sharing: %q is not an eHealth data domain", domain))
	}
	if _, dup := registry[domain]; dup {
		panic(fmt.Sprintf("sharing: domain %s registered twice", domain))
	}
	registry[domain] = l
}

// Registered returns a copy of the registered domains.
func Registered() map[ehrss.Domain]Loader {
	registryMu.Lock()
	defer registryMu.Unlock()
	out := make(map[ehrss.Domain]Loader, len(registry))
	for d, l := range registry {
		out[d] = l
	}
	return out
}

// domainOrder is the order domains are packaged and listed in: the patient's identity first,
// then the guides' domains, then the other provisional ones.
var domainOrder = []ehrss.Domain{
	ehrss.DomainPersonal,
	ehrss.DomainAllergy, ehrss.DomainADR, ehrss.DomainProblem, ehrss.DomainProcedure,
	ehrss.DomainImmunisation, ehrss.DomainLabGeneral, ehrss.DomainLabAP,
	ehrss.DomainEncounter, ehrss.DomainMedication, ehrss.DomainSummary, ehrss.DomainReferral,
}

func sortedDomains(m map[ehrss.Domain]Loader) []ehrss.Domain {
	rank := map[ehrss.Domain]int{}
	for i, d := range domainOrder {
		rank[d] = i + 1
	}
	out := make([]ehrss.Domain, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return rank[out[i]] < rank[out[j]] })
	return out
}

// modeFor picks the upload mode of a record: the data materialisation takes inserts only and
// only in the bulk domains; the laboratory guides permit NBL alone.
func modeFor(domain ehrss.Domain, tx ehrss.TxType, materialise bool) ehrss.UploadMode {
	modes := ehrss.Modes(domain)
	has := func(m ehrss.UploadMode) bool {
		for _, x := range modes {
			if x == m {
				return true
			}
		}
		return false
	}
	switch {
	case materialise && tx == ehrss.TxInsert && has(ehrss.ModeMaterialisation):
		return ehrss.ModeMaterialisation
	case has(ehrss.ModeIncremental):
		return ehrss.ModeIncremental
	default:
		return ehrss.ModeNonBulk
	}
}
