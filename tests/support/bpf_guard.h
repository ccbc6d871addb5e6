// Tests that load the real BPF programs need root. Without it they skip with
// the reason, unless SIGREC_REQUIRE_BPF=1 (set by .ci/run), where a skip would
// hide a broken build, so they fail instead.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/paths.h"

namespace sigrec::testing {

inline bool bpfRequired() {
  const char* v = std::getenv("SIGREC_REQUIRE_BPF");
  return v && std::string(v) == "1";
}

// Whether this run records without syscall hooks (SIGREC_FORCE_FALLBACK
// names syscall_hooks, as `sigrec --no-syscall-hooks` would): kill-family
// calls are then seen only through the signals they send, so failed calls
// and kill(pid, 0) probes are not recorded (docs/kernels.md).
inline bool syscallHooksOff() {
  const char* v = std::getenv("SIGREC_FORCE_FALLBACK");
  return v && ("," + std::string(v) + ",").find(",syscall_hooks,") != std::string::npos;
}

}  // namespace sigrec::testing

// For tests of what only a hooked call shows: failed calls, kill(pid, 0),
// return values.
#define SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS()                                                    \
  do {                                                                                         \
    if (::sigrec::testing::syscallHooksOff())                                                  \
      GTEST_SKIP() << "recorded without syscall hooks: failed calls and kill(pid, 0) are not " \
                      "recorded in that mode";                                                 \
  } while (0)

#define SIGREC_REQUIRE_ROOT_OR_SKIP()                                                      \
  do {                                                                                     \
    if (::geteuid() != 0) {                                                                \
      if (::sigrec::testing::bpfRequired()) FAIL() << "SIGREC_REQUIRE_BPF=1 but not root"; \
      GTEST_SKIP() << "needs root to load BPF programs";                                   \
    }                                                                                      \
  } while (0)

// Root, and the sigrec binary in the build tree (the suites that record once
// in SetUpTestSuite record nothing without it).
#define SIGREC_REQUIRE_RECORDER_OR_SKIP()                                      \
  do {                                                                         \
    SIGREC_REQUIRE_ROOT_OR_SKIP();                                             \
    if (!std::filesystem::exists(::sigrec::testing::buildDir() + "/sigrec")) { \
      if (::sigrec::testing::bpfRequired()) FAIL() << "sigrec was not built";  \
      GTEST_SKIP() << "sigrec was not built";                                  \
    }                                                                          \
  } while (0)
