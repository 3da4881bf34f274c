package export

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	"io"
	"slices"
	"strconv"
)

// pdfDoc is a streaming PDF writer: every page is written (its content
// stream already compressed) as soon as it is done, and only the byte
// offsets of the objects stay in memory, so a document of any number of
// pages takes the same memory. Fonts and the shared resources are written
// after the last page; the cross-reference table follows them.
//
// Object numbers 1, 2 and 3 are the catalog, the page tree and the
// resource dictionary every page shares; the fonts reserve theirs next.
type pdfDoc struct {
	out      *bufio.Writer
	n        int64   // bytes written
	offsets  []int64 // by object number; 0 is unused
	pages    []int32 // page object numbers
	fontBase [numFonts]int
	image    int // the logo's image object, 0: none
	wPt, hPt float64
	err      error
}

func newPDFDoc(w io.Writer, widthMM, heightMM float64) *pdfDoc {
	d := &pdfDoc{out: bufio.NewWriterSize(w, 256<<10), wPt: mmToPt(widthMM), hPt: mmToPt(heightMM)}
	d.offsets = make([]int64, 4)
	for i := range d.fontBase {
		d.fontBase[i] = d.reserve()
		for range 4 {
			d.reserve()
		}
	}
	d.writeString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	return d
}

func (d *pdfDoc) Write(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.out.Write(p)
	d.n += int64(n)
	d.err = err
	return n, err
}

func (d *pdfDoc) writeString(s string) { io.WriteString(d, s) }

func (d *pdfDoc) reserve() int {
	d.offsets = append(d.offsets, 0)
	return len(d.offsets) - 1
}

func (d *pdfDoc) begin(obj int) {
	d.offsets[obj] = d.n
	d.writeString(strconv.Itoa(obj) + " 0 obj\n")
}

// stream writes object obj as a stream of body (already compressed with
// zlib when zipped) with the extra dictionary entries dict.
func (d *pdfDoc) stream(obj int, dict string, body []byte, zipped bool) {
	if zipped {
		dict += "/Filter/FlateDecode"
	}
	d.begin(obj)
	fmt.Fprintf(d, "<<%s/Length %d>>\nstream\n", dict, len(body))
	d.Write(body)
	d.writeString("\nendstream\nendobj\n")
}

// addPage writes one page whose content stream is the zlib-compressed
// zipped.
func (d *pdfDoc) addPage(zipped []byte) {
	c := d.reserve()
	d.stream(c, "", zipped, true)
	p := d.reserve()
	d.begin(p)
	fmt.Fprintf(d, "<</Type/Page/Parent 2 0 R/MediaBox[0 0 %s %s]/Resources 3 0 R/Contents %d 0 R>>\nendobj\n",
		ptNum(d.wPt), ptNum(d.hPt), c)
	d.pages = append(d.pages, int32(p))
}

// addImage writes img (the logo) as an RGB image with, when it is not
// opaque, a soft mask; every page draws it as /Im1.
func (d *pdfDoc) addImage(img image.Image) {
	b := img.Bounds()
	rgb := make([]byte, 0, 3*b.Dx()*b.Dy())
	alpha := make([]byte, 0, b.Dx()*b.Dy())
	opaque := true
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			rgb = append(rgb, c.R, c.G, c.B)
			alpha = append(alpha, c.A)
			opaque = opaque && c.A == 0xff
		}
	}
	dims := fmt.Sprintf("/Type/XObject/Subtype/Image/Width %d/Height %d/BitsPerComponent 8", b.Dx(), b.Dy())
	d.image = d.reserve()
	smask := ""
	if !opaque {
		m := d.reserve()
		d.stream(m, dims+"/ColorSpace/DeviceGray", deflate(alpha), true)
		smask = fmt.Sprintf("/SMask %d 0 R", m)
	}
	d.stream(d.image, dims+"/ColorSpace/DeviceRGB"+smask, deflate(rgb), true)
}

