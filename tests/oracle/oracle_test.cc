// The oracle suite (tests/oracle/README.md): real workloads of programs we
// did not write, run under `sigrec -- strace -f`, and everything strace sees
// of them compared with what sigan answers.
#include <gtest/gtest.h>

#include "tests/oracle/oracle_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::oracle {
namespace {

class Oracle : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

// --- stress-ng's signal and process stressors -------------------------------

TEST_F(Oracle, StressNgKillSigqueueRealtime) {
  expectAgreement(runOracle(
      "stress-ng --kill 1 --kill-ops 100 --sigq 1 --sigq-ops 100 --sigrt 1 --sigrt-ops 50 "
      "--sigpending 1 --sigpending-ops 100 --sigsuspend 1 --sigsuspend-ops 100 -t 3"));
}

TEST_F(Oracle, StressNgFaultsAndPipes) {
  expectAgreement(runOracle(
      "stress-ng --sigsegv 1 --sigsegv-ops 100 --sigfpe 1 --sigfpe-ops 100 --sigabrt 1 "
      "--sigabrt-ops 20 --sigpipe 1 --sigpipe-ops 100 --sigtrap 1 --sigtrap-ops 100 -t 3"));
}

TEST_F(Oracle, StressNgProcesses) {
  expectAgreement(runOracle(
      "stress-ng --fork 1 --fork-ops 100 --vfork 1 --vfork-ops 100 --clone 1 --clone-ops 100 "
      "--sigchld 1 --sigchld-ops 100 --exit-group 1 --exit-group-ops 10 -t 3"));
}

// Issue 10, bug 1: timer signals raised in interrupt context next to a kill
// storm on the same CPU must stay `kernel`, and victims of their own alarm
// must not be blamed on the kill stressor.
TEST_F(Oracle, TimerSignalsNextToAKillStormOnOneCpu) {
  expectAgreement(runOracle("taskset -c 1 " +
                            bash("stress-ng --kill 1 --timer 1 --timer-freq 20000 -t 2 & python3 " +
                                 workload("alarm_victims.py") + " 12; wait")));
}

// --- coreutils, findutils, bash ---------------------------------------------

TEST_F(Oracle, TimeoutAndXargs) {
  expectAgreement(
      runOracle(bash("timeout 0.2 sleep 5; timeout -s KILL 0.2 sleep 5; "
                     "timeout -k 0.1 0.1 bash -c 'trap \"\" TERM; sleep 5'; "
                     "seq 1 8 | xargs -P 4 -n 1 sh -c 'case $0 in 1) exit 3;; 2) kill -USR1 $$;; "
                     "*) sleep 0.05;; esac'; exit 0")));
}

TEST_F(Oracle, BashJobControlAndPipes) {
  expectAgreement(runOracle(
      bash("sleep 10 & kill %1; wait; "
           "bash -c 'set -m; sleep 10 & kill -STOP %1; kill -CONT %1; kill -TERM %1; wait'; "
           "bash -c 'sleep 10 & kill -9 $!; wait; sleep 10 & disown; kill -HUP $!'; "
           "yes | head -c 1 >/dev/null; "
           "ulimit -c unlimited; cd $(mktemp -d) && { sleep 10 & kill -ABRT $!; wait; rm -rf "
           "\"$PWD\"; }; "
           "exit 0")));
}

// --- Python's subprocess, multiprocessing, threads, abort, pdeathsig ---------

TEST_F(Oracle, PythonProcessApis) {
  expectAgreement(runOracle("python3 " + workload("python_processes.py")));
}

// --- pid namespaces: strace outside, pids translated (README) ---------------

// Issue 10, bug 2: calls made inside a pid namespace name namespace pids;
// sigan must resolve them there, not against the host's pids.
TEST_F(Oracle, ShellInAPidNamespace) {
  expectAgreement(runOracle(
      "unshare -fp --mount-proc " +
      bash("sleep 10 & kill $!; wait; sleep 10 & kill -9 $!; wait; kill -0 2 3 4 5 2>/dev/null; "
           "python3 " +
           workload("python_processes.py") + "; exit 0")));
}

TEST_F(Oracle, StressNgKillInAPidNamespace) {
  expectAgreement(runOracle(
      "unshare -fp --mount-proc stress-ng --kill 1 --kill-ops 100 --sigq 1 --sigq-ops 100 -t 2"));
}

}  // namespace
}  // namespace sigrec::oracle
