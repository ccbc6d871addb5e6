#include "analyze/attribution/dying.h"

#include <fmt/format.h>

namespace sigrec::analyze {

std::string arrivedWhileDying(std::string_view alias, std::string_view fatalId) {
  return fmt::format(
      "({0}.result_name = 'ignored' AND EXISTS (SELECT 1 FROM signals f"
      " WHERE f.id = {1} AND (f.time_ns < {0}.time_ns OR (f.time_ns = {0}.time_ns AND f.id < "
      "{0}.id))))",
      alias, fatalId);
}

}  // namespace sigrec::analyze
