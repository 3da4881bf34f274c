package views

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

var commonCurrencies = []string{"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "INR", "BRL", "MXN", "ZAR", "NGN", "KES",
	"PHP", "IDR", "TRY", "PLN", "UAH", "RUB", "AED", "SAR"}

// GenerateDialog is the seed's "Generate Top-Up Cards" window.
type GenerateDialog struct {
	store Store
	tasks *Tasks
	win   fyne.Window

	Amount       *keyEntry
	Currency     *keyEntry // typed, or chosen from the usual ones
	Quantity     *keyEntry
	Series       *keyEntry
	PINLength    *keyEntry
	CheckDigit   *keyCheck
	Reseller     *keySelect
	Expiry       *DateField
	Preview      *widget.Label
	Problem      *widget.Label
	OK, Cancel   *keyButton
	Progress     *widget.ProgressBar
	ProgressText *widget.Label
	StopBtn      *widget.Button

	rows map[string]*fieldRow
	dlg  *keyedDialog
	form fyne.CanvasObject
	busy fyne.CanvasObject
	// buttons are Cancel and Generate, hidden while generating.
	buttons fyne.CanvasObject
	seq     atomic.Int64
	cancel  context.CancelFunc
	params  data.GenerateParams
	ready   bool
	// touched fields show their errors; all do once Generate was pressed.
	touched map[string]bool

	// OnGenerated is told the batch once it is made.
	OnGenerated func(data.Batch)

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewGenerateDialog builds the dialog; Show opens it.
func NewGenerateDialog(store Store, tasks *Tasks, win fyne.Window, resellers []data.Reseller) *GenerateDialog {
	g := &GenerateDialog{store: store, tasks: tasks, win: win, rows: map[string]*fieldRow{}, touched: map[string]bool{}}
	// Escape cancels a running generation, else closes; Enter generates.
	keys := &dialogKeys{Escape: g.onEscape, Enter: g.Submit}
	// Placeholders are examples that cannot be taken for a value typed in.
	entry := func(ph string) *keyEntry {
		e := keys.entry()
		e.SetPlaceHolder("e.g. " + ph)
		e.OnSubmitted = func(string) { g.Submit() }
		return e
	}
	g.Amount = entry("8.00")
	g.Currency = keys.choiceEntry(commonCurrencies)
	g.Currency.SetText(data.DefaultCurrency)
	g.Quantity = entry("100")
	g.Series = entry("101")
	g.PINLength = entry("12")
	g.PINLength.SetText(strconv.Itoa(data.DefaultPINLength))
	g.CheckDigit = keys.check("Last digit is a check digit (typos are recognised)", func(bool) { g.Changed() })
	names := []string{"None"}
	for _, r := range resellers {
		names = append(names, r.Name)
	}
	g.Reseller = keys.selectOf(names, nil)
	g.Reseller.SetSelectedIndex(0)
	g.Expiry = NewDateField(win, "optional").inDialog(keys)
	for key, e := range map[string]*widget.Entry{"amount": &g.Amount.Entry, "quantity": &g.Quantity.Entry, "series": &g.Series.Entry,
		"pinlength": &g.PINLength.Entry, "expiry": g.Expiry.Entry} {
		e.OnChanged = func(string) {
			g.touched[key] = true
			g.Changed()
		}
	}
	g.Currency.OnChanged = func(string) {
		g.touched["amount"] = true
		g.Changed()
	}
	g.Preview = widget.NewLabel("")
	g.Preview.Wrapping = fyne.TextWrapWord
	g.Problem = widget.NewLabel("")
	g.Problem.Wrapping = fyne.TextWrapWord
	g.Problem.Importance = widget.DangerImportance
	g.Problem.Hide()
	g.OK = keys.button("Generate", theme.ConfirmIcon(), g.Submit)
	g.OK.Importance = widget.HighImportance
	g.Cancel = keys.button("Cancel", theme.CancelIcon(), func() { g.dlg.Hide() })
	g.Progress = widget.NewProgressBar()
	g.ProgressText = widget.NewLabel("")
	g.StopBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), g.Stop)

	row := func(key, title string, inputs ...fyne.CanvasObject) fyne.CanvasObject {
		r := newFieldRow(title, inputs...)
		g.rows[key] = r
		return r.object()
	}
	left := container.NewVBox(
		row("amount", "Amount", container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(100, g.Amount.MinSize().Height), g.Currency), g.Amount)),
		row("quantity", "Quantity", g.Quantity),
		row("series", "Series", g.Series),
		row("pinlength", "PIN Length (digits, 5–20)", g.PINLength),
		g.CheckDigit,
		row("reseller", "Reseller", g.Reseller),
		row("expiry", "Expiry Date", g.Expiry),
	)
	previewTitle := widget.NewLabelWithStyle("This batch", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewVBox(previewTitle, g.Preview, g.Problem)
	g.form = container.NewGridWithColumns(2, left, right)
	g.buttons = container.NewHBox(layoutSpacer(), g.Cancel, g.OK)
	g.busy = container.NewVBox(g.ProgressText, g.Progress, container.NewHBox(layoutSpacer(), g.StopBtn))
	g.busy.Hide()
	g.dlg = newKeyedDialog("Generate Top-Up Cards", container.NewStack(g.form, g.busy), g.buttons, keys, win, fyne.NewSize(760, 560))
	g.dlg.first = g.Amount
	g.dlg.wheelEverywhere()
	g.Reseller.OnChanged = func(string) { g.Changed() }
	g.Changed()
	return g
}

