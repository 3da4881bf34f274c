package app

import (
	"fyne.io/fyne/v2"

	"topupcards/assets"
	"topupcards/data"
	"topupcards/views"
)

// AppID is the application ID, the same as in FyneApp.toml.
const AppID = "com.topupcards.app"

// MainWindow is the program's window over one store.
type MainWindow struct {
	fyne.Window
	view *views.CardList
}

// NewMainWindow builds the main window for store s in the Fyne app a.
func NewMainWindow(a fyne.App, s *data.Store) *MainWindow {
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Top-up Cards")
	v := views.NewCardList(s, w)
	w.SetContent(v)
	w.Resize(fyne.NewSize(1100, 700))
	go v.Reload(bgCtx())
	return &MainWindow{Window: w, view: v}
}
