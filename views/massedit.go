package views

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// Choices of the mass edit's radio groups.
const (
	choicePreserve = "preserve"
	choiceSet      = "set to"
	choiceClear    = "clear"
	choiceBlock    = "block"
	choiceUnblock  = "unblock"
)

// previewRows is how many matched cards the mass edit lists.
const previewRows = 200

// MassEditDialog is the seed's "Mass Top-up Cards Edit" window: it applies
// to the cards of the current search.
type MassEditDialog struct {
	store  Store
	tasks  *Tasks
	win    fyne.Window
	filter data.Filter

	Count       *widget.Label
	Preview     *widget.Table
	ExpiryMode  *keyRadio
	Expiry      *DateField
	CompanyMode *keyRadio
	Company     *keySelect
	StatusMode  *keyRadio
	Problem     *widget.Label
	Process     *keyButton
	DeleteMatch *keyButton
	DeleteAll   *keyButton
	Close       *keyButton

	// SearchEdited says that the sidebar was changed since the search
	// these cards come from was run.
	SearchEdited *widget.Label

	// The typed-confirmation dialog open now, for tests.
	Confirm *TypedConfirm
	// ask is the Process question open now.
	ask *keyedDialog

	cards   []data.Card
	matched int64
	// all: every card in the file, for Delete all to say what it destroys.
	all data.Summary
	dlg *keyedDialog
	// info is the result shown after the dialog closed, for tests.
	info *keyedDialog

	// OnChanged is told when cards were changed or deleted.
	OnChanged func(msg string)

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewMassEditDialog builds the dialog for the cards f matches.
func NewMassEditDialog(store Store, tasks *Tasks, win fyne.Window, f data.Filter, resellers []data.Reseller) *MassEditDialog {
	m := &MassEditDialog{store: store, tasks: tasks, win: win, filter: f}
	// Enter processes the edit, Escape closes.
	keys := &dialogKeys{Enter: m.onProcess}
	m.Count = widget.NewLabel("Counting the matching cards…")
	m.Count.Wrapping = fyne.TextWrapWord
	m.Preview = widget.NewTable(
		func() (int, int) { return len(m.cards), 6 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("05/11/2018 15:08:17 +0000")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(m.previewText(id.Row, id.Col))
		})
	m.Preview.ShowHeaderRow = true
	m.Preview.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	m.Preview.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		titles := []string{"Status", "Serial Number", "Expiry Date", "Reseller", "Activated", "Created on"}
		if id.Col >= 0 && id.Col < len(titles) {
			o.(*widget.Label).SetText(titles[id.Col])
		}
	}
	for i, w := range []float32{100, 140, 200, 130, 170, 200} {
		m.Preview.SetColumnWidth(i, w)
	}
	m.Expiry = NewDateField(win, "").inDialog(keys)
	m.Expiry.Entry.OnChanged = func(string) {
		if m.ExpiryMode.Selected != choiceSet && m.Expiry.Entry.Text != "" {
			m.ExpiryMode.SetSelected(choiceSet)
		}
	}
	m.ExpiryMode = keys.radio([]string{choicePreserve, choiceSet, choiceClear}, nil)
	m.ExpiryMode.Horizontal = true
	m.ExpiryMode.SetSelected(choicePreserve)
	names := make([]string, 0, len(resellers))
	for _, r := range resellers {
		names = append(names, r.Name)
	}
	m.Company = keys.selectOf(names, func(string) {
		if m.CompanyMode.Selected != choiceSet {
			m.CompanyMode.SetSelected(choiceSet)
		}
	})
	m.Company.PlaceHolder = "choose a reseller"
	m.CompanyMode = keys.radio([]string{choicePreserve, choiceSet}, nil)
	m.CompanyMode.Horizontal = true
	m.CompanyMode.SetSelected(choicePreserve)
	m.StatusMode = keys.radio([]string{choicePreserve, choiceBlock, choiceUnblock}, nil)
	m.StatusMode.Horizontal = true
	m.StatusMode.SetSelected(choicePreserve)
	m.Problem = widget.NewLabel("")
	m.Problem.Importance = widget.DangerImportance
	m.Problem.Wrapping = fyne.TextWrapWord
	m.Problem.Hide()
	m.Process = keys.button("Process", theme.ConfirmIcon(), m.onProcess)
	m.Process.Importance = widget.HighImportance
	m.DeleteMatch = keys.button("Delete matching…", theme.DeleteIcon(), m.onDeleteMatching)
	m.DeleteMatch.Importance = widget.DangerImportance
	m.DeleteAll = keys.button("Delete all…", theme.DeleteIcon(), m.onDeleteAll)
	m.DeleteAll.Importance = widget.DangerImportance
	m.Close = keys.button("Close", nil, func() { m.dlg.Hide() })
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	form := container.New(newFormLayout(),
		bold("Expiration Date"), container.NewVBox(m.ExpiryMode, m.Expiry),
		bold("Reseller"), container.NewVBox(m.CompanyMode, m.Company),
		bold("Status"), m.StatusMode,
	)
	buttons := container.NewHBox(m.DeleteMatch, m.DeleteAll, layoutSpacer(), m.Close, m.Process)
	m.SearchEdited = widget.NewLabel("")
	m.SearchEdited.Importance = widget.WarningImportance
	m.SearchEdited.Wrapping = fyne.TextWrapWord
	m.SearchEdited.Hide()
	top := container.NewVBox(m.SearchEdited, m.Count)
	bottom := container.NewVBox(widget.NewSeparator(), form, m.Problem)
	content := container.NewBorder(top, bottom, nil, nil, m.Preview)
	m.dlg = newKeyedDialog("Mass Edit", content, buttons, keys, win, fyne.NewSize(1000, 660))
	// The first choice: the expiry date (the radio buttons above it are
	// a click away and follow what is typed).
	m.dlg.first = m.Expiry.focusable()
	return m
}

