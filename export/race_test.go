package export

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"topupcards/data"
	"topupcards/data/sqlite"
)

// The racing exports: a redemption, a delete and a new batch land before
// every pass of the export (deterministically), while other writers in this
// process and in another one redeem, delete and generate all along. Every
// tile's QR code must still be the PIN printed on that tile, and the tiles
// must be as many as the summary says.

const raceHelperEnv = "TOPUPCARDS_EXPORT_RACE_HELPER"

// TestRaceHelperProcess is not a test: it is the other process. It opens
// the database named in raceHelperEnv, prints "ready", then until its
// stdin closes generates cards, redeems them and deletes some.
func TestRaceHelperProcess(t *testing.T) {
	path := os.Getenv(raceHelperEnv)
	if path == "" {
		t.Skip("only runs as a helper subprocess")
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	defer s.Close()
	stop := make(chan struct{})
	go func() {
		bufio.NewReader(os.Stdin).ReadString('\n')
		close(stop)
	}()
	fmt.Println("ready")
	writeAlong(ctx, s, "P", stop)
	fmt.Println("done")
}

// writeAlong generates cards in series (two at a time, printed first in
// serial order when the series sorts first), redeems one and deletes
// another of them, until stop is closed.
func writeAlong(ctx context.Context, s *sqlite.Store, series string, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
		}
		b, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: 2, Series: series}, nil)
		if err != nil {
			continue
		}
		cards, _, _ := s.Page(ctx, data.Filter{Batch: b.ID}, data.Sort{}, data.Cursor{}, 2)
		if len(cards) == 2 {
			s.Redeem(ctx, cards[0].PIN, "Racer")
			s.Delete(ctx, data.Filter{IDs: []int64{cards[1].ID}})
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// racingReader is a Reader before each of whose passes the first sellable
// card is redeemed, the next one deleted, and cards that print first are
// generated (2: the count stays, the tiles shift; 3: the count changes).
type racingReader struct {
	Reader
	s        *sqlite.Store
	generate int
	passes   int
}

func (r *racingReader) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	r.passes++
	cards, _, err := r.s.Page(ctx, data.Filter{Status: data.StatusNew}, data.Sort{}, data.Cursor{}, 2)
	if err != nil {
		return err
	}
	if len(cards) == 2 {
		// The writers that run throughout may take the card first (redeem
		// or delete it): then the card changed between the passes all the
		// same.
		if _, err := r.s.Redeem(ctx, cards[0].PIN, "Between Passes"); err != nil &&
			!errors.Is(err, data.ErrAlreadyRedeemed) && !errors.Is(err, data.ErrNotFound) {
			return err
		}
		if _, err := r.s.Delete(ctx, data.Filter{IDs: []int64{cards[1].ID}}); err != nil {
			return err
		}
	}
	if _, err := r.s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: r.generate, Series: "0"}, nil); err != nil {
		return err
	}
	return r.Reader.Each(ctx, f, o, fn)
}

// freshReader reads every pass afresh, as exports did before Store.Read:
// the race these tests look for is real only if it trips over it.
type freshReader struct{ s *sqlite.Store }

func (r freshReader) Now() time.Time { return r.s.Now() }

func (r freshReader) StatusTotals(ctx context.Context, f data.Filter) (ts []data.StatusTotal, err error) {
	err = r.s.Read(ctx, func(rd data.Reader) error { ts, err = rd.StatusTotals(ctx, f); return err })
	return ts, err
}

func (r freshReader) Each(ctx context.Context, f data.Filter, o data.Sort, fn func(data.Card) error) error {
	return r.s.Each(ctx, f, o, fn)
}

