// bench_make_capture: writes a large synthetic capture through the schema/
// library, for sigan import and query timings.
//
//   bench_make_capture OUTPUT EVENTS
//
// The capture looks like a busy box: a daemon signals many short-lived
// workers. Each worker is forked by a shell, execs, takes 31 handled SIGUSR1
// (kill call + generate + deliver each), then ends: most exit 0, every 4th is
// killed by the daemon's SIGTERM, every 16th by a kernel SIGSEGV. Its parent
// gets SIGCHLD. About 100 events per worker. Prints one JSON line with the
// counts and a few pids worth querying.
#include <capnp/message.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>

#include "schema/capture.capnp.h"
#include "schema/capture_writer.h"

namespace {

using sigrec::capture::CaptureWriter;
using sigrec::capture::FrameType;
namespace schema = sigrec::schema;

constexpr uint64_t kBootNs = 1'000'000'000'000ull;  // the first event, 1000 s after boot
constexpr uint64_t kStepNs = 10'000;                // 100 k events/s
constexpr uint32_t kDaemonPid = 100;
constexpr uint32_t kShellPid = 200;
constexpr uint64_t kDaemonStart = 5'000'000'000ull;
constexpr uint64_t kShellStart = 6'000'000'000ull;
constexpr int kRounds = 31;
constexpr size_t kBatchEvents = 50'000;

struct Proc {
  uint32_t pid;
  uint64_t startNs;
  const char* comm;
};

const Proc kDaemon{kDaemonPid, kDaemonStart, "bw-daemon"};
const Proc kShell{kShellPid, kShellStart, "bw-shell"};

// What one event needs, before it is laid out in a batch.
struct Pending {
  enum Kind { kFork, kExec, kKill, kGenerate, kDeliver, kExit } kind;
  uint64_t timeNs;
  Proc actor;
  Proc other;  // target / child / parent
  int sig = 0;
  int code = 0;
  int exitCode = 0;
  uint64_t enterNs = 0;
  bool fromSyscall = true;
};

class Generator {
 public:
  Generator(CaptureWriter& writer, uint64_t total) : writer_(writer), total_(total) {}

  void run() {
    writeInfo();
    writeSnapshot();
    uint64_t worker = 0;
    while (written_ + batchCount_ < total_) lifecycle(worker++);
    flush();
    writeTrailer();
    workers_ = worker;
  }

  uint64_t events() const { return written_; }
  uint64_t workers() const { return workers_; }
  uint64_t batches() const { return batches_; }
  uint64_t killed() const { return killed_; }
  uint32_t lastKilledPid() const { return lastKilled_; }
  uint32_t lastExitedPid() const { return lastExited_; }

 private:
  uint64_t tick() { return now_ += kStepNs; }

