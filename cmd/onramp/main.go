// Command onramp is the whole of OnRamp in one file: the web server for the clinic and the
// tools an administrator runs beside it (setup, backups, users, migrations).
package main

import (
	"fmt"
	"os"
	_ "time/tzdata" // Windows PCs have no zoneinfo: carry Asia/Hong_Kong in the binary
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	if err := newRootCommand().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "onramp:", err)
		os.Exit(1)
	}
}
