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
run: setup
	@mkdir -p var/celery/queue var/celery/control var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  motcua: http://127.0.0.1:$(PORT)/   (Ctrl-C stops web, workers and beat)"
	@echo ""
	WEB_PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile

test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

messages: setup
	$(PY) manage.py makemessages -l en --ignore ".venv/*" --ignore "var/*" --ignore "tests/*" --ignore "benchmarks/*"
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: setup
	$(PY) benchmarks/calendar_bench.py
	$(PY) benchmarks/sweep_bench.py
	$(PY) benchmarks/permits_pages_bench.py

# Debian's Chromium for the browser tests (tests/browser); run as root.
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) var .pytest_cache
