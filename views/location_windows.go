package views

import "golang.org/x/sys/windows"

// documentsDir returns the person's Documents folder as Windows knows it
// (also when it was moved, for example into OneDrive).
func documentsDir() string {
	if d, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0); err == nil && d != "" {
		return d
	}
	return homeDocuments()
}
