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
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		Terminal: st != nil && st.Mode()&os.ModeCharDevice != 0,
		OpenWindow: func(ctx context.Context, s *data.Store) error {
			a := fyneapp.NewWithID(app.AppID)
			app.NewMainWindow(a, s).ShowAndRun()
			return nil
		},
	}
	os.Exit(cli.Run(os.Args[1:]))
}
