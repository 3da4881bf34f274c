package app

import (
	"context"
	"fmt"
	"time"

	"topupcards/export"
)

func (c *CLI) cmdExport(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	out := e.fs.String("out", "", "file to write: .xlsx (voucher workbook) or .csv (card list)")
	across := e.fs.Int("across", 3, fmt.Sprintf("voucher tiles across the page, 1 to %d", export.MaxAcross))
	paper := e.fs.String("paper", "a4", "paper size: a4 or letter")
	qr := e.fs.String("qr-template", "", "QR content: a redeem address with {pin}, e.g. https://billing.example.com/redeem?pin={pin} (default: the PIN)")
	force := e.fs.Bool("force", false, "overwrite the file if it exists")
	if err := e.parse("[FILTER] --out FILE.xlsx|FILE.csv [--across N] [--paper a4|letter] [--qr-template TEXT] [--force]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	if *out == "" {
		return usagef("export: give --out FILE.xlsx (voucher workbook) or --out FILE.csv (card list)")
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
	if *across < 1 || *across > export.MaxAcross {
		return usagef("--across %d: choose 1 to %d", *across, export.MaxAcross)
	}
	if err := export.CheckQRTemplate(*qr); err != nil {
		return usagef("--qr-template: %v", err)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	opts := export.Options{Across: *across, Paper: p, QRTemplate: *qr, Force: *force}
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
	if format == export.FormatXLSX {
		fmt.Fprintf(c.Stdout, "Exported %d cards (%s) to %s: %d voucher pages.\n", res.Cards, f.Describe(), res.Path, res.Pages)
	} else {
		fmt.Fprintf(c.Stdout, "Exported %d cards (%s) to %s.\n", res.Cards, f.Describe(), res.Path)
	}
	return nil
}
