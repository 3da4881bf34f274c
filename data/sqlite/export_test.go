package sqlite

import "context"

// Check waits for the integrity check and returns its verdict (tests only:
// the program meets it at its first write).
func (s *Store) Check(ctx context.Context) error { return s.writable(ctx) }
