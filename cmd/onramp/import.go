package main

import (
	"context"
	"errors"
	"time"

	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/bulk"
)

// importCommand restores an `onramp export --fhir` folder into an empty practice, holding the
// data folder's lock like the other tools that write.
func importCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "import --fhir DIR",
		Short: "Restore an OnRamp FHIR export into an empty practice",
		Long: `Reads a folder written by "onramp export --fhir" into this practice, which must have no
patients or records yet (run "onramp init" first). Everything comes in, in one transaction, or
nothing does. Staff accounts are matched by user name; accounts that are new here come in
disabled and without a password, for an administrator to enable.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if dir == "" {
				return errors.New("say which export to read: --fhir DIR")
			}
			return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
				started := time.Now()
				rep, err := bulk.Import(ctx, db, dir, bulk.ImportOptions{FilesDir: c.filesDir(), Prefix: c.Patients.NumberPrefix,
					Actor: cliActor(), Progress: func(p bulk.Progress) {
						cmd.PrintErrf("%-20s %9d%s\n", p.Type, p.Rows, map[bool]string{true: "  done", false: ""}[p.Done])
					}})
				if errors.Is(err, bulk.ErrNotEmpty) {
					return errors.New("this practice already has patients or records: import only into a new, empty practice")
				}
				if err != nil {
					return err
				}
				for typ, n := range rep.Types {
					cmd.Printf("%-20s %9d\n", typ, n)
				}
				cmd.Printf("Imported %d patients (%d new staff accounts, disabled; %d files) in %s.\n", rep.Tables["patients"],
					rep.Users, rep.Files, time.Since(started).Round(time.Millisecond))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&dir, "fhir", "", "folder written by onramp export --fhir")
	return cmd
}
