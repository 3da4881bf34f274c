//go:build !windows

package views

import (
	"os"
	"path/filepath"
)

// documentsDir returns the person's documents folder: XDG_DOCUMENTS_DIR when
// the session exports it, else ~/Documents.
func documentsDir() string {
	if d := os.Getenv("XDG_DOCUMENTS_DIR"); filepath.IsAbs(d) {
		return d
	}
	return homeDocuments()
}
