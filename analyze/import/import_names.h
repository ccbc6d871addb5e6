// Argument lists as the import stores them, and a cache of the names it
// binds millions of times (docs/schema.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "schema/capture.capnp.h"
#include "schema/enum_names.h"
#include "base/names.h"

namespace sigrec::analyze {

// argv as one space-separated line, and as a JSON array.
std::string joinArgs(capnp::List<capnp::Text>::Reader list);
std::string argsJson(capnp::List<capnp::Text>::Reader list);
// CaptureInfo.kernelFeatures as a JSON object of name: value.
std::string featuresJson(capnp::List<schema::KernelFeature>::Reader list);

// names:: returns fresh strings; the import binds the same few names millions
// of times. Cached per value (bounded: a hostile capture can hold any int).
class NameCache {
 public:
  const std::string& signal(int signo) {
    return get(signals_, signo, [](int64_t v) { return names::signalName(static_cast<int>(v)); });
  }
  const std::string& code(int signo, int code) {
    int64_t key = static_cast<int64_t>(signo) << 32 | static_cast<uint32_t>(code);
    return get(codes_, key, [](int64_t k) {
      return names::siCodeName(static_cast<int>(k >> 32), static_cast<int32_t>(k & 0xffffffff));
    });
  }
  const std::string& errnoName(int err) {
    return get(errnos_, err, [](int64_t v) { return names::errnoName(static_cast<int>(v)); });
  }
  const std::string& result(int result) {
    return get(results_, result,
               [](int64_t v) { return names::generateResultName(static_cast<int>(v)); });
  }

 private:
  template <typename F>
  const std::string& get(std::unordered_map<int64_t, std::string>& cache, int64_t key, F make) {
    auto found = cache.find(key);
    if (found != cache.end()) return found->second;
    if (cache.size() < 4096) return cache.emplace(key, make(key)).first->second;
    // Past the cap: a small ring, enough for the names bound into one row.
    std::string& slot = overflow_[next_++ % overflow_.size()];
    slot = make(key);
    return slot;
  }
  std::unordered_map<int64_t, std::string> signals_, codes_, errnos_, results_;
  std::array<std::string, 8> overflow_;
  size_t next_ = 0;
};

}  // namespace sigrec::analyze
