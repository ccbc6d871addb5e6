// bench_workload: signal-, fork-, exec- and thread-heavy loads with exact,
// deterministic operation counts, for bench/run and bench/soak.
//
//   bench_workload WORKLOAD N [--true PATH] [--jobs J] [--rate OPS_PER_S]
//
// Prints one JSON line: workload, ops, wall time, the workload's own CPU
// (user+sys of this process, its threads and its waited-for children: that
// includes the BPF programs run on its behalf), and `expected`, the exact
// number of events of each kind a complete recorder must hold. The keys are
// those bench_capture_stats prints: KIND.COMM.DETAIL, counted only for tasks
// whose comm starts with "bw-" (every task this program creates is named so).
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Expected = std::map<std::string, long>;

[[noreturn]] void die(const char* what) {
  std::perror(what);
  std::exit(2);
}

void setComm(const std::string& name) {
  ::prctl(PR_SET_NAME, name.c_str(), 0, 0, 0);
}

volatile sig_atomic_t gGot = 0;
void onSignal(int) {
  gGot = 1;
}

void installHandler(int sig) {
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  if (::sigaction(sig, &sa, nullptr) != 0) die("sigaction");
}

void block(int sig, sigset_t* old) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  if (::sigprocmask(SIG_BLOCK, &set, old) != 0) die("sigprocmask");
}

int sendSignal(bool useTgkill, pid_t pid, pid_t tid, int sig) {
  if (useTgkill) return static_cast<int>(::syscall(SYS_tgkill, pid, tid, sig));
  return ::kill(pid, sig);
}

void waitChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) die("waitpid");
  }
}

// Ping-pong: the sender signals the receiver and waits for its answer, so no
// signal is ever pending twice (none coalesce). One round = two signals, each
// taken by a handler. The caller's comm must be COMM.
class PingPong {
 public:
  PingPong(const std::string& comm, bool useTgkill, long rounds, Expected& ex)
      : comm_(comm), call_(useTgkill ? "tgkill" : "kill"), tgkill_(useTgkill), ex_(ex) {
    installHandler(SIGUSR1);
    installHandler(SIGUSR2);
    block(SIGUSR1, &oldMask_);
    block(SIGUSR2, nullptr);
    waitMask_ = oldMask_;
    sigdelset(&waitMask_, SIGUSR1);
    sigdelset(&waitMask_, SIGUSR2);
    const pid_t parent = ::getpid();  // single-threaded: tid == pid
    child_ = ::fork();
    if (child_ < 0) die("fork");
    if (child_ == 0) {
      setComm(comm_ + "-rx");
      for (long i = 0; i < rounds; ++i) {
        while (!gGot) ::sigsuspend(&waitMask_);
        gGot = 0;
        if (sendSignal(tgkill_, parent, parent, SIGUSR2) != 0) die("reply");
      }
      ::_exit(0);
    }
  }
  void round() {
    if (sendSignal(tgkill_, child_, child_, SIGUSR1) != 0) die("send");
    while (!gGot) ::sigsuspend(&waitMask_);
    gGot = 0;
    ++rounds_;
  }
  ~PingPong() {
    waitChild(child_);
    ::sigprocmask(SIG_SETMASK, &oldMask_, nullptr);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
    // The receiver renames itself right after fork, before it can be
    // signalled (the sender waits for nothing but its answers).
    const std::string rx = comm_ + "-rx";
    ex_["fork." + comm_ + ".process"] += 1;
    ex_["exit." + rx + ".process"] += 1;
    ex_["sg." + rx + ".none.17"] += 1;  // SIGCHLD from the receiver's exit
    ex_["kc." + comm_ + "." + call_ + ".10.ok"] += rounds_;
    ex_["kc." + rx + "." + call_ + ".12.ok"] += rounds_;
    ex_["sg." + comm_ + "." + call_ + ".10"] += rounds_;
    ex_["sg." + rx + "." + call_ + ".12"] += rounds_;
    ex_["sd." + rx + ".10"] += rounds_;
    ex_["sd." + comm_ + ".12"] += rounds_;
  }

 private:
  std::string comm_, call_;
  bool tgkill_;
  Expected& ex_;
  sigset_t oldMask_, waitMask_;
  pid_t child_;
  long rounds_ = 0;
};

void pingPong(const std::string& comm, bool useTgkill, long rounds, Expected& ex) {
  PingPong pp(comm, useTgkill, rounds, ex);
  for (long i = 0; i < rounds; ++i) pp.round();
}

