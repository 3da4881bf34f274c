package export

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"topupcards/data"
)

// Sheet names of the workbook.
const (
	SheetVouchers = "Vouchers"
	SheetCards    = "Cards"
	SheetSummary  = "Summary"
)

// MaxWorkbookCards is the most cards one Excel voucher workbook takes. Past
// it the file gets slow to open and to print; split the export by batch or
// serial range (or use CSV for lists).
const MaxWorkbookCards = 100_000

// Paper is a paper size for the voucher sheet.
type Paper int

// The paper sizes.
const (
	PaperA4 Paper = iota
	PaperLetter
)

// ParsePaper reads "a4" or "letter".
func ParsePaper(s string) (Paper, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "a4":
		return PaperA4, nil
	case "letter":
		return PaperLetter, nil
	}
	return 0, data.NewError(data.ErrInvalid, "paper %q: use a4 or letter", s)
}

func (p Paper) String() string {
	if p == PaperLetter {
		return "Letter"
	}
	return "A4"
}

// size returns the paper's width and height in millimetres and its
// spreadsheet paper-size code.
func (p Paper) size() (w, h float64, code int) {
	if p == PaperLetter {
		return 215.9, 279.4, 1
	}
	return 210, 297, 9
}

// Voucher sheet geometry, in millimetres.
const (
	marginSide   = 10.0
	marginTop    = 10.0
	marginBottom = 14.0
	footerMargin = 6.0
	minTileH     = 34.0 // a tile is at least this tall; pages share the rest out
	maxQRSize    = 26.0
	rowsPerTile  = 6
	MaxAcross    = 6
)

// rowHeights are the heights of a tile's six rows in points (company,
// amount, PIN, serial, valid until, bottom) for a tile tileH mm tall.
func rowHeights(tileH float64) [rowsPerTile]float64 {
	h := [rowsPerTile]float64{15, 26, 18, 13, 13, 0}
	sum := 0.0
	for _, v := range h {
		sum += v
	}
	h[rowsPerTile-1] = mmToPt(tileH) - sum
	return h
}

func mmToPt(mm float64) float64 { return mm / 25.4 * 72 }

// mmToColWidth converts millimetres to a stored column width: the width in
// pixels (at 96 dpi) over the maximum digit width of the workbook's default
// font, Arial 11 (8 pixels; Liberation Sans, its metric twin, the same). A
// program that has neither falls back to a wider font (DejaVu Sans: 9.3
// pixels) and draws the columns wider; fit-to-width then scales the page
// down, evenly, and the page breaks still fall between tile rows.
func mmToColWidth(mm float64) float64 { return mm / 25.4 * 96 / 8 }

// layout is where tiles go on the voucher sheet.
type layout struct {
	across        int
	paper         Paper
	textW, qrColW float64 // column widths, mm
	qr            float64 // QR code side, mm
	bar           float64 // barcode height below the QR code, mm (0: none)
	tileH         float64 // tile height, mm
	heights       [rowsPerTile]float64
	tilesPerPage  int
	tileRowsPage  int
}

func newLayout(across int, paper Paper) layout {
	w, h, _ := paper.size()
	tileW := (w - 2*marginSide) / float64(across)
	l := layout{across: across, paper: paper}
	// As many tile rows as fit, sharing out the rest of the page (less a
	// millimetre for rounding) so the sheet is used to its foot.
	usable := h - marginTop - marginBottom - 1
	l.tileRowsPage = int(usable / minTileH)
	l.tileH = usable / float64(l.tileRowsPage)
	l.heights = rowHeights(l.tileH)
	l.tilesPerPage = l.tileRowsPage * across
	l.qr = math.Min(maxQRSize, math.Min(tileW*0.45, l.tileH-8))
	l.qrColW = l.qr + 3
	l.textW = tileW - l.qrColW
	return l
}

// Pages is how many pages n cards take.
func (l layout) pages(n int64) int {
	return int((n + int64(l.tilesPerPage) - 1) / int64(l.tilesPerPage))
}

// DefaultAcross is how many voucher tiles the workbook puts across a page
// when not told.
const DefaultAcross = 3

