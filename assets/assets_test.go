package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconIsLargePNG(t *testing.T) {
	if got := Icon.Name(); got != "icon.png" {
		t.Errorf("Icon.Name() = %q, want %q", got, "icon.png")
	}
	img, err := png.Decode(bytes.NewReader(Icon.Content()))
	if err != nil {
		t.Fatalf("decode embedded icon: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 512 || b.Dy() < 512 {
		t.Errorf("icon is %dx%d, want at least 512x512", b.Dx(), b.Dy())
	}
	if b.Dx() != b.Dy() {
		t.Errorf("icon is %dx%d, want a square", b.Dx(), b.Dy())
	}
}
