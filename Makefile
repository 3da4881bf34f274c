# Top-up Cards: build, test and package. Needs GNU make.
#
#   make run ARGS='...'   build and open the app (ARGS go to ./topupcards)
#   make test             go vet and go test, no display needed
#   make package          Linux release archive, see the package target
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

.PHONY: all deps build run test bench package clean

all: build

deps:
	@bash scripts/deps.sh

build: deps
	$(GO) build -tags $(TAGS) -o $(BIN) .

run: build
	./$(BIN) $(ARGS)

# The PDF tests render pages with poppler's pdftoppm and read every QR code
# back with zbarimg. Then the race detector over the store, the views and
# the command line; -short leaves out the tests that start subprocesses or
# make tens of thousands of cards (they ran without it just before), which
# keeps the run within a few minutes on two cores.
test:
	@bash scripts/deps.sh poppler-utils zbar-tools
	$(GO) vet -tags $(TAGS) ./...
	$(GO) test -tags $(TAGS) -count=1 ./...
	$(GO) test -tags $(TAGS) -race -short -count=1 ./data ./views ./app

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

clean:
	rm -f $(BIN) "$(PKG)"
