# The two commands of the quick start: `make run` and `make test`.
# The distribution's python3 (3.11+) when there is one: Debian's and Ubuntu's are built with profile-guided and
# link-time optimisation, which lays out letters about 10% faster than a plain build found earlier on PATH (pyenv).
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do $$p -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Without settings the app runs on SQLite under var/ with Celery tasks executed eagerly.
# `make run` is a local demo: debug mode, so no secret key is needed.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run test setup system-deps migrate seed lint bench worker clean

run: setup
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo --campaign
	$(RUN_ENV) $(PY) manage.py refresh_dashboard
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Benchmarks on the local PostgreSQL (databases wuye_bench, wuye_bench_split, wuye_bench_notices, wuye_bench_dash and wuye_bench_sms_batch are dropped and recreated).
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/split.py
	$(PY) bench/notices.py
	$(PY) bench/dashboard.py
	$(PY) bench/report.py
	$(PY) bench/sms.py

worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=info --concurrency=2

clean:
	rm -rf $(VENV) var/staticfiles
