package export

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"

	"github.com/skip2/go-qrcode"
)

// QRModulePixels is how many pixels one QR module gets: every module the
// same whole number of pixels keeps the printed code crisp.
const QRModulePixels = 8

// QRModules returns content's QR code (medium error correction, with the
// quiet zone the standard asks for) as rows of modules, true for dark.
func QRModules(content string) ([][]bool, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("QR code of %q: %w", content, err)
	}
	return q.Bitmap(), nil
}

// zlibPool reuses compressors: making one costs more than a QR code.
var zlibPool sync.Pool

// QRPNG encodes content as a QR code PNG, QRModulePixels a module: a 1-bit
// grayscale image written directly (the standard library's encoder reads a
// paletted image pixel by pixel through an interface, which is most of
// its cost here).
func QRPNG(content string) ([]byte, error) {
	bm, err := QRModules(content)
	if err != nil {
		return nil, err
	}
	return modulesPNG(bm, QRModulePixels), nil
}

func modulesPNG(bm [][]bool, px int) []byte {
	side := len(bm) * px
	stride := (side + 7) / 8
	// The raw image: each pixel row is a filter byte (0: none) and the row's
	// bits, 1 for white. A module row repeats px times.
	raw := make([]byte, 0, (stride+1)*side)
	row := make([]byte, stride)
	for _, mods := range bm {
		for i := range row {
			row[i] = 0xff
		}
		for x, dark := range mods {
			if dark {
				for p := x * px; p < (x+1)*px; p++ {
					row[p/8] &^= 0x80 >> (p % 8)
				}
			}
		}
		if pad := side % 8; pad != 0 { // unused trailing bits: keep them white
			row[stride-1] |= 0xff >> pad
		}
		for range px {
			raw = append(raw, 0)
			raw = append(raw, row...)
		}
	}
	var idat bytes.Buffer
	zw, _ := zlibPool.Get().(*zlib.Writer)
	if zw == nil {
		zw, _ = zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	} else {
		zw.Reset(&idat)
	}
	zw.Write(raw)
	zw.Close()
	zlibPool.Put(zw)

	out := bytes.NewBuffer(make([]byte, 0, idat.Len()+64))
	out.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(side))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(side))
	ihdr[8] = 1 // bit depth; colour type 0 (grey), compression, filter, interlace 0
	chunk(out, "IHDR", ihdr[:])
	chunk(out, "IDAT", idat.Bytes())
	chunk(out, "IEND", nil)
	return out.Bytes()
}

func chunk(w *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	w.WriteString(kind)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}
