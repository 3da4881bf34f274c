package views

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
	"topupcards/export"
)

// TemplateStore is what the designer needs of the store.
type TemplateStore interface {
	Templates(ctx context.Context) ([]data.TemplateInfo, error)
	Template(ctx context.Context, name string) (data.Template, error)
	SaveTemplate(ctx context.Context, t data.Template, replace bool) error
	Page(ctx context.Context, f data.Filter, o data.Sort, after data.Cursor, limit int) ([]data.Card, data.Cursor, error)
}

// snapMM is the grid elements snap to while dragged.
const snapMM = 0.5

// Designer is the card designer: the tile drawn at real proportions by the
// code that writes the PDF, with the first card's data (the PIN masked);
// elements are selected by a click, moved by dragging, resized by
// dragging their lower-right corner, edited in numeric and text fields;
// print-safety problems are listed as you design; undo; save as.
type Designer struct {
	store TemplateStore
	tasks *Tasks
	win   fyne.Window

	tpl     data.Template
	back    bool
	sel     int // selected element of the side shown; -1: none
	card    data.Card
	undo    []data.Template
	gen     int // preview generation, so a late render is dropped
	filling bool

	Open       *widget.Select
	Side       *widget.RadioGroup
	Tile       *tileCanvas
	Elements   *widget.Select
	TileW      *widget.Entry
	TileH      *widget.Entry
	X, Y       *widget.Entry
	W, H       *widget.Entry
	Text       *widget.Entry
	Size       *widget.Entry
	Bold       *widget.Check
	Mono       *widget.Check
	Align      *widget.Select
	Colour     *widget.Entry
	Content    *widget.Entry
	Problems   *widget.Label
	Name       *widget.Entry
	UndoBtn    *widget.Button
	SaveBtn    *widget.Button
	RemoveBtn  *widget.Button
	addButtons []*widget.Button
	dlg        dialog.Dialog
}

// NewDesigner builds the designer over store in win, starting from the
// built-in template's elements for an 85 × 54 mm card.
func NewDesigner(store TemplateStore, tasks *Tasks, win fyne.Window) *Designer {
	d := &Designer{store: store, tasks: tasks, win: win, sel: -1}
	d.tpl = export.DefaultTemplate(85, 54)
	d.tpl.Name = "My card"
	d.card = sampleDesignCard()
	d.makeWidgets()
	d.fillFields()
	return d
}

func sampleDesignCard() data.Card {
	return data.Card{PIN: "482915736048", Serial: data.Serial{Series: "1", Number: 1}, Amount: data.Money{Minor: 800, Currency: data.DefaultCurrency},
		Reseller: "Reseller", BatchID: 1}
}

// maskedCard is c with its PIN masked but for the last four digits.
func maskedCard(c data.Card) data.Card { return export.MaskedCard(c) }

