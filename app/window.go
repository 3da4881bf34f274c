package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"

	"topupcards/assets"
	"topupcards/data"
	"topupcards/data/sqlite"
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

// minWindow is the smallest the main window's content gets (the menu bar
// comes on top): the toolbar, the search, a useful part of the table and
// every dialog (they scroll) fit it; a 900×600 window still can be had.
var minWindow = fyne.NewSize(800, 520)

// minSizeBox is an empty object of size min, to keep a window at least that
// large (Fyne windows cannot get smaller than their content's minimum).
func minSizeBox(min fyne.Size) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(min)
	return r
}

// MainWindow is the program's window over one store.
type MainWindow struct {
	fyne.Window
	View  *views.MainView
	Tasks *views.Tasks
	store data.Store
	// The print dialog and designer opened last (for tests).
	lastPrint    *views.PrintDialog
	lastDesigner *views.Designer
	// connect is File → Connect to a server… when open (connect.go).
	connect *views.ConnectDialog
	// onMoved is told the store the work moved to (RunWindow closes it at
	// the end); moved is the window it moved to.
	onMoved func(data.Store)
	moved   *MainWindow
	closed  bool
}

// Close closes the window; a second call does nothing (a window the work
// moved away from is closed already).
func (m *MainWindow) Close() {
	if m.closed {
		return
	}
	m.closed = true
	m.Window.Close()
}

// isDefaultDB reports whether path is the card database the window opens
// when none is named (no --db, no TOPUPCARDS_DB).
func isDefaultDB(path string) bool {
	def, err := sqlite.DefaultPath()
	return err == nil && os.Getenv("TOPUPCARDS_DB") == "" && filepath.Clean(path) == filepath.Clean(def)
}

// RunWindow runs the Fyne app a with the main window over the database at
// path until the person quits. When there is no file at path it first asks
// whether to create a new, empty card database there. open opens (or
// creates) the store; RunWindow closes it at the end.
func RunWindow(a fyne.App, path string, exists bool, open func() (data.Store, error)) (err error) {
	var s data.Store
	// A display that is named but does not answer (a stale DISPLAY) stops
	// Fyne's driver with a panic: say so in a sentence instead.
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !strings.Contains(fmt.Sprint(r), "GLFW") {
			panic(r)
		}
		if s != nil {
			_ = s.Close()
		}
		err = fmt.Errorf("the window cannot be shown: the graphical session does not answer (%v); "+
			"run topupcards from the desktop, or use the command line: topupcards -h lists the commands", r)
	}()
	// The window holds little Go memory (the ids of the rows, a few pages of
	// cards): a soft limit makes the collector return garbage early, so a
	// long session on a million cards stays small. An explicit GOMEMLIMIT
	// wins.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(windowMemoryLimit)
	}
	start := func() error {
		var err error
		if s, err = open(); err != nil {
			return err
		}
		w := NewMainWindow(a, s)
		w.onMoved = func(to data.Store) { s = to } // closed at the end instead
		w.SetTitle("Top-up Cards — " + s.Path())
		w.Show()
		// The day's backup, while the person works (writes do not wait).
		w.Tasks.Go(func() { _ = s.DailyBackup(context.Background()) })
		if ws := s.Warnings(); len(ws) > 0 {
			views.ShowInfo("Please read: about this card database", strings.Join(ws, "\n\n"), w)
		} else if isDefaultDB(path) {
			// Started without --db: a desk that moved to a server last
			// time is offered it again.
			w.offerLastServer()
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
		ask.SetCloseIntercept(a.Quit)
		ask.Show()
		// Enter creates, Escape quits.
		views.Ask("No card database yet",
			fmt.Sprintf("There is no card database at\n%s\n\nCreate a new, empty one there?\n(To open another file, quit and start with --db PATH.)", path),
			"Create", "Quit", func(ok bool) {
				if !ok {
					a.Quit()
					return
				}
				if err := start(); err != nil {
					views.ShowError(err, ask)
					return
				}
				ask.Close()
			}, ask)
	}
	a.Run()
	if s != nil {
		return s.Close()
	}
	return nil
}

// windowMemoryLimit is the window's soft limit on Go memory.
const windowMemoryLimit = 64 << 20

// NewMainWindow builds the main window for store s in the Fyne app a.
func NewMainWindow(a fyne.App, s data.Store) *MainWindow {
	return newMainWindow(a, s, &views.Tasks{})
}

