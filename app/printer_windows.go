//go:build windows

package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"

	"topupcards/data"
)

// On Windows the printers are those of the system (Settings > Printers &
// scanners), listed by PowerShell's Get-Printer, and a PDF is printed the
// way Explorer's "Print" does it: ShellExecute's "printto" verb, which
// runs the PDF program registered for .pdf (SumatraPDF, Adobe Acrobat
// Reader, ...) and gives it the printer's name. A PDF program without a
// "printto" verb (the Edge browser has none) cannot print unattended: the
// error says to install one. The PDF program reads the file after
// ShellExecute returns, so the file is copied into the print folder and
// removed at a later print once it is an hour old.

func listPrinters(ctx context.Context) ([]Printer, error) {
	out, err := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command",
		"Get-CimInstance Win32_Printer | ForEach-Object { $_.Name + \"`t\" + $_.Default }").Output()
	if err != nil {
		return nil, fmt.Errorf("list printers (PowerShell Get-CimInstance Win32_Printer): %w", err)
	}
	var ps []Printer
	for _, l := range strings.Split(strings.ReplaceAll(string(out), "\r", ""), "\n") {
		name, def, ok := strings.Cut(l, "\t")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		ps = append(ps, Printer{Name: name, Default: strings.EqualFold(strings.TrimSpace(def), "True")})
	}
	return ps, nil
}

func sendToPrinter(ctx context.Context, printer, path string, copies int, duplex bool) (string, error) {
	ps, err := listPrinters(ctx)
	if err != nil {
		return "", err
	}
	known := false
	for _, p := range ps {
		known = known || strings.EqualFold(p.Name, printer)
	}
	if !known {
		return "", data.NewError(data.ErrNotFound, "print: no printer named %q; topupcards printers lists them", printer)
	}
	dir, err := printDir()
	if err != nil {
		return "", err
	}
	removeOld(dir)
	var rnd [6]byte
	rand.Read(rnd[:])
	job := hex.EncodeToString(rnd[:])
	keep := filepath.Join(dir, "vouchers-"+job+".pdf")
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(keep, b, 0o600); err != nil {
		return "", err
	}
	verb, _ := windows.UTF16PtrFromString("printto")
	file, _ := windows.UTF16PtrFromString(keep)
	arg, _ := windows.UTF16PtrFromString(`"` + printer + `"`)
	for range copies {
		if err := windows.ShellExecute(0, verb, file, arg, nil, windows.SW_HIDE); err != nil {
			return "", data.NewError(data.ErrInvalid, "print to %s: Windows could not print the PDF (%v); install a PDF program that can print to a chosen printer, such as SumatraPDF or Adobe Acrobat Reader, and make it the program for .pdf files", printer, err)
		}
	}
	_ = duplex // duplex is the printer's setting on Windows: set "Print on both sides" (flip on long edge) in its preferences
	return job, nil
}

// removeOld removes print files older than an hour.
func removeOld(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() && time.Since(info.ModTime()) > time.Hour && strings.HasPrefix(e.Name(), "vouchers-") {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
