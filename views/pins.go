package views

import (
	"context"

	"fyne.io/fyne/v2"

	"topupcards/data"
)

// prefHidePINs is the preference "Hide PINs": on unless turned off.
const prefHidePINs = "hide-pins"

// hidePINsPref reads the Hide PINs setting (on by default: a shop
// counter's screen is seen by customers).
func hidePINsPref() bool {
	a := fyne.CurrentApp()
	if a == nil {
		return true
	}
	return a.Preferences().BoolWithFallback(prefHidePINs, true)
}

// reveal writes to the history that card c's PIN is shown or copied (how),
// then does it. If the record cannot be written nothing is shown.
func (v *MainView) reveal(how string, c data.Card, do func()) {
	serial := c.Serial
	v.tasks.Go(func() {
		err := v.store.RecordReveal(context.Background(), how, &serial)
		fyne.Do(func() {
			if err != nil {
				v.showError(err)
				return
			}
			do()
		})
	})
}

// showSelectedPIN shows the selected card's whole PIN, on the record.
func (v *MainView) showSelectedPIN() {
	c, ok := v.Table.Selected()
	if !ok {
		return
	}
	v.reveal(data.RevealShown, c, func() {
		v.shownPIN = c.ID
		if cur, ok := v.Table.Selected(); ok && cur.ID == c.ID {
			v.onSelected(&cur)
		}
	})
}

// onHidePINs applies the Hide PINs check. Showing every PIN is an act on
// the record (RevealAll); hiding them again is not.
func (v *MainView) onHidePINs(hide bool) {
	apply := func(hide bool) {
		v.Table.hidePINs = hide
		v.shownPIN = 0
		if a := fyne.CurrentApp(); a != nil {
			a.Preferences().SetBool(prefHidePINs, hide)
		}
		v.Table.Table.Refresh()
		v.chips.set(v.filter, hide, v.formats.Locale())
		if c, ok := v.Table.Selected(); ok {
			v.onSelected(&c)
		}
	}
	if hide || !v.Table.hidePINs {
		apply(hide)
		return
	}
	v.tasks.Go(func() {
		err := v.store.RecordReveal(context.Background(), data.RevealAll, nil)
		fyne.Do(func() {
			if err != nil {
				v.HidePINs.SetChecked(true)
				v.showError(err)
				return
			}
			apply(false)
		})
	})
}
