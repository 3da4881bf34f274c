package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// TestCreatePrivateACL checks that a new database folder and file are
// readable by the current user and SYSTEM only, and that a file SQLite makes
// next to the database later (-wal, -shm) inherits that.
//
// Run it on Windows itself: Wine 8 keeps no access lists (it maps them onto
// Unix mode bits and makes one up from those when asked), so it is skipped
// there.
func TestCreatePrivateACL(t *testing.T) {
	if windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil {
		t.Skip("Wine does not keep access lists")
	}
	// Not t.TempDir: under Wine 8 its clean-up fails ("Invalid function")
	// on the POSIX-style delete Go asks Windows for.
	tmp, err := os.MkdirTemp("", "topupcards-acl-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(tmp) })
	dir := filepath.Join(tmp, "Zoë Ünal", "topupcards")
	path := filepath.Join(dir, "cards.db")
	if err := createPrivate(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil {
		t.Fatal(err)
	}
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	system, err := windows.CreateWellKnownSid(windows.WinLocalSystemSid)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path      string
		protected bool
	}{{dir, true}, {path, true}, {path + "-wal", false}} {
		sd, err := windows.GetNamedSecurityInfo(tc.path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		control, _, err := sd.Control()
		if err != nil {
			t.Fatal(err)
		}
		if got := control&windows.SE_DACL_PROTECTED != 0; got != tc.protected {
			t.Errorf("%s: DACL protected %v, want %v", tc.path, got, tc.protected)
		}
		dacl, _, err := sd.DACL()
		if err != nil || dacl == nil {
			t.Fatalf("%s: no DACL (%v)", tc.path, err)
		}
		if dacl.AceCount != 2 {
			t.Errorf("%s: %d access entries, want 2 (the user and SYSTEM)", tc.path, dacl.AceCount)
		}
		for i := 0; i < int(dacl.AceCount); i++ {
			var ace *windows.ACCESS_ALLOWED_ACE
			if err := windows.GetAce(dacl, uint32(i), &ace); err != nil {
				t.Fatal(err)
			}
			sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
			if !sid.Equals(user.User.Sid) && !sid.Equals(system) {
				t.Errorf("%s: entry %d lets in %s", tc.path, i, sid)
			}
		}
	}
}
