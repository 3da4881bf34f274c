package views

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// Table columns, in display order.
const (
	colStatus = iota
	colSerial
	colAmount
	colPIN
	colReseller
	colExpiry
	colActivated
	colCreated
	colPrinted
	numCols
)

// columnInfo is a table column's title, width and the store column it sorts by.
var columnInfo = [numCols]struct {
	title  string
	sample string // the widest usual content: the column is sized to fit it
	sort   data.Column
}{
	{"Status", "", data.ColStatus},
	{"Serial Number", "8-888888888", data.ColSerial},
	{"Amount", "8,888.88 USD", data.ColAmount},
	{"PIN Code", "8888 8888 8888", data.ColPIN},
	{"Reseller", "Reseller", data.ColReseller},
	{"Expiry Date", "88/88/8888 88:88 PM", data.ColExpiresAt},
	{"Activated", "Rose Orig 88/88/8888", data.ColActivatedAt},
	{"Created on", "88/88/8888 88:88:88 PM +8888", data.ColCreatedAt},
	{"Printed", "", data.ColPrinted},
}

// pageSize is how many rows one read fetches; maxPages bounds the cache.
const (
	pageSize = 100
	maxPages = 64
)

// StatusColor is the theme colour that marks a status in the table and the legend.
func StatusColor(s data.Status) fyne.ThemeColorName {
	switch s {
	case data.StatusActivated:
		return theme.ColorNamePrimary
	case data.StatusExpired:
		return theme.ColorNameWarning
	case data.StatusBlocked:
		return theme.ColorNameError
	}
	return theme.ColorNameSuccess
}

// StatusIcon is the coloured icon of a status.
func StatusIcon(s data.Status) fyne.Resource {
	switch s {
	case data.StatusActivated:
		return theme.NewColoredResource(theme.ConfirmIcon(), StatusColor(s))
	case data.StatusExpired:
		return theme.NewColoredResource(theme.HistoryIcon(), StatusColor(s))
	case data.StatusBlocked:
		return theme.NewColoredResource(theme.CancelIcon(), StatusColor(s))
	}
	return theme.NewColoredResource(theme.RadioButtonCheckedIcon(), StatusColor(s))
}

// CardTable is the card table: it reads the store page by page as the
// person scrolls, so a million cards cost only the visible rows plus the
// ordered list of ids.
type CardTable struct {
	widget.BaseWidget
	store Store
	tasks *Tasks

	Table *widget.Table
	// OnSortChanged is told when a header click changes the order.
	OnSortChanged func(data.Sort)
	// OnSelected is told which card the person selected (nil: none).
	OnSelected func(*data.Card)
	// OnCounted is told how many cards the search matches, as soon as the
	// first page is on screen.
	OnCounted func(n int)

	// Only touched on the UI goroutine.
	filter data.Filter
	order  data.Sort
	total  int     // rows: the search's count
	ids    []int64 // the rows' card ids in order; nil until read

	pages   map[int][]data.Card
	loading map[int]bool
	now     time.Time
	sel     int // selected row, -1 none

	seq atomic.Int64 // the current load; older loads are dropped

	// hidePINs masks the PIN column (the Hide PINs setting).
	hidePINs bool
	// base is each column's width for its content; the columns grow from
	// it to fill the table's width (fitColumns).
	base   [numCols]float32
	width  float32          // the width the columns were last fitted to
	widths [numCols]float32 // the widths set then

	// formats is how amounts and dates are read and shown (nil: the default locale).
	formats *Formats
}

// cellWidth is the width a cell needs for text s: the text plus the
// compact theme's padding on both sides and the gap between columns.
func cellWidth(s string) float32 {
	return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width + 2*tableInnerPadding + theme.Padding()
}

// fitFormats sizes the date columns to what the locale writes: "12/28/2088
// 10:58:58 PM +0000" is wider than "2088-12-28 22:58:58 +0000".
func (t *CardTable) fitFormats() {
	l := t.formats.Locale()
	at := time.Date(2088, 12, 28, 22, 58, 58, 0, time.Local)
	for col, sample := range map[int]string{colExpiry: l.DateTime(at), colActivated: "Rose Orig " + l.Date(at),
		colCreated: l.Timestamp(at), colAmount: l.Amount(data.Money{Minor: 8888888, Currency: "USD"})} {
		t.base[col] = max(cellWidth(sample), cellWidth(columnInfo[col].title)+theme.IconInlineSize()+tableInnerPadding)
	}
	t.fitColumns(t.width)
}

// maxNameWidth bounds the Reseller column however long a name is: the cell
// shows the rest with "…" and the selection line says it whole.
const maxNameWidth = 320

