package export

import (
	"context"
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"topupcards/data"
)

// Reader is what an export reads: one state of the store (data.Reader,
// from Store.Read), so that every pass of one export sees the same cards
// and derives their status at the same time.
type Reader interface {
	Now() time.Time
	StatusTotals(ctx context.Context, f data.Filter) ([]data.StatusTotal, error)
	Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error
}

// StatusCount is how many cards of one status.
type StatusCount struct {
	Status data.Status
	Cards  int64
}

// Selection is what an export of a search holds: a card list every card
// the search matches; voucher tiles the cards that can be sold (status new),
// and with Options.IncludeVoid the others too, stamped.
type Selection struct {
	Matched int64              // cards the search matches
	Cards   int64              // cards in the file: voucher tiles, or rows of a list
	Void    int64              // of Cards, tiles stamped VOID, REDEEMED or EXPIRED
	LeftOut []StatusCount      // matched cards not on a tile, per status
	Totals  []data.StatusTotal // matched cards per status and currency
	void    bool               // void cards are printed
	tiles   data.Filter        // the cards on tiles
}

// StatusWord is how a voucher export names a status: a card that was
// activated was redeemed.
func StatusWord(s data.Status) string {
	if s == data.StatusActivated {
		return "redeemed"
	}
	return string(s)
}

// VoidStamp is the word stamped across the tile of a card of status s that
// cannot be sold: VOID (blocked), REDEEMED or EXPIRED; "" for a new card.
func VoidStamp(s data.Status) string {
	switch s {
	case data.StatusBlocked:
		return "VOID"
	case data.StatusActivated:
		return "REDEEMED"
	case data.StatusExpired:
		return "EXPIRED"
	}
	return ""
}

// LeftOutText says what was left out: "5 blocked, 1 redeemed"; "" when
// nothing was.
func (s Selection) LeftOutText() string {
	var parts []string
	for _, l := range s.LeftOut {
		parts = append(parts, fmt.Sprintf("%d %s", l.Cards, StatusWord(l.Status)))
	}
	return strings.Join(parts, ", ")
}

// StatusLine is one line of the status totals (the PDF's control totals,
// the workbook's Summary): the cards of one status in one currency and
// what the export did with them.
type StatusLine struct {
	Status   data.Status
	Currency string
	Cards    int64
	Face     int64  // minor units
	Fate     string // "printed", "printed stamped VOID", "left out", "listed"
}

// StatusLines are the selection's totals with what happened to each.
func (s Selection) StatusLines(f *Format) []StatusLine {
	out := make([]StatusLine, 0, len(s.Totals))
	for _, t := range s.Totals {
		l := StatusLine{Status: t.Status, Currency: t.Currency, Cards: t.Cards, Face: t.Face}
		switch {
		case !f.Vouchers:
			l.Fate = "listed"
		case t.Status == data.StatusNew:
			l.Fate = "printed"
		case s.void:
			l.Fate = "printed stamped " + VoidStamp(t.Status)
		default:
			l.Fate = "left out"
		}
		out = append(out, l)
	}
	return out
}

// Select counts what an export of the cards f matches holds, as r reads
// them, and refuses an export with nothing to write.
func Select(ctx context.Context, r Reader, f data.Filter, format *Format, opts Options) (Selection, error) {
	if err := f.Validate(); err != nil {
		return Selection{}, err
	}
	totals, err := r.StatusTotals(ctx, f)
	if err != nil {
		return Selection{}, err
	}
	sel := Selection{Totals: totals, tiles: f, void: format.Vouchers && opts.IncludeVoid}
	left := map[data.Status]int64{}
	for _, t := range totals {
		sel.Matched += t.Cards
		switch {
		case !format.Vouchers || t.Status == data.StatusNew:
			sel.Cards += t.Cards
		case sel.void:
			sel.Cards += t.Cards
			sel.Void += t.Cards
		default:
			left[t.Status] += t.Cards
		}
	}
	for _, st := range []data.Status{data.StatusBlocked, data.StatusActivated, data.StatusExpired} {
		if left[st] > 0 {
			sel.LeftOut = append(sel.LeftOut, StatusCount{st, left[st]})
		}
	}
	if format.Vouchers && !sel.void && f.Status == "" {
		sel.tiles.Status = data.StatusNew
	}
	if sel.Matched == 0 {
		return sel, data.NewError(data.ErrNotFound, "export: no cards match (%s); change the search", f.Describe())
	}
	if sel.Cards == 0 {
		return sel, data.NewError(data.ErrNotFound, "export: none of the %d cards that match (%s) can be sold: %s. Nothing was written; include void cards (--include-void) to print them stamped, or change the search",
			sel.Matched, f.Describe(), sel.LeftOutText())
	}
	if format.MaxCards > 0 && sel.Matched > format.MaxCards {
		return sel, data.NewError(data.ErrInvalid, "export: %d cards are more than one %s takes (%d); export a batch or a serial range at a time",
			sel.Matched, strings.TrimSpace(strings.TrimSuffix(format.Label, "("+format.Ext+")")), format.MaxCards)
	}
	return sel, nil
}

