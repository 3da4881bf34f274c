package data

import (
	"fmt"
	"strings"
	"time"
)

// ExpiryMode says what a mass edit does with the expiry date.
type ExpiryMode int

// The seed's "preserve" / "set to", plus clearing the expiry.
const (
	ExpiryPreserve ExpiryMode = iota
	ExpirySet
	ExpiryClear
)

// BlockMode says what a mass edit does with the blocked flag.
type BlockMode int

// Preserve, block (lost or stolen stock) or unblock.
const (
	BlockPreserve BlockMode = iota
	BlockSet
	BlockClear
)

// Edit is the seed's "Mass Top-up Cards Edit": each part preserves or sets.
type Edit struct {
	Expiry   ExpiryMode
	ExpireAt time.Time // with ExpirySet
	Reseller string    // "" preserves; otherwise the new owner's name
	Block    BlockMode
}

// IsNoop reports whether e changes nothing.
func (e Edit) IsNoop() bool {
	return e.Expiry == ExpiryPreserve && strings.TrimSpace(e.Reseller) == "" && e.Block == BlockPreserve
}

// Describe says in words what e does.
func (e Edit) Describe() string {
	var parts []string
	switch e.Expiry {
	case ExpirySet:
		parts = append(parts, "expiry set to "+Plain.DateTime(e.ExpireAt))
	case ExpiryClear:
		parts = append(parts, "expiry cleared")
	}
	if r := strings.TrimSpace(e.Reseller); r != "" {
		parts = append(parts, fmt.Sprintf("reseller set to %q", r))
	}
	switch e.Block {
	case BlockSet:
		parts = append(parts, "blocked")
	case BlockClear:
		parts = append(parts, "unblocked")
	}
	return strings.Join(parts, ", ")
}

// Result says what a mass edit or delete did.
type Result struct {
	Cards int64 // cards changed or deleted
	// Op is the history entry of the change; Undo(Op) takes it back. 0 when
	// nothing was changed.
	Op int64
}
