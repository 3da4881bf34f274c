package data

import (
	"slices"
	"testing"
	"time"
)

func TestGrouped(t *testing.T) {
	amt := int64(10000)
	for _, c := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{Status: StatusExpired, Reseller: "x", AmountFrom: &amt, ExpiryTo: time.Now(), Batch: 3, Printed: PrintedNo}, true},
		{Filter{SerialFrom: &Serial{Series: "A", Number: 1}}, false},
		{Filter{Status: StatusNew, Client: "rose"}, false},
		{Filter{ActivatedFrom: time.Now()}, false},
		{Filter{PIN: "123"}, false},
		{Filter{IDs: []int64{}}, false},
	} {
		if got := c.f.Grouped(); got != c.want {
			t.Errorf("%s: Grouped = %v, want %v", c.f.Describe(), got, c.want)
		}
	}
}

func TestSerialSpans(t *testing.T) {
	a1 := SerialSpan{Batch: 1, Series: "A", First: 1, Last: 100, Size: 100, Matched: 50}
	b := SerialSpan{Batch: 2, Series: "B", First: 1, Last: 10, Size: 10, Matched: 10}
	a2 := SerialSpan{Batch: 3, Series: "A", First: 101, Last: 200, Size: 100, Matched: 1}
	spans := []SerialSpan{b, a2, a1}
	batches := func(ss []SerialSpan) []int64 {
		var ids []int64
		for _, s := range ss {
			ids = append(ids, s.Batch)
		}
		return ids
	}
	for _, c := range []struct {
		desc  bool
		after *Serial
		want  []int64
	}{
		{false, nil, []int64{1, 3, 2}},
		{true, nil, []int64{2, 3, 1}},
		{false, &Serial{"A", 99}, []int64{1, 3, 2}},
		{false, &Serial{"A", 100}, []int64{3, 2}}, // batch 1's last card was the cursor
		{false, &Serial{"A", 200}, []int64{2}},
		{false, &Serial{"B", 10}, nil},
		{true, &Serial{"B", 1}, []int64{3, 1}},
		{true, &Serial{"A", 101}, []int64{1}},
		{true, &Serial{"A", 1}, nil},
	} {
		if got := batches(SerialSpans(spans, c.desc, c.after)); !slices.Equal(got, c.want) {
			t.Errorf("desc=%v after %v: batches %v, want %v", c.desc, c.after, got, c.want)
		}
	}
	if got := batches(spans); !slices.Equal(got, []int64{2, 3, 1}) {
		t.Errorf("SerialSpans reordered its argument: %v", got)
	}
	// Dense: the walk for want cards steps over at most spanWalkCap cards.
	big := SerialSpan{Size: 400_000, Matched: 2_000}
	if !big.Dense(100) || big.Dense(101) {
		t.Errorf("400,000 cards, 2,000 matching: Dense(100) = %v, Dense(101) = %v; want true, false", big.Dense(100), big.Dense(101))
	}
	if got := (SerialSpan{Size: 400_000, Matched: 300_000}).WalkChunk(100); got != 182 {
		t.Errorf("WalkChunk(100) at 3 in 4 matching = %d, want 182 (133 and a quarter, and 16)", got)
	}
	if got := big.WalkChunk(1000); got != spanWalkCap {
		t.Errorf("WalkChunk past the cap = %d, want %d", got, spanWalkCap)
	}
	if (SerialSpan{Size: 10}).Dense(1) {
		t.Error("a span with no matching card is dense")
	}
}
