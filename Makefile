# motcua — the only commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup run test lint messages bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("motcua needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# Web on 127.0.0.1:$(PORT), two Celery workers (default + notifications; e-mail + SMS) and
# Celery beat, on SQLite and a file broker.
# Links in notices and the QR code of Mẫu 01 point to the running port unless SITE_URL is set.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	@mkdir -p var/celery/queue var/celery/control var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  motcua: http://127.0.0.1:$(PORT)/   (Ctrl-C stops web, workers and beat)"
	@echo "  links in notices and on Mẫu 01: $$SITE_URL"
	@echo ""
	WEB_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

# The suite on two processes (pytest-xdist), each with a test database and a Redis broker
# database of its own (config/settings_test.py). Tests are handed out one by one in
# pytest-django's order (so each process runs its transactional tests, whose flush empties
# the tables, after the others, as one process would); an `xdist_group` stays on one
# process. `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= 2
test: setup
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The English catalogue of the project's (Vietnamese) strings, and the Vietnamese catalogue
# of the third-party strings the staff see (viewflow and django-filter ship no Vietnamese;
# Django's Vietnamese lacks its own "5 minutes"):
# their msgids are extracted from the installed packages and merged into locale/vi.
# New msgids arrive untranslated: fill them in locale/vi/LC_MESSAGES/django.po.
VI_PACKAGES := viewflow django_filters
messages: setup
	$(PY) manage.py makemessages -l en --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "benchmarks/*"
	@rm -rf var/i18n && mkdir -p var/i18n/locale
	@set -e; for pkg in $(VI_PACKAGES); do \
	  src="$$($(PY) -c "import importlib.util as u; print(u.find_spec('$$pkg').submodule_search_locations[0])")"; \
	  cp -r "$$src" var/i18n/; rm -rf var/i18n/$$pkg/locale var/i18n/$$pkg/static; done; \
	  cp "$$($(PY) -c "import django.utils.timesince as t; print(t.__file__)")" var/i18n/  # Django's own vi lacks these
	cd var/i18n && $(CURDIR)/$(VENV)/bin/django-admin makemessages -l vi --no-location --no-wrap
	msgmerge --quiet --update --no-fuzzy-matching --backup=none --no-location --no-wrap \
	  locale/vi/LC_MESSAGES/django.po var/i18n/locale/vi/LC_MESSAGES/django.po
	@rm -rf var/i18n
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: setup
	$(PY) benchmarks/calendar_bench.py
	$(PY) benchmarks/sweep_bench.py
	$(PY) benchmarks/permits_pages_bench.py
	$(PY) benchmarks/transitions_bench.py --http
	$(PY) benchmarks/lookup_bench.py
	$(PY) benchmarks/delivery_bench.py
	$(PY) benchmarks/councils_workspace_bench.py
	$(PY) benchmarks/penalties_register_bench.py
	$(PY) benchmarks/tasks_pages_bench.py

# Debian's Chromium for the browser tests (tests/browser); run as root.
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) var .pytest_cache
