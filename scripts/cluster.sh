#!/usr/bin/env bash
# Two Wellspring instances over one fresh database, behind nginx, as production runs them
# (issue 17): runs COMMAND with BASE_URL at nginx, then takes everything down, pass or fail.
#   scripts/cluster.sh SERVER_BINARY [command...]       (default command: an interactive shell)
#   scripts/cluster.sh ctl ACTION a|b                   (inside the command)
#     kill      SIGKILL, as a crash would; returns once the process is gone
#     stop      SIGTERM and wait for it to exit (the app stops accepting, drains in flight)
#     start     start it again on its port and wait for its own /readyz
#     restart   stop, then start
#
# The command's environment: BASE_URL (nginx), E2E_DATABASE_URL (the shared database, as
# scripts/e2e.sh gives it), CLUSTER_DIR (pids, nginx's prefix and logs), CLUSTER_A_URL and
# CLUSTER_B_URL (each instance, bypassing nginx).
#
# The instances run with scripts/e2e.sh's configuration (scripts/server-env.sh) plus
# WELLSPRING__SERVER__TRUSTED_PROXIES=127.0.0.1/32, so the client address is taken from
# nginx's X-Forwarded-For. nginx runs in the foreground as a child of this script, in its own
# prefix (configuration, logs, pid and temp files under CLUSTER_DIR/nginx), so it needs
# neither root nor /var. Logs are copied to target/cluster/ at the end.
#
# The browser bundle must be in target/site with its hash file (see scripts/e2e.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-env.sh

say() { printf '\033[1;34m==> cluster: %s\033[0m\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

# The instance's process is still there (a zombie that its parent has not reaped yet counts as
# gone: it serves nothing).
running() {
  local pid=$1 state
  [[ -n "$pid" && -r /proc/$pid/stat ]] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# wait_gone PID SECONDS: waits until the process is gone; 1 if it is still there after that.
wait_gone() {
  local pid=$1 deadline=$((SECONDS + $2))
  while running "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

# start_instance NAME: starts it in the background, its pid in CLUSTER_DIR/NAME.pid, and waits
# until its own /readyz answers 200.
start_instance() {
  local name=$1 port_var="port_$1" port pid log
  port=${!port_var}
  log="$CLUSTER_DIR/$name.log"
  printf -- '--- start %s\n' "$(date -u +%H:%M:%S.%N | cut -c1-12)" >>"$log"
  env "${server_env[@]}" LEPTOS_SITE_ADDR="127.0.0.1:$port" "$server_bin" serve >>"$log" 2>&1 </dev/null &
  pid=$!
  # Out of the job table: a kill is this script's doing, not news for its terminal.
  disown "$pid"
  echo "$pid" >"$CLUSTER_DIR/$name.pid"
  local deadline=$((SECONDS + ${CLUSTER_READY_TIMEOUT:-120}))
  until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$port/readyz" 2>/dev/null; do
    running "$pid" || { tail -n 40 "$log" >&2; die "instance $name exited before it was ready"; }
    ((SECONDS < deadline)) || { tail -n 40 "$log" >&2; die "instance $name not ready in time"; }
    sleep 0.1
  done
  # Back in nginx's pool: an instance nginx found gone stays out for fail_timeout after the
  # failure, whatever its /readyz says; until nginx sends it a request again, stopping the
  # other one would leave nginx with no instance at all ("no live upstreams", 502).
  if [[ -n "${port_proxy:-}" && -f "$CLUSTER_DIR/nginx/nginx.pid" ]]; then
    until curl -fsS -o /dev/null -D - --max-time 2 "http://127.0.0.1:$port_proxy/healthz" 2>/dev/null |
      grep -qi "^x-wellspring-upstream: 127.0.0.1:$port\b"; do
      ((SECONDS < deadline)) || die "instance $name is ready but nginx sends it nothing"
      sleep 0.1
    done
  fi
}

instance_pid() { cat "$CLUSTER_DIR/$1.pid" 2>/dev/null || true; }

# stop_instance NAME SIGNAL: signals it and waits until it has exited.
stop_instance() {
  local name=$1 signal=$2 pid
  pid=$(instance_pid "$name")
  running "$pid" || return 0
  printf -- '--- %s %s\n' "$signal" "$(date -u +%H:%M:%S.%N | cut -c1-12)" >>"$CLUSTER_DIR/$name.log"
  kill "-$signal" "$pid" 2>/dev/null || true
  # The app's own shutdown grace is 20 s by default; past twice that it is killed.
  if ! wait_gone "$pid" 40; then
    echo "cluster: instance $name did not exit on $signal; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || true
  fi
}

if [[ "${1:-}" == ctl ]]; then
  action=${2:?usage: scripts/cluster.sh ctl kill|stop|start|restart a|b}
  name=${3:?usage: scripts/cluster.sh ctl $action a|b}
  [[ "$name" == a || "$name" == b ]] || die "no instance '$name' (a or b)"
  : "${CLUSTER_DIR:?cluster: ctl runs inside scripts/cluster.sh (CLUSTER_DIR is not set)}"
  # shellcheck disable=SC1091
  . "$CLUSTER_DIR/state.sh"
  case "$action" in
    kill) stop_instance "$name" KILL ;;
    stop) stop_instance "$name" TERM ;;
    start) start_instance "$name" ;;
    restart) stop_instance "$name" TERM && start_instance "$name" ;;
    *) die "unknown action '$action' (kill, stop, start or restart)" ;;
  esac
  exit 0