// Options say how to export.
type Options struct {
	Across     int    // tiles across: workbook 1..MaxAcross (0: DefaultAcross); PDF grid (0: the layout's own)
	Down       int    // PDF: tiles down a grid page (0: as many as fit)
	Paper      Paper  // A4 or Letter
	QRTemplate string // "" : the QR code holds the PIN; else a redeem address with {pin}
	// IncludeVoid prints, on voucher sheets, the cards that cannot be sold
	// (blocked, redeemed, expired) stamped VOID, REDEEMED or EXPIRED across
	// the tile; without it they are left out.
	IncludeVoid bool
	// PDF only.
	Layout   string           // a PDFLayouts name; "" : the plain grid of Paper
	CutMarks bool             // cut marks outside the tile grid
	Logo     []byte           // PNG or JPEG drawn on every tile
	Colours  map[int64]string // accent colour per face value (data.Money.ToBound): "#RRGGBB"
	// Locale writes the amounts and dates on the vouchers and the
	// summaries (the zero Locale: data.Plain). Sheets' number cells are
	// numbers; the spreadsheet program shows them in its own locale.
	Locale data.Locale
	// Template draws the PDF's tiles (nil: the built-in tile); with a
	// grid layout the tiles take its size.
	Template *data.Template
	DPI      int // the printer's resolution, for the barcode check (0: 300)
	// MaskPINs draws a preview with the PINs masked (MaskedCard), as the
	// window's Hide PINs setting asks; files always hold the whole PIN.
	MaskPINs bool
	// Progress is told how far the export is (done of total steps).
	Progress func(done, total int64)
	// TmpDir is where a writer may keep temporary data (the workbook keeps
	// large sheets in files while it writes): a private folder next to the
	// output, so PINs never land in the shared system temporary folder.
	// "": the system's.
	TmpDir string
}

// normalize fills in the defaults for format and checks the options.
func (o *Options) normalize(format *Format) error {
	if o.Paper != PaperA4 && o.Paper != PaperLetter {
		return data.NewError(data.ErrInvalid, "paper: use A4 or Letter")
	}
	if err := CheckQRTemplate(o.QRTemplate); err != nil {
		return err
	}
	if o.Template != nil && !format.Has(TakesTemplate) {
		return data.NewError(data.ErrInvalid, "export: a card template is for voucher sheets; save as .pdf or .xlsx")
	}
	if !format.Has(TakesGrid) && (o.Layout != "" || o.Down != 0) {
		return data.NewError(data.ErrInvalid, "export: a layout and tiles down are for PDF; save as .pdf")
	}
	if !format.Has(TakesCutMarks) && o.CutMarks || !format.Has(TakesLogo) && o.Logo != nil || !format.Has(TakesColours) && len(o.Colours) > 0 {
		return data.NewError(data.ErrInvalid, "export: cut marks, a logo and colours are for PDF; save as .pdf")
	}
	if err := CheckLogo(o.Logo); err != nil {
		return err
	}
	if format.Has(TakesGrid) {
		_, err := o.pdfLayout()
		return err
	}
	if o.Across == 0 {
		o.Across = DefaultAcross
	}
	if o.Across < 1 || o.Across > MaxAcross {
		return data.NewError(data.ErrInvalid, "tiles across %d: choose 1 to %d", o.Across, MaxAcross)
	}
	return nil
}

// pdfLayout is the PDF layout the options choose.
func (o Options) pdfLayout() (PDFLayout, error) {
	name := o.Layout
	if name == "" {
		name = "grid-a4"
		if o.Paper == PaperLetter {
			name = "grid-letter"
		}
	}
	if o.Template == nil {
		return LayoutByName(name, o.Across, o.Down)
	}
	lay, err := LayoutByName(name, 0, 0)
	if err != nil {
		return lay, err
	}
	if !lay.Outline && (o.Across != 0 || o.Down != 0) {
		return LayoutByName(name, o.Across, o.Down) // card stock: its own count, or the refusal
	}
	return templateLayout(lay, o.Template, o.Across, o.Down)
}

// pdfOptions are the drawing options of layout lay.
func (o Options) pdfOptions(lay PDFLayout, statuses []StatusLine) PDFOptions {
	return PDFOptions{Layout: lay, CutMarks: o.CutMarks, Logo: o.Logo, Colours: o.Colours, Statuses: statuses, Locale: o.Locale,
		Template: o.Template, DPI: o.DPI}
}

// progress counts steps and reports them now and then.
type progress struct {
	fn          func(done, total int64)
	done, total int64
	mu          sync.Mutex
}

func (p *progress) add(n int64) {
	if p.fn == nil {
		return
	}
	p.mu.Lock()
	before := p.done
	p.done += n
	done := p.done
	p.mu.Unlock()
	if done == p.total || done/500 != before/500 {
		p.fn(done, p.total)
	}
}

// writeWorkbookFile writes the voucher workbook of j to w: the Vouchers
// sheet (the tiles' text), the Cards and Summary sheets, then the QR codes
// in a drawing of its own. It returns the number of voucher pages.
func writeWorkbookFile(ctx context.Context, w io.Writer, j *job) (int, error) {
	lay := newLayout(j.opts.Across, j.opts.Paper)
	if templateBarcode(j.opts.Template) != nil {
		lay = lay.withBarcode()
	}
	// Steps: a tile's text, a card's row, its QR code (2).
	j.prog.total = 3*j.sel.Cards + j.sel.Matched
	if err := writeWorkbook(ctx, w, j, lay); err != nil {
		return 0, err
	}
	return lay.pages(j.sel.Cards), nil
}

