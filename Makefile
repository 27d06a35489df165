# The two commands of the README's quick start. Each sets up what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSTEM := $(VENV)/.system-packages
CATALOG := web/translations/en/LC_MESSAGES/messages
DB_FILE := instance/lienthong.db
export LIENTHONG_DATABASE_URL ?= sqlite:///$(CURDIR)/$(DB_FILE)
# Debian packages: fonts with Vietnamese glyphs and Pango for PDFs (WeasyPrint),
# Chromium for the browser tests (never a downloaded browser).
RUN_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) chromium

.PHONY: run test setup lint bench translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CATALOG).mo: $(CATALOG).po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d web/translations

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

setup: $(STAMP) $(CATALOG).mo
	$(call apt_install,$(RUN_PACKAGES))

# The production server needs a secret key: one of its own for this checkout, kept in
# instance/secret_key (readable by its owner only), unless the environment gives one.
run: setup
	mkdir -p instance
	test -s instance/secret_key || (umask 077 && $(BIN)/python -c \
		'import secrets; print(secrets.token_urlsafe(48))' > instance/secret_key)
	$(BIN)/lienthong demo --if-fresh
	$(BIN)/lienthong init-db
	$(BIN)/lienthong deploy workflows --user system
	LIENTHONG_SECRET_KEY="$${LIENTHONG_SECRET_KEY:-$$(cat instance/secret_key)}" \
		$(BIN)/lienthong serve

test: setup lint
	$(call apt_install,$(TEST_PACKAGES))
	$(BIN)/pytest

# Style, types, and the layers of docs/architecture.md (import-linter contracts in
# pyproject.toml; no cache, so a stale one never hides a wrong import).
lint: $(STAMP)
	$(BIN)/ruff check engine web tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/engine.py

# After changing UI text: extract, merge, fill English from web/translations/en/*.json.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations -l en
	$(BIN)/python web/translations/translate.py
	$(BIN)/pybabel compile -d web/translations

clean:
	rm -rf $(VENV) instance *.egg-info
