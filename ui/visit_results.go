package ui

import (
	"io"
	"net/http"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/results"
)

// Results at a visit: typed in by hand or a report file, kept by content hash in the
// practice's attachment folder (<data>/files, which the backups include).

type resultRow = results.Result

// resultStore is where report files go: the files folder beside the database, as the backups
// and the bulk export expect.
func (s *Server) resultStore() results.Store {
	return results.Store{Dir: filepath.Join(filepath.Dir(s.db.Path), "files"), MaxBytes: s.cfg.MaxUploadMB << 20}
}

func (s *Server) visitResults(c echo.Context, visitID int64) ([]resultRow, error) {
	return results.ForVisit(c.Request().Context(), s.db.R, visitID)
}

// visitResultAdd records a result typed in or a report file.
func (s *Server) visitResultAdd(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := results.Input{Test: c.FormValue("test"), Value: c.FormValue("value"), Unit: c.FormValue("unit"),
		RefRange: c.FormValue("ref_range"), Abnormal: c.FormValue("abnormal"), TakenOn: c.FormValue("taken_on"),
		Laboratory: c.FormValue("laboratory"), RequestNo: c.FormValue("request_no"), Category: c.FormValue("category"),
		ReportStatus: c.FormValue("report_status"), CollectedAt: c.FormValue("collected_at"),
		AuthorisedAt: c.FormValue("authorised_at"), APTestName: c.FormValue("ap_test_name")}
	if fh, ferr := c.FormFile("file"); ferr == nil && fh.Size > 0 {
		if fh.Size > s.cfg.MaxUploadMB<<20 {
			return s.visitFailed(c, clinic.Invalid("file", "error.results.file_too_big", s.cfg.MaxUploadMB))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadMB<<20+1))
		f.Close()
		if err != nil {
			return err
		}
		in.File = &results.File{Name: fh.Filename, Data: data}
	}
	if _, err := s.resultStore().Add(c.Request().Context(), s.db, id, in, currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "results", "result_saved")
}

// LabCategories are the eHealth laboratory categories the result form offers.
func (v *View) LabCategories() []results.Category { return results.Categories }

// LabReportStatuses are the report statuses the result form offers ("" not stated).
func (v *View) LabReportStatuses() []string { return results.ReportStatuses }

// resultFile shows a stored report file.
func (s *Server) resultFile(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	patientID, err := results.FilePatient(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	data, mime, err := s.resultStore().Open(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "result_file", c.Param("id"), patientID, "opened report file"))
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Content-Disposition", "inline")
	return c.Blob(http.StatusOK, mime, data)
}

// visitResultError withdraws a result entered by mistake; it stays, marked, with the reason.
func (s *Server) visitResultError(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := results.MarkInError(c.Request().Context(), s.db, id, formID(c, "item"), c.FormValue("reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "results", "withdrawn")
}