// setFormats makes the dialog read and show amounts and dates in f's
// locale.
func (g *GenerateDialog) setFormats(f *Formats) {
	g.formats = f
	g.Amount.SetPlaceHolder("e.g. " + f.Locale().Number(data.Money{Minor: 800, Currency: "USD"}))
	g.Expiry.setFormats(f)
	g.Changed()
}

// Show opens the dialog with the cursor in Amount.
func (g *GenerateDialog) Show() { g.dlg.Show() }

// onEscape cancels a running generation, or else closes the dialog.
func (g *GenerateDialog) onEscape() {
	if g.cancel != nil {
		g.Stop()
		return
	}
	g.dlg.Hide()
}

// read parses the fields, marking each invalid one; ok is false if any is.
func (g *GenerateDialog) read() (data.GenerateParams, bool) {
	var p data.GenerateParams
	errs := map[string]error{}
	var err error
	l := g.formats.Locale()
	if p.Currency, err = data.ParseCurrency(g.Currency.Text); err != nil {
		errs["amount"] = err
	} else if strings.TrimSpace(g.Amount.Text) == "" {
		errs["amount"] = errors.New("give the amount of each card, such as " +
			l.Number(data.Money{Minor: 8 * data.MaxAmount(p.Currency) / data.MaxAmountMajor, Currency: p.Currency}))
	} else if p.Amount, err = l.ParseAmount(g.Amount.Text, p.Currency); err != nil {
		errs["amount"] = err
	}
	if q := strings.ReplaceAll(strings.TrimSpace(g.Quantity.Text), ",", ""); q == "" {
		errs["quantity"] = errors.New("give how many cards to make, 1 to 1,000,000")
	} else if n, err := strconv.Atoi(q); err != nil || n < 1 || n > data.MaxQuantity {
		errs["quantity"] = fmt.Errorf("quantity %q: make 1 to 1,000,000 cards in one batch", g.Quantity.Text)
	} else {
		p.Quantity = n
	}
	if strings.TrimSpace(g.Series.Text) == "" {
		errs["series"] = errors.New("give a series code of 1 to 10 letters or digits; it starts every serial, such as 101-000000001")
	} else if p.Series, err = data.ParseSeries(g.Series.Text); err != nil {
		errs["series"] = err
	}
	if n, err := strconv.Atoi(strings.TrimSpace(g.PINLength.Text)); err != nil || n < data.MinPINLength || n > data.MaxPINLength {
		errs["pinlength"] = fmt.Errorf("PIN length %q: choose %d to %d digits", g.PINLength.Text, data.MinPINLength, data.MaxPINLength)
	} else {
		p.PINLength = n
	}
	p.CheckDigit = g.CheckDigit.Checked
	if g.Reseller.SelectedIndex() > 0 {
		p.Reseller = g.Reseller.Selected
	}
	if p.ExpiresAt, err = g.Expiry.Date(true); err != nil {
		errs["expiry"] = err
	} else if !p.ExpiresAt.IsZero() && !p.ExpiresAt.After(g.store.Now()) {
		errs["expiry"] = errors.New("the expiry date is in the past; choose a later date, or none")
	}
	// Only mark fields the person has touched, or all of them once they
	// tried to generate: an empty new form is not a wall of red.
	for key, r := range g.rows {
		if g.touched[key] || g.touched["*"] {
			r.setError(errs[key])
		} else {
			r.setError(nil)
		}
	}
	return p, len(errs) == 0
}

