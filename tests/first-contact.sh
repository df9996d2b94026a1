#!/usr/bin/env bash
# First contact, as a new user meets PosOps: clone the repository into a fresh `mktemp -d` folder
# (mode 0700, like a home folder), run `./run.sh` until the first alert, run every example block of
# the README as written (the `while-running` ones against that system, then, once `./run.sh` has
# stopped, the `after-run` ones, which include `./test.sh --filter ...` starting its own servers),
# and stop. Prints what it measured; exits non-zero at the first thing that does not work.
#
#   tests/first-contact.sh [repository]     (default: this checkout's committed HEAD)
#
# Knobs: POSOPS_FIRST_ALERT_SECONDS (300) how long to wait for the first alert;
#        POSOPS_KEEP_CLONE=1 keeps the clone and its server state for a look afterwards.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
source_repo="${1:-$here}"
started=$SECONDS
say() { echo "first-contact: $*"; }
fail() { echo "first-contact: FAILED: $*" >&2; exit 1; }

folder="$(mktemp -d)"   # mode 0700: the service users cannot traverse it
clone="$folder/posops"
run_pid=""
finish() {
  local status=$?
  trap - EXIT
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then kill -TERM "$run_pid"; wait "$run_pid" 2>/dev/null || true; fi
  if [ -z "${POSOPS_KEEP_CLONE:-}" ] && [ -d "$clone" ]; then
    (cd "$clone" && deploy/local/servers.sh purge >/dev/null 2>&1) || true
    rm -rf "$folder"
  fi
  [ "$status" -eq 0 ] || echo "first-contact: logs were in $clone/.posops/logs (POSOPS_KEEP_CLONE=1 keeps them)" >&2
  exit "$status"
}
trap finish EXIT

say "cloning $source_repo into $folder (mode $(stat -c %a "$folder"))"
git clone -q "$source_repo" "$clone"
cd "$clone"
# The README's own bodies run with the user's environment, not ours.
unset POSOPS_POSTGRES POSOPS_RABBITMQ POSOPS_RABBITMQ_MANAGEMENT POSOPS__Postgres__ConnectionString POSOPS__RabbitMq__Uri

# ---- ./run.sh until the first alert ----------------------------------------------------------------
out="$folder/run.out"
t0=$SECONDS
POSOPS_RUN_SECONDS=3600 ./run.sh >"$out" 2>&1 &
run_pid=$!
limit="${POSOPS_FIRST_ALERT_SECONDS:-300}"
until grep -q ' ALERT #1 ' "$out"; do
  if ! kill -0 "$run_pid" 2>/dev/null; then tail -30 "$out" >&2; fail "./run.sh exited before the first alert"; fi
  [ $((SECONDS - t0)) -lt "$limit" ] || { tail -30 "$out" >&2; fail "no alert within $limit s of ./run.sh"; }
  sleep 0.5
done
first_alert=$((SECONDS - t0))
say "./run.sh → first alert in $first_alert s: $(grep -m1 ' ALERT #1 ' "$out" | cut -c1-120)"

# The examples name S01-T001: wait for the simulated fleet's first heartbeats (every 15 s, jittered).
until curl -fsS -o /dev/null -H "X-Api-Key: $(cat .posops/admin-key)" http://127.0.0.1:5080/api/devices/S01-T001; do
  [ $((SECONDS - t0)) -lt $((limit + 60)) ] || fail "S01-T001 never heartbeat (see .posops/logs/simulator.log)"
  sleep 0.5
done

# ---- the README's examples -----------------------------------------------------------------------
# Each ```bash block is preceded by <!-- example: while-running|after-run|skip ... -->; a block
# without a tag fails the test, so a new example cannot slip past it.
blocks="$folder/blocks"
mkdir -p "$blocks"
python3 - README.md "$blocks" <<'PY'
import re, sys
text, out = open(sys.argv[1]).read(), sys.argv[2]
n = 0
for match in re.finditer(r'(?:<!-- example: (\S+)[^>]*-->\n)?```bash\n(.*?)```', text, re.S):
    n += 1
    tag = match.group(1)
    if tag is None:
        line = text[:match.start()].count("\n") + 1
        sys.exit(f"README.md line {line}: a bash block without an <!-- example: ... --> tag")
    if tag == "skip":
        continue
    if tag not in ("while-running", "after-run"):
        sys.exit(f"README.md block {n}: unknown example tag {tag}")
    # `./run.sh &` in an example is the system this test already started.
    body = "\n".join(l for l in match.group(2).splitlines() if not re.match(r"\s*\./run\.sh\b", l))
    open(f"{out}/{n:02d}.{tag}.sh", "w").write(body + "\n")
PY

run_blocks() { # tag
  local block name t
  for block in "$blocks"/*."$1".sh; do
    [ -e "$block" ] || continue
    name="README example $(basename "$block" | cut -d. -f1) ($1)"
    t=$SECONDS
    if ! bash -euo pipefail "$block" >"$block.out" 2>&1; then
      tail -30 "$block.out" >&2
      fail "$name failed: $(head -c 300 "$block" | tr '\n' ';')"
    fi
    say "$name ok in $((SECONDS - t)) s: $(grep -v '^\s*$' "$block.out" | tail -n 1 | cut -c1-110)"
  done
}
run_blocks while-running

# ---- stop ./run.sh as Ctrl-C would ---------------------------------------------------------------
# (A background job of a script ignores SIGINT, so TERM stands in for Ctrl-C; run.sh treats both alike.)
kill -TERM "$run_pid"
rc=0; wait "$run_pid" || rc=$?
run_pid=""
[ "$rc" -eq 0 ] || { tail -20 "$out" >&2; fail "./run.sh exited with $rc when stopped"; }
alerts=$(grep -c ' ALERT #' "$out" || true)
if deploy/local/servers.sh status >/dev/null 2>&1; then fail "./run.sh left its servers running"; fi
grep -q 'exited with status' "$out" && { grep 'exited with status' "$out" >&2; fail "a service exited while ./run.sh ran"; }
say "./run.sh stopped cleanly after $alerts alerts; its servers are down"

run_blocks after-run
say "ok: first alert $first_alert s after ./run.sh in a fresh 0700 clone; whole check $((SECONDS - started)) s"
