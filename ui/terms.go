package ui

import (
	"bytes"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/terms"
)

// The terminology page: how many terms there are, and the CSV import with its bad rows listed.

type termsPage struct {
	Counts  map[string]int
	Report  *terms.Report
	Bad     []string // the bad rows, translated
	Columns string
}

func (s *Server) termsData(c echo.Context) (*termsPage, error) {
	ctx := c.Request().Context()
	if err := terms.EnsureStarter(ctx, s.db); err != nil {
		return nil, err
	}
	n, err := terms.Count(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	return &termsPage{Counts: n, Columns: "kind,code,name_en,name_zh,icd10,hkctt_id,active"}, nil
}

func (s *Server) termsAdmin(c echo.Context) error {
	d, err := s.termsData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "terms", s.view(c, "terms.title", d))
}

// termsImport reads the uploaded CSV; the page then lists what was added and every bad row.
func (s *Server) termsImport(c echo.Context) error {
	d, err := s.termsData(c)
	if err != nil {
		return err
	}
	v := s.view(c, "terms.title", d)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.formError(c, "terms", v, clinic.Invalid("file", "error.terms.no_file"))
	}
	if fh.Size > s.cfg.MaxUploadMB<<20 {
		return s.formError(c, "terms", v, clinic.Invalid("file", "error.results.file_too_big", s.cfg.MaxUploadMB))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadMB<<20))
	f.Close()
	if err != nil {
		return err
	}
	rep, err := terms.Import(c.Request().Context(), s.db, bytes.NewReader(raw), currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return s.formError(c, "terms", v, err)
	}
	d.Report = &rep
	for _, b := range rep.Bad {
		d.Bad = append(d.Bad, v.T("terms.bad_row", b.Line, v.T(b.Key, b.Args...)))
	}
	if d.Counts, err = terms.Count(c.Request().Context(), s.db.R); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "terms", v)
}
