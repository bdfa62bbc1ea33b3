package main

import (
	"github.com/spf13/cobra"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "onramp",
		Short: "OnRamp: clinic records, labels and eHealth sharing for Hong Kong practices",
		Long: `OnRamp keeps a practice's patient records, prints labels and documents, and shares
records with Hong Kong's eHealth. Run it with no command to serve the clinic, then open
the address it prints in a browser.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          runServe,
	}
	addConfigFlags(root.PersistentFlags())
	root.AddCommand(
		serveCommand(),
		initCommand(),
		migrateCommand(),
		backupCommand(),
		restoreCommand(),
		userCommand(),
		auditCommand(),
		shareCommand(),
		demoCommand(),
		patientsCommand(),
		termsCommand(),
		exportCommand(),
		importCommand(),
		serviceCommand(),
		versionCommand(),
	)
	return root
}

func versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print OnRamp's version and the database schema it knows",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			cmd.Printf("OnRamp %s (schema %d)\n", version, knownSchema())
		},
	}
}
