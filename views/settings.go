package views

import (
	"os"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// Preference keys of the Settings dialog.
const (
	// PrefLocale is the locale dates and amounts are shown in: a BCP 47 tag
	// ("de-DE"), "iso", or "" for the system's.
	PrefLocale = "format.locale"
)

// Formats is the locale one window shows dates and amounts in, shared by
// all its screens: the person's choice (Settings) or the system's. It is
// set on the UI goroutine and may be read from any.
type Formats struct {
	cur       atomic.Pointer[data.Locale]
	tag       string   // as chosen: "" for the system's
	listeners []func() // told on the UI goroutine after a change
}

// NewFormats is the Formats for the chosen tag ("" for the system's).
func NewFormats(tag string) *Formats {
	f := &Formats{}
	f.set(tag)
	return f
}

// FormatsFromPreferences is the Formats the person chose in Settings.
func FormatsFromPreferences(p fyne.Preferences) *Formats {
	return NewFormats(p.String(PrefLocale))
}

// Locale is the locale to show dates and amounts in. A nil Formats (a
// widget built alone, in a test) gives data.DefaultLocaleTag's.
func (f *Formats) Locale() data.Locale {
	if f == nil {
		return data.NewLocale(data.DefaultLocaleTag)
	}
	return *f.cur.Load()
}

// Tag is the locale as chosen: "" for the system's.
func (f *Formats) Tag() string {
	if f == nil {
		return ""
	}
	return f.tag
}

// set chooses tag ("" for the system's) and tells the listeners.
func (f *Formats) set(tag string) {
	l := data.NewLocale(cmpOr(tag, SystemLocaleTag()))
	f.tag = tag
	f.cur.Store(&l)
	for _, fn := range f.listeners {
		fn()
	}
}

// onChange calls fn on the UI goroutine after every change.
func (f *Formats) onChange(fn func()) {
	if f != nil {
		f.listeners = append(f.listeners, fn)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SystemLocaleTag is the system's locale for dates and numbers: on Linux
// and other Unix systems the environment (LC_ALL, then LC_TIME,
// LC_NUMERIC, LANG, as the C library reads it), elsewhere the one Fyne
// finds (Windows' and macOS' user setting).
func SystemLocaleTag() string {
	for _, v := range []string{"LC_ALL", "LC_TIME", "LC_NUMERIC", "LANG"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	return lang.SystemLocale().String()
}

// localeChoice is one entry of the Settings dialog's locale list.
type localeChoice struct{ tag, name string }

// localeChoices are the locales offered besides the system's; any other
// can be set through the environment (LC_TIME, LANG).
var localeChoices = []localeChoice{
	{"iso", "ISO 8601, plain numbers"},
	{"ar-EG", "العربية (مصر)"},
	{"da-DK", "Dansk (Danmark)"},
	{"de-CH", "Deutsch (Schweiz)"},
	{"de-DE", "Deutsch (Deutschland)"},
	{"en-AU", "English (Australia)"},
	{"en-CA", "English (Canada)"},
	{"en-GB", "English (United Kingdom)"},
	{"en-IN", "English (India)"},
	{"en-NG", "English (Nigeria)"},
	{"en-US", "English (United States)"},
	{"es-ES", "Español (España)"},
	{"es-MX", "Español (México)"},
	{"fr-CA", "Français (Canada)"},
	{"fr-CI", "Français (Côte d’Ivoire)"},
	{"fr-FR", "Français (France)"},
	{"fr-SN", "Français (Sénégal)"},
	{"it-IT", "Italiano (Italia)"},
	{"ja-JP", "日本語 (日本)"},
	{"ko-KR", "한국어 (대한민국)"},
	{"nl-NL", "Nederlands (Nederland)"},
	{"pl-PL", "Polski (Polska)"},
	{"pt-BR", "Português (Brasil)"},
	{"pt-PT", "Português (Portugal)"},
	{"ru-RU", "Русский (Россия)"},
	{"sv-SE", "Svenska (Sverige)"},
	{"sw-KE", "Kiswahili (Kenya)"},
	{"tr-TR", "Türkçe (Türkiye)"},
	{"uk-UA", "Українська (Україна)"},
	{"vi-VN", "Tiếng Việt (Việt Nam)"},
	{"zh-CN", "中文 (中国)"},
}

// settingRow is one row of the Settings dialog: its label, its widget and
// what Save does with it.
type settingRow struct {
	label string
	obj   fyne.CanvasObject
	save  func()
}

// SettingsDialog lets the person choose how the window shows things; the
// choices are kept in the app's Preferences. Each setting is one row
// (addRow): its label, its input and what Save does.
type SettingsDialog struct {
	Locale   *widget.Select // the locale of dates and amounts
	Example  *widget.Label  // what the chosen locale shows
	HidePINs *widget.Check  // the Hide PINs setting
	Dialog   *dialog.ConfirmDialog
	keyed    *keyedDialog

	// OnHidePINs is told the Hide PINs choice when it changed on Save.
	OnHidePINs func(hide bool)

	prefs   fyne.Preferences
	formats *Formats
	rows    []settingRow
}

// NewSettingsDialog builds the dialog over the app's preferences; Save
// applies the choices to formats (every screen of the window follows).
func NewSettingsDialog(prefs fyne.Preferences, formats *Formats, win fyne.Window) *SettingsDialog {
	d := &SettingsDialog{prefs: prefs, formats: formats}
	d.addLocaleRow()
	d.addHidePINsRow()
	form := widget.NewForm()
	for _, r := range d.rows {
		form.Append(r.label, r.obj)
	}
	intro := widget.NewLabel("Dates, times and amounts are shown in the window and printed on vouchers this way.\n" +
		"Date fields also take ISO dates (2027-01-31 18:00); the command line and CSV files always use ISO and plain amounts.")
	intro.Wrapping = fyne.TextWrapWord
	content := container.NewVBox(form, intro)
	d.Dialog = dialog.NewCustomConfirm("Settings", "Save", "Cancel", content, func(ok bool) {
		if ok {
			d.save()
		}
	}, win)
	d.Dialog.Resize(fyne.NewSize(min(640, win.Canvas().Size().Width-40), 0))
	// Escape cancels; Enter saves.
	d.keyed = keyed(d.Dialog, win, func() {
		d.save()
		d.Dialog.Hide()
	})
	return d
}

// addHidePINsRow adds the Hide PINs switch (on unless turned off).
func (d *SettingsDialog) addHidePINsRow() {
	hide := d.prefs.BoolWithFallback(prefHidePINs, true)
	d.HidePINs = widget.NewCheck("Show PINs as •••• •••• 3854; show one card's PIN only on request (written to the history)", nil)
	d.HidePINs.SetChecked(hide)
	d.addRow("Hide PINs", d.HidePINs, func() {
		if d.HidePINs.Checked != hide && d.OnHidePINs != nil {
			d.OnHidePINs(d.HidePINs.Checked)
		}
	})
}

// addRow adds a setting: its label, input and what Save does with it.
func (d *SettingsDialog) addRow(label string, obj fyne.CanvasObject, save func()) {
	d.rows = append(d.rows, settingRow{label: label, obj: obj, save: save})
}

// addLocaleRow adds the choice of locale with an example under it.
func (d *SettingsDialog) addLocaleRow() {
	system := "System (" + data.NewLocale(SystemLocaleTag()).Tag() + ")"
	options := []string{system}
	tags := map[string]string{system: ""}
	for _, c := range localeChoices {
		label := c.name + " — " + c.tag
		options = append(options, label)
		tags[label] = c.tag
	}
	d.Example = widget.NewLabel("")
	d.Example.Wrapping = fyne.TextWrapWord
	d.Locale = widget.NewSelect(options, func(label string) {
		d.Example.SetText(localeExample(data.NewLocale(cmpOr(tags[label], SystemLocaleTag()))))
	})
	chosen := system
	for label, tag := range tags {
		if tag != "" && tag == d.formats.Tag() {
			chosen = label
		}
	}
	d.Locale.SetSelected(chosen)
	d.addRow("Dates and amounts", container.NewVBox(d.Locale, d.Example), func() {
		tag := tags[d.Locale.Selected]
		d.prefs.SetString(PrefLocale, tag)
		d.formats.set(tag)
	})
}

// localeExample shows what locale l writes.
func localeExample(l data.Locale) string {
	at := time.Date(2027, 9, 30, 18, 0, 0, 0, time.Local)
	return strings.Join([]string{
		l.Amount(data.Money{Minor: 123450, Currency: "USD"}),
		l.Amount(data.Money{Minor: 5000, Currency: "XOF"}),
		l.Amount(data.Money{Minor: 500, Currency: "KWD"}),
		l.DateTime(at),
	}, "  ·  ")
}

// save applies every row.
func (d *SettingsDialog) save() {
	for _, r := range d.rows {
		r.save()
	}
}

// ShowSettings opens the Settings dialog.
func (v *MainView) ShowSettings() {
	d := NewSettingsDialog(fyne.CurrentApp().Preferences(), v.formats, v.win)
	// The same setting as the check under the table (which keeps the record).
	d.OnHidePINs = v.HidePINs.SetChecked
	v.lastSettings = d
	d.keyed.Show()
}
