package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/postgres/pgtest"
)

// A cashier's login can search (PINs of unredeemed cards masked) and
// redeem; the server refuses it the whole PINs, edits, deletes, generation,
// print runs and export records, whatever the program asks. A manager can
// do everything. Every history entry names its database user.
func TestRoles(t *testing.T) {
	ctx := context.Background()
	admin := pgtest.NewDatabase(t)
	for range 2 { // setup may run again
		if err := postgres.Setup(ctx, admin); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	_, managerURL, err := postgres.AddUser(ctx, admin, "max", data.RoleManager)
	if err != nil {
		t.Fatal(err)
	}
	_, cashierURL, err := postgres.AddUser(ctx, admin, "ana", data.RoleCashier)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := postgres.AddUser(ctx, admin, "Robert'); DROP", data.RoleCashier); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("a user name with SQL in it: %v, want ErrInvalid", err)
	}
	m, err := postgres.Open(ctx, managerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, err := postgres.Open(ctx, cashierURL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if m.Role() != data.RoleManager || c.Role() != data.RoleCashier {
		t.Fatalf("roles %q and %q, want manager and cashier", m.Role(), c.Role())
	}
	if _, err := m.AddReseller(ctx, "Shop"); err != nil {
		t.Fatal(err)
	}
	b, err := m.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 6, Series: "K", Reseller: "Shop"}, nil)
	if err != nil {
		t.Fatalf("manager generates: %v", err)
	}
	ids, _ := m.IDs(ctx, data.Filter{}, data.Sort{})
	whole, _ := m.CardsByID(ctx, ids)

	// The cashier sees every card, PINs masked to their last four digits.
	seen, err := c.CardsByID(ctx, ids)
	if err != nil || len(seen) != 6 {
		t.Fatalf("cashier reads %d cards, %v", len(seen), err)
	}
	for i, card := range seen {
		if card.PIN != strings.Repeat("*", 8)+whole[i].PIN[8:] {
			t.Errorf("the cashier sees PIN %q of an unredeemed card, want it masked to its last four digits", card.PIN)
		}
	}
	if n, err := c.Count(ctx, data.Filter{Reseller: "shop", Status: data.StatusNew}); err != nil || n != 6 {
		t.Errorf("cashier counts %d, %v", n, err)
	}
	// The table's first page and footer of that search (the kept counts,
	// the batch walked in serial order), PINs masked there too.
	page, _, err := c.Page(ctx, data.Filter{Reseller: "shop", Status: data.StatusNew}, data.Sort{}, data.Cursor{}, 100)
	if err != nil || len(page) != 6 || page[0].PIN == whole[0].PIN {
		t.Errorf("cashier's first page: %d cards, %v (first PIN masked: %v)", len(page), err, len(page) > 0 && page[0].PIN != whole[0].PIN)
	}
	if sum, err := c.Summarize(ctx, data.Filter{Reseller: "shop"}); err != nil || sum.Cards != 6 {
		t.Errorf("cashier's footer: %+v, %v", sum, err)
	}

	// The cashier redeems, with the whole PIN the customer hands over.
	got, err := c.Redeem(ctx, whole[0].PIN, "Walk-in")
	if err != nil || got.PIN != whole[0].PIN || got.ActivatedBy != "Walk-in" {
		t.Fatalf("cashier redeems: %+v, %v", got, err)
	}
	if _, err := c.Redeem(ctx, whole[0].PIN, "Again"); !errors.Is(err, data.ErrAlreadyRedeemed) {
		t.Errorf("cashier redeems twice: %v, want ErrAlreadyRedeemed", err)
	}

	// What the cashier may not do, the server refuses.
	refused := map[string]error{}
	_, refused["mass edit"] = c.MassEdit(ctx, data.Filter{Batch: b.ID}, data.Edit{Block: data.BlockSet})
	_, refused["delete"] = c.Delete(ctx, data.Filter{Batch: b.ID})
	_, refused["generate"] = c.Generate(ctx, data.GenerateParams{Amount: 100, Quantity: 1, Series: "K"}, nil)
	_, refused["print run"] = c.RecordPrintRun(ctx, data.Filter{Batch: b.ID}, data.PrintRun{Format: data.PrintPDF, Path: "/tmp/x.pdf"})
	refused["export record"] = c.LogExport(ctx, data.Filter{}, 6, "/tmp/x.csv")
	refused["add reseller"] = func() error { _, err := c.AddReseller(ctx, "Mine"); return err }()
	for what, err := range refused {
		if !errors.Is(err, data.ErrNotPermitted) {
			t.Errorf("cashier %s: %v, want ErrNotPermitted", what, err)
		}
	}
	raw, err := sql.Open("pgx", cashierURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		"SELECT pin FROM public.cards WHERE activated_at IS NULL",
		"SELECT pin FROM public.redemptions",
		"SELECT pin FROM public.undo_cards",
		"UPDATE public.cards SET blocked = 1",
		"DELETE FROM public.cards",
		"INSERT INTO public.history (at, action, detail) VALUES (0, 'export', 'x')",
		"SELECT topupcards_log_redeem(0, 'export', 'exported all', '', 6)",
	} {
		if _, err := raw.Exec(q); err == nil || !strings.Contains(err.Error(), "denied") && !strings.Contains(err.Error(), "redemptions only") {
			t.Errorf("cashier %q: %v, want the server to refuse", q, err)
		}
	}
	var masked string
	if err := raw.QueryRow("SELECT pin FROM cards WHERE id = $1", whole[1].ID).Scan(&masked); err != nil || strings.Contains(masked, whole[1].PIN[:8]) {
		t.Errorf("cashier SELECT pin through the search path: %q, %v; want it masked", masked, err)
	}
	if n, _ := m.Count(ctx, data.Filter{Status: data.StatusBlocked}); n != 0 {
		t.Errorf("a refused edit changed %d cards", n)
	}

	// The manager does what the cashier may not.
	if _, err := m.MassEdit(ctx, data.Filter{Batch: b.ID, Status: data.StatusNew}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Errorf("manager mass edit: %v", err)
	}
	if err := m.LogExport(ctx, data.Filter{}, 6, "/tmp/x.csv"); err != nil {
		t.Errorf("manager export record: %v", err)
	}
	hs, err := m.History(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]string{}
	for _, h := range hs {
		by[h.Action] = h.By
	}
	if by["redeem"] != "ana" || by["redeem refused"] != "ana" || by["edit"] != "max" || by["export"] != "max" || by["generate"] != "max" {
		t.Errorf("history users %v; want redemptions by ana, the rest by max", by)
	}
}
