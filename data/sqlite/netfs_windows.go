package sqlite

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// fsKind says "a network drive" when dir lies on one (a mapped drive
// letter or a \\server\share path), or "".
func fsKind(dir string) string {
	vol := filepath.VolumeName(dir)
	if strings.HasPrefix(vol, `\\`) {
		return "a network share"
	}
	if vol == "" {
		return ""
	}
	root, err := windows.UTF16PtrFromString(vol + `\`)
	if err != nil {
		return ""
	}
	if windows.GetDriveType(root) == windows.DRIVE_REMOTE {
		return "a network drive"
	}
	return ""
}
