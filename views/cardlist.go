// Package views holds the widgets, screens and dialogs of Top-up Cards. It
// reads and changes cards only through small interfaces over the store; it
// runs no SQL and writes no files.
package views

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// CardSource is what the card list needs from the store.
type CardSource interface {
	Page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error)
	Summarize(ctx context.Context, f data.Filter) (data.Summary, error)
	Now() time.Time
}

// CardList shows the first cards of the store in a table.
type CardList struct {
	widget.BaseWidget
	src    CardSource
	win    fyne.Window
	Table  *widget.Table
	Footer *widget.Label
	cards  []data.Card
}

// NewCardList builds the list; call Reload to fill it.
func NewCardList(src CardSource, win fyne.Window) *CardList {
	l := &CardList{src: src, win: win, Footer: widget.NewLabel("Loading…")}
	l.Table = widget.NewTable(
		func() (int, int) { return len(l.cards), 5 },
		func() fyne.CanvasObject { return widget.NewLabel("3-000000000 000000000000") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			c := l.cards[id.Row]
			var s string
			switch id.Col {
			case 0:
				s = string(c.StatusAt(l.src.Now()))
			case 1:
				s = c.Serial.String()
			case 2:
				s = c.Amount.String()
			case 3:
				s = data.GroupPIN(c.PIN)
			case 4:
				s = c.Activated()
			}
			o.(*widget.Label).SetText(s)
		})
	for i, w := range []float32{100, 140, 120, 180, 220} {
		l.Table.SetColumnWidth(i, w)
	}
	l.ExtendBaseWidget(l)
	return l
}

// Reload reads the first page again. It does disk work: call it with go.
func (l *CardList) Reload(ctx context.Context) {
	cards, _, err := l.src.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 500)
	sum, err2 := l.src.Summarize(ctx, data.Filter{})
	fyne.Do(func() {
		if err != nil || err2 != nil {
			l.Footer.SetText("Could not read the cards: " + errors.Join(err, err2).Error())
			return
		}
		l.cards = cards
		l.Footer.SetText(fmt.Sprintf("%d cards", sum.Cards))
		l.Table.Refresh()
	})
}

// CreateRenderer lays out the table over the footer.
func (l *CardList) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, l.Footer, nil, nil, l.Table))
}
