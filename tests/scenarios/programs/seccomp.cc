// seccomp: a filter that returns SECCOMP_RET_KILL_PROCESS for getppid(2)
// (x86_64 number 110); the child then calls it and gets SIGSYS.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cstddef>

#include "tests/support/scenario_util.h"

using namespace sigrec::scenario;

int main() {
  struct rlimit noCore = {0, 0};  // SIGSYS dumps core by default
  ::setrlimit(RLIMIT_CORE, &noCore);
  pid_t child = forkOrDie([] {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(3);
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) ::_exit(4);
    ::syscall(SYS_getppid);
  });
  say("child", child);
  say("syscall", SYS_getppid);
  reap(child);
}
