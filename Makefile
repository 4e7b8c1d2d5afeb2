# FitCore: `make run` serves the API with demo content, `make test` runs the whole suite.
# Nothing to install by hand: the virtualenv, the packages and (without DATABASE_URL) an
# embedded PostgreSQL are set up by these targets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements/lock.txt pyproject.toml | sha1sum | cut -c1-12)
PORT   ?= 8000
export PORT

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck schema bench clean-db

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/lock.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the locked dependencies

run: install ## serve the API with demo content on 127.0.0.1:$PORT (default 8000)
	@$(BIN)/python manage.py migrate --noinput
	@$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@$(BIN)/python manage.py seed_demo
	@scripts/serve.sh

lint: install ## ruff, import contracts, migrations and schema up to date, deploy checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DJANGO_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ENV=test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file .data/schema.check.yml
	diff -u openapi/schema.yml .data/schema.check.yml || (echo "openapi/schema.yml is stale: run 'make schema'" && exit 1)
	DJANGO_ENV=production DJANGO_SECRET_KEY=deploy-check-$$(head -c 32 /dev/urandom | sha256sum | cut -c1-40) \
		DJANGO_ALLOWED_HOSTS=api.fitcore.example $(BIN)/python manage.py check --deploy --fail-level WARNING

typecheck: install ## mypy with the Django and DRF plugins
	$(BIN)/mypy .

test: lint typecheck ## the whole suite: lint, types, then pytest
	DJANGO_ENV=test $(BIN)/pytest

schema: install ## regenerate the committed OpenAPI schema (openapi/schema.yml)
	DJANGO_ENV=test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file openapi/schema.yml

bench: install ## load-test a production-like server; prints a table, writes bench/results.json
	$(BIN)/python -m bench

clean-db: ## stop the embedded PostgreSQL and delete its data (.data/postgres)
	-$(BIN)/python -m core.embedded_db stop
	rm -rf .data/postgres
