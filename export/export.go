package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"topupcards/data"
)

// Format is a kind of export file.
type Format int

// The formats.
const (
	FormatXLSX Format = iota // printable voucher workbook
	FormatCSV                // the Cards columns, for billing systems
	FormatPDF                // voucher sheets on paper or pre-cut card stock
)

// FormatOf picks the format from the file name's extension.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		return FormatXLSX, nil
	case ".csv":
		return FormatCSV, nil
	case ".pdf":
		return FormatPDF, nil
	}
	return 0, data.NewError(data.ErrInvalid, "export to %s: the file name must end in .pdf (voucher sheets), .xlsx (voucher workbook) or .csv (card list)", path)
}

// CardsOf is the cards f matches as tiles for WritePDF and PreviewPage, in
// serial order; seen (if not nil) is told each card as it goes by.
func CardsOf(ctx context.Context, src interface {
	Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error
}, f data.Filter, qrTemplate string, seen func(data.Card)) PDFCards {
	return func(yield func(Tile, data.Card) error) error {
		return src.Each(ctx, f, data.Sort{}, func(c data.Card) error {
			if seen != nil {
				seen(c)
			}
			return yield(TileFor(c, qrTemplate), c)
		})
	}
}

// CheckOptions checks PDF options before anything is read or written, and
// returns the layout they choose.
func CheckOptions(o Options) (PDFLayout, error) {
	if err := o.normalize(FormatPDF); err != nil {
		return PDFLayout{}, err
	}
	return o.pdfLayout()
}

// Result says what an export wrote.
type Result struct {
	Path     string
	Cards    int64
	Pages    int   // voucher pages (workbook and PDF)
	Reprints int64 // cards that had been printed before (workbook and PDF)
}