// Optional pacing: at most `rate` ops per second, in 1 ms slices.
struct Pacer {
  explicit Pacer(double rate) : rate_(rate), start_(Clock::now()) {}
  void after(long done) {
    if (rate_ <= 0 || done % 64 != 0) return;
    auto due = start_ + std::chrono::duration<double>(done / rate_);
    if (Clock::now() < due) std::this_thread::sleep_until(due);
  }
  double rate_;
  Clock::time_point start_;
};

void killZeroLoop(long n, double rate) {
  const pid_t self = ::getpid();
  Pacer pacer(rate);
  for (long i = 1; i <= n; ++i) {
    if (::kill(self, 0) != 0) die("kill(pid, 0)");
    pacer.after(i);
  }
}

// kill(pid, 0) probes: one syscall, no signal. With J jobs, J processes share
// the count (for the zero-loss rate ladder on several CPUs).
void killZero(const std::string& comm, long n, int jobs, double rate, Expected& ex) {
  ex["kc." + comm + ".kill.0.ok"] += n;
  if (jobs <= 1) {
    killZeroLoop(n, rate);
    return;
  }
  std::vector<pid_t> kids;
  for (int j = 0; j < jobs; ++j) {
    long share = n / jobs + (j < n % jobs ? 1 : 0);
    pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      killZeroLoop(share, rate / jobs);
      ::_exit(0);
    }
    kids.push_back(pid);
  }
  for (pid_t pid : kids) waitChild(pid);
  ex["fork." + comm + ".process"] += jobs;
  ex["exit." + comm + ".process"] += jobs;
  ex["sg." + comm + ".none.17"] += jobs;
}

// A syscall no recorder hooks: what it costs under a tracer is the tax the
// tracer puts on every syscall of the box (a syscall tracepoint, once
// enabled, sends all of them through the kernel's slow path).
void unrelatedSyscalls(long n) {
  for (long i = 0; i < n; ++i) ::syscall(SYS_getppid);
}

void forkExit(const std::string& comm, long n, Expected& ex) {
  for (long i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) ::_exit(0);
    waitChild(pid);
  }
  ex["fork." + comm + ".process"] += n;
  ex["exit." + comm + ".process"] += n;
  ex["sg." + comm + ".none.17"] += n;
}

// The comm a task gets from exec: the file's base name, cut to 15 bytes.
std::string execComm(const char* path) {
  std::string base = path;
  if (auto slash = base.rfind('/'); slash != std::string::npos) base = base.substr(slash + 1);
  return base.substr(0, 15);
}

// fork + exec of a copy of /bin/true named bw-true-... (so its comm is ours).
void forkExec(const std::string& comm, long n, const char* truePath, Expected& ex) {
  const std::string tc = execComm(truePath);
  for (long i = 0; i < n; ++i) {
    pid_t pid = ::fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
      ::execl(truePath, truePath, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    waitChild(pid);
  }
  ex["fork." + comm + ".process"] += n;
  ex["exec." + tc] += n;
  ex["exit." + tc + ".process"] += n;
  ex["sg." + tc + ".none.17"] += n;
}

void* threadMain(void*) {
  return nullptr;
}

// Thread create + exit + join. Per-thread exits are only recorded with
// sigrec --threads, so only the creations are expected.
void threads(const std::string& comm, long n, Expected& ex) {
  for (long i = 0; i < n; ++i) {
    pthread_t t;
    if (pthread_create(&t, nullptr, threadMain, nullptr) != 0) die("pthread_create");
    pthread_join(t, nullptr);
  }
  ex["fork." + comm + ".thread"] += n;
}

// Ordinary CPU work that the compiler cannot remove.
uint64_t spin(long iterations) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (long i = 0; i < iterations; ++i) x = (x ^ (x >> 31)) * 0xBF58476D1CE4E5B9ull + i;
  return x;
}
volatile uint64_t gSink;

// A "busy production box": per op, a slice of CPU work, 4 kill(pid, 0) and
// one kill ping-pong round (2 signals) with a long-lived partner; every 10th op
// a fork+exit and a thread, every 50th a fork+exec.
void mixed(long n, const char* truePath, Expected& ex) {
  const std::string comm = "bw-mix";
  PingPong pp(comm, false, n, ex);
  for (long i = 0; i < n; ++i) {
    gSink = spin(20000);
    killZero(comm, 4, 1, 0, ex);
    pp.round();
    if (i % 10 == 0) {
      forkExit(comm, 1, ex);
      threads(comm, 1, ex);
    }
    if (i % 50 == 0) forkExec(comm, 1, truePath, ex);
  }
}

