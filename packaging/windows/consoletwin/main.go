// Command consoletwin writes the console twin of a Windows GUI program: a copy
// whose PE header says "console subsystem" instead of "GUI subsystem".
//
//	go run ./packaging/windows/consoletwin "Top-up Cards.exe" topupcards.exe
//
// The Go linker's -H windowsgui changes nothing else in the file than that
// field (and, through the external linker, -mwindows instead of -mconsole,
// which again sets only the subsystem), so the copy runs the same code, with
// the same icon, version information and manifest, but Windows gives it the
// console of cmd.exe or PowerShell: its output, its exit status and its
// redirection behave as on Linux. The PE checksum is brought up to date when
// the original carries one.
package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// Offsets inside the PE optional header; the same for PE32 and PE32+.
const (
	offCheckSum  = 64
	offSubsystem = 68

	subsystemGUI     = 2
	subsystemConsole = 3
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: consoletwin GUI.exe CONSOLE.exe")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "consoletwin:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	b, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if err := toConsole(b); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, b, 0o755)
}

// toConsole flips the subsystem of the PE image b from GUI to console in
// place and updates its checksum.
func toConsole(b []byte) error {
	if len(b) < 0x40 || string(b[:2]) != "MZ" {
		return errors.New("not a Windows executable (no MZ header)")
	}
	pe := int(binary.LittleEndian.Uint32(b[0x3c:]))
	opt := pe + 4 + 20 // signature, COFF file header
	if pe < 0 || opt+offSubsystem+2 > len(b) || string(b[pe:pe+4]) != "PE\x00\x00" {
		return errors.New("not a Windows executable (no PE header)")
	}
	if magic := binary.LittleEndian.Uint16(b[opt:]); magic != 0x10b && magic != 0x20b {
		return fmt.Errorf("unknown optional header magic %#x", magic)
	}
	switch sub := binary.LittleEndian.Uint16(b[opt+offSubsystem:]); sub {
	case subsystemGUI:
	case subsystemConsole:
		return errors.New("already a console program")
	default:
		return fmt.Errorf("subsystem %d is neither GUI nor console", sub)
	}
	binary.LittleEndian.PutUint16(b[opt+offSubsystem:], subsystemConsole)
	if binary.LittleEndian.Uint32(b[opt+offCheckSum:]) != 0 {
		binary.LittleEndian.PutUint32(b[opt+offCheckSum:], checksum(b, opt+offCheckSum))
	}
	return nil
}

// checksum computes the PE image checksum (as imagehlp's CheckSumMappedFile
// does): the one's-complement-style 16-bit sum of the file with the checksum
// field taken as zero, plus the file's length.
func checksum(b []byte, at int) uint32 {
	var sum uint64
	for i := 0; i < len(b); i += 2 {
		if i >= at && i < at+4 {
			continue
		}
		w := uint64(b[i])
		if i+1 < len(b) {
			w |= uint64(b[i+1]) << 8
		}
		sum += w
		sum = (sum & 0xffff) + (sum >> 16)
	}
	sum = (sum & 0xffff) + (sum >> 16)
	return uint32(sum) + uint32(len(b))
}
