# Two commands from a fresh clone: `make run` and `make test`. Each does its own setup.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DDB_NPM := tools/dynamodb-local

.PHONY: deps run test lint unit ddb-local browser clean audit

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(DDB_NPM)/node_modules/.installed: $(DDB_NPM)/package.json $(DDB_NPM)/package-lock.json
	npm ci --prefix $(DDB_NPM) --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed $(DDB_NPM)/node_modules/.installed

## Run the app on the embedded default (SQLite + DynamoDB Local, demo data) at http://127.0.0.1:8000
run: deps
	$(PY) manage.py rundev

## The whole suite: lint, unit (moto), DynamoDB Local, Postgres (with DATABASE_URL), browser
test: deps
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

## Known vulnerabilities (PyPI's advisory data) in every package installed from requirements-dev.txt,
## transitive ones included; a package that cannot be checked fails the audit too (--strict).
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --strict --vulnerability-service pypi --progress-spinner off

lint: deps
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(DDB_NPM)/node_modules var staticfiles test-artifacts
