# Two commands for a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

.PHONY: run test build install watch bench

## Install what is missing, build, and serve http://127.0.0.1:3000 on an embedded PostgreSQL.
run: build
	./target/release/wellspring serve

## Install what is missing and run every check: format, lints, unit, integration, end-to-end.
test:
	scripts/test.sh

install:
	scripts/install.sh

build: install
	cargo leptos build --release
	node scripts/precompress.mjs target/site/pkg

## Rebuild and reload on every change (development).
watch: install
	cargo leptos watch

## Throughput and latency beside a bare baseline; prints a table (not a pass/fail test).
bench: build
	bench/run.sh
