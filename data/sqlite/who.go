package sqlite

import (
	"os/user"
	"sync"
)

// osUser is the operating-system user this process runs as, which every
// history entry records as who made the change ("" if it cannot be told).
var osUser = sync.OnceValue(func() string {
	u, err := user.Current()
	if err != nil {
		return ""
	}
	return u.Username
})
