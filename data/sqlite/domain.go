package sqlite

import (
	"context"

	"topupcards/data"
	"topupcards/data/sqlcore"
)

// errf makes a domain error (data.NewError).
func errf(kind error, format string, a ...any) error { return data.NewError(kind, format, a...) }

var _ data.Store = (*Store)(nil)

// core is the part of the store both SQL stores share; embedded under this
// name, it is no field of the store's API.
type core = sqlcore.Core

// resellerID finds a reseller by name (sqlcore.ResellerID).
func resellerID(ctx context.Context, q sqlcore.RowQueryer, name string) (int64, error) {
	return sqlcore.ResellerID(ctx, q, name)
}
