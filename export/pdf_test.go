package export

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// needTools skips the test when poppler's or zbar's tools are missing,
// or fails it on CI, where `make test` installs them.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "pdftotext", "pdfinfo", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s not found; install it with: sudo apt-get install poppler-utils zbar-tools", tool)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

const (
	cyrillicReseller = "Ольга Žofia Łódź Telecom"
	greekReseller    = "Ελένη Παπαδοπούλου"
)

// pdfFixture: 20 cards of 8.00 USD (series 7) of a reseller with a
// Cyrillic and accented Latin name, then 3 of 15.50 EUR (series EU) of one
// with a Greek name: 23 cards.
func pdfFixture(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s := newStore(tb)
	ctx := context.Background()
	for _, r := range []string{cyrillicReseller, greekReseller} {
		if _, err := s.AddReseller(ctx, r); err != nil {
			tb.Fatal(err)
		}
	}
	for _, p := range []data.GenerateParams{
		{Amount: 800, Quantity: 20, Series: "7", Reseller: cyrillicReseller, ExpiresAt: time.Now().AddDate(1, 0, 0)},
		{Amount: 1550, Currency: "EUR", Quantity: 3, Series: "EU", Reseller: greekReseller, PINLength: 16},
	} {
		if _, err := s.Generate(ctx, p, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return s
}

// writeTestPDF writes the store's cards to a PDF in a temporary folder,
// marking card i as a reprint when reprint(i).
func writeTestPDF(t *testing.T, s *sqlite.Store, opts PDFOptions, tmpl string, reprint func(i int) bool) (path string, pages int, cards []data.Card) {
	t.Helper()
	cards = allCards(t, s, data.Filter{})
	path = filepath.Join(t.TempDir(), opts.Layout.Name+".pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var progressed int64
	i := 0
	pages, err = writePDF(context.Background(), f, func(yield func(Tile, data.Card, bool) error) error {
		return s.Each(context.Background(), data.Filter{}, data.Sort{}, func(c data.Card) error {
			i++
			return yield(TileFor(c, tmpl, data.Plain), c, reprint(i-1))
		})
	}, int64(len(cards)), opts, func(done, total int64) { progressed = done })
	if err != nil {
		t.Fatal(err)
	}
	if progressed != int64(len(cards)) {
		t.Errorf("progress ended at %d of %d", progressed, len(cards))
	}
	return path, pages, cards
}

func pdfText(t *testing.T, path string, page int) string {
	t.Helper()
	args := []string{"-layout"}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

func pdfPages(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	t.Fatalf("pdfinfo says no page count:\n%s", out)
	return 0
}

// renderPage renders page (from 1) at dpi with pdftoppm.
func renderPage(t *testing.T, path string, page, dpi int) image.Image {
	t.Helper()
	out := filepath.Join(t.TempDir(), "page")
	if b, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-f", strconv.Itoa(page), "-l", strconv.Itoa(page),
		"-singlefile", "-png", path, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// zbar decodes the QR codes in img with zbarimg.
func zbar(t *testing.T, img image.Image) []string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crop.png")
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", path).Output()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 4) { // 4: no code found
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.Fields(string(out))
}

// crop cuts the i-th tile of a page rendered at dpi.
func crop(img image.Image, lay PDFLayout, i, dpi int) image.Image {
	x, y, w, h := lay.TileBox(i)
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	r := image.Rect(px(x), px(y), px(x+w), px(y+h))
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(r)
}

// TestPDFEveryQRDecodesOnItsTile writes the fixture with each built-in
// layout, checks the page count, renders every page at 200 dpi, cuts out
// every tile by the layout's geometry and reads its QR code with zbar: it
// must be the card's, in print order. Every 11th card is a reprint and
// carries the mark; the names round-trip through pdftotext; the totals
// page adds up.
func TestPDFEveryQRDecodesOnItsTile(t *testing.T) {
	needTools(t)
	s := pdfFixture(t)
	const dpi = 200
	for _, lay := range PDFLayouts() {
		for _, tmpl := range []string{"", "https://billing.example.com/redeem?pin={pin}&s={serial}"} {
			if tmpl != "" && !strings.HasPrefix(lay.Name, "cards-letter") && lay.Name != LayoutGridA4 {
				continue // the address on two layouts is enough
			}
			t.Run(fmt.Sprintf("%s/template=%t", lay.Name, tmpl != ""), func(t *testing.T) {
				reprint := func(i int) bool { return i%11 == 0 }
				opts := PDFOptions{Layout: lay, CutMarks: true, Colours: map[int64]string{80000: "#1E88E5", 155000: "#E53935"}}
				path, pages, cards := writeTestPDF(t, s, opts, tmpl, reprint)
				if len(cards) != 23 {
					t.Fatalf("%d cards", len(cards))
				}
				want := lay.Pages(23) + 1
				if lay.PerPage() == 10 && want != 4 {
					t.Fatalf("10-up: want 3 voucher pages and the totals")
				}
				if pages != want || pdfPages(t, path) != want {
					t.Fatalf("WritePDF says %d pages, pdfinfo %d, want %d", pages, pdfPages(t, path), want)
				}
				for p := range want - 1 {
					img := renderPage(t, path, p+1, dpi)
					text := pdfText(t, path, p+1)
					reprints := 0
					for i := range lay.PerPage() {
						n := p*lay.PerPage() + i
						if n >= len(cards) {
							break
						}
						c := cards[n]
						got := zbar(t, crop(img, lay, i, dpi))
						if wantQR := QRContent(c, tmpl); len(got) != 1 || got[0] != wantQR {
							t.Errorf("page %d tile %d: QR codes %q, want card %s's %q", p+1, i, got, c.Serial, wantQR)
						}
						if !strings.Contains(text, data.GroupPIN(c.PIN)) || !strings.Contains(text, c.Serial.String()) || !strings.Contains(text, c.Reseller) {
							t.Errorf("page %d: text lacks card %s's PIN, serial or reseller %q:\n%s", p+1, c.Serial, c.Reseller, text)
						}
						if reprint(n) {
							reprints++
						}
					}
					if got := strings.Count(text, "REPRINT"); got != reprints {
						t.Errorf("page %d: %d REPRINT marks, want %d", p+1, got, reprints)
					}
				}
				last := pdfText(t, path, want)
				for _, w := range []string{
					"Control totals", "23 cards on " + strconv.Itoa(want-1) + " voucher page", "(" + strconv.Itoa(lay.Across) + " × " + strconv.Itoa(lay.Down) + " per page)",
					"8.00 USD", "160.00 USD", "15.50 EUR", "46.50 EUR",
					"7-000000001 – 7-000000020", "EU-000000001 – EU-000000003",
				} {
					if !strings.Contains(last, w) {
						t.Errorf("totals page lacks %q:\n%s", w, last)
					}
				}
			})
		}
	}
}

func TestPDFMissingGlyphIsAClearError(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	const name = "東京 Mobile"
	if _, err := s.AddReseller(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 500, Quantity: 3, Series: "9", Reseller: name}, nil); err != nil {
		t.Fatal(err)
	}
	lay, _ := LayoutByName(LayoutCardsA4, 0, 0)
	var out bytes.Buffer
	pages, err := WritePDF(ctx, &out, func(yield func(Tile, data.Card) error) error {
		return s.Each(ctx, data.Filter{}, data.Sort{}, func(c data.Card) error { return yield(TileFor(c, "", data.Plain), c) })
	}, 3, PDFOptions{Layout: lay}, nil)
	if err == nil || !errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "no glyph for 東") || !strings.Contains(err.Error(), "reseller name") {
		t.Fatalf("err = %v, want the missing glyph named", err)
	}
	if pages != 0 || out.Len() != 0 {
		t.Errorf("%d pages, %d bytes written on a refused first card", pages, out.Len())
	}
	one := func(company string) PDFCards {
		return func(yield func(Tile, data.Card) error) error {
			return yield(Tile{Company: company, QR: "1"}, data.Card{})
		}
	}
	if _, err := PreviewPage(one(name), PDFOptions{Layout: lay}, 400); err == nil || !strings.Contains(err.Error(), "東") {
		t.Errorf("preview: err = %v", err)
	}
	if _, err := PreviewPage(one("שלום"), PDFOptions{Layout: lay}, 400); err == nil || !strings.Contains(err.Error(), "right-to-left") {
		t.Errorf("preview of Hebrew: err = %v", err)
	}
}

// TestPreviewPageMatchesLayout draws the first page to an image and reads
// the first tile's QR code from it, cut out by the same geometry.
func TestPreviewPageMatchesLayout(t *testing.T) {
	s := pdfFixture(t)
	cards := allCards(t, s, data.Filter{})
	read := 0
	each := func(yield func(Tile, data.Card) error) error {
		return s.Each(context.Background(), data.Filter{}, data.Sort{}, func(c data.Card) error {
			read++
			return yield(TileFor(c, "", data.Plain), c)
		})
	}
	logo := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for i := range logo.Pix {
		logo.Pix[i] = 0x80
	}
	var lb bytes.Buffer
	png.Encode(&lb, logo)
	for _, lay := range PDFLayouts() {
		const width = 1600
		read = 0
		img, err := PreviewPage(each, PDFOptions{Layout: lay, CutMarks: true, Logo: lb.Bytes(), Colours: map[int64]string{80000: "#1E88E5"}}, width)
		if err != nil {
			t.Fatal(err)
		}
		if want := min(lay.PerPage()+1, len(cards)); read != want {
			t.Errorf("%s: preview read %d cards, want %d", lay.Name, read, want)
		}
		if b := img.Bounds(); b.Dx() != width || b.Dy() != int(lay.PageH*width/lay.PageW+0.5) {
			t.Fatalf("%s: preview is %v", lay.Name, b)
		}
		k := float64(width) / lay.PageW
		for _, i := range []int{0, min(lay.PerPage(), len(cards)) - 1} {
			x, y, w, h := lay.TileBox(i)
			sub := img.(*image.RGBA).SubImage(image.Rect(int(x*k), int(y*k), int((x+w)*k), int((y+h)*k)))
			bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
			if err != nil {
				t.Fatal(err)
			}
			res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
			if err != nil {
				t.Errorf("%s tile %d: %v", lay.Name, i, err)
				continue
			}
			if res.GetText() != cards[i].PIN {
				t.Errorf("%s tile %d: QR %q, want %q", lay.Name, i, res.GetText(), cards[i].PIN)
			}
		}
	}
}

func TestPDFLayouts(t *testing.T) {
	for _, l := range PDFLayouts() {
		if err := l.check(); err != nil {
			t.Errorf("%s: %v", l.Name, err)
		}
		got, err := LayoutByName(strings.ToUpper(l.Name), 0, 0)
		if err != nil || got != l {
			t.Errorf("LayoutByName(%s) = %+v, %v", l.Name, got, err)
		}
	}
	a4, _ := LayoutByName(LayoutCardsA4, 0, 0)
	if a4.TileW != 85 || a4.TileH != 54 || a4.MarginLeft != 15 || a4.MarginTop != 13.5 ||
		a4.MarginLeft*2+2*a4.TileW+a4.GapX != 210 || a4.MarginTop*2+5*a4.TileH != 297 {
		t.Errorf("A4 10-up: %+v", a4)
	}
	letter, _ := LayoutByName(LayoutCardsLetter, 2, 5)
	if letter.TileW != 88.9 || letter.TileH != 50.8 || letter.MarginLeft != 19.05 || letter.MarginTop != 12.7 || letter.GapX != 0 {
		t.Errorf("Letter 10-up: %+v", letter)
	}
	g, err := LayoutByName(LayoutGridLetter, 2, 6)
	if err != nil || g.Across != 2 || g.Down != 6 || g.TileW != (215.9-20)/2 {
		t.Errorf("grid letter 2×6: %+v, %v", g, err)
	}
	for _, tc := range []struct {
		name         string
		across, down int
		want         string
	}{
		{"cards-a4-10up", 3, 0, "card stock"},
		{"grid-a4", 7, 2, "1 to 6"},
		{"grid-a4", 6, 20, "too small"},
		{"nope", 0, 0, "use one of grid-a4"},
	} {
		if _, err := LayoutByName(tc.name, tc.across, tc.down); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %d×%d: err = %v, want %q", tc.name, tc.across, tc.down, err, tc.want)
		}
	}
	if _, err := (PDFOptions{Layout: a4, Colours: map[int64]string{80000: "blue"}}).plan(); err == nil || !strings.Contains(err.Error(), "#RRGGBB") {
		t.Errorf("bad colour: %v", err)
	}
	if _, err := (PDFOptions{Layout: a4, Logo: []byte("GIF89a")}).plan(); err == nil || !strings.Contains(err.Error(), "PNG or JPEG") {
		t.Errorf("bad logo: %v", err)
	}
}

func TestPDFCancelled(t *testing.T) {
	s := pdfFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	lay, _ := LayoutByName(LayoutGridA4, 2, 2)
	n := 0
	var out bytes.Buffer
	_, err := WritePDF(ctx, &out, func(yield func(Tile, data.Card) error) error {
		return s.Each(context.Background(), data.Filter{}, data.Sort{}, func(c data.Card) error {
			if n++; n == 10 {
				cancel()
			}
			return yield(TileFor(c, "", data.Plain), c)
		})
	}, 23, PDFOptions{Layout: lay}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// TestPreviewMasksPINs: with MaskPINs (the window's Hide PINs) the preview's
// QR codes hold the masked PIN, never the whole one; without it they hold
// the PINs.
func TestPreviewMasksPINs(t *testing.T) {
	s := pdfFixture(t)
	ctx := context.Background()
	cards := allCards(t, s, data.Filter{})
	pins := map[string]bool{}
	for _, c := range cards {
		pins[c.PIN] = true
	}
	for _, mask := range []bool{false, true} {
		var img image.Image
		err := s.Read(ctx, func(r data.Reader) error {
			var err error
			img, err = Preview(ctx, r, data.Filter{}, Options{MaskPINs: mask}, 2400)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		codes := zbar(t, img)
		if len(codes) == 0 {
			t.Fatalf("mask %v: no QR code read from the preview", mask)
		}
		for _, code := range codes {
			if pins[code] == mask {
				t.Errorf("mask %v: preview QR holds %q", mask, code)
			}
			if mask && !strings.HasPrefix(code, "XXXX") {
				t.Errorf("masked preview QR %q is not masked", code)
			}
		}
	}
}
