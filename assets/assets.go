// Package assets holds the files embedded in the binary, such as the app
// icon, exposed as fyne.Resource values for the window, the about dialog and
// the desktop entry.
package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon: a prepaid top-up card with a QR code and a
// coin, as a 1024x1024 PNG. FyneApp.toml points `fyne package` at the same
// file, so the installed desktop entry and the running window match.
var Icon fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