// close writes the fonts (with the widths and character map of the glyphs
// use recorded), the shared resources, the page tree, the catalog and the
// cross-reference table, and flushes.
func (d *pdfDoc) close(fs [numFonts]*fontFile, use *glyphUse) error {
	for id, f := range fs {
		d.writeFont(d.fontBase[id], f, use.used[id])
	}
	d.begin(3)
	d.writeString("<</ProcSet[/PDF/Text/ImageC]/Font<<")
	for id := range fs {
		fmt.Fprintf(d, "/F%d %d 0 R", id+1, d.fontBase[id])
	}
	d.writeString(">>")
	if d.image != 0 {
		fmt.Fprintf(d, "/XObject<</Im1 %d 0 R>>", d.image)
	}
	d.writeString(">>\nendobj\n")
	d.begin(2)
	d.writeString("<</Type/Pages/Kids[")
	var num []byte
	for _, p := range d.pages {
		num = strconv.AppendInt(num[:0], int64(p), 10)
		d.Write(num)
		d.writeString(" 0 R ")
	}
	fmt.Fprintf(d, "]/Count %d>>\nendobj\n", len(d.pages))
	d.begin(1)
	d.writeString("<</Type/Catalog/Pages 2 0 R>>\nendobj\n")
	xref := d.n
	fmt.Fprintf(d, "xref\n0 %d\n0000000000 65535 f \n", len(d.offsets))
	for _, o := range d.offsets[1:] {
		fmt.Fprintf(d, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(d, "trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n", len(d.offsets), xref)
	if d.err != nil {
		return d.err
	}
	return d.out.Flush()
}

// writeFont writes f as a Type0 font with Identity-H encoding (the content
// streams show two-byte glyph ids) over a CIDFontType2 descendant, the
// whole font file embedded, and a ToUnicode map so that text can be
// searched and copied.
func (d *pdfDoc) writeFont(n int, f *fontFile, used map[uint16]glyphChar) {
	d.begin(n)
	fmt.Fprintf(d, "<</Type/Font/Subtype/Type0/BaseFont/%s/Encoding/Identity-H/DescendantFonts[%d 0 R]/ToUnicode %d 0 R>>\nendobj\n",
		f.name, n+1, n+4)
	gids := make([]uint16, 0, len(used))
	for g := range used {
		gids = append(gids, g)
	}
	slices.Sort(gids)
	var w bytes.Buffer
	for _, g := range gids {
		fmt.Fprintf(&w, "%d[%.0f]", g, used[g].adv)
	}
	d.begin(n + 1)
	fmt.Fprintf(d, "<</Type/Font/Subtype/CIDFontType2/BaseFont/%s/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>"+
		"/FontDescriptor %d 0 R/CIDToGIDMap/Identity/DW 1000/W[%s]>>\nendobj\n", f.name, n+2, w.Bytes())
	flags := 32 // nonsymbolic
	if f.fixed {
		flags |= 1
	}
	d.begin(n + 2)
	fmt.Fprintf(d, "<</Type/FontDescriptor/FontName/%s/Flags %d/FontBBox[%.0f %.0f %.0f %.0f]/ItalicAngle 0/Ascent %.0f/Descent %.0f/CapHeight %.0f/StemV 80/FontFile2 %d 0 R>>\nendobj\n",
		f.name, flags, f.bbox[0], f.bbox[1], f.bbox[2], f.bbox[3], f.ascent, f.descent, f.capHeight, n+3)
	d.stream(n+3, "/Length1 "+strconv.Itoa(len(f.ttf)), f.compressed(), true)

	var cm bytes.Buffer
	cm.WriteString("/CIDInit/ProcSet findresource begin 12 dict begin begincmap/CIDSystemInfo<</Registry(Adobe)/Ordering(UCS)/Supplement 0>>def" +
		"/CMapName/Adobe-Identity-UCS def/CMapType 2 def\n1 begincodespacerange<0000><FFFF>endcodespacerange\n")
	for i, g := range gids {
		if i%100 == 0 {
			fmt.Fprintf(&cm, "%d beginbfchar\n", min(100, len(gids)-i))
		}
		r := used[g].r
		if r > 0xFFFF {
			r1, r2 := (r-0x10000)>>10+0xD800, (r-0x10000)&0x3FF+0xDC00
			fmt.Fprintf(&cm, "<%04X><%04X%04X>\n", g, r1, r2)
		} else {
			fmt.Fprintf(&cm, "<%04X><%04X>\n", g, r)
		}
		if i%100 == 99 || i == len(gids)-1 {
			cm.WriteString("endbfchar\n")
		}
	}
	cm.WriteString("endcmap CMapName currentdict/CMap defineresource pop end end")
	d.stream(n+4, "", deflate(cm.Bytes()), true)
}

func deflate(b []byte) []byte {
	var out bytes.Buffer
	zw := zlib.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// ptNum writes a length in points for a dictionary.
func ptNum(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// appendNum appends v with at most three decimals and no trailing zeros:
// a thousandth of a millimetre is finer than any printer.
func appendNum(b []byte, v float64) []byte {
	i := int64(v*1000 + 0.5)
	if v < 0 {
		i = int64(v*1000 - 0.5)
	}
	if i < 0 {
		b = append(b, '-')
		i = -i
	}
	b = strconv.AppendInt(b, i/1000, 10)
	if f := i % 1000; f != 0 {
		b = append(b, '.')
		d := []byte{byte('0' + f/100), byte('0' + f/10%10), byte('0' + f%10)}
		for len(d) > 0 && d[len(d)-1] == '0' {
			d = d[:len(d)-1]
		}
		b = append(b, d...)
	}
	return b
}
