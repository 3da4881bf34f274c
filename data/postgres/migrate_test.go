package postgres_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
	"topupcards/data/sqlite"
)

// Moving a 100,000-card file to the server: every card, redemption, batch,
// reseller, history entry, print run and the undo journal arrive, the
// totals per currency are equal, an undo recorded in the file works on the
// server, and a second move into the same database is refused.
func TestImport(t *testing.T) {
	quantity := 100_000
	if testing.Short() {
		quantity = 2_000
	}
	ctx := context.Background()
	file, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "cards.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	file.SetClock(func() time.Time { return t0 })
	for _, n := range []string{"North", "South", "Gone"} {
		if _, err := file.AddReseller(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []data.GenerateParams{
		{Amount: 500, Quantity: quantity / 2, Series: "A", Reseller: "North"},
		{Amount: 2000, Currency: "EUR", Quantity: quantity / 4, Series: "B", Reseller: "South", ExpiresAt: t0.Add(24 * time.Hour)},
		{Amount: 1000, Quantity: quantity / 4, Series: "A", CheckDigit: true},
	} {
		if _, err := file.Generate(ctx, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := file.RemoveReseller(ctx, "Gone"); err != nil {
		t.Fatal(err)
	}
	ids, _ := file.IDs(ctx, data.Filter{}, data.Sort{})
	some, _ := file.CardsByID(ctx, ids[:300])
	for _, c := range some[:200] {
		if _, err := file.Redeem(ctx, c.PIN, "Client "+c.Serial.String()); err != nil {
			t.Fatal(err)
		}
	}
	blocked, err := file.MassEdit(ctx, data.Filter{IDs: ids[200:250]}, data.Edit{Block: data.BlockSet})
	if err != nil {
		t.Fatal(err)
	}
	deleted, err := file.Delete(ctx, data.Filter{IDs: append(slices.Clone(ids[100:110]), ids[260:280]...)})
	if err != nil || deleted.Cards != 30 {
		t.Fatalf("delete: %+v, %v", deleted, err)
	}
	if _, err := file.RecordPrintRun(ctx, data.Filter{IDs: ids[280:300]}, data.PrintRun{Format: data.PrintPDF, Path: "/tmp/s.pdf"}); err != nil {
		t.Fatal(err)
	}
	if err := file.SetJournalDays(ctx, 45); err != nil {
		t.Fatal(err)
	}
	tpl := data.Template{Name: "North card", Tile: data.TileSize{WidthMM: 85, HeightMM: 54}, Elements: []data.Element{
		{Type: data.ElementText, XMM: 4, YMM: 4, WMM: 40, HMM: 6, Text: "PIN {pin_grouped}", SizePt: 10}}}
	if err := file.SaveTemplate(ctx, tpl, false); err != nil {
		t.Fatal(err)
	}
	if err := file.SetResellerTemplate(ctx, "North", "North card"); err != nil {
		t.Fatal(err)
	}

	url := pgtest.NewDatabase(t)
	start := time.Now()
	res, err := postgres.Import(ctx, url, file)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	t.Logf("moved %d cards in %v: %v", res.Rows["cards"], time.Since(start).Round(time.Millisecond), res.Rows)
	server, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	server.SetClock(func() time.Time { return t0 })

	// Every card, as it was.
	wantIDs, _ := file.IDs(ctx, data.Filter{}, data.Sort{})
	gotIDs, _ := server.IDs(ctx, data.Filter{}, data.Sort{})
	if len(wantIDs) != quantity-30 || !slices.Equal(gotIDs, wantIDs) {
		t.Fatalf("server has %d cards, file %d (ids equal: %v)", len(gotIDs), len(wantIDs), slices.Equal(gotIDs, wantIDs))
	}
	for i := 0; i < len(wantIDs); i += 5000 {
		j := min(i+5000, len(wantIDs))
		a, _ := file.CardsByID(ctx, wantIDs[i:j])
		b, _ := server.CardsByID(ctx, wantIDs[i:j])
		if !slices.Equal(a, b) {
			t.Fatalf("cards %d to %d differ", i, j)
		}
	}
	for _, f := range []data.Filter{{}, {Status: data.StatusActivated}, {Status: data.StatusBlocked}, {Reseller: "north"}} {
		a, _ := file.Summarize(ctx, f)
		b, _ := server.Summarize(ctx, f)
		if !slices.Equal(a.Totals, b.Totals) || a.Cards != b.Cards {
			t.Errorf("%s: file %+v, server %+v", f.Describe(), a, b)
		}
	}
	if n, _ := server.Count(ctx, data.Filter{Status: data.StatusActivated}); n != 190 {
		t.Errorf("%d redeemed cards on the server, want 190 (10 of the 200 are deleted)", n)
	}
	// Batches, resellers, history, print runs, the setting.
	fb, _ := file.Batches(ctx)
	sb, _ := server.Batches(ctx)
	if !slices.Equal(fb, sb) {
		t.Errorf("batches differ:\n%+v\n%+v", fb, sb)
	}
	fr, _ := file.Resellers(ctx)
	sr, _ := server.Resellers(ctx)
	if !slices.Equal(fr, sr) {
		t.Errorf("resellers differ:\n%+v\n%+v", fr, sr)
	}
	fh, _ := file.History(ctx, 1000)
	sh, _ := server.History(ctx, 1000)
	for i := range sh {
		sh[i].By = fh[min(i, len(fh)-1)].By
	}
	if !slices.Equal(fh, sh) {
		t.Errorf("history differs:\n%+v\n%+v", fh, sh)
	}
	fp, _ := file.PrintRuns(ctx, 10)
	sp, _ := server.PrintRuns(ctx, 10)
	if !slices.Equal(fp, sp) || len(sp) != 1 {
		t.Errorf("print runs differ: %+v %+v", fp, sp)
	}
	if d, _ := server.JournalDays(ctx); d != 45 {
		t.Errorf("journal days %d on the server, want 45", d)
	}
	// The voucher templates and the reseller's choice of one; a template
	// saved on the server afterwards takes a new id.
	if got, err := server.Template(ctx, "north CARD"); err != nil || !reflect.DeepEqual(got, tpl) {
		t.Errorf("template on the server: %+v, %v; want %+v", got, err, tpl)
	}
	if name, err := server.ResellerTemplate(ctx, "North"); err != nil || name != "North card" {
		t.Errorf("North's template on the server: %q, %v", name, err)
	}
	if err := server.SaveTemplate(ctx, data.Template{Name: "Second", Tile: tpl.Tile, Elements: tpl.Elements}, false); err != nil {
		t.Errorf("a new template on the server after the move: %v", err)
	}
	// The file's undo journal works on the server: the deleted cards come
	// back, the redeemed ones among them still redeemed.
	u, err := server.Undo(ctx, deleted.Op)
	if err != nil || u.Restored != 30 {
		t.Fatalf("undo the file's delete on the server: %+v, %v", u, err)
	}
	if n, _ := server.Count(ctx, data.Filter{Status: data.StatusActivated}); n != 200 {
		t.Errorf("%d redeemed after the undo, want 200", n)
	}
	if _, err := server.Undo(ctx, blocked.Op); err != nil {
		t.Errorf("undo the file's block on the server: %v", err)
	}
	// New cards and entries take new ids, past the file's.
	b, err := server.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 1, Series: "A"}, nil)
	if err != nil || b.FirstNumber != int64(quantity/2+quantity/4+1) {
		t.Fatalf("generate after the move: %+v, %v", b, err)
	}
	// A second move into a database that holds cards is refused.
	if _, err := postgres.Import(ctx, url, file); !errors.Is(err, data.ErrDuplicate) {
		t.Errorf("second import: %v, want a refusal", err)
	}
}
