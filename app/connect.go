package app

import (
	"context"
	"net/url"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"topupcards/data"
	"topupcards/data/postgres"
	"topupcards/data/sqlite"
	"topupcards/views"
)

// prefServerURL remembers the last server connected to, without its
// password, for File → Connect to a server….
const prefServerURL = "server.url"

// prefLastPlace remembers where the work moved last through the File menu:
// "server" or "file" (offerLastServer).
const prefLastPlace = "db.last"

// makeFileMenu is File: connect to a server, or open another card file.
func (m *MainWindow) makeFileMenu() *fyne.Menu {
	return fyne.NewMenu("File",
		fyne.NewMenuItem("Connect to a server…", m.showConnect),
		fyne.NewMenuItem("Open a card file…", m.showOpenFile),
	)
}

// showConnect opens File → Connect to a server….
func (m *MainWindow) showConnect() {
	p := fyne.CurrentApp().Preferences()
	m.connect = views.NewConnectDialog(m.Window, m.Tasks, p.String(prefServerURL), m.connectServer)
	m.connect.Show()
}

// connectServer opens the server's database at rawURL with password and
// moves the work there (disk and network work: run it off the UI
// goroutine). The URL is remembered without its password.
func (m *MainWindow) connectServer(ctx context.Context, rawURL, password string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil || u.User.Username() == "" {
		return data.NewError(data.ErrInvalid, "the server's address %q: write it as postgres://USER@HOST:5432/DATABASE", postgres.Redact(rawURL))
	}
	bare := *u
	bare.User = url.User(u.User.Username())
	if password != "" {
		u.User = url.UserPassword(u.User.Username(), password)
	}
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		return err
	}
	fyne.CurrentApp().Preferences().SetString(prefServerURL, bare.String())
	fyne.CurrentApp().Preferences().SetString(prefLastPlace, "server")
	fyne.Do(func() { m.moveTo(s) })
	return nil
}

// offerLastServer opens File → Connect to a server… at start when this
// desk moved to a server last time: the window opened over the local card
// file, and a cashier who did not notice would redeem into it. The server
// is offered again (its password is never remembered); Close stays on the
// file. It reports whether it offered.
func (m *MainWindow) offerLastServer() bool {
	p := fyne.CurrentApp().Preferences()
	if p.String(prefLastPlace) != "server" || p.String(prefServerURL) == "" {
		return false
	}
	m.showConnect()
	m.connect.Message.SetText("Last time this desk worked on the server above. Connect to it again, or Close to work on the card file " +
		m.store.Path() + ".")
	m.Canvas().Focus(m.connect.Password)
	return true
}

// showOpenFile opens another SQLite card file.
func (m *MainWindow) showOpenFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		m.Tasks.Go(func() {
			s, err := sqlite.Open(context.Background(), path)
			fyne.Do(func() {
				if err != nil {
					dialog.ShowError(err, m.Window)
					return
				}
				fyne.CurrentApp().Preferences().SetString(prefLastPlace, "file")
				m.moveTo(s)
			})
		})
	}, m.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".db"}))
	d.Show()
}

// moveTo replaces this window by one over s, and closes this window and
// its store.
func (m *MainWindow) moveTo(s data.Store) {
	next := newMainWindow(fyne.CurrentApp(), s, &views.Tasks{Synchronous: m.Tasks.Synchronous})
	next.onMoved = m.onMoved
	next.SetTitle("Top-up Cards — " + s.Path())
	next.Show()
	if m.onMoved != nil {
		m.onMoved(s)
	}
	old := m.store
	m.Close()
	m.Tasks.Go(func() { _ = old.Close() })
	m.moved = next
}
