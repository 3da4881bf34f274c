package app

import (
	"errors"
	"os"
	"runtime"
)

// errNoDisplay is the refusal to open the window where there is no screen.
var errNoDisplay = errors.New("the window needs a graphical session, and none is here (DISPLAY and WAYLAND_DISPLAY are not set, " +
	"as in an ssh login); run topupcards from the desktop, or use the command line: topupcards -h lists the commands")

// CanShowWindow says why the window cannot be shown here: on Linux and the
// BSDs, a session with neither an X11 nor a Wayland display (Fyne would
// otherwise stop with a stack trace). Windows and macOS always have one.
func CanShowWindow() error {
	return canShowWindow(runtime.GOOS, os.Getenv)
}

func canShowWindow(goos string, getenv func(string) string) error {
	switch goos {
	case "windows", "darwin", "android", "ios":
		return nil
	}
	if getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == "" {
		return errNoDisplay
	}
	return nil
}