// Result says what an export wrote.
type Result struct {
	Selection
	Pages   int     // voucher sheets: pages, the control totals included (PDF)
	Printed []int64 // voucher sheets: the cards on tiles, in print order (the print run)
}

// job is one export under way.
type job struct {
	r       Reader
	f       data.Filter // the search: every card it matches
	sel     Selection
	format  *Format
	now     time.Time
	opts    Options
	prog    *progress
	printed []int64
}

// eachTile calls fn for every card on a voucher tile, in print order, with
// its tile (stamped when the card cannot be sold).
func (j *job) eachTile(ctx context.Context, fn func(Tile, data.Card) error) error {
	return j.r.Each(ctx, j.sel.tiles, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := TileFor(c, j.opts.QRTemplate, j.opts.Locale)
		t.Void = VoidStamp(c.StatusAt(j.now))
		if j.opts.Template != nil && !j.format.Has(TakesGrid) { // the workbook: the PDF draws the template itself
			cellTile(&t, j.opts.Template, c, j.opts.Locale)
		}
		return fn(t, c)
	})
}

// Write writes format's export of the cards f matches, as r reads them, to
// w. Every pass over the cards reads through r, so the count, the tiles,
// the QR codes, the card list and the totals describe the same cards.
// Voucher formats print the cards that can be sold, and with
// opts.IncludeVoid the others stamped; an export with nothing to print is
// refused before anything is written. On an error what was written to w is
// not a complete file.
func Write(ctx context.Context, w io.Writer, r Reader, f data.Filter, format *Format, opts Options) (Result, error) {
	if err := opts.normalize(format); err != nil {
		return Result{}, err
	}
	sel, err := Select(ctx, r, f, format, opts)
	if err != nil {
		return Result{}, err
	}
	j := &job{r: r, f: f, sel: sel, format: format, now: r.Now(), opts: opts, prog: &progress{fn: opts.Progress}}
	pages, err := format.write(ctx, w, j)
	if err != nil {
		return Result{}, err
	}
	return Result{Selection: sel, Pages: pages, Printed: j.printed}, nil
}

// Preview draws the first PDF page that Write would write, widthPx wide.
func Preview(ctx context.Context, r Reader, f data.Filter, opts Options, widthPx int) (image.Image, error) {
	if err := opts.normalize(PDF); err != nil {
		return nil, err
	}
	lay, err := opts.pdfLayout()
	if err != nil {
		return nil, err
	}
	sel, err := Select(ctx, r, f, PDF, opts)
	if err != nil {
		return nil, err
	}
	j := &job{r: r, f: f, sel: sel, format: PDF, now: r.Now(), opts: opts}
	return PreviewPage(func(yield func(Tile, data.Card) error) error {
		return j.eachTile(ctx, func(t Tile, c data.Card) error {
			if opts.MaskPINs {
				m := MaskedCard(c)
				t.PIN, t.QR, t.Barcode = data.GroupPIN(m.PIN), strings.ReplaceAll(t.QR, c.PIN, m.PIN), strings.ReplaceAll(t.Barcode, c.PIN, m.PIN)
				c = m
			}
			return yield(t, c)
		})
	}, opts.pdfOptions(lay, nil), widthPx)
}

// MaskedCard is c with its PIN masked but for the last four digits, for a
// preview on a screen customers may see: X stands for each hidden digit,
// so that the fonts print it and a code can still hold it.
func MaskedCard(c data.Card) data.Card {
	if n := len(c.PIN); n > 4 {
		c.PIN = strings.Repeat("X", n-4) + c.PIN[n-4:]
	}
	return c
}
