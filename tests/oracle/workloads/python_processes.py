# Python's own process and signal APIs, each ending a child in a known way:
# the oracle compares what strace saw of them with what sigan answers.
import ctypes
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time


def with_subprocess():
    p = subprocess.Popen(["sleep", "10"])
    time.sleep(0.05)
    p.terminate()
    p.wait()
    p = subprocess.Popen(["sleep", "10"])
    p.kill()
    p.wait()
    subprocess.run(["sh", "-c", "exit 7"])
    try:
        subprocess.run(["sleep", "10"], timeout=0.1)  # kills it with SIGKILL
    except subprocess.TimeoutExpired:
        pass


def with_multiprocessing():
    with multiprocessing.Pool(2) as pool:
        pool.map(abs, range(4))
        pool.terminate()  # SIGTERM to each worker
    for target, args, stop in [(sys.exit, (3,), None), (os.abort, (), None),
                               (time.sleep, (10,), "terminate"), (time.sleep, (10,), "kill")]:
        p = multiprocessing.Process(target=target, args=args)
        p.start()
        if stop:
            time.sleep(0.05)
            getattr(p, stop)()
        p.join()


def with_threads_and_kill():
    signal.signal(signal.SIGUSR1, lambda *a: None)
    signal.signal(signal.SIGUSR2, lambda *a: None)
    t = threading.Thread(target=time.sleep, args=(0.2,))
    t.start()
    signal.pthread_kill(t.ident, signal.SIGUSR1)
    t.join()
    os.kill(os.getpid(), signal.SIGUSR2)
    pid = os.fork()
    if pid == 0:
        os.kill(os.getppid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGTERM)
        os._exit(0)
    os.waitpid(pid, 0)


def alarm_victim():
    pid = os.fork()
    if pid == 0:
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # dies of its own SIGALRM
        signal.pause()
        os._exit(0)
    os.waitpid(pid, 0)


def orphan_with_pdeathsig():
    # The grandchild asks for SIGTERM when its parent dies; the parent exits
    # once that is set, and the kernel sends it.
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        if os.fork() == 0:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
            os.write(w, b"x")
            signal.pause()
            os._exit(0)
        os.read(r, 1)
        os._exit(0)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    for step in [with_subprocess, with_multiprocessing, with_threads_and_kill, alarm_victim,
                 orphan_with_pdeathsig]:
        step()
