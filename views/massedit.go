package views

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
	ExpiryMode  *widget.RadioGroup
	Expiry      *DateField
	CompanyMode *widget.RadioGroup
	Company     *widget.Select
	StatusMode  *widget.RadioGroup
	Problem     *widget.Label
	Process     *widget.Button
	DeleteMatch *widget.Button
	DeleteAll   *widget.Button
	Close       *widget.Button

	// SearchEdited says that the sidebar was changed since the search
	// these cards come from was run.
	SearchEdited *widget.Label

	// The typed-confirmation dialog open now, for tests.
	Confirm *TypedConfirm

	cards   []data.Card
	matched int64
	dlg     *dialog.CustomDialog

	// OnChanged is told when cards were changed or deleted.
	OnChanged func(msg string)
}

// NewMassEditDialog builds the dialog for the cards f matches.
func NewMassEditDialog(store Store, tasks *Tasks, win fyne.Window, f data.Filter, resellers []data.Reseller) *MassEditDialog {
	m := &MassEditDialog{store: store, tasks: tasks, win: win, filter: f}
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
	m.Expiry = NewDateField(win, "YYYY-MM-DD or YYYY-MM-DD HH:MM")
	m.Expiry.Entry.OnChanged = func(string) {
		if m.ExpiryMode.Selected != choiceSet && m.Expiry.Entry.Text != "" {
			m.ExpiryMode.SetSelected(choiceSet)
		}
	}
	m.ExpiryMode = widget.NewRadioGroup([]string{choicePreserve, choiceSet, choiceClear}, nil)
	m.ExpiryMode.Horizontal = true
	m.ExpiryMode.SetSelected(choicePreserve)
	names := make([]string, 0, len(resellers))
	for _, r := range resellers {
		names = append(names, r.Name)
	}
	m.Company = widget.NewSelect(names, func(string) {
		if m.CompanyMode.Selected != choiceSet {
			m.CompanyMode.SetSelected(choiceSet)
		}
	})
	m.Company.PlaceHolder = "choose a reseller"
	m.CompanyMode = widget.NewRadioGroup([]string{choicePreserve, choiceSet}, nil)
	m.CompanyMode.Horizontal = true
	m.CompanyMode.SetSelected(choicePreserve)
	m.StatusMode = widget.NewRadioGroup([]string{choicePreserve, choiceBlock, choiceUnblock}, nil)
	m.StatusMode.Horizontal = true
	m.StatusMode.SetSelected(choicePreserve)
	m.Problem = widget.NewLabel("")
	m.Problem.Importance = widget.DangerImportance
	m.Problem.Wrapping = fyne.TextWrapWord
	m.Problem.Hide()
	m.Process = widget.NewButtonWithIcon("Process", theme.ConfirmIcon(), m.onProcess)
	m.Process.Importance = widget.HighImportance
	m.DeleteMatch = widget.NewButtonWithIcon("Delete matching…", theme.DeleteIcon(), m.onDeleteMatching)
	m.DeleteMatch.Importance = widget.DangerImportance
	m.DeleteAll = widget.NewButtonWithIcon("Delete all…", theme.DeleteIcon(), m.onDeleteAll)
	m.DeleteAll.Importance = widget.DangerImportance
	m.Close = widget.NewButton("Close", func() { m.dlg.Hide() })
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
	bottom := container.NewVBox(widget.NewSeparator(), form, m.Problem, buttons)
	content := container.NewBorder(top, bottom, nil, nil, m.Preview)
	m.dlg = dialog.NewCustomWithoutButtons("Mass Edit", content, win)
	m.dlg.Resize(fyne.NewSize(1000, 660))
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
		return data.FormatTime(c.ExpiresAt)
	case 3:
		return CellText(c, colReseller, now)
	case 4:
		return c.Activated()
	}
	return data.FormatTime(c.CreatedAt)
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
	dialog.ShowConfirm("Process mass edit", msg, func(ok bool) {
		if ok {
			m.tasks.Go(func() { m.Apply(context.Background(), e) })
		}
	}, m.win)
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

func (m *MassEditDialog) onDeleteAll() {
	m.Confirm = NewTypedConfirm("Delete all cards",
		"Delete EVERY card in this file, whatever the search?\nPrinted cards can no longer be redeemed.\nIt can be undone afterwards in History & Backups.",
		"DELETE ALL", m.win, func() {
			m.tasks.Go(func() {
				res, err := m.store.DeleteAll(context.Background())
				m.finish(res, err, fmt.Sprintf("Deleted all %s cards.", groupInt(res.Cards)))
			})
		})
	m.Confirm.Show()
}

// TypedConfirm asks the person to type a word before a destructive action.
type TypedConfirm struct {
	Entry  *widget.Entry
	OK     *widget.Button
	dlg    *dialog.CustomDialog
	phrase string
}

// NewTypedConfirm builds a confirmation that runs onConfirm once phrase is typed.
func NewTypedConfirm(title, message, phrase string, win fyne.Window, onConfirm func()) *TypedConfirm {
	c := &TypedConfirm{Entry: widget.NewEntry(), phrase: phrase}
	c.Entry.SetPlaceHolder(phrase)
	c.OK = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), func() {
		if strings.TrimSpace(c.Entry.Text) != c.phrase {
			return
		}
		c.dlg.Hide()
		onConfirm()
	})
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
	cancel := widget.NewButton("Cancel", func() { c.dlg.Hide() })
	content := container.NewVBox(msg, widget.NewLabel(fmt.Sprintf("Type %s to confirm:", phrase)), c.Entry,
		container.NewHBox(layoutSpacer(), cancel, c.OK))
	c.dlg = dialog.NewCustomWithoutButtons(title, content, win)
	c.dlg.Resize(fyne.NewSize(520, 0))
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

// Show opens the confirmation.
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
			m.OnChanged = func(msg string) {
				v.RefreshInBackground()
				dialog.ShowInformation("Mass Edit", msg, v.win)
			}
			if v.Search.Edited() {
				m.SetSearchEdited(v.filter.Describe())
			}
			v.LastMassEdit = m
			m.Show()
		})
	})
}