func (d *Designer) makeWidgets() {
	d.Open = widget.NewSelect([]string{data.DefaultTemplateName}, d.onOpen)
	d.Open.PlaceHolder = "Start from…"
	d.Side = widget.NewRadioGroup([]string{"Front", "Back"}, func(s string) {
		d.back = s == "Back"
		d.sel = -1
		d.fillFields()
		d.redraw()
	})
	d.Side.Horizontal = true
	d.Side.Selected = "Front"
	d.Tile = newTileCanvas(d)
	d.Elements = widget.NewSelect(nil, func(s string) {
		if d.filling {
			return
		}
		for i, o := range d.Elements.Options {
			if o == s {
				d.selectElement(i)
			}
		}
	})
	d.Elements.PlaceHolder = "Click an element"
	num := func(set func(e *data.Element, v float64)) *widget.Entry {
		e := widget.NewEntry()
		e.OnChanged = func(s string) {
			if d.filling || d.sel < 0 {
				return
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(s, ",", ".")), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				d.Problems.SetText("Type a number of millimetres or points, such as 12.5.")
				return
			}
			d.change(func(el *data.Element) { set(el, v) })
		}
		return e
	}
	d.X = num(func(e *data.Element, v float64) { e.XMM = v })
	d.Y = num(func(e *data.Element, v float64) { e.YMM = v })
	d.W = num(func(e *data.Element, v float64) { e.WMM = v })
	d.H = num(func(e *data.Element, v float64) { e.HMM = v })
	d.Size = num(func(e *data.Element, v float64) { e.SizePt = v })
	tileNum := func(set func(v float64)) *widget.Entry {
		e := widget.NewEntry()
		e.OnChanged = func(s string) {
			if d.filling {
				return
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || v < data.MinTemplateTileMM || v > data.MaxTemplateTileMM {
				d.Problems.SetText(fmt.Sprintf("Tile: type a size from %g to %g mm.", data.MinTemplateTileMM, data.MaxTemplateTileMM))
				return
			}
			d.pushUndo()
			set(v)
			d.redraw()
		}
		return e
	}
	d.TileW = tileNum(func(v float64) { d.tpl.Tile.WidthMM = v })
	d.TileH = tileNum(func(v float64) { d.tpl.Tile.HeightMM = v })
	d.makeStyleFields()
	d.Problems = widget.NewLabel("")
	d.Problems.Wrapping = fyne.TextWrapWord
	d.Name = widget.NewEntry()
	d.Name.SetText(d.tpl.Name)
	d.UndoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), d.onUndo)
	d.UndoBtn.Disable()
	d.SaveBtn = widget.NewButtonWithIcon("Save as", theme.DocumentSaveIcon(), func() { d.save(false) })
	d.SaveBtn.Importance = widget.HighImportance
	d.RemoveBtn = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), d.onRemove)
}

// makeStyleFields makes the fields of a text's content and style and of
// what a code holds.
func (d *Designer) makeStyleFields() {
	d.Text = widget.NewMultiLineEntry()
	d.Text.SetMinRowsVisible(3)
	d.Text.OnChanged = func(s string) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Text = s })
		}
	}
	d.Content = widget.NewEntry()
	d.Content.OnChanged = func(s string) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Content = s })
		}
	}
	d.Bold = widget.NewCheck("Bold", func(b bool) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Bold = b })
		}
	})
	d.Mono = widget.NewCheck("Monospaced", func(b bool) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Mono = b })
		}
	})
	d.Align = widget.NewSelect([]string{data.AlignLeft, data.AlignCenter, data.AlignRight}, func(s string) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Align = s })
		}
	})
	d.Colour = widget.NewEntry()
	d.Colour.SetPlaceHolder("#RRGGBB")
	d.Colour.OnChanged = func(s string) {
		if !d.filling && d.sel >= 0 {
			d.change(func(e *data.Element) { e.Colour = strings.TrimSpace(s) })
		}
	}
}

