package app

import (
	"context"
	"strings"

	"topupcards/data"
	"topupcards/export"
	"topupcards/views"
)

// showPrint opens the Print dialog for the cards f matches.
func (m *MainWindow) showPrint(f data.Filter, what string) {
	m.lastPrint = views.NewPrintDialog(m.Tasks, m.Window, m.printHooks(), f, what)
	m.lastPrint.Show()
}

// showDesigner opens the card designer.
func (m *MainWindow) showDesigner() {
	m.lastDesigner = views.NewDesigner(m.store, m.Tasks, m.Window)
	m.lastDesigner.Show()
}

// printHooks connect the Print dialog to the system's printers and to
// runPrint, which writes, sends and records a print run.
func (m *MainWindow) printHooks() views.PrintHooks {
	var layouts []string
	for _, l := range export.PDFLayouts() {
		layouts = append(layouts, l.Name)
	}
	return views.PrintHooks{
		Layouts: layouts,
		Printers: func(ctx context.Context) ([]string, string, error) {
			ps, err := listPrinters(ctx)
			if err != nil {
				return nil, "", err
			}
			var names []string
			def := ""
			for _, p := range ps {
				names = append(names, p.Name)
				if p.Default {
					def = p.Name
				}
			}
			return names, def, nil
		},
		Templates: func(ctx context.Context) ([]string, error) {
			ts, err := m.store.Templates(ctx)
			var names []string
			for _, t := range ts {
				names = append(names, t.Name)
			}
			return names, err
		},
		Run: func(ctx context.Context, r views.PrintRequest) (string, error) {
			opts := export.Options{Layout: r.Layout, DPI: export.DefaultDPI}
			if strings.HasPrefix(r.Layout, "grid-letter") {
				opts.Paper = export.PaperLetter
			}
			tpl, err := resolveTemplate(ctx, m.store, r.Template, r.Filter)
			if err != nil {
				return "", err
			}
			opts.Template = tpl
			if err := export.PDF.Check(opts); err != nil {
				return "", err
			}
			res, err := runPrint(ctx, m.store, r.Filter, r.Printer, opts, r.Copies)
			if err != nil {
				return "", err
			}
			m.View.LoadInBackground() // the Printed column
			return res.summary(r.Filter), nil
		},
	}
}
