# Top-up Cards: build, test and package. Needs GNU make.
#
#   make run ARGS='...'   build and open the app (ARGS go to ./topupcards)
#   make test             go vet and go test, no display needed
#   make package          Linux release archive, see the package target
#   make package-deb      Debian/Ubuntu package topupcards_<version>_amd64.deb
#   make package-windows  Windows program and installer, cross-built here
#   make test-windows     installs that into Wine and tests it (CLI and window)
#
# All but clean first run scripts/deps.sh, which checks for Go and installs
# the Debian packages Fyne's cgo driver needs (quiet when nothing is missing).

GO   ?= go
BIN  := topupcards
# migrated_fynedo: the code hands every UI change to the UI goroutine with
# fyne.Do, so Fyne drops its run-time thread checks and their locking. Tests
# use the same tag so they compile what ships; FyneApp.toml ([Migrations]
# fyneDo) tells `fyne package` the same.
TAGS := migrated_fynedo
ARGS ?=

# Name that `fyne package` gives the archive: the Name in FyneApp.toml.
PKG  := Top-up Cards.tar.xz

# The release's version and build number, from FyneApp.toml.
VERSION := $(shell awk -F'"' '/^Version *=/ { print $$2; exit }' FyneApp.toml)
BUILDNO := $(shell awk '/^Build *=/ { print $$3; exit }' FyneApp.toml)

# Windows release files (names with spaces, so they are not make targets).
WIN_GUI   := Top-up Cards.exe
WIN_CLI   := topupcards.exe
WIN_SETUP := Top-up Cards Setup $(VERSION).exe
DEB       := topupcards_$(VERSION)_amd64.deb

.PHONY: all deps build run test bench package package-windows test-windows package-deb test-deb clean

all: build

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

# The PDF tests render pages with poppler's pdftoppm and read every QR code
# and barcode back with zbarimg. The printing test starts its own cupsd
# (scripts/cups-test.sh: private configuration, spool and socket) with a
# cups-pdf virtual printer, prints and reads back what cups-pdf wrote. Then the race detector over the store, the views and
# the command line; -short leaves out the tests that start subprocesses or
# make tens of thousands of cards (they ran without it just before), which
# keeps the run within a few minutes on two cores.
#
# scripts/pgtest.sh runs the tests beside a throw-away PostgreSQL 15 server
# (Debian's postgresql package; initdb in a temporary folder, a free port
# of 127.0.0.1, run as nobody under root) and stops it afterwards; the
# PostgreSQL tests fail, not skip, when it cannot start.
test:
	@bash scripts/deps.sh poppler-utils zbar-tools postgresql cups printer-driver-cups-pdf
	$(GO) vet -tags $(TAGS) ./...
	bash scripts/pgtest.sh sh -c '$(GO) test -tags $(TAGS) -count=1 ./... && \
		$(GO) test -tags $(TAGS) -race -short -count=1 ./data/... ./views ./app'

bench: deps
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...

# Builds a release binary with the metadata of FyneApp.toml (its ID must
# match the one the code passes to app.NewWithID) and writes
# "Top-up Cards.tar.xz" to the repository root, next to this Makefile.
# The archive holds one folder, topupcards/, with a Makefile, the binary, the
# icon and a .desktop entry: unpack it, cd topupcards, then
# `make user-install` (into ~/.local) or `sudo make install` (/usr/local).
#
# The fyne tool is pinned by the `tool` directive in go.mod; tar needs xz,
# hence the extra package for deps.sh. fyne deletes ./topupcards first (it
# takes it for a stale build), so run `make build` again for the plain binary.
# fyne also bumps Build in FyneApp.toml and rewrites the file after every
# package; we put the file back, so a release number changes only when
# someone edits it on purpose.
package:
	@bash scripts/deps.sh xz-utils
	@keep=$$(mktemp) && cp FyneApp.toml "$$keep" || exit 1; \
	echo "$(GO) tool fyne package -os linux --tags $(TAGS) --release"; \
	$(GO) tool fyne package -os linux --tags $(TAGS) --release; status=$$?; \
	cp "$$keep" FyneApp.toml; rm -f "$$keep"; \
	[ $$status -eq 0 ] || exit $$status; \
	echo "package: wrote $(CURDIR)/$(PKG)"

