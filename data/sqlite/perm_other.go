//go:build !windows

package sqlite

// restrictToOwner does nothing here: the modes 0700 and 0600 that the folder
// and the file are created with already keep other users out.
func restrictToOwner(path string, dir bool) error { return nil }
