// Where the built programs and the source tree are, for tests that run them.
#pragma once

#include <cstdlib>
#include <string>

namespace sigrec::testing {

inline std::string buildDir() {
  const char* dir = std::getenv("SIGREC_BUILD_DIR");
  return dir ? dir : ".";
}

inline std::string sourceDir() {
  const char* dir = std::getenv("SIGREC_SOURCE_DIR");
  return dir ? dir : "..";
}

}  // namespace sigrec::testing
