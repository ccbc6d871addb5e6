// One line on a terminal while a long import runs: how far through the
// file, how many events, how fast. Nothing when stderr is not a terminal
// (a log, a pipe) and nothing for imports shorter than the delay.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "analyze/import/importer.h"

namespace sigrec::analyze {

class ImportProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  // ENABLED: stderr is a terminal. The first line comes after DELAY, then
  // one every 200 ms, each over the last (\r); the destructor clears it.
  ImportProgressLine(std::ostream& err, const std::string& name, bool enabled,
                     std::chrono::milliseconds delay = std::chrono::milliseconds(500));
  ~ImportProgressLine();
  ImportProgressLine(const ImportProgressLine&) = delete;
  ImportProgressLine& operator=(const ImportProgressLine&) = delete;

  // For importCapture(); empty when not enabled.
  ImportProgress callback();

  // "sigan: importing x.sigrec: 45% (120.3 of 267.0 MiB), 1234567 events, 830123 events/s"
  static std::string text(const std::string& name, uint64_t bytesRead, uint64_t fileSize,
                          uint64_t events, double seconds);

 private:
  void update(uint64_t bytesRead, uint64_t fileSize, uint64_t events);

  std::ostream& err_;
  std::string name_;
  bool enabled_;
  std::chrono::milliseconds delay_;
  Clock::time_point start_ = Clock::now(), last_{};
  bool shown_ = false;
};

}  // namespace sigrec::analyze
