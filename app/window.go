package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"

	"topupcards/assets"
	"topupcards/data"
	"topupcards/export"
	"topupcards/views"
)

// AppID is the application ID, the same as in FyneApp.toml.
const AppID = "com.topupcards.app"

// Preference keys.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
)

// MainWindow is the program's window over one store.
type MainWindow struct {
	fyne.Window
	View  *views.MainView
	Tasks *views.Tasks
	store *data.Store
}

// NewMainWindow builds the main window for store s in the Fyne app a.
func NewMainWindow(a fyne.App, s *data.Store) *MainWindow {
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Top-up Cards")
	m := &MainWindow{Window: w, Tasks: &views.Tasks{}, store: s}
	m.View = views.NewMainView(s, w, m.Tasks)
	m.View.OnExport = m.onExport
	w.SetContent(m.View)
	w.SetMainMenu(m.makeMenu())
	m.addShortcuts()
	p := a.Preferences()
	w.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWidth, 1280)), float32(p.FloatWithFallback(prefHeight, 800))))
	w.SetCloseIntercept(func() {
		sz := w.Canvas().Size()
		p.SetFloat(prefWidth, float64(sz.Width))
		p.SetFloat(prefHeight, float64(sz.Height))
		w.Close()
	})
	m.Tasks.Go(func() { m.View.Reload(context.Background()) })
	return m
}

func (m *MainWindow) makeMenu() *fyne.MainMenu {
	v := m.View
	item := func(label string, fn func(), key fyne.KeyName) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, fn)
		if key != "" {
			it.Shortcut = &desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault}
		}
		return it
	}
	cards := fyne.NewMenu("Cards",
		item("Generate Top-Up Cards…", v.ShowGenerate, fyne.KeyG),
		item("Mass Edit…", v.ShowMassEdit, fyne.KeyM),
		item("Redeem…", v.ShowRedeem, fyne.KeyR),
		fyne.NewMenuItemSeparator(),
		item("Find…", v.FocusSearch, fyne.KeyF),
		item("Export…", v.Export, fyne.KeyE),
	)
	manage := fyne.NewMenu("Manage",
		item("Resellers…", v.ShowResellers, ""),
		item("History & Backups…", v.ShowHistory, fyne.KeyH),
	)
	return fyne.NewMainMenu(cards, manage)
}

func (m *MainWindow) addShortcuts() {
	v := m.View
	for key, fn := range map[fyne.KeyName]func(){
		fyne.KeyG: v.ShowGenerate, fyne.KeyM: v.ShowMassEdit, fyne.KeyR: v.ShowRedeem,
		fyne.KeyF: v.FocusSearch, fyne.KeyE: v.Export, fyne.KeyH: v.ShowHistory,
	} {
		fn := fn
		m.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { fn() })
	}
}

// onExport saves the current search as CSV (the printable workbook comes
// with the export issue).
func (m *MainWindow) onExport(f data.Filter, sum data.Summary) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			dialog.ShowError(err, m.Window)
			return
		}
		if wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		if !strings.HasSuffix(strings.ToLower(path), ".csv") {
			os.Remove(path)
			path += ".csv"
		}
		m.Tasks.Go(func() {
			err := ExportCSV(context.Background(), m.store, f, path)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(fmt.Errorf("export to %s failed: %w", path, err), m.Window)
					return
				}
				dialog.ShowInformation("Exported", fmt.Sprintf("%d cards written to\n%s", sum.Cards, path), m.Window)
			})
		})
	}, m.Window)
	d.SetFileName("cards.csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Show()
}

// ExportCSV writes the cards f matches to path as CSV, through a temporary
// file renamed into place, and records the export in the history.
func ExportCSV(ctx context.Context, s *data.Store, f data.Filter, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	lw, err := export.NewListWriter(tmp, s.Now())
	if err != nil {
		tmp.Close()
		return err
	}
	var n int64
	err = s.Each(ctx, f, data.Sort{}, func(c data.Card) error { n++; return lw.Write(c) })
	if err == nil {
		err = lw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return s.LogExport(ctx, f, n, path)
}