// newMainWindow is NewMainWindow with its disk work run by tasks (tests
// give synchronous ones, for Fyne's test driver).
func newMainWindow(a fyne.App, s data.Store, tasks *views.Tasks) *MainWindow {
	a.SetIcon(assets.Icon)
	w := a.NewWindow("Top-up Cards")
	m := &MainWindow{Window: w, Tasks: tasks, store: s}
	m.View = views.NewMainView(s, w, m.Tasks)
	m.View.ExportHooks = m.exportHooks()
	m.View.PrintBatch = func(batch int64) { m.showPrint(data.Filter{Batch: batch}, fmt.Sprintf("Batch #%d", batch)) }
	w.SetContent(container.NewStack(minSizeBox(minWindow), m.View))
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
	if !tasks.Synchronous { // tests drive the view themselves
		// Changes by other processes show within a second while the window
		// is in front (it starts in front; focus moves it in and out).
		ctx, stop := context.WithCancel(context.Background())
		m.View.SetFront(true)
		a.Lifecycle().SetOnEnteredForeground(func() { m.View.SetFront(true) })
		a.Lifecycle().SetOnExitedForeground(func() { m.View.SetFront(false) })
		w.SetOnClosed(stop)
		go m.View.Watch(ctx)
	}
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
		item("Print…", func() { m.showPrint(v.Filter(), "The current search: "+v.Filter().Describe()) }, fyne.KeyP),
		item("Card Designer…", m.showDesigner, fyne.KeyD),
	)
	if m.cashier() {
		// What a cashier's login may not do is not offered (the server
		// refuses it anyway): redeem and find remain.
		cards = fyne.NewMenu("Cards", item("Redeem…", v.ShowRedeem, fyne.KeyR), fyne.NewMenuItemSeparator(),
			item("Find…", v.FocusSearch, fyne.KeyF))
	}
	manage := fyne.NewMenu("Manage",
		item("Resellers…", v.ShowResellers, ""),
		item("History & Backups…", v.ShowHistory, fyne.KeyH),
		fyne.NewMenuItemSeparator(),
		item("Settings…", v.ShowSettings, fyne.KeyComma),
	)
	return fyne.NewMainMenu(m.makeFileMenu(), cards, manage)
}

func (m *MainWindow) addShortcuts() {
	v := m.View
	keys := map[fyne.KeyName]func(){
		fyne.KeyG: v.ShowGenerate, fyne.KeyM: v.ShowMassEdit, fyne.KeyR: v.ShowRedeem,
		fyne.KeyF: v.FocusSearch, fyne.KeyE: v.ShowExport, fyne.KeyH: v.ShowHistory, fyne.KeyComma: v.ShowSettings,
	}
	if m.cashier() {
		for _, k := range []fyne.KeyName{fyne.KeyG, fyne.KeyM, fyne.KeyE, fyne.KeyP, fyne.KeyD} {
			delete(keys, k)
		}
	}
	for key, fn := range keys {
		fn := fn
		m.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { fn() })
	}
}

// exportOptions turns the dialog's request into its format and options.
func exportOptions(r views.ExportRequest) (*export.Format, export.Options, error) {
	format, err := export.FormatNamed(r.Format.Name)
	if err != nil {
		return nil, export.Options{}, err
	}
	opts := export.Options{Across: r.Across, Down: r.Down, QRTemplate: r.QRTemplate, Layout: r.Layout,
		CutMarks: r.CutMarks, Logo: r.Logo, IncludeVoid: r.IncludeVoid, Locale: r.Locale}
	if r.Letter {
		opts.Paper = export.PaperLetter
	}
	if r.Colours != "" {
		if opts.Colours, err = export.ParseColours(r.Colours); err != nil {
			return nil, opts, err
		}
	}
	if strings.HasPrefix(r.Layout, "grid-") { // the paper picks the grid
		opts.Layout = ""
	}
	return format, opts, format.Check(opts)
}

// exportFormats are the export formats as the dialog offers them.
func exportFormats() []views.ExportFormat {
	var out []views.ExportFormat
	for _, f := range export.Formats {
		out = append(out, views.ExportFormat{Name: f.Name, Ext: f.Ext, Label: f.Label, Vouchers: f.Vouchers,
			Grid: f.Has(export.TakesGrid), CutMarks: f.Has(export.TakesCutMarks), Logo: f.Has(export.TakesLogo),
			Colours: f.Has(export.TakesColours), MaxCards: f.MaxCards})
	}
	return out
}