// FitResellers sizes the Reseller column to the longest reseller name, so
// that no name is cut while the window has room.
func (t *CardTable) FitResellers(rs []data.Reseller) {
	w := max(cellWidth(columnInfo[colReseller].sample), cellWidth(columnInfo[colReseller].title)+theme.IconInlineSize()+tableInnerPadding)
	for _, r := range rs {
		w = max(w, min(cellWidth(r.Name), maxNameWidth))
	}
	if w != t.base[colReseller] {
		t.base[colReseller] = w
		t.fitColumns(t.width)
	}
}

// growCols are the columns that take the room the table has beyond what
// the content needs, in proportion to their content width.
var growCols = []int{colSerial, colAmount, colPIN, colReseller, colExpiry, colActivated, colCreated}

// fitColumns sets the column widths for a table width w: each column's
// content width, and the room left over shared by the text columns so that
// the rows fill the window instead of leaving a third of it empty.
func (t *CardTable) fitColumns(w float32) {
	t.width = w
	var sum, grow float32
	for _, b := range t.base {
		sum += b
	}
	for _, c := range growCols {
		grow += t.base[c]
	}
	extra := max(0, w-sum-theme.ScrollBarSize()-theme.Padding()*2)
	for i, b := range t.base {
		width := b
		if slices.Contains(growCols, i) {
			width += extra * b / grow
		}
		if i == numCols-1 { // room for the vertical scroll bar over the last column
			width += theme.ScrollBarSize()
		}
		t.widths[i] = width
		t.Table.SetColumnWidth(i, width)
	}
}

// NewCardTable makes an empty table; Load fills it.
func NewCardTable(store Store, tasks *Tasks) *CardTable {
	t := &CardTable{store: store, tasks: tasks, pages: map[int][]data.Card{}, loading: map[int]bool{}, sel: -1}
	t.Table = widget.NewTable(t.length, t.createCell, t.updateCell)
	t.Table.ShowHeaderRow = true
	t.Table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	t.Table.UpdateHeader = t.updateHeader
	t.Table.OnSelected = t.onSelected
	t.Table.OnUnselected = func(widget.TableCellID) {}
	for i, c := range columnInfo {
		t.base[i] = max(cellWidth(c.sample), cellWidth(c.title)+theme.IconInlineSize()+tableInnerPadding)
	}
	t.fitColumns(0)
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer shows the table, with less padding inside its cells.
func (t *CardTable) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewThemeOverride(t.Table, compactTheme{}))
}

// Rows is how many cards the table holds (the current search's count).
func (t *CardTable) Rows() int { return t.total }

// Sort is the current order.
func (t *CardTable) Sort() data.Sort { return t.order }

// length reports no rows until the table has a height: widget.Table makes
// one separator per row before it knows its size, which for a million rows
// costs hundreds of megabytes and seconds.
func (t *CardTable) length() (int, int) {
	if t.Table.Size().Height <= 0 {
		return 0, numCols
	}
	return t.total, numCols
}

// Resize refreshes the table once it first gets a height, so that the rows
// appear.
func (t *CardTable) Resize(s fyne.Size) {
	had := t.Table.Size().Height > 0
	if s.Width != t.width {
		t.fitColumns(s.Width)
	}
	t.BaseWidget.Resize(s)
	if !had && s.Height > 0 {
		t.Table.Refresh()
	}
}

func (t *CardTable) createCell() fyne.CanvasObject {
	icon := widget.NewIcon(nil)
	label := widget.NewLabel("3-000000000")
	label.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, icon, nil, label)
}

// updateCell only reads memory: a row that is not loaded yet shows a
// placeholder and asks for its page in the background.
func (t *CardTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	box := o.(*fyne.Container)
	label := box.Objects[0].(*widget.Label)
	icon := box.Objects[1].(*widget.Icon)
	c, ok := t.cardAt(id.Row)
	if !ok {
		icon.Hide()
		label.SetText("…")
		return
	}
	if id.Col == colStatus {
		// The seed's Status column is an icon; the legend says what each means.
		icon.SetResource(StatusIcon(c.StatusAt(t.now)))
		icon.Show()
		label.SetText("")
		return
	}
	icon.Hide()
	label.SetText(t.cellText(c, id.Col))
}

// cellText is CellText in the table's locale, with the PIN masked while
// PINs are hidden.
func (t *CardTable) cellText(c data.Card, col int) string {
	if col == colPIN && t.hidePINs {
		return data.MaskPIN(c.PIN)
	}
	return CellText(c, col, t.now, t.formats.Locale())
}