func writeWorkbook(ctx context.Context, w io.Writer, j *job, lay layout) error {
	title := exportTitle(j.f)
	xf := excelize.NewFile(excelize.Options{TmpDir: j.opts.TmpDir})
	defer xf.Close()
	if err := xf.SetDefaultFont(sheetFont); err != nil {
		return err
	}
	if err := xf.SetSheetName("Sheet1", SheetVouchers); err != nil {
		return err
	}
	for _, s := range []string{SheetCards, SheetSummary} {
		if _, err := xf.NewSheet(s); err != nil {
			return err
		}
	}
	_ = xf.SetDocProps(&excelize.DocProperties{Title: "Top-up card vouchers: " + title, Creator: "Top-up Cards",
		Created: j.now.Format(time.RFC3339)})
	var first, last string
	if err := writeVouchers(ctx, xf, j, lay, title, &first, &last); err != nil {
		return err
	}
	if err := writeCards(ctx, xf, j); err != nil {
		return err
	}
	if err := writeSummary(xf, j, lay, first, last); err != nil {
		return err
	}
	// excelize's own picture placement scans every picture already placed,
	// so placing n pictures costs n²; it placed one, and the drawing with
	// all n is written here, in one pass.
	tmp, err := os.CreateTemp("", "topupcards-export-*.xlsx")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := xf.Write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	st, err := tmp.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(tmp, st.Size())
	if err != nil {
		return err
	}
	return addDrawing(ctx, zr, w, j, lay)
}

// exportTitle says what was exported, for the footer and the summary.
func exportTitle(f data.Filter) string {
	if f.Batch != 0 {
		g := f
		g.Batch = 0
		if g.IsEmpty() {
			return fmt.Sprintf("batch %d", f.Batch)
		}
	}
	return f.Describe()
}

// Fonts of the workbook. Arial is on Windows and macOS, and Linux maps it
// to its metric twin Liberation Sans; where neither is installed a printer
// falls back to a wider sans (DejaVu Sans), so tiles and columns are sized
// for DejaVu Sans's widths and line heights (fallbackLineEm), the widest
// of them.
const (
	sheetFont      = "Arial"
	pinFont        = "Courier New"
	fallbackLineEm = 1.17 // DejaVu Sans: ascent 0.93 + descent 0.24 em
)

// voucherStyles are the style ids of a tile's cells: rows[row][0 text, 1
// QR], and void, the bottom row of a tile that cannot be sold.
type voucherStyles struct {
	rows [rowsPerTile][2]int
	void [2]int
}

func makeVoucherStyles(xf *excelize.File) (voucherStyles, error) {
	var st voucherStyles
	cut := func(sides ...string) []excelize.Border {
		var b []excelize.Border
		for _, s := range sides {
			b = append(b, excelize.Border{Type: s, Color: "8C8C8C", Style: 3}) // dashed: the cut line
		}
		return b
	}
	fonts := [rowsPerTile + 1]*excelize.Font{
		{Bold: true, Size: 10, Color: "1F3864", Family: sheetFont},
		{Bold: true, Size: 20, Family: sheetFont},
		{Bold: true, Size: 13, Family: pinFont},
		{Size: 9, Color: "404040", Family: sheetFont},
		{Size: 9, Color: "404040", Family: sheetFont},
		{Bold: true, Size: 8, Color: "C00000", Family: sheetFont}, // REPRINT
		{Bold: true, Size: 8, Color: "FFFFFF", Family: sheetFont}, // VOID — DO NOT SELL, on red
	}
	for r := 0; r <= rowsPerTile; r++ {
		for c := 0; c < 2; c++ {
			var sides []string
			if r == 0 {
				sides = append(sides, "top")
			}
			if r >= rowsPerTile-1 {
				sides = append(sides, "bottom")
			}
			if c == 0 {
				sides = append(sides, "left")
			} else {
				sides = append(sides, "right")
			}
			style := &excelize.Style{
				Border:    cut(sides...),
				Font:      fonts[r],
				Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", Indent: 1, ShrinkToFit: true},
			}
			if r == rowsPerTile {
				style.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"C00000"}}
			}
			id, err := xf.NewStyle(style)
			if err != nil {
				return st, err
			}
			if r == rowsPerTile {
				st.void[c] = id
			} else {
				st.rows[r][c] = id
			}
		}
	}
	return st, nil
}

