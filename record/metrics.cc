#include "record/metrics.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "record/kernel_enums.h"
#include "schema/enum_names.h"
#include "base/names.h"

namespace sigrec::record {
namespace {

// node_exporter reads the file at each scrape (typically 15-60 s): a few
// seconds of delay cost nothing, and rewriting every second would not help.
constexpr auto kWriteInterval = std::chrono::seconds(5);

std::string origin(schema::Syscall call) {
  return call == schema::Syscall::NONE ? "kernel" : names::syscallName(call);
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

void Metrics::count(schema::EventBatch::Reader batch) {
  for (auto e : batch.getEvents()) {
    switch (e.which()) {
      case schema::Event::SIGNAL_GENERATE: {
        auto g = e.getSignalGenerate();
        ++signals_[{names::signalName(g.getSignal()), origin(g.getSyscall())}];
        break;
      }
      case schema::Event::KILL_CALL: {
        auto k = e.getKillCall();
        std::string result = k.getNoReturn()  ? "no_return"
                             : k.getRet() < 0 ? names::errnoName(static_cast<int>(-k.getRet()))
                                              : "ok";
        ++killCalls_[{names::syscallName(k.getSyscall()), result}];
        break;
      }
      case schema::Event::EXIT: {
        auto x = e.getExit();
        auto status = names::decodeExitCode(x.getExitCode());
        if (x.getGroupDead() && status.signaled) ++fatal_[names::signalName(status.signal)];
        break;
      }
      case schema::Event::OOM_VICTIM:
        ++oomKills_;
        break;
      default:
        break;
    }
  }
}

void Metrics::observe(const std::vector<ProbeTotals>& totals, uint32_t sequence,
                      uint64_t fileBytes) {
  if (!totals.empty()) totals_ = totals;
  if (sequence != sequence_) {
    earlierFilesBytes_ += fileBytes_;
    sequence_ = sequence;
  }
  fileBytes_ = fileBytes;
}

std::string Metrics::render() const {
  std::string out;
  family(out, "sigrec_events_total", "counter", "Events handed over by the kernel, per probe.");
  std::string lost;
  family(lost, "sigrec_events_lost_total", "counter",
         "Events the kernel could not hand over (ring buffer or map full), per probe.");
  for (int p = 0; p < SR_PROBE_COUNT; ++p) {
    uint64_t emitted = 0, missed = 0;
    for (const auto& cpu : totals_) {
      emitted += cpu.emitted[p];
      missed += cpu.lost[p];
    }
    const char* probe = names::probeName(probeToFormat(p));
    out += fmt::format("sigrec_events_total{{probe=\"{}\"}} {}\n", probe, emitted);
    lost += fmt::format("sigrec_events_lost_total{{probe=\"{}\"}} {}\n", probe, missed);
  }
  out += lost;
  family(out, "sigrec_signals_total", "counter",
         "Signals generated, by signal and origin (the kill-family call, or kernel).");
  for (const auto& [key, n] : signals_) {
    out += fmt::format("sigrec_signals_total{{signal=\"{}\",origin=\"{}\"}} {}\n", key.first,
                       key.second, n);
  }
  family(out, "sigrec_fatal_signals_total", "counter", "Processes that died of a signal.");
  for (const auto& [signal, n] : fatal_) {
    out += fmt::format("sigrec_fatal_signals_total{{signal=\"{}\"}} {}\n", signal, n);
  }
  family(out, "sigrec_kill_calls_total", "counter",
         "Kill-family calls, by syscall and result (ok, an errno name, or no_return).");
  for (const auto& [key, n] : killCalls_) {
    out += fmt::format("sigrec_kill_calls_total{{syscall=\"{}\",result=\"{}\"}} {}\n", key.first,
                       key.second, n);
  }
  family(out, "sigrec_oom_kills_total", "counter", "OOM killer victims.");
  out += fmt::format("sigrec_oom_kills_total {}\n", oomKills_);
  family(out, "sigrec_capture_bytes_total", "counter", "Bytes written to capture files.");
  out += fmt::format("sigrec_capture_bytes_total {}\n", earlierFilesBytes_ + fileBytes_);
  return out;
}

// A scrape must never see half a file: write a temporary next to it (whose
// name node_exporter ignores, lacking .prom at the end), then rename. Mode
// 0644 whatever the umask: node_exporter runs as another user, and the file
// holds no pid, comm or command line.
bool Metrics::write(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now < next_) return true;
  next_ = now + kWriteInterval;
  const std::string tmp = path_ + ".tmp";
  const std::string text = render();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::fchmod(fd, 0644) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  if (fd >= 0 && ::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (ok && std::rename(tmp.c_str(), path_.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (ok) {
    written_ = true;
    return true;
  }
  ::unlink(tmp.c_str());
  error_ = "cannot write the metrics file " + path_ + ": " + std::strerror(err);
  // Recording matters more than metrics: say it once, keep recording. (A
  // first write that fails stops sigrec at its start instead.)
  if (written_ && !warned_)
    std::fprintf(stderr, "sigrec: %s (recording continues)\n", error_.c_str());
  warned_ = written_;
  return false;
}

}  // namespace sigrec::record
