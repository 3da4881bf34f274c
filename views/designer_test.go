package views

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"topupcards/data"
)

// TestDesigner drives the designer's widgets: a click on the tile selects
// the element under it, a drag moves it in half-millimetre steps, a drag
// on its corner resizes it, the numeric fields set exact millimetres, the
// print-safety problems follow each change (naming the element and what
// to change), add, remove and undo work, and Save as stores the template.
func TestDesigner(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	d := NewDesigner(s, h.tasks, h.win)
	d.Show()
	h.tasks.Wait()
	if d.card.PIN == "" || d.card.Serial.Series == "" {
		t.Fatal("the designer did not load the first card")
	}
	if !strings.HasPrefix(d.Problems.Text, "Safe to print") {
		t.Fatalf("the built-in elements: %q", d.Problems.Text)
	}
	if d.Tile.img.Image == nil || d.Tile.img.Image.Bounds().Dx() < 100 {
		t.Fatal("no tile drawn")
	}
	size := d.Tile.Size()
	if r := float64(size.Width / size.Height); r < 85.0/54*0.98 || r > 85.0/54*1.02 {
		t.Errorf("the tile is %v, not at 85 × 54 proportions", size)
	}
	at := func(xmm, ymm float64) fyne.Position {
		return fyne.NewPos(float32(xmm/85)*size.Width, float32(ymm/54)*size.Height)
	}
	// Click the QR code (element 7, right of the text).
	qr := d.tpl.Elements[6]
	test.TapAt(d.Tile, at(qr.XMM+qr.WMM/2, qr.YMM+qr.HMM/2))
	if d.sel != 6 || d.X.Text != fmtMM(qr.XMM) {
		t.Fatalf("tap selected %d, x field %q", d.sel, d.X.Text)
	}
	// Drag it 3.2 mm left: it snaps to 3.0.
	start := at(qr.XMM+qr.WMM/2, qr.YMM+qr.HMM/2)
	d.Tile.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.Add(fyne.NewDelta(-float32(3.2/85)*size.Width, 0))},
		Dragged: fyne.NewDelta(-float32(3.2/85)*size.Width, 0)})
	d.Tile.DragEnd()
	h.tasks.Wait()
	if got := d.tpl.Elements[6].XMM; got != snap(qr.XMM-3) {
		t.Errorf("dragged to x %.2f, want %.2f", got, snap(qr.XMM-3))
	}
	// The QR code now sits in the PIN's quiet zone: the designer says so.
	if !strings.Contains(d.Problems.Text, "overlaps the quiet zone of front element 7") {
		t.Errorf("problems after the move: %q", d.Problems.Text)
	}
	// Undo puts it back.
	test.Tap(d.UndoBtn)
	h.tasks.Wait()
	if d.tpl.Elements[6].XMM != qr.XMM || !strings.HasPrefix(d.Problems.Text, "Safe to print") {
		t.Errorf("undo: x %.2f, problems %q", d.tpl.Elements[6].XMM, d.Problems.Text)
	}
	// Resize from the lower-right corner: 2 mm smaller.
	corner := at(qr.XMM+qr.WMM, qr.YMM+qr.HMM)
	d.Tile.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: corner.Add(fyne.NewDelta(-float32(2.0/85)*size.Width, 0))},
		Dragged: fyne.NewDelta(-float32(2.0/85)*size.Width, 0)})
	d.Tile.DragEnd()
	h.tasks.Wait()
	if got := d.tpl.Elements[6]; got.WMM != snap(qr.WMM-2) || got.HMM != got.WMM || got.XMM != qr.XMM {
		t.Errorf("resized to %+v", got)
	}
	// Exact millimetres: a QR code of 12 mm is refused as too small.
	d.W.SetText("12")
	h.tasks.Wait()
	if !strings.Contains(d.Problems.Text, `front element 7 (qr "{pin}"): is 12.0 mm square; a QR code needs at least 15 mm`) {
		t.Errorf("problems with a 12 mm QR: %q", d.Problems.Text)
	}
	d.W.SetText("20")
	d.H.SetText("20")
	// Add a barcode of the serial on the back, then remove it again.
	d.Side.SetSelected("Back")
	test.Tap(buttonLabelled(t, d, "Barcode"))
	if len(d.tpl.Back) != 1 || d.tpl.Back[0].Content != "{serial}" || d.sel != 0 {
		t.Fatalf("add barcode: %+v, sel %d", d.tpl.Back, d.sel)
	}
	d.Y.SetText("30")
	test.Tap(d.RemoveBtn)
	if len(d.tpl.Back) != 0 {
		t.Fatalf("remove left %+v", d.tpl.Back)
	}
	test.Tap(d.UndoBtn)
	if len(d.tpl.Back) != 1 || d.tpl.Back[0].YMM != 30 {
		t.Fatalf("undo of the removal: %+v", d.tpl.Back)
	}
	// Save as.
	d.Name.SetText("Shop card")
	test.Tap(d.SaveBtn)
	h.tasks.Wait()
	got, err := s.Template(context.Background(), "Shop card")
	if err != nil {
		t.Fatalf("save as: %v (%q)", err, d.Problems.Text)
	}
	if len(got.Back) != 1 || got.Elements[6].WMM != 20 {
		t.Errorf("saved %+v", got)
	}
	d.Name.SetText("default")
	test.Tap(d.SaveBtn)
	if !strings.Contains(d.Problems.Text, "built-in template; choose another name") {
		t.Errorf("save as default: %q", d.Problems.Text)
	}
	if n, _ := s.Templates(context.Background()); len(n) != 1 {
		t.Errorf("templates: %+v", n)
	}
}

// buttonLabelled finds one of the designer's Add buttons.
func buttonLabelled(t *testing.T, d *Designer, label string) fyne.Tappable {
	t.Helper()
	for _, b := range d.addButtons {
		if b.Text == label {
			return b
		}
	}
	t.Fatalf("no button %q", label)
	return nil
}

// TestPrintThisBatchNow: after Generate the dialog offers "Print this
// batch now", which hands the new batch to the print hook.
func TestPrintThisBatchNow(t *testing.T) {
	s := fixture(t)
	h := newHarness(t, s)
	var asked int64
	h.view.PrintBatch = func(batch int64) { asked = batch }
	b := mustGen(t, s, data.GenerateParams{Amount: 500, Quantity: 3, Series: "PB"})
	h.view.onGenerated(b)
	h.tasks.Wait()
	if h.view.generated == nil {
		t.Fatal("no dialog after Generate")
	}
	h.view.generated.Confirm()
	if asked != b.ID {
		t.Fatalf("print hook got batch %d, want %d", asked, b.ID)
	}
}