// Show opens the designer as a dialog sized to the window, and loads the
// stored templates and the first card.
func (d *Designer) Show() {
	add := func(label, kind string) *widget.Button {
		b := widget.NewButtonWithIcon(label, theme.ContentAddIcon(), func() { d.onAdd(kind) })
		d.addButtons = append(d.addButtons, b)
		return b
	}
	fields := widget.NewForm(
		widget.NewFormItem("Element", d.Elements),
		widget.NewFormItem("x, y (mm)", container.NewGridWithColumns(2, d.X, d.Y)),
		widget.NewFormItem("w, h (mm)", container.NewGridWithColumns(2, d.W, d.H)),
		widget.NewFormItem("Text", d.Text),
		widget.NewFormItem("Size (pt)", container.NewGridWithColumns(2, d.Size, d.Align)),
		widget.NewFormItem("", container.NewHBox(d.Bold, d.Mono)),
		widget.NewFormItem("Colour", d.Colour),
		widget.NewFormItem("Holds", d.Content),
	)
	help := widget.NewLabel("Placeholders: {pin} {pin_grouped} {serial} {amount} {currency} {expiry} {reseller} {batch}")
	help.Wrapping = fyne.TextWrapWord
	right := container.NewVScroll(container.NewVBox(fields, help,
		container.NewGridWithColumns(2, add("Text", data.ElementText), add("QR code", data.ElementQR)),
		container.NewGridWithColumns(2, add("Barcode", data.ElementBarcode), add("Logo", data.ElementLogo)),
		d.RemoveBtn))
	top := container.NewHBox(d.Open, d.Side, widget.NewLabel("Tile (mm)"), sized(d.TileW, 70), sized(d.TileH, 70))
	bottom := container.NewVBox(widget.NewSeparator(), d.Problems,
		container.NewBorder(nil, nil, container.NewHBox(d.UndoBtn), container.NewHBox(widget.NewButton("Close", func() { d.dlg.Hide() }), d.SaveBtn),
			container.NewBorder(nil, nil, widget.NewLabel("Name"), nil, d.Name)))
	split := container.NewHSplit(container.NewCenter(d.Tile), right)
	split.Offset = 0.6
	content := container.NewBorder(top, bottom, nil, nil, split)
	d.dlg = dialog.NewCustomWithoutButtons("Card designer", content, d.win)
	ws := d.win.Canvas().Size()
	d.dlg.Resize(fyne.NewSize(ws.Width-40, ws.Height-40))
	d.Tile.scale = float32(math.Max(2.5, math.Min(7, float64(ws.Width-40)*0.58/float64(d.tpl.Tile.WidthMM)-0.5)))
	// Escape closes it (what was saved stays; Save as asks for a name).
	keyed(d.dlg, d.win, func() {}).Show()
	d.redraw()
	d.tasks.Go(d.load)
}

func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

// load reads the template names and the first card.
func (d *Designer) load() {
	ctx := context.Background()
	ts, err := d.store.Templates(ctx)
	cards, _, cerr := d.store.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 1)
	fyne.Do(func() {
		if err != nil {
			d.Problems.SetText(err.Error())
		}
		names := []string{data.DefaultTemplateName}
		for _, t := range ts {
			names = append(names, t.Name)
		}
		d.Open.SetOptions(names)
		if cerr == nil && len(cards) > 0 {
			d.card = cards[0]
		}
		d.redraw()
	})
}

// onOpen starts from a stored template (or the built-in one).
func (d *Designer) onOpen(name string) {
	if name == "" {
		return
	}
	if name == data.DefaultTemplateName {
		d.setTemplate(export.DefaultTemplate(85, 54), "My card")
		return
	}
	d.tasks.Go(func() {
		t, err := d.store.Template(context.Background(), name)
		fyne.Do(func() {
			if err != nil {
				d.Problems.SetText(err.Error())
				return
			}
			d.setTemplate(t, t.Name)
		})
	})
}

func (d *Designer) setTemplate(t data.Template, name string) {
	d.pushUndo()
	d.tpl = t.Clone()
	d.tpl.Name = name
	d.Name.SetText(name)
	d.sel = -1
	d.fillFields()
	d.redraw()
}

// side is the elements of the side shown.
func (d *Designer) side() *[]data.Element {
	if d.back {
		return &d.tpl.Back
	}
	return &d.tpl.Elements
}

func (d *Designer) pushUndo() {
	d.undo = append(d.undo, d.tpl.Clone())
	if len(d.undo) > 200 {
		d.undo = d.undo[1:]
	}
	d.UndoBtn.Enable()
}

func (d *Designer) onUndo() {
	if len(d.undo) == 0 {
		return
	}
	d.tpl = d.undo[len(d.undo)-1]
	d.undo = d.undo[:len(d.undo)-1]
	if len(d.undo) == 0 {
		d.UndoBtn.Disable()
	}
	if d.sel >= len(*d.side()) {
		d.sel = -1
	}
	d.fillFields()
	d.redraw()
}

// change applies fn to the selected element, undoably.
func (d *Designer) change(fn func(e *data.Element)) {
	els := *d.side()
	if d.sel < 0 || d.sel >= len(els) {
		return
	}
	d.pushUndo()
	els = *d.side() // pushUndo cloned; the side is still d.tpl's
	fn(&els[d.sel])
	d.redraw()
}

