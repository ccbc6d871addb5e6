#include "analyze/cli/import_progress.h"

#include <fmt/format.h>

#include <ostream>

#include "base/visible_text.h"

namespace sigrec::analyze {

ImportProgressLine::ImportProgressLine(std::ostream& err, const std::string& name, bool enabled,
                                       std::chrono::milliseconds delay)
    : err_(err), name_(names::visibleText(name)), enabled_(enabled), delay_(delay) {}

ImportProgressLine::~ImportProgressLine() {
  // Erased, so the answer or the import's own line starts on a clean line.
  if (shown_) err_ << "\r\x1b[K" << std::flush;
}

ImportProgress ImportProgressLine::callback() {
  if (!enabled_) return {};
  return [this](uint64_t bytesRead, uint64_t fileSize, uint64_t events) {
    update(bytesRead, fileSize, events);
  };
}

std::string ImportProgressLine::text(const std::string& name, uint64_t bytesRead, uint64_t fileSize,
                                     uint64_t events, double seconds) {
  const double mib = 1 << 20;
  const int percent = fileSize ? static_cast<int>(100 * bytesRead / fileSize) : 0;
  return fmt::format("sigan: importing {}: {}% ({:.1f} of {:.1f} MiB), {} events, {:.0f} events/s",
                     name, percent, static_cast<double>(bytesRead) / mib,
                     static_cast<double>(fileSize) / mib, events,
                     seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
}

void ImportProgressLine::update(uint64_t bytesRead, uint64_t fileSize, uint64_t events) {
  const Clock::time_point now = Clock::now();
  if (now - start_ < delay_ || now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  shown_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  err_ << "\r\x1b[K" << text(name_, bytesRead, fileSize, events, seconds) << std::flush;
}

}  // namespace sigrec::analyze
