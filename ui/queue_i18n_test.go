package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/ui/i18n"
)

// frontDeskKeyRe finds the front desk's own keys in its Go files (the shared key check reads
// only the core prefixes).
var frontDeskKeyRe = regexp.MustCompile(`"((?:queue|appointments|board|frontdesk|error\.queue|error\.appointment|notice)\.[a-z0-9_.]*[a-z0-9_])"`)

// settingKeys are keys of the settings table, not of the catalogues.
var settingKeys = map[string]bool{queue.SettingNumbering: true, queue.SettingBoardNames: true, queue.SettingBoardToken: true,
	appointments.SettingSlotMinutes: true}

func TestFrontDeskKeysAreTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]string{}
	var files []string
	for _, glob := range []string{"queue*.go", "appointments*.go", "board*.go", "live.go", "../clinic/queue/*.go", "../clinic/appointments/*.go"} {
		m, _ := filepath.Glob(glob)
		files = append(files, m...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range frontDeskKeyRe.FindAllStringSubmatch(string(b), -1) {
			if !settingKeys[m[1]] {
				used[m[1]] = f
			}
		}
	}
	// Keys built at run time.
	for _, st := range queue.States {
		used["queue.state."+st] = "states"
		used["queue.to."+st] = "moves"
	}
	for _, st := range appointments.Statuses {
		used["appointments.status."+st] = "statuses"
	}
	for _, d := range []string{"0", "1", "2", "3", "4", "5", "6"} {
		used["queue.weekday."+d] = "weekdays"
	}
	for _, n := range []string{"queue_nobody", "queue_checked_in", "queue_corrected", "queue_day_ended", "queue_board_off",
		"appointment_booked", "appointment_moved", "appointment_cancelled", "appointment_no_show"} {
		used["notice."+n] = "notices"
	}
	used["audit.action."+queue.ActionCorrect] = "audit"
	if len(used) < 60 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, k) {
				t.Errorf("%s: key %q missing from %s", where, k, lang)
			}
		}
	}
}
