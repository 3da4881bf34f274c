//go:build !windows

package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"

	"topupcards/data"
)

// On Linux (and other Unix systems) printing goes through CUPS's command
// line: lpstat lists the printers, lp sends the file. Both honour
// CUPS_SERVER, so the tests talk to a private cupsd.

// errNoCUPS says how to get printing.
var errNoCUPS = data.NewError(data.ErrNotFound, "printing needs CUPS (the lp and lpstat commands); install it with: sudo apt-get install cups")

// listPrinters lists CUPS's printers, the default marked.
func listPrinters(ctx context.Context) ([]Printer, error) {
	if _, err := exec.LookPath("lpstat"); err != nil {
		return nil, errNoCUPS
	}
	out, err := exec.CommandContext(ctx, "lpstat", "-e").Output()
	if err != nil {
		return nil, fmt.Errorf("list printers (lpstat -e): %w%s; is CUPS running?", err, stderrOf(err))
	}
	def := ""
	if d, err := exec.CommandContext(ctx, "lpstat", "-d").Output(); err == nil {
		if _, name, ok := strings.Cut(string(d), ": "); ok {
			def = strings.TrimSpace(name)
		}
	}
	var ps []Printer
	for _, name := range strings.Fields(string(out)) {
		ps = append(ps, Printer{Name: name, Default: name == def})
	}
	return ps, nil
}

var lpJob = regexp.MustCompile(`request id is (\S+)`)

// sendToPrinter hands path to printer with lp, long-edge duplex when
// asked, and returns CUPS's job id. lp sends the whole file to CUPS before
// it returns, so the file can go then.
func sendToPrinter(ctx context.Context, printer, path string, copies int, duplex bool) (string, error) {
	if _, err := exec.LookPath("lp"); err != nil {
		return "", errNoCUPS
	}
	ps, err := listPrinters(ctx)
	if err != nil {
		return "", err
	}
	known := false
	for _, p := range ps {
		known = known || p.Name == printer
	}
	if !known {
		return "", data.NewError(data.ErrNotFound, "print: no printer named %q; topupcards printers lists them", printer)
	}
	args := []string{"-d", printer, "-n", strconv.Itoa(copies), "-t", "Top-up Cards vouchers"}
	if duplex {
		args = append(args, "-o", "sides=two-sided-long-edge")
	}
	out, err := exec.CommandContext(ctx, "lp", append(args, "--", path)...).Output()
	if err != nil {
		return "", fmt.Errorf("print to %s (lp): %w%s", printer, err, stderrOf(err))
	}
	m := lpJob.FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("print to %s: lp said %q, not which job it made", printer, bytes.TrimSpace(out))
	}
	return string(m[1]), nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(ee.Stderr) > 0 {
		return " (" + strings.TrimSpace(string(ee.Stderr)) + ")"
	}
	return ""
}
