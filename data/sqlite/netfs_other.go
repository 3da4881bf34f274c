//go:build !linux && !windows

package sqlite

// fsKind cannot tell on this system: "".
func fsKind(dir string) string { return "" }
