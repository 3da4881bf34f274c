package views

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// RedeemDialog records a customer's redemption of a card's PIN.
type RedeemDialog struct {
	store  Store
	tasks  *Tasks
	PIN    *keyEntry
	Client *keyEntry
	Redeem *widget.Button
	Result *widget.Label
	// KeepClient keeps the client's name for the next card (off: it is
	// cleared after each redemption, so the next card is not booked to the
	// previous customer).
	KeepClient *keyCheck
	dlg        *keyedDialog
	win        fyne.Window
	// clearing: the dialog itself is emptying the PIN after a success, so
	// the result just shown stays.
	clearing bool

	// OnRedeemed is told after a card was redeemed.
	OnRedeemed func(data.Card)

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// NewRedeemDialog builds the dialog.
func NewRedeemDialog(store Store, tasks *Tasks, win fyne.Window) *RedeemDialog {
	r := &RedeemDialog{store: store, tasks: tasks, win: win}
	keys := &dialogKeys{Enter: r.onEnter}
	r.PIN = keys.entry()
	r.PIN.SetPlaceHolder("e.g. 4524 2829 3854")
	r.Client = keys.entry()
	r.Client.SetPlaceHolder("e.g. Rose Orig")
	r.KeepClient = keys.check("Keep the client for the next card", nil)
	// Enter redeems when both are filled, and otherwise goes to the one
	// that is empty.
	r.PIN.OnSubmitted = func(string) { r.onEnter() }
	r.Client.OnSubmitted = func(string) { r.onEnter() }
	// A new PIN clears the last result: an old success next to a new PIN
	// reads as a new one.
	r.PIN.OnChanged = func(string) {
		if !r.clearing {
			r.showHint()
		}
	}
	r.Result = widget.NewLabel(redeemHint)
	r.Result.Wrapping = fyne.TextWrapWord
	r.Redeem = widget.NewButtonWithIcon("Redeem", theme.ConfirmIcon(), r.Submit)
	r.Redeem.Importance = widget.HighImportance
	closeBtn := widget.NewButton("Close", func() { r.dlg.Hide() })
	form := container.New(newFormLayout(),
		widget.NewLabelWithStyle("PIN Code", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), r.PIN,
		widget.NewLabelWithStyle("Client", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), r.Client)
	content := container.NewVBox(form, r.KeepClient, r.Result)
	// Escape closes; Enter anywhere redeems when both fields are filled.
	r.dlg = newKeyedDialog("Redeem Voucher", content, container.NewHBox(layoutSpacer(), closeBtn, r.Redeem), keys, win, fyne.NewSize(560, 0))
	r.dlg.first = r.PIN
	return r
}

// Show opens the dialog with the cursor in the PIN.
func (r *RedeemDialog) Show() {
	r.dlg.Show()
	r.win.Canvas().Focus(r.PIN)
}

const redeemHint = "Type the PIN printed on the card and the client's name, then Enter."

func (r *RedeemDialog) showHint() {
	if r.Result.Text == redeemHint {
		return
	}
	r.Result.SetText(redeemHint)
	r.Result.Importance = widget.MediumImportance
	r.Result.Refresh()
}

// onEnter redeems when the PIN and the client are both filled in, and
// otherwise puts the cursor in the empty one.
func (r *RedeemDialog) onEnter() {
	switch {
	case strings.TrimSpace(r.PIN.Text) == "":
		r.win.Canvas().Focus(r.PIN)
	case strings.TrimSpace(r.Client.Text) == "":
		r.win.Canvas().Focus(r.Client)
	case !r.Redeem.Disabled():
		r.Submit()
	}
}

// Submit redeems in the background.
func (r *RedeemDialog) Submit() {
	pin, client := r.PIN.Text, r.Client.Text
	r.Redeem.Disable()
	r.tasks.Go(func() { r.redeem(context.Background(), pin, client) })
}

func (r *RedeemDialog) redeem(ctx context.Context, pin, client string) {
	card, err := r.store.Redeem(ctx, pin, client)
	fyne.Do(func() {
		r.Redeem.Enable()
		text, imp := RedeemOutcome(card, err, r.formats.Locale())
		// Each result says when: two cards in a row are two results.
		r.Result.SetText(time.Now().Format("15:04:05") + " — " + text)
		r.Result.Importance = imp
		r.Result.Refresh()
		if err == nil {
			r.clearing = true
			r.PIN.SetText("")
			r.clearing = false
			if !r.KeepClient.Checked {
				r.Client.SetText("")
			}
			if r.OnRedeemed != nil {
				r.OnRedeemed(card)
			}
		}
		// The cursor goes back to the PIN after every attempt.
		r.win.Canvas().Focus(r.PIN)
	})
}

// RedeemOutcome says in plain words what a redemption did, with amounts and
// dates in locale l.
func RedeemOutcome(c data.Card, err error, l data.Locale) (string, widget.Importance) {
	switch {
	case err == nil:
		return fmt.Sprintf("Redeemed %s on card %s for %s.", l.Amount(c.Amount), c.Serial, c.ActivatedBy), widget.SuccessImportance
	case errors.Is(err, data.ErrAlreadyRedeemed):
		return fmt.Sprintf("Not redeemed: card %s was already activated by %s on %s.", c.Serial, c.ActivatedBy,
			l.DateTime(c.ActivatedAt)), widget.DangerImportance
	case errors.Is(err, data.ErrExpired):
		return fmt.Sprintf("Not redeemed: card %s expired on %s.", c.Serial, l.Expiry(c.ExpiresAt)), widget.DangerImportance
	case errors.Is(err, data.ErrBlocked):
		return fmt.Sprintf("Not redeemed: card %s is blocked (reported lost or stolen).", c.Serial), widget.DangerImportance
	case errors.Is(err, data.ErrTypo):
		return "Not redeemed: this PIN has a typo (its check digit does not match). Read the card again.", widget.WarningImportance
	case errors.Is(err, data.ErrNotFound):
		return "Not redeemed: no card has this PIN. Check the digits.", widget.DangerImportance
	}
	return personMessage(err), widget.DangerImportance
}

// ShowRedeem opens the Redeem dialog.
func (v *MainView) ShowRedeem() {
	r := NewRedeemDialog(v.store, v.tasks, v.win)
	r.formats = v.formats
	r.OnRedeemed = func(data.Card) { v.RefreshInBackground() }
	v.lastRedeem = r
	r.Show()
}
