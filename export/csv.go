// Package export writes cards to files people hand on: CSV for billing
// systems and (later) printable voucher workbooks. It knows nothing of the
// window; it reads cards through the data package's types.
package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"topupcards/data"
)

// ListHeader is the header of `topupcards list --format csv`; the names are
// also the columns `--sort` takes.
var ListHeader = []string{"status", "serial", "amount", "currency", "pin", "reseller", "expires_at",
	"activated_by", "activated_at", "created_at", "batch"}

// ListWriter writes cards as RFC 4180 CSV with ListHeader's columns: times
// in RFC 3339 UTC, amounts like 8.00, empty where absent.
type ListWriter struct {
	w   *csv.Writer
	now time.Time
	rec []string
}

// NewListWriter writes the header and returns a writer for the rows.
// Statuses are derived at time now.
func NewListWriter(w io.Writer, now time.Time) (*ListWriter, error) {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ListHeader); err != nil {
		return nil, err
	}
	return &ListWriter{w: cw, now: now, rec: make([]string, len(ListHeader))}, nil
}

// Write writes one card.
func (l *ListWriter) Write(c data.Card) error {
	r := l.rec
	r[0] = string(c.StatusAt(l.now))
	r[1] = c.Serial.String()
	r[2] = data.Plain.Number(c.Amount)
	r[3] = c.Amount.Currency
	r[4] = c.PIN
	r[5] = c.Reseller
	r[6] = rfc3339(c.ExpiresAt)
	r[7] = c.ActivatedBy
	r[8] = rfc3339(c.ActivatedAt)
	r[9] = rfc3339(c.CreatedAt)
	r[10] = strconv.FormatInt(c.BatchID, 10)
	return l.w.Write(SafeRecord(r))
}

// CSVCell is text as a CSV cell a spreadsheet cannot run: a cell that
// starts with = + - @, a tab or a carriage return is taken for a formula by
// Excel and LibreOffice (a client named =HYPERLINK(...) would send the
// PINs beside it away), so it gets a leading apostrophe (OWASP's advice
// against CSV injection). Every other text is as it was.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// SafeRecord is rec with every cell made safe by CSVCell, in place.
func SafeRecord(rec []string) []string {
	for i, c := range rec {
		rec[i] = CSVCell(c)
	}
	return rec
}

// Flush writes what is buffered and reports any write error.
func (l *ListWriter) Flush() error {
	l.w.Flush()
	return l.w.Error()
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
