package export

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// exportResult is what Export (the tests' stand-in for the app's
// runExport) did.
type exportResult struct {
	Result
	Reprints int64
}

// Export writes the export of the cards f matches to path (the format by
// its extension) through one read of s, and records a voucher sheet's print
// run, as the app does; the app's own tests cover its file handling.
func Export(ctx context.Context, s *sqlite.Store, f data.Filter, path string, opts Options) (exportResult, error) {
	format, err := FormatOf(path)
	if err != nil {
		return exportResult{}, err
	}
	file, err := os.Create(path)
	if err != nil {
		return exportResult{}, err
	}
	var res Result
	err = s.Read(ctx, func(r data.Reader) error {
		w := bufio.NewWriter(file)
		if res, err = Write(ctx, w, r, f, format, opts); err != nil {
			return err
		}
		return w.Flush()
	})
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return exportResult{}, err
	}
	out := exportResult{Result: res}
	if !format.Vouchers {
		return out, nil
	}
	run := data.PrintRun{Format: format.Name, Layout: opts.Layout, Path: path}
	if run.Layout == "" {
		run.Layout = fmt.Sprintf("%s %d across", strings.ToLower(opts.Paper.String()), opts.Across)
	}
	rec, err := s.RecordPrintRun(ctx, data.Filter{IDs: res.Printed}, run)
	out.Reprints = rec.Reprints
	return out, err
}
