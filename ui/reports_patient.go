package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/sharing/bulk"
)

// A patient's own copy of everything on file (the Personal Data (Privacy) Ordinance's data
// access request): a page to print, and the same as FHIR JSON. Both are audited.

func (s *Server) patientCopy(c echo.Context) (bulk.PatientCopy, int64, error) {
	p, err := s.patientFromPath(c)
	if err != nil {
		return bulk.PatientCopy{}, 0, err
	}
	cp, err := bulk.CopyForPatient(c.Request().Context(), s.db, p.ID, time.Now())
	return cp, p.ID, err
}

func (s *Server) patientCopyPrint(c echo.Context) error {
	cp, id, err := s.patientCopy(c)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "patient", fmt.Sprint(id), id,
		"printed the patient's copy of their record"))
	v := s.view(c, "report.copy.title", map[string]any{"Copy": cp, "ID": id, "Printed": time.Now().In(s.cfg.TimeZone).Format("2006-01-02 15:04")})
	return s.render(c, http.StatusOK, "report_patient_copy", v)
}

func (s *Server) patientCopyJSON(c echo.Context) error {
	cp, id, err := s.patientCopy(c)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionExport, "patient", fmt.Sprint(id), id,
		"exported the patient's copy of their record as FHIR JSON"))
	body, err := json.MarshalIndent(cp.Bundle, "", " ")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="patient-%d.fhir.json"`, id))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/fhir+json", body)
}