// raceStore: n new cards of 8.00 USD in series 5, and a few that cannot be
// sold (blocked, redeemed).
func raceStore(t *testing.T, n int) *sqlite.Store {
	t.Helper()
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Generate(ctx, data.GenerateParams{Amount: 800, Quantity: n, Series: "5"}, nil); err != nil {
		t.Fatal(err)
	}
	cards, _, _ := s.Page(ctx, data.Filter{}, data.Sort{}, data.Cursor{}, 10)
	if _, err := s.MassEdit(ctx, data.Filter{IDs: []int64{cards[3].ID, cards[7].ID}}, data.Edit{Block: data.BlockSet}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Redeem(ctx, cards[5].PIN, "Rose Orig"); err != nil {
		t.Fatal(err)
	}
	return s
}

// exportRacing writes a status-new export of s to path through reader
// (made inside the read), with writers in this process and another all
// along.
func exportRacing(t *testing.T, s *sqlite.Store, path string, format *Format, opts Options,
	reader func(r data.Reader) Reader) (Result, error) {
	t.Helper()
	ctx := context.Background()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); writeAlong(ctx, s, "1", stop) }()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRaceHelperProcess$")
	cmd.Env = append(os.Environ(), raceHelperEnv+"="+s.Path())
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	if line, _ := out.ReadString('\n'); strings.TrimSpace(line) != "ready" {
		t.Fatalf("helper: %q", line)
	}
	time.Sleep(50 * time.Millisecond) // the writers are under way
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	err = s.Read(ctx, func(r data.Reader) error {
		w := bufio.NewWriter(f)
		var err error
		if res, err = Write(ctx, w, reader(r), data.Filter{Status: data.StatusNew}, format, opts); err != nil {
			return err
		}
		return w.Flush()
	})
	f.Close()
	close(stop)
	stdin.Write([]byte("stop\n"))
	wg.Wait()
	if line, _ := out.ReadString('\n'); strings.TrimSpace(line) != "done" {
		t.Errorf("helper: %q", line)
	}
	cmd.Wait()
	return res, err
}

var digits = regexp.MustCompile(`^\d+$`)

// tileWords are the words of one tile (x, y, w, h in mm) on a page.
func tileWords(words []pdfWord, x, y, w, h float64) []pdfWord {
	var out []pdfWord
	for _, wd := range words {
		cx, cy := (wd.x0+wd.x1)/2*25.4/72, (wd.y0+wd.y1)/2*25.4/72
		if cx >= x && cx < x+w && cy >= y && cy < y+h {
			out = append(out, wd)
		}
	}
	return out
}

// printedPIN is the PIN printed on a tile: the digit groups on the line of
// the word PIN, left to right, grouped as the tile shows them.
func printedPIN(words []pdfWord) string {
	var label *pdfWord
	for i := range words {
		if words[i].text == "PIN" {
			label = &words[i]
		}
	}
	if label == nil {
		return ""
	}
	var groups []pdfWord
	for _, wd := range words {
		if digits.MatchString(wd.text) && wd.x0 > label.x0 && math.Abs(wd.y1-label.y1) < 1.5 {
			groups = append(groups, wd)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].x0 < groups[j].x0 })
	var parts []string
	for _, g := range groups {
		parts = append(parts, g.text)
	}
	return strings.Join(parts, " ")
}

