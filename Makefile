# Build the book into every format, test it, and publish it.
#   make            all three formats into _build/ (website, e-book, PDF handouts)
#   make test       every test, the slow ones included
# Both create .venv from requirements.txt (with hashes) and install missing system
# packages first. `make help` lists the rest.

SPHINXOPTS    ?=
PAPER         ?= letter
BUILDDIR      ?= _build
SOURCEDIR     ?= docs
# The folder of conf.py (and _static/): the repository root for this book.
CONFDIR       ?= .
VENV          ?= .venv
PYTHON        ?= $(VENV)/bin/python
SPHINXBUILD    = $(PYTHON) -m sphinx
# Strict by default: a warning is a failure, and every warning is shown before it fails.
# `make STRICT=0` shows the warnings without failing on them, writes every output and counts
# the warnings at the end: for a book whose own faults you will fix later, never a release.
STRICT        ?= 1
STRICT_FLAGS   = -n $(if $(filter 0,$(STRICT)),,-W )--keep-going
# The Python the virtual environment is made from (3.11 to 3.13): make PYTHON3=python3.13
PYTHON3       ?= python3
# Dates in the outputs come from the last commit (SOURCE_DATE_EPOCH, unless you set it), so
# a rebuild is byte-identical; a book outside git is dated now, and the build says so.
SOURCE_DATE_EPOCH ?= $(shell git -C $(CONFDIR) log -1 --format=%ct 2>/dev/null)
ifneq ($(SOURCE_DATE_EPOCH),)
export SOURCE_DATE_EPOCH
endif

# The paper size goes to every builder: with the same settings they share one doctree
# folder, so the sources are read once for all three formats.
SPHINX_ARGS    = $(STRICT_FLAGS) -c $(CONFDIR) -D handout_paper=$(PAPER) $(SPHINXOPTS)
STAMP          = $(VENV)/.installed
# scripts/build swaps an output folder in only when its build succeeded; several formats
# separated by --next are built in one process (Python and the extensions load once).
BUILD          = $(PYTHON) scripts/build

# Languages: the book's own (conf.py's `language`) builds into $(BUILDDIR)/html, epub,
# handout; each translation into $(BUILDDIR)/<lang>/html, epub, handout, from the catalogs
# in locales/<lang>/. `make LANGUAGES=en` builds one. The default is every language of
# conf.py's book_languages. One process per language: Sphinx keeps its translations in
# process-wide state.
CONF_LANGUAGES := $(shell sed -n 's/^book_languages *= *{\(.*\)}.*/\1/p' $(CONFDIR)/conf.py | grep -o '"[A-Za-z_-]*":' | tr -d '":')
SOURCE_LANGUAGE := $(shell sed -n 's/^language *= *"\([A-Za-z_-]*\)".*/\1/p' $(CONFDIR)/conf.py)
LANGUAGES     ?= $(or $(CONF_LANGUAGES),$(SOURCE_LANGUAGE),en)
langdir        = $(if $(filter $(1),$(or $(SOURCE_LANGUAGE),en)),$(BUILDDIR),$(BUILDDIR)/$(1))
# DRAFT=1 builds each translation as a draft for review: a passage its catalogs do not
# translate yet stays in the source language, marked and flagged on the page (i18n.py's
# translation_draft). For translators and reviewers; never publish one.
DRAFT         ?=
draftflag      = $(if $(and $(DRAFT),$(filter-out $(or $(SOURCE_LANGUAGE),en),$(1))),-D translation_draft=1 )
ljob           = $(call langdir,$(1))/$(2) -b $(3) $(SPHINX_ARGS) -D language=$(1) $(call draftflag,$(1))-d $(call langdir,$(1))/doctrees $(SOURCEDIR)
# $(call each,FORMAT BUILDER [--next FORMAT BUILDER]...): one build process per language.
# A language that fails (a translation whose catalogs lag behind the text, say) fails
# alone: every other language is still built and published, then make names the ones
# that were not and exits non-zero.
each           = failed=; $(foreach l,$(LANGUAGES),$(BUILD) $(call ljob,$(l),$(1),$(2))$(if $(3), --next $(call ljob,$(l),$(3),$(4)))$(if $(5), --next $(call ljob,$(l),$(5),$(6))) || failed="$$failed $(l)";) \
                 if [ -n "$$failed" ]; then echo "make: not published:$$failed (see its messages above; every other language was built). A translation whose catalogs lag behind the text: translate its new and fuzzy entries (README, Languages), or build a draft for review with make DRAFT=1." >&2; exit 1; fi