// writeVouchers writes the tiles' text with page setup, page breaks and the
// print area; the QR codes are added by addDrawing.
func writeVouchers(ctx context.Context, xf *excelize.File, j *job, lay layout, title string, first, last *string) error {
	if err := setupVoucherPage(xf, lay, j.sel.Cards, title); err != nil {
		return err
	}
	styles, err := makeVoucherStyles(xf)
	if err != nil {
		return err
	}
	sw, err := xf.NewStreamWriter(SheetVouchers)
	if err != nil {
		return err
	}
	for c := 0; c < lay.across; c++ {
		if err := sw.SetColWidth(2*c+1, 2*c+1, mmToColWidth(lay.textW)); err != nil {
			return err
		}
		if err := sw.SetColWidth(2*c+2, 2*c+2, mmToColWidth(lay.qrColW)); err != nil {
			return err
		}
	}
	tr := newTileRows(sw, lay)
	pictured := false
	err = j.eachTile(ctx, func(t Tile, c data.Card) error {
		j.printed = append(j.printed, c.ID)
		if *first == "" {
			*first = t.Serial
		}
		*last = t.Serial
		tr.add(t, styles)
		if !pictured {
			// One picture through excelize, so that it makes the drawing
			// part, its relationships and content types; addDrawing then
			// writes the drawing with every card's QR code.
			img, err := QRPNG(t.QR)
			if err != nil {
				return err
			}
			if err := xf.AddPictureFromBytes(SheetVouchers, "B1", &excelize.Picture{Extension: ".png", File: img,
				Format: &excelize.GraphicOptions{Positioning: "oneCell"}}); err != nil {
				return err
			}
			pictured = true
		}
		j.prog.add(1)
		if tr.col == lay.across {
			return tr.flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tr.flush(); err != nil {
		return err
	}
	return sw.Flush()
}

// setupVoucherPage sets the Vouchers sheet's paper, margins, footer and
// print area for n tiles.
func setupVoucherPage(xf *excelize.File, lay layout, n int64, title string) error {
	sh := SheetVouchers
	_, _, code := lay.paper.size()
	portrait, one, zero := "portrait", 1, 0
	if err := xf.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &code, Orientation: &portrait, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	in := func(mm float64) *float64 { v := mm / 25.4; return &v }
	centered := true
	if err := xf.SetPageMargins(sh, &excelize.PageLayoutMarginsOptions{Left: in(marginSide), Right: in(marginSide),
		Top: in(marginTop), Bottom: in(marginBottom), Header: in(4), Footer: in(footerMargin), Horizontally: &centered}); err != nil {
		return err
	}
	fit, noGrid := true, false
	if err := xf.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	_ = xf.SetSheetView(sh, 0, &excelize.ViewOptions{ShowGridLines: &noGrid})
	if err := xf.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{
		OddFooter: "&L&8Top-up Cards · " + footerText(title) + "&R&8Page &P of &N",
	}); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(2 * lay.across)
	tileRows := int((n + int64(lay.across) - 1) / int64(lay.across))
	lastRow := tileRows * rowsPerTile
	return xf.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", sh, lastCol, lastRow), Scope: sh})
}

// tileRows collects one row of tiles (rowsPerTile sheet rows of
// lay.across tiles) and writes it to the sheet.
type tileRows struct {
	sw           *excelize.StreamWriter
	lay          layout
	rows         [][]any
	tileRow, col int
}

func newTileRows(sw *excelize.StreamWriter, lay layout) *tileRows {
	tr := &tileRows{sw: sw, lay: lay, rows: make([][]any, rowsPerTile)}
	for r := range tr.rows {
		tr.rows[r] = make([]any, 2*lay.across)
	}
	return tr
}

// add puts tile t in the next place of the row. The bottom line says
// REPRINT, or for a card that cannot be sold "VOID — DO NOT SELL" (or
// REDEEMED, EXPIRED) white on red.
func (tr *tileRows) add(t Tile, styles voucherStyles) {
	bottom, bottomStyle := "", styles.rows[rowsPerTile-1]
	if t.Reprint {
		bottom = "REPRINT"
	}
	if t.Void != "" {
		// A void card is not sold: REPRINT does not matter on it.
		bottom, bottomStyle = t.Void+" — DO NOT SELL", styles.void
	}
	texts := [rowsPerTile]string{t.Company, t.Amount, t.PIN, "S/N " + t.Serial, t.ValidUntil, bottom}
	if t.Lines != nil {
		texts = templateRows(t.Lines, bottom)
	}
	for r := 0; r < rowsPerTile; r++ {
		st := styles.rows[r]
		if r == rowsPerTile-1 {
			st = bottomStyle
		}
		tr.rows[r][2*tr.col] = excelize.Cell{StyleID: st[0], Value: texts[r]}
		tr.rows[r][2*tr.col+1] = excelize.Cell{StyleID: st[1]}
	}
	tr.col++
}

// flush writes the row of tiles collected so far, after a page break when
// a new page begins.
func (tr *tileRows) flush() error {
	if tr.col == 0 {
		return nil
	}
	for c := tr.col; c < tr.lay.across; c++ { // an unfinished last row: empty tiles without cut lines
		for r := range tr.rows {
			tr.rows[r][2*c], tr.rows[r][2*c+1] = nil, nil
		}
	}
	base := tr.tileRow*rowsPerTile + 1
	if tr.tileRow > 0 && tr.tileRow%tr.lay.tileRowsPage == 0 {
		if err := tr.sw.InsertPageBreak(fmt.Sprintf("A%d", base)); err != nil {
			return err
		}
	}
	for r := range tr.rows {
		cell, _ := excelize.CoordinatesToCellName(1, base+r)
		if err := tr.sw.SetRow(cell, tr.rows[r], excelize.RowOpts{Height: tr.lay.heights[r]}); err != nil {
			return err
		}
	}
	tr.tileRow++
	tr.col = 0
	return nil
}

// footerText escapes & for a header/footer string and keeps it short.
func footerText(s string) string {
	if len([]rune(s)) > 80 {
		s = string([]rune(s)[:77]) + "…"
	}
	return strings.ReplaceAll(s, "&", "&&")
}

// cardsHeader is the header of the Cards sheet and of the CSV.
var cardsHeader = []string{"Serial", "PIN", "Amount", "Currency", "Reseller", "Expiry", "Status", "Created", "Activated by", "Activated on"}

// wallClock returns t's local wall-clock time as a UTC time, which is how a
// spreadsheet date without a zone is written.
func wallClock(t time.Time) time.Time {
	l := t.Local()
	return time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), l.Second(), 0, time.UTC)
}

