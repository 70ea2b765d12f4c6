# The two commands of the README, and the small ones they are made of.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# pytest-xdist workers for make test: one per core (0: one process). Each gets its own test
# database (pytest-django), Redis server, IMAP user and media folder (fieldservice/test_settings.py,
# bin/with-services). xdist's default distribution ("load") hands each worker the tests in
# pytest-django's order, as one process runs them: the transactional tests, whose flush empties
# what migrations wrote (the role groups), after the others. --dist loadfile or
# loadscope would not: they send the biggest files first, transactional tests and all.
PYTEST_WORKERS ?= auto

.PHONY: run serve test test-inner lint fmt migrate seed bench mutation venv messages clean

venv: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	# A leftover that is not a working virtualenv (a dangling or looping link, a half-made folder) is
	# replaced rather than tripped over.
	test -x $(PY) || { rm -rf $(VENV); python3 -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	# The lint step as a git pre-commit hook, for developers (CI does not need it).
	if git rev-parse --git-dir >/dev/null 2>&1; then $(VENV)/bin/pre-commit install >/dev/null; fi
	touch $@

# Front-end libraries from the npm registry, at the versions package-lock.json pins.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The compiled catalogs (.mo) from the committed ones (.po): built here, never committed.
# compilemessages walks the tree for locale folders; other people's packages are not ours to build.
messages: venv
	bin/system-deps gettext
	test ! -d locale || $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules \
		--ignore=var --ignore=staticfiles

# The app with demo data on SQLite, tasks run in-process, at http://127.0.0.1:8000/
# Inbound email is read from the Maildir var/mail/: a file dropped into var/mail/new/ is fetched
# within the minute.
run: venv messages
	mkdir -p var/mail/cur var/mail/new var/mail/tmp
	DATABASE_URL=sqlite:///var/db.sqlite3 REDIS_URL= $(PY) manage.py migrate --noinput
	DATABASE_URL=sqlite:///var/db.sqlite3 REDIS_URL= $(PY) manage.py seed_demo
	DATABASE_URL=sqlite:///var/db.sqlite3 REDIS_URL= INBOUND_MAIL_URL=maildir://$(CURDIR)/var/mail \
		$(PY) manage.py runserver 127.0.0.1:8000

# The app as production runs it (Procfile under honcho: gunicorn, a Celery worker per queue,
# beat; DEBUG=0) at http://127.0.0.1:8000/, on PostgreSQL, Redis and an SMTP sink started here
# unless DATABASE_URL, REDIS_URL and EMAIL_URL say where they are. Ctrl-C stops it all.
serve: venv messages
	bin/system-deps serve
	bin/serve

# The whole suite on real PostgreSQL and Redis, started on loopback and stopped afterwards.
test: venv
	bin/system-deps
	bin/with-services $(MAKE) --no-print-directory test-inner

test-inner: lint messages
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_translations
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: venv
	# The virtualenv and node_modules are each machine's own: a tracked .venv link (to the author's
	# checkout) once broke CI's clean checkout.
	@tracked=$$(git ls-files -- .venv node_modules 2>/dev/null | head -5); \
	if [ -n "$$tracked" ]; then \
		echo "lint: .venv/ and node_modules/ must not be tracked by git; found:" >&2; \
		echo "$$tracked" >&2; \
		echo "untrack them with: git rm -r --cached .venv node_modules" >&2; \
		exit 1; \
	fi
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/djlint templates --check

fmt: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: venv
	$(PY) manage.py migrate

bench: venv
	bin/with-services sh -c 'for b in bench/*.py; do $(PY) "$$b" || exit 1; done'

# Mutation testing of the rule modules (bin/mutation, docs/mutation.md): slow, like bench, and not
# part of make test. MODULES=tickets/sla.py (a part of a path) runs only those.
MODULES ?=
mutation: venv
	bin/system-deps
	bin/with-services nice -n 15 $(PY) bin/mutation $(MODULES)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
