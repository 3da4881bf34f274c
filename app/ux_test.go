package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

// The export choices (layout, across, paper, cut marks, colours, void
// cards; the logo: views.TestExportLogoRemembered) of one export are offered at the next, also in a new app
// that reads the same preferences; after an export Open and Show in folder
// appear.
func TestExportChoicesRemembered(t *testing.T) {
	m, _ := newWindow(t, map[string]int{"3": 6})
	prefs := fyne.CurrentApp().Preferences()
	m.View.ShowExport()
	m.Tasks.Wait()
	d := m.View.LastExport
	m.Tasks.Wait()
	if d.Open.Visible() || d.ShowFile.Visible() {
		t.Error("Open and Show in folder before anything was written")
	}
	d.Layout.SetSelected("cards-a4-10up")
	d.Across.SetSelected("2")
	d.Paper.SetSelected("Letter")
	d.CutMarks.SetChecked(true)
	d.IncludeVoid.SetChecked(true)
	d.Colours.SetText("8.00=#2E7D32")
	path := filepath.Join(t.TempDir(), "cards.pdf")
	d.Start(path, false)
	m.Tasks.Wait()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no export: %v (problem %q)", err, d.Problem.Text)
	}
	if !d.Open.Visible() || !d.ShowFile.Visible() {
		t.Error("no Open / Show in folder after the export")
	}

	// A new app (a restart) with the same preferences.
	m2, _ := newWindow(t, map[string]int{"4": 2})
	m2.View.ExportHooks.Prefs = prefs
	m2.View.ShowExport()
	m2.Tasks.Wait()
	d2 := m2.View.LastExport
	m2.Tasks.Wait()
	got := []string{d2.Format.Selected, d2.Layout.Selected, d2.Across.Selected, d2.Paper.Selected, d2.Colours.Text}
	want := []string{"PDF voucher sheets (.pdf)", "cards-a4-10up", "2", "Letter", "8.00=#2E7D32"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("remembered %q, want %q", got[i], want[i])
		}
	}
	if !d2.CutMarks.Checked || !d2.IncludeVoid.Checked {
		t.Errorf("cut marks %t, void cards %t not remembered", d2.CutMarks.Checked, d2.IncludeVoid.Checked)
	}
}

// The main window cannot be made smaller than a size at which its parts
// and dialogs fit, and that size is no larger than a 900×600 screen.
func TestMainWindowMinimum(t *testing.T) {
	m, _ := newWindow(t, map[string]int{"3": 1})
	min := m.Content().MinSize()
	if min.Width < minWindow.Width || min.Height < minWindow.Height {
		t.Errorf("content minimum %v, below %v", min, minWindow)
	}
	if min.Width > 900 || min.Height > 560 {
		t.Errorf("content minimum %v does not fit a 900×600 window with its menu bar", min)
	}
}
