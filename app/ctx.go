package app

import "context"

func bgCtx() context.Context { return context.Background() }
