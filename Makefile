# Developer tasks. Everything lives in a virtualenv at .venv (Python 3.11 as `python3`) and in
# node_modules (front-end assets, axe-core for the browser tests).
#
#   make install        venv + Python deps + npm deps + static/vendor assets + translations
#   make run            migrate, load the demo data if the database is empty, serve on :5000
#                       with the scheduler (reminders, mail) in a process beside it
#   make run DEMO=0     the same without the demo: an empty installation to set up yourself
#   make test           the whole suite that needs no external service (no browser, no PostgreSQL)
#   make test-browser   the real-browser tests (needs /usr/bin/chromium)
#   make lint | bench | clean
#
# Steps are guarded by stamp files, so a second `make install` only takes seconds.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app 'app:create_app()'
PYTEST_ARGS ?=

# Stamps: each is touched after its step succeeds and is older than what the step depends on.
VENV_STAMP := $(VENV)/.stamp-venv
PIP_STAMP := $(VENV)/.stamp-pip
PY_STAMP := $(VENV)/.stamp-python-deps
NPM_STAMP := node_modules/.stamp-npm
VENDOR_STAMP := static/vendor/.stamp-vendor

NPM_LOCK := $(wildcard package-lock.json)

DS_CSS := node_modules/@digdir/designsystemet-css/dist
INTER := node_modules/@fontsource/inter
# index.css is the 400 weight; latin-*.css hold only the latin subset (æøå included).
INTER_CSS := index.css 400.css 500.css 600.css 700.css \
             latin-400.css latin-500.css latin-600.css latin-700.css

.PHONY: install run test test-browser lint bench clean translations

install: $(PY_STAMP) $(VENDOR_STAMP) translations

$(VENV_STAMP):
	test -x $(BIN)/python3 || $(PYTHON) -m venv $(VENV)
	touch $@

$(PIP_STAMP): $(VENV_STAMP)
	$(BIN)/pip install --upgrade pip
	touch $@

$(PY_STAMP): $(PIP_STAMP) pyproject.toml
	$(BIN)/pip install -e '.[test]'
	touch $@

# npm ci wipes node_modules (and with it this stamp); without a lock file fall back to install.
$(NPM_STAMP): package.json $(NPM_LOCK)
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; \
	else npm install --no-audit --no-fund; fi
	touch $@

# Front-end assets served from /static/vendor/ (gitignored). The component CSS is one
# self-contained file (no @import; its icons are data: URLs). The Inter CSS files use
# url(./files/...), so the referenced font files are copied into inter/files/ beside them.
$(VENDOR_STAMP): $(NPM_STAMP) Makefile
	rm -rf static/vendor
	mkdir -p static/vendor/inter/files
	cp $(DS_CSS)/theme/designsystemet.css static/vendor/designsystemet-theme.css
	cp $(DS_CSS)/src/index.css static/vendor/designsystemet.css
	cp $(addprefix $(INTER)/,$(INTER_CSS)) $(INTER)/LICENSE static/vendor/inter/
	cd $(INTER) && grep -ho 'url(\./files/[^)]*)' $(INTER_CSS) \
	  | sed -e 's|^url(\./||' -e 's|)$$||' | sort -u \
	  | xargs cp -t $(CURDIR)/static/vendor/inter/files/
	touch $@

# Compiling the catalogues is quick; it runs every time so .mo files never go stale.
translations: $(PY_STAMP)
	@if [ -d app/translations ] && \
	    find app/translations -name '*.po' -path '*/LC_MESSAGES/*' | grep -q .; then \
	  $(BIN)/pybabel compile -d app/translations -f; \
	else \
	  echo "translations: no message catalogues to compile"; \
	fi

# Builds or upgrades instance/app.sqlite3, loads the demo into an empty database (not with
# DEMO=0), serves on :5000.
# The scheduler runs beside the server as its own process (reloader off, so neither starts
# twice) and is stopped when make exits; its database lease keeps a second one idle anyway.
DEMO ?= 1
ifeq ($(DEMO),0)
LOAD_DEMO = @echo "DEMO=0: the database has no demo. Create the first administrator with"; \
  echo "  $(FLASK) users create EMAIL --name NAME --role admin"
else
LOAD_DEMO = $(FLASK) demo load --if-empty
endif
run: install
	$(FLASK) db upgrade heads
	$(LOAD_DEMO)
	$(FLASK) scheduler run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --no-reload --host 127.0.0.1 --port 5000

# One pytest-xdist worker per core (each builds its own template database once); run
# `make test PARALLEL=` for a single process.
PARALLEL ?= -n auto
test: install
	$(BIN)/pytest -m "not browser and not postgres" -p no:cacheprovider $(PARALLEL) $(PYTEST_ARGS)

test-browser: install
	@test -x /usr/bin/chromium || { echo "test-browser: /usr/bin/chromium is missing (apt-get install -y chromium; never 'playwright install')" >&2; exit 1; }
	$(BIN)/pytest -m browser -p no:cacheprovider $(PYTEST_ARGS)

lint: $(PY_STAMP)
	$(BIN)/ruff check app workflows tests config.py

bench: install
	@if [ -f bench/__main__.py ]; then $(BIN)/python -m bench; \
	else echo "bench: bench/__main__.py does not exist yet"; fi

clean:
	rm -rf $(VENV) node_modules static/vendor .pytest_cache .ruff_cache .hypothesis \
	  build *.egg-info
	find . -path ./.git -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	[ ! -d app/translations ] || find app/translations -name '*.mo' -delete
