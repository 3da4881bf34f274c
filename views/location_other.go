//go:build !windows

package views

import (
	"os"
	"path/filepath"
	"runtime"
)

// documentsDir returns the person's documents folder: XDG_DOCUMENTS_DIR when
// the session exports it, else ~/Documents.
func documentsDir() string {
	if d := os.Getenv("XDG_DOCUMENTS_DIR"); filepath.IsAbs(d) {
		return d
	}
	return homeDocuments()
}

// showInFolder opens the folder that holds path in the file manager (on
// macOS with the file selected).
func showInFolder(path string) error {
	if runtime.GOOS == "darwin" {
		return startProgram("open", "-R", path)
	}
	return startProgram("xdg-open", filepath.Dir(path))
}
