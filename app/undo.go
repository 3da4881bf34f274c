package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"topupcards/data"
	"topupcards/export"
)

// printUndoHint tells how to take back operation op (0: nothing changed).
func printUndoHint(w io.Writer, op int64) {
	if op != 0 {
		fmt.Fprintf(w, "This is #%d in the history; to take it back: topupcards undo %d --yes\n", op, op)
	}
}

// undoText is the history's Undo column: "yes" where the entry can be
// undone, "undone by #N" where it was.
func undoText(h data.HistoryEntry) string {
	switch {
	case h.Undoable:
		return "yes"
	case h.UndoneBy != 0:
		return "undone by #" + strconv.FormatInt(h.UndoneBy, 10)
	}
	return ""
}

func (c *CLI) cmdHistory(ctx context.Context, e *cmdEnv) error {
	limit := e.fs.Int("limit", 50, "how many entries, newest first")
	format := e.fs.String("format", "table", "table, or csv: id,at,action,cards,undo,detail")
	if err := e.parse("[--limit N] [--format table|csv]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	if *limit <= 0 {
		return usagef("--limit %d: give 1 or more", *limit)
	}
	if *format != "table" && *format != "csv" {
		return usagef("--format %q: choose table or csv", *format)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	hs, err := e.store.History(ctx, *limit)
	if err != nil {
		return err
	}
	if *format == "csv" {
		cw := csv.NewWriter(c.Stdout)
		cw.Write([]string{"id", "at", "action", "cards", "undo", "detail"})
		for _, h := range hs {
			undo := "no"
			if h.Undoable {
				undo = "yes"
			}
			detail := h.Detail
			if h.Filter != "" {
				detail += " [" + h.Filter + "]"
			}
			cw.Write(export.SafeRecord([]string{strconv.FormatInt(h.ID, 10), h.At.UTC().Format(time.RFC3339), h.Action,
				strconv.FormatInt(h.Cards, 10), undo, detail}))
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWhen\tAction\tCards\tUndo\tWhat\tWhich cards")
	for _, h := range hs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", h.ID, data.Plain.Timestamp(h.At), h.Action, h.Cards, undoText(h),
			data.Printable(h.Detail), data.Printable(h.Filter))
	}
	return tw.Flush()
}

// cmdUndo takes back one operation of the history: exit 0 done, 1 refused
// (changed since, not undoable), 2 usage (no --yes: it says what it would
// do).
func (c *CLI) cmdUndo(ctx context.Context, e *cmdEnv) error {
	yes := e.fs.Bool("yes", false, "confirm the undo")
	if err := e.parse("ID --yes"); err != nil {
		return err
	}
	defer e.close()
	if len(e.positional) != 1 {
		return usagef("undo: give the number of one history entry (see topupcards history), such as: topupcards undo 12 --yes")
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(e.positional[0], "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("undo %q: give the number of a history entry (see topupcards history), such as 12", e.positional[0])
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	if !*yes {
		h, err := e.store.HistoryEntry(ctx, id)
		if err != nil {
			return err
		}
		if err := h.UndoRefusal(); err != nil {
			return err // a dry run takes no lock and writes nothing
		}
		what := h.Detail
		if h.Filter != "" {
			what += " (" + h.Filter + ")"
		}
		return usagef("undo #%d would take back: %s; add --yes to confirm", id, what)
	}
	res, err := e.store.Undo(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Undid #%d: %d deleted cards put back, %d cards given their values before (#%d in the history).\n",
		res.Undid, res.Restored, res.Reverted, res.Op)
	return nil
}

// cmdSettings shows and changes the settings kept in the database.
func (c *CLI) cmdSettings(ctx context.Context, e *cmdEnv) error {
	if err := e.parse("[journal-days N]"); err != nil {
		return err
	}
	defer e.close()
	args := e.positional
	switch {
	case len(args) == 0:
		if err := e.open(ctx); err != nil {
			return err
		}
		days, err := e.store.JournalDays(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "journal-days %d\t(how long edits and deletes can be undone)\n", days)
		return nil
	case len(args) == 2 && args[0] == "journal-days":
		days, err := strconv.Atoi(args[1])
		if err != nil || days < 1 || days > data.MaxJournalDays {
			return usagef("settings journal-days %q: give a number of days from 1 to %d", args[1], data.MaxJournalDays)
		}
		if err := e.open(ctx); err != nil {
			return err
		}
		if err := e.store.SetJournalDays(ctx, days); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Edits and deletes can now be undone for %d days.\n", days)
		return nil
	}
	return usagef("settings: use no argument to list them, or journal-days N")
}
