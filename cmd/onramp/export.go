package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/bulk"
)

// exportCommand writes the whole practice as FHIR R4 NDJSON. It does not take the data folder's
// lock: it reads one snapshot through read-only connections, so the clinic keeps working.
func exportCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "export --fhir DIR",
		Short: "Write every patient and record as FHIR R4 NDJSON files (one per resource type) with a manifest",
		Long: `Writes the whole practice into an empty folder: one NDJSON file per FHIR resource type,
manifest.json (as FHIR Bulk Data export writes it), issued documents under attachments/ and the
practice's files under files/. The clinic can go on working while it runs. The folder holds
every patient's records: keep it as safe as the database itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return errors.New("say where to write: --fhir DIR")
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			if _, err := os.Stat(c.dbPath()); err != nil {
				return fmt.Errorf("no practice database in %s", c.Data)
			}
			db, err := store.Open(c.dbPath(), store.Options{Readers: 2})
			if err != nil {
				return err
			}
			defer db.Close()
			started := time.Now()
			last := time.Time{}
			m, err := bulk.Export(context.Background(), db, bulk.ExportOptions{Dir: dir, FilesDir: c.filesDir(),
				Request: "onramp export --fhir", Actor: cliActor(),
				Progress: func(p bulk.Progress) {
					if p.Done || time.Since(last) > time.Second {
						last = time.Now()
						cmd.PrintErrf("%-24s %-20s %9d rows%s\n", p.Table, p.Type, p.Rows, map[bool]string{true: "  done", false: ""}[p.Done])
					}
				}})
			if err != nil {
				return err
			}
			total := 0
			for _, o := range m.Output {
				total += o.Count
				cmd.Printf("%-20s %9d  %s\n", o.Type, o.Count, o.URL)
			}
			cmd.Printf("Exported %d resources (%d patients, %.1f MB, %d attachments, %d files) to %s in %s.\n", total,
				m.Extension.Tables["patients"], float64(m.Extension.Bytes)/(1<<20), m.Extension.Attachments, m.Extension.Files,
				dir, time.Since(started).Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "fhir", "", "folder to write the FHIR NDJSON export into (created; must be empty)")
	return cmd
}
