# syntax=docker/dockerfile:1

# Wellspring container image.
#   docker build -t wellspring .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://... wellspring
# The image has no PostgreSQL server of its own: the embedded default cluster is a development
# convenience, so DATABASE_URL must point at a real server.

# Node.js for the front-end build tools (Tailwind, wasm-opt from npm's binaryen). Taken from the
# official image rather than Debian's nodejs (18.x on bookworm, too old for Tailwind v4).
FROM node:20-bookworm-slim AS node

# ---------------------------------------------------------------------------------------------
FROM rust:1.95-bookworm AS builder

# cargo-leptos 0.3.11 needs rustc >= 1.96; keep 0.3.10 until the toolchain moves.
ARG CARGO_LEPTOS_VERSION=0.3.10
# Must equal the `wasm-bindgen` version in Cargo.lock (checked below, after the sources are copied).
ARG WASM_BINDGEN_VERSION=0.2.130

COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version \
 && npm --version

RUN rustup target add wasm32-unknown-unknown

# Build tools first, in their own layers, so source changes do not reinstall them.
# `no_downloads`: cargo-leptos looks for wasm-bindgen, wasm-opt and tailwindcss on PATH
# (it puts node_modules/.bin first by itself) instead of fetching binaries at build time.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --locked --features no_downloads
# hadolint ignore=DL3059
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo install wasm-bindgen-cli --version "=${WASM_BINDGEN_VERSION}"

WORKDIR /build

# Front-end tools (no browsers: the end-to-end tests do not run in the image).
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_audit=false \
    npm_config_fund=false \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci

COPY . .

# The wasm-bindgen CLI and the wasm-bindgen crate must be the same version exactly.
RUN locked="$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/^version = "|"$/, ""); print; exit }' Cargo.lock)" \
 && if [ "${locked}" != "${WASM_BINDGEN_VERSION}" ]; then \
      echo "Cargo.lock has wasm-bindgen ${locked}, but WASM_BINDGEN_VERSION is ${WASM_BINDGEN_VERSION}; update the ARG" >&2; \
      exit 1; \
    fi

# Compile-time checked queries use the committed .sqlx/ metadata; no database at build time.
ENV SQLX_OFFLINE=true
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    cargo leptos build --release \
 && node scripts/precompress.mjs target/site/pkg

# Layered configuration (config/<APP_ENV>.toml) is optional; stage it so the runtime COPY
# works whether or not the directory exists.
# development.toml holds a development-only secret: production refuses it anyway, but it has
# no business in the image.
RUN mkdir -p /out/config \
 && if [ -d config ]; then cp -R config/. /out/config/ && rm -f /out/config/development.toml; fi

# ---------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# Only the CA bundle (outbound TLS: object storage, OAuth providers); its version follows the base image.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 wellspring \
 && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin wellspring

WORKDIR /app

# Files stay owned by root and read-only for the service user.
COPY --from=builder /build/target/release/wellspring /app/wellspring
# Leptos reads the hash file from the directory of the running executable.
COPY --from=builder /build/target/release/hash.txt /app/hash.txt
COPY --from=builder /build/target/site /app/site
COPY --from=builder /out/config /app/config

ENV APP_ENV=production \
    LEPTOS_ENV=PROD \
    LEPTOS_OUTPUT_NAME=wellspring \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_HASH_FILES=true

EXPOSE 3000

# Numeric, so Kubernetes can verify runAsNonRoot (uid 10001 = user `wellspring`).
USER 10001:10001

ENTRYPOINT ["/app/wellspring"]
CMD ["serve"]
