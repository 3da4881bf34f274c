package data

import (
	"fmt"
	"strings"
	"time"
)

// The formats of a print run's file.
const (
	PrintPDF  = "pdf"
	PrintXLSX = "xlsx"
)

// PrintRun is one voucher export (a PDF or Excel voucher sheet): when, which
// cards, which layout and where the file went. Print runs are a record of
// sheets that exist on paper: like the history they are never deleted, not
// by deleting cards and not by a restore.
type PrintRun struct {
	ID       int64
	At       time.Time
	Format   string // PrintPDF or PrintXLSX
	Layout   string // the sheet layout's name; "" if the format has none
	Path     string // the file written
	Filter   string // the cards' search in words
	Cards    int64  // cards on the sheets
	Reprints int64  // of those, cards that had been printed before this run
}

// Describe is the run's history detail: "printed 40 cards (3 reprints) as
// PDF a4-10up to /home/ana/sheets.pdf".
func (r PrintRun) Describe() string {
	as := strings.ToUpper(r.Format)
	if r.Layout != "" {
		as += " " + r.Layout
	}
	return fmt.Sprintf("printed %d cards (%d reprints) as %s to %s", r.Cards, r.Reprints, as, r.Path)
}