func (m *MassEditDialog) previewText(row, col int) string {
	if row >= len(m.cards) {
		return ""
	}
	c := m.cards[row]
	now := m.store.Now()
	switch col {
	case 0:
		return string(c.StatusAt(now))
	case 1:
		return c.Serial.String()
	case 2:
		if c.ExpiresAt.IsZero() {
			return ""
		}
		return m.formats.Locale().DateTime(c.ExpiresAt)
	case 3:
		return CellText(c, colReseller, now, m.formats.Locale())
	case 4:
		return c.Activated(m.formats.Locale())
	}
	return m.formats.Locale().Timestamp(c.CreatedAt)
}

// setFormats makes the dialog read and show dates in f's locale.
func (m *MassEditDialog) setFormats(f *Formats) {
	m.formats = f
	m.Expiry.setFormats(f)
}

// Show opens the dialog and loads the count and preview.
func (m *MassEditDialog) Show() {
	m.dlg.Show()
	m.tasks.Go(func() { m.Load(context.Background()) })
}

// Load counts the matched cards and reads the preview (disk work).
func (m *MassEditDialog) Load(ctx context.Context) {
	n, err := m.store.Count(ctx, m.filter)
	var cards []data.Card
	if err == nil {
		cards, _, err = m.store.Page(ctx, m.filter, data.Sort{}, data.Cursor{}, previewRows)
	}
	fyne.Do(func() {
		if err != nil {
			m.showProblem(err)
			return
		}
		m.matched, m.cards = n, cards
		what := fmt.Sprintf("This edit applies to the %s cards matching the current search (%s).", groupInt(n), m.filter.Describe())
		if n > int64(len(cards)) {
			what += fmt.Sprintf(" The first %d are listed.", len(cards))
		}
		if n == 0 {
			what = "No cards match the current search (" + m.filter.Describe() + "): change the search first."
			m.Process.Disable()
			m.DeleteMatch.Disable()
		}
		m.Count.SetText(what)
		m.Preview.Refresh()
	})
}

func (m *MassEditDialog) showProblem(err error) {
	m.Problem.SetText(personMessage(err))
	m.Problem.Show()
	m.dlg.refit()
}

