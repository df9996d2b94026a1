#!/usr/bin/env bash
# PosOps local infrastructure: a real PostgreSQL 15 and RabbitMQ on loopback,
# for local runs and the integration tests.
#
#   deploy/local/servers.sh up      start (or reuse) both servers, print env
#   deploy/local/servers.sh env     print `export NAME=value` lines
#   deploy/local/servers.sh status  show what is running (exit 0 only if all up)
#   deploy/local/servers.sh plugins enable the plugins PosOps needs on our running RabbitMQ,
#                                   online, without a restart (`up` does it too)
#   deploy/local/servers.sh down    stop what `up` started (by pid), nothing else
#   deploy/local/servers.sh rabbitmqctl ARGS | rabbitmq-diagnostics ARGS | rabbitmq-plugins ARGS
#                                   CLI against our node (same user, cookie, epmd)
#   deploy/local/servers.sh psql ARGS  psql as posops to our PostgreSQL
#
#   eval "$(deploy/local/servers.sh up)"
#
#   deploy/local/servers.sh purge   down, then delete this checkout's server state (data included)
#   deploy/local/servers.sh deps [servers|tests]
#                                   install what the servers (default) or the whole test suite need
#
# State (data, logs, pid files, the ports in use) lives, as root, in /var/lib/posops/<checkout id>/:
# the service users (postgres, rabbitmq) own their folders there, so a checkout under a home folder
# of mode 0700 (or any `mktemp -d`) works without changing permissions. As another user it lives in
# <repo>/.posops/ (git-ignored) and the servers run as that user. <repo>/.posops/servers points at it.
# Ports are recorded per checkout: when the defaults are taken (another checkout's servers), `up`
# picks the next free block (+10 each) and records it, so two checkouts never collide.
# Progress goes to stderr; stdout carries only the export lines.
#
# Configuration (environment):
#   POSOPS_PG_PORT             PostgreSQL port           (default 27432)
#   POSOPS_AMQP_PORT           RabbitMQ AMQP port        (default 27672)
#   POSOPS_RABBITMQ_MGMT_PORT  management HTTP port      (default 27673)
#   POSOPS_RABBITMQ_DIST_PORT  Erlang distribution port  (default 27674)
#   POSOPS_EPMD_PORT           epmd port                 (default 27675)
#   (Defaults sit below Linux's ephemeral range, 32768-60999: a client retrying a stopped
#   broker on a port inside it can be handed that port as its own source port, connect to
#   itself, and keep the broker from listening again.)
#   POSOPS_RABBITMQ_NODENAME   Erlang node name          (default posops@localhost)
#   POSOPS_STATE_DIR           state folder              (default above)
#   POSOPS_START_TIMEOUT       seconds to wait per server (default 90)
#   POSOPS_POSTGRES / POSOPS_RABBITMQ
#       If set (and not pointing at this script's own servers), they name servers
#       you run yourself: `up` does not start that server and `env` echoes them.
# shellcheck disable=SC2015,SC2016   # `a && b || true` idioms; single-quoted sh -c on purpose
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
default_state() {
  if [ "$(id -u)" -eq 0 ]; then
    local name; name="$(basename "$ROOT" | tr -d '\n' | tr -c 'A-Za-z0-9._-' '_' | cut -c1-40)"
    echo "/var/lib/posops/$name-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)"
  else
    echo "$ROOT/.posops"
  fi
}
STATE="${POSOPS_STATE_DIR:-$(default_state)}"
PORTS_FILE="$STATE/ports.env"

PG_BIN="${POSOPS_PG_BIN:-/usr/lib/postgresql/15/bin}"
RMQ_SBIN="/usr/lib/rabbitmq/bin"

PG_DIR="$STATE/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/socket"
RMQ_DIR="$STATE/rabbitmq"
LOG_DIR="$STATE/logs"
PG_LOG="$LOG_DIR/postgres.log"
RMQ_CONSOLE_LOG="$LOG_DIR/rabbitmq-console.log"
EPMD_LOG="$LOG_DIR/epmd.log"
RMQ_PID_FILE="$STATE/rabbitmq.pid"     # launcher (rabbitmq-server script) pid
EPMD_PID_FILE="$STATE/epmd.pid"

