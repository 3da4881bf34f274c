package export

import (
	"bytes"
	"fmt"
	"image/png"

	"github.com/skip2/go-qrcode"
)

// QRModulePixels is how many pixels one QR module gets: every module the
// same whole number of pixels keeps the printed code crisp.
const QRModulePixels = 8

var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed}

// QRPNG encodes content as a QR code PNG (medium error correction, with the
// quiet zone the standard asks for).
func QRPNG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code of %q: %w", content, err)
	}
	var buf bytes.Buffer
	buf.Grow(1024)
	if err := pngEncoder.Encode(&buf, q.Image(-QRModulePixels)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