func (d *Designer) onAdd(kind string) {
	d.pushUndo()
	e := data.Element{Type: kind, XMM: 4, YMM: 4, WMM: 30, HMM: 6}
	switch kind {
	case data.ElementText:
		e.Text, e.SizePt = "Text", 9
	case data.ElementQR:
		e.WMM, e.HMM, e.Content = 18, 18, "{pin}"
	case data.ElementBarcode:
		e.WMM, e.HMM, e.Content, e.Symbology = 40, 8, "{serial}", data.SymbologyCode128
	case data.ElementLogo:
		e.WMM, e.HMM = 12, 8
	}
	s := d.side()
	*s = append(*s, e)
	d.sel = len(*s) - 1
	d.fillFields()
	d.redraw()
}

func (d *Designer) onRemove() {
	s := d.side()
	if d.sel < 0 || d.sel >= len(*s) {
		return
	}
	d.pushUndo()
	s = d.side()
	*s = append((*s)[:d.sel:d.sel], (*s)[d.sel+1:]...)
	d.sel = -1
	d.fillFields()
	d.redraw()
}

// selectElement selects element i of the side shown (-1: none).
func (d *Designer) selectElement(i int) {
	if i == d.sel {
		return
	}
	d.sel = i
	d.fillFields()
	d.redraw()
}

// fillFields shows the selected element in the fields.
func (d *Designer) fillFields() {
	d.filling = true
	defer func() { d.filling = false }()
	els := *d.side()
	var opts []string
	for i, e := range els {
		opts = append(opts, data.ElementName(d.back, i, e))
	}
	d.Elements.SetOptions(opts)
	d.TileW.SetText(fmtMM(d.tpl.Tile.WidthMM))
	d.TileH.SetText(fmtMM(d.tpl.Tile.HeightMM))
	fields := []fyne.Disableable{d.X, d.Y, d.W, d.H, d.Text, d.Size, d.Bold, d.Mono, d.Align, d.Colour, d.Content, d.RemoveBtn}
	if d.sel < 0 || d.sel >= len(els) {
		d.Elements.ClearSelected()
		for _, w := range []*widget.Entry{d.X, d.Y, d.W, d.H, d.Text, d.Size, d.Colour, d.Content} {
			w.SetText("")
		}
		for _, f := range fields {
			f.Disable()
		}
		return
	}
	e := els[d.sel]
	d.Elements.SetSelected(opts[d.sel])
	for _, f := range fields {
		f.Enable()
	}
	d.X.SetText(fmtMM(e.XMM))
	d.Y.SetText(fmtMM(e.YMM))
	d.W.SetText(fmtMM(e.WMM))
	d.H.SetText(fmtMM(e.HMM))
	d.Text.SetText(e.Text)
	d.Size.SetText("")
	if e.Type == data.ElementText {
		d.Size.SetText(fmtMM(e.SizePt))
	}
	d.Bold.SetChecked(e.Bold)
	d.Mono.SetChecked(e.Mono)
	d.Align.SetSelected(e.Align)
	d.Colour.SetText(e.Colour)
	d.Content.SetText(e.Content)
	isText := e.Type == data.ElementText
	for _, f := range []fyne.Disableable{d.Text, d.Size, d.Bold, d.Mono, d.Align, d.Colour} {
		if !isText {
			f.Disable()
		}
	}
	if e.Type != data.ElementQR && e.Type != data.ElementBarcode {
		d.Content.Disable()
	}
}

