#!/usr/bin/env bash
# Runs every test against real PostgreSQL and RabbitMQ and ends with one line "N passed, N failed, N skipped".
# Servers: the POSOPS_POSTGRES / POSOPS_RABBITMQ settings when both are set, else deploy/local/servers.sh starts
# them on loopback (installing them with apt when missing). Extra arguments go to `dotnet test`.
set -uo pipefail
cd "$(dirname "$0")"

# The reason goes on the line above the summary, so the last two lines always say what happened.
stop() { echo "test.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

# Everything the tests need (the servers, Chromium and a CJK font for the dashboard tests, aiosmtpd for
# the email tests), installed with apt when missing and run as root.
deploy/local/servers.sh deps tests || stop "could not install what the tests need (the reason and the fix are above)"

if [ -z "${POSOPS_POSTGRES:-}" ] || [ -z "${POSOPS_RABBITMQ:-}" ]; then
  settings=$(deploy/local/servers.sh up) || stop "PostgreSQL and RabbitMQ did not start (the reason and the fix are above)"
  eval "$settings"
fi

mkdir -p .posops/logs
log=.posops/logs/test.log
started=$(date +%s)
dotnet test PosOps.sln --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 34, Skipped: 0, Total: 34, ...".
read -r passed failed skipped assemblies < <(awk '
  /(Passed|Failed)! +- +Failed: / {
    gsub(",", "");
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1);
      if ($i == "Passed:") p += $(i + 1);
      if ($i == "Skipped:") s += $(i + 1);
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before reporting: count it, never report green.
  failed=1
  echo "test.sh: dotnet test exited with $status before every assembly reported (build error or crashed test host; see $log)" >&2
fi

echo "test.sh: $assemblies test assemblies in $(( $(date +%s) - started )) s"
if [ "$failed" -gt 0 ]; then
  echo "test.sh: failed: $(grep -E '^\s+Failed [A-Za-z]' "$log" | sed -E 's/^\s+Failed //; s/ \[.*//' | sort -u | head -5 | paste -sd, -) (details in $log)"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
