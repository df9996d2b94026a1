#!/usr/bin/env bash
# Runs the whole system on loopback with a simulated fleet: PostgreSQL and RabbitMQ (deploy/local/servers.sh),
# IncidentService, NotificationService, a webhook alert sink that prints every alert, and the simulator.
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

pids=()
servers_were_running=false
if deploy/local/servers.sh status >/dev/null 2>&1; then servers_were_running=true; fi

cleanup() {
  trap - INT TERM EXIT
  echo
  echo "run.sh: stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$servers_were_running" = false ] && [ -z "${POSOPS_POSTGRES_EXTERNAL:-}" ]; then
    deploy/local/servers.sh down >&2 || true
  fi
  echo "run.sh: stopped (logs in .posops/logs/)"
}
trap cleanup INT TERM EXIT

echo "run.sh: starting PostgreSQL and RabbitMQ..."
eval "$(deploy/local/servers.sh up)"

echo "run.sh: building..."
dotnet build deploy/local/run.slnf -c Release --nologo -v quiet -clp:ErrorsOnly

bin() { echo "$root/$1/bin/Release/net10.0/$(basename "$1").dll"; }
export POSOPS_WEBHOOK_SECRET="${POSOPS_WEBHOOK_SECRET:-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export POSOPS__Notification__Webhook__Secret="$POSOPS_WEBHOOK_SECRET"
export POSOPS__Notification__Webhook__Url="http://127.0.0.1:5090/alerts"
# Alerts carry a signed link that acknowledges the incident on IncidentService (both read this secret).
export POSOPS__Notification__AckToken__Secret="${POSOPS__Notification__AckToken__Secret:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
# A fresh admin API key per run (send it as X-Api-Key, or set POSOPS_API_KEY for the posops CLI).
export POSOPS__Auth__BootstrapAdminKey="${POSOPS__Auth__BootstrapAdminKey:-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

wait_ready() { # name url
  for _ in $(seq 1 120); do
    if curl -fsS "$2" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "run.sh: $1 did not become ready; see .posops/logs/$1.log" >&2
  tail -20 "$logs/$1.log" >&2
  exit 1
}

# The simulated fleet's device registry (model, serial, signing key): IncidentService imports it and
# rejects anything not signed by a registered device.
registry="$root/.posops/fleet-registry.json"
dotnet "$(bin services/PosOps.TerminalAgent)" --simulate --export-registry "$registry" >/dev/null
export POSOPS__Registry__ImportFile="$registry"
export POSOPS__Agent__Store__Path="$root/.posops/agent/agent.db"

dotnet "$(bin tools/PosOps.AlertSink)" &
pids+=($!)
wait_ready alert-sink http://127.0.0.1:5090/health
dotnet "$(bin services/PosOps.IncidentService)" >"$logs/incident-service.log" 2>&1 &
pids+=($!)
dotnet "$(bin services/PosOps.NotificationService)" >"$logs/notification-service.log" 2>&1 &
pids+=($!)
wait_ready incident-service http://127.0.0.1:5080/health/ready
wait_ready notification-service http://127.0.0.1:5081/health/ready
dotnet "$(bin services/PosOps.TerminalAgent)" --simulate >"$logs/simulator.log" 2>&1 &
pids+=($!)

cat <<INFO

PosOps is running (logs in .posops/logs/):
  Incidents API        http://127.0.0.1:5080/api/incidents
  Devices API          http://127.0.0.1:5080/api/devices
  API reference        http://127.0.0.1:5080/scalar   (OpenAPI: /openapi/v1.json, metrics: /metrics)
  admin key: ${POSOPS__Auth__BootstrapAdminKey}
  Health               http://127.0.0.1:5080/health/ready   http://127.0.0.1:5081/health/ready
  RabbitMQ management  ${POSOPS_RABBITMQ_MANAGEMENT:-http://127.0.0.1:27673} (posops / posops)
  Simulated fleet      ${POSOPS__Agent__Simulation__Terminals:-50} terminals in ${POSOPS__Agent__Simulation__Stores:-5} stores, a fault every ${POSOPS__Agent__Simulation__FaultEverySeconds:-5} s
Alerts delivered to the webhook appear below. Ctrl-C stops everything.

INFO

if [ "${POSOPS_RUN_SECONDS:-0}" -gt 0 ]; then
  sleep "$POSOPS_RUN_SECONDS"
else
  wait "${pids[0]}"
fi