// A mixed storm for bench/soak: per op one kill ping-pong round (2 signals,
// 2 kill calls, 2 deliveries); every 8th op a fork+exit and a thread (its
// creation and exit, both recorded with sigrec --threads); every 64th a
// fork+exec. With --rate, paced to that many ops per second, so N ops take
// N / RATE seconds where the machine keeps up.
void storm(long n, double rate, const char* truePath, Expected& ex) {
  const std::string comm = "bw-storm";
  PingPong pp(comm, false, n, ex);
  Pacer pacer(rate);
  for (long i = 0; i < n; ++i) {
    pp.round();
    if (i % 8 == 0) {
      forkExit(comm, 1, ex);
      threads(comm, 1, ex);
      ex["exit." + comm + ".thread"] += 1;
    }
    if (i % 64 == 0) forkExec(comm, 1, truePath, ex);
    pacer.after(i + 1);
  }
}

double cpuSeconds() {
  struct rusage self {
  }, kids{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &kids);
  auto s = [](const timeval& tv) { return tv.tv_sec + tv.tv_usec / 1e6; };
  return s(self.ru_utime) + s(self.ru_stime) + s(kids.ru_utime) + s(kids.ru_stime);
}

int usage() {
  std::fprintf(stderr,
               "usage: bench_workload kill|tgkill|kill0|getppid|fork|exec|thread|mixed|storm N "
               "[--true PATH] [--jobs J] [--rate OPS_PER_S]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string workload = argv[1];
  long n = std::atol(argv[2]);
  std::string truePath = "/bin/true";  // pass a copy named bw-...
  int jobs = 1;
  double rate = 0;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string opt = argv[i];
    if (opt == "--true")
      truePath = argv[i + 1];
    else if (opt == "--jobs")
      jobs = std::atoi(argv[i + 1]);
    else if (opt == "--rate")
      rate = std::atof(argv[i + 1]);
    else
      return usage();
  }
  if (n <= 0) return usage();

  Expected ex;
  setComm("bw-main");
  double cpu0 = cpuSeconds();
  auto t0 = Clock::now();
  auto run = [&](const char* comm, auto&& body) {
    setComm(comm);
    body(comm);
  };
  if (workload == "kill")
    run("bw-kill", [&](auto c) { pingPong(c, false, (n + 1) / 2, ex); });
  else if (workload == "tgkill")
    run("bw-tgkill", [&](auto c) { pingPong(c, true, (n + 1) / 2, ex); });
  else if (workload == "kill0")
    run("bw-kill0", [&](auto c) { killZero(c, n, jobs, rate, ex); });
  else if (workload == "getppid")
    run("bw-getppid", [&](auto) { unrelatedSyscalls(n); });
  else if (workload == "fork")
    run("bw-fork", [&](auto c) { forkExit(c, n, ex); });
  else if (workload == "exec")
    run("bw-exec", [&](auto c) { forkExec(c, n, truePath.c_str(), ex); });
  else if (workload == "thread")
    run("bw-thread", [&](auto c) { threads(c, n, ex); });
  else if (workload == "mixed")
    run("bw-mix", [&](auto) { mixed(n, truePath.c_str(), ex); });
  else if (workload == "storm")
    run("bw-storm", [&](auto) { storm(n, rate, truePath.c_str(), ex); });
  else
    return usage();
  auto t1 = Clock::now();
  double cpu1 = cpuSeconds();
  setComm("bw-main");
  if (workload == "kill" || workload == "tgkill") n = (n + 1) / 2 * 2;
  // This process's own end, after the line below: it exits as bw-main and
  // its parent gets SIGCHLD. Counted, so that a recording filtered to the
  // workload's cgroup can account for every event it lost.
  ex["exit.bw-main.process"] += 1;
  ex["sg.bw-main.none.17"] += 1;

  double wall = std::chrono::duration<double>(t1 - t0).count();
  std::printf(
      "{\"workload\":\"%s\",\"ops\":%ld,\"wall_s\":%.6f,\"ops_per_s\":%.1f,"
      "\"cpu_s\":%.6f,\"cpu_us_per_op\":%.4f,\"expected\":{",
      workload.c_str(), n, wall, n / wall, cpu1 - cpu0, (cpu1 - cpu0) * 1e6 / n);
  bool first = true;
  for (auto& [key, count] : ex) {
    std::printf("%s\"%s\":%ld", first ? "" : ",", key.c_str(), count);
    first = false;
  }
  std::printf("}}\n");
  return 0;
}
