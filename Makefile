# The two commands: `make run` (whole system locally) and `make test` (every gate). Both set up
# everything they need on a fresh machine: Python 3.13 from pyenv, uv, the locked venv, SAM CLI.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY313 := $(shell PYENV_VERSION=3.13.0 pyenv which python3.13 2>/dev/null || command -v python3.13 2>/dev/null)
UV_VERSION := 0.13.8
UV := .tools/uv/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
SAM := .tools/sam/bin/sam
export PYTHONPATH := src
export SAM_CLI_TELEMETRY := 0
# sam build (BuildMethod: makefile) needs a python3.13 with pip on PATH, without a container.
SAM_PATH := $(dir $(PY313)):$(PATH)
STAGE ?= dev
PYTEST_ARGS ?=
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
TS_CLIENT := clients/typescript
TS_DEPS := $(TS_CLIENT)/node_modules/.package-lock.json
WEB_DEPS := web/node_modules/.package-lock.json
DIAGRAM_DEPS := tools/diagrams/node_modules/.package-lock.json

.PHONY: help bootstrap web run user outbox rotate-keys reset test lint typecheck lock-check template-check build deploy-site bench-images \
        unit contract integration e2e pytest bench bench-gateway deploy requirements clean clients clients-check stage-config updates-demo bench-updates deploy-updates \
        deploy-site-waf diagrams diagrams-check

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s $$'\t'

$(UV):
	@test -n "$(PY313)" || { echo "Python 3.13 not found: install it (pyenv install 3.13.0)"; exit 1; }
	@echo "==> installing uv $(UV_VERSION) into .tools/uv"
	@$(PY313) -m venv .tools/uv
	@.tools/uv/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	@echo "==> syncing .venv from uv.lock (Python 3.13)"
	@$(UV) sync --frozen --quiet --python "$(PY313)"
	@touch $@

$(SAM): $(UV) tools/sam-requirements.txt
	@echo "==> installing AWS SAM CLI into .tools/sam (kept apart: it pins its own boto3)"
	@$(UV) venv --quiet --allow-existing --python "$(PY313)" .tools/sam
	@VIRTUAL_ENV=.tools/sam $(UV) pip install --quiet -r tools/sam-requirements.txt
	@touch $@

bootstrap: $(VENV)/.synced  ## create the locked virtualenv

run: bootstrap web  ## run the whole system locally (HTTPS=1 for TLS); Ctrl-C stops it
	@$(PY) -m app.devstack run $(if $(HTTPS),--https)

user: bootstrap  ## create/sign in a local user: make user EMAIL=you@example.com [AUTHOR=1] [EDITOR=1] [PASSWORD=...]
	@test -n "$(EMAIL)" || { echo "usage: make user EMAIL=you@example.com [AUTHOR=1] [EDITOR=1]"; exit 2; }
	@$(PY) -m app.devstack user "$(EMAIL)" $(if $(AUTHOR),--author) $(if $(EDITOR),--editor)

outbox: bootstrap  ## show the emails the local stack sent (recipient, subject, text, HTML)
	@$(PY) -m app.devstack outbox

rotate-keys: bootstrap  ## rotate the running stack's signing keys now (old ones verify for their grace)
	@$(PY) -m app.devstack rotate-keys

reset:  ## forget all local data (users, to-dos)
	rm -rf .devstack

requirements: bootstrap  ## re-export src/requirements/<Function>.txt (what sam build installs) from uv.lock
	@$(PY) tools/requirements.py write $(UV)

lock-check: bootstrap  ## fail when uv.lock or src/requirements/ drift from pyproject.toml and template.yaml
	@$(UV) lock --check --quiet --python "$(PY313)"
	@$(PY) tools/requirements.py check $(UV)
	@echo "lock and export: in sync"

lint: bootstrap  ## ruff (lint + format) and the import contracts
	@$(VENV)/bin/ruff check src tests bench tools updates
	@$(VENV)/bin/ruff format --check --quiet src tests bench tools updates
	@$(VENV)/bin/lint-imports --no-cache >/dev/null && echo "import contracts: kept"

typecheck: bootstrap  ## mypy --strict over src and tests
	@$(VENV)/bin/mypy
	@$(VENV)/bin/mypy --strict tests bench tools updates

template-check: bootstrap $(SAM)  ## cfn-lint, sam validate --lint (both templates), cfn-lint of the SAM translation
	@$(VENV)/bin/cfn-lint template.yaml updates/template.yaml ops/web-acl.yaml
	@$(SAM) validate --lint --region us-east-1 --template-file template.yaml
	@$(SAM) validate --lint --region us-east-1 --template-file updates/template.yaml
	@$(PY) -m tests.templates template.yaml > .tools/template.translated.json
	@$(VENV)/bin/cfn-lint --format parseable .tools/template.translated.json
	@echo "template gates: clean"

build: bootstrap $(SAM)  ## sam build (no container) -> .aws-sam/build
	@PATH="$(SAM_PATH)" $(SAM) build --template-file template.yaml

unit: bootstrap
	@$(PY) -m pytest tests/unit $(PYTEST_ARGS)

pytest: bootstrap web
	@$(PY) -m pytest $(PYTEST_ARGS)

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	@apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# The software-updates edge and its stand-in origin run on Debian's nginx (slice module included).
$(NGINX):
	@echo "==> installing Debian's nginx-light for the updates edge"
	@apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null

# The TypeScript client's generator and compiler, pinned by its package-lock.json.
$(TS_DEPS): $(TS_CLIENT)/package-lock.json
	@echo "==> installing the TypeScript client's tools (npm ci)"
	@npm ci --prefix $(TS_CLIENT) --no-audit --no-fund --loglevel=error
	@touch $@