// checkWorkbookTiles reads every picture of the Vouchers sheet back (the
// drawing's anchors, their images), decodes it and compares it with the PIN
// printed on its tile; it returns what is wrong, and the number of tiles.
// (excelize's GetPictures looks at every anchor for every cell: too slow
// for thousands; the drawing is read here as excelize writes it.)
func checkWorkbookTiles(t *testing.T, path string) (problems []string, tiles int) {
	t.Helper()
	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	rows, _ := xf.GetRows(SheetVouchers)
	pinAt := func(row, col int) string { // 0-based
		if row < len(rows) && col < len(rows[row]) {
			return rows[row][col]
		}
		return ""
	}
	pinCells := 0
	for r := 2; r < len(rows); r += rowsPerTile {
		for c := 0; c < len(rows[r]); c += 2 {
			if rows[r][c] != "" {
				pinCells++
			}
		}
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	read := func(name string) []byte {
		f, err := zr.Open(name)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		return b
	}
	var drawing struct {
		Anchors []struct {
			Col  int `xml:"from>col"`
			Row  int `xml:"from>row"`
			Blip struct {
				Embed string `xml:"embed,attr"`
			} `xml:"pic>blipFill>blip"`
		} `xml:"oneCellAnchor"`
	}
	if err := xml.Unmarshal(read(drawingPart), &drawing); err != nil {
		t.Fatal(err)
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(read(drawingRels), &rels); err != nil {
		t.Fatal(err)
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		target[r.ID] = "xl/" + strings.TrimPrefix(r.Target, "../")
	}
	if pinCells != len(drawing.Anchors) {
		problems = append(problems, fmt.Sprintf("%d tiles with a PIN, %d QR codes", pinCells, len(drawing.Anchors)))
	}
	for _, a := range drawing.Anchors {
		img := read(target[a.Blip.Embed])
		if img == nil {
			problems = append(problems, fmt.Sprintf("anchor at column %d row %d: no image %q", a.Col, a.Row, a.Blip.Embed))
			continue
		}
		qr := decodeQR(t, img)
		tileTop := a.Row / rowsPerTile * rowsPerTile
		if printed := pinAt(tileTop+2, a.Col-1); data.GroupPIN(qr) != printed {
			problems = append(problems, fmt.Sprintf("tile at column %d row %d prints PIN %q, its QR code holds %q", a.Col, tileTop+1, printed, qr))
		}
	}
	return problems, len(drawing.Anchors)
}

// zbarXML is what zbarimg --xml says: per file, the codes found.
type zbarXML struct {
	Sources []struct {
		Href    string `xml:"href,attr"`
		Symbols []struct {
			Data string `xml:"data"`
		} `xml:"index>symbol"`
	} `xml:"source"`
}

// checkPDFTiles renders every voucher page, cuts out every tile by the
// layout, decodes its QR code with zbar and compares it with the PIN that
// pdftotext finds inside the same tile; it returns what is wrong and the
// number of tiles.
func checkPDFTiles(t *testing.T, path string, lay PDFLayout, voucherPages int) (problems []string, tiles int) {
	t.Helper()
	const dpi = 150
	dir := t.TempDir()
	if b, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-l", strconv.Itoa(voucherPages), "-png", path, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	words := pdfWords(t, path)
	pages, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	sort.Strings(pages)
	if len(pages) != voucherPages {
		t.Fatalf("%d pages rendered, want %d", len(pages), voucherPages)
	}
	for p, page := range pages {
		f, err := os.Open(page)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		var files []string
		pins := map[string]string{}
		for i := range lay.PerPage() {
			x, y, w, h := lay.TileBox(i)
			tw := tileWords(words[p], x, y, w, h)
			if len(tw) == 0 {
				continue // an empty place after the last tile
			}
			name := filepath.Join(dir, fmt.Sprintf("tile-%d-%d.png", p, i))
			out, _ := os.Create(name)
			png.Encode(out, crop(img, lay, i, dpi).(image.Image))
			out.Close()
			files = append(files, name)
			pins[name] = printedPIN(tw)
		}
		args := append([]string{"--xml", "-q", "-Sdisable", "-Sqrcode.enable"}, files...)
		out, _ := exec.Command("zbarimg", args...).Output() // exit 4: a tile without a code, said below
		var zx zbarXML
		if err := xml.Unmarshal(out, &zx); err != nil {
			t.Fatalf("zbarimg --xml: %v\n%s", err, out)
		}
		found := map[string][]string{}
		for _, src := range zx.Sources {
			for _, sym := range src.Symbols {
				found[src.Href] = append(found[src.Href], sym.Data)
			}
		}
		for _, name := range files {
			tiles++
			printed := pins[name]
			if printed == "" {
				problems = append(problems, fmt.Sprintf("%s: no PIN printed", filepath.Base(name)))
				continue
			}
			if q := found[name]; len(q) != 1 || data.GroupPIN(q[0]) != printed {
				problems = append(problems, fmt.Sprintf("%s prints PIN %q, its QR codes hold %q", filepath.Base(name), printed, q))
			}
		}
	}
	return problems, tiles
}

type pdfWord struct {
	x0, y0, x1, y1 float64 // points from the top left
	text           string
}

// pdfWords lists each page's words with their boxes (pdftotext -bbox).
func pdfWords(t *testing.T, path string) [][]pdfWord {
	t.Helper()
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v", err)
	}
	var pages [][]pdfWord
	dec := xml.NewDecoder(strings.NewReader(string(out)))
	dec.Strict = false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "page":
			pages = append(pages, nil)
		case "word":
			var w pdfWord
			for _, a := range se.Attr {
				v, _ := strconv.ParseFloat(a.Value, 64)
				switch a.Name.Local {
				case "xMin":
					w.x0 = v
				case "yMin":
					w.y0 = v
				case "xMax":
					w.x1 = v
				case "yMax":
					w.y1 = v
				}
			}
			var text string
			dec.DecodeElement(&text, &se)
			w.text = text
			pages[len(pages)-1] = append(pages[len(pages)-1], w)
		}
	}
	return pages
}

