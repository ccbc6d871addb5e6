#!/bin/sh
# The demo scenario (scripts/demo records it with sigrec): four common ends
# of a process. Prints the pid of each for sigan queries.
set -u

# 1. Stopped by pkill, by name.
sleep 1001 &
victim=$!
echo "pkill-victim=$victim"
sleep 0.1
pkill -TERM -f 'sleep 1001'
wait "$victim" 2>/dev/null

# 2. Stopped by timeout(1) after 0.2 s.
timeout 0.2 sleep 5
echo "timeout-status=$?"

# 3. A segmentation fault (a null-pointer write).
${SIGREC_SCENARIO:-build/tests/e2e/scenario} segv | sed -n 's/^child=/segfault=/p'

# 4. A plain failure: exit status 3.
sh -c 'exit 3'
echo "exit3-status=$?"
exit 0