// Export writes the cards f matches to path (.xlsx or .csv). It writes to a
// temporary file next to path and renames it into place, so a crash or a
// cancel never leaves half a file; it refuses to overwrite an existing file
// unless opts.Force. The export is recorded in the history.
func Export(ctx context.Context, src Source, f data.Filter, path string, opts Options) (Result, error) {
	format, err := FormatOf(path)
	if err != nil {
		return Result{}, err
	}
	if err := opts.normalize(format); err != nil {
		return Result{}, err
	}
	var pdfLayout PDFLayout
	if format == FormatPDF {
		if pdfLayout, err = opts.pdfLayout(); err != nil {
			return Result{}, err
		}
	}
	if err := f.Validate(); err != nil {
		return Result{}, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Result{}, err
	}
	if st, err := os.Stat(abs); err == nil {
		if st.IsDir() {
			return Result{}, data.NewError(data.ErrInvalid, "export to %s: it is a folder; give a file name", abs)
		}
		if !opts.Force {
			return Result{}, data.NewError(ErrExists, "export to %s: the file exists; choose another name or allow overwriting (--force)", abs)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	sum, err := src.Summarize(ctx, f)
	if err != nil {
		return Result{}, err
	}
	if sum.Cards == 0 {
		return Result{}, data.NewError(data.ErrNotFound, "export: no cards match (%s); change the search", f.Describe())
	}
	if format == FormatXLSX && sum.Cards > MaxWorkbookCards {
		return Result{}, data.NewError(data.ErrInvalid, "export: %d cards are more than one voucher workbook takes (%d); export a batch or a serial range at a time",
			sum.Cards, MaxWorkbookCards)
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-*")
	if err != nil {
		return Result{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	res := Result{Path: abs, Cards: sum.Cards}
	prog := &progress{fn: opts.Progress}
	w := bufio.NewWriterSize(tmp, 1<<20)
	var written []int64 // the cards on the voucher sheets, for the print run
	switch format {
	case FormatCSV:
		prog.total = sum.Cards
		err = writeCSV(ctx, w, src, f, prog)
	case FormatPDF:
		prog.total = sum.Cards
		cards := CardsOf(ctx, src, f, opts.QRTemplate, func(c data.Card) { written = append(written, c.ID) })
		res.Pages, err = WritePDF(ctx, w, cards, sum.Cards, PDFOptions{Layout: pdfLayout, CutMarks: opts.CutMarks, Logo: opts.Logo, Colours: opts.Colours}, opts.Progress)
	default:
		prog.total = 4 * sum.Cards
		err = writeWorkbook(ctx, src, f, sum, opts, w, prog, &written)
		res.Pages = newLayout(opts.Across, opts.Paper).pages(sum.Cards)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("export cancelled; no file was written: %w", ctx.Err())
		}
		return Result{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	if !opts.Force {
		// Between the check above and now someone may have made the file.
		if _, err := os.Stat(abs); err == nil {
			return Result{}, data.NewError(ErrExists, "export to %s: the file appeared meanwhile; choose another name", abs)
		}
	}
	_ = os.Chmod(tmp.Name(), 0o600) // PINs are money
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return Result{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	committed = true
	if format == FormatCSV {
		if err := src.LogExport(ctx, f, sum.Cards, abs+" (CSV)"); err != nil {
			return res, err
		}
		return res, nil
	}
	// A voucher sheet is a print run: record exactly the cards written (a
	// status filter could mean others a moment later), with the history.
	run := data.PrintRun{Format: data.PrintXLSX, Layout: fmt.Sprintf("%d across on %s", opts.Across, opts.Paper),
		Path: abs, Filter: f.Describe()}
	if format == FormatPDF {
		run.Format, run.Layout = data.PrintPDF, pdfLayout.Name
	}
	rec, err := src.RecordPrintRun(ctx, data.Filter{IDs: written}, run)
	if err != nil {
		return res, fmt.Errorf("the file %s was written, but recording the print run failed: %w", abs, err)
	}
	res.Reprints = rec.Reprints
	return res, nil
}

// writeCSV writes the Cards columns as RFC 4180 UTF-8 CSV: Serial, PIN,
// Amount (8.00), Currency, Reseller, Expiry, Status, Created, Activated by,
// Activated on; times in RFC 3339 UTC, empty where absent.
func writeCSV(ctx context.Context, w io.Writer, src Source, f data.Filter, prog *progress) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(cardsHeader); err != nil {
		return err
	}
	now := src.Now()
	rec := make([]string, len(cardsHeader))
	err := src.Each(ctx, f, data.Sort{}, func(c data.Card) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec[0] = c.Serial.String()
		rec[1] = c.PIN
		rec[2] = data.FormatMinor(c.Amount.Minor)
		rec[3] = c.Amount.Currency
		rec[4] = c.Reseller
		rec[5] = rfc3339(c.ExpiresAt)
		rec[6] = string(c.StatusAt(now))
		rec[7] = rfc3339(c.CreatedAt)
		rec[8] = c.ActivatedBy
		rec[9] = rfc3339(c.ActivatedAt)
		if prog != nil {
			prog.add(1)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Estimate is how long exporting n cards in format takes on a machine like
// the one the README's figures come from; the window says it before a long
// export starts.
func Estimate(format Format, n int64) time.Duration {
	perCard := 5 * time.Microsecond
	switch format {
	case FormatXLSX:
		perCard = 130 * time.Microsecond
	case FormatPDF:
		perCard = 100 * time.Microsecond
	}
	return time.Duration(n) * perCard
}

// ParseColours reads accent colours per denomination as a person types
// them: "8.00=#2E7D32, 26.00=#1565C0" (amount=#RRGGBB, separated by commas).
func ParseColours(s string) (map[int64]string, error) {
	out := map[int64]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		amount, colour, ok := strings.Cut(part, "=")
		if !ok {
			return nil, data.NewError(data.ErrInvalid, "colour %q: write amount=#RRGGBB, such as 8.00=#2E7D32", part)
		}
		minor, err := data.ParseAmount(amount)
		if err != nil {
			return nil, err
		}
		colour = strings.TrimSpace(colour)
		if _, err := parseColour(colour); err != nil {
			return nil, data.NewError(data.ErrInvalid, "colour %q for %s: write it as #RRGGBB, such as #2E7D32", colour, strings.TrimSpace(amount))
		}
		out[minor] = colour
	}
	return out, nil
}
