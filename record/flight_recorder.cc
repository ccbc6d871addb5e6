#include "record/flight_recorder.h"

#include <capnp/message.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <regex>

#include "record/event_encoder.h"
#include "record/host_info.h"
#include "schema/capture.capnp.h"
#include "base/names.h"

namespace sigrec::record {
namespace {

// Eviction drops a whole chunk: small enough that the window shrinks by at
// most a thirty-second of SIZE, large enough that evicting is rare.
size_t chunkBytesFor(uint64_t budget) {
  return static_cast<size_t>(std::clamp<uint64_t>(budget / 32, 64u << 10, 1u << 20));
}

std::string fixedString(const char* chars, size_t max) {
  return {chars, strnlen(chars, max)};
}

double seconds(uint64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

}  // namespace

FlightRecorder::FlightRecorder(FlightSettings settings, uint64_t startNs)
    : settings_(std::move(settings)),
      ring_(chunkBytesFor(settings_.budgetBytes)),
      table_(settings_.redaction, settings_.budgetBytes / 2, cgroups_),
      windowStartNs_(startNs) {
  table_.seed(readAllProcesses());
  adoptEarlierDumps();
}

// A restarted recorder counts the dumps of its earlier runs in the same
// directory for retention, so that a crash-looping service under
// `--trigger-on death` cannot fill the disk across restarts.
void FlightRecorder::adoptEarlierDumps() {
  static const std::regex kDumpName(
      R"(sigrec-.+-[0-9]{8}T[0-9]{6}Z-(death|oom|signal)(-[0-9]+)?\.sigrec)");
  std::vector<std::pair<std::filesystem::file_time_type, std::string>> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(settings_.dir, ec)) {
    std::error_code bad;
    if (!entry.is_regular_file(bad) ||
        !std::regex_match(entry.path().filename().string(), kDumpName)) {
      continue;
    }
    found.emplace_back(entry.last_write_time(bad), entry.path().string());
  }
  std::sort(found.begin(), found.end());
  for (auto& [time, path] : found) kept_.push_back(std::move(path));
  applyRetention();
}

void FlightRecorder::applyRetention() {
  while (settings_.keep && kept_.size() > settings_.keep) {
    ::unlink(kept_.front().c_str());
    kept_.pop_front();
  }
}

FlightRecorder::~FlightRecorder() = default;

void FlightRecorder::add(const void* data, size_t size) {
  if (dump_) dump_->sink->add(data, size);  // it counts what is not a whole record
  if (!isWholeRecord(data, size)) return;
  sr_header h;
  std::memcpy(&h, data, sizeof h);
  ring_.push(data, size, h.ts_ns);
  checkTriggers(data, size);  // before the table forgets a process that died
  table_.apply(data, size);
  evict();
}

void FlightRecorder::evict() {
  bool evicted = false;
  while (ring_.bytes() + table_.bytes() > settings_.budgetBytes && ring_.evictOldest()) {
    evicted = true;
  }
  if (!evicted) return;
  windowStartNs_ = ring_.oldestNs();
  table_.forgetExitedBefore(windowStartNs_);
}

void FlightRecorder::addLosses(const std::vector<LossRecord>& losses) {
  for (const LossRecord& loss : losses) {
    ring_.addLoss(loss);
    if (dump_) dump_->sink->addLoss(loss);
  }
}

void FlightRecorder::checkTriggers(const void* data, size_t size) {
  sr_header h;
  std::memcpy(&h, data, sizeof h);
  if (h.kind == SR_EV_OOM_VICTIM && settings_.triggers.oom) {
    sr_oom_victim o;
    std::memcpy(&o, data, std::min(size, sizeof o));
    request("oom", "OOM kill of pid " + std::to_string(o.victim_pid), h.ts_ns);
  } else if (h.kind == SR_EV_EXIT && !settings_.triggers.deaths.empty()) {
    sr_exit e;
    std::memcpy(&e, data, std::min(size, sizeof e));
    checkDeath(e);
  }
}

void FlightRecorder::checkDeath(const sr_exit& e) {
  const names::ExitStatus status = names::decodeExitCode(e.exit_code);
  if (!e.group_dead || !status.signaled) return;
  const KnownProcess* p = table_.find(e.h.pid);
  Death death{.comm = p ? p->comm : fixedString(e.h.comm, sizeof e.h.comm),
              .threadComm = fixedString(e.h.comm, sizeof e.h.comm),
              .signal = status.signal};
  std::optional<std::string> cgroup;
  auto cgroupPath = [&] {
    if (!cgroup) cgroup = p ? table_.cgroupPath(*p) : std::string();
    return *cgroup;
  };
  for (const DeathFilter& filter : settings_.triggers.deaths) {
    if (matches(filter, death, cgroupPath)) {
      request("death",
              "death of pid " + std::to_string(e.h.pid) + " (" + death.comm + ") by " +
                  names::signalName(status.signal),
              e.h.ts_ns);
      return;
    }
  }
}

void FlightRecorder::request(const std::string& kind, const std::string& why, uint64_t timeNs) {
  if (dump_ || requested_) {
    // Said once per dump: a storm of deaths must not flood the journal.
    if (coveredTriggers_++ == 0) {
      std::fprintf(stderr, "sigrec: flight recorder: %s: in the dump already being written\n",
                   why.c_str());
    }
    return;
  }
  requested_ = Request{kind, why, timeNs};
}

void FlightRecorder::tick(uint64_t nowNs, const std::vector<sr_counters>& counters) {
  if (requested_) {
    Request r = std::move(*requested_);
    requested_.reset();
    startDump(r, nowNs, counters);
  }
  if (!dump_) return;
  if (auto error = dump_->sink->error()) {
    std::fprintf(stderr, "sigrec: flight recorder: %s: %s; recording goes on\n",
                 dump_->path.c_str(), error->c_str());
    kept_.push_back(dump_->path);  // readable up to its last whole frame; counted for retention
    dump_.reset();
    return;
  }
  if (nowNs >= dump_->endNs) {
    closeDump("flight recorder: " + dump_->why, nowNs, counters);
  } else if (dump_->sink->due(nowNs)) {
    handOff(nowNs, counters);
  }
}

void FlightRecorder::stop(const std::string& reason, uint64_t nowNs,
                          const std::vector<sr_counters>& counters) {
  if (requested_) tick(nowNs, counters);
  if (dump_)
    closeDump("flight recorder: " + dump_->why + "; cut short: " + reason, nowNs, counters);
}

// The dump's loss counts cover its window only: the kernel's totals less
// what was lost before it (what the ring's loss windows do not account for).
void FlightRecorder::handOff(uint64_t nowNs, const std::vector<sr_counters>& counters) {
  std::vector<sr_counters> inWindow = counters;
  for (size_t cpu = 0; cpu < inWindow.size() && cpu < dump_->lostBefore.size(); ++cpu) {
    for (int probe = 0; probe < SR_PROBE_COUNT; ++probe) {
      inWindow[cpu].lost[probe] -=
          std::min<uint64_t>(inWindow[cpu].lost[probe], dump_->lostBefore[cpu][probe]);
    }
  }
  dump_->sink->handOff(nowNs, inWindow);
}

void FlightRecorder::writeHeader(capture::CaptureWriter& writer, uint64_t windowStartNs,
                                 const FileStart& start) {
  settings_.writeInfo(writer, windowStartNs, start);
  capnp::MallocMessageBuilder message;
  auto snapshot = message.initRoot<schema::ProcessSnapshot>();
  const std::vector<ProcEntry> procs = table_.aliveAt(windowStartNs);
  snapshot.setTakenBootNs(windowStartNs);
  auto list = snapshot.initProcesses(static_cast<unsigned>(procs.size()));
  for (size_t i = 0; i < procs.size(); ++i) fillProcess(procs[i], list[static_cast<unsigned>(i)]);
  writer.write(capture::FrameType::kSnapshot, message);
}

void FlightRecorder::startDump(const Request& r, uint64_t nowNs,
                               const std::vector<sr_counters>& counters) {
  const auto began = std::chrono::steady_clock::now();
  Dump d;
  d.path = dumpPath(r.kind);
  d.why = r.why;
  d.endNs = r.timeNs + settings_.afterNs;
  d.lostBefore.resize(counters.size());
  for (size_t cpu = 0; cpu < counters.size(); ++cpu)
    std::copy(std::begin(counters[cpu].lost), std::end(counters[cpu].lost),
              d.lostBefore[cpu].begin());
  for (const LossRecord& loss : ring_.losses()) {
    if (loss.cpu < d.lostBefore.size()) {
      auto& before = d.lostBefore[loss.cpu][loss.probe];
      before -= std::min(before, loss.count);
    }
  }
  const uint64_t windowStart = windowStartNs_;
  try {
    d.files = std::make_unique<CaptureFiles>(
        FilePolicy{.path = d.path},
        [this, windowStart](capture::CaptureWriter& w, const FileStart& start) {
          writeHeader(w, windowStart, start);
        });
    d.files->writeHeader();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigrec: flight recorder: %s: cannot write %s: %s; recording goes on\n",
                 r.why.c_str(), d.path.c_str(), e.what());
    return;
  }
  d.sink = std::make_unique<CaptureSink>(*d.files, SinkSettings{.redaction = settings_.redaction});
  dump_ = std::move(d);
  for (const LossRecord& loss : ring_.losses()) dump_->sink->addLoss(loss);
  ring_.forEach([&](const uint8_t* data, size_t size) {
    dump_->sink->add(data, size);
    if (dump_->sink->full()) dump_->sink->handOff(nowNs, {});
  });
  handOff(nowNs, counters);
  const auto took =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began);
  std::fprintf(stderr,
               "sigrec: flight recorder: %s: writing %s (%.1f s before, %.1f s after; the window "
               "took %.0f ms; memory %.1f MiB, %zu processes known)\n",
               r.why.c_str(), dump_->path.c_str(),
               seconds(r.timeNs - std::min(r.timeNs, windowStart)), seconds(settings_.afterNs),
               took.count(), static_cast<double>(memoryBytes()) / (1 << 20), table_.size());
}