// writeCards writes one row per card the search matches, with real number
// and date cells, a bold frozen header and an autofilter; every column as
// wide as its widest value in the fallback font.
func writeCards(ctx context.Context, xf *excelize.File, j *job) error {
	sh := SheetCards
	if err := setupCardsPage(xf, j.sel.Matched); err != nil {
		return err
	}
	widths, err := cardsColumnWidths(ctx, j)
	if err != nil {
		return err
	}
	head, err := xf.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: sheetFont, Size: 11},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5F0"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}}})
	if err != nil {
		return err
	}
	font := &excelize.Font{Family: sheetFont, Size: 11}
	dateFmt := "yyyy-mm-dd hh:mm:ss"
	text, err := xf.NewStyle(&excelize.Style{Font: font, Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	if err != nil {
		return err
	}
	money, err := moneyStyles(xf, font)
	if err != nil {
		return err
	}
	date, err := xf.NewStyle(&excelize.Style{Font: font, CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err != nil {
		return err
	}
	sw, err := xf.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	header := make([]any, len(cardsHeader))
	for i, h := range cardsHeader {
		header[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 1
	vals := make([]any, len(cardsHeader))
	textCell := func(s string) any { return excelize.Cell{StyleID: text, Value: s} }
	dateCell := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: date, Value: wallClock(t)}
	}
	err = j.r.Each(ctx, j.f, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		row++
		vals[0] = textCell(c.Serial.String())
		vals[1] = textCell(c.PIN) // text: a PIN may start with 0
		vals[2] = excelize.Cell{StyleID: money[data.CurrencyDigits(c.Amount.Currency)], Value: majorValue(c.Amount)}
		vals[3] = textCell(c.Amount.Currency)
		vals[4] = textCell(c.Reseller)
		vals[5] = dateCell(c.ExpiresAt)
		vals[6] = textCell(string(c.StatusAt(j.now)))
		vals[7] = dateCell(c.CreatedAt)
		vals[8] = textCell(c.ActivatedBy)
		vals[9] = dateCell(c.ActivatedAt)
		cell, _ := excelize.CoordinatesToCellName(1, row)
		j.prog.add(1)
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// setupCardsPage sets the Cards sheet's autofilter over n rows and its
// printing: landscape, one page wide, the header on every page.
func setupCardsPage(xf *excelize.File, n int64) error {
	sh := SheetCards
	lastCol, _ := excelize.ColumnNumberToName(len(cardsHeader))
	if err := xf.AutoFilter(sh, fmt.Sprintf("A1:%s%d", lastCol, n+1), nil); err != nil {
		return err
	}
	landscape, one, zero := "landscape", 1, 0
	_, _, code := PaperA4.size()
	if err := xf.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &code, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	if err := xf.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := xf.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: sh + "!$1:$1", Scope: sh}); err != nil {
		return err
	}
	return xf.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{OddFooter: "&L&8Top-up Cards · card list&R&8Page &P of &N"})
}

// maxTextColumn is the widest a text column of the Cards sheet gets (in
// characters); a longer name is cut at the column's edge.
const maxTextColumn = 60

// cardsColumnWidths measures every value of the Cards sheet (one pass over
// the cards) in DejaVu Sans 11, the widest font a printer without Arial or
// Calibri falls back to, and returns each column's width: the widest value
// (the bold header included) and a margin.
func cardsColumnWidths(ctx context.Context, j *job) ([]float64, error) {
	m := newMeasure()
	const size = 11.0
	widest := make([]float64, len(cardsHeader)) // mm
	see := func(i int, bold bool, s string) {
		if w := m.width(bold, size, s); w > widest[i] {
			widest[i] = w
		}
	}
	for i, h := range cardsHeader {
		see(i, true, h)
	}
	// Numbers and dates: their widest forms.
	for _, i := range []int{5, 7, 9} {
		see(i, false, "0000-00-00 00:00:00")
	}
	for _, st := range data.Statuses {
		see(6, false, string(st))
	}
	err := j.r.Each(ctx, j.f, data.Sort{}, func(c data.Card) error {
		see(0, false, c.Serial.String())
		see(1, false, c.PIN)
		see(2, false, sheetLocale.Number(c.Amount))
		see(3, false, c.Amount.Currency)
		see(4, false, c.Reseller)
		see(8, false, c.ActivatedBy)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(widest))
	for i, w := range widest {
		out[i] = min(mmToColWidth(w+8), maxTextColumn) // an indent and a gap
	}
	return out, nil
}

// sheetLocale is how a spreadsheet in English shows the amounts, for
// sizing the columns.
var sheetLocale = data.NewLocale("en-US")

// majorValue is m in major units, the number an amount cell holds.
func majorValue(m data.Money) float64 {
	return float64(m.Minor) / math.Pow10(data.CurrencyDigits(m.Currency))
}

// moneyStyles are the number styles of amount cells, by the currency's
// decimals: #,##0 for JPY, #,##0.00 for USD, #,##0.000 for KWD.
func moneyStyles(xf *excelize.File, font *excelize.Font) (map[int]int, error) {
	out := map[int]int{}
	for d := range data.BoundDigits + 1 {
		f := "#,##0"
		if d > 0 {
			f += "." + strings.Repeat("0", d)
		}
		id, err := xf.NewStyle(&excelize.Style{Font: font, CustomNumFmt: &f})
		if err != nil {
			return nil, err
		}
		out[d] = id
	}
	return out, nil
}

// measure measures text in DejaVu Sans, the font sheets are sized for.
type measure struct{ gc *glyphCache }

func newMeasure() measure {
	fs, err := loadFonts()
	if err != nil {
		panic(err) // the fonts are embedded: this is a broken build
	}
	return measure{gc: newGlyphCache(fs, nil)}
}

// width is s's width in mm at size points; a character DejaVu lacks (a CJK
// name, say) counts one em.
func (m measure) width(bold bool, size float64, s string) float64 {
	id := fontRegular
	if bold {
		id = fontBold
	}
	adv := 0.0 // 1/1000 em
	for _, r := range s {
		if g, ok := m.gc.lookup(id, r); ok {
			adv += g.adv
		} else {
			adv += 1000
		}
	}
	return adv * size / 1000 * mmPerPt
}

// writeSummary says what was exported, when, how many cards, their face
// value per currency, and per status what the export did with them.
func writeSummary(xf *excelize.File, j *job, lay layout, first, last string) error {
	sh := SheetSummary
	bold, err := xf.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: sheetFont, Size: 11}})
	if err != nil {
		return err
	}
	money, err := moneyStyles(xf, &excelize.Font{Family: sheetFont, Size: 11})
	if err != nil {
		return err
	}
	plain, err := xf.NewStyle(&excelize.Style{Font: &excelize.Font{Family: sheetFont, Size: 11}, Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return err
	}
	rows, moneyRows, boldRows, tables := summaryRows(j, lay, first, last)
	width := []float64{0, 0, 0, 0, 0}
	m := newMeasure()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := xf.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
		end, _ := excelize.CoordinatesToCellName(max(len(r), 1), i+1)
		st := plain
		if boldRows[i] {
			st = bold
		}
		_ = xf.SetCellStyle(sh, cell, end, st)
		for c, v := range r {
			if c > 0 && i < tables {
				break // the facts above the tables run on into empty cells
			}
			txt := fmt.Sprint(v)
			if f, ok := v.(float64); ok { // as wide as #,##0.000 shows it
				whole := fmt.Sprintf("%.0f", math.Trunc(f))
				txt = whole + strings.Repeat(",", (len(whole)-1)/3) + ".000"
			}
			if c < len(width) {
				width[c] = max(width[c], m.width(boldRows[i], 11, txt))
			}
		}
	}
	for _, mr := range moneyRows { // > 0: C and D are money, A the currency; < 0: C only, D the currency
		code, _ := rows[abs(mr)-1][0].(string)
		if mr < 0 {
			code, _ = rows[-mr-1][3].(string)
		}
		st := money[data.CurrencyDigits(code)]
		_ = xf.SetCellStyle(sh, fmt.Sprintf("C%d", abs(mr)), fmt.Sprintf("C%d", abs(mr)), st)
		if mr > 0 {
			_ = xf.SetCellStyle(sh, fmt.Sprintf("D%d", mr), fmt.Sprintf("D%d", mr), st)
		}
	}
	for c, w := range width {
		col, _ := excelize.ColumnNumberToName(c + 1)
		_ = xf.SetColWidth(sh, col, col, mmToColWidth(w+6))
	}
	portrait, one, zero := "portrait", 1, 0
	_, _, code := PaperA4.size()
	if j.opts.Paper == PaperLetter {
		_, _, code = PaperLetter.size()
	}
	if err := xf.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &code, Orientation: &portrait, FitToWidth: &one, FitToHeight: &zero}); err != nil {
		return err
	}
	fit := true
	return xf.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit})
}

