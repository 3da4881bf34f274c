package app

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"topupcards/export"
)

func (c *CLI) cmdExport(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	out := e.fs.String("out", "", "file to write: .pdf (voucher sheets), .xlsx (voucher workbook) or .csv (card list)")
	across := e.fs.Int("across", 0, fmt.Sprintf("voucher tiles across the page (workbook: 1 to %d, default 3; PDF grid: default as many as fit)", export.MaxAcross))
	down := e.fs.Int("down", 0, "PDF grid: voucher tiles down the page (default: as many as fit)")
	layout := e.fs.String("layout", "", "PDF layout: "+layoutNames()+" (default: the plain grid of --paper)")
	cutMarks := e.fs.Bool("cut-marks", false, "PDF: cut marks outside the tile grid")
	logo := e.fs.String("logo", "", "PDF: a PNG or JPEG logo printed on every tile")
	colours := e.fs.String("colours", "", "PDF: an accent colour per amount, such as 8.00=#2E7D32,26.00=#1565C0")
	paper := e.fs.String("paper", "a4", "paper size: a4 or letter")
	qr := e.fs.String("qr-template", "", "QR content: a redeem address with {pin}, e.g. https://billing.example.com/redeem?pin={pin} (default: the PIN)")
	force := e.fs.Bool("force", false, "overwrite the file if it exists")
	if err := e.parse("[FILTER] --out FILE.pdf|FILE.xlsx|FILE.csv [--layout NAME] [--across N --down N] [--paper a4|letter] [--cut-marks] [--logo FILE] [--colours LIST] [--qr-template TEXT] [--force]"); err != nil {
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
	opts := export.Options{Across: *across, Down: *down, Paper: p, QRTemplate: *qr, Force: *force,
		Layout: *layout, CutMarks: *cutMarks}
	if format == export.FormatPDF {
		if opts.Colours, err = export.ParseColours(*colours); err != nil {
			return usagef("--colours: %v", err)
		}
		if _, err := export.CheckOptions(opts); err != nil {
			return usagef("%v", err)
		}
		if *logo != "" {
			b, err := os.ReadFile(*logo)
			if err != nil {
				return usagef("--logo: %v", err)
			}
			opts.Logo = b
		}
	} else {
		if *layout != "" || *down != 0 || *cutMarks || *logo != "" || *colours != "" {
			return usagef("export: --layout, --down, --cut-marks, --logo and --colours are for PDF; use --out FILE.pdf")
		}
		if opts.Across == 0 {
			opts.Across = 3
		}
		if opts.Across < 1 || opts.Across > export.MaxAcross {
			return usagef("--across %d: choose 1 to %d", opts.Across, export.MaxAcross)
		}
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	if c.Terminal {
		n, err := e.store.Count(ctx, f)
		if err != nil {
			return err
		}
		if est := export.Estimate(format, n); est > 10*time.Second {
			fmt.Fprintf(c.Stderr, "exporting %d cards takes about %s; Ctrl+C cancels and leaves no file\n", n, est.Round(time.Second))
		}
		start := time.Now()
		opts.Progress = func(done, total int64) {
			fmt.Fprintf(c.Stderr, "\rexporting: %3d%% (%s)   ", done*100/total, time.Since(start).Round(time.Second))
			if done == total {
				fmt.Fprintln(c.Stderr)
			}
		}
	}
	res, err := export.Export(ctx, e.store, f, *out, opts)
	if err != nil {
		return err
	}
	if format != export.FormatCSV {
		fmt.Fprintf(c.Stdout, "Exported %d cards (%s) to %s: %d pages", res.Cards, f.Describe(), res.Path, res.Pages)
		if res.Reprints > 0 {
			fmt.Fprintf(c.Stdout, "; %d cards were printed before and are marked REPRINT", res.Reprints)
		}
		fmt.Fprintln(c.Stdout, ".")
	} else {
		fmt.Fprintf(c.Stdout, "Exported %d cards (%s) to %s.\n", res.Cards, f.Describe(), res.Path)
	}
	return nil
}

func layoutNames() string {
	var names []string
	for _, l := range export.PDFLayouts() {
		names = append(names, l.Name)
	}
	return strings.Join(names, ", ")
}