void FlightRecorder::closeDump(const std::string& reason, uint64_t nowNs,
                               const std::vector<sr_counters>& counters) {
  handOff(nowNs, counters);
  dump_->sink->finish(reason, -1);
  std::error_code ec;
  const uint64_t bytes = std::filesystem::file_size(dump_->path, ec);
  if (!ec) closedDumpBytes_ += bytes;
  if (auto error = dump_->sink->error()) {
    std::fprintf(stderr, "sigrec: flight recorder: %s: %s; recording goes on\n",
                 dump_->path.c_str(), error->c_str());
  } else {
    std::fprintf(stderr, "sigrec: flight recorder: wrote %s: %llu events, %.1f MiB\n",
                 dump_->path.c_str(), static_cast<unsigned long long>(dump_->sink->eventsWritten()),
                 static_cast<double>(ec ? 0 : bytes) / (1 << 20));
    ++dumpsWritten_;
  }
  if (coveredTriggers_ > 1) {
    std::fprintf(stderr, "sigrec: flight recorder: %zu triggers came while it was written\n",
                 coveredTriggers_);
  }
  coveredTriggers_ = 0;
  kept_.push_back(dump_->path);
  dump_.reset();
  applyRetention();
}

uint64_t FlightRecorder::dumpBytes() const {
  if (!dump_) return closedDumpBytes_;
  std::error_code ec;
  const uint64_t open = std::filesystem::file_size(dump_->path, ec);  // written by another thread
  return closedDumpBytes_ + (ec ? 0 : open);
}

// DIR/sigrec-HOST-TIMESTAMP-KIND.sigrec, numbered -2, -3, ... if taken.
std::string FlightRecorder::dumpPath(const std::string& kind) const {
  char host[256] = "host";
  ::gethostname(host, sizeof host - 1);
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", std::gmtime(&now));
  const std::string base = settings_.dir + "/sigrec-" + host + "-" + stamp + "-" + kind;
  std::string path = base + ".sigrec";
  for (int n = 2; std::filesystem::exists(path); ++n)
    path = base + "-" + std::to_string(n) + ".sigrec";
  return path;
}

}  // namespace sigrec::record