// Changed re-reads the fields and, if they are valid, asks the store what
// the batch will be (in the background; older answers are dropped).
func (g *GenerateDialog) Changed() {
	g.ready = false
	p, ok := g.read()
	if !ok {
		g.Preview.SetText("Fill in the fields on the left to see the serial range, total face value and guessing odds.")
		g.Problem.Hide()
		return
	}
	seq := g.seq.Add(1)
	g.tasks.Go(func() { g.plan(context.Background(), seq, p) })
}

// plan computes the preview (disk work).
func (g *GenerateDialog) plan(ctx context.Context, seq int64, p data.GenerateParams) {
	pl, err := g.store.PlanBatch(ctx, p)
	fyne.Do(func() {
		if seq != g.seq.Load() {
			return
		}
		if err != nil {
			g.Preview.SetText("")
			g.Problem.SetText(personMessage(err))
			g.Problem.Show()
			return
		}
		g.Preview.SetText(PlanText(pl, g.formats.Locale()))
		switch {
		case pl.Refusal != "":
			g.Problem.SetText("Refused: " + pl.Refusal + ".")
			g.Problem.Importance = widget.DangerImportance
			g.Problem.Show()
			return
		case pl.Warning != "":
			g.Problem.SetText("Warning: " + pl.Warning + ".")
			g.Problem.Importance = widget.WarningImportance
			g.Problem.Show()
		default:
			g.Problem.Hide()
		}
		g.Problem.Refresh()
		g.params, g.ready = pl.Params, true
	})
}

// PlanText says what a batch will be, with amounts and dates in locale l.
func PlanText(pl data.Plan, l data.Locale) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s cards of %s\n", l.Count(int64(pl.Params.Quantity)), l.Amount(data.Money{Minor: pl.Params.Amount, Currency: pl.Params.Currency}))
	fmt.Fprintf(&b, "Serials %s to %s\n", pl.First, pl.Last)
	fmt.Fprintf(&b, "Total face value %s\n", l.Amount(pl.Total))
	fmt.Fprintf(&b, "%d-digit PINs", pl.Params.PINLength)
	if pl.Params.CheckDigit {
		b.WriteString(" with a check digit")
	}
	fmt.Fprintf(&b, "\nOdds that one random guess hits a live card: %s", data.OddsText(pl.Odds))
	if pl.Params.Reseller != "" {
		fmt.Fprintf(&b, "\nReseller %s", pl.Params.Reseller)
	}
	if !pl.Params.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, "\nValid until %s", l.Expiry(pl.Params.ExpiresAt))
	} else {
		b.WriteString("\nNo expiry")
	}
	return b.String()
}

