// bench_make_capture: writes a large synthetic capture through the tests'
// CaptureStream (tests/support/), for sigan import and query timings.
//
//   bench_make_capture OUTPUT EVENTS
//
// The capture looks like a busy box: a daemon signals many short-lived
// workers. Each worker is forked by a shell, execs, takes 31 handled SIGUSR1
// (kill call + generate + deliver each), then ends: most exit 0, every 4th is
// killed by the daemon's SIGTERM, every 16th by a kernel SIGSEGV. Its parent
// gets SIGCHLD. About 100 events per worker. Prints one JSON line with the
// counts and a few pids worth querying.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "schema/capture.capnp.h"
#include "tests/support/capture_stream.h"

namespace {

using sigrec::testing::CaptureFields;
using sigrec::testing::CaptureStream;
using sigrec::testing::ChildNs;
using sigrec::testing::SnapshotProcess;
using sigrec::testing::Task;
namespace schema = sigrec::schema;
using S = schema::Syscall;

constexpr uint64_t kBootNs = 1'000'000'000'000ull;  // the first event, 1000 s after boot
constexpr uint64_t kStepNs = 10'000;                // 100 k events/s
constexpr uint32_t kUid = 1000;
constexpr uint32_t kPidNs = 4026531836u;
constexpr int kRounds = 31;

const Task kDaemon{100, 100, 5'000'000'000ull, "bw-daemon", kUid};
const Task kShell{200, 200, 6'000'000'000ull, "bw-shell", kUid};
const std::vector<std::string> kArgv{"bw-worker", "--job"};

CaptureFields fields() {
  CaptureFields f;
  f.hostname = "bench-synthetic";
  f.kernelRelease = "6.1.0-synthetic";
  f.kernelVersion = "#1 SMP";
  f.recorderVersion = "bench_make_capture";
  f.recorderArgs = {"bench_make_capture"};
  f.ringBufferBytes = 16u << 20;
  f.bootId = "00000000-0000-4000-8000-000000000000";
  f.bootToWallNs = 1'700'000'000'000'000'000ll;
  f.startBootNs = kBootNs;
  f.stopReason = "synthetic";
  f.eventsPerBatch = 50'000;
  return f;
}

std::vector<SnapshotProcess> snapshot() {
  std::vector<SnapshotProcess> procs;
  const Task init{1, 1, 100'000'000, "init"};
  const uint32_t parents[] = {0, 1, 1};
  unsigned i = 0;
  for (const Task* t : {&init, &kDaemon, &kShell}) {
    procs.push_back({t->pid,
                     parents[i++],
                     t->startNs,
                     t->comm,
                     "/usr/bin/" + t->comm,
                     {t->comm},
                     t->pid,
                     kPidNs,
                     false,
                     "/system.slice/bench.service"});
  }
  return procs;
}

class Generator {
 public:
  Generator(CaptureStream& out, uint64_t total) : out_(out), total_(total) {}

  void run() {
    while (out_.events() < total_) lifecycle(workers_++);
    out_.finish(now_ + kStepNs);
  }

  uint64_t workers() const { return workers_; }
  uint64_t killed() const { return killed_; }
  uint32_t lastKilledPid() const { return lastKilled_; }
  uint32_t lastExitedPid() const { return lastExited_; }

 private:
  uint64_t tick() { return now_ += kStepNs; }

  void lifecycle(uint64_t i) {
    Task w{static_cast<uint32_t>(1000 + i % 4'000'000), 0, 0, "bw-shell", kUid};
    w.startNs = tick();
    out_.fork(w.startNs, kShell, w.pid, w.startNs, false, ChildNs{kPidNs, w.pid, w.pid});
    alternateCpu();
    w.comm = "bw-worker";
    out_.exec(tick(), w, "/usr/bin/bw-worker", kArgv);
    alternateCpu();
    for (int r = 0; r < kRounds; ++r) signal(kDaemon, w, 10, true);
    if (i % 16 == 15) {
      generate(w, 11, 1 /* SEGV_MAPERR */, w, S::NONE);
      exit(w, 11);
    } else if (i % 4 == 3) {
      signal(kDaemon, w, 15, false);
      exit(w, 15);
      ++killed_;
      lastKilled_ = w.pid;
    } else {
      exit(w, 0);
      lastExited_ = w.pid;
    }
  }

  // Events land on the two cpus in turn, not by pid as the builder has it:
  // the capture's size (and so its read time) is that of a busy box.
  void alternateCpu() { out_.last().setCpu(static_cast<uint16_t>((out_.events() - 1) & 1)); }

  // What a real sigrec records that the builder's calls leave unset: the
  // sender's uid in siginfo.
  void generate(const Task& from, int sig, int code, const Task& to, S syscall,
                uint64_t enterNs = 0) {
    out_.generate(tick(), from, sig, code, to, syscall, enterNs);
    out_.last().getSignalGenerate().setInfoUid(from.uid);
    alternateCpu();
  }

  void signal(const Task& from, const Task& to, int sig, bool delivered) {
    const uint64_t enter = tick();
    generate(from, sig, 0, to, S::KILL, enter);
    out_.killCall(tick(), from, S::KILL, enter, 0, {to.pid, sig}, 1);
    alternateCpu();
    if (!delivered) return;
    out_.deliver(tick(), to, sig, schema::Disposition::HANDLER);
    out_.last().getSignalDeliver().setInfoKind(schema::InfoKind::SIGINFO);
    alternateCpu();
  }

  void exit(const Task& w, int status) {
    // raw exit_code: a signal number, or status << 8
    out_.exit(tick(), w, status, true, kShell.pid, kShell.startNs);
    alternateCpu();
    generate(w, 17, status == 0 ? 1 : 2 /* CLD_EXITED, CLD_KILLED */, kShell, S::NONE);
  }

  CaptureStream& out_;
  uint64_t total_;
  uint64_t now_ = kBootNs;
  uint64_t workers_ = 0, killed_ = 0;
  uint32_t lastKilled_ = 0, lastExited_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_make_capture OUTPUT EVENTS\n");
    return 2;
  }
  const uint64_t total = std::strtoull(argv[2], nullptr, 10);
  try {
    CaptureStream out(argv[1], fields(), snapshot());
    Generator gen(out, total);
    gen.run();
    std::printf(
        "{\"path\":\"%s\",\"events\":%llu,\"workers\":%llu,\"batches\":%llu,"
        "\"killed\":%llu,\"killed_pid\":%u,\"exited_pid\":%u,\"daemon_pid\":%u,"
        "\"file_bytes\":%llu}\n",
        argv[1], static_cast<unsigned long long>(out.events()),
        static_cast<unsigned long long>(gen.workers()),
        static_cast<unsigned long long>(out.batches()),
        static_cast<unsigned long long>(gen.killed()), gen.lastKilledPid(), gen.lastExitedPid(),
        kDaemon.pid, static_cast<unsigned long long>(out.bytesWritten()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_make_capture: %s\n", e.what());
    return 1;
  }
  return 0;
}
