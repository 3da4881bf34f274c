package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"topupcards/data"
)

func TestCanShowWindow(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for _, c := range []struct {
		goos string
		vars map[string]string
		want error
	}{
		{"linux", nil, errNoDisplay},
		{"linux", map[string]string{"DISPLAY": ":0"}, nil},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, nil},
		{"freebsd", nil, errNoDisplay},
		{"windows", nil, nil},
		{"darwin", nil, nil},
	} {
		if got := canShowWindow(c.goos, env(c.vars)); !errors.Is(got, c.want) {
			t.Errorf("%s %v: %v, want %v", c.goos, c.vars, got, c.want)
		}
	}
}

// Without a screen, `topupcards` says so and what to do instead, with exit
// 1, before it creates or opens any card database.
func TestNoWindowWithoutDisplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cards.db")
	opened := false
	res := runCLI(&CLI{
		CanShowWindow: func() error { return canShowWindow("linux", func(string) string { return "" }) },
		OpenWindow: func(context.Context, string, bool, func() (data.Store, error)) error {
			opened = true
			return nil
		},
	}, "--db", path)
	if res.code != 1 || !strings.Contains(res.stderr, "needs a graphical session") || !strings.Contains(res.stderr, "topupcards -h") {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	if opened {
		t.Error("the window was opened anyway")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a card database was made: %v", err)
	}
}
