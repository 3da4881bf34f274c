package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"topupcards/data"
	"topupcards/export"
)

// Printer is a system printer.
type Printer struct {
	Name    string
	Default bool
}

// printed says what runPrint sent.
type printed struct {
	exported
	Printer string
	Job     string // the system's job id
	Copies  int
}

// MaxCopies is the most copies one print asks for.
const MaxCopies = 100

// runPrint is runExport for a printer: it writes the PDF voucher sheets of
// the cards f matches into a private folder in the user's cache (never the
// shared temporary folder: the file holds PINs), hands the file to the
// system's printing (CUPS's lp; on Windows the PDF program's "print to"),
// removes it and records the print run, naming the printer and the job.
func runPrint(ctx context.Context, s data.Store, f data.Filter, printer string, opts export.Options, copies int) (printed, error) {
	printer = strings.TrimSpace(printer)
	if printer == "" {
		return printed{}, data.NewError(data.ErrInvalid, "print: no printer chosen; choose one (topupcards printers lists them)")
	}
	if copies < 1 || copies > MaxCopies {
		return printed{}, data.NewError(data.ErrInvalid, "print: %d copies: choose 1 to %d", copies, MaxCopies)
	}
	dir, err := printDir()
	if err != nil {
		return printed{}, err
	}
	work, done, err := exportWorkDir(filepath.Join(dir, "vouchers.pdf"))
	if err != nil {
		return printed{}, fmt.Errorf("print: %w", err)
	}
	defer done()
	// No spaces in the name: Debian 12's cupsd (2.4.2) crashes on a
	// document name with spaces while it starts the job.
	path := filepath.Join(work, "topupcards-vouchers.pdf")
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return printed{}, fmt.Errorf("print: %w", err)
	}
	opts.TmpDir = work
	res, err := writeExport(ctx, s, file, f, export.PDF, opts)
	if err != nil {
		return printed{}, exportError(ctx, "printer "+printer, err)
	}
	duplex := opts.Template != nil && len(opts.Template.Back) > 0
	job, err := sendToPrinter(ctx, printer, path, copies, duplex)
	if err != nil {
		return printed{}, err
	}
	out := printed{exported: exported{Result: res, Format: export.PDF, Path: fmt.Sprintf("printer %s, job %s, %s", printer, job, plural(copies, "copy", "copies"))},
		Printer: printer, Job: job, Copies: copies}
	return out, record(ctx, s, f, export.PDF, opts, &out.exported)
}

// printDir is the private folder print jobs are written in.
func printDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("print: no cache folder for the print file: %w", err)
	}
	dir = filepath.Join(dir, "topupcards", "print")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("print: %w", err)
	}
	return dir, nil
}

// summary says what was printed.
func (p printed) summary(f data.Filter) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Sent %d cards (%s) to printer %s as job %s", p.Cards, f.Describe(), p.Printer, p.Job)
	if p.Copies > 1 {
		fmt.Fprintf(&b, ", %d copies", p.Copies)
	}
	fmt.Fprintf(&b, ": %d pages, the last with the control totals.", p.Pages)
	if p.Reprints > 0 {
		fmt.Fprintf(&b, " %d cards were printed before and are marked REPRINT.", p.Reprints)
	}
	if t := p.LeftOutText(); t != "" {
		fmt.Fprintf(&b, " Left out: %s.", t)
	}
	return b.String()
}

