#include "analyze/attribution/sender.h"

#include <fmt/format.h>

namespace sigrec::analyze {

std::string sentBySyscall(std::string_view alias) {
  return fmt::format("{}.origin <> 'kernel'", alias);
}

std::string senderColumn(std::string_view alias, std::string_view column) {
  return fmt::format("CASE WHEN {0}.origin = 'kernel' THEN NULL ELSE {0}.{1} END", alias, column);
}

}  // namespace sigrec::analyze
