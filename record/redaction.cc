#include "record/redaction.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace sigrec::record {
namespace {

constexpr const char* kMask = "<redacted>";

bool looksSecret(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* word : {"pass", "secret", "token", "key", "auth", "cred"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

Redaction parseRedaction(const std::string& mode) {
  if (mode == "none") return Redaction::kNone;
  if (mode == "args") return Redaction::kArgs;
  if (mode == "values") return Redaction::kValues;
  throw std::runtime_error("--redact must be none, args or values, not '" + mode + "'");
}

void redactArgv(std::vector<std::string>& argv, Redaction mode) {
  if (mode == Redaction::kNone) return;
  bool maskNext = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    std::string& arg = argv[i];
    if (mode == Redaction::kArgs || maskNext) {
      arg = kMask;
      maskNext = false;
      continue;
    }
    auto eq = arg.find('=');
    if (eq != std::string::npos && eq > 0) {
      arg = arg.substr(0, eq + 1) + kMask;
    } else if (arg.size() > 1 && arg[0] == '-' && looksSecret(arg)) {
      maskNext = true;
    }
  }
}

}  // namespace sigrec::record