func (c *CLI) cmdPrinters(ctx context.Context, e *cmdEnv) error {
	if err := e.parse(""); err != nil {
		return err
	}
	if err := e.noPositional(); err != nil {
		return err
	}
	ps, err := listPrinters(ctx)
	if err != nil {
		return err
	}
	if len(ps) == 0 {
		fmt.Fprintln(c.Stdout, "No printers are set up; add one in the system's printer settings.")
		return nil
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	for _, p := range ps {
		def := ""
		if p.Default {
			def = "default"
		}
		fmt.Fprintf(tw, "%s\t%s\n", p.Name, def)
	}
	return tw.Flush()
}

func (c *CLI) cmdPrint(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	printer := e.fs.String("printer", "", "the printer (topupcards printers lists them)")
	copies := e.fs.Int("copies", 1, fmt.Sprintf("copies, 1 to %d", MaxCopies))
	o := addSheetFlags(e.fs)
	if err := e.parse("[FILTER] --printer NAME [--template NAME] [--layout NAME] [--copies N] [--across N --down N] [--paper a4|letter] [--cut-marks] [--logo FILE] [--include-void] [--dpi N]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	if *printer == "" {
		return usagef("print: give --printer NAME (topupcards printers lists them)")
	}
	if *copies < 1 || *copies > MaxCopies {
		return usagef("print: --copies %d: choose 1 to %d", *copies, MaxCopies)
	}
	f, err := ff.build()
	if err != nil {
		return err
	}
	opts, err := o.options(e, export.PDF)
	if err != nil {
		return err
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	if opts.Template, err = resolveTemplate(ctx, e.store, o.template, f); err != nil {
		return err
	}
	res, err := runPrint(ctx, e.store, f, *printer, opts, *copies)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, res.summary(f))
	return nil
}

// sheetFlags are the PDF voucher sheet's options on the print command line.
type sheetFlags struct {
	layout, paper, logo, colours, qr, template string
	across, down, dpi                          int
	cutMarks, includeVoid                      bool
}

func addSheetFlags(fs interface {
	StringVar(*string, string, string, string)
	IntVar(*int, string, int, string)
	BoolVar(*bool, string, bool, string)
}) *sheetFlags {
	o := &sheetFlags{}
	fs.StringVar(&o.template, "template", "", "the card's template (default: the reseller's, or the built-in one)")
	fs.StringVar(&o.layout, "layout", "", "layout: "+layoutNames()+" (default: the plain grid of --paper)")
	fs.IntVar(&o.across, "across", 0, "grid: tiles across (default: as many as fit)")
	fs.IntVar(&o.down, "down", 0, "grid: tiles down (default: as many as fit)")
	fs.StringVar(&o.paper, "paper", "a4", "paper size: a4 or letter")
	fs.BoolVar(&o.cutMarks, "cut-marks", false, "cut marks outside the tile grid")
	fs.StringVar(&o.logo, "logo", "", "a PNG or JPEG logo for the tiles")
	fs.StringVar(&o.colours, "colours", "", "built-in tile: an accent colour per amount, such as 8.00=#2E7D32")
	fs.StringVar(&o.qr, "qr-template", "", "built-in tile: QR content, a redeem address with {pin}")
	fs.BoolVar(&o.includeVoid, "include-void", false, "also print blocked, redeemed and expired cards, stamped")
	fs.IntVar(&o.dpi, "dpi", export.DefaultDPI, "the printer's resolution, for the barcode check")
	return o
}

// options checks the flags and turns them into export options.
func (o *sheetFlags) options(e *cmdEnv, format *export.Format) (export.Options, error) {
	p, err := export.ParsePaper(o.paper)
	if err != nil {
		return export.Options{}, usagef("--paper: %v", err)
	}
	if err := export.CheckQRTemplate(o.qr); err != nil {
		return export.Options{}, usagef("--qr-template: %v", err)
	}
	if set := e.set(); set["across"] && o.across < 1 || set["down"] && o.down < 1 {
		return export.Options{}, usagef("%s: --across and --down take 1 or more tiles; leave them out for the default", e.name)
	}
	if o.dpi < 72 || o.dpi > 4800 {
		return export.Options{}, usagef("--dpi %d: give the printer's resolution, 72 to 4800", o.dpi)
	}
	opts := export.Options{Across: o.across, Down: o.down, Paper: p, QRTemplate: o.qr, Layout: o.layout, CutMarks: o.cutMarks,
		IncludeVoid: o.includeVoid, DPI: o.dpi}
	if o.colours != "" {
		if opts.Colours, err = export.ParseColours(o.colours); err != nil {
			return opts, usagef("--colours: %v", err)
		}
	}
	if o.logo != "" {
		if opts.Logo, err = readLogo(o.logo); err != nil {
			return opts, usagef("--logo: %v", err)
		}
	}
	if err := format.Check(opts); err != nil {
		return opts, usagef("%v", err)
	}
	return opts, nil
}

// plural: "1 copy", "2 copies".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
