package app

import (
	"context"
	"fmt"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

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

// RunWindow runs the Fyne app a with the main window over the database at
// path until the person quits. When there is no file at path it first asks
// whether to create a new, empty card database there. open opens (or
// creates) the store; RunWindow closes it at the end.
func RunWindow(a fyne.App, path string, exists bool, open func() (*data.Store, error)) error {
	var s *data.Store
	start := func() error {
		var err error
		if s, err = open(); err != nil {
			return err
		}
		w := NewMainWindow(a, s)
		w.SetTitle("Top-up Cards — " + path)
		w.Show()
		// The day's backup, while the person works (writes do not wait).
		w.Tasks.Go(func() { _ = s.DailyBackup(context.Background()) })
		if ws := s.Warnings(); len(ws) > 0 {
			dialog.ShowInformation("The card database is not private", strings.Join(ws, "\n\n"), w)
		}
		return nil
	}
	if exists {
		if err := start(); err != nil {
			return err
		}
	} else {
		ask := a.NewWindow("Top-up Cards")
		ask.Resize(fyne.NewSize(640, 240))
		c := dialog.NewConfirm("No card database yet",
			fmt.Sprintf("There is no card database at\n%s\n\nCreate a new, empty one there?\n(To open another file, quit and start with --db PATH.)", path),
			func(ok bool) {
				if !ok {
					a.Quit()
					return
				}
				if err := start(); err != nil {
					dialog.ShowError(err, ask)
					return
				}
				ask.Close()
			}, ask)
		c.SetConfirmText("Create")
		c.SetDismissText("Quit")
		ask.SetCloseIntercept(a.Quit)
		ask.Show()
		c.Show()
	}
	a.Run()
	if s != nil {
		return s.Close()
	}
	return nil
}

// NewMainWindow builds the main window for store s in the Fyne app a.
func NewMainWindow(a fyne.App, s *data.Store) *MainWindow {
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Top-up Cards")
	m := &MainWindow{Window: w, Tasks: &views.Tasks{}, store: s}
	m.View = views.NewMainView(s, w, m.Tasks)
	m.View.ExportHooks = m.exportHooks()
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
	m.View.LoadInBackground()
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
		item("Export…", v.ShowExport, fyne.KeyE),
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
		fyne.KeyF: v.FocusSearch, fyne.KeyE: v.ShowExport, fyne.KeyH: v.ShowHistory,
	} {
		fn := fn
		m.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { fn() })
	}
}

// exportOptions turns the dialog's request into export options.
func exportOptions(r views.ExportRequest) (export.Options, error) {
	opts := export.Options{Across: r.Across, Down: r.Down, QRTemplate: r.QRTemplate, Force: r.Overwrite,
		Layout: r.Layout, CutMarks: r.CutMarks, Logo: r.Logo}
	if r.Letter {
		opts.Paper = export.PaperLetter
	}
	if r.Format == "pdf" {
		var err error
		if opts.Colours, err = export.ParseColours(r.Colours); err != nil {
			return opts, err
		}
		if strings.HasPrefix(r.Layout, "grid-") { // the paper picks the grid
			opts.Layout = ""
		}
	}
	return opts, nil
}

// exportHooks connect the Export dialog to the export package.
func (m *MainWindow) exportHooks() views.ExportHooks {
	var layouts []string
	for _, l := range export.PDFLayouts() {
		if l.Name == "grid-letter" {
			continue // "grid-a4" stands for the plain grid; the paper picks which
		}
		layouts = append(layouts, l.Name)
	}
	return views.ExportHooks{
		Run: func(ctx context.Context, r views.ExportRequest, progress func(done, total int64)) (string, error) {
			opts, err := exportOptions(r)
			if err != nil {
				return "", err
			}
			opts.Progress = progress
			res, err := export.Export(ctx, m.store, r.Filter, r.Path, opts)
			if err != nil {
				return "", err
			}
			switch r.Format {
			case "csv":
				return fmt.Sprintf("Exported %d cards to %s.", res.Cards, res.Path), nil
			case "pdf":
				msg := fmt.Sprintf("Exported %d cards to %s: %d pages, the last with the control totals.", res.Cards, res.Path, res.Pages)
				if res.Reprints > 0 {
					msg += fmt.Sprintf(" %d cards were printed before and are marked REPRINT.", res.Reprints)
				}
				return msg, nil
			}
			return fmt.Sprintf("Exported %d cards to %s: %d voucher pages, with the Cards and Summary sheets.", res.Cards, res.Path, res.Pages), nil
		},
		CheckTemplate: export.CheckQRTemplate,
		Estimate: func(workbook bool, n int64) time.Duration {
			if workbook {
				return export.Estimate(export.FormatXLSX, n)
			}
			return export.Estimate(export.FormatCSV, n)
		},
		MaxWorkbook: export.MaxWorkbookCards,
		Layouts:     layouts,
		CheckPDF: func(r views.ExportRequest) error {
			opts, err := exportOptions(r)
			if err == nil {
				_, err = export.CheckOptions(opts)
			}
			return err
		},
		Preview: func(ctx context.Context, r views.ExportRequest, widthPx int) (image.Image, error) {
			opts, err := exportOptions(r)
			if err != nil {
				return nil, err
			}
			lay, err := export.CheckOptions(opts)
			if err != nil {
				return nil, err
			}
			return export.PreviewPage(export.CardsOf(ctx, m.store, r.Filter, opts.QRTemplate, nil), export.PDFOptions{Layout: lay, CutMarks: opts.CutMarks, Logo: opts.Logo, Colours: opts.Colours}, widthPx)
		},
	}
}
