package app

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
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
	"topupcards/export"
)

// shopTemplateJSON is a reseller's own card with a back: the built-in
// tile's elements, a Code 128 barcode of the serial, and instructions with
// a barcode of the PIN on the back.
func shopTemplateJSON(t *testing.T, name string) []byte {
	t.Helper()
	tpl := export.DefaultTemplate(85, 54)
	tpl.Name = name
	tpl.Elements = append(tpl.Elements, data.Element{Type: data.ElementBarcode, XMM: 7, YMM: 44, WMM: 30, HMM: 7.5, Content: "{serial}", Symbology: data.SymbologyCode128})
	tpl.Back = []data.Element{
		{Type: data.ElementText, XMM: 4, YMM: 4, WMM: 77, HMM: 20, Text: "Dial *123*{pin}# or scan the code.\nHotline 0800 123 456", SizePt: 9},
		{Type: data.ElementBarcode, XMM: 12, YMM: 30, WMM: 60, HMM: 14, Content: "{pin}", Symbology: data.SymbologyCode128},
	}
	return tpl.JSON()
}

// TestTemplatesCommandLine: import, list, show and export round-trip a
// template unchanged; an export with it prints its pages; a reseller's
// default template is used by an export of its cards; a template in use
// is not removed; an unsafe one is imported with warnings and refused at
// export with the element and what to change.
func TestTemplatesCommandLine(t *testing.T) {
	needPDFTools(t)
	c := newCLI(t)
	c.ok("resellers", "add", "Shop A")
	c.ok("generate", "--amount", "8.00", "--quantity", "12", "--series", "5", "--reseller", "Shop A")
	dir := t.TempDir()
	in := filepath.Join(dir, "shop.json")
	if err := os.WriteFile(in, shopTemplateJSON(t, "shop"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("templates", "import", in); !strings.Contains(out, `Imported template "shop" (85 × 54 mm, 8 elements on the front, 2 on the back)`) {
		t.Errorf("import said %q", out)
	}
	if r := c.run("templates", "import", in); r.code != ExitRefused || !strings.Contains(r.stderr, "exists already") {
		t.Errorf("second import: %d %q", r.code, r.stderr)
	}
	if out := c.ok("templates", "list"); !strings.Contains(out, "shop") || !strings.Contains(out, "85 × 54 mm") {
		t.Errorf("list:\n%s", out)
	}
	if show := c.ok("templates", "show", "shop"); show != string(shopTemplateJSON(t, "shop")) {
		t.Errorf("show differs from the file:\n%s", show)
	}
	back := filepath.Join(dir, "back.json")
	c.ok("templates", "export", "shop", "--out", back)
	if a, b := mustRead(t, in), mustRead(t, back); !bytes.Equal(a, b) {
		t.Errorf("export differs from import:\n%s\n%s", a, b)
	}
	pdf := filepath.Join(dir, "v.pdf")
	if out := c.ok("export", "--template", "shop", "--layout", "cards-a4-10up", "--out", pdf); !strings.Contains(out, "5 pages") {
		t.Errorf("export: %s (want 2 sheets front and back and the totals: 5 pages)", out)
	}
	// The reseller's default is used without --template.
	c.ok("templates", "set", "Shop A", "shop")
	c.ok("export", "--reseller", "Shop A", "--layout", "cards-a4-10up", "--out", filepath.Join(dir, "r.pdf"))
	if h := c.ok("history", "--limit", "1"); !strings.Contains(h, "template shop") {
		t.Errorf("the reseller's export did not use its template:\n%s", h)
	}
	c.fails(ExitUsage, []string{"template \"shop\" is the default of Shop A"}, "templates", "remove", "shop", "--yes")
	c.fails(ExitUsage, []string{"add --yes"}, "templates", "remove", "shop")
	// An unsafe template: imported with a warning, refused at export.
	unsafe := bytes.Replace(shopTemplateJSON(t, "tiny"), []byte(`"size_pt": 12,`), []byte(`"size_pt": 6,`), 1)
	if bytes.Equal(unsafe, shopTemplateJSON(t, "tiny")) {
		t.Fatalf("the PIN's size is not in the template:\n%s", unsafe)
	}
	if err := os.WriteFile(in, unsafe, 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.run("templates", "import", in)
	if r.code != ExitOK || !strings.Contains(r.stderr, `front element 4 (text "{pin_grouped}"): prints the PIN at 6.0 pt`) {
		t.Errorf("unsafe import: %d %q", r.code, r.stderr)
	}
	c.fails(ExitUsage, []string{`template "tiny" is not safe to print: front element 4 (text "{pin_grouped}"): prints the PIN at 6.0 pt; the PIN needs at least 8 pt`},
		"export", "--template", "tiny", "--layout", "cards-a4-10up", "--out", filepath.Join(dir, "no.pdf"))
	if _, err := os.Stat(filepath.Join(dir, "no.pdf")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a refused export left a file")
	}
	c.fails(ExitUsage, []string{"is not for .csv files"}, "export", "--template", "shop", "--out", filepath.Join(dir, "v.csv"))
	if out := c.ok("export", "--template", "shop", "--out", filepath.Join(dir, "v.xlsx")); !strings.Contains(out, "Exported 12 cards") {
		t.Errorf("workbook with a template: %s", out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func needPDFTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftoppm", "pdfinfo", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not found", tool)
			}
			t.Skipf("%s not found; install poppler-utils and zbar-tools", tool)
		}
	}
}

// startCUPS starts a private cupsd with the cups-pdf printer TopupPDF
// (scripts/cups-test.sh) and points lp and lpstat at it.
func startCUPS(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("lp"); err != nil || os.Getuid() != 0 {
		msg := "printing tests need CUPS and cups-pdf (make test installs them) and root, as cupsd runs cups-pdf as root"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	dir, err := os.MkdirTemp("", "tc-cups-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", "../scripts/cups-test.sh", "start", dir).Output()
	if err != nil {
		t.Fatalf("start cupsd: %v %s", err, stderrOf(err))
	}
	t.Cleanup(func() {
		exec.Command("bash", "../scripts/cups-test.sh", "stop", dir).Run()
		os.RemoveAll(dir)
	})
	t.Setenv("CUPS_SERVER", strings.TrimSpace(string(out)))
}

// cupsPDFOut is where cups-pdf writes what root prints (the Out of
// /etc/cups/cups-pdf.conf, Debian's ${HOME}/PDF).
func cupsPDFOut(t *testing.T) string {
	t.Helper()
	out := "${HOME}/PDF"
	if b, err := os.ReadFile("/etc/cups/cups-pdf.conf"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "Out "); ok {
				out = strings.TrimSpace(v)
			}
		}
	}
	home, _ := os.UserHomeDir()
	return strings.ReplaceAll(out, "${HOME}", home)
}

