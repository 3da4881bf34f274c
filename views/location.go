package views

import (
	"os"
	"os/exec"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// lastFolderKey is the preference in which Fyne's file dialogs remember the
// folder used last (fyne.io/fyne/v2/dialog keeps the name unexported).
const lastFolderKey = "fyne:fileDialogLastFolder"

// startInDocuments makes a file dialog open in the person's Documents folder
// until they have chosen a folder once; from then on Fyne opens the folder
// used last. Without it the dialog would start in the home folder.
func startInDocuments(d *dialog.FileDialog) {
	if a := fyne.CurrentApp(); a == nil || a.Preferences().String(lastFolderKey) != "" {
		return
	}
	dir := documentsDir()
	if dir == "" {
		return
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return
	}
	if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(l)
	}
}

// homeDocuments is the Documents folder in the home folder, or "".
func homeDocuments() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "Documents")
}

// startProgram starts name with args and does not wait for it to end
// (a file manager stays open); it reaps the process when it does.
func startProgram(name string, args ...string) error {
	cmd := exec.Command(name, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