# Windows, cross-built on Debian with MinGW-w64 (cgo) and NSIS. Writes
# "Top-up Cards.exe" (the window; GUI subsystem, with icon, version and
# manifest), topupcards.exe (its console twin for cmd.exe and PowerShell, see
# packaging/windows/consoletwin) and "Top-up Cards Setup <version>.exe" (the
# installer, packaging/windows/installer.nsi).
#
# The fyne tool itself is built for Linux, so without cgo (CGO_ENABLED=0, or
# it would compile its own C with MinGW); it turns cgo on again for the app.
# The first build compiles GLFW, OpenGL and the standard library for Windows:
# 9 minutes on 2 shared cores (more under load), then a minute or two.
# FyneApp.toml is put back as in package.
package-windows:
	@bash scripts/deps.sh gcc-mingw-w64-x86-64 nsis imagemagick
	@keep=$$(mktemp) && cp FyneApp.toml "$$keep" || exit 1; \
	echo "CGO_ENABLED=0 CC=x86_64-w64-mingw32-gcc GOARCH=amd64 $(GO) tool fyne package -os windows --tags $(TAGS) --release"; \
	env -u GOOS CGO_ENABLED=0 CC=x86_64-w64-mingw32-gcc GOARCH=amd64 \
		$(GO) tool fyne package -os windows --tags $(TAGS) --release; status=$$?; \
	cp "$$keep" FyneApp.toml; rm -f "$$keep"; \
	[ $$status -eq 0 ] || exit $$status
	$(GO) run ./packaging/windows/consoletwin "$(WIN_GUI)" "$(WIN_CLI)"
	@stage=$$(mktemp -d) && trap 'rm -rf "$$stage"' EXIT && \
	cp "$(WIN_GUI)" "$(WIN_CLI)" "$$stage/" && \
	convert assets/icon.png -define icon:auto-resize=256,64,48,32,16 "$$stage/icon.ico" && \
	echo "makensis packaging/windows/installer.nsi" && \
	makensis -V2 -INPUTCHARSET UTF8 -DVERSION=$(VERSION) -DBUILD=$(BUILDNO) \
		-DSRCDIR="$$stage" -DOUTFILE="$(CURDIR)/$(WIN_SETUP)" packaging/windows/installer.nsi
	@echo "package-windows: wrote $(CURDIR)/$(WIN_GUI), $(WIN_CLI) and $(WIN_SETUP)"

# Builds the Windows release, installs it silently into a throw-away Wine
# prefix and runs scripts/test-windows.sh: the command line from the
# installed folder, the PDF's QR codes read back, the window under Xvfb (its
# screenshot goes to build/windows.png), then the uninstaller. NOWINDOW=1
# leaves the window out.
test-windows: package-windows
	@bash scripts/deps.sh wine wine64 xvfb xauth xdotool imagemagick poppler-utils zbar-tools unzip
	bash scripts/test-windows.sh $(if $(NOWINDOW),--no-window,--screenshot build/windows.png) "$(WIN_SETUP)"

# A .deb for Debian 12 and Ubuntu: /usr/bin/topupcards, a .desktop entry and
# the icon, with dependencies on the X11 and OpenGL runtime libraries the
# binary links (packaging/deb/control). Install with
# `sudo apt install ./topupcards_<version>_amd64.deb`.
#
# Built like `make build` plus Fyne's release mode and stripped symbols, so
# it reuses what `make test` and `make build` compiled (-trimpath would
# recompile everything, GLFW's C included).
package-deb:
	@bash scripts/deps.sh dpkg-dev imagemagick
	$(GO) build -tags $(TAGS),release -ldflags "-s -w" -o build/deb/topupcards .
	bash packaging/deb/build.sh build/deb/topupcards $(VERSION) $(DEB)

# What CI checks of the .deb: its metadata and contents, then an install into
# this machine, a command-line round trip on a temporary database, and removal.
test-deb: package-deb
	bash packaging/deb/check.sh $(DEB)

clean:
	rm -f $(BIN) "$(PKG)" "$(WIN_GUI)" "$(WIN_CLI)" "$(WIN_SETUP)" topupcards_*.deb
	rm -rf build