.DEFAULT_GOAL := all

help:  ## this list
	@echo "Targets:"
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14 | sed 's/^/  /'
	@echo "Variables: PAPER=letter|a4  LANGUAGES=\"$(LANGUAGES)\"  STRICT=1|0  DRAFT=1 (review drafts of translations)  BUILDDIR=$(BUILDDIR)  SPHINXOPTS=...  SHARD=K/N (clinics)  PYTHON3=python3  TESTJOBS=2|auto (pytest workers)"

# The book's own extension (patientpress/) goes in editable, with the pinned setuptools
# and no download: an edit to it counts at once, and conf.py needs no sys.path entry.
# The lock is complete (every package, every hash), so pip installs it with --no-deps and
# resolves nothing: the pip that `python3 -m venv` bundles (23.x) mis-resolves a pinned
# package asked for with an extra (weasyprint wants fonttools[woff]) once the index holds a
# newer release of it, and stops ("all requirements must have their versions pinned with
# ==", pip issues 9644 and 12345). pip check then proves that what was installed agrees.
$(STAMP): requirements.txt pyproject.toml scripts/ensure-system-packages
	@PYTHON3=$(PYTHON3) scripts/ensure-system-packages build
	@test -x $(PYTHON) || $(PYTHON3) -m venv $(VENV) || { rm -rf $(VENV); echo "make: $(PYTHON3) -m venv failed (see above)" >&2; exit 1; }
	$(PYTHON) -m pip install --quiet --no-deps --require-hashes -r requirements.txt
	$(PYTHON) -m pip check
	$(PYTHON) -m pip install --quiet --no-deps --no-build-isolation --editable .
	@touch $@

venv: $(STAMP)  ## create or refresh the virtual environment

all: $(STAMP)  ## the website, the e-book and the PDF handouts, in every language
	$(call each,epub,epub,handout,handout,html,html)
	@$(foreach l,$(LANGUAGES),echo "[$(l)] Website:  $(call langdir,$(l))/html/index.html"; \
	  echo "[$(l)] E-book:   $(call langdir,$(l))/epub/*.epub"; \
	  echo "[$(l)] Handouts: $(call langdir,$(l))/handout/*.pdf and $(call langdir,$(l))/handout/chapters/*.pdf";)

html: $(STAMP) epub pdf  ## the website (links to the PDF and EPUB downloads)
	$(call each,html,html)

epub: $(STAMP)  ## the e-book
	$(call each,epub,epub)

pdf: $(STAMP)  ## the PDF handouts: whole book, one per chapter, large print
	$(call each,handout,handout)

handout: pdf

# Every build preflights each PDF it writes (a finding fails it, strictly); this reads every
# PDF already under $(BUILDDIR) back again and reports, for a look without building.
preflight: $(STAMP)  ## read every built PDF back as printed and report what is wrong on its pages
	$(PYTHON) -m patientpress.print.preflight $(BUILDDIR)

clinics: $(STAMP) pdf  ## one branded edition per clinic file in clinics/ (SHARD=K/N: one shard)
	$(PYTHON) -m patientpress.clinics clinics/ --source $(SOURCEDIR) --conf $(CONFDIR) --doctrees $(BUILDDIR)/doctrees --out $(BUILDDIR)/clinics $(if $(SHARD),--shard $(SHARD))

