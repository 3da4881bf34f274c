package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"topupcards/data"
	"topupcards/export"
)

// errExists: the export's file exists and overwriting was not allowed.
var errExists = errors.New("file exists")

// exported says what runExport wrote.
type exported struct {
	export.Result
	Format   *export.Format
	Path     string // absolute
	Reprints int64  // voucher sheets: cards printed before this run
}

// runExport is the one way an export reaches a file, for the command line
// and the window alike. It reads the cards f matches in one read
// transaction (so every pass of the export sees the same cards, while
// redemptions go on), writes them in format to a temporary file next to
// path, syncs it and renames it into place, so a crash or a cancel never
// leaves half a file; it refuses to replace an existing file unless force.
// Then it records the export: a voucher sheet as a print run of exactly the
// cards printed, a card list in the history.
func runExport(ctx context.Context, s data.Store, f data.Filter, path string, format *export.Format, opts export.Options, force bool) (exported, error) {
	if r, ok := s.(data.Roled); ok && r.Role() == data.RoleCashier {
		// The server would refuse the record; refuse before any file is
		// written (a cashier's cards carry masked PINs anyway).
		return exported{}, data.NewError(data.ErrNotPermitted, "export: this login is a cashier's; exports and voucher sheets are for a manager's login")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return exported{}, err
	}
	if err := checkNotOurs(abs, s); err != nil {
		return exported{}, err
	}
	if err := checkTarget(abs, force); err != nil {
		return exported{}, err
	}
	work, done, err := exportWorkDir(abs)
	if err != nil {
		return exported{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	defer done()
	opts.TmpDir = work
	tmp, err := os.OpenFile(filepath.Join(work, filepath.Base(abs)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return exported{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
		}
	}()
	res, err := writeExport(ctx, s, tmp, f, format, opts)
	if err != nil {
		return exported{}, exportError(ctx, abs, err)
	}
	if !force {
		// Between the check above and now someone may have made the file.
		if _, err := os.Stat(abs); err == nil {
			return exported{}, data.NewError(errExists, "export to %s: the file appeared meanwhile; choose another name", abs)
		}
	}
	if err := os.Rename(tmp.Name(), abs); err != nil {
		return exported{}, fmt.Errorf("export to %s: %w", abs, err)
	}
	committed = true
	out := exported{Result: res, Format: format, Path: abs}
	return out, record(ctx, s, f, format, opts, &out)
}

// writeExport writes the export of the cards f matches to file, through
// one read of s, syncs and closes it.
func writeExport(ctx context.Context, s data.Store, file *os.File, f data.Filter, format *export.Format, opts export.Options) (export.Result, error) {
	var res export.Result
	err := s.Read(ctx, func(r data.Reader) error {
		w := bufio.NewWriterSize(file, 1<<20)
		var err error
		if res, err = export.Write(ctx, w, r, f, format, opts); err != nil {
			return err
		}
		return w.Flush()
	})
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return res, err
}

// exportError is what a failed write says: cancelled, the refusal itself
// (it says what to change, before a byte was written), or the file's
// error.
func exportError(ctx context.Context, target string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("export cancelled; no file was written: %w", ctx.Err())
	}
	if errors.Is(err, data.ErrNotFound) || errors.Is(err, data.ErrInvalid) {
		return err
	}
	return fmt.Errorf("export to %s: %w", target, err)
}

// checkTarget refuses a folder, and an existing file unless force.
func checkTarget(abs string, force bool) error {
	st, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("export to %s: %w", abs, err)
	case st.IsDir():
		return data.NewError(data.ErrInvalid, "export to %s: it is a folder; give a file name", abs)
	case !force:
		return data.NewError(errExists, "export to %s: the file exists; choose another name or allow overwriting (--force)", abs)
	}
	return nil
}

// record writes the export's record: a voucher sheet is a print run of the
// cards on its tiles (void ones only when printed), a list is a history
// entry.
func record(ctx context.Context, s data.Store, f data.Filter, format *export.Format, opts export.Options, out *exported) error {
	if !format.Vouchers {
		return s.LogExport(ctx, f, out.Cards, out.Path+" ("+strings.ToUpper(format.Name)+")")
	}
	run := data.PrintRun{Format: data.PrintXLSX, Layout: fmt.Sprintf("%d across on %s", opts.Across, opts.Paper),
		Path: out.Path, Filter: f.Describe()}
	if format == export.PDF {
		run.Format, run.Layout = data.PrintPDF, opts.Layout
		if run.Layout == "" {
			run.Layout = "grid-" + strings.ToLower(opts.Paper.String())
		}
		if opts.Template != nil {
			run.Layout += ", template " + opts.Template.Name
		}
	}
	rec, err := s.RecordPrintRun(ctx, data.Filter{IDs: out.Printed}, run)
	if err != nil {
		return fmt.Errorf("the file %s was written, but recording the print run failed: %w", out.Path, err)
	}
	out.Reprints = rec.Reprints
	return nil
}

// summary is the sentence that says what an export wrote; hint says how to
// print what was left out (the command line's flag or the window's box).
func (e exported) summary(f data.Filter, hint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Exported %d cards (%s) to %s", e.Cards, f.Describe(), e.Path)
	switch e.Format {
	case export.PDF:
		fmt.Fprintf(&b, ": %d pages, the last with the control totals", e.Pages)
	case export.XLSX:
		fmt.Fprintf(&b, ": %d voucher pages, with the Cards and Summary sheets", e.Pages)
	}
	b.WriteString(".")
	if e.Void > 0 {
		fmt.Fprintf(&b, " %d cards that cannot be sold are printed stamped VOID, REDEEMED or EXPIRED.", e.Void)
	}
	if e.Reprints > 0 {
		fmt.Fprintf(&b, " %d cards were printed before and are marked REPRINT.", e.Reprints)
	}
	if t := e.LeftOutText(); t != "" {
		fmt.Fprintf(&b, " Left out: %s (%s).", t, hint)
	}
	return b.String()
}

func (c *CLI) cmdExport(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	out := e.fs.String("out", "", "file to write: .pdf (voucher sheets), .xlsx (voucher workbook) or .csv (card list)")
	across := e.fs.Int("across", 0, fmt.Sprintf("voucher tiles across the page (workbook: 1 to %d, default %d; PDF grid: default as many as fit)", export.MaxAcross, export.DefaultAcross))
	down := e.fs.Int("down", 0, "PDF grid: voucher tiles down the page (default: as many as fit)")
	layout := e.fs.String("layout", "", "PDF layout: "+layoutNames()+" (default: the plain grid of --paper)")
	cutMarks := e.fs.Bool("cut-marks", false, "PDF: cut marks outside the tile grid")
	logo := e.fs.String("logo", "", "PDF: a PNG or JPEG logo printed on every tile")
	colours := e.fs.String("colours", "", "PDF: an accent colour per amount, such as 8.00=#2E7D32,26.00=#1565C0")
	paper := e.fs.String("paper", "a4", "paper size: a4 or letter")
	qr := e.fs.String("qr-template", "", "QR content: a redeem address with {pin}, e.g. https://billing.example.com/redeem?pin={pin} (default: the PIN)")
	includeVoid := e.fs.Bool("include-void", false, "voucher sheets: also print blocked, redeemed and expired cards, stamped VOID, REDEEMED or EXPIRED (default: left out)")
	force := e.fs.Bool("force", false, "overwrite the file if it exists")
	locale := e.fs.String("locale", "iso", "voucher sheets: amounts and dates in this locale, such as de-DE (default: ISO dates and plain amounts, as the command line)")
	tmpl := e.fs.String("template", "", "PDF: the card's template (default: the reseller's, or the built-in one)")
	dpi := e.fs.Int("dpi", export.DefaultDPI, "PDF: the printer's resolution, for the barcode check")
	if err := e.parse("[FILTER] --out FILE.pdf|FILE.xlsx|FILE.csv [--layout NAME] [--across N --down N] [--paper a4|letter] [--cut-marks] [--logo FILE] [--colours LIST] [--qr-template TEXT] [--include-void] [--locale TAG] [--template NAME] [--dpi N] [--force]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	if *out == "" {
		return usagef("export: give --out FILE.pdf (voucher sheets), FILE.xlsx (voucher workbook) or FILE.csv (card list)")
	}
	format, err := export.FormatOf(*out)
	if err != nil {
		return usagef("--out: %v", err)
	}
	f, err := ff.build()
	if err != nil {
		return err
	}
	p, err := export.ParsePaper(*paper)
	if err != nil {
		return usagef("--paper: %v", err)
	}
	if err := export.CheckQRTemplate(*qr); err != nil {
		return usagef("--qr-template: %v", err)
	}
	for _, fl := range []struct {
		given bool
		name  string
		takes export.Takes
	}{
		{*layout != "", "--layout", export.TakesGrid}, {*down != 0, "--down", export.TakesGrid},
		{*cutMarks, "--cut-marks", export.TakesCutMarks}, {*logo != "", "--logo", export.TakesLogo},
		{*colours != "", "--colours", export.TakesColours}, {*includeVoid, "--include-void", export.TakesIncludeVoid},
		{*across != 0, "--across", export.TakesTiles}, {*qr != "", "--qr-template", export.TakesTiles},
		{*locale != "iso", "--locale", export.TakesTiles},
		{*tmpl != "", "--template", export.TakesTemplate},
	} {
		if fl.given && !format.Has(fl.takes) {
			return usagef("export: %s is not for %s files; %s", fl.name, format.Ext, takenBy(fl.takes))
		}
	}
	if set := e.set(); set["across"] && *across < 1 || set["down"] && *down < 1 {
		return usagef("export: --across and --down take 1 or more tiles; leave them out for the default")
	}
	if *dpi < 72 || *dpi > 4800 {
		return usagef("--dpi %d: give the printer's resolution, 72 to 4800", *dpi)
	}
	opts := export.Options{Across: *across, Down: *down, Paper: p, QRTemplate: *qr, Layout: *layout, CutMarks: *cutMarks,
		IncludeVoid: *includeVoid, Locale: data.NewLocale(*locale), DPI: *dpi}
	if *colours != "" {
		if opts.Colours, err = export.ParseColours(*colours); err != nil {
			return usagef("--colours: %v", err)
		}
	}
	if *logo != "" {
		if opts.Logo, err = readLogo(*logo); err != nil {
			return usagef("--logo: %v", err)
		}
	}
	if err := format.Check(opts); err != nil {
		return usagef("%v", err)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	if format.Has(export.TakesTemplate) {
		if opts.Template, err = resolveTemplate(ctx, e.store, *tmpl, f); err != nil {
			return err
		}
	}
	if c.Terminal {
		opts.Progress = c.exportProgress(ctx, e.store, f, format)
	}
	res, err := runExport(ctx, e.store, f, *out, format, opts, *force)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, res.summary(f, "use --include-void to print them stamped"))
	return nil
}

// exportProgress says how long a long export takes and then how far it is.
func (c *CLI) exportProgress(ctx context.Context, s data.Store, f data.Filter, format *export.Format) func(done, total int64) {
	if n, err := s.Count(ctx, f); err == nil {
		if est := format.Estimate(n); est > 10*time.Second {
			fmt.Fprintf(c.Stderr, "exporting %d cards takes about %s; Ctrl+C cancels and leaves no file\n", n, est.Round(time.Second))
		}
	}
	start := time.Now()
	return func(done, total int64) {
		fmt.Fprintf(c.Stderr, "\rexporting: %3d%% (%s)   ", done*100/total, time.Since(start).Round(time.Second))
		if done == total {
			fmt.Fprintln(c.Stderr)
		}
	}
}

// takenBy says which formats take option t: "use --out FILE.pdf".
func takenBy(t export.Takes) string {
	var exts []string
	for _, f := range export.Formats {
		if f.Has(t) {
			exts = append(exts, "FILE"+f.Ext)
		}
	}
	return "use --out " + strings.Join(exts, " or ")
}

// readLogo reads a logo file, refusing at once what is not a regular
// file (a FIFO or a device would never end) or is over the size limit.
func readLogo(path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, data.NewError(data.ErrInvalid, "%s is not a regular file; give a PNG or JPEG image file", path)
	}
	if st.Size() > export.MaxLogoBytes {
		return nil, data.NewError(data.ErrInvalid, "%s is larger than %d MB; use a smaller PNG or JPEG", path, export.MaxLogoBytes>>20)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return b, export.CheckLogo(b)
}

func layoutNames() string {
	var names []string
	for _, l := range export.PDFLayouts() {
		names = append(names, l.Name)
	}
	return strings.Join(names, ", ")
}
