package views

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// ConnectDialog is File → Connect to a server…: the PostgreSQL database
// that several desks share, by URL (the last one is offered again) and the
// login's password (never remembered). Connecting runs off the UI
// goroutine; a refusal is said in the dialog, which keeps what was typed.
type ConnectDialog struct {
	win      fyne.Window
	URL      *widget.Entry
	Password *widget.Entry
	Message  *widget.Label
	Connect  *widget.Button
	dlg      dialog.Dialog
	tasks    *Tasks
	// connect opens the database (the URL and the password apart) and
	// moves the window to it; its error is shown in the dialog.
	connect func(ctx context.Context, url, password string) error
}

// NewConnectDialog builds the dialog over win, offering url (the last one
// connected to, without its password).
func NewConnectDialog(win fyne.Window, tasks *Tasks, url string, connect func(ctx context.Context, url, password string) error) *ConnectDialog {
	d := &ConnectDialog{tasks: tasks, connect: connect, win: win}
	d.URL = widget.NewEntry()
	d.URL.SetPlaceHolder("e.g. postgres://ana@db.shop.lan:5432/topupcards")
	d.URL.SetText(url)
	d.Password = widget.NewPasswordEntry()
	d.Password.SetPlaceHolder("the login's password (not remembered)")
	d.Password.OnSubmitted = func(string) { d.onConnect() }
	d.Message = widget.NewLabel("")
	d.Message.Wrapping = fyne.TextWrapWord
	d.Connect = widget.NewButton("Connect", d.onConnect)
	d.Connect.Importance = widget.HighImportance
	about := widget.NewLabel("Several desks share one pool of cards on a PostgreSQL server. Ask your manager for the " +
		"server's address and your login (topupcards users add).")
	about.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem("Server", d.URL), widget.NewFormItem("Password", d.Password))
	content := container.NewVBox(about, form, d.Message)
	d.dlg = dialog.NewCustom("Connect to a server", "Close", container.NewBorder(nil, d.Connect, nil, nil, content), win)
	d.dlg.Resize(fyne.NewSize(560, 300))
	return d
}

// Show opens the dialog.
// Escape closes it; Enter connects.
func (d *ConnectDialog) Show() { keyed(d.dlg, d.win, d.onConnect).Show() }

// Hide closes the dialog.
func (d *ConnectDialog) Hide() { d.dlg.Hide() }

func (d *ConnectDialog) onConnect() {
	url := strings.TrimSpace(d.URL.Text)
	l := strings.ToLower(url)
	if !strings.HasPrefix(l, "postgres://") && !strings.HasPrefix(l, "postgresql://") {
		d.say("Write the server's address as postgres://USER@HOST:5432/DATABASE.", widget.DangerImportance)
		return
	}
	password := d.Password.Text
	d.Connect.Disable()
	d.say("Connecting…", widget.MediumImportance)
	d.tasks.Go(func() {
		err := d.connect(context.Background(), url, password)
		fyne.Do(func() {
			d.Connect.Enable()
			if err != nil {
				d.say(personMessage(err), widget.DangerImportance)
				return
			}
			d.dlg.Hide()
		})
	})
}

func (d *ConnectDialog) say(msg string, imp widget.Importance) {
	d.Message.SetText(msg)
	d.Message.Importance = imp
	d.Message.Refresh()
}