// CellText is what a cell of column col shows for card c, with amounts and
// dates in locale l.
func CellText(c data.Card, col int, now time.Time, l data.Locale) string {
	switch col {
	case colStatus:
		return string(c.StatusAt(now))
	case colSerial:
		return c.Serial.String()
	case colAmount:
		return l.Amount(c.Amount)
	case colPIN:
		return data.GroupPIN(c.PIN)
	case colReseller:
		if c.Reseller == "" {
			return "—"
		}
		return c.Reseller
	case colExpiry:
		if c.ExpiresAt.IsZero() {
			return "—"
		}
		return l.DateTime(c.ExpiresAt)
	case colActivated:
		return c.Activated(l)
	case colCreated:
		return l.Timestamp(c.CreatedAt)
	case colPrinted:
		if c.Printed == 0 {
			return "—"
		}
		return fmt.Sprintf("%d×", c.Printed)
	}
	return ""
}

func (t *CardTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*widget.Button)
	if id.Col < 0 || id.Col >= numCols {
		b.SetText("")
		b.OnTapped = nil
		return
	}
	info := columnInfo[id.Col]
	// The sort direction is a theme icon: the bundled font has no arrows.
	var icon fyne.Resource
	if t.order.Column == info.sort || t.order.Column == "" && info.sort == data.ColSerial {
		if t.order.Desc {
			icon = theme.MenuDropDownIcon()
		} else {
			icon = theme.MenuDropUpIcon()
		}
	}
	b.SetText(info.title)
	b.SetIcon(icon)
	col := id.Col
	b.OnTapped = func() { t.TapHeader(col) }
}

// TapHeader sorts by column col; tapping the sorted column again reverses it.
func (t *CardTable) TapHeader(col int) {
	c := columnInfo[col].sort
	cur := t.order.Column
	if cur == "" {
		cur = data.ColSerial
	}
	next := data.Sort{Column: c}
	if cur == c {
		next.Desc = !t.order.Desc
	}
	t.order = next
	if t.OnSortChanged != nil {
		t.OnSortChanged(next)
	}
}

// cardAt returns the card of a row if its page is loaded, and starts the
// page's load otherwise.
func (t *CardTable) cardAt(row int) (data.Card, bool) {
	if row < 0 || row >= t.total {
		return data.Card{}, false
	}
	p := row / pageSize
	if cards, ok := t.pages[p]; ok {
		if i := row - p*pageSize; i < len(cards) {
			return cards[i], true
		}
		return data.Card{}, false
	}
	if t.ids != nil && !t.loading[p] {
		t.loading[p] = true
		seq, ids := t.seq.Load(), t.ids
		t.tasks.Go(func() { t.loadPage(context.Background(), seq, ids, p) })
	}
	return data.Card{}, false
}

// pageIDs returns the ids of page p.
func pageIDs(ids []int64, p int) []int64 {
	lo := p * pageSize
	hi := min(lo+pageSize, len(ids))
	if lo >= hi {
		return nil
	}
	return ids[lo:hi]
}

// loadPage reads page p from the store (disk work: off the UI goroutine).
func (t *CardTable) loadPage(ctx context.Context, seq int64, ids []int64, p int) {
	cards, err := t.store.CardsByID(ctx, pageIDs(ids, p))
	fyne.Do(func() {
		if seq != t.seq.Load() {
			return
		}
		delete(t.loading, p)
		if err != nil {
			fyne.LogError("load page", err)
			return
		}
		// A card deleted meanwhile leaves a gap: keep rows aligned by id.
		if len(cards) != len(pageIDs(ids, p)) {
			cards = alignCards(pageIDs(ids, p), cards)
		}
		t.pages[p] = cards
		t.evict(p)
		t.Table.Refresh()
	})
}

func alignCards(ids []int64, cards []data.Card) []data.Card {
	byID := make(map[int64]data.Card, len(cards))
	for _, c := range cards {
		byID[c.ID] = c
	}
	out := make([]data.Card, len(ids))
	for i, id := range ids {
		c, ok := byID[id]
		if !ok {
			c = data.Card{ID: id, Serial: data.Serial{Series: "(deleted)"}}
		}
		out[i] = c
	}
	return out
}

// evict keeps the cache bounded, dropping the pages farthest from p.
func (t *CardTable) evict(p int) {
	for len(t.pages) > maxPages {
		far, dist := -1, -1
		for k := range t.pages {
			d := k - p
			if d < 0 {
				d = -d
			}
			if d > dist {
				far, dist = k, d
			}
		}
		delete(t.pages, far)
	}
}