  void lifecycle(uint64_t i) {
    Proc w{static_cast<uint32_t>(1000 + i % 4'000'000), 0, "bw-shell"};
    const uint64_t forkNs = tick();
    w.startNs = forkNs;
    add({Pending::kFork, forkNs, kShell, w});
    w.comm = "bw-worker";
    add({Pending::kExec, tick(), w, w});
    for (int r = 0; r < kRounds; ++r) signal(kDaemon, w, 10, true);
    if (i % 16 == 15) {
      Pending g{Pending::kGenerate, tick(), w, w, 11};
      g.code = 1;  // SEGV_MAPERR
      g.fromSyscall = false;
      add(g);
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

  void signal(const Proc& from, const Proc& to, int sig, bool delivered) {
    const uint64_t enter = tick();
    Pending g{Pending::kGenerate, tick(), from, to, sig};
    g.enterNs = enter;
    add(g);
    Pending k{Pending::kKill, tick(), from, to, sig};
    k.enterNs = enter;
    add(k);
    if (delivered) add({Pending::kDeliver, tick(), to, to, sig});
  }

  void exit(const Proc& w, int status) {
    Pending e{Pending::kExit, tick(), w, kShell};
    e.exitCode = status;  // raw exit_code: a signal number, or status << 8
    add(e);
    Pending chld{Pending::kGenerate, tick(), w, kShell, 17};
    chld.code = status == 0 ? 1 : 2;  // CLD_EXITED, CLD_KILLED
    chld.fromSyscall = false;
    add(chld);
  }

  void add(const Pending& p) {
    batch_[batchCount_++] = p;
    if (batchCount_ == kBatchEvents) flush();
  }

  static void setActor(schema::Event::Builder e, const Pending& p, uint16_t cpu) {
    e.setTimeNs(p.timeNs);
    e.setCpu(cpu);
    e.setPid(p.actor.pid);
    e.setTid(p.actor.pid);
    e.setStartNs(p.actor.startNs);
    e.setUid(1000);
    e.setComm(p.actor.comm);
  }

  void flush() {
    if (batchCount_ == 0) return;
    capnp::MallocMessageBuilder message(1u << 20);
    auto events =
        message.initRoot<schema::EventBatch>().initEvents(static_cast<unsigned>(batchCount_));
    for (size_t i = 0; i < batchCount_; ++i) {
      const Pending& p = batch_[i];
      auto e = events[static_cast<unsigned>(i)];
      setActor(e, p, static_cast<uint16_t>(i & 1));
      switch (p.kind) {
        case Pending::kFork: {
          auto f = e.initFork();
          f.setChildPid(p.other.pid);
          f.setChildTid(p.other.pid);
          f.setChildStartNs(p.other.startNs);
          f.setChildNsPid(p.other.pid);
          f.setChildNsTid(p.other.pid);
          f.setPidNs(4026531836u);
          break;
        }
        case Pending::kExec: {
          auto x = e.initExec();
          x.setFilename("/usr/bin/bw-worker");
          auto argv = x.initArgv(2);
          argv.set(0, "bw-worker");
          argv.set(1, "--job");
          x.setOldTid(p.actor.pid);
          break;
        }
        case Pending::kGenerate: {
          auto g = e.initSignalGenerate();
          g.setSignal(p.sig);
          g.setCode(p.code);
          g.setGroup(true);
          g.setTargetPid(p.other.pid);
          g.setTargetTid(p.other.pid);
          g.setTargetStartNs(p.other.startNs);
          g.setTargetComm(p.other.comm);
          g.setSyscall(p.fromSyscall ? schema::Syscall::KILL : schema::Syscall::NONE);
          g.setCallEnterNs(p.fromSyscall ? p.enterNs : 0);
          g.setInfoKind(schema::InfoKind::SIGINFO);
          g.setInfoPid(static_cast<int32_t>(p.actor.pid));
          g.setInfoUid(1000);
          break;
        }
        case Pending::kKill: {
          auto k = e.initKillCall();
          k.setSyscall(schema::Syscall::KILL);
          k.setEnterNs(p.enterNs);
          k.setArg0(p.other.pid);
          k.setArg1(p.sig);
          k.setSignals(1);
          break;
        }
        case Pending::kDeliver: {
          auto d = e.initSignalDeliver();
          d.setSignal(p.sig);
          d.setDisposition(schema::Disposition::HANDLER);
          d.setInfoKind(schema::InfoKind::SIGINFO);
          break;
        }
        case Pending::kExit: {
          auto x = e.initExit();
          x.setExitCode(p.exitCode);
          x.setGroupDead(true);
          x.setParentPid(p.other.pid);
          x.setParentStartNs(p.other.startNs);
          break;
        }
      }
    }
    writer_.write(FrameType::kEvents, message);
    written_ += batchCount_;
    batchCount_ = 0;
    ++batches_;
  }

  void writeInfo() {
    capnp::MallocMessageBuilder message;
    auto info = message.initRoot<schema::CaptureInfo>();
    info.setHostname("bench-synthetic");
    info.setKernelRelease("6.1.0-synthetic");
    info.setKernelVersion("#1 SMP");
    info.setMachine("x86_64");
    info.setBootId("00000000-0000-4000-8000-000000000000");
    info.setBootToWallNs(1'700'000'000'000'000'000ll);
    info.setRecorderVersion("bench_make_capture");
    info.initRecorderArgs(1).set(0, "bench_make_capture");
    info.setStartBootNs(kBootNs);
    info.setClockTicksPerSecond(100);
    info.setSignalMask(~0ull);
    info.setRingBufferBytes(16u << 20);
    writer_.write(FrameType::kInfo, message);
  }

  void writeSnapshot() {
    capnp::MallocMessageBuilder message;
    auto snap = message.initRoot<schema::ProcessSnapshot>();
    snap.setTakenBootNs(kBootNs);
    auto procs = snap.initProcesses(3);
    const Proc all[] = {{1, 100'000'000, "init"}, kDaemon, kShell};
    const uint32_t parents[] = {0, 1, 1};
    for (unsigned i = 0; i < 3; ++i) {
      auto p = procs[i];
      p.setPid(all[i].pid);
      p.setPpid(parents[i]);
      p.setStartNs(all[i].startNs);
      p.setComm(all[i].comm);
      p.setExe(std::string("/usr/bin/") + all[i].comm);
      p.initCmdline(1).set(0, all[i].comm);
      p.setCgroup("/system.slice/bench.service");
      p.setNsPid(all[i].pid);
      p.setPidNs(4026531836u);
    }
    writer_.write(FrameType::kSnapshot, message);
  }

  void writeTrailer() {
    capnp::MallocMessageBuilder message;
    auto t = message.initRoot<schema::Trailer>();
    t.setStopBootNs(now_ + kStepNs);
    t.setEvents(written_);
    t.setBatches(batches_);
    t.setStopReason("synthetic");
    t.setCommandExitStatus(-1);
    writer_.write(FrameType::kTrailer, message);
  }

  CaptureWriter& writer_;
  uint64_t total_;
  uint64_t now_ = kBootNs;
  uint64_t written_ = 0, batches_ = 0, workers_ = 0, killed_ = 0;
  uint32_t lastKilled_ = 0, lastExited_ = 0;
  Pending batch_[kBatchEvents];
  size_t batchCount_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_make_capture OUTPUT EVENTS\n");
    return 2;
  }
  const uint64_t total = std::strtoull(argv[2], nullptr, 10);
  try {
    CaptureWriter writer(argv[1]);
    auto gen = std::make_unique<Generator>(writer, total);
    gen->run();
    std::printf(
        "{\"path\":\"%s\",\"events\":%llu,\"workers\":%llu,\"batches\":%llu,"
        "\"killed\":%llu,\"killed_pid\":%u,\"exited_pid\":%u,\"daemon_pid\":%u,"
        "\"file_bytes\":%llu}\n",
        argv[1], static_cast<unsigned long long>(gen->events()),
        static_cast<unsigned long long>(gen->workers()),
        static_cast<unsigned long long>(gen->batches()),
        static_cast<unsigned long long>(gen->killed()), gen->lastKilledPid(), gen->lastExitedPid(),
        kDaemonPid, static_cast<unsigned long long>(writer.bytesWritten()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_make_capture: %s\n", e.what());
    return 1;
  }
  return 0;
}
