// Times as users see them: RFC 3339 UTC with nanoseconds. Shared by sigan's
// answers and sigrec --print.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sigrec {

// 2026-11-23T14:01:02.123456789Z
std::string formatTime(int64_t wallNs);
// Accepts RFC 3339 ("2026-11-23T14:01:02Z", with optional fraction and
// offset, 'T' or ' '). Sets *precisionNs to the unit of the last digit given
// (1e9 without a fraction), so callers can match "that second".
std::optional<int64_t> parseTime(std::string_view text, int64_t* precisionNs = nullptr);
// "1.234s", "12ms", "3h02m".
std::string formatDuration(int64_t ns);

}  // namespace sigrec
