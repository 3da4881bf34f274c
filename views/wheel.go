package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// newWheelScroll is a vertical scroll of content in which the mouse wheel
// scrolls the whole content also over an input: Fyne's entries hold a
// scroller of their own for their text, which would otherwise take the
// wheel and do nothing with it (a form in a sidebar did not move while
// the pointer was over any of its fields).
func newWheelScroll(content fyne.CanvasObject) *container.Scroll {
	s := container.NewVScroll(nil)
	wheelOverInputs(s, content)
	return s
}

// wheelOverInputs makes content the content of s, with the wheel scrolling
// s wherever the pointer is over content. Only for content that has no
// scrolling part of its own (a table, a list): s would take its wheel.
func wheelOverInputs(s *container.Scroll, content fyne.CanvasObject) {
	s.Content = container.NewStack(content, newWheelCatcher(s))
}

// wheelCatcher lies over a scroll's content and hands it every wheel
// event. It takes no taps, clicks or hovering: those reach the inputs under
// it (Fyne gives each event to the topmost object that takes its kind).
type wheelCatcher struct {
	widget.BaseWidget
	target fyne.Scrollable
}

func newWheelCatcher(target fyne.Scrollable) *wheelCatcher {
	w := &wheelCatcher{target: target}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled scrolls the target.
func (w *wheelCatcher) Scrolled(ev *fyne.ScrollEvent) { w.target.Scrolled(ev) }

// CreateRenderer draws nothing.
func (w *wheelCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}