TIMEOUT="${POSOPS_START_TIMEOUT:-90}"
# IncidentService partitions agent traffic through x-consistent-hash exchanges (ships with RabbitMQ).
RMQ_PLUGINS=(rabbitmq_management rabbitmq_consistent_hash_exchange)
DB_USER=posops DB_PASS=posops DB_NAME=posops
MQ_USER=posops MQ_PASS=posops

log()  { printf '[servers] %s\n' "$*" >&2; }
die()  { printf '[servers] ERROR: %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- ports ----
# Precedence: environment variable > ports recorded by the last `up` > default.
load_ports() {
  local rec_pg="" rec_amqp="" rec_mgmt="" rec_dist="" rec_epmd="" rec_node=""
  if [ -f "$PORTS_FILE" ]; then
    # shellcheck disable=SC1090
    . "$PORTS_FILE"
  fi
  PG_PORT="${POSOPS_PG_PORT:-${rec_pg:-27432}}"
  AMQP_PORT="${POSOPS_AMQP_PORT:-${rec_amqp:-27672}}"
  MGMT_PORT="${POSOPS_RABBITMQ_MGMT_PORT:-${rec_mgmt:-27673}}"
  DIST_PORT="${POSOPS_RABBITMQ_DIST_PORT:-${rec_dist:-27674}}"
  EPMD_PORT="${POSOPS_EPMD_PORT:-${rec_epmd:-27675}}"
  NODENAME="${POSOPS_RABBITMQ_NODENAME:-${rec_node:-posops@localhost}}"
  REC_AMQP="$rec_amqp"
  # Ports named by neither the environment nor a record may move to a free block (choose_ports).
  AUTO_PORTS=1
  if [ -n "${POSOPS_PG_PORT:-}${POSOPS_AMQP_PORT:-}${POSOPS_RABBITMQ_MGMT_PORT:-}${POSOPS_RABBITMQ_DIST_PORT:-}${POSOPS_EPMD_PORT:-}" ]; then AUTO_PORTS=""; fi
  local p
  for p in "$PG_PORT" "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT" "$EPMD_PORT"; do
    [[ "$p" =~ ^[0-9]+$ ]] && [ "$p" -gt 0 ] && [ "$p" -lt 65536 ] || die "invalid port: $p"
  done
  RMQ_NODE_PID_FILE="$RMQ_DIR/${NODENAME}.pid"   # beam pid, written by RabbitMQ
}

save_ports() {
  cat >"$PORTS_FILE" <<EOF
rec_pg=$PG_PORT
rec_amqp=$AMQP_PORT
rec_mgmt=$MGMT_PORT
rec_dist=$DIST_PORT
rec_epmd=$EPMD_PORT
rec_node=$NODENAME
EOF
}

# When this checkout's servers are not running and a port of its set is taken by another process
# (say another checkout's servers), move the whole set to the first free block and record it.
choose_ports() {
  [ -n "$AUTO_PORTS" ] || return 0
  if pg_running || rmq_running || epmd_pid_ours >/dev/null; then return 0; fi
  ports_free "$PG_PORT" "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT" "$EPMD_PORT" && return 0
  local k
  for k in $(seq 0 40); do
    if ports_free $((27432 + k * 10)) $((27672 + k * 10)) $((27673 + k * 10)) $((27674 + k * 10)) $((27675 + k * 10)); then
      log "ports $PG_PORT/$AMQP_PORT/$MGMT_PORT/$DIST_PORT/$EPMD_PORT are taken by another process; this checkout uses $((27432 + k * 10))/$((27672 + k * 10))/$((27673 + k * 10))/$((27674 + k * 10))/$((27675 + k * 10)) (recorded in $PORTS_FILE)"
      PG_PORT=$((27432 + k * 10)); AMQP_PORT=$((27672 + k * 10)); MGMT_PORT=$((27673 + k * 10))
      DIST_PORT=$((27674 + k * 10)); EPMD_PORT=$((27675 + k * 10))
      return 0
    fi
  done
  die "no free block of ports from 27432 on; set POSOPS_PG_PORT, POSOPS_AMQP_PORT, POSOPS_RABBITMQ_MGMT_PORT, POSOPS_RABBITMQ_DIST_PORT and POSOPS_EPMD_PORT"
}

ports_free() { local p; for p in "$@"; do port_open "$p" && return 1; done; return 0; }

own_pg_url()   { echo "Host=127.0.0.1;Port=$PG_PORT;Username=$DB_USER;Password=$DB_PASS;Database=$DB_NAME"; }
own_amqp_url() { echo "amqp://$MQ_USER:$MQ_PASS@127.0.0.1:$AMQP_PORT/"; }
own_mgmt_url() { echo "http://127.0.0.1:$MGMT_PORT"; }

# A server is "external" when the user set POSOPS_POSTGRES / POSOPS_RABBITMQ to
# something other than what this script itself would print (so a shell that
# eval'ed our own env earlier still gets our servers managed).
pg_external()  { [ -n "${POSOPS_POSTGRES:-}" ] && [ "$POSOPS_POSTGRES" != "$(own_pg_url)" ]; }
rmq_external() { [ -n "${POSOPS_RABBITMQ:-}" ] && [ "$POSOPS_RABBITMQ" != "$(own_amqp_url)" ]; }

dq() { # double-quote a value for the shell
  local s="$1"
  s="${s//\\/\\\\}"; s="${s//\"/\\\"}"; s="${s//\$/\\\$}"; s="${s//\`/\\\`}"
  printf '"%s"' "$s"
}

print_env() {
  local pg amqp mgmt=""
  if pg_external; then pg="$POSOPS_POSTGRES"; else pg="$(own_pg_url)"; fi
  if rmq_external; then
    amqp="$POSOPS_RABBITMQ"; mgmt="${POSOPS_RABBITMQ_MANAGEMENT:-}"
  else
    amqp="$(own_amqp_url)"; mgmt="$(own_mgmt_url)"
  fi
  echo "export POSOPS_POSTGRES=$(dq "$pg")"
  echo "export POSOPS_RABBITMQ=$(dq "$amqp")"
  [ -n "$mgmt" ] && echo "export POSOPS_RABBITMQ_MANAGEMENT=$(dq "$mgmt")"
  echo "export POSOPS__Postgres__ConnectionString=$(dq "$pg")"
  echo "export POSOPS__RabbitMq__Uri=$(dq "$amqp")"
}

# --------------------------------------------------------------- helpers ---
port_open() { # port -> 0 if something accepts TCP on 127.0.0.1:port
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pid_alive() { # running and not a zombie
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  local st; st="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)"
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

read_pid() { [ -f "$1" ] && head -n1 "$1" 2>/dev/null | tr -dc '0-9' || true; }

# pid_ours PID REGEX: process alive, cmdline matches REGEX and (where readable)
# its environment carries our state-dir marker.
pid_ours() {
  local pid="$1" re="$2" cmd
  pid_alive "$pid" || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" =~ $re ]] || return 1
  if [ -r "/proc/$pid/environ" ]; then
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "POSOPS_SERVERS_STATE=$STATE" || return 1
  fi
  return 0
}

tail_log() { # file [lines]
  local f="$1" n="${2:-40}"
  if [ -f "$f" ]; then
    printf -- '----- last %s lines of %s -----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2 || true
    printf -- '-----\n' >&2
  fi
}

# Run as the service user when root; as ourselves otherwise.
as_pg() {
  if is_root; then (cd "$STATE" && runuser -u postgres -- "$@"); else (cd "$STATE" && "$@"); fi
}
rmq_env() { # the environment shared by the RabbitMQ server and its CLI tools
  local user; if is_root; then user=rabbitmq; else user="$(id -un)"; fi
  RMQ_ENV=(
    env
    HOME="$RMQ_DIR" USER="$user" LOGNAME="$user"
    POSOPS_SERVERS_STATE="$STATE"
    RABBITMQ_NODENAME="$NODENAME"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$AMQP_PORT"
    RABBITMQ_DIST_PORT="$DIST_PORT"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_PID_FILE="$RMQ_NODE_PID_FILE"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_CRASH_DUMP="$RMQ_DIR/log/erl_crash.dump"
    ERL_EPMD_PORT="$EPMD_PORT"
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  )
  if is_root; then
    RMQ_AS=(setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups --)
  else
    RMQ_AS=()
  fi
}
as_rmq() { rmq_env; (cd "$RMQ_DIR" && "${RMQ_AS[@]}" "${RMQ_ENV[@]}" "$@"); }

# ----------------------------------------------------------- installation --
# missing_packages [servers|tests]: Debian packages still to install for the servers, or for the
# whole test suite (the servers, Chromium and a CJK font for the dashboard tests, aiosmtpd for email).
missing_packages() {
  local -a m=()
  if [ "${1:-servers}" = tests ] && pg_external && rmq_external; then :; else
  { [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -x "$PG_BIN/postgres" ] \
      && [ -x "$PG_BIN/pg_isready" ]; } || m+=(postgresql-15)
  command -v psql >/dev/null 2>&1 || m+=(postgresql-client-15)
  [ -x "$RMQ_SBIN/rabbitmq-server" ] && [ -x "$RMQ_SBIN/rabbitmqctl" ] || m+=(rabbitmq-server)
  fi
  command -v curl >/dev/null 2>&1 || m+=(curl)
  command -v flock >/dev/null 2>&1 || m+=(util-linux)
  if [ "${1:-servers}" = tests ]; then
    [ -x /usr/bin/chromium ] || m+=(chromium)
    [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || m+=(fonts-wqy-microhei)
    { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; } || m+=(python3-aiosmtpd)
    command -v git >/dev/null 2>&1 || m+=(git)
  fi
  echo "${m[*]}"
}

apt_busy() { pgrep -x apt-get >/dev/null || pgrep -x apt >/dev/null || pgrep -x dpkg >/dev/null; }

ensure_installed() { # [servers|tests]
  local set="${1:-servers}" need; need="$(missing_packages "$set")"
  [ -z "$need" ] && return 0
  is_root || die "missing packages: $need. Install them as root: apt-get install -y $need (this script only installs when run as root)."
  command -v apt-get >/dev/null || die "missing packages ($need) and no apt-get on this machine"

  # Another apt/dpkg run (e.g. a provisioning job logging to /tmp/apt.log) may be
  # installing them right now: wait for it, then look again.
  if apt_busy; then
    log "apt/dpkg is busy (background install?); waiting up to 15 min ..."
    local waited=0
    while apt_busy; do
      sleep 5; waited=$((waited + 5))
      [ $((waited % 60)) -eq 0 ] && [ -f /tmp/apt.log ] && log "still waiting; /tmp/apt.log: $(tail -n1 /tmp/apt.log)"
      [ "$waited" -ge 900 ] && die "apt/dpkg still busy after 15 minutes"
    done
    need="$(missing_packages "$set")"
    [ -z "$need" ] && { log "packages installed by the background job"; return 0; }
  fi

  log "installing: $need"
  # Keep the package scripts from starting Debian's own system services
  # (a system RabbitMQ would listen on all interfaces).
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
  fi
  local rc=0 pkgs
  read -r -a pkgs <<<"$need"
  {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-upgrade \
      --no-install-recommends "${pkgs[@]}" >&2
  } || rc=$?
  [ -n "$created_policy" ] && rm -f "$policy"
  [ "$rc" -eq 0 ] || die "apt-get install $need failed (exit $rc)"
  need="$(missing_packages "$set")"
  [ -z "$need" ] || die "still missing after install: $need"
}

# --------------------------------------------------------------- layout ----
prepare_dirs() {
  mkdir -p "$STATE" "$LOG_DIR" "$PG_DIR" "$RMQ_DIR"
  chmod 755 "$STATE" "$LOG_DIR"
  if [ -z "${POSOPS_STATE_DIR:-}" ] && [ "$STATE" != "$ROOT/.posops" ]; then
    mkdir -p "$ROOT/.posops" && ln -sfn "$STATE" "$ROOT/.posops/servers"
  fi
  ln -sfn ../rabbitmq/log "$LOG_DIR/rabbitmq"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "system user 'postgres' not found (is postgresql-15 installed?)"
    id rabbitmq >/dev/null 2>&1 || die "system user 'rabbitmq' not found (is rabbitmq-server installed?)"
    local u
    for u in postgres rabbitmq; do
      runuser -u "$u" -- test -x "$STATE" 2>/dev/null || die \
        "user '$u' cannot reach POSOPS_STATE_DIR=$STATE: choose a folder whose parents it can traverse, or unset POSOPS_STATE_DIR (the default, /var/lib/posops/..., always works)"
    done
  fi
}

# ----------------------------------------------------------- PostgreSQL ----
pg_socket_dir() {
  # unix socket paths are limited to ~107 bytes
  if [ "${#PG_SOCK}" -gt 90 ]; then
    echo "/tmp/posops-pg-$(printf '%s' "$STATE" | md5sum | cut -c1-10)"
  else
    echo "$PG_SOCK"
  fi
}

pg_pid() { read_pid "$PG_DATA/postmaster.pid"; }

pg_running() { # our postmaster alive (answering or not)
  local pid; pid="$(pg_pid)"
  [ -n "$pid" ] && pid_alive "$pid" && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" =~ postgres ]]
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

pg_running_port() { sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null | tr -dc '0-9'; }

pg_psql() { # run SQL over the unix socket as the bootstrap superuser
  local su; if is_root; then su=postgres; else su="$(id -un)"; fi
  as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$(pg_socket_dir)" -p "$PG_PORT" -U "$su" -d postgres
}

pg_up() {
  local sock; sock="$(pg_socket_dir)"
  if pg_running; then
    local rp; rp="$(pg_running_port)"
    [ -z "$rp" ] || [ "$rp" = "$PG_PORT" ] || die \
      "our PostgreSQL already runs on port $rp, not $PG_PORT; run '$0 down' first"
    if pg_ready || wait_for "PostgreSQL" pg_ready 30; then
      log "PostgreSQL already running (pid $(pg_pid), port $PG_PORT) - reusing"
      pg_ensure_role
      return 0
    fi
    tail_log "$PG_LOG"; die "our PostgreSQL (pid $(pg_pid)) runs but does not answer on port $PG_PORT"
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is already used by another process; set POSOPS_PG_PORT"

  mkdir -p "$PG_DATA" "$sock"
  touch "$PG_LOG"
  if is_root; then chown postgres:postgres "$PG_DIR" "$PG_DATA" "$sock" "$PG_LOG"; fi
  chmod 700 "$PG_DATA"

  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    local su; if is_root; then su=postgres; else su="$(id -un)"; fi
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U "$su" -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 \
      || { tail_log "$PG_LOG"; die "initdb failed"; }
    echo "include_if_exists = 'posops.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  # rewritten each start so port changes apply; fsync/synchronous_commit stay on
  cat >"$PG_DATA/posops.conf" <<EOF
# written by deploy/local/servers.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
full_page_writes = on
password_encryption = 'scram-sha-256'
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  if is_root; then chown postgres:postgres "$PG_DATA/posops.conf"; fi

  log "starting PostgreSQL 15 on 127.0.0.1:$PG_PORT"
  if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$TIMEOUT" -s start >&2 9>&-; then
    tail_log "$PG_LOG"; die "PostgreSQL did not start within ${TIMEOUT}s (log: $PG_LOG)"
  fi
  wait_for "PostgreSQL" pg_ready "$TIMEOUT" || { tail_log "$PG_LOG"; die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"; }
  pg_ensure_role
}

pg_ensure_role() {
  pg_psql <<SQL >&2 || { tail_log "$PG_LOG"; die "could not create role/database $DB_USER"; }
DO \$\$BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN SUPERUSER CREATEDB PASSWORD '$DB_PASS';
  END IF;
END\$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL
}

pg_down() {
  if pg_running; then
    log "stopping PostgreSQL (pid $(pg_pid))"
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 -s stop >&2 || {
      log "pg_ctl stop failed; sending SIGQUIT to the postmaster"
      pg_running && kill -QUIT "$(pg_pid)" 2>/dev/null || true
    }
  else
    log "PostgreSQL: not running"
  fi
}

# ------------------------------------------------------------- RabbitMQ ----
epmd_pid_ours()  { local p; p="$(read_pid "$EPMD_PID_FILE")"; [ -n "$p" ] && pid_ours "$p" "epmd.*-port $EPMD_PORT" && echo "$p"; }
rmq_launcher_ours() { local p; p="$(read_pid "$RMQ_PID_FILE")"; [ -n "$p" ] && pid_ours "$p" "rabbitmq-server|beam" && echo "$p"; }
rmq_beam_ours()  { local p; p="$(read_pid "$RMQ_NODE_PID_FILE")"; [ -n "$p" ] && pid_ours "$p" "beam" && echo "$p"; }
rmq_running()    { rmq_launcher_ours >/dev/null || rmq_beam_ours >/dev/null; }

mgmt_ready() {
  curl -fsS -o /dev/null -m 3 -u "$MQ_USER:$MQ_PASS" "http://127.0.0.1:$MGMT_PORT/api/overview" 2>/dev/null
}
rmq_ready() { port_open "$AMQP_PORT" && mgmt_ready; }

# wait_for NAME CHECK TIMEOUT [PID-that-must-stay-alive]
wait_for() {
  local name="$1" check="$2" t="$3" pid="${4:-}" start=$SECONDS
  while ! "$check"; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then log "$name process $pid exited"; return 1; fi
    [ $((SECONDS - start)) -ge "$t" ] && { log "$name: no answer after ${t}s"; return 1; }
    sleep 0.5
  done
}

rmq_write_config() {
  mkdir -p "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  # default_user/pass are applied when the node boots with an empty database.
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# written by deploy/local/servers.sh
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
default_vhost = /
default_user = $MQ_USER
default_pass = $MQ_PASS
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users = none
log.file.level = info
EOF
  (IFS=,; echo "[${RMQ_PLUGINS[*]}].") >"$RMQ_DIR/enabled_plugins"
  : >"$RMQ_DIR/rabbitmq-env.conf"   # keeps /etc/rabbitmq/rabbitmq-env.conf out
  if [ ! -s "$RMQ_DIR/.erlang.cookie" ]; then
    # server and CLI both run with HOME=$RMQ_DIR, so they share this cookie
    (umask 077; head -c 64 /dev/urandom | sha256sum | cut -c1-40 | tr 'a-f' 'A-F' >"$RMQ_DIR/.erlang.cookie")
  fi
  chmod 400 "$RMQ_DIR/.erlang.cookie"
  if is_root; then chown -R rabbitmq:rabbitmq "$RMQ_DIR"; fi
}

epmd_up() {
  if epmd_pid_ours >/dev/null; then return 0; fi
  if port_open "$EPMD_PORT"; then
    log "epmd port $EPMD_PORT already in use by another process; using it (it will not be stopped by down)"
    rm -f "$EPMD_PID_FILE"; return 0
  fi
  rmq_env
  : >"$EPMD_LOG"
  # sh writes its own pid, then execs (same pid) into epmd running in the foreground
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$EPMD_PID_FILE" \
    "${RMQ_AS[@]}" "${RMQ_ENV[@]}" epmd -address 127.0.0.1 -port "$EPMD_PORT" \
    </dev/null >>"$EPMD_LOG" 2>&1 9>&- &
  for _ in $(seq 1 50); do port_open "$EPMD_PORT" && return 0; sleep 0.1; done
  tail_log "$EPMD_LOG"; die "epmd did not start on 127.0.0.1:$EPMD_PORT"
}

rmq_up() {
  if rmq_running; then
    [ -z "$REC_AMQP" ] || [ "$REC_AMQP" = "$AMQP_PORT" ] || die \
      "our RabbitMQ already runs on port $REC_AMQP, not $AMQP_PORT; run '$0 down' first"
    if rmq_ready || wait_for "RabbitMQ" rmq_ready "$TIMEOUT" "$(rmq_launcher_ours || rmq_beam_ours)"; then
      log "RabbitMQ already running (pid $(rmq_beam_ours || rmq_launcher_ours), port $AMQP_PORT) - reusing"
      # A node started by an older script may lack one; `plugins` says why if this fails.
      rmq_enable_plugins 2>/dev/null || log "WARNING: could not enable ${RMQ_PLUGINS[*]} on the running node; run '$0 plugins'"
      return 0
    fi
    tail_log "$RMQ_DIR/log/$NODENAME.log"; die "our RabbitMQ runs but does not answer on $AMQP_PORT/$MGMT_PORT"
  fi
  local p
  for p in "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT"; do
    port_open "$p" && die "port $p is already used by another process; set POSOPS_AMQP_PORT / POSOPS_RABBITMQ_MGMT_PORT / POSOPS_RABBITMQ_DIST_PORT"
  done

  rmq_write_config
  rm -f "$RMQ_NODE_PID_FILE"
  epmd_up
  rmq_env
  log "starting RabbitMQ ($NODENAME) on 127.0.0.1:$AMQP_PORT, management :$MGMT_PORT"
  printf '\n==== %s start ====\n' "$(date -Is)" >>"$RMQ_CONSOLE_LOG"
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$RMQ_PID_FILE" \
    "${RMQ_AS[@]}" "${RMQ_ENV[@]}" "$RMQ_SBIN/rabbitmq-server" \
    </dev/null >>"$RMQ_CONSOLE_LOG" 2>&1 9>&- &
  local launcher=$!
  for _ in $(seq 1 20); do [ -s "$RMQ_PID_FILE" ] && break; sleep 0.05; done
  if ! wait_for "RabbitMQ" rmq_ready "$TIMEOUT" "$launcher"; then
    tail_log "$RMQ_CONSOLE_LOG" 20
    tail_log "$RMQ_DIR/log/$NODENAME.log" 40
    if pid_alive "$launcher"; then
      die "RabbitMQ did not answer within ${TIMEOUT}s; it is left running (pid $launcher) - '$0 down' stops it (logs: $RMQ_DIR/log, $RMQ_CONSOLE_LOG)"
    fi
    rm -f "$RMQ_PID_FILE"
    die "RabbitMQ failed to start (logs: $RMQ_DIR/log, $RMQ_CONSOLE_LOG)"
  fi
}

# Enables RMQ_PLUGINS on the running node, online: no restart, connections stay; idempotent.
# Also records them in the node's enabled_plugins file, so the next start has them.
rmq_enable_plugins() {
  as_rmq "$RMQ_SBIN/rabbitmq-plugins" -q enable --online "${RMQ_PLUGINS[@]}" >&2
}

cmd_plugins() {
  if rmq_external; then
    die "POSOPS_RABBITMQ names your own broker: enable ${RMQ_PLUGINS[*]} there (rabbitmq-plugins enable --online ...)"
  fi
  rmq_running && rmq_ready || die "our RabbitMQ is not running; '$0 up' starts it with the plugins enabled"
  rmq_enable_plugins || die "could not enable ${RMQ_PLUGINS[*]} on $NODENAME (log: $RMQ_DIR/log)"
  log "enabled on $NODENAME: ${RMQ_PLUGINS[*]}"
}

rmq_down() {
  local launcher beam
  launcher="$(rmq_launcher_ours || true)"; beam="$(rmq_beam_ours || true)"
  if [ -z "$launcher$beam" ]; then
    log "RabbitMQ: not running"
  else
    log "stopping RabbitMQ (launcher ${launcher:--}, beam ${beam:--})"
    if [ -n "$beam" ]; then
      # `stop <pidfile>` waits until the VM has exited
      rmq_env
      (cd "$RMQ_DIR" && timeout 60 "${RMQ_AS[@]}" "${RMQ_ENV[@]}" \
        "$RMQ_SBIN/rabbitmqctl" -q stop "$RMQ_NODE_PID_FILE") >/dev/null 2>&1 \
        || log "rabbitmqctl stop failed; signalling the processes"
    fi
    # re-check identity before every signal: the pids may have been freed and reused
    local p
    for p in $launcher $beam; do pid_ours "$p" "rabbitmq-server|beam" && kill -TERM "$p" 2>/dev/null || true; done
    for _ in $(seq 1 60); do
      { pid_ours "$launcher" "rabbitmq-server|beam" || pid_ours "$beam" "beam"; } || break
      sleep 0.5
    done
    for p in $launcher $beam; do
      pid_ours "$p" "rabbitmq-server|beam" && { log "killing $p"; kill -KILL "$p" 2>/dev/null || true; }
    done
  fi
  rm -f "$RMQ_PID_FILE" "$RMQ_NODE_PID_FILE"

  local e; e="$(epmd_pid_ours || true)"
  if [ -n "$e" ]; then
    log "stopping epmd (pid $e, port $EPMD_PORT)"
    kill -TERM "$e" 2>/dev/null || true
    for _ in $(seq 1 20); do pid_ours "$e" "epmd" || break; sleep 0.1; done
    pid_ours "$e" "epmd" && kill -KILL "$e" 2>/dev/null || true
  fi
  rm -f "$EPMD_PID_FILE"
}

# ------------------------------------------------------------- commands ----
take_lock() { # serialize concurrent up/down runs (e.g. two test runs at once)
  exec 9>>"$STATE/.lock"
  if ! flock -n 9; then
    log "another servers.sh up/down is running; waiting for it ..."
    flock -w 300 9 || die "timed out waiting for $STATE/.lock"
  fi
}

cmd_up() {
  local t0=$SECONDS
  if pg_external && rmq_external; then
    log "POSOPS_POSTGRES and POSOPS_RABBITMQ are set: using your servers, starting nothing"
    print_env; return 0
  fi
  ensure_installed servers
  prepare_dirs
  take_lock
  choose_ports
  if pg_external; then log "POSOPS_POSTGRES is set: using your PostgreSQL"; else pg_up; fi
  if rmq_external; then log "POSOPS_RABBITMQ is set: using your RabbitMQ"; else rmq_up; fi
  save_ports
  log "ready in $((SECONDS - t0))s (state: $STATE)"
  print_env
}

cmd_down() {
  [ -d "$STATE" ] || { log "nothing to stop ($STATE does not exist)"; return 0; }
  take_lock
  rmq_down
  pg_down
  # The ports stay recorded, so the next `up` serves the same URLs (unless another process took them).
}

cmd_status() {
  local ok=0 pid
  if pg_external; then
    echo "postgres: external (POSOPS_POSTGRES)"
  elif pg_running; then
    pid="$(pg_pid)"
    if pg_ready; then echo "postgres: running pid=$pid 127.0.0.1:$PG_PORT data=$PG_DATA"
    else echo "postgres: process $pid alive but not answering on 127.0.0.1:$PG_PORT"; ok=1; fi
  else
    echo "postgres: stopped"; ok=1
  fi
  if rmq_external; then
    echo "rabbitmq: external (POSOPS_RABBITMQ)"
  elif rmq_running; then
    pid="$(rmq_beam_ours || rmq_launcher_ours)"
    if rmq_ready; then echo "rabbitmq: running pid=$pid node=$NODENAME amqp=127.0.0.1:$AMQP_PORT management=$(own_mgmt_url)"
    else echo "rabbitmq: process $pid alive but not (yet) answering on $AMQP_PORT/$MGMT_PORT"; ok=1; fi
    if pid="$(epmd_pid_ours)"; then echo "epmd:     running pid=$pid 127.0.0.1:$EPMD_PORT"
    else echo "epmd:     not ours (port $EPMD_PORT)"; fi
  else
    echo "rabbitmq: stopped"; ok=1
    if pid="$(epmd_pid_ours)"; then echo "epmd:     running pid=$pid 127.0.0.1:$EPMD_PORT (leftover; 'down' stops it)"; fi
  fi
  return $ok
}

usage() { echo "usage: $0 up|down|purge|env|status|plugins|deps [servers|tests]|rabbitmqctl ARGS|rabbitmq-diagnostics ARGS|rabbitmq-plugins ARGS|psql ARGS" >&2; exit 2; }

[ $# -ge 1 ] || usage
load_ports
case "$1" in
  up)     cmd_up ;;
  down)   cmd_down ;;
  env)    print_env ;;
  status) cmd_status ;;
  plugins) cmd_plugins ;;
  purge)  cmd_down; rm -rf "$STATE"; [ -L "$ROOT/.posops/servers" ] && rm -f "$ROOT/.posops/servers"; log "removed $STATE" ;;
  deps)   ensure_installed "${2:-servers}"; log "everything for ${2:-servers} is installed" ;;
  rabbitmqctl|rabbitmq-diagnostics|rabbitmq-plugins)
          tool="$1"; shift; as_rmq "$RMQ_SBIN/$tool" "$@" ;;
  psql)   shift; PGPASSWORD="$DB_PASS" psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" "$@" ;;
  -h|--help|help) sed -n '2,/^# shellcheck/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2 ;;
  *)      usage ;;
esac