// Submit generates the batch if the preview allowed it.
func (g *GenerateDialog) Submit() {
	if g.cancel != nil { // generating already
		return
	}
	if !g.ready {
		g.touched["*"] = true
		g.read()
		g.dlg.refit() // room for the error lines, when the window has it
		return
	}
	p := g.params
	ctx, cancel := context.WithCancel(context.Background())
	g.cancel = cancel
	g.form.Hide()
	g.buttons.Hide()
	g.busy.Show()
	g.Progress.SetValue(0)
	g.ProgressText.SetText(fmt.Sprintf("Generating %s cards…", groupInt(int64(p.Quantity))))
	g.StopBtn.Enable()
	g.tasks.Go(func() { g.generate(ctx, p) })
}

// Stop cancels a running generation: no cards are kept.
func (g *GenerateDialog) Stop() {
	if g.cancel != nil {
		g.cancel()
		g.StopBtn.Disable()
		g.ProgressText.SetText("Cancelling…")
	}
}

// generate makes the batch (disk work) and reports progress.
func (g *GenerateDialog) generate(ctx context.Context, p data.GenerateParams) {
	start := time.Now()
	// The first report after 50 ms like the others: a small batch is made
	// before anything would move, and a Stop right after Generate (the
	// UI's, or a test's) meets no report in flight.
	last := start
	b, err := g.store.Generate(ctx, p, func(done, total int) {
		if now := time.Now(); now.Sub(last) > 50*time.Millisecond || done == total {
			last = now
			fyne.Do(func() {
				g.Progress.SetValue(float64(done) / float64(total))
				g.ProgressText.SetText(fmt.Sprintf("Generating… %s of %s cards (%s)", groupInt(int64(done)), groupInt(int64(total)),
					time.Since(start).Round(time.Second)))
			})
		}
	})
	fyne.Do(func() {
		g.cancel = nil
		if err != nil {
			g.busy.Hide()
			g.form.Show()
			g.buttons.Show()
			if errors.Is(err, context.Canceled) {
				g.Problem.SetText("Cancelled: no cards were made.")
				g.Problem.Importance = widget.WarningImportance
			} else {
				g.Problem.SetText(personMessage(err))
				g.Problem.Importance = widget.DangerImportance
			}
			g.Problem.Show()
			g.Problem.Refresh()
			return
		}
		g.dlg.Hide()
		if g.OnGenerated != nil {
			g.OnGenerated(b)
		}
	})
}

// ShowGenerate opens the Generate Top-Up Cards dialog; when done the table
// shows the new batch.
func (v *MainView) ShowGenerate() {
	v.tasks.Go(func() {
		rs, err := v.store.Resellers(context.Background())
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			g := NewGenerateDialog(v.store, v.tasks, v.win, rs)
			g.setFormats(v.formats)
			g.OnGenerated = v.onGenerated
			v.lastGenerate = g
			g.Show()
		})
	})
}

func (v *MainView) onGenerated(b data.Batch) {
	v.filter = data.Filter{Batch: b.ID}
	f, o := v.filter, v.Table.Sort()
	v.tasks.Go(func() {
		v.Reload(context.Background(), f, o)
		fyne.Do(func() {
			v.Search.SelectBatch(b.ID)
			l := v.formats.Locale()
			msg := fmt.Sprintf(
				"Batch #%d: %s cards of %s, serials %s to %s (total %s).\nThe table now shows this batch, ready for export.",
				b.ID, groupInt(b.Quantity), l.Amount(b.Amount), b.FirstSerial(), b.LastSerial(),
				l.Amount(data.Money{Minor: b.Amount.Minor * b.Quantity, Currency: b.Amount.Currency}))
			if v.PrintBatch == nil {
				showInfo("Cards generated", msg, v.win)
				return
			}
			v.generated = dialog.NewCustomConfirm("Cards generated", "Print this batch now", "Close", widget.NewLabel(msg), func(ok bool) {
				if ok {
					v.PrintBatch(b.ID)
				}
			}, v.win)
			keyed(v.generated, v.win, nil).Show()
		})
	})
}
