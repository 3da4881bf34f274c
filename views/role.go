package views

import (
	"fyne.io/fyne/v2/widget"

	"topupcards/data"
)

// cashier reports whether the store's login is a cashier's (a PostgreSQL
// database's topupcards_cashier role): the window then offers what that
// role may do, searching and redeeming, and hides the rest. The server
// refuses the rest anyway; hiding only spares the cashier the refusal.
func cashier(s Store) bool {
	r, ok := s.(data.Roled)
	return ok && r.Role() == data.RoleCashier
}

// managerOnly hides b when the store's login is a cashier's.
func (v *MainView) managerOnly(b *widget.Button) *widget.Button {
	if cashier(v.store) {
		b.Hide()
	}
	return b
}