func abs(n int) int { return max(n, -n) }

// summaryRows are the Summary sheet's rows, the rows (1-based) whose
// columns C and D are money (negative: C only), which rows are bold, and
// where the tables begin.
func summaryRows(j *job, lay layout, first, last string) (rows [][]any, moneyRows []int, boldRows map[int]bool, tables int) {
	qr := "the PIN"
	if j.opts.QRTemplate != "" {
		qr = j.opts.QRTemplate
	}
	leftOut := "none"
	if t := j.sel.LeftOutText(); t != "" {
		leftOut = t + " (cannot be sold; listed on the Cards sheet)"
	}
	boldRows = map[int]bool{0: true}
	rows = [][]any{
		{"Top-up Cards export"},
		{"Cards exported", j.f.Describe()},
		{"Exported on", j.opts.Locale.Timestamp(j.now)},
		{"Cards matched", j.sel.Matched},
		{"Voucher tiles", j.sel.Cards},
		{"Printed void", j.sel.Void},
		{"Left out", leftOut},
		{"Serials", first + " to " + last},
		{"Voucher sheet", fmt.Sprintf("%d across on %s, %d a page, %d pages", lay.across, lay.paper, lay.tilesPerPage, lay.pages(j.sel.Cards))},
		{"QR codes hold", qr},
		{},
	}
	tables = len(rows)
	boldRows[len(rows)] = true
	rows = append(rows, []any{"Currency", "Cards", "Face value", "Unredeemed"})
	type cur struct{ cards, face, open int64 }
	var order []string
	byCur := map[string]*cur{}
	for _, t := range j.sel.Totals {
		c := byCur[t.Currency]
		if c == nil {
			c = &cur{}
			byCur[t.Currency] = c
			order = append(order, t.Currency)
		}
		c.cards += t.Cards
		c.face += t.Face
		if t.Status != data.StatusActivated {
			c.open += t.Face
		}
	}
	slices.Sort(order)
	for _, k := range order {
		c := byCur[k]
		rows = append(rows, []any{k, c.cards, majorValue(data.Money{Minor: c.face, Currency: k}), majorValue(data.Money{Minor: c.open, Currency: k})})
		moneyRows = append(moneyRows, len(rows))
	}
	rows = append(rows, []any{})
	boldRows[len(rows)] = true
	rows = append(rows, []any{"Status", "Cards", "Face value", "Currency", "On the vouchers"})
	for _, l := range j.sel.StatusLines(j.format) {
		rows = append(rows, []any{StatusWord(l.Status), l.Cards, majorValue(data.Money{Minor: l.Face, Currency: l.Currency}), l.Currency, l.Fate})
		moneyRows = append(moneyRows, -len(rows)) // only C is money
	}
	return rows, moneyRows, boldRows, tables
}

