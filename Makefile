# restd: build, local cluster, tests and benchmarks.
#
#   make run        install everything, build, start the local cluster, run restd in the
#                   foreground on 127.0.0.1:6820 and a unix socket
#   make test       install, build, start the cluster, run the tests, stop the cluster
#   make cluster / cluster-stop / cluster-status / token USER=alice
#   make perf       side-by-side benchmark against the distribution's slurmrestd

SHELL := /bin/bash
PYTHON ?= /usr/bin/python3
VENV := .venv
CLUSTER := bash conf/cluster/cluster.sh
LISTEN ?= 127.0.0.1:6820
PYTEST_ARGS ?=

# Debian packages to build restd and run its tests (the cluster's own are in cluster.sh):
# the Python used is Debian's, so the restd service user can run it (/root is private).
BUILD_PACKAGES := python3 python3-venv python3-dev gcc libslurm-dev curl jq systemd

.PHONY: all deps venv cluster cluster-stop cluster-status token run test perf clean

all: venv

deps:
	@bash conf/install-packages.sh $(BUILD_PACKAGES)

# The virtual environment, with restd installed in editable mode (this builds the cffi
# module against the installed Slurm headers). Rebuilt when the build inputs change.
venv: deps $(VENV)/.installed
$(VENV)/.installed: setup.py pyproject.toml $(wildcard native/*.py native/_cffi_src/*.py)
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip setuptools wheel
	$(VENV)/bin/pip install -q -e '.[test]'
	@touch $@

cluster:
	@$(CLUSTER) start

cluster-stop:
	@$(CLUSTER) stop

cluster-status:
	@$(CLUSTER) status

# make token USER=alice [LIFESPAN=3600]
token:
	@$(CLUSTER) token $(USER) $(or $(LIFESPAN),3600)

run: venv cluster
	@bash conf/run-local.sh $(LISTEN)

# The cluster is stopped whatever the tests' outcome; the exit status is pytest's.
test: venv
	@$(CLUSTER) start || { $(CLUSTER) stop; exit 1; }; \
	$(VENV)/bin/python -m pytest -q --timeout=600 $(PYTEST_ARGS); rc=$$?; \
	$(CLUSTER) stop; exit $$rc

perf: venv cluster
	$(VENV)/bin/python perf/bench.py

clean:
	rm -rf build *.egg-info restd/_libslurm*.so restd/_libslurm.c
