#include "record/session.h"

#include <bpf/libbpf.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string_view>

#include "record/capture_files.h"
#include "record/capture_header.h"
#include "record/capture_sink.h"
#include "record/child_command.h"
#include "record/host_info.h"
#include "record/live_output.h"
#include "record/live_printer.h"
#include "record/loss_tracker.h"
#include "record/metrics.h"
#include "record/preflight.h"
#include "record/probe_settings.h"
#include "record/probes.h"
#include "record/procfs_snapshot.h"
#include "record/record_error.h"
#include "record/ring_drain.h"
#include "record/service_notify.h"
#include "record/version.h"
#include "schema/capture_writer.h"

namespace sigrec::record {
namespace {

std::atomic<int> gStopSignal{0};

void onStopSignal(int sig) {
  gStopSignal.store(sig);
}

void installStopHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onStopSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
}

// Once the batch is full, stop this drain (a negative return makes libbpf
// stop consuming): the batch is handed off before more is read, so one
// drain cannot grow memory past the batch limit.
int onSample(void* ctx, void* data, size_t size) {
  auto* sink = static_cast<CaptureSink*>(ctx);
  sink->add(data, size);
  return sink->full() ? -EAGAIN : 0;
}

// Removes a capture file that never got past its header if setup fails.
struct RemoveUnlessKept {
  std::string path;
  bool keep = false;
  explicit RemoveUnlessKept(std::string p) : path(std::move(p)) {}
  RemoveUnlessKept(const RemoveUnlessKept&) = delete;
  RemoveUnlessKept& operator=(const RemoveUnlessKept&) = delete;
  ~RemoveUnlessKept() {
    if (!keep) ::unlink(path.c_str());
  }
};

void writeSnapshot(capture::CaptureWriter& writer, Redaction redaction) {
  capnp::MallocMessageBuilder message;
  takeSnapshot(message.initRoot<schema::ProcessSnapshot>(), redaction);
  writer.write(capture::FrameType::kSnapshot, message);
}

uint64_t totalLost(const std::vector<sr_counters>& perCpu) {
  uint64_t lost = 0;
  for (const auto& cpu : perCpu)
    for (uint64_t n : cpu.lost) lost += n;
  return lost;
}

// One line once recording has stopped: what was recorded, and where, so a
// user need not run sigan info to know the capture is there and whole.
void printSummary(const std::string& reason, uint64_t events, uint64_t lost,
                  const CaptureFiles& files) {
  uint64_t bytes = 0;
  for (const auto& path : files.paths()) {
    std::error_code gone;
    const auto size = std::filesystem::file_size(path, gone);
    if (!gone) bytes += size;
  }
  const std::string where = files.paths().size() == 1
                                ? files.paths().front()
                                : std::to_string(files.paths().size()) + " files, " +
                                      files.paths().front() + " to " + files.paths().back();
  std::fprintf(stderr, "sigrec: stopped (%s): %llu events, %.1f MiB, %llu lost, in %s\n",
               reason.c_str(), static_cast<unsigned long long>(events),
               static_cast<double>(bytes) / (1 << 20), static_cast<unsigned long long>(lost),
               where.c_str());
}

}  // namespace