fi

server_bin=${1:?usage: scripts/cluster.sh SERVER_BINARY [command...]}
shift
[[ "$server_bin" == /* ]] || server_bin="$PWD/$server_bin"
[[ -x "$server_bin" ]] || die "no server binary at $server_bin"
: "${DATABASE_URL:?DATABASE_URL must point at a PostgreSQL server}"
hash_file=$(test_hash_file)
[[ -f "$hash_file" && -d target/site/pkg ]] || die "build the bundle first (make build); no $hash_file or target/site/pkg"
# Debian puts it in /usr/sbin, which is not on every user's PATH.
nginx_bin=$(command -v nginx || true)
if [[ -z "$nginx_bin" && -x /usr/sbin/nginx ]]; then nginx_bin=/usr/sbin/nginx; fi
[[ -n "$nginx_bin" ]] || die "nginx is not installed (scripts/install.sh --test installs it)"

CLUSTER_DIR=$(mktemp -d -t wellspring-cluster.XXXXXX)
export CLUSTER_DIR
cleanup=()
on_exit() {
  local status=$?
  for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cleanup+=("rm -rf '$CLUSTER_DIR'")
cleanup+=("mkdir -p target/cluster && cp '$CLUSTER_DIR'/*.log '$CLUSTER_DIR'/nginx/*.log '$CLUSTER_DIR'/nginx/nginx.conf target/cluster/ 2>/dev/null")

db="wellspring_cluster_$$"
psql "$DATABASE_URL" -qc "set client_min_messages = warning" -c "drop database if exists $db" -c "create database $db" >/dev/null
cleanup+=("psql '$DATABASE_URL' -qc 'drop database if exists $db with (force)' >/dev/null")
db_url=$(database_url_for "$DATABASE_URL" "$db")
media_dir="$CLUSTER_DIR/media" # one picture store for both instances, as a shared bucket would be
mkdir -p "$media_dir"

test_server_env "$db_url" "$media_dir" "$hash_file"
# nginx is the only proxy: the client address comes from its X-Forwarded-For.
server_env+=(WELLSPRING__SERVER__TRUSTED_PROXIES=127.0.0.1/32)
port_a=$(free_port)
port_b=$(free_port)
while [[ "$port_b" == "$port_a" ]]; do port_b=$(free_port); done
port_proxy=$(free_port)
while [[ "$port_proxy" == "$port_a" || "$port_proxy" == "$port_b" ]]; do port_proxy=$(free_port); done
base_url="http://127.0.0.1:$port_proxy"
# Links in mail and the OAuth callback point at the proxy, as public_url would in production.
server_env+=(WELLSPRING__SERVER__PUBLIC_URL="$base_url")
{
  declare -p server_bin server_env port_a port_b port_proxy
} >"$CLUSTER_DIR/state.sh"

# Instances are stopped before the database is dropped (cleanup runs in reverse).
cleanup+=("stop_instance a TERM; stop_instance b TERM")
# The first instance migrates the fresh database and seeds the demo community
# (development's seed.demo_on_empty); the second then finds both done. Started one after the
# other so only one of them seeds.
say "instance a on 127.0.0.1:$port_a (migrates and seeds)"
start_instance a
say "instance b on 127.0.0.1:$port_b"
start_instance b

# The server functions the app itself declares reads (src/api/mod.rs, READ_ONLY): POSTs
# that change nothing, so nginx may resend them to the other instance like a GET.
read_only_api=$(python3 - <<'EOF'
import pathlib, re
src = pathlib.Path("src/api/mod.rs").read_text()
block = src[src.index("pub const READ_ONLY"):]
block = block[: block.index("];")]
paths = []
for module, struct in re.findall(r"<(\w+)::(\w+) as ServerFn>::PATH", block):
    text = pathlib.Path(f"src/api/{module}.rs").read_text()
    for m in re.finditer(r'#\[server\(prefix = "([^"]+)", endpoint = "([^"]+)"\)\]\s*(?:///[^\n]*\n\s*)*pub async fn (\w+)', text):
        if "".join(w.capitalize() for w in m.group(3).split("_")) == struct:
            paths.append(m.group(1) + "/" + m.group(2))
print("|".join(re.escape(p) for p in paths))
EOF
)

# Every location sets these (a location that sets any proxy_set_header inherits none).
proxy_headers='
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;'
read_only_block=""
if [[ -n "$read_only_api" ]]; then
  read_only_block="
    # Reads the app declares (src/api/mod.rs READ_ONLY) are POSTs that write nothing: safe
    # to resend.
    location ~ ^($read_only_api)\$ {
      proxy_pass http://wellspring;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_set_header Connection \"\";$proxy_headers
    }"
fi

prefix="$CLUSTER_DIR/nginx"
mkdir -p "$prefix/tmp"
# Running as root, nginx's workers are `nobody`: they must be able to reach the temp paths.
chmod 755 "$CLUSTER_DIR" "$prefix"
cat >"$prefix/nginx.conf" <<EOF
# Generated by scripts/cluster.sh for one run.
worker_processes 1;
error_log $prefix/error.log warn;
events { worker_connections 4096; }
http {
  log_format cluster '\$remote_addr [\$time_iso8601] "\$request" \$status \$body_bytes_sent '
                     'upstream=\$upstream_addr upstream_status=\$upstream_status '
                     'request_time=\$request_time upstream_time=\$upstream_response_time '
                     'msec=\$msec';
  access_log $prefix/access.log cluster;
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  server_tokens off;

  upstream wellspring {
    # A refused connection or a 502/503 takes the instance out for fail_timeout; a restarted
    # instance is tried again after it.
    server 127.0.0.1:$port_a max_fails=1 fail_timeout=2s;
    server 127.0.0.1:$port_b max_fails=1 fail_timeout=2s;
    keepalive 32;
    # Below the app's idle keep-alive (server.header_read_timeout_secs, 10 s), so nginx is
    # always the side that closes an idle connection: never a request written into a socket
    # the app is closing.
    keepalive_timeout 4s;
  }

  map \$http_upgrade \$connection_upgrade {
    default upgrade;
    '' '';
  }

  server {
    listen 127.0.0.1:$port_proxy;
    # The app's own limits decide (server.body_limit_bytes, 2 MiB; route groups in
    # src/server/http/route_groups.rs); nginx only stops what no group would take.
    client_max_body_size 4m;
    proxy_http_version 1.1;
    proxy_connect_timeout 2s;
    # Past the app's own request timeout (server.request_timeout_secs, 30 s): it answers
    # first, with its own 503.
    proxy_read_timeout 60s;
    proxy_send_timeout 60s;
    # An idempotent request (GET, HEAD, ...) that found an instance gone (refused, reset,
    # 502/503) is sent to the other one; a POST is not once it was sent (nginx's default:
    # no non_idempotent here), since the instance may have written it.
    proxy_next_upstream error timeout http_502 http_503;
    proxy_next_upstream_tries 2;
    proxy_next_upstream_timeout 10s;
    add_header X-Wellspring-Upstream \$upstream_addr always;

    location / {
      proxy_pass http://wellspring;
      proxy_set_header Connection "";$proxy_headers
    }
$read_only_block
    # Pictures: the uploads group takes 25 MiB (server.groups.uploads) in up to 300 s; the
    # body streams to the app, which cuts it off at its limit with its own message.
    location /uploads/ {
      proxy_pass http://wellspring;
      client_max_body_size 32m;
      proxy_request_buffering off;
      proxy_read_timeout 310s;
      proxy_send_timeout 310s;
      proxy_set_header Connection "";$proxy_headers
    }
    # Live updates: a WebSocket, open for as long as the page is. When its instance goes
    # away the page reconnects, through here, to the other.
    location = /realtime {
      proxy_pass http://wellspring;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;$proxy_headers
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_buffering off;
    }
  }
}
EOF
"$nginx_bin" -t -q -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off; pid $prefix/nginx.pid;" ||
  die "nginx refused the configuration it was given ($prefix/nginx.conf)"
say "nginx on $base_url"
"$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -g "daemon off; pid $prefix/nginx.pid;" &
nginx_pid=$!
cleanup+=("kill -QUIT $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null")
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null --max-time 2 "$base_url/readyz" 2>/dev/null; do
  running "$nginx_pid" || { cat "$prefix/error.log" >&2; die "nginx exited"; }
  ((SECONDS < deadline)) || { cat "$prefix/error.log" >&2; die "no /readyz through nginx"; }
  sleep 0.1
done
say "ready: $base_url → a 127.0.0.1:$port_a, b 127.0.0.1:$port_b (database $db)"

export BASE_URL="$base_url" E2E_DATABASE_URL="$db_url"
export CLUSTER_A_URL="http://127.0.0.1:$port_a" CLUSTER_B_URL="http://127.0.0.1:$port_b"
if (($# == 0)); then set -- "${SHELL:-bash}"; fi
"$@"
