package views

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/layout"
)

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

func newFormLayout() fyne.Layout { return layout.NewFormLayout() }

// layoutGap is empty space of width w.
func layoutGap(w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return r
}
