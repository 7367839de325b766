# The README's two commands: `make demo` and `make test`. Each installs what is missing first.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.edgekit-setup
APT_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm adb kotlin openocd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_USE_LEGACY_KERAS := 1

.PHONY: setup demo test lint bench clean system-packages

setup: $(STAMP)

# Debian packages the embedded and Android stages need, installed only when missing.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml setup.py
	@$(MAKE) --no-print-directory system-packages
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11." >&2; exit 2; }
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[train,flash,dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/edgekit deploy examples/digits/edgekit.toml

test: $(STAMP)
	$(PY) -m pytest -q tests

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: $(STAMP)
	$(PY) benchmarks/arena_vs_tflm.py
	$(PY) benchmarks/mcu.py

clean:
	rm -rf out build dist .pytest_cache
