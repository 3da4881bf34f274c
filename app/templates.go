package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"topupcards/data"
	"topupcards/export"
)

// sampleCard is the card a template is checked with when the database has
// none: a 12-digit PIN, a serial, 8.00 USD.
func sampleCard() data.Card {
	return data.Card{PIN: "482915736048", Serial: data.Serial{Series: "1", Number: 1}, Amount: data.Money{Minor: 800, Currency: data.DefaultCurrency},
		Reseller: "Reseller", BatchID: 1, ExpiresAt: time.Now().AddDate(1, 0, 0)}
}

// firstCard is the first card of the store (in serial order), or the
// sample card when there is none.
func firstCard(ctx context.Context, s data.Store, f data.Filter) data.Card {
	cards, _, err := s.Page(ctx, f, data.Sort{}, data.Cursor{}, 1)
	if err != nil || len(cards) == 0 {
		return sampleCard()
	}
	return cards[0]
}

// resolveTemplate is the template an export of the cards f matches uses:
// the one named (nil for "default"), or with no name the default of the
// reseller the search names, or the built-in tile.
func resolveTemplate(ctx context.Context, s data.Store, name string, f data.Filter) (*data.Template, error) {
	name = strings.TrimSpace(name)
	if name == "" && f.Reseller != "" {
		n, err := s.ResellerTemplate(ctx, f.Reseller)
		if err != nil {
			return nil, err
		}
		name = n
	}
	if name == "" || strings.EqualFold(name, data.DefaultTemplateName) {
		return nil, nil
	}
	t, err := s.Template(ctx, name)
	if err != nil {
		return nil, err
	}
	return &t, nil
}

const templatesUsage = "[list | show NAME | import FILE.json [--replace] | export NAME --out FILE.json [--force] | remove NAME --yes | restore NAME | set RESELLER NAME]"

func (c *CLI) cmdTemplates(ctx context.Context, e *cmdEnv) error {
	out := e.fs.String("out", "", "export: the JSON file to write")
	replace := e.fs.Bool("replace", false, "import: replace the template of the same name")
	force := e.fs.Bool("force", false, "export: overwrite the file if it exists")
	yes := e.fs.Bool("yes", false, "remove: really remove (templates restore NAME brings it back)")
	if err := e.parse(templatesUsage); err != nil {
		return err
	}
	defer e.close()
	args := e.positional
	sub := "list"
	if len(args) > 0 {
		sub, args = args[0], args[1:]
	}
	want := map[string]int{"list": 0, "show": 1, "import": 1, "export": 1, "remove": 1, "restore": 1, "set": 2}
	n, ok := want[sub]
	if !ok {
		return usagef("templates: unknown %q; use %s", sub, templatesUsage)
	}
	if len(args) != n {
		return usagef("templates %s takes %d argument(s): topupcards templates %s", sub, n, templatesUsage)
	}
	switch sub {
	case "export":
		if *out == "" {
			return usagef("templates export: give --out FILE.json")
		}
	case "remove":
		if !*yes {
			return usagef("templates remove %q: add --yes to remove it (templates restore %q brings it back)", args[0], args[0])
		}
	}
	var imported data.Template
	if sub == "import" {
		var err error
		if imported, err = readTemplateFile(args[0]); err != nil {
			return err
		}
	}
	if sub == "show" && strings.EqualFold(args[0], data.DefaultTemplateName) {
		fmt.Fprint(c.Stdout, string(export.DefaultTemplate(85, 54).JSON()))
		fmt.Fprintln(c.Stderr, "topupcards: the built-in template follows the layout's tile; shown here for 85 × 54 mm cards. Import a copy under another name to change it.")
		return nil
	}
	if err := e.open(ctx); err != nil {
		return err
	}
	return c.runTemplates(ctx, e.store, sub, args, imported, *out, *replace, *force)
}

// runTemplates runs a templates subcommand, its arguments checked, on s.
func (c *CLI) runTemplates(ctx context.Context, s data.Store, sub string, args []string, imported data.Template, out string, replace, force bool) error {
	switch sub {
	case "list":
		return c.listTemplates(ctx, s)
	case "show":
		t, err := s.Template(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprint(c.Stdout, string(t.JSON()))
		c.warnTemplate(ctx, s, t)
	case "import":
		if err := s.SaveTemplate(ctx, imported, replace); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Imported template %q (%g × %g mm, %d elements on the front, %d on the back).\n",
			imported.Name, imported.Tile.WidthMM, imported.Tile.HeightMM, len(imported.Elements), len(imported.Back))
		c.warnTemplate(ctx, s, imported)
	case "export":
		t, err := s.Template(ctx, args[0])
		if err != nil {
			return err
		}
		if err := writeFileSafely(out, t.JSON(), force); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Wrote template %q to %s.\n", t.Name, out)
	case "remove":
		if err := s.RemoveTemplate(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Removed template %q; topupcards templates restore %q brings it back.\n", args[0], args[0])
	case "restore":
		if err := s.RestoreTemplate(ctx, args[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Restored template %q.\n", args[0])
	case "set":
		if err := s.SetResellerTemplate(ctx, args[0], args[1]); err != nil {
			return err
		}
		fmt.Fprintf(c.Stdout, "Reseller %q now prints with template %q.\n", args[0], args[1])
	}
	return nil
}

func (c *CLI) listTemplates(ctx context.Context, s data.Store) error {
	ts, err := s.Templates(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Template\tTile\tFront\tBack\tDefault of")
	fmt.Fprintln(tw, "default (built-in)\tthe layout's\t7\t0\t")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%g × %g mm\t%d\t%d\t%s\n", data.Printable(t.Name), t.Tile.WidthMM, t.Tile.HeightMM, t.Elements, t.Back,
			data.Printable(strings.Join(t.Resellers, ", ")))
	}
	return tw.Flush()
}

// warnTemplate prints the template's print-safety problems, checked with
// the database's first card: an export with it would be refused.
func (c *CLI) warnTemplate(ctx context.Context, s data.Store, t data.Template) {
	ps := export.CheckTemplate(t, firstCard(ctx, s, data.Filter{}), export.DefaultDPI, true)
	for _, p := range ps {
		fmt.Fprintln(c.Stderr, "topupcards: warning: "+safeMessage(p.Msg))
	}
	if len(ps) > 0 {
		fmt.Fprintf(c.Stderr, "topupcards: an export with template %q is refused until these are fixed (the designer shows them as you edit).\n", t.Name)
	}
}

// readTemplateFile reads and validates a template's JSON file.
func readTemplateFile(path string) (data.Template, error) {
	st, err := os.Stat(path)
	if err != nil {
		return data.Template{}, data.NewError(data.ErrNotFound, "template file %s: %v; check the path", path, err)
	}
	if !st.Mode().IsRegular() {
		return data.Template{}, data.NewError(data.ErrInvalid, "%s is not a regular file; give a template's .json file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return data.Template{}, err
	}
	defer f.Close()
	t, err := data.ParseTemplate(f)
	if err != nil {
		return data.Template{}, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// writeFileSafely writes b to path through a temporary file renamed into
// place, refusing to replace a file unless force.
func writeFileSafely(path string, b []byte, force bool) error {
	if err := checkTarget(path, force); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".template-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