a11y: $(STAMP) all  ## accessibility checks of the built book; reports in _build/a11y
	@scripts/ensure-system-packages test
	$(foreach l,$(LANGUAGES),$(PYTHON) -m tools.a11y $(call langdir,$(l)) &&) true
	$(PYTHON) -m pytest tests -m "a11y and not book" -p no:cacheprovider -q

# Two pytest-xdist workers (TESTJOBS=auto: one per core), each test file in one worker
# (its module fixtures made once), the render-bound files first (tests/conftest.py).
TESTJOBS ?= 2
PYTEST_JOBS = -n $(TESTJOBS) --dist loadscope --no-loadscope-reorder
test: $(STAMP)  ## every test (builds, EPUBCheck, browser, PDF checks)
	@scripts/ensure-system-packages test
	$(PYTHON) -m pytest tests -p no:cacheprovider -q --durations=15 $(PYTEST_JOBS)

test-fast: $(STAMP)  ## the fast tests only
	$(PYTHON) -m pytest tests -m "not slow" -p no:cacheprovider -q $(PYTEST_JOBS)

bench: $(STAMP)  ## benchmark against the peers; writes bench/RESULTS.md
	@scripts/ensure-system-packages bench
	$(PYTHON) bench/run.py

# One language at a time (the first of LANGUAGES): make live LANGUAGES=es previews Spanish.
LIVE_LANGUAGE  = $(firstword $(LANGUAGES))
live: $(STAMP)  ## rebuild the website on every save, served on localhost (LANGUAGES=es: Spanish)
	$(PYTHON) -m sphinx_autobuild -b html $(SPHINX_ARGS) -D language=$(LIVE_LANGUAGE) -d $(BUILDDIR)/doctrees/live-$(LIVE_LANGUAGE) $(SOURCEDIR) $(BUILDDIR)/live-$(LIVE_LANGUAGE)

new: $(STAMP)  ## a new book project: make new DIR=../my-book TITLE="My book" AUTHOR="Me"
	@test -n "$(DIR)" || { echo 'make new: say where, for example: make new DIR=../my-book TITLE="My book" AUTHOR="Me"' >&2; exit 2; }
	$(PYTHON) -m patientpress new "$(DIR)" $(if $(TITLE),--title "$(TITLE)") $(if $(AUTHOR),--author "$(AUTHOR)")

# uv is the maintainers' tool, not the book's: it goes in a venv of its own, so it is
# never in requirements.txt. The version is the one the current lock was made with.
UV_VENV        = $(BUILDDIR)/uv-venv
lock:  ## regenerate requirements.txt (with hashes) from requirements.in
	@test -x $(UV_VENV)/bin/uv || { python3 -m venv $(UV_VENV) && $(UV_VENV)/bin/pip install --quiet uv==0.13.8; }
	@mkdir -p $(BUILDDIR) && cp requirements.txt $(BUILDDIR)/requirements.txt   # uv keeps its pins
	$(UV_VENV)/bin/uv pip compile --quiet --no-header --generate-hashes --python-version 3.11 requirements.in -o $(BUILDDIR)/requirements.txt
	{ echo "# Generated, do not edit: edit requirements.in, then run"; \
	  echo "#   make lock    (uv pip compile --generate-hashes --python-version 3.11 requirements.in -o requirements.txt)"; \
	  echo "# Installed with pip install --no-deps --require-hashes by the Makefile, then pip check."; \
	  cat $(BUILDDIR)/requirements.txt; } > requirements.txt

clean:  ## remove every build output
	rm -rf $(BUILDDIR)

.PHONY: help venv all html epub pdf handout preflight clinics a11y test test-fast bench live new lock clean

# Make must not try to remake these through the catch-all below: the stamp's own
# prerequisites included, or make drops a circular stamp <- file <- stamp dependency
# with a message on every run.
Makefile requirements.txt requirements.in pyproject.toml scripts/ensure-system-packages: ;

# Any other target goes to Sphinx ("make singlehtml", "make linkcheck").
%: $(STAMP)
	$(SPHINXBUILD) -M $@ $(SOURCEDIR) $(BUILDDIR) $(SPHINX_ARGS)