# The browser pages' build tools and libraries (web/), pinned by web/package-lock.json.
$(WEB_DEPS): web/package-lock.json
	@echo "==> installing the web pages' tools and libraries (npm ci)"
	@npm ci --prefix web --no-audit --no-fund --loglevel=error
	@touch $@

web: $(WEB_DEPS)  ## type-check and build the browser pages (web/src/<page>/ -> web/dist/<page>/)
	@cd web && npx --no-install tsc -p . && node build.mjs

clients: bootstrap $(TS_DEPS)  ## regenerate clients/: OpenAPI spec, Python SDK, TypeScript client
	@$(PY) tools/clients.py write

clients-check: bootstrap $(TS_DEPS)  ## fail when clients/ drifted from the app; compile the TS client
	@$(PY) tools/clients.py check
	@cd $(TS_CLIENT) && npx --no-install tsc -p .

# Graphviz compiled to WebAssembly renders the pictures (no `dot` binary), pinned by its lock.
$(DIAGRAM_DEPS): tools/diagrams/package-lock.json
	@echo "==> installing the pictures' renderer (npm ci)"
	@npm ci --prefix tools/diagrams --no-audit --no-fund --loglevel=error
	@touch $@

diagrams: bootstrap $(DIAGRAM_DEPS)  ## redraw docs/architecture.svg (from template.yaml) and docs/local-stack.svg
	@$(PY) -m tools.diagrams write

diagrams-check: bootstrap $(DIAGRAM_DEPS)  ## fail when the committed pictures drifted from template.yaml or the local stack
	@$(PY) -m tools.diagrams check

test: lock-check lint typecheck template-check clients-check diagrams-check web build $(CHROMIUM) $(NGINX)  ## every gate, then the whole test suite
	@$(PY) -m pytest $(PYTEST_ARGS)

bench: bootstrap build  ## cold-start (beside peers), warm, read-cache and gateway benchmarks (ratios, same run)
	@$(PY) -m bench.coldstart
	@$(PY) -m bench.coldstart_functions
	@$(PY) -m bench.warm
	@$(PY) -m bench.read_cache
	@$(PY) -m bench.gateway

bench-gateway: bootstrap build  ## the local API Gateway's added latency; cold vs warm per function
	@$(PY) -m bench.gateway

bench-images: bootstrap  ## thumbnails beside libvips (installs Debian's libvips and pyvips)
	@test -e /usr/lib/x86_64-linux-gnu/libvips.so.42 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libvips42 >/dev/null; }
	@$(UV) sync --frozen --quiet --python "$(PY313)" --group bench
	@$(PY) -m bench.thumbnails
	@$(UV) sync --frozen --quiet --python "$(PY313)"

updates-demo: bootstrap $(NGINX)  ## software-update offloading live: an origin, an edge cache, a crowd
	@$(PY) -m updates.demo demo

bench-updates: bootstrap $(NGINX)  ## flash crowd through the edge vs straight at the origin; cost chart
	@$(PY) -m bench.updates

deploy-updates: build  ## only the updates distribution for an existing origin: make deploy-updates ORIGIN=host
	@test -n "$(ORIGIN)" || { echo "usage: make deploy-updates ORIGIN=downloads.example.com [STAGE=dev]"; exit 2; }
	@PATH="$(SAM_PATH)" $(SAM) deploy --template-file .aws-sam/build/UpdatesEdge/template.yaml \
		--stack-name serverless-reference-$(STAGE)-updates --resolve-s3 --no-confirm-changeset \
		--parameter-overrides Stage=$(STAGE) OriginDomainName=$(ORIGIN)

# A CLOUDFRONT web ACL can only be made in us-east-1: a stack elsewhere gets its site's web ACL (and
# the site's 5xx alarm, CloudFront's metrics being there too) from this stack; docs/operating.md "WAF".
deploy-site-waf: bootstrap $(SAM)  ## the site's web ACL in us-east-1: make deploy-site-waf STAGE=prod [DISTRIBUTION=id] [ALARM_EMAIL=a@b]
	@$(SAM) deploy --template-file ops/web-acl.yaml --region us-east-1 \
		--stack-name serverless-reference-$(STAGE)-site-waf --no-confirm-changeset --no-fail-on-empty-changeset \
		--parameter-overrides Stage=$(STAGE) Scope=CLOUDFRONT \
		$(if $(DISTRIBUTION),DistributionId=$(DISTRIBUTION)) $(if $(ALARM_EMAIL),AlarmEmail=$(ALARM_EMAIL))
	@$(SAM) list stack-outputs --stack-name serverless-reference-$(STAGE)-site-waf --region us-east-1

deploy-site: bootstrap web  ## upload the site's assets, render every page, invalidate: make deploy-site STAGE=dev
	@$(PY) tools/deploy_site.py --stack-name serverless-reference-$(STAGE)

stage-config:
	@grep -q '^\[$(STAGE)\.deploy\.parameters\]' samconfig.toml || \
		{ echo "no [$(STAGE).deploy.parameters] in samconfig.toml: copy a section for a new stage"; exit 2; }

deploy: stage-config build  ## deploy a stage from samconfig.toml: make deploy STAGE=dev|staging|prod
	@PATH="$(SAM_PATH)" $(SAM) deploy --config-file samconfig.toml --config-env "$(STAGE)"

clean:  ## remove build output and tool environments (not local data)
	rm -rf .aws-sam .tools .venv web/dist web/node_modules tools/diagrams/node_modules
