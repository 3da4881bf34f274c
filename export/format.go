package export

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"time"

	"topupcards/data"
)

// Takes is a set of the options a format takes.
type Takes uint

// The options a format may take.
const (
	TakesTiles       Takes = 1 << iota // tiles across, paper, what the QR code holds
	TakesGrid                          // PDF: tiles down, a layout by name
	TakesCutMarks                      // PDF: cut marks
	TakesLogo                          // PDF: a logo on every tile
	TakesColours                       // PDF: an accent colour per amount
	TakesIncludeVoid                   // voucher tiles of cards that cannot be sold, stamped
	TakesTemplate                      // a card template (the workbook: its texts and QR code)
)

// Format is one kind of export file, described once: the window's choices,
// the command line's checks, the time estimate and the writer all come from
// here. Adding a format is one entry in Formats and its writer.
type Format struct {
	Name  string // short name: "pdf", "xlsx", "csv"
	Ext   string // file name extension, with the dot
	Label string // what the window offers: "PDF voucher sheets (.pdf)"
	// Vouchers: the file prints voucher tiles, so it is a print run and
	// holds only cards that can be sold unless Options.IncludeVoid.
	Vouchers bool
	Takes    Takes
	// MaxCards is the most cards one file takes (0: no limit).
	MaxCards int64
	perCard  time.Duration // on a machine like the README's
	// write writes j's cards to w and returns the number of voucher pages.
	write func(ctx context.Context, w io.Writer, j *job) (pages int, err error)
}

// The formats.
var (
	PDF = &Format{Name: "pdf", Ext: ".pdf", Label: "PDF voucher sheets (.pdf)", Vouchers: true,
		Takes:   TakesTiles | TakesGrid | TakesCutMarks | TakesLogo | TakesColours | TakesIncludeVoid | TakesTemplate,
		perCard: 100 * time.Microsecond, write: writePDFFile}
	XLSX = &Format{Name: "xlsx", Ext: ".xlsx", Label: "Excel voucher sheet (.xlsx)", Vouchers: true,
		Takes: TakesTiles | TakesIncludeVoid | TakesTemplate, MaxCards: MaxWorkbookCards, perCard: 130 * time.Microsecond, write: writeWorkbookFile}
	CSV = &Format{Name: "csv", Ext: ".csv", Label: "CSV card list (.csv)", perCard: 5 * time.Microsecond, write: writeCSVFile}
)

// Formats lists every format, in the order the window offers them.
var Formats = []*Format{PDF, XLSX, CSV}

// Has reports whether the format takes option t.
func (f *Format) Has(t Takes) bool { return f.Takes&t == t }

// Estimate is how long exporting n cards takes on a machine like the one
// the README's figures come from; the window says it before a long export
// starts.
func (f *Format) Estimate(n int64) time.Duration { return time.Duration(n) * f.perCard }

// Check checks o for the format before anything is read or written.
func (f *Format) Check(o Options) error { return o.normalize(f) }

func (f *Format) String() string { return f.Name }

// FormatOf picks the format from the file name's extension.
func FormatOf(path string) (*Format, error) {
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range Formats {
		if f.Ext == ext {
			return f, nil
		}
	}
	return nil, data.NewError(data.ErrInvalid, "export to %s: the file name must end in %s", path, formatList())
}

// FormatNamed returns the format called name ("pdf", "xlsx", "csv").
func FormatNamed(name string) (*Format, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
	}
	return nil, data.NewError(data.ErrInvalid, "export format %q: use %s", name, formatList())
}

// formatList: ".pdf (PDF voucher sheets), .xlsx (...) or .csv (...)".
func formatList() string {
	var parts []string
	for _, f := range Formats {
		parts = append(parts, f.Ext+" ("+strings.TrimSpace(strings.TrimSuffix(f.Label, "("+f.Ext+")"))+")")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}