// Names of the parts addDrawing writes.
const (
	drawingPart = "xl/drawings/drawing1.xml"
	drawingRels = "xl/drawings/_rels/drawing1.xml.rels"
	mediaPrefix = "xl/media/image"
)

const emuPerMM = 36000

// addDrawing copies the workbook zr to w, replacing the one-picture drawing
// with one QR code per card. The QR codes are encoded on every core and
// written as they come, so memory does not grow with the number of cards.
func addDrawing(ctx context.Context, zr *zip.Reader, w io.Writer, j *job, lay layout) error {
	n := j.sel.Cards
	zw := zip.NewWriter(w)
	for _, e := range zr.File {
		switch {
		case e.Name == drawingPart, e.Name == drawingRels, strings.HasPrefix(e.Name, mediaPrefix):
			continue
		}
		if err := zw.Copy(e); err != nil {
			return err
		}
	}
	if err := writeDrawingXML(zw, n, lay); err != nil {
		return err
	}
	if err := writeDrawingRels(zw, n, lay.bar > 0); err != nil {
		return err
	}
	if err := writeMedia(ctx, zw, j, n); err != nil {
		return err
	}
	return zw.Close()
}

// anchorRow finds the cell and offset (EMU) that lie off mm below the top
// of a tile's first row.
func anchorRow(heights [rowsPerTile]float64, off float64) (row int, emu int64) {
	for r := 0; r < rowsPerTile; r++ {
		h := heights[r] / 72 * 25.4
		if off < h || r == rowsPerTile-1 {
			return r, int64(off * emuPerMM)
		}
		off -= h
	}
	return 0, 0
}