// summaryTiles reads "Voucher tiles" from the Summary sheet.
func summaryTiles(t *testing.T, path string) int {
	t.Helper()
	xf, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	rows, _ := xf.GetRows(SheetSummary)
	for _, r := range rows {
		if len(r) > 1 && r[0] == "Voucher tiles" {
			n, _ := strconv.Atoi(r[1])
			return n
		}
	}
	t.Fatal("no Voucher tiles on the Summary")
	return 0
}

func TestWorkbookExportRacingWriters(t *testing.T) {
	const n = 2000
	dir := t.TempDir()
	// First the harness: exports that read afresh on every pass, as before
	// Store.Read, go wrong under the same writes.
	s := raceStore(t, n)
	_, err := exportRacing(t, s, filepath.Join(dir, "fresh.xlsx"), XLSX, Options{}, func(data.Reader) Reader {
		return &racingReader{Reader: freshReader{s}, s: s, generate: 2}
	})
	if err == nil {
		// The harness is timing-dependent: this shows the race when it
		// happens (it did in most runs), and is no assertion.
		if problems, _ := checkWorkbookTiles(t, filepath.Join(dir, "fresh.xlsx")); len(problems) > 0 {
			t.Logf("reading afresh on every pass: %d problems, such as %s", len(problems), problems[0])
		} else {
			t.Logf("reading afresh on every pass came out right this time")
		}
	} else {
		t.Logf("reading afresh on every pass: %v", err)
	}
	// Then one read for the whole export.
	s = raceStore(t, n)
	var rr *racingReader
	path := filepath.Join(dir, "one-read.xlsx")
	res, err := exportRacing(t, s, path, XLSX, Options{}, func(r data.Reader) Reader {
		rr = &racingReader{Reader: r, s: s, generate: 2}
		return rr
	})
	if err != nil {
		t.Fatal(err)
	}
	if rr.passes < 3 {
		t.Errorf("%d passes raced, want the workbook's every pass", rr.passes)
	}
	problems, tiles := checkWorkbookTiles(t, path)
	for _, p := range problems[:min(len(problems), 10)] {
		t.Error(p)
	}
	// The writers' own cards that were new when the read began are in it.
	if tiles < n-3 || int64(tiles) != res.Cards || summaryTiles(t, path) != tiles {
		t.Errorf("%d tiles, result %d, summary %d; want the same, at least %d", tiles, res.Cards, summaryTiles(t, path), n-3)
	}
}

func TestPDFExportRacingWriters(t *testing.T) {
	needTools(t)
	const n = 1200
	dir := t.TempDir()
	opts := Options{Layout: LayoutGridA4, Across: 4, Down: 10}
	lay, err := opts.pdfLayout()
	if err != nil {
		t.Fatal(err)
	}
	s := raceStore(t, n)
	_, err = exportRacing(t, s, filepath.Join(dir, "fresh.pdf"), PDF, opts, func(data.Reader) Reader {
		// One pass: the tiles agree with each other, the count does not.
		return &racingReader{Reader: freshReader{s}, s: s, generate: 3}
	})
	// Timing-dependent, as above: shown when it happens, no assertion.
	t.Logf("reading afresh on every pass: %v", err)
	s = raceStore(t, n)
	path := filepath.Join(dir, "one-read.pdf")
	res, err := exportRacing(t, s, path, PDF, opts, func(r data.Reader) Reader { return &racingReader{Reader: r, s: s, generate: 3} })
	if err != nil {
		t.Fatal(err)
	}
	voucherPages := lay.Pages(res.Cards)
	problems, tiles := checkPDFTiles(t, path, lay, voucherPages)
	for _, p := range problems[:min(len(problems), 10)] {
		t.Error(p)
	}
	totals := pdfText(t, path, voucherPages+1)
	if tiles < n-3 || int64(tiles) != res.Cards || !strings.Contains(totals, fmt.Sprintf("%d cards on %d voucher pages", tiles, voucherPages)) {
		t.Errorf("%d tiles, result %d; want the same, at least %d; totals page:\n%s", tiles, res.Cards, n-3, totals)
	}
}
