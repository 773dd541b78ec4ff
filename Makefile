# Two commands for a fresh machine: `make run` and `make test`. See README.md.
# Builds go to one target directory shared by every checkout on the machine
# (scripts/env.sh: ~/.cache/wellspring/target unless CARGO_TARGET_DIR says otherwise).
SHELL := /bin/bash
ENV := . scripts/env.sh

.PHONY: run test build install watch bench

## Install what is missing, build, and serve http://127.0.0.1:3000 on an embedded PostgreSQL.
## The server is built in the dev profile, the one the end-to-end tests drive (about half the
## compile time of release); `make build` and `make bench` build the release server.
run:
	scripts/build-site.sh --dev
	$(ENV) && "$$CARGO_TARGET_DIR/debug/wellspring" serve

## Install what is missing and run every check: format, lints, unit, integration, end-to-end.
test:
	scripts/test.sh

install:
	scripts/install.sh

## The release site (server and browser bundle), the way cargo-leptos lays it out, without it;
## installs what is missing while the server compiles.
build:
	scripts/build-site.sh

## Rebuild and reload on every change (development; installs cargo-leptos the first time).
watch:
	scripts/install.sh --watch
	$(ENV) && cargo leptos watch

## Throughput and latency beside a bare baseline; prints a table (not a pass/fail test).
bench: build
	bench/run.sh
