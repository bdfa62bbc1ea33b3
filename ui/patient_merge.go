package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/patients"
)

// The review of likely duplicates, merging and un-merging.

func (s *Server) duplicatesList(c echo.Context) error {
	pairs, err := patients.LikelyDuplicates(c.Request().Context(), s.db.R, 200)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "duplicates", s.view(c, "duplicates.title", pairs))
}

// patientMerge folds the patient named in merged_id into the one in the URL (the survivor).
func (s *Server) patientMerge(c echo.Context) error {
	survivor, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	mergedID, _ := strconv.ParseInt(c.FormValue("merged_id"), 10, 64)
	_, err = patients.Merge(c.Request().Context(), s.db, survivor.ID, mergedID, c.FormValue("reason"), currentUser(c).Actor(c.RealIP()))
	if err != nil {
		pairs, lerr := patients.LikelyDuplicates(c.Request().Context(), s.db.R, 200)
		if lerr != nil {
			return lerr
		}
		return s.formError(c, "duplicates", s.view(c, "duplicates.title", pairs), err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(survivor.ID, 10), "merged")
}

// notDuplicates records that two look-alike records are two people, so the review stops
// listing them.
func (s *Server) notDuplicates(c echo.Context) error {
	a, _ := strconv.ParseInt(c.FormValue("a"), 10, 64)
	b, _ := strconv.ParseInt(c.FormValue("b"), 10, 64)
	if a <= 0 || b <= 0 || a == b {
		return clinic.ErrNotFound
	}
	if err := patients.NotDuplicates(c.Request().Context(), s.db, a, b, currentUser(c).Actor(c.RealIP())); err != nil {
		return err
	}
	return redirectDone(c, "/patients/duplicates", "saved")
}

func (s *Server) patientUnmerge(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return clinic.ErrNotFound
	}
	if err := patients.Unmerge(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP())); err != nil {
		return err
	}
	return redirectDone(c, "/patients/duplicates", "unmerged")
}
