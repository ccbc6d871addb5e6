#!/usr/bin/env bash
# Re-records the sample captures in samples/ with the real sigrec (needs
# root). Each recording is limited to a cgroup made for it
# (scripts/record-in-cgroup), so a sample holds its scenario and not whatever
# else the machine was doing; the /proc snapshot still lists every process.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build}
programs="$build/tests/scenarios/programs"

record() {
  local name=$1; shift
  SIGREC_SCENARIO="$build/tests/e2e/scenario" scripts/record-in-cgroup "samples/$name.sigrec" "$@"
}

# The demo (scripts/demo): pkill, timeout, a segfault, exit 3.
record demo samples/demo.sh | tee /dev/stderr | sed -n 's/^pkill-victim=//p' > samples/demo.victim
# A service stop: SIGTERM ignored, SIGKILL 200 ms later.
record service-stop "$programs/stop_service"
# An OOM kill in a 32 MiB memory cgroup.
record oom "$programs/oom"
# Pid reuse: two processes with one pid, killed by different senders.
record pid-reuse "$programs/pid_reuse"
