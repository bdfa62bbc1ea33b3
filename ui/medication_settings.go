package ui

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/ui/print"
)

// The dispensary's settings (/admin/medication): what happens when stock is short, the drug
// label size the medicines page prints on, and each label size's calibration offsets, with a
// test label to check them on the printer itself.

// settingDrugLabelLayout is the label size the medicines page offers first.
const settingDrugLabelLayout = "medication.label_layout"

// maxOffsetMM bounds a calibration offset: a printer more than a centimetre off is broken, and a
// bigger number is almost always a typing slip (15 for 1.5).
const maxOffsetMM = 10.0

type medSettingsData struct {
	Policies []string
	Layouts  []string
}

func (s *Server) medSettingsView(c echo.Context) *View {
	return s.view(c, "med.settings.title", &medSettingsData{Policies: prescribing.ShortPolicies,
		Layouts: []string{print.Drug62x29.Name, print.Drug80x50.Name, print.Drug4x2in.Name}})
}

// offsetKey is where a label size's offset is kept; calibrated (patient_labels.go) reads it.
func offsetKey(layout, axis string) string { return "print.offset." + layout + "." + axis }

// drugLabelLayout is the practice's label size, the 80 x 50 mm roll when none was chosen.
func (s *Server) drugLabelLayout(ctx context.Context) string {
	name, _ := practice.Setting(ctx, s.db.R, settingDrugLabelLayout)
	if _, ok := drugLayouts[name]; !ok {
		return print.Drug80x50.Name
	}
	return name
}

func (s *Server) medSettingsForm(c echo.Context) error {
	ctx := c.Request().Context()
	v := s.medSettingsView(c)
	policy, err := prescribing.ShortPolicy(ctx, s.db.R)
	if err != nil {
		return err
	}
	v.Form.Set("short_stock", policy)
	v.Form.Set("label_layout", s.drugLabelLayout(ctx))
	for _, name := range v.Data.(*medSettingsData).Layouts {
		for _, axis := range []string{"x", "y"} {
			val, err := practice.Setting(ctx, s.db.R, offsetKey(name, axis))
			if err != nil {
				return err
			}
			v.Form.Set("offset_"+axis+"_"+name, val)
		}
	}
	return s.render(c, http.StatusOK, "medication_settings", v)
}

// parseOffset reads an offset in millimetres: blank is none; one decimal is as fine as a
// label printer goes.
func parseOffset(s string) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return "", true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > maxOffsetMM {
		return "", false
	}
	f = math.Round(f*10) / 10
	if f == 0 {
		return "", true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// medSettingsSave checks the whole form before saving any of it, and writes only the settings
// that changed, so the audit log says what was changed.
func (s *Server) medSettingsSave(c echo.Context) error {
	ctx := c.Request().Context()
	v := s.medSettingsView(c)
	var errs clinic.ValidationErrors
	values := map[string]string{}
	policy := c.FormValue("short_stock")
	if !prescribing.ValidShortPolicy(policy) {
		errs = append(errs, clinic.Invalid("short_stock", "error.choose"))
	}
	values[prescribing.SettingShortStock] = policy
	layout := c.FormValue("label_layout")
	if _, ok := drugLayouts[layout]; !ok {
		errs = append(errs, clinic.Invalid("label_layout", "error.choose"))
	}
	values[settingDrugLabelLayout] = layout
	for _, name := range v.Data.(*medSettingsData).Layouts {
		for _, axis := range []string{"x", "y"} {
			field := "offset_" + axis + "_" + name
			off, ok := parseOffset(c.FormValue(field))
			if !ok {
				errs = append(errs, clinic.Invalid(field, "error.med.offset", maxOffsetMM, maxOffsetMM))
			}
			values[offsetKey(name, axis)] = off
		}
	}
	if err := errs.Err(); err != nil {
		return s.formError(c, "medication_settings", v, err)
	}
	by := currentUser(c).Actor(c.RealIP())
	for key, value := range values {
		old, err := practice.Setting(ctx, s.db.R, key)
		if err != nil {
			return err
		}
		if old != value {
			if err := practice.SetSetting(ctx, s.db, key, value, by); err != nil {
				return err
			}
		}
	}
	return redirectDone(c, "/admin/medication", "saved")
}

// medTestLabel prints one specimen label on a label size with its saved offsets, so that the
// clinic can hold it against the roll and see which way to move.
func (s *Server) medTestLabel(c echo.Context) error {
	ctx := c.Request().Context()
	layout, ok := drugLayouts[c.QueryParam("layout")]
	if !ok {
		layout = drugLayouts[s.drugLabelLayout(ctx)]
	}
	layout = s.calibrated(ctx, layout)
	pr, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return err
	}
	en := func(key string, args ...any) string { return s.cat.T("en", key, args...) }
	zh := func(key string, args ...any) string { return s.cat.T("zh-HK", key, args...) }
	offsets := fmt.Sprintf("x %+.1f mm, y %+.1f mm", layout.OffsetX, layout.OffsetY)
	l := print.DrugLabel{ClinicName: pr.NameEN, ClinicNameZH: pr.NameZH, ClinicAddress: pr.Address, ClinicPhone: pr.Phone,
		PatientNameEN: en("med.settings.test.patient"), PatientNameZH: zh("med.settings.test.patient"),
		Date: today(s).Format("2006-01-02"), DrugName: en("med.settings.test.drug"), Quantity: offsets,
		DoseEN: en("med.settings.test.dose"), DoseZH: zh("med.settings.test.dose"),
		CautionsEN: []string{en("med.settings.test.caution")}, CautionsZH: []string{zh("med.settings.test.caution")},
		Doctor: currentUser(c).Username, Language: patients.LangBoth}
	var buf bytes.Buffer
	if err := print.WriteDrugLabels(&buf, s.cfg.Fonts, []print.DrugLabel{l}, layout); err != nil {
		return fmt.Errorf("test label: %w", err)
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "test_label", layout.Name, 0, offsets))
	return sendPDF(c, "test-label-"+layout.Name+".pdf", buf.Bytes())
}

// OffsetValue is the typed or saved offset of a label size, for the settings table.
func (v *View) OffsetValue(axis, layout string) string {
	return v.Value("offset_" + axis + "_" + layout)
}

// OffsetError is the error of an offset field.
func (v *View) OffsetError(axis, layout string) string {
	return v.FieldError("offset_" + axis + "_" + layout)
}
