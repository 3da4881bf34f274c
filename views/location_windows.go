package views

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// documentsDir returns the person's Documents folder as Windows knows it
// (also when it was moved, for example into OneDrive).
func documentsDir() string {
	if d, err := windows.KnownFolderPath(windows.FOLDERID_Documents, 0); err == nil && d != "" {
		return d
	}
	return homeDocuments()
}

// showInFolder opens Explorer on the folder that holds path, with the file
// selected. Explorer reads its command line itself and wants the path
// quoted after /select, (Go would quote the whole argument).
func showInFolder(path string) error {
	cmd := exec.Command("explorer")
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: `explorer /select,"` + path + `"`}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
