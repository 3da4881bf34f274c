package data_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"topupcards/data"
)

func cardTemplate(name string) data.Template {
	return data.Template{Name: name, Tile: data.TileSize{WidthMM: 85, HeightMM: 54}, Elements: []data.Element{
		{Type: data.ElementText, XMM: 4, YMM: 4, WMM: 40, HMM: 6, Text: "PIN {pin_grouped}", SizePt: 10},
	}}
}

// TestTemplatesStore: a template is stored as its JSON and read back
// unchanged; a second of the same name (any case) is refused unless it
// replaces; a removal is refused while a reseller prints with it and can
// be undone; a reseller's default is kept and cleared.
func TestTemplatesStore(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	mustAddReseller(t, s, "Shop A")
	tpl := cardTemplate("Shop card")
	if err := s.SaveTemplate(ctx, tpl, false); err != nil {
		t.Fatal(err)
	}
	got, err := s.Template(ctx, "shop CARD")
	if err != nil || !reflect.DeepEqual(got, tpl) {
		t.Fatalf("read back %+v, %v", got, err)
	}
	wantErr(t, s.SaveTemplate(ctx, cardTemplate("SHOP card"), false), data.ErrDuplicate, "same name")
	changed := cardTemplate("Shop card")
	changed.Elements[0].SizePt = 12
	if err := s.SaveTemplate(ctx, changed, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Template(ctx, "Shop card"); got.Elements[0].SizePt != 12 {
		t.Fatalf("replace kept %+v", got)
	}
	bad := cardTemplate("bad")
	bad.Elements[0].Text = "{pin} {hotline}"
	before := historyLen(t, s)
	if err := s.SaveTemplate(ctx, bad, false); err == nil || !strings.Contains(err.Error(), "{hotline} is no placeholder") {
		t.Fatalf("a bad template: %v", err)
	}
	if historyLen(t, s) != before {
		t.Error("a refused template wrote history")
	}
	if err := s.SetResellerTemplate(ctx, "shop a", "shop card"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ResellerTemplate(ctx, "Shop A"); n != "Shop card" || err != nil {
		t.Fatalf("reseller template %q, %v", n, err)
	}
	err = s.RemoveTemplate(ctx, "Shop card")
	if err == nil || !strings.Contains(err.Error(), "default of Shop A") {
		t.Fatalf("removing a template in use: %v", err)
	}
	list, err := s.Templates(ctx)
	if err != nil || len(list) != 1 || list[0].Resellers[0] != "Shop A" || list[0].Elements != 1 {
		t.Fatalf("list %+v, %v", list, err)
	}
	if err := s.SetResellerTemplate(ctx, "Shop A", "default"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.ResellerTemplate(ctx, "Shop A"); n != "" {
		t.Fatalf("cleared default is %q", n)
	}
	if err := s.RemoveTemplate(ctx, "Shop card"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Template(ctx, "Shop card"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("removed template still read: %v", err)
	}
	if err := s.RestoreTemplate(ctx, "Shop card"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Template(ctx, "Shop card"); got.Elements[0].SizePt != 12 {
		t.Fatalf("restored %+v", got)
	}
	wantErr(t, s.SetResellerTemplate(ctx, "Shop A", "nope"), data.ErrNotFound, "unknown template")
	wantErr(t, s.RestoreTemplate(ctx, "Shop card"), data.ErrNotFound, "restore a template that is there")
}