int runSession(const Options& opt) {
  const ProbeSettings settings = probeSettings(opt, preflight(opt.noSyscallHooks));

  // The file is created before the probes load, so an unwritable path fails
  // fast; it is removed again if loading fails.
  CaptureFiles files({opt.output, opt.maxSizeBytes, opt.rotate, opt.maxTotalBytes, opt.maxAgeSec},
                     [&](capture::CaptureWriter& writer, const FileStart& start) {
                       writeInfo(writer, opt, settings, bootNowNs(), start);
                       writeSnapshot(writer, opt.redaction);
                     });
  RemoveUnlessKept cleanup{files.currentPath()};
  installStopHandlers();
  std::optional<Metrics> metrics;  // an unwritable metrics file fails before loading
  if (!opt.metricsPath.empty() && !metrics.emplace(opt.metricsPath).write(true)) {
    throw RecordError(metrics->error());
  }
  LiveOutput liveOutput;  // --print-to, opened before loading for the same reason
  std::optional<RemoveUnlessKept> liveCleanup;
  if (!opt.printTo.empty()) {
    liveOutput = openLiveOutput(opt.printTo, opt.force);
    if (liveOutput.created) liveCleanup.emplace(opt.printTo);
  }
  Probes probes(settings);
  const uint64_t startNs = bootNowNs();
  files.writeHeader();
  cleanup.keep = true;
  if (liveCleanup) liveCleanup->keep = true;

  std::optional<LivePrinter> printer;
  SinkSettings sinkSettings{.redaction = opt.redaction};
  if (!opt.print.empty()) {
    printer.emplace(LivePrinter::parseFormat(opt.print), opt.printFilter, files.bootToWallNs(),
                    liveOutput.file ? liveOutput.file.get() : stdout);
    sinkSettings.printer = &*printer;
    sinkSettings.flushIntervalNs = 200'000'000;  // live enough to read along
  }
  if (metrics) sinkSettings.metrics = &*metrics;
  CaptureSink sink(files, sinkSettings);
  RingBuffer ring(ring_buffer__new(probes.ringBufferFd(), onSample, &sink, nullptr));
  if (!ring) throw RecordError(std::string("cannot open the ring buffer: ") + std::strerror(errno));
  std::fprintf(stderr, "sigrec: recording to %s\n", files.currentPath().c_str());
  notifyReady(files.currentPath());

  std::optional<ChildCommand> child;
  std::optional<CommandStartError> startError;  // the capture still ends cleanly
  if (!opt.command.empty()) {
    try {
      child.emplace(opt.command);
      // Before any batch with the command's events reaches the writer thread.
      if (printer) printer->setCommandPid(static_cast<uint32_t>(child->pid()));
      // Read before the child is reaped (poll), so /proc still has it: sigan
      // tells the command's process instance by pid and start.
      const auto pid = static_cast<uint32_t>(child->pid());
      if (auto entry = readProcess("/proc", pid))
        sink.setCommand(pid, entry->startTicks * clockTickNs());
    } catch (const CommandStartError& e) {
      startError = e;
    }
  }
  const uint64_t deadline =
      opt.durationSec ? startNs + static_cast<uint64_t>(*opt.durationSec * 1e9) : 0;
  if (deadline) sink.endAt(deadline);  // N seconds, not N + the last drain and the detach

  LossTracker losses(startNs);
  std::string reason;
  std::optional<int> commandStatus;
  if (startError) {
    reason = "command did not start";
    commandStatus = startError->status();
  }
  RingDrain drain(ring.get());
  while (reason.empty()) {
    drain.drain();
    const uint64_t now = bootNowNs();
    if (sink.due(now)) {
      auto counters = probes.readCounters();
      losses.check(counters, now, sink);
      sink.handOff(now, counters);
    }
    if (auto error = sink.error()) {
      reason = "error: " + *error;
      break;
    }
    if (sink.limitReached()) {
      reason = "size limit";
      break;
    }
    if (child && (commandStatus = child->poll())) {
      reason = "command exited";
      break;
    }
    if (int sig = gStopSignal.exchange(0)) {
      if (child) {
        child->signal(sig);  // the command decides; we stop when it exits
      } else if (sig == SIGHUP) {
        files.requestNewFile();  // the writer thread starts it with its next batch
      } else {
        reason = std::string("signal ") + sigabbrev_np(sig);
        break;
      }
    }
    if (deadline && now >= deadline) {
      reason = "duration";
      break;
    }
  }

  // Detach first so the drain has an end, then take what the kernel holds,
  // a batch at a time.
  notifyStopping();
  probes.detach();
  std::vector<sr_counters> counters;
  for (int drained = -1; drained < 0;) {
    drained = ring_buffer__consume(ring.get());
    const uint64_t now = bootNowNs();
    counters = probes.readCounters();
    losses.check(counters, now, sink);
    sink.handOff(now, counters);
  }
  sink.finish(reason, commandStatus.value_or(-1));
  if (!sink.error()) printSummary(reason, sink.eventsWritten(), totalLost(counters), files);
  if (startError) throw *startError;  // main() prints it and exits with its status

  if (auto error = sink.error()) {
    std::fprintf(stderr,
                 "sigrec: %s; recording stopped, %s is readable up to its last whole frame\n",
                 error->c_str(), files.currentPath().c_str());
    while (child && !child->poll()) ::usleep(100'000);  // never kill the user's command
    return 1;
  }
  if (child && !commandStatus) {
    std::fprintf(stderr, "sigrec: recording stopped (%s); waiting for the command to exit\n",
                 reason.c_str());
    while (!(commandStatus = child->poll())) ::usleep(100'000);
  }
  return commandStatus.value_or(0);
}

}  // namespace sigrec::record