func writeDrawingXML(zw *zip.Writer, n int64, lay layout) error {
	fw, err := zw.Create(drawingPart)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(fw, 1<<16)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" ` +
		`xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`)
	size := int64(lay.qr * emuPerMM)
	colOff := int64((lay.qrColW - lay.qr) / 2 * emuPerMM)
	qrTop := (lay.tileH - lay.qr - lay.bar - barGap(lay)) / 2
	rowIn, rowOff := anchorRow(lay.heights, qrTop)
	if lay.bar > 0 {
		writeBarAnchors(bw, n, lay, qrTop+lay.qr+barGap(lay))
	}
	for i := int64(0); i < n; i++ {
		tr, tc := i/int64(lay.across), i%int64(lay.across)
		fmt.Fprintf(bw, `<xdr:oneCellAnchor><xdr:from><xdr:col>%d</xdr:col><xdr:colOff>%d</xdr:colOff><xdr:row>%d</xdr:row><xdr:rowOff>%d</xdr:rowOff></xdr:from>`+
			`<xdr:ext cx="%d" cy="%d"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="%d" name="QR %d"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>`+
			`<xdr:blipFill><a:blip r:embed="rId%d"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>`+
			`<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>`+
			`<xdr:clientData fLocksWithSheet="1" fPrintsWithSheet="1"/></xdr:oneCellAnchor>`,
			2*tc+1, colOff, tr*rowsPerTile+int64(rowIn), rowOff, size, size, i+2, i+1, i+1, size, size)
	}
	bw.WriteString(`</xdr:wsDr>`)
	return bw.Flush()
}

func writeDrawingRels(zw *zip.Writer, n int64, bars bool) error {
	fw, err := zw.Create(drawingRels)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(fw, 1<<16)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	pictures := n
	if bars {
		pictures = 2 * n // the barcodes are images n+1 to 2n
	}
	for i := int64(1); i <= pictures; i++ {
		fmt.Fprintf(bw, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image%d.png"/>`, i, i)
	}
	bw.WriteString(`</Relationships>`)
	return bw.Flush()
}

// writeMedia encodes every tile's QR code on all cores and stores the PNGs
// (already compressed) in the zip as they come. The tiles are read again
// through the same Reader, so image i is the QR code of tile i; n is how
// many the drawing shows, and any other number is an error, never a
// drawing that points at a missing image.
func writeMedia(ctx context.Context, zw *zip.Writer, j *job, n int64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type qrJob struct {
		i       int64
		content string
		bar     string // the template's barcode content; "": none
	}
	type result struct {
		i        int64
		png, bar []byte
		err      error
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan qrJob, 4*workers)
	results := make(chan result, 4*workers)
	var feedErr error
	go func() {
		defer close(jobs)
		var i int64
		feedErr = j.eachTile(ctx, func(t Tile, _ data.Card) error {
			if i == n {
				return fmt.Errorf("the cards changed while the workbook was written: more than %d tiles", n)
			}
			select {
			case jobs <- qrJob{i, t.QR, t.Barcode}:
				i++
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				img, err := QRPNG(j.content)
				var bar []byte
				if err == nil && j.bar != "" {
					bar, err = barcodePNG(j.bar)
				}
				select {
				case results <- result{j.i, img, bar, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	var werr error
	var written int64
	for r := range results {
		if werr != nil {
			continue
		}
		if r.err != nil {
			werr = r.err
			cancel()
			continue
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%s%d.png", mediaPrefix, r.i+1), Method: zip.Store})
		if err == nil {
			_, err = fw.Write(r.png)
		}
		if err == nil && r.bar != nil {
			fw, err = zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("%s%d.png", mediaPrefix, n+r.i+1), Method: zip.Store})
			if err == nil {
				_, err = fw.Write(r.bar)
			}
		}
		if err != nil {
			werr = err
			cancel()
			continue
		}
		j.prog.add(2)
		written++
	}
	if werr != nil {
		return werr
	}
	if feedErr != nil {
		return feedErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if written != n {
		return fmt.Errorf("the cards changed while the workbook was written: %d QR codes for %d tiles", written, n)
	}
	return nil
}
