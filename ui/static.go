package ui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

//go:embed static
var staticFiles embed.FS

// staticHashes maps a static file's name to the first bytes of its SHA-256: URLs carry it, so
// a browser may cache a file for a year and still gets the new one after an upgrade.
var staticHashes = func() map[string]string {
	m := map[string]string{}
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := staticFiles.ReadFile(p)
		sum := sha256.Sum256(b)
		m[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return m
}()

// staticURL is the template function {{static "app.css"}}.
func staticURL(name string) string {
	return "/static/" + name + "?v=" + staticHashes[name]
}

// static serves the embedded CSS, script and images.
func (s *Server) static(c echo.Context) error {
	name := path.Clean(c.Param("*"))
	hash, ok := staticHashes[name]
	if !ok {
		return echo.ErrNotFound
	}
	b, err := staticFiles.ReadFile("static/" + name)
	if err != nil {
		return echo.ErrNotFound
	}
	if c.QueryParam("v") == hash {
		c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = http.DetectContentType(b)
	}
	return c.Blob(http.StatusOK, ct, b)
}