// Edit reads the choices into an edit.
func (m *MassEditDialog) Edit() (data.Edit, error) {
	var e data.Edit
	switch m.ExpiryMode.Selected {
	case choiceSet:
		t, err := m.Expiry.Date(true)
		if err != nil {
			markEntry(m.Expiry.Entry, err)
			return e, err
		}
		if t.IsZero() {
			err := fmt.Errorf("expiration date: type a date or pick one from the calendar, or choose preserve")
			markEntry(m.Expiry.Entry, err)
			return e, err
		}
		e.Expiry, e.ExpireAt = data.ExpirySet, t
	case choiceClear:
		e.Expiry = data.ExpiryClear
	}
	if m.CompanyMode.Selected == choiceSet {
		if m.Company.Selected == "" {
			return e, fmt.Errorf("company: choose the reseller that gets the cards, or choose preserve")
		}
		e.Reseller = m.Company.Selected
	}
	switch m.StatusMode.Selected {
	case choiceBlock:
		e.Block = data.BlockSet
	case choiceUnblock:
		e.Block = data.BlockClear
	}
	if e.IsNoop() {
		return e, fmt.Errorf("nothing to change: choose set to, clear, block or unblock for at least one field")
	}
	return e, nil
}

func (m *MassEditDialog) onProcess() {
	e, err := m.Edit()
	if err != nil {
		m.showProblem(err)
		return
	}
	m.Problem.Hide()
	msg := fmt.Sprintf("Apply to %s cards (%s)?\n\n%s.", groupInt(m.matched), m.filter.Describe(), e.Describe())
	if m.matched > 1 {
		msg += "\n\nIt can be undone afterwards in History & Backups."
	}
	c, _ := newConfirm("Process mass edit", msg, "Process", func(ok bool) {
		if ok {
			m.tasks.Go(func() { m.Apply(context.Background(), e) })
		}
	}, m.win)
	m.ask = c
	c.Show()
}

// Apply runs the edit (disk work) and reports the result.
func (m *MassEditDialog) Apply(ctx context.Context, e data.Edit) {
	res, err := m.store.MassEdit(ctx, m.filter, e)
	m.finish(res, err, fmt.Sprintf("Changed %s cards: %s.", groupInt(res.Cards), e.Describe()))
}

func (m *MassEditDialog) finish(res data.Result, err error, msg string) {
	fyne.Do(func() {
		if err != nil {
			m.showProblem(err)
			return
		}
		if res.Op != 0 {
			msg += fmt.Sprintf("\n\nThis is #%d in the history: History & Backups (Ctrl+H) can undo it.", res.Op)
		}
		m.dlg.Hide()
		if m.OnChanged != nil {
			m.OnChanged(msg)
		}
	})
}

func (m *MassEditDialog) onDeleteMatching() {
	if m.filter.IsEmpty() {
		m.onDeleteAll()
		return
	}
	m.Confirm = NewTypedConfirm("Delete matching cards",
		fmt.Sprintf("Delete the %s cards matching the current search (%s)?\nPrinted cards with these PINs can no longer be redeemed until the delete is undone\n(History & Backups keeps it for undo).",
			groupInt(m.matched), m.filter.Describe()),
		"DELETE", m.win, func() {
			m.tasks.Go(func() {
				res, err := m.store.Delete(context.Background(), m.filter)
				m.finish(res, err, fmt.Sprintf("Deleted %s cards.", groupInt(res.Cards)))
			})
		})
	m.Confirm.Show()
}

// onDeleteAll counts every card in the file and adds up its value (disk
// work), then asks, naming both, for the typed DELETE ALL.
func (m *MassEditDialog) onDeleteAll() {
	m.tasks.Go(func() {
		sum, err := m.store.Summarize(context.Background(), data.Filter{})
		fyne.Do(func() {
			if err != nil {
				m.showProblem(err)
				return
			}
			m.confirmDeleteAll(sum)
		})
	})
}

// DeleteAllText says what deleting every card destroys.
func DeleteAllText(sum data.Summary, l data.Locale) string {
	if sum.Cards == 0 {
		return "There are no cards in this file: nothing to delete."
	}
	what := "cards"
	if sum.Cards == 1 {
		what = "card"
	}
	return fmt.Sprintf("Delete EVERY card in this file, whatever the search: %s %s, %s?\n"+
		"Printed cards can no longer be redeemed.\nIt can be undone afterwards in History & Backups.",
		groupInt(sum.Cards), what, valueText(sum, l))
}

