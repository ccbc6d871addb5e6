# N processes that each die of their own timer (SIGALRM from the kernel's
# hrtimer, raised in interrupt context), started together so they die while
# whatever shares their CPU is running: next to a kill storm, a signal raised
# in an interrupt must not be tagged with the call the interrupted task is in.
import os
import signal
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
children = []
for i in range(count):
    pid = os.fork()
    if pid == 0:
        signal.setitimer(signal.ITIMER_REAL, 0.2 + 0.03 * i)
        while True:
            signal.pause()
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
