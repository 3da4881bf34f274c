package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"topupcards/data"
	"topupcards/export"
)

func (c *CLI) cmdGenerate(ctx context.Context, e *cmdEnv) error {
	fs := e.fs
	amount := fs.String("amount", "", "face value of each card, such as 8.00 (required)")
	quantity := fs.Int("quantity", 0, "how many cards, 1 to 1,000,000 (required)")
	series := fs.String("series", "", "series code that starts every serial, 1-10 letters or digits (required)")
	currency := fs.String("currency", data.DefaultCurrency, "ISO 4217 currency code")
	pinLength := fs.Int("pin-length", data.DefaultPINLength, "PIN length in digits, 5 to 20")
	check := fs.Bool("check-digit", false, "make the last PIN digit a Luhn check digit, so typos are recognised")
	reseller := fs.String("reseller", "", "reseller that owns the cards")
	expiry := fs.String("expiry", "", "expiry date, YYYY-MM-DD (end of that day) or YYYY-MM-DDTHH:MM")
	if err := e.parse("--amount A --quantity N --series S [options]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	var missing []string
	for name, v := range map[string]bool{"--amount": *amount == "", "--quantity": *quantity == 0, "--series": *series == ""} {
		if v {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return usagef("generate: %s missing; for example: topupcards generate --amount 8.00 --quantity 100 --series 3",
			strings.Join(sortedStrings(missing), ", "))
	}
	cur, err := data.ParseCurrency(*currency)
	if err != nil {
		return usagef("--currency: %v", err)
	}
	minor, err := data.ParseAmount(*amount, cur)
	if err != nil {
		return usagef("--amount: %v", err)
	}
	p := data.GenerateParams{Amount: minor, Currency: cur, Quantity: *quantity, Series: *series,
		PINLength: *pinLength, CheckDigit: *check, Reseller: *reseller}
	if *expiry != "" {
		if p.ExpiresAt, err = data.ParseDate(*expiry, true, time.Local); err != nil {
			return usagef("--expiry: %v", err)
		}
	}
	if err := p.Check(time.Now()); err != nil {
		return usagef("generate: %v", err)
	}
	if err := e.create(ctx); err != nil {
		return err
	}
	plan, err := e.store.PlanBatch(ctx, p)
	if err != nil {
		return err
	}
	if plan.Refusal != "" {
		return fmt.Errorf("generate refused: %s", plan.Refusal)
	}
	if plan.Warning != "" {
		fmt.Fprintln(c.Stderr, "warning: "+plan.Warning)
	}
	var progress data.Progress
	if c.Terminal && p.Quantity >= 10_000 {
		start := time.Now()
		progress = func(done, total int) {
			fmt.Fprintf(c.Stderr, "\rgenerating: %3d%% (%d of %d cards, %s)   ", done*100/total, done, total,
				time.Since(start).Round(time.Second))
			if done == total {
				fmt.Fprintln(c.Stderr)
			}
		}
	}
	b, err := e.store.Generate(ctx, p, progress)
	if err != nil {
		if c.Terminal && progress != nil {
			fmt.Fprintln(c.Stderr)
		}
		return err
	}
	fmt.Fprintf(c.Stdout, "Generated batch %d: %d cards of %s, serials %s to %s, total %s.\n",
		b.ID, b.Quantity, b.Amount, b.FirstSerial(), b.LastSerial(),
		data.Money{Minor: b.Amount.Minor * b.Quantity, Currency: b.Amount.Currency})
	fmt.Fprintf(c.Stdout, "Odds that one random PIN guess hits a live card: %s.\n", data.OddsText(plan.Odds))
	return nil
}

func (e *cmdEnv) noPositional() error {
	if len(e.positional) > 0 {
		return usagef("%s: unexpected %q; options start with --", e.name, e.positional[0])
	}
	return nil
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func (c *CLI) cmdList(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	sortFlag := e.fs.String("sort", "serial", "column to sort by, with :desc to reverse ("+strings.Join(export.ListHeader, ", ")+")")
	limit := e.fs.Int("limit", 0, "at most this many cards (0: all)")
	format := e.fs.String("format", "table", "table, csv or json")
	if err := e.parse("[FILTER] [--sort COLUMN[:desc]] [--limit N] [--format table|csv|json]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	f, err := ff.build()
	if err != nil {
		return err
	}
	order, err := data.ParseSort(*sortFlag)
	if err != nil {
		return usagef("--sort: %v", err)
	}
	if *limit < 0 {
		return usagef("--limit %d: give 0 (all) or more", *limit)
	}
	switch *format {
	case "csv", "json", "table":
	default:
		return usagef("--format %q: use table, csv or json", *format)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	var write func(data.Card) error
	var finish func() error
	now := e.store.Now()
	switch *format {
	case "csv":
		lw, err := export.NewListWriter(c.Stdout, now)
		if err != nil {
			return err
		}
		write, finish = lw.Write, lw.Flush
	case "json":
		w := &jsonList{out: c.Stdout, now: now}
		write, finish = w.write, w.finish
	case "table":
		tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Status\tSerial Number\tAmount\tPIN Code\tReseller\tExpiry Date\tActivated\tCreated on\tBatch")
		write = func(cd data.Card) error {
			_, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", cd.StatusAt(now), cd.Serial, cd.Amount,
				data.GroupPIN(cd.PIN), dash(data.Printable(cd.Reseller)), expiryText(cd.ExpiresAt), data.Printable(cd.Activated(data.Plain)),
				data.Plain.Timestamp(cd.CreatedAt), cd.BatchID)
			return err
		}
		finish = func() error {
			if err := tw.Flush(); err != nil {
				return err
			}
			sum, err := e.store.Summarize(ctx, f)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.Stdout, "\n%d cards match (%s)", sum.Cards, data.Printable(f.Describe()))
			for _, t := range sum.Totals {
				fmt.Fprintf(c.Stdout, "; %s face value, %s unredeemed", data.Money{Minor: t.Face, Currency: t.Currency},
					data.Money{Minor: t.Unredeemed, Currency: t.Currency})
			}
			if *limit > 0 && int64(*limit) < sum.Cards {
				fmt.Fprintf(c.Stdout, "; showing the first %d", *limit)
			}
			fmt.Fprintln(c.Stdout, ".")
			return nil
		}
	default:
		return usagef("--format %q: use table, csv or json", *format)
	}
	n := 0
	errLimit := errors.New("limit reached")
	err = e.store.Each(ctx, f, order, func(cd data.Card) error {
		if *limit > 0 && n >= *limit {
			return errLimit
		}
		n++
		return write(cd)
	})
	if err != nil && !errors.Is(err, errLimit) {
		return err
	}
	return finish()
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func expiryText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return data.Plain.Timestamp(t)
}

// jsonList writes cards as one JSON array, a card a line.
type jsonList struct {
	out io.Writer
	now time.Time
	n   int
}

type jsonCard struct {
	Status      string `json:"status"`
	Serial      string `json:"serial"`
	Amount      string `json:"amount"`
	AmountMinor int64  `json:"amount_minor"`
	Currency    string `json:"currency"`
	PIN         string `json:"pin"`
	Reseller    string `json:"reseller"`
	ExpiresAt   string `json:"expires_at"`
	ActivatedBy string `json:"activated_by"`
	ActivatedAt string `json:"activated_at"`
	CreatedAt   string `json:"created_at"`
	Batch       int64  `json:"batch"`
}

func (j *jsonList) write(c data.Card) error {
	sep := ",\n"
	if j.n == 0 {
		sep = "[\n"
	}
	j.n++
	b, err := json.Marshal(jsonCard{Status: string(c.StatusAt(j.now)), Serial: c.Serial.String(),
		Amount: data.Plain.Number(c.Amount), AmountMinor: c.Amount.Minor, Currency: c.Amount.Currency,
		PIN: c.PIN, Reseller: c.Reseller, ExpiresAt: utc(c.ExpiresAt), ActivatedBy: c.ActivatedBy,
		ActivatedAt: utc(c.ActivatedAt), CreatedAt: utc(c.CreatedAt), Batch: c.BatchID})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(j.out, "%s  %s", sep, b)
	return err
}

func (j *jsonList) finish() error {
	if j.n == 0 {
		_, err := fmt.Fprintln(j.out, "[]")
		return err
	}
	_, err := fmt.Fprintln(j.out, "\n]")
	return err
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (c *CLI) cmdRedeem(ctx context.Context, e *cmdEnv) error {
	pin := e.fs.String("pin", "", "PIN printed on the card (spaces and dashes ignored)")
	client := e.fs.String("client", "", "name of the client who redeems the card")
	if err := e.parse("--pin PIN --client NAME"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	if *pin == "" || strings.TrimSpace(*client) == "" {
		return usagef("redeem: give both --pin and --client, such as: topupcards redeem --pin '4524 2829 3854' --client 'Rose Orig'")
	}
	if _, err := data.NormalizePIN(*pin); err != nil {
		return usagef("--pin: %v", err)
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	card, err := e.store.Redeem(ctx, *pin, *client)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Redeemed %s on card %s for %s.\n", card.Amount, card.Serial, card.ActivatedBy)
	return nil
}

func (c *CLI) cmdEdit(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "filter-reseller")
	all := e.fs.Bool("all", false, "edit every card")
	expiry := e.fs.String("expiry", "", "set the expiry to this date (YYYY-MM-DD: end of that day, or YYYY-MM-DDTHH:MM)")
	clearExpiry := e.fs.Bool("clear-expiry", false, "remove the expiry date: the cards never expire")
	reseller := e.fs.String("reseller", "", "give the cards to this reseller")
	block := e.fs.Bool("block", false, "block the cards (lost or stolen stock)")
	unblock := e.fs.Bool("unblock", false, "unblock the cards")
	if err := e.parse("FILTER|--all [--expiry DATE|--clear-expiry] [--reseller NAME] [--block|--unblock]"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	f, err := ff.build()
	if err != nil {
		return err
	}
	if err := needFilterOrAll(e.name, f, *all); err != nil {
		return err
	}
	var ed data.Edit
	switch {
	case *expiry != "" && *clearExpiry:
		return usagef("edit: --expiry and --clear-expiry contradict each other; give one")
	case *expiry != "":
		ed.Expiry = data.ExpirySet
		if ed.ExpireAt, err = data.ParseDate(*expiry, true, time.Local); err != nil {
			return usagef("--expiry: %v", err)
		}
	case *clearExpiry:
		ed.Expiry = data.ExpiryClear
	}
	switch {
	case *block && *unblock:
		return usagef("edit: --block and --unblock contradict each other; give one")
	case *block:
		ed.Block = data.BlockSet
	case *unblock:
		ed.Block = data.BlockClear
	}
	ed.Reseller = strings.TrimSpace(*reseller)
	if ed.IsNoop() {
		return usagef("edit: nothing to change; give --expiry, --clear-expiry, --reseller, --block or --unblock")
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	res, err := e.store.MassEdit(ctx, f, ed)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Changed %d cards (%s): %s.\n", res.Cards, f.Describe(), ed.Describe())
	printUndoHint(c.Stdout, res.Op)
	return nil
}

func needFilterOrAll(cmd string, f data.Filter, all bool) error {
	switch {
	case all && !f.IsEmpty():
		return usagef("%s: --all and a filter contradict each other; give one", cmd)
	case !all && f.IsEmpty():
		return usagef("%s: give a filter (such as --batch 3) or --all for every card", cmd)
	}
	return nil
}

func (c *CLI) cmdDelete(ctx context.Context, e *cmdEnv) error {
	ff := addFilterFlags(e.fs, "reseller")
	all := e.fs.Bool("all", false, "delete every card")
	yes := e.fs.Bool("yes", false, "confirm the deletion")
	if err := e.parse("FILTER|--all --yes"); err != nil {
		return err
	}
	defer e.close()
	if err := e.noPositional(); err != nil {
		return err
	}
	f, err := ff.build()
	if err != nil {
		return err
	}
	if err := needFilterOrAll(e.name, f, *all); err != nil {
		return err
	}
	if !*yes {
		if err := e.open(ctx); err != nil {
			return err
		}
		n, err := e.store.Count(ctx, f)
		if err != nil {
			return err
		}
		return usagef("delete: this would delete %d cards (%s); add --yes to confirm (it can be undone: topupcards undo)", n, f.Describe())
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	var res data.Result
	if *all {
		res, err = e.store.DeleteAll(ctx)
	} else {
		res, err = e.store.Delete(ctx, f)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.Stdout, "Deleted %d cards (%s).\n", res.Cards, f.Describe())
	printUndoHint(c.Stdout, res.Op)
	return nil
}

func (c *CLI) cmdResellers(ctx context.Context, e *cmdEnv) error {
	if err := e.parse("[list | add NAME | rename OLD NEW | remove NAME]"); err != nil {
		return err
	}
	defer e.close()
	args := e.positional
	sub := "list"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	want := map[string]int{"list": 0, "add": 1, "rename": 2, "remove": 1}
	n, ok := want[sub]
	if !ok {
		return usagef("resellers: unknown %q; use list, add NAME, rename OLD NEW or remove NAME", sub)
	}
	if len(args) != n {
		return usagef("resellers %s takes %d name(s); quote names with spaces: topupcards resellers add \"Reseller 1\"", sub, n)
	}
	for _, name := range args {
		if err := data.CheckResellerName(name); err != nil {
			return usagef("resellers %s: %v", sub, err)
		}
	}
	open := e.open
	if sub == "add" {
		open = e.create // the first reseller may come before the first card
	}
	if err := open(ctx); err != nil {
		return err
	}
	switch sub {
	case "add":
		r, err := e.store.AddReseller(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Added reseller %q.\n", r.Name)
	case "rename":
		if err := e.store.RenameReseller(ctx, args[0], args[1]); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Renamed reseller %q to %q.\n", args[0], args[1])
	case "remove":
		if err := e.store.RemoveReseller(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Removed reseller %q.\n", args[0])
	default:
		rs, err := e.store.Resellers(ctx)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			fmt.Fprintln(c.Stdout, "No resellers yet; add one with: topupcards resellers add NAME")
			return nil
		}
		tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "Reseller\tCards")
		for _, r := range rs {
			fmt.Fprintf(tw, "%s\t%d\n", data.Printable(r.Name), r.Cards)
		}
		return tw.Flush()
	}
	return nil
}

func (c *CLI) cmdBackups(ctx context.Context, e *cmdEnv) error {
	yes := e.fs.Bool("yes", false, "confirm the restore")
	if err := e.parse("[list | create | restore FILE --yes]"); err != nil {
		return err
	}
	defer e.close()
	args := e.positional
	sub := "list"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	switch {
	case sub == "list" && len(args) == 0:
		if err := e.open(ctx); err != nil {
			return err
		}
		bs, err := e.store.Backups(ctx)
		if errors.Is(err, data.ErrNotSupported) {
			// A server's backups are the server's job: say how, and succeed.
			fmt.Fprintln(c.Stdout, safeMessage(err.Error()))
			return nil
		}
		if err != nil {
			return err
		}
		if len(bs) == 0 {
			fmt.Fprintf(c.Stdout, "No backups yet of %s in %s; make one with: topupcards backups create\n", e.store.Path(), e.store.BackupDir())
			return nil
		}
		for _, b := range bs {
			fmt.Fprintf(c.Stdout, "%s\t%s\t%d cards\t%d bytes\n", b.Path, data.Plain.Timestamp(b.Created), b.Cards, b.Size)
		}
		return nil
	case sub == "create" && len(args) == 0:
		if err := e.open(ctx); err != nil {
			return err
		}
		b, err := e.store.CreateBackup(ctx, data.BackupManual)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Backed up %d cards to %s (%d bytes, checked).\n", b.Cards, b.Path, b.Size)
		return nil
	case sub == "restore" && len(args) == 1:
		if !*yes {
			// Without --yes the command asks what a restore would do; a
			// file or a database that is not there is a mistake in it.
			if _, err := os.Stat(args[0]); err != nil {
				return usagef("backups restore: no backup %s; `topupcards backups list` shows them; then add --yes to restore one", args[0])
			}
			if err := e.open(ctx); err != nil {
				return err
			}
			plan, err := e.store.RestorePlan(ctx, args[0])
			if err != nil {
				return err
			}
			return usagef("backups restore: %s; add --yes to restore (the current state is backed up first)", plan.Describe())
		}
		if err := e.open(ctx); err != nil {
			return err
		}
		res, err := e.store.Restore(ctx, args[0])
		if err != nil {
			return err
		}
		p := res.Plan
		fmt.Fprintf(c.Stdout, "Restored %s: %d cards as of %s; %d made since were removed, %d edited since were set back, %d deleted since came back; %d redemptions since were kept.\nThe state before the restore is backed up in %s\n",
			args[0], res.Cards, data.Plain.Timestamp(p.Backup.Created), p.Added, p.Changed, p.Deleted, p.Redemptions, res.Before.Path)
		return nil
	}
	return usagef("backups: use list, create, or restore FILE --yes")
}
