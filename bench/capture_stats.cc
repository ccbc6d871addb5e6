// bench_capture_stats: counts what a capture holds, for bench/run.
//
//   bench_capture_stats CAPTURE [COMM_PREFIX]
//
// Prints one JSON object: file and frame sizes, events by kind, the trailer's
// totals and per-probe emitted/lost counters, and `keys`: events of tasks
// whose comm starts with COMM_PREFIX (default "bw-") counted under the keys
// bench_workload prints as `expected`:
//   kc.COMM.SYSCALL.SIG.ok|err   kill-family call (COMM = caller)
//   sg.COMM.SYSCALL|none.SIG     signal generated (COMM = acting task)
//   sd.COMM.SIG                  signal delivered (COMM = receiver)
//   fork.COMM.process|thread     (COMM = parent)
//   exec.COMM                    (COMM = after exec)
//   exit.COMM.process|thread
#include <cstdio>
#include <exception>
#include <map>
#include <string>

#include "schema/capture_reader.h"
#include "schema/capture.capnp.h"
#include "schema/enum_names.h"

namespace {

using sigrec::schema::Event;
using sigrec::schema::Syscall;

// The signal number argument of each kill-family call (docs/capture-format.md).
long long killSignal(Event::KillCall::Reader k) {
  switch (k.getSyscall()) {
    case Syscall::TGKILL:
    case Syscall::RT_TGSIGQUEUEINFO:
      return k.getArg2();
    default:
      return k.getArg1();
  }
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out;
}

void printMap(const char* name, const std::map<std::string, unsigned long long>& m,
              bool last = false) {
  std::printf("\"%s\":{", name);
  bool first = true;
  for (auto& [k, v] : m) {
    std::printf("%s\"%s\":%llu", first ? "" : ",", escape(k).c_str(), v);
    first = false;
  }
  std::printf("}%s", last ? "" : ",");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_capture_stats CAPTURE [COMM_PREFIX]\n");
    return 2;
  }
  const std::string prefix = argc > 2 ? argv[2] : "bw-";
  try {
    sigrec::capture::CaptureReader reader(argv[1]);
    std::map<std::string, unsigned long long> kinds, keys, frameBytes, frames, emitted, lost;
    unsigned long long events = 0, batchLoss = 0;
    bool trailer = false;
    unsigned long long trailerEvents = 0, trailerLost = 0, userDropped = 0;
    std::string stopReason;
    uint64_t prev = reader.offset();
    while (auto frame = reader.next()) {
      const uint64_t end = reader.offset();
      const std::string type(sigrec::capture::frameTypeName(frame->type()));
      frameBytes[type] += end - prev;
      frames[type] += 1;
      prev = end;
      if (frame->type() == sigrec::capture::FrameType::kTrailer) {
        auto t = frame->root<sigrec::schema::Trailer>();
        trailer = true;
        trailerEvents += t.getEvents();
        trailerLost += t.getLost();
        userDropped += t.getUserDropped();
        stopReason = t.getStopReason();
        for (auto c : t.getCounters()) {
          emitted[sigrec::names::probeName(c.getProbe())] += c.getEmitted();
          lost[sigrec::names::probeName(c.getProbe())] += c.getLost();
        }
        continue;
      }
      if (frame->type() != sigrec::capture::FrameType::kEvents) continue;
      auto batch = frame->root<sigrec::schema::EventBatch>();
      for (auto l : batch.getLosses()) batchLoss += l.getCount();
      for (auto e : batch.getEvents()) {
        ++events;
        const std::string comm = e.getComm();
        const bool ours = comm.compare(0, prefix.size(), prefix) == 0;
        std::string key;
        switch (e.which()) {
          case Event::SIGNAL_GENERATE: {
            kinds["signal_generate"]++;
            auto g = e.getSignalGenerate();
            key = "sg." + comm + "." + sigrec::names::syscallName(g.getSyscall()) + "." +
                  std::to_string(g.getSignal());
            break;
          }
          case Event::SIGNAL_DELIVER:
            kinds["signal_deliver"]++;
            key = "sd." + comm + "." + std::to_string(e.getSignalDeliver().getSignal());
            break;
          case Event::KILL_CALL: {
            kinds["kill_call"]++;
            auto k = e.getKillCall();
            key = "kc." + comm + "." + sigrec::names::syscallName(k.getSyscall()) + "." +
                  std::to_string(killSignal(k)) + (k.getRet() == 0 ? ".ok" : ".err");
            break;
          }
          case Event::FORK:
            kinds["fork"]++;
            key = "fork." + comm + (e.getFork().getThread() ? ".thread" : ".process");
            break;
          case Event::EXEC:
            kinds["exec"]++;
            key = "exec." + comm;
            break;
          case Event::EXIT:
            kinds["exit"]++;
            key = "exit." + comm + (e.getExit().getGroupDead() ? ".process" : ".thread");
            break;
          case Event::OOM_VICTIM:
            kinds["oom"]++;
            break;
          default:
            kinds["other"]++;
            break;
        }
        if (ours && !key.empty()) keys[key]++;
      }
    }
    std::printf(
        "{\"file_bytes\":%llu,\"events\":%llu,\"trailer\":%s,\"trailer_events\":%llu,"
        "\"lost\":%llu,\"batch_lost\":%llu,\"user_dropped\":%llu,\"stop_reason\":\"%s\","
        "\"damage\":%zu,",
        static_cast<unsigned long long>(reader.fileSize()), events, trailer ? "true" : "false",
        trailerEvents, trailerLost, batchLoss, userDropped, escape(stopReason).c_str(),
        reader.damage().size());
    printMap("frame_bytes", frameBytes);
    printMap("frames", frames);
    printMap("kinds", kinds);
    printMap("emitted", emitted);
    printMap("lost_by_probe", lost);
    printMap("keys", keys, true);
    std::printf("}\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_capture_stats: %s\n", e.what());
    return 1;
  }
  return 0;
}
