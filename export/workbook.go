package export

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
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
	h := [rowsPerTile]float64{16, 28, 19, 14, 14, 0}
	sum := 0.0
	for _, v := range h {
		sum += v
	}
	h[rowsPerTile-1] = mmToPt(tileH) - sum
	return h
}

func mmToPt(mm float64) float64 { return mm / 25.4 * 72 }

// mmToColWidth converts millimetres to a stored column width: the width in
// pixels (at 96 dpi) over the maximum digit width of the default font,
// Calibri 11 (7 pixels). Programs without Calibri (or its metric twin
// Carlito) draw the columns wider; fit-to-width then scales the page down
// and the page breaks still fall between tile rows.
func mmToColWidth(mm float64) float64 { return mm / 25.4 * 96 / 7 }

// layout is where tiles go on the voucher sheet.
type layout struct {
	across        int
	paper         Paper
	textW, qrColW float64 // column widths, mm
	qr            float64 // QR code side, mm
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

// Options say how to export.
type Options struct {
	Across     int    // tiles across: workbook 1..MaxAcross (0: 3); PDF grid (0: the layout's own)
	Down       int    // PDF: tiles down a grid page (0: as many as fit)
	Paper      Paper  // A4 or Letter
	QRTemplate string // "" : the QR code holds the PIN; else a redeem address with {pin}
	Force      bool   // overwrite an existing file
	// PDF only.
	Layout   string           // a PDFLayouts name; "" : the plain grid of Paper
	CutMarks bool             // cut marks outside the tile grid
	Logo     []byte           // PNG or JPEG drawn on every tile
	Colours  map[int64]string // accent colour per amount (minor units): "#RRGGBB"
	// Progress is told how far the export is (done of total steps).
	Progress func(done, total int64)
}

func (o *Options) normalize(format Format) error {
	if format == FormatPDF {
		if o.Paper != PaperA4 && o.Paper != PaperLetter {
			return data.NewError(data.ErrInvalid, "paper: use A4 or Letter")
		}
		return CheckQRTemplate(o.QRTemplate)
	}
	if o.Across == 0 {
		o.Across = 3
	}
	if o.Across < 1 || o.Across > MaxAcross {
		return data.NewError(data.ErrInvalid, "tiles across %d: choose 1 to %d", o.Across, MaxAcross)
	}
	if o.Paper != PaperA4 && o.Paper != PaperLetter {
		return data.NewError(data.ErrInvalid, "paper: use A4 or Letter")
	}
	return CheckQRTemplate(o.QRTemplate)
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
	return LayoutByName(name, o.Across, o.Down)
}

// Source is what an export reads: the store.
type Source interface {
	Now() time.Time
	Summarize(ctx context.Context, f data.Filter) (data.Summary, error)
	Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error
	LogExport(ctx context.Context, f data.Filter, cards int64, where string) error
	RecordPrintRun(ctx context.Context, f data.Filter, run data.PrintRun) (data.PrintRun, error)
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

// writeWorkbook writes the voucher workbook of the cards f matches to w.
func writeWorkbook(ctx context.Context, src Source, f data.Filter, sum data.Summary, opts Options, w io.Writer, prog *progress, written *[]int64) error {
	n := sum.Cards
	lay := newLayout(opts.Across, opts.Paper)
	title := exportTitle(f)
	xf := excelize.NewFile()
	defer xf.Close()
	if err := xf.SetSheetName("Sheet1", SheetVouchers); err != nil {
		return err
	}
	for _, s := range []string{SheetCards, SheetSummary} {
		if _, err := xf.NewSheet(s); err != nil {
			return err
		}
	}
	_ = xf.SetDocProps(&excelize.DocProperties{Title: "Top-up card vouchers: " + title, Creator: "Top-up Cards",
		Created: src.Now().UTC().Format(time.RFC3339)})
	var first, last string
	if err := writeVouchers(ctx, xf, src, f, n, lay, opts, title, prog, &first, &last, written); err != nil {
		return err
	}
	if err := writeCards(ctx, xf, src, f, n, prog); err != nil {
		return err
	}
	if err := writeSummary(xf, src.Now(), f, sum, lay, opts, first, last); err != nil {
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
	return addDrawing(ctx, zr, w, src, f, n, lay, opts, prog)
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

// voucherStyles are the style ids of a tile's cells: [row][0 text, 1 QR].
type voucherStyles [rowsPerTile][2]int

func makeVoucherStyles(xf *excelize.File) (voucherStyles, error) {
	var st voucherStyles
	cut := func(sides ...string) []excelize.Border {
		var b []excelize.Border
		for _, s := range sides {
			b = append(b, excelize.Border{Type: s, Color: "8C8C8C", Style: 3}) // dashed: the cut line
		}
		return b
	}
	fonts := [rowsPerTile]*excelize.Font{
		{Bold: true, Size: 10, Color: "1F3864", Family: "Calibri"},
		{Bold: true, Size: 20, Family: "Calibri"},
		{Bold: true, Size: 13, Family: "Courier New"},
		{Size: 9, Color: "404040", Family: "Calibri"},
		{Size: 9, Color: "404040", Family: "Calibri"},
		{Bold: true, Size: 8, Color: "C00000", Family: "Calibri"}, // REPRINT
	}
	for r := 0; r < rowsPerTile; r++ {
		for c := 0; c < 2; c++ {
			var sides []string
			if r == 0 {
				sides = append(sides, "top")
			}
			if r == rowsPerTile-1 {
				sides = append(sides, "bottom")
			}
			if c == 0 {
				sides = append(sides, "left")
			} else {
				sides = append(sides, "right")
			}
			id, err := xf.NewStyle(&excelize.Style{
				Border:    cut(sides...),
				Font:      fonts[r],
				Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "center", Indent: 1, ShrinkToFit: true},
			})
			if err != nil {
				return st, err
			}
			st[r][c] = id
		}
	}
	return st, nil
}

// writeVouchers writes the tiles' text with page setup, page breaks and the
// print area; the QR codes are added by addDrawing.
func writeVouchers(ctx context.Context, xf *excelize.File, src Source, f data.Filter, n int64, lay layout, opts Options,
	title string, prog *progress, first, last *string, written *[]int64) error {
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
	if err := xf.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area",
		RefersTo: fmt.Sprintf("%s!$A$1:$%s$%d", sh, lastCol, lastRow), Scope: sh}); err != nil {
		return err
	}
	styles, err := makeVoucherStyles(xf)
	if err != nil {
		return err
	}
	sw, err := xf.NewStreamWriter(sh)
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
	// One tile row at a time: rowsPerTile sheet rows of lay.across tiles.
	rows := make([][]any, rowsPerTile)
	for r := range rows {
		rows[r] = make([]any, 2*lay.across)
	}
	tileRow, col := 0, 0
	flush := func() error {
		if col == 0 {
			return nil
		}
		for c := col; c < lay.across; c++ { // an unfinished last row: empty tiles without cut lines
			for r := range rows {
				rows[r][2*c], rows[r][2*c+1] = nil, nil
			}
		}
		base := tileRow*rowsPerTile + 1
		if tileRow > 0 && tileRow%lay.tileRowsPage == 0 {
			if err := sw.InsertPageBreak(fmt.Sprintf("A%d", base)); err != nil {
				return err
			}
		}
		for r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, base+r)
			if err := sw.SetRow(cell, rows[r], excelize.RowOpts{Height: lay.heights[r]}); err != nil {
				return err
			}
		}
		tileRow++
		col = 0
		return nil
	}
	var pictured bool
	err = src.Each(ctx, f, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		t := TileFor(c, opts.QRTemplate)
		*written = append(*written, c.ID)
		if *first == "" {
			*first = t.Serial
		}
		*last = t.Serial
		reprint := ""
		if t.Reprint {
			reprint = "REPRINT"
		}
		texts := [rowsPerTile]string{t.Company, t.Amount, t.PIN, "S/N " + t.Serial, t.ValidUntil, reprint}
		for r := 0; r < rowsPerTile; r++ {
			rows[r][2*col] = excelize.Cell{StyleID: styles[r][0], Value: texts[r]}
			rows[r][2*col+1] = excelize.Cell{StyleID: styles[r][1]}
		}
		if !pictured {
			// One picture through excelize, so that it makes the drawing
			// part, its relationships and content types; addDrawing then
			// writes the drawing with every card's QR code.
			img, err := QRPNG(t.QR)
			if err != nil {
				return err
			}
			if err := xf.AddPictureFromBytes(sh, "B1", &excelize.Picture{Extension: ".png", File: img,
				Format: &excelize.GraphicOptions{Positioning: "oneCell"}}); err != nil {
				return err
			}
			pictured = true
		}
		col++
		prog.add(1)
		if col == lay.across {
			return flush()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	return sw.Flush()
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

// writeCards writes one row per card with real number and date cells, a
// bold frozen header and an autofilter.
func writeCards(ctx context.Context, xf *excelize.File, src Source, f data.Filter, n int64, prog *progress) error {
	sh := SheetCards
	lastCol, _ := excelize.ColumnNumberToName(len(cardsHeader))
	if err := xf.AutoFilter(sh, fmt.Sprintf("A1:%s%d", lastCol, n+1), nil); err != nil {
		return err
	}
	// Printed: landscape, one page wide, the header on every page.
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
	_ = xf.SetHeaderFooter(sh, &excelize.HeaderFooterOptions{OddFooter: "&L&8Top-up Cards · card list&R&8Page &P of &N"})
	head, err := xf.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Calibri"},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5F0"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F7F7F", Style: 1}}})
	if err != nil {
		return err
	}
	moneyFmt, dateFmt := "#,##0.00", "yyyy-mm-dd hh:mm:ss"
	money, err := xf.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return err
	}
	date, err := xf.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
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
	for i, w := range []float64{14, 24, 12, 9, 24, 20, 11, 20, 24, 20} {
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
	now := src.Now()
	row := 1
	vals := make([]any, len(cardsHeader))
	dateCell := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: date, Value: wallClock(t)}
	}
	err = src.Each(ctx, f, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		row++
		vals[0] = c.Serial.String()
		vals[1] = c.PIN // text: a PIN may start with 0
		vals[2] = excelize.Cell{StyleID: money, Value: float64(c.Amount.Minor) / 100}
		vals[3] = c.Amount.Currency
		vals[4] = c.Reseller
		vals[5] = dateCell(c.ExpiresAt)
		vals[6] = string(c.StatusAt(now))
		vals[7] = dateCell(c.CreatedAt)
		vals[8] = c.ActivatedBy
		vals[9] = dateCell(c.ActivatedAt)
		cell, _ := excelize.CoordinatesToCellName(1, row)
		prog.add(1)
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// writeSummary says what was exported, when, how many cards and their face
// value per currency.
func writeSummary(xf *excelize.File, now time.Time, f data.Filter, sum data.Summary, lay layout, opts Options, first, last string) error {
	sh := SheetSummary
	bold, err := xf.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "Calibri"}})
	if err != nil {
		return err
	}
	moneyFmt := "#,##0.00"
	money, err := xf.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	if err != nil {
		return err
	}
	left, err := xf.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}})
	if err != nil {
		return err
	}
	qr := "the PIN"
	if opts.QRTemplate != "" {
		qr = opts.QRTemplate
	}
	rows := [][]any{
		{"Top-up Cards export"},
		{"Cards exported", f.Describe()},
		{"Exported on", data.FormatTime(now)},
		{"Number of cards", sum.Cards},
		{"Serials", first + " to " + last},
		{"Voucher sheet", fmt.Sprintf("%d across on %s, %d a page, %d pages", lay.across, lay.paper, lay.tilesPerPage, lay.pages(sum.Cards))},
		{"QR codes hold", qr},
		{},
		{"Currency", "Cards", "Face value", "Unredeemed"},
	}
	for _, t := range sum.Totals {
		rows = append(rows, []any{t.Currency, t.Cards, float64(t.Face) / 100, float64(t.Unredeemed) / 100})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := xf.SetSheetRow(sh, cell, &r); err != nil {
			return err
		}
	}
	_ = xf.SetCellStyle(sh, "A1", "A7", bold)
	_ = xf.SetCellStyle(sh, "A9", "D9", bold)
	if len(sum.Totals) > 0 {
		_ = xf.SetCellStyle(sh, "C10", fmt.Sprintf("D%d", 9+len(sum.Totals)), money)
	}
	_ = xf.SetCellStyle(sh, "B4", "B4", left)
	_ = xf.SetColWidth(sh, "A", "A", 20)
	_ = xf.SetColWidth(sh, "B", "D", 16)
	return nil
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
func addDrawing(ctx context.Context, zr *zip.Reader, w io.Writer, src Source, f data.Filter, n int64, lay layout, opts Options, prog *progress) error {
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
	if err := writeDrawingRels(zw, n); err != nil {
		return err
	}
	if err := writeMedia(ctx, zw, src, f, opts, prog); err != nil {
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
	rowIn, rowOff := anchorRow(lay.heights, (lay.tileH-lay.qr)/2)
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

func writeDrawingRels(zw *zip.Writer, n int64) error {
	fw, err := zw.Create(drawingRels)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(fw, 1<<16)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := int64(1); i <= n; i++ {
		fmt.Fprintf(bw, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="../media/image%d.png"/>`, i, i)
	}
	bw.WriteString(`</Relationships>`)
	return bw.Flush()
}

// writeMedia encodes every card's QR code on all cores and stores the PNGs
// (already compressed) in the zip as they come.
func writeMedia(ctx context.Context, zw *zip.Writer, src Source, f data.Filter, opts Options, prog *progress) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		i       int64
		content string
	}
	type result struct {
		i   int64
		png []byte
		err error
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, 4*workers)
	results := make(chan result, 4*workers)
	var feedErr error
	go func() {
		defer close(jobs)
		var i int64
		feedErr = src.Each(ctx, f, data.Sort{}, func(c data.Card) error {
			select {
			case jobs <- job{i, QRContent(c, opts.QRTemplate)}:
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
				select {
				case results <- result{j.i, img, err}:
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
		if err != nil {
			werr = err
			cancel()
			continue
		}
		prog.add(2)
	}
	if werr != nil {
		return werr
	}
	if feedErr != nil {
		return feedErr
	}
	return ctx.Err()
}

// ErrExists is returned when the output file exists and Force is not set.
var ErrExists = errors.New("file exists")