// Load shows the cards f matches in order o. It does disk work: run it
// through Tasks. First the count and the first page (a keyset page, well
// under 100 ms on a million cards) go on screen; then the ordered ids of
// all the rows are read (a few hundred ms for a million), which the other
// pages are loaded by as the person scrolls.
func (t *CardTable) Load(ctx context.Context, f data.Filter, o data.Sort) error {
	seq := t.seq.Add(1)
	n, err := t.store.Count(ctx, f)
	if err != nil {
		return err
	}
	first, _, err := t.store.Page(ctx, f, o, data.Cursor{}, pageSize)
	if err != nil {
		return err
	}
	now := t.store.Now()
	fyne.Do(func() {
		if seq != t.seq.Load() {
			return
		}
		t.filter, t.order, t.ids, t.total, t.now = f, o, nil, int(n), now
		t.pages = map[int][]data.Card{0: first}
		t.loading = map[int]bool{}
		t.sel = -1
		t.Table.UnselectAll()
		t.Table.ScrollToTop()
		t.Table.Refresh()
		if t.OnSelected != nil {
			t.OnSelected(nil)
		}
		if t.OnCounted != nil {
			t.OnCounted(int(n))
		}
	})
	ids, err := t.store.IDs(ctx, f, o)
	if err != nil {
		return err
	}
	fyne.Do(func() {
		if seq != t.seq.Load() {
			return
		}
		// Cards added or removed meanwhile: the ids are the truth.
		t.ids, t.total = ids, len(ids)
		t.Table.Refresh()
	})
	return nil
}

// refreshState is what an in-place refresh keeps: the search on screen, the
// pages loaded and the selected card.
type refreshState struct {
	f     data.Filter
	o     data.Sort
	pages []int
	selID int64
}

// refreshState reads what the table shows now (on the UI goroutine).
func (t *CardTable) refreshState() refreshState {
	st := refreshState{f: t.filter, o: t.order}
	for p := range t.pages {
		st.pages = append(st.pages, p)
	}
	if c, ok := t.Selected(); ok {
		st.selID = c.ID
	}
	return st
}

// Update re-reads the rows on screen in place, after a change made here or
// elsewhere: the scroll position stays, the selected card stays selected
// when it still matches, and the rows loaded are swapped for fresh ones at
// once (no row flickers to "…"). It does disk work: run it through Tasks
// with st read on the UI goroutine (refreshState).
func (t *CardTable) Update(ctx context.Context, st refreshState) error {
	seq := t.seq.Add(1)
	ids, err := t.store.IDs(ctx, st.f, st.o)
	if err != nil {
		return err
	}
	pages := make(map[int][]data.Card, len(st.pages))
	for _, p := range st.pages {
		want := pageIDs(ids, p)
		if len(want) == 0 {
			continue
		}
		cards, err := t.store.CardsByID(ctx, want)
		if err != nil {
			return err
		}
		if len(cards) != len(want) {
			cards = alignCards(want, cards)
		}
		pages[p] = cards
	}
	now := t.store.Now()
	fyne.Do(func() {
		if seq != t.seq.Load() {
			return
		}
		t.ids, t.total, t.now, t.pages, t.loading = ids, len(ids), now, pages, map[int]bool{}
		t.sel = -1
		if st.selID != 0 {
			if i := slices.Index(ids, st.selID); i >= 0 {
				t.sel = i
			}
		}
		if t.sel < 0 {
			t.Table.UnselectAll()
		}
		t.Table.Refresh()
		if t.OnSelected != nil {
			if c, ok := t.Selected(); ok {
				t.OnSelected(&c)
			} else {
				t.OnSelected(nil)
			}
		}
	})
	return nil
}

func (t *CardTable) onSelected(id widget.TableCellID) {
	t.sel = id.Row
	if t.OnSelected == nil {
		return
	}
	if c, ok := t.cardAt(id.Row); ok {
		t.OnSelected(&c)
		return
	}
	t.OnSelected(nil)
}

// Selected returns the selected card, if its row is loaded.
func (t *CardTable) Selected() (data.Card, bool) {
	if t.sel < 0 {
		return data.Card{}, false
	}
	return t.cardAt(t.sel)
}

// RowsText returns the text of the loaded rows from row lo up to hi (tests
// and the clipboard use it).
func (t *CardTable) RowsText(lo, hi int) [][]string {
	var out [][]string
	for r := lo; r < hi && r < t.total; r++ {
		c, ok := t.cardAt(r)
		if !ok {
			continue
		}
		row := make([]string, numCols)
		for col := range row {
			row[col] = t.cellText(c, col)
		}
		out = append(out, row)
	}
	return out
}

// Legend explains the status icons.
func Legend() fyne.CanvasObject {
	box := container.NewHBox()
	for _, s := range data.Statuses {
		box.Add(widget.NewIcon(StatusIcon(s)))
		box.Add(widget.NewLabel(string(s)))
	}
	return box
}
