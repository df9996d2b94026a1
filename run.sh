#!/usr/bin/env bash
# Runs the whole system on loopback with a simulated fleet: PostgreSQL and RabbitMQ (deploy/local/servers.sh),
# IncidentService, NotificationService, a webhook alert sink that prints every alert, and the simulator.
# A service that exits is started again (as a supervisor would), with a line saying so.
# Ctrl-C stops everything this script started.
#
# Knobs (environment):
#   POSOPS__Agent__Simulation__Terminals (50), ...__Stores (5), ...__FaultEverySeconds (5),
#   POSOPS__Agent__HeartbeatIntervalSeconds (15), ...__Simulation__ScenarioFile   the simulated fleet
#   POSOPS_RUN_SECONDS (0 = until Ctrl-C)         stop by itself after this many seconds
#   POSOPS_WEBHOOK_SECRET (random)                 secret that signs webhook alerts
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
logs="$root/.posops/logs"
mkdir -p "$logs"

# One line with what went wrong and what to do, then a non-zero exit (the trap stops what was started).
fail() { echo "run.sh: ERROR: $*" >&2; exit 1; }

pids=()
servers_were_running=false
if deploy/local/servers.sh status >/dev/null 2>&1; then servers_were_running=true; fi

cleanup() {
  local status=$?
  trap - INT TERM EXIT
  echo
  echo "run.sh: stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$servers_were_running" = false ] && [ -z "${POSOPS_POSTGRES_EXTERNAL:-}" ]; then
    deploy/local/servers.sh down >&2 || true
  fi
  echo "run.sh: stopped (logs in .posops/logs/)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

echo "run.sh: starting PostgreSQL and RabbitMQ..."
settings=$(deploy/local/servers.sh up) \
  || fail "PostgreSQL and RabbitMQ did not start (the reason is above); nothing was built or started"
eval "$settings"

echo "run.sh: building..."
dotnet build deploy/local/run.slnf -c Release --nologo -v quiet -clp:ErrorsOnly \
  || fail "the build failed (errors above); fix them and run ./run.sh again"

bin() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export POSOPS_WEBHOOK_SECRET="${POSOPS_WEBHOOK_SECRET:-$(random_hex 16)}"
export POSOPS__Notification__Webhook__Secret="$POSOPS_WEBHOOK_SECRET"
export POSOPS__Notification__Webhook__Url="http://127.0.0.1:5090/alerts"
# Alerts carry a signed link that acknowledges the incident on IncidentService (both read this secret).
export POSOPS__Notification__AckToken__Secret="${POSOPS__Notification__AckToken__Secret:-$(random_hex 24)}"
# A fresh admin API key per run (send it as X-Api-Key, or set POSOPS_API_KEY for the posops CLI);
# .posops/admin-key holds it for the README's examples.
export POSOPS__Auth__BootstrapAdminKey="${POSOPS__Auth__BootstrapAdminKey:-$(random_hex 24)}"
(umask 077; printf '%s\n' "$POSOPS__Auth__BootstrapAdminKey" >"$root/.posops/admin-key")

# supervise NAME LOG CMD...: runs CMD, and starts it again when it exits (backing off from 1 s to 30 s
# while it keeps failing at once). LOG "-" keeps its output on this terminal.
supervise() {
  local name=$1 log=$2
  shift 2
  (
    child="" sleeper="" delay=1
    trap 'kill -TERM $child $sleeper 2>/dev/null; wait $child 2>/dev/null; exit 0' TERM INT
    while true; do
      started=$SECONDS
      if [ "$log" = - ]; then "$@" & else "$@" >>"$log" 2>&1 & fi
      child=$!
      rc=0; wait "$child" || rc=$?
      [ $((SECONDS - started)) -ge 60 ] && delay=1
      echo "run.sh: $name exited with status $rc; starting it again in $delay s (log: ${log#"$root"/})" >&2
      sleep "$delay" &
      sleeper=$!
      wait "$sleeper"
      delay=$((delay * 2 > 30 ? 30 : delay * 2))
    done
  ) &
  pids+=($!)
}

wait_ready() { # name url
  for _ in $(seq 1 120); do
    if curl -fsS "$2" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  tail -20 "$logs/$1.log" >&2 2>/dev/null || true
  fail "$1 did not become ready at $2 within 60 s; its log is .posops/logs/$1.log (last lines above)"
}

# The simulated fleet's device registry (model, serial, signing key): IncidentService imports it and
# rejects anything not signed by a registered device.
registry="$root/.posops/fleet-registry.json"
dotnet "$(bin services/PosOps.TerminalAgent)" --simulate --export-registry "$registry" >/dev/null \
  || fail "the simulator could not write the fleet registry to $registry"
export POSOPS__Registry__ImportFile="$registry"
export POSOPS__Agent__Store__Path="$root/.posops/agent/agent.db"

supervise alert-sink - dotnet "$(bin tools/PosOps.AlertSink)"
wait_ready alert-sink http://127.0.0.1:5090/health
supervise incident-service "$logs/incident-service.log" dotnet "$(bin services/PosOps.IncidentService)"
supervise notification-service "$logs/notification-service.log" dotnet "$(bin services/PosOps.NotificationService)"
wait_ready incident-service http://127.0.0.1:5080/health/ready
wait_ready notification-service http://127.0.0.1:5081/health/ready
supervise simulator "$logs/simulator.log" dotnet "$(bin services/PosOps.TerminalAgent)" --simulate

cat <<INFO

PosOps is running (logs in .posops/logs/):
  Incidents API        http://127.0.0.1:5080/api/incidents
  Devices API          http://127.0.0.1:5080/api/devices
  Dashboard            http://127.0.0.1:5080/
  API reference        http://127.0.0.1:5080/scalar   (OpenAPI: /openapi/v1.json, metrics: /metrics)
  admin key: ${POSOPS__Auth__BootstrapAdminKey}   (also in .posops/admin-key)
  Health               http://127.0.0.1:5080/health/ready   http://127.0.0.1:5081/health/ready
  RabbitMQ management  ${POSOPS_RABBITMQ_MANAGEMENT:-http://127.0.0.1:27673} (posops / posops)
  Simulated fleet      ${POSOPS__Agent__Simulation__Terminals:-50} terminals in ${POSOPS__Agent__Simulation__Stores:-5} stores, a fault every ${POSOPS__Agent__Simulation__FaultEverySeconds:-5} s
Alerts delivered to the webhook appear below. Ctrl-C stops everything.

INFO

if [ "${POSOPS_RUN_SECONDS:-0}" -gt 0 ]; then
  sleep "$POSOPS_RUN_SECONDS" &
  wait $!
else
  wait "${pids[0]}"
fi
