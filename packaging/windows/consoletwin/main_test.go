package main

import (
	"encoding/binary"
	"testing"
)

// fakePE is the smallest header toConsole reads: MZ, e_lfanew, PE signature,
// COFF header and an optional header with subsystem and checksum.
func fakePE(subsystem uint16, sum uint32) []byte {
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	opt := 0x80 + 24
	binary.LittleEndian.PutUint16(b[opt:], 0x20b)
	binary.LittleEndian.PutUint32(b[opt+offCheckSum:], sum)
	binary.LittleEndian.PutUint16(b[opt+offSubsystem:], subsystem)
	return b
}

func TestToConsole(t *testing.T) {
	b := fakePE(subsystemGUI, 1)
	if err := toConsole(b); err != nil {
		t.Fatal(err)
	}
	opt := 0x80 + 24
	if got := binary.LittleEndian.Uint16(b[opt+offSubsystem:]); got != subsystemConsole {
		t.Errorf("subsystem %d, want %d", got, subsystemConsole)
	}
	if got, want := binary.LittleEndian.Uint32(b[opt+offCheckSum:]), checksum(b, opt+offCheckSum); got != want {
		t.Errorf("checksum %#x, want %#x", got, want)
	}
	if err := toConsole(b); err == nil {
		t.Error("a console program was accepted twice")
	}
	if err := toConsole([]byte("MZ not really")); err == nil {
		t.Error("a truncated file was accepted")
	}
}

func TestChecksumIgnoresItsField(t *testing.T) {
	a, b := fakePE(subsystemGUI, 0), fakePE(subsystemGUI, 0xdeadbeef)
	at := 0x80 + 24 + offCheckSum
	if checksum(a, at) != checksum(b, at) {
		t.Error("checksum depends on the checksum field")
	}
}