func fmtMM(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

// redraw draws the tile in the background (the same drawing code as the
// PDF) and lists the print-safety problems.
func (d *Designer) redraw() {
	d.gen++
	gen, t, back, sel := d.gen, d.tpl.Clone(), d.back, d.sel
	card := d.card
	d.Tile.setSize(t.Tile.WidthMM, t.Tile.HeightMM)
	px := int(float64(d.Tile.scale)*t.Tile.WidthMM*2 + 0.5) // twice the size shown: crisp on HiDPI
	d.tasks.Go(func() {
		img, err := export.PreviewTile(&t, maskedCard(card), nil, back, max(px, 100))
		var msgs []string
		if verr := t.Validate(); verr != nil {
			msgs = append(msgs, verr.Error())
		}
		for _, p := range export.CheckTemplate(t, card, export.DefaultDPI, true) {
			msgs = append(msgs, p.Msg)
		}
		if err != nil {
			msgs = append(msgs, err.Error())
		}
		if img != nil && sel >= 0 {
			els := t.Elements
			if back {
				els = t.Back
			}
			if sel < len(els) {
				img = outline(img, els[sel], float64(img.Bounds().Dx())/t.Tile.WidthMM)
			}
		}
		fyne.Do(func() {
			if gen != d.gen {
				return
			}
			if img != nil {
				d.Tile.setImage(img)
			}
			if len(msgs) == 0 {
				d.Problems.SetText("Safe to print: every element is inside the 2 mm margin, codes are large enough and have their quiet zones, the PIN is at least 8 pt.")
			} else {
				d.Problems.SetText(strings.Join(msgs, "\n"))
			}
		})
	})
}

// outline draws the selected element's box and its resize handle.
func outline(src image.Image, e data.Element, k float64) image.Image {
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, image.Point{}, draw.Src)
	blue := color.RGBA{0x19, 0x76, 0xD2, 0xff}
	x0, y0 := int(e.XMM*k), int(e.YMM*k)
	x1, y1 := int((e.XMM+e.WMM)*k), int((e.YMM+e.HMM)*k)
	for t := 0; t < 3; t++ {
		for x := x0; x <= x1; x++ {
			img.Set(x, y0+t, blue)
			img.Set(x, y1-t, blue)
		}
		for y := y0; y <= y1; y++ {
			img.Set(x0+t, y, blue)
			img.Set(x1-t, y, blue)
		}
	}
	h := int(2 * k)
	draw.Draw(img, image.Rect(x1-h, y1-h, x1+1, y1+1), image.NewUniform(blue), image.Point{}, draw.Src)
	return img
}

// save stores the template under the name typed; an existing name is
// replaced only after asking.
func (d *Designer) save(replace bool) {
	t := d.tpl.Clone()
	t.Name = strings.TrimSpace(d.Name.Text)
	if err := t.Validate(); err != nil {
		d.Problems.SetText(err.Error())
		return
	}
	d.SaveBtn.Disable()
	d.tasks.Go(func() {
		err := d.store.SaveTemplate(context.Background(), t, replace)
		fyne.Do(func() {
			d.SaveBtn.Enable()
			switch {
			case errors.Is(err, data.ErrDuplicate):
				dialog.ShowConfirm("Replace template?", fmt.Sprintf("A template named %q exists already. Replace it with this design?", t.Name),
					func(ok bool) {
						if ok {
							d.save(true)
						}
					}, d.win)
			case err != nil:
				d.Problems.SetText(err.Error())
			default:
				d.tpl.Name = t.Name
				d.Problems.SetText(fmt.Sprintf("Saved template %q. Export or print with it, or make it a reseller's default (topupcards templates set).", t.Name))
				d.tasks.Go(d.load)
			}
		})
	})
}

// elementAt is the topmost element of the side shown at (x, y) mm; -1:
// none.
func (d *Designer) elementAt(x, y float64) int {
	els := *d.side()
	for i := len(els) - 1; i >= 0; i-- {
		e := els[i]
		if x >= e.XMM && x <= e.XMM+e.WMM && y >= e.YMM && y <= e.YMM+e.HMM {
			return i
		}
	}
	return -1
}

func snap(v float64) float64 { return math.Round(v/snapMM) * snapMM }

// tileCanvas shows the drawn tile and turns clicks and drags into
// selection, moves and resizes.
type tileCanvas struct {
	widget.BaseWidget
	d     *Designer
	img   *canvas.Image
	scale float32 // pixels a millimetre
	wmm   float64
	hmm   float64
	drag  *dragState
}