// exportHooks connect the Export dialog to the export package and to the
// one use case that writes export files (runExport).
func (m *MainWindow) exportHooks() views.ExportHooks {
	var layouts []string
	for _, l := range export.PDFLayouts() {
		if l.Name == "grid-letter" {
			continue // "grid-a4" stands for the plain grid; the paper picks which
		}
		layouts = append(layouts, l.Name)
	}
	return views.ExportHooks{
		Formats: exportFormats(),
		Count: func(ctx context.Context, r views.ExportRequest) (views.ExportCount, error) {
			format, err := export.FormatNamed(r.Format.Name)
			if err != nil {
				return views.ExportCount{}, err
			}
			var sel export.Selection
			err = m.store.Read(ctx, func(rd data.Reader) error {
				sel, err = export.Select(ctx, rd, r.Filter, format, export.Options{IncludeVoid: r.IncludeVoid})
				return err
			})
			if errors.Is(err, data.ErrNotFound) { // nothing to export: the dialog says so
				err = nil
			}
			return views.ExportCount{Matched: sel.Matched, Cards: sel.Cards, LeftOut: sel.LeftOutText()}, err
		},
		Run: func(ctx context.Context, r views.ExportRequest, progress func(done, total int64)) (string, error) {
			format, opts, err := exportOptions(r)
			if err != nil {
				return "", err
			}
			if format.Has(export.TakesTemplate) {
				if opts.Template, err = resolveTemplate(ctx, m.store, r.CardTemplate, r.Filter); err != nil {
					return "", err
				}
			}
			opts.Progress = progress
			res, err := runExport(ctx, m.store, r.Filter, r.Path, format, opts, r.Overwrite)
			if err != nil {
				// The save dialog's empty file is not an export: leave nothing.
				if st, serr := os.Stat(r.Path); serr == nil && st.Size() == 0 {
					os.Remove(r.Path)
				}
				return "", err
			}
			return res.summary(r.Filter, "tick Include void cards to print them stamped"), nil
		},
		SavePath:      savePath,
		CheckTemplate: export.CheckQRTemplate,
		Estimate: func(name string, n int64) time.Duration {
			if f, err := export.FormatNamed(name); err == nil {
				return f.Estimate(n)
			}
			return 0
		},
		Layouts: layouts,
		Prefs:   fyne.CurrentApp().Preferences(),
		Templates: func(ctx context.Context) ([]string, error) {
			ts, err := m.store.Templates(ctx)
			var names []string
			for _, t := range ts {
				names = append(names, t.Name)
			}
			return names, err
		},
		Check: func(r views.ExportRequest) error {
			_, _, err := exportOptions(r)
			return err
		},
		Preview: func(ctx context.Context, r views.ExportRequest, widthPx int) (image.Image, error) {
			_, opts, err := exportOptions(r)
			if err != nil {
				return nil, err
			}
			if opts.Template, err = resolveTemplate(ctx, m.store, r.CardTemplate, r.Filter); err != nil {
				return nil, err
			}
			opts.MaskPINs = r.MaskPINs
			var img image.Image
			err = m.store.Read(ctx, func(rd data.Reader) error {
				img, err = export.Preview(ctx, rd, r.Filter, opts, widthPx)
				return err
			})
			return img, err
		},
	}
}

// savePath is where the save dialog's choice path is exported to: path
// itself when it ends in ext (the save dialog asked before replacing it);
// else path+ext, after removing the empty file the save dialog made at
// path, and exists says whether replacing path+ext must be asked for.
func savePath(path, ext string) (string, bool, error) {
	if strings.EqualFold(filepath.Ext(path), ext) {
		return path, true, nil
	}
	if st, err := os.Stat(path); err == nil && st.Size() == 0 {
		os.Remove(path)
	}
	path += ext
	_, err := os.Stat(path)
	return path, err == nil, nil
}

// cashier reports whether the store's login is a cashier's (data.Roled).
func (m *MainWindow) cashier() bool {
	r, ok := m.store.(data.Roled)
	return ok && r.Role() == data.RoleCashier
}