// valueText is the face value of sum per currency, with what of it is
// still unredeemed.
func valueText(sum data.Summary, l data.Locale) string {
	var parts []string
	for _, t := range sum.Totals {
		parts = append(parts, fmt.Sprintf("%s face value (%s unredeemed)",
			l.Amount(data.Money{Minor: t.Face, Currency: t.Currency}), l.Amount(data.Money{Minor: t.Unredeemed, Currency: t.Currency})))
	}
	return strings.Join(parts, " and ")
}

func (m *MassEditDialog) confirmDeleteAll(sum data.Summary) {
	if sum.Cards == 0 {
		m.showProblem(errors.New(DeleteAllText(sum, m.formats.Locale())))
		return
	}
	m.Confirm = NewTypedConfirm("Delete all cards", DeleteAllText(sum, m.formats.Locale()),
		"DELETE ALL", m.win, func() {
			m.tasks.Go(func() {
				res, err := m.store.DeleteAll(context.Background())
				m.finish(res, err, fmt.Sprintf("Deleted all %s cards.", groupInt(res.Cards)))
			})
		})
	m.Confirm.Show()
}

// TypedConfirm asks the person to type a word before a destructive action.
// It opens with the cursor in the field; Enter confirms once the word is
// typed, Escape cancels.
type TypedConfirm struct {
	// Message says what the action destroys.
	Message *widget.Label
	Entry   *keyEntry
	OK      *keyButton
	dlg     *keyedDialog
	phrase  string
}

// NewTypedConfirm builds a confirmation that runs onConfirm once phrase is typed.
func NewTypedConfirm(title, message, phrase string, win fyne.Window, onConfirm func()) *TypedConfirm {
	c := &TypedConfirm{phrase: phrase}
	confirm := func() {
		if strings.TrimSpace(c.Entry.Text) != c.phrase {
			return
		}
		c.dlg.Hide()
		onConfirm()
	}
	keys := &dialogKeys{Enter: confirm}
	c.Entry = keys.entry()
	c.Entry.SetPlaceHolder(phrase)
	c.OK = keys.button("Delete", theme.DeleteIcon(), confirm)
	c.OK.Importance = widget.DangerImportance
	c.OK.Disable()
	c.Entry.OnChanged = func(s string) {
		if strings.TrimSpace(s) == c.phrase {
			c.OK.Enable()
		} else {
			c.OK.Disable()
		}
	}
	msg := widget.NewLabel(message)
	msg.Wrapping = fyne.TextWrapWord
	c.Message = msg
	cancel := keys.button("Cancel", nil, func() { c.dlg.Hide() })
	content := container.NewVBox(msg, widget.NewLabel(fmt.Sprintf("Type %s to confirm:", phrase)), c.Entry)
	c.dlg = newKeyedDialog(title, content, container.NewHBox(layoutSpacer(), cancel, c.OK), keys, win, fyne.NewSize(560, 0))
	c.dlg.first = c.Entry
	c.dlg.wheelEverywhere()
	return c
}

// SetSearchEdited says in the dialog that the search fields were changed
// after the search was run: the dialog acts on the last search run (what),
// not on what the fields say now.
func (m *MassEditDialog) SetSearchEdited(what string) {
	m.SearchEdited.SetText("The search fields were changed since the last search and not searched again. " +
		"Mass Edit acts on the last search run (" + what + "): close this, press Search, and open Mass Edit again to act on the new one.")
	m.SearchEdited.Show()
}

// Show opens the confirmation with the cursor in its field.
func (c *TypedConfirm) Show() { c.dlg.Show() }

// ShowMassEdit opens the Mass Edit dialog for the current search.
func (v *MainView) ShowMassEdit() {
	f := v.filter
	v.tasks.Go(func() {
		rs, err := v.store.Resellers(context.Background())
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			m := NewMassEditDialog(v.store, v.tasks, v.win, f, rs)
			m.setFormats(v.formats)
			m.OnChanged = func(msg string) {
				v.RefreshInBackground()
				m.info = showInfo("Mass Edit", msg, v.win)
			}
			if v.Search.Edited() {
				m.SetSearchEdited(v.filter.Describe())
			}
			v.lastMassEdit = m
			m.Show()
		})
	})
}
