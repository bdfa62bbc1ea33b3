package main

import (
	"os"
	"os/exec"
	"runtime"
)

// openBrowser shows the setup page on a desktop session: a doctor who double-clicks onramp.exe
// should not have to know what a URL is. Failure is harmless: the address is printed too.
func openBrowser(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return // no desktop: a server or a terminal session
		}
		cmd = exec.Command("xdg-open", url)
	}
	_ = cmd.Start()
}
