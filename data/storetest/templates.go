package storetest

import (
	"errors"
	"reflect"
	"strings"

	"topupcards/data"
)

func cardTemplate(name string) data.Template {
	return data.Template{Name: name, Tile: data.TileSize{WidthMM: 85, HeightMM: 54}, Elements: []data.Element{
		{Type: data.ElementText, XMM: 4, YMM: 4, WMM: 40, HMM: 6, Text: "PIN {pin_grouped}", SizePt: 10},
	}}
}

// testTemplates: a template is stored as its JSON and read back unchanged;
// a second of the same name (any case) is refused unless it replaces; a
// bad one is refused and writes nothing; a removal is refused while a
// reseller prints with it, and can be undone; a reseller's default is kept
// and set back to the built-in tile.
func testTemplates(e *env) {
	e.fixture()
	tpl := cardTemplate("Shop card")
	if err := e.s.SaveTemplate(e.ctx, tpl, false); err != nil {
		e.t.Fatal(err)
	}
	got, err := e.s.Template(e.ctx, "shop CARD")
	if err != nil || !reflect.DeepEqual(got, tpl) {
		e.t.Fatalf("read back %+v, %v", got, err)
	}
	if err := e.s.SaveTemplate(e.ctx, cardTemplate("SHOP card"), false); !errors.Is(err, data.ErrDuplicate) {
		e.t.Errorf("the same name again: %v, want ErrDuplicate", err)
	}
	changed := cardTemplate("Shop card")
	changed.Elements[0].SizePt = 12
	if err := e.s.SaveTemplate(e.ctx, changed, true); err != nil {
		e.t.Fatal(err)
	}
	if got, _ := e.s.Template(e.ctx, "Shop card"); got.Elements[0].SizePt != 12 {
		e.t.Fatalf("replace kept %+v", got)
	}
	bad := cardTemplate("bad")
	bad.Elements[0].Text = "{pin} {hotline}"
	before, _ := e.s.History(e.ctx, 10000)
	if err := e.s.SaveTemplate(e.ctx, bad, false); !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "{hotline} is no placeholder") {
		e.t.Fatalf("a bad template: %v", err)
	}
	if after, _ := e.s.History(e.ctx, 10000); len(after) != len(before) {
		e.t.Error("a refused template wrote history")
	}
	if err := e.s.SetResellerTemplate(e.ctx, "bob ltd", "shop card"); err != nil {
		e.t.Fatal(err)
	}
	if n, err := e.s.ResellerTemplate(e.ctx, "Bob Ltd"); n != "Shop card" || err != nil {
		e.t.Fatalf("reseller template %q, %v", n, err)
	}
	if err := e.s.RemoveTemplate(e.ctx, "Shop card"); err == nil || !strings.Contains(err.Error(), "default of Bob Ltd") {
		e.t.Fatalf("removing a template in use: %v", err)
	}
	list, err := e.s.Templates(e.ctx)
	if err != nil || len(list) != 1 || len(list[0].Resellers) != 1 || list[0].Resellers[0] != "Bob Ltd" || list[0].Elements != 1 {
		e.t.Fatalf("list %+v, %v", list, err)
	}
	// Two resellers of one template are listed by name, each whole.
	if err := e.s.SetResellerTemplate(e.ctx, "Ann's Shop", "Shop card"); err != nil {
		e.t.Fatal(err)
	}
	if list, err := e.s.Templates(e.ctx); err != nil || len(list) != 1 || !reflect.DeepEqual(list[0].Resellers, []string{"Ann's Shop", "Bob Ltd"}) {
		e.t.Fatalf("two resellers of one template: %+v, %v", list, err)
	}
	if err := e.s.RemoveTemplate(e.ctx, "Shop card"); err == nil || !strings.Contains(err.Error(), "default of Ann's Shop, Bob Ltd;") {
		e.t.Fatalf("removing a template of two resellers: %v", err)
	}
	if err := e.s.SetResellerTemplate(e.ctx, "Ann's Shop", ""); err != nil {
		e.t.Fatal(err)
	}
	if err := e.s.SetResellerTemplate(e.ctx, "Bob Ltd", "default"); err != nil {
		e.t.Fatal(err)
	}
	if n, _ := e.s.ResellerTemplate(e.ctx, "Bob Ltd"); n != "" {
		e.t.Fatalf("the default set back is %q", n)
	}
	if err := e.s.RemoveTemplate(e.ctx, "Shop card"); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.s.Template(e.ctx, "Shop card"); !errors.Is(err, data.ErrNotFound) {
		e.t.Fatalf("a removed template is still read: %v", err)
	}
	if err := e.s.RestoreTemplate(e.ctx, "Shop card"); err != nil {
		e.t.Fatal(err)
	}
	if got, _ := e.s.Template(e.ctx, "Shop card"); got.Elements[0].SizePt != 12 {
		e.t.Fatalf("restored %+v", got)
	}
	if err := e.s.SetResellerTemplate(e.ctx, "Bob Ltd", "nope"); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("an unknown template: %v, want ErrNotFound", err)
	}
	if err := e.s.RestoreTemplate(e.ctx, "Shop card"); !errors.Is(err, data.ErrNotFound) {
		e.t.Errorf("restore a template that is there: %v, want ErrNotFound", err)
	}
}
