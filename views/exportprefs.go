package views

import (
	"errors"
	"io"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// Preference keys of the Export dialog: the choices of the last export,
// offered again at the next one (also after a restart).
const (
	prefExportFormat   = "export.format"
	prefExportLayout   = "export.layout"
	prefExportAcross   = "export.across"
	prefExportDown     = "export.down"
	prefExportPaper    = "export.paper"
	prefExportCutMarks = "export.cutmarks"
	prefExportColours  = "export.colours"
	prefExportLogo     = "export.logo" // the logo file's URI
	prefExportVoid     = "export.includevoid"
	prefExportQRMode   = "export.qrmode"
	prefExportTemplate = "export.qrtemplate"
)

// prefs are where the choices are kept.
func (d *ExportDialog) prefs() fyne.Preferences {
	if d.hooks.Prefs != nil {
		return d.hooks.Prefs
	}
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences()
	}
	return nil
}

// remember keeps the dialog's choices for the next export.
func (d *ExportDialog) remember() {
	p := d.prefs()
	if p == nil {
		return
	}
	p.SetString(prefExportFormat, d.format().Name)
	p.SetString(prefExportLayout, d.Layout.Selected)
	p.SetString(prefExportAcross, d.Across.Selected)
	p.SetString(prefExportDown, d.Down.Selected)
	p.SetString(prefExportPaper, d.Paper.Selected)
	p.SetBool(prefExportCutMarks, d.CutMarks.Checked)
	p.SetString(prefExportColours, d.Colours.Text)
	p.SetString(prefExportLogo, d.logoURI)
	p.SetBool(prefExportVoid, d.IncludeVoid.Checked)
	p.SetString(prefExportQRMode, d.QRMode.Selected)
	p.SetString(prefExportTemplate, d.Template.Text)
}

// recall sets the choices of the last export (those still offered).
func (d *ExportDialog) recall() {
	p := d.prefs()
	if p == nil {
		return
	}
	for _, f := range d.hooks.Formats {
		if f.Name == p.String(prefExportFormat) {
			d.Format.SetSelected(f.Label)
		}
	}
	pick := func(s *keySelect, key string) {
		v := p.String(key)
		for _, o := range s.Options {
			if o == v {
				s.SetSelected(v)
			}
		}
	}
	pick(d.Layout, prefExportLayout)
	pick(d.Across, prefExportAcross)
	pick(d.Down, prefExportDown)
	pick(d.Paper, prefExportPaper)
	d.CutMarks.SetChecked(p.Bool(prefExportCutMarks))
	d.Colours.SetText(p.String(prefExportColours))
	d.IncludeVoid.SetChecked(p.Bool(prefExportVoid))
	d.Template.SetText(p.String(prefExportTemplate))
	if m := p.String(prefExportQRMode); m == qrPIN || m == qrAddress {
		d.QRMode.SetSelected(m)
	}
	if logo := p.String(prefExportLogo); logo != "" {
		d.tasks.Go(func() { d.loadLogo(logo) })
	}
}

// loadLogo reads the logo used last from uri (disk work).
func (d *ExportDialog) loadLogo(uri string) {
	b, name, err := readURI(uri)
	fyne.Do(func() {
		if err != nil {
			d.showProblem(errors.New("the logo used last cannot be read (" + uri + "): choose it again with Logo…, or export without"))
			return
		}
		d.logoURI = uri
		d.SetLogo(b, name)
	})
}

// readURI reads up to 5 MiB from the file at uri.
func readURI(uri string) ([]byte, string, error) {
	u, err := storage.ParseURI(uri)
	if err != nil {
		return nil, "", err
	}
	rc, err := storage.Reader(u)
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 5<<20))
	return b, u.Name(), err
}

// onOpen opens the file just written in the program the system chooses.
func (d *ExportDialog) onOpen() {
	if d.written == "" {
		return
	}
	u, err := url.Parse(storage.NewFileURI(d.written).String())
	if err == nil {
		err = fyne.CurrentApp().OpenURL(u)
	}
	if err != nil {
		d.showProblem(errors.New("the file could not be opened (" + err.Error() + "); it is at " + d.written))
	}
}

// onShowFile shows the file just written in its folder.
func (d *ExportDialog) onShowFile() {
	if d.written == "" {
		return
	}
	path := d.written
	d.tasks.Go(func() {
		if err := showInFolder(path); err != nil {
			fyne.Do(func() {
				d.showProblem(errors.New("the folder could not be shown (" + err.Error() + "); the file is at " + path))
			})
		}
	})
}
