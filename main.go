// Command topupcards generates, finds, edits, redeems and prints prepaid
// top-up cards. With no command it opens the window; see `topupcards -h`.
package main

import (
	"context"
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"topupcards/app"
	"topupcards/data"
)

func main() {
	st, _ := os.Stderr.Stat()
	cli := &app.CLI{
		Stdout:        os.Stdout,
		Stderr:        os.Stderr,
		Terminal:      st != nil && st.Mode()&os.ModeCharDevice != 0,
		CanShowWindow: app.CanShowWindow,
		OpenWindow: func(_ context.Context, path string, exists bool, open func() (data.Store, error)) error {
			return app.RunWindow(fyneapp.NewWithID(app.AppID), path, exists, open)
		},
	}
	os.Exit(cli.Run(os.Args[1:]))
}