// TestPrintThroughCUPS prints a batch with the shop template to a real
// CUPS printer (cups-pdf) and reads back the PDF that the printer made:
// every front page's QR codes decode to its cards' PINs and its barcodes
// to their serials, every back page's barcodes to the PINs; the print run
// names the printer and the job.
func TestPrintThroughCUPS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts cupsd; run without -short")
	}
	needPDFTools(t)
	startCUPS(t)
	c := newCLI(t)
	c.ok("generate", "--amount", "8.00", "--quantity", "12", "--series", "6")
	in := filepath.Join(t.TempDir(), "shop.json")
	if err := os.WriteFile(in, shopTemplateJSON(t, "shop"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("templates", "import", in)
	if out := c.ok("printers"); !strings.Contains(out, "TopupPDF") {
		t.Fatalf("printers:\n%s", out)
	}
	c.fails(ExitRefused, []string{`no printer named "Nope"`}, "print", "--printer", "Nope")
	outDir := cupsPDFOut(t)
	old, _ := filepath.Glob(filepath.Join(outDir, "Top-up_Cards_vouchers*job_*.pdf"))
	for _, f := range old {
		os.Remove(f)
	}
	out := c.ok("print", "--printer", "TopupPDF", "--template", "shop", "--layout", "cards-a4-10up")
	m := regexp.MustCompile(`as job TopupPDF-(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("print said %q", out)
	}
	var printed string
	for range 120 {
		got, _ := filepath.Glob(filepath.Join(outDir, "Top-up_Cards_vouchers*job_"+m[1]+".pdf"))
		if len(got) == 1 {
			if st, err := os.Stat(got[0]); err == nil && st.Size() > 0 && time.Since(st.ModTime()) > time.Second {
				printed = got[0]
				break
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	if printed == "" {
		t.Fatalf("cups-pdf wrote nothing to %s for job %s", outDir, m[1])
	}
	t.Cleanup(func() { os.Remove(printed) })
	s, err := sqlite.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	var pins, serials []string
	err = s.Each(context.Background(), data.Filter{}, data.Sort{}, func(card data.Card) error {
		pins, serials = append(pins, "QR-Code:"+card.PIN), append(serials, "CODE-128:"+card.Serial.String())
		return nil
	})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var fronts, backs []string
	for p := 1; p <= 4; p++ { // two sheets, front and back
		codes := pageCodes(t, printed, p, p%2 == 0)
		if p%2 == 1 {
			fronts = append(fronts, codes...)
		} else {
			backs = append(backs, codes...)
		}
	}
	want := append(append([]string(nil), pins...), serials...)
	if !sameStrings(fronts, want) {
		t.Errorf("front pages decode to %q, want the PINs and serials %q", fronts, want)
	}
	var wantBacks []string
	for _, p := range pins {
		wantBacks = append(wantBacks, "CODE-128:"+strings.TrimPrefix(p, "QR-Code:"))
	}
	if !sameStrings(backs, wantBacks) {
		t.Errorf("back pages decode to %q, want the PINs %q", backs, wantBacks)
	}
	if h := c.ok("history", "--limit", "1"); !strings.Contains(h, "to printer TopupPDF, job TopupPDF-"+m[1]+", 1 copy") {
		t.Errorf("the print run does not name the printer and job:\n%s", h)
	}
}

// pageCodes decodes every QR code and Code 128 barcode on page p of path,
// a 10-up card sheet, tile by tile (the tiles of a back page mirrored).
func pageCodes(t *testing.T, path string, p int, back bool) []string {
	t.Helper()
	const dpi = 300
	dir := t.TempDir()
	if b, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-singlefile", "-png", path,
		filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, b)
	}
	f, err := os.Open(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	lay, _ := export.LayoutByName(export.LayoutCardsA4, 0, 0)
	var codes []string
	for i := range lay.PerPage() {
		x, y, w, h := lay.TileBox(i)
		if back {
			x, y, w, h = lay.BackTileBox(i)
		}
		px := func(mm float64) int { return int(mm / 25.4 * dpi) }
		tile := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(px(x), px(y), px(x+w), px(y+h)))
		var b bytes.Buffer
		if err := png.Encode(&b, tile); err != nil {
			t.Fatal(err)
		}
		name := filepath.Join(dir, fmt.Sprintf("tile%d.png", i))
		if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("zbarimg", "-q", "-Sdisable", "-Sqrcode.enable", "-Scode128.enable", name).Output()
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 4) {
			t.Fatalf("zbarimg page %d: %v", p, err)
		}
		codes = append(codes, strings.Fields(string(out))...)
	}
	return codes
}

func sameStrings(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// TestWindowPrintsThroughCUPS: the window's Print dialog lists the CUPS
// printers and the stored templates, and Print sends the batch to the
// printer and records the print run.
func TestWindowPrintsThroughCUPS(t *testing.T) {
	if testing.Short() {
		t.Skip("starts cupsd; run without -short")
	}
	startCUPS(t)
	m, s := newWindow(t, map[string]int{"4": 6})
	ctx := context.Background()
	var tpl data.Template
	if err := jsonTemplate(shopTemplateJSON(t, "shop"), &tpl); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTemplate(ctx, tpl, false); err != nil {
		t.Fatal(err)
	}
	m.View.PrintBatch(1) // what "Print this batch now" does after Generate
	m.Tasks.Wait()
	d := m.lastPrint
	if d == nil || d.Printer.Selected != "TopupPDF" {
		t.Fatalf("print dialog printer %q", d.Printer.Selected)
	}
	if got := strings.Join(d.Template.Options, ","); got != "default,shop" {
		t.Fatalf("templates offered: %s", got)
	}
	d.Template.SetSelected("shop")
	d.Layout.SetSelected("cards-a4-10up")
	d.Copies.SetText("2")
	d.PrintBtn.OnTapped()
	m.Tasks.Wait()
	if !strings.Contains(d.Status.Text, "Sent 6 cards (batch 1) to printer TopupPDF as job TopupPDF-") || !strings.Contains(d.Status.Text, "2 copies") {
		t.Fatalf("status %q", d.Status.Text)
	}
	runs, err := s.PrintRuns(ctx, 1)
	if err != nil || len(runs) != 1 || runs[0].Cards != 6 || !strings.Contains(runs[0].Path, "printer TopupPDF, job TopupPDF-") ||
		!strings.Contains(runs[0].Layout, "template shop") {
		t.Fatalf("print run %+v, %v", runs, err)
	}
}

func jsonTemplate(b []byte, t *data.Template) error {
	v, err := data.ParseTemplate(bytes.NewReader(b))
	*t = v
	return err
}

// TestWindowExportWithTemplate: the Export dialog offers the stored
// templates; the first page's preview and the PDF it writes follow the
// chosen one, and the print run names it.
func TestWindowExportWithTemplate(t *testing.T) {
	m, s := newWindow(t, map[string]int{"4": 12})
	ctx := context.Background()
	var tpl data.Template
	if err := jsonTemplate(shopTemplateJSON(t, "shop"), &tpl); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveTemplate(ctx, tpl, false); err != nil {
		t.Fatal(err)
	}
	m.View.ShowExport()
	m.Tasks.Wait()
	d := m.View.LastExport
	if got := strings.Join(d.CardTemplate.Options, ","); got != "default,shop" {
		t.Fatalf("templates offered: %s", got)
	}
	d.Format.SetSelected("PDF voucher sheets (.pdf)")
	d.Layout.SetSelected("cards-a4-10up")
	m.Tasks.Wait()
	builtin := d.Preview.Image
	d.CardTemplate.SetSelected("shop")
	m.Tasks.Wait()
	if d.Preview.Image == nil || d.Preview.Image == builtin {
		t.Fatal("the preview did not follow the template")
	}
	path := filepath.Join(t.TempDir(), "shop.pdf")
	d.Start(path, false)
	m.Tasks.Wait()
	if !strings.Contains(d.Info.Text, "Exported 12 cards") || !strings.Contains(d.Info.Text, "5 pages") {
		t.Fatalf("result %q, problem %q", d.Info.Text, d.Problem.Text)
	}
	runs, err := s.PrintRuns(ctx, 1)
	if err != nil || len(runs) != 1 || !strings.Contains(runs[0].Layout, "template shop") {
		t.Fatalf("print run %+v, %v", runs, err)
	}
}
