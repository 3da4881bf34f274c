package app

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/sqlite"
	"topupcards/export"
)

// runExport refuses to replace a file unless forced, leaves no half file
// when cancelled, and records what it wrote.
func TestRunExportRefusesOverwriteAndLeavesNoHalfFile(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cards.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 47, Series: "3"}, nil); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "v.xlsx")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runExport(ctx, s, data.Filter{}, path, export.XLSX, export.Options{}, false); !errors.Is(err, errExists) {
		t.Fatalf("overwrite without force: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatal("existing file changed")
	}
	// Cancel midway: the existing file stays, no temporary file is left.
	cctx, cancel := context.WithCancel(ctx)
	_, err = runExport(cctx, s, data.Filter{}, path, export.XLSX, export.Options{Progress: func(done, total int64) {
		if done > 10 {
			cancel()
		}
	}}, true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled export: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Fatal("cancelled export touched the file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("left behind: %v", entries)
	}
	if _, err := runExport(ctx, s, data.Filter{}, dir, export.XLSX, export.Options{}, true); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("a folder as the file: %v", err)
	}
	// With force it is replaced, and the export is in the history.
	res, err := runExport(ctx, s, data.Filter{}, path, export.XLSX, export.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatal("not replaced by a workbook")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	h, _ := s.History(ctx, 1)
	if len(h) != 1 || h[0].Action != "print run" || h[0].Cards != 47 || res.Cards != 47 || !strings.Contains(h[0].Detail, path) {
		t.Errorf("history %+v", h)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// Voucher sheets leave out the cards that cannot be sold and say so;
// --include-void prints them stamped; a card list keeps every card.
func TestExportCommandLeavesOutVoidCards(t *testing.T) {
	c := newCLI(t)
	c.ok("generate", "--amount", "8", "--quantity", "20", "--series", "3")
	c.ok("edit", "--serial-from", "3-1", "--serial-to", "3-5", "--block")
	pin := c.list("--serial-from", "3-6", "--serial-to", "3-6")[0]["pin"]
	c.ok("redeem", "--pin", pin, "--client", "Rose Orig")
	dir := t.TempDir()
	for _, name := range []string{"a.pdf", "a.xlsx"} {
		out := c.ok("export", "--batch", "1", "--out", filepath.Join(dir, name))
		if !strings.Contains(out, "Exported 14 cards") || !strings.Contains(out, "Left out: 5 blocked, 1 redeemed (use --include-void to print them stamped).") {
			t.Errorf("%s: %q", name, out)
		}
	}
	out := c.ok("export", "--batch", "1", "--include-void", "--out", filepath.Join(dir, "b.pdf"))
	if !strings.Contains(out, "Exported 20 cards") || !strings.Contains(out, "6 cards that cannot be sold are printed stamped") || strings.Contains(out, "Left out") {
		t.Errorf("include void: %q", out)
	}
	out = c.ok("export", "--batch", "1", "--out", filepath.Join(dir, "a.csv"))
	if !strings.Contains(out, "Exported 20 cards") || strings.Contains(out, "Left out") {
		t.Errorf("csv: %q", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "a.csv"))
	if strings.Count(string(b), ",blocked,") != 5 || strings.Count(string(b), ",activated,") != 1 {
		t.Errorf("the CSV does not list every card with its status:\n%s", b)
	}
	c.fails(ExitUsage, []string{"--include-void"}, "export", "--batch", "1", "--include-void", "--out", filepath.Join(dir, "b.csv"))
	// Nothing sellable: refused, nothing written, and it says why.
	c.ok("edit", "--batch", "1", "--block")
	c.fails(ExitRefused, []string{"can be sold", "19 blocked, 1 redeemed", "--include-void"}, "export", "--batch", "1", "--out", filepath.Join(dir, "c.pdf"))
	if _, err := os.Stat(filepath.Join(dir, "c.pdf")); err == nil {
		t.Error("a refused export wrote a file")
	}
	// The print runs hold what was printed: 14, 14, then 20.
	if got := c.list("--printed", "yes"); len(got) != 20 {
		t.Errorf("%d cards printed, want 20", len(got))
	}
}
