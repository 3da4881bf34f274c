package export

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"topupcards/data"
	"topupcards/data/sqlite"
)

var (
	pdfBenchOnce  sync.Once
	pdfBenchPath  string
	pdfBenchErr   error
	pdfBenchSizes = []int{10_000, 100_000} // batch i+1 has pdfBenchSizes[i] cards
)

// pdfBenchStore opens (making it once per process) a file with one batch
// per size in pdfBenchSizes.
func pdfBenchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	pdfBenchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "topupcards-pdf-bench-")
		if err != nil {
			pdfBenchErr = err
			return
		}
		pdfBenchPath = filepath.Join(dir, "cards.db")
		s, err := sqlite.Open(context.Background(), pdfBenchPath)
		if err != nil {
			pdfBenchErr = err
			return
		}
		defer s.Close()
		for i, n := range pdfBenchSizes {
			if _, err := s.Generate(context.Background(), data.GenerateParams{Amount: 800, Quantity: n, Series: fmt.Sprint(i + 1),
				ExpiresAt: time.Now().AddDate(1, 0, 0)}, nil); err != nil {
				pdfBenchErr = err
				return
			}
		}
	})
	if pdfBenchErr != nil {
		b.Fatal(pdfBenchErr)
	}
	s, err := sqlite.Open(context.Background(), pdfBenchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkPDF100k writes the cards of a batch (10,000 and 100,000) to one
// 10-up PDF, reading them from the store as Export would, and in the same
// run encodes the same QR codes alone (QRModules of each PIN, one after
// the other); it reports both times, their ratio, the peak heap while
// writing and the file size. The peak heap should not grow with the cards.
func BenchmarkPDF100k(b *testing.B) {
	s := pdfBenchStore(b)
	lay, err := LayoutByName(LayoutCardsA4, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
	for i, n := range pdfBenchSizes {
		batch := int64(i + 1)
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			ctx := context.Background()
			var pdf, qr time.Duration
			var peak, size float64
			var pages int
			for b.Loop() {
				path := filepath.Join(b.TempDir(), "v.pdf")
				f, err := os.Create(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				stop := peakHeap()
				start := time.Now()
				w := bufio.NewWriterSize(f, 1<<20)
				pages, err = WritePDF(ctx, w, func(yield func(Tile, data.Card) error) error {
					return s.Each(ctx, data.Filter{Batch: batch}, data.Sort{}, func(c data.Card) error { return yield(TileFor(c, "", data.Plain), c) })
				}, int64(n), PDFOptions{Layout: lay, CutMarks: true, Colours: map[int64]string{80000: "#1E88E5"}}, nil)
				if err == nil {
					err = w.Flush()
				}
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				pdf += time.Since(start)
				peak = max(peak, stop())
				if err != nil {
					b.Fatal(err)
				}
				if want := lay.Pages(int64(n)) + 1; pages != want {
					b.Fatalf("%d pages, want %d", pages, want)
				}
				if st, err := os.Stat(path); err == nil {
					size = float64(st.Size()) / (1 << 20)
				}
				os.Remove(path)
				qr += encodeAll(b, s, batch, func(pin string) ([]byte, error) { _, err := QRModules(pin); return nil, err })
			}
			runs := float64(b.N)
			b.ReportMetric(pdf.Seconds()/runs, "pdf-s")
			b.ReportMetric(qr.Seconds()/runs, "qr-alone-s")
			b.ReportMetric(pdf.Seconds()/qr.Seconds(), "ratio")
			b.ReportMetric(peak, "peak-heap-MB")
			b.ReportMetric(size, "file-MB")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}