type dragState struct {
	resize bool
	start  data.Element
	dx, dy float64 // mm moved so far
}

func newTileCanvas(d *Designer) *tileCanvas {
	t := &tileCanvas{d: d, scale: 5, wmm: 85, hmm: 54}
	t.img = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 1, 1)))
	t.img.FillMode = canvas.ImageFillStretch
	t.img.ScaleMode = canvas.ImageScaleSmooth
	t.ExtendBaseWidget(t)
	return t
}

func (t *tileCanvas) setSize(w, h float64) {
	t.wmm, t.hmm = w, h
	t.Refresh()
}

func (t *tileCanvas) setImage(img image.Image) {
	t.img.Image = img
	t.img.Refresh()
}

// MinSize is the tile at the designer's scale: real proportions.
func (t *tileCanvas) MinSize() fyne.Size {
	return fyne.NewSize(float32(t.wmm)*t.scale, float32(t.hmm)*t.scale)
}

func (t *tileCanvas) CreateRenderer() fyne.WidgetRenderer {
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = color.Gray{Y: 0x99}
	border.StrokeWidth = 1
	return &tileRenderer{t: t, border: border}
}

type tileRenderer struct {
	t      *tileCanvas
	border *canvas.Rectangle
}

func (r *tileRenderer) Layout(s fyne.Size) {
	r.t.img.Resize(s)
	r.border.Resize(s)
}
func (r *tileRenderer) MinSize() fyne.Size { return r.t.MinSize() }
func (r *tileRenderer) Refresh()           { r.t.img.Refresh(); r.border.Refresh() }
func (r *tileRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.t.img, r.border}
}
func (r *tileRenderer) Destroy() {}

// mm turns a position on the canvas into millimetres on the tile.
func (t *tileCanvas) mm(p fyne.Position) (float64, float64) {
	s := t.Size()
	if s.Width <= 0 || s.Height <= 0 {
		return 0, 0
	}
	return float64(p.X/s.Width) * t.wmm, float64(p.Y/s.Height) * t.hmm
}

// Tapped selects the element under the pointer.
func (t *tileCanvas) Tapped(ev *fyne.PointEvent) {
	x, y := t.mm(ev.Position)
	t.d.selectElement(t.d.elementAt(x, y))
}

// Dragged moves the element under the pointer, or resizes the selected
// one when the drag starts on its lower-right corner; positions snap to
// half millimetres.
func (t *tileCanvas) Dragged(ev *fyne.DragEvent) {
	d := t.d
	if t.drag == nil {
		start := ev.Position.Subtract(ev.Dragged)
		x, y := t.mm(start)
		els := *d.side()
		resize := false
		if d.sel >= 0 && d.sel < len(els) {
			e := els[d.sel]
			resize = math.Abs(x-(e.XMM+e.WMM)) <= 2 && math.Abs(y-(e.YMM+e.HMM)) <= 2
		}
		if !resize {
			i := d.elementAt(x, y)
			if i < 0 {
				return
			}
			d.sel = i
			d.fillFields()
		}
		d.pushUndo()
		t.drag = &dragState{resize: resize, start: (*d.side())[d.sel]}
	}
	s := t.Size()
	t.drag.dx += float64(ev.Dragged.DX/s.Width) * t.wmm
	t.drag.dy += float64(ev.Dragged.DY/s.Height) * t.hmm
	els := *d.side()
	if d.sel < 0 || d.sel >= len(els) {
		return
	}
	e, st := &els[d.sel], t.drag.start
	if t.drag.resize {
		e.WMM = math.Max(1, snap(st.WMM+t.drag.dx))
		e.HMM = math.Max(1, snap(st.HMM+t.drag.dy))
		if e.Type == data.ElementQR {
			e.HMM = e.WMM
		}
	} else {
		e.XMM, e.YMM = snap(st.XMM+t.drag.dx), snap(st.YMM+t.drag.dy)
	}
	d.fillFields()
	d.redraw()
}

// DragEnd ends a move or resize.
func (t *tileCanvas) DragEnd() { t.drag = nil }
