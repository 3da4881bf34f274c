package export

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skip2/go-qrcode"

	"topupcards/data"
	"topupcards/data/sqlite"
)

var (
	benchOnce  sync.Once
	benchPath  string
	benchErr   error
	benchSizes = []int{2_500, 5_000, 10_000, 20_000, 50_000, 100_000}
)

// benchStore opens (making it once per process) a file with one batch per
// size in benchSizes, so that each size is exported as a batch.
func benchStore(b *testing.B) *sqlite.Store {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "topupcards-export-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "cards.db")
		s, err := sqlite.Open(context.Background(), benchPath)
		if err != nil {
			benchErr = err
			return
		}
		defer s.Close()
		for i, n := range benchSizes {
			if _, err := s.Generate(context.Background(), data.GenerateParams{Amount: 800, Quantity: n, Series: fmt.Sprint(i + 1),
				ExpiresAt: time.Now().AddDate(1, 0, 0)}, nil); err != nil {
				benchErr = err
				return
			}
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	s, err := sqlite.Open(context.Background(), benchPath)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// peakHeap samples the heap in use until stop is called and returns the
// largest value seen, in MB.
func peakHeap() (stop func() float64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(peak.Load()) / (1 << 20)
	}
}

// referencePNG is the encoding the issue measured (go-qrcode's image and
// the standard PNG encoder at BestSpeed), kept as a second baseline.
func referencePNG(content string) ([]byte, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, q.Image(-QRModulePixels))
	return buf.Bytes(), err
}

// encodeAll encodes the QR codes of the cards of batch alone, one after the
// other, with encode: the baseline the export is measured against.
func encodeAll(b *testing.B, s *sqlite.Store, batch int64, encode func(string) ([]byte, error)) time.Duration {
	var pins []string
	if err := s.Each(context.Background(), data.Filter{Batch: batch}, data.Sort{}, func(c data.Card) error {
		pins = append(pins, c.PIN)
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, p := range pins {
		if _, err := encode(p); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkExportVsQR measures, in one run and for each size, the voucher
// workbook export and the encoding of the same QR codes alone, and reports
// their ratio and the export's peak heap.
func BenchmarkExportVsQR(b *testing.B) {
	s := benchStore(b)
	for i, n := range benchSizes {
		batch := int64(i + 1)
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			var exp, qr, ref time.Duration
			var peak float64
			for b.Loop() {
				path := filepath.Join(b.TempDir(), "v.xlsx")
				runtime.GC()
				stop := peakHeap()
				start := time.Now()
				res, err := Export(context.Background(), s, data.Filter{Batch: batch}, path, Options{})
				exp += time.Since(start)
				peak = max(peak, stop())
				if err != nil || res.Cards != int64(n) {
					b.Fatalf("%d cards, %v", res.Cards, err)
				}
				qr += encodeAll(b, s, batch, QRPNG)
				ref += encodeAll(b, s, batch, referencePNG)
				os.Remove(path)
			}
			runs := float64(b.N)
			b.ReportMetric(exp.Seconds()/runs, "export-s")
			b.ReportMetric(qr.Seconds()/runs, "qr-alone-s")
			b.ReportMetric(exp.Seconds()/qr.Seconds(), "ratio")
			b.ReportMetric(ref.Seconds()/runs, "qr-reference-s")
			b.ReportMetric(exp.Seconds()/ref.Seconds(), "ratio-reference")
			b.ReportMetric(peak, "peak-heap-MB")
		})
	}
}

// BenchmarkQRPNG is one QR code encoded to PNG, by the export's encoder
// and by the reference one.
func BenchmarkQRPNG(b *testing.B) {
	for name, enc := range map[string]func(string) ([]byte, error){"export": QRPNG, "reference": referencePNG} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := enc("452428293854"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExportCSV100k writes the CSV of 100,000 cards.
func BenchmarkExportCSV100k(b *testing.B) {
	s := benchStore(b)
	for b.Loop() {
		path := filepath.Join(b.TempDir(), "cards.csv")
		if _, err := Export(context.Background(), s, data.Filter{Batch: int64(len(benchSizes))}, path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
