// Tests that load the real BPF programs need root. Without it they skip with
// the reason, unless SIGREC_REQUIRE_BPF=1 (set by .ci/run), where a skip would
// hide a broken build, so they fail instead.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace sigrec::testing {

inline bool bpfRequired() {
  const char* v = std::getenv("SIGREC_REQUIRE_BPF");
  return v && std::string(v) == "1";
}

}  // namespace sigrec::testing

#define SIGREC_REQUIRE_ROOT_OR_SKIP()                                                      \
  do {                                                                                     \
    if (::geteuid() != 0) {                                                                \
      if (::sigrec::testing::bpfRequired()) FAIL() << "SIGREC_REQUIRE_BPF=1 but not root"; \
      GTEST_SKIP() << "needs root to load BPF programs";                                   \
    }                                                                                      \
  } while (0)
