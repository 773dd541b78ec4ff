# Sourced (not run) by scripts/e2e.sh and scripts/cluster.sh: the environment a test server
# runs with, so the suite sees the same configuration whether it drives one instance or two
# behind a proxy. Builds nothing and claims no target directory (scripts/env.sh does that).
#
#   test_server_env DATABASE_URL MEDIA_DIR HASH_FILE
# fills the array `server_env` (NAME=value words for `env`); the caller adds
# LEPTOS_SITE_ADDR and whatever is its own.

# The hash file cargo-leptos wrote beside the release binary (scripts/env.sh's default target
# directory unless CARGO_TARGET_DIR says otherwise).
test_hash_file() {
  printf '%s/release/hash.txt\n' "${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/wellspring/target}"
}

test_server_env() {
  local database_url=$1 media_dir=$2 hash_file=$3
  # Every browser in the suite signs up from loopback, dozens a minute when specs run close
  # together: the per-address sign-up and mail limits are raised here (they are proved in
  # the integration tests, not by the browser suite). So are the new-member caps: every
  # browser here is a member minutes old.
  # A GitHub sign-in provider is configured (its endpoints are a closed loopback port that is
  # never dialled) so the provider buttons on /login are rendered and their hydration tested.
  # Each request's start is logged (debug) beside its end, so a request that never answered
  # is found by its id in the log printed when the suite fails.
  server_env=(
    DATABASE_URL="$database_url" RUST_LOG="warn,wellspring::server::telemetry::request_context=debug"
    LEPTOS_HASH_FILES=true LEPTOS_HASH_FILE="$hash_file"
    WELLSPRING__LIMITS__SIGN_UP_PER_IP=1000 WELLSPRING__LIMITS__MAIL_PER_IP=1000
    WELLSPRING__LIMITS__NEW_MEMBERS__DAYS=0
    WELLSPRING__MEDIA__LOCAL_DIR="$media_dir"
    WELLSPRING__OAUTH__GITHUB__CLIENT_ID=e2e-client WELLSPRING__OAUTH__GITHUB__CLIENT_SECRET=e2e-not-a-secret
    WELLSPRING__OAUTH__GITHUB__AUTHORIZE_URL=http://127.0.0.1:9/authorize
    WELLSPRING__OAUTH__GITHUB__TOKEN_URL=http://127.0.0.1:9/token
    WELLSPRING__OAUTH__GITHUB__USERINFO_URL=http://127.0.0.1:9/user
    WELLSPRING__OAUTH__GITHUB__EMAILS_URL=http://127.0.0.1:9/user/emails
    "WELLSPRING__OAUTH__GITHUB__SCOPES=read:user user:email"
  )
}

# DATABASE_URL with its database name replaced by NAME (its query string kept).
database_url_for() {
  local url=$1 name=$2 base query
  base="${url%%\?*}"
  query="${url#"$base"}"
  printf '%s/%s%s\n' "${base%/*}" "$name" "$query"
}

# A free loopback port (the kernel's pick; a race with another process is possible but rare).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
