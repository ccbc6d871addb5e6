#include "record/flight_session.h"

#include <bpf/libbpf.h>
#include <signal.h>
#include <string.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "record/capture_header.h"
#include "record/flight_metrics.h"
#include "record/flight_recorder.h"
#include "record/host_info.h"
#include "record/loss_tracker.h"
#include "record/metrics.h"
#include "record/probe_settings.h"
#include "record/probes.h"
#include "record/record_error.h"
#include "record/ring_drain.h"
#include "record/service_notify.h"

namespace sigrec::record {
namespace {

std::atomic<int> gStopSignal{0};
std::atomic<bool> gDumpRequested{false};

// The same drain cadence as a recording to disk (record/session.cc).

void onSignal(int sig) {
  if (sig == SIGUSR1) {
    gDumpRequested.store(true);
  } else {
    gStopSignal.store(sig);
  }
}

// SIGHUP, which starts a new file when recording to disk, is a no-op here:
// there is no file until a trigger, and each dump is a new one.
void installHandlers() {
  struct sigaction sa {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) ::sigaction(sig, &sa, nullptr);
  ::signal(SIGHUP, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
}

struct Consumers {
  FlightRecorder* recorder;
  FlightMetrics* metrics;  // --metrics, else null
};

// A full batch (of the open dump, or for the metrics) ends the drain so that
// the loop hands it off before more is read.
int onSample(void* ctx, void* data, size_t size) {
  auto* to = static_cast<Consumers*>(ctx);
  to->recorder->add(data, size);
  if (to->metrics) to->metrics->add(data, size);
  return to->recorder->full() || (to->metrics && to->metrics->full()) ? -EAGAIN : 0;
}

// The output directory exists and is writable before anything loads, so a
// wrong -o fails at start rather than at the first trigger.
void prepareDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir) || ::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw RecordError("--flight-recorder: " + dir + " is not a writable directory" +
                      (ec ? ": " + ec.message() : std::string()));
  }
}

}  // namespace

int runFlightSession(const Options& opt) {
  const ProbeSettings settings = probeSettings(opt, preflight(opt.noSyscallHooks));
  prepareDirectory(opt.output);
  installHandlers();
  std::optional<Metrics> metrics;  // an unwritable metrics file fails before loading
  std::optional<FlightMetrics> flightMetrics;
  if (!opt.metricsPath.empty()) {
    if (!metrics.emplace(opt.metricsPath).write(true)) throw RecordError(metrics->error());
    flightMetrics.emplace(*metrics);
  }
  Probes probes(settings);
  const uint64_t startNs = bootNowNs();
  FlightRecorder recorder(
      {.budgetBytes = opt.flightBytes,
       .afterNs = opt.flightAfterMs * 1'000'000,
       .triggers = opt.triggers,
       .dir = opt.output,
       .keep = opt.flightKeep,
       .redaction = opt.redaction,
       .writeInfo =
           [&](capture::CaptureWriter& w, uint64_t windowStartNs, const FileStart& start) {
             writeInfo(w, opt, settings, windowStartNs, start);
           }},
      startNs);
  Consumers consumers{&recorder, flightMetrics ? &*flightMetrics : nullptr};
  RingBuffer ring(ring_buffer__new(probes.ringBufferFd(), onSample, &consumers, nullptr));
  if (!ring) throw RecordError(std::string("cannot open the ring buffer: ") + std::strerror(errno));
  std::fprintf(stderr,
               "sigrec: flight recorder: keeping the newest events in %.0f MiB; dumps go to %s "
               "(SIGUSR1 writes one)\n",
               static_cast<double>(opt.flightBytes) / (1 << 20), opt.output.c_str());
  notifyReady(opt.output);

  const uint64_t deadline =
      opt.durationSec ? startNs + static_cast<uint64_t>(*opt.durationSec * 1e9) : 0;
  LossTracker losses(startNs);
  std::vector<LossRecord> windows;
  std::string reason;
  RingDrain drain(ring.get());
  for (;;) {
    drain.drain();
    const uint64_t now = bootNowNs();
    const auto counters = probes.readCounters();
    windows.clear();
    losses.check(counters, now, windows);
    recorder.addLosses(windows);
    if (gDumpRequested.exchange(false)) recorder.trigger("SIGUSR1", now);
    recorder.tick(now, counters);
    if (flightMetrics) flightMetrics->flush(counters, recorder.dumpBytes());
    if (int sig = gStopSignal.exchange(0)) {
      reason = std::string("signal ") + sigabbrev_np(sig);
      break;
    }
    if (deadline && now >= deadline) {
      reason = "duration";
      break;
    }
  }

  notifyStopping();
  probes.detach();
  // What the kernel still holds, a batch at a time (an open dump takes its
  // share at each hand-off).
  uint64_t now = 0;
  std::vector<sr_counters> counters;
  for (int drained = -1; drained < 0;) {
    drained = ring_buffer__consume(ring.get());
    now = bootNowNs();
    counters = probes.readCounters();
    windows.clear();
    losses.check(counters, now, windows);
    recorder.addLosses(windows);
    recorder.tick(now, counters);
    if (flightMetrics) flightMetrics->flush(counters, recorder.dumpBytes());
  }
  recorder.stop(reason, now, counters);
  if (flightMetrics) flightMetrics->flush(counters, recorder.dumpBytes(), true);
  std::fprintf(stderr, "sigrec: stopped (%s): flight recorder, %zu dumps written to %s\n",
               reason.c_str(), recorder.dumpsWritten(), opt.output.c_str());
  return 0;
}

}  // namespace sigrec::record
