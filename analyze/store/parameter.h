// Statement parameters named in the SQL (":time_ns") and bound by name.
// The name is hashed at compile time ("time_ns"_col), and each prepared
// statement maps its parameters' hashes to their positions once, so that
// binding by name costs the import's hot path no more than binding by
// position did; a name the statement does not have is a programming error
// (std::logic_error), caught by the first test that runs the statement.
// Lookups compare the 64-bit hashes only (comparing the names too cost the
// import 1-2 % of its CPU): two parameters of one statement with the same
// hash are refused when it is prepared, and a wrong name that hashes like a
// right one is a 2^-64 chance.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sigrec::analyze::store {

struct ParameterKey {
  uint64_t hash;
  std::string_view name;
};

// TEXT, or NULL for "": for columns where an empty text means unknown
// (stmt.bind("unit"_col, orNull(unit))).
inline std::optional<std::string_view> orNull(std::string_view text) {
  return text.empty() ? std::nullopt : std::optional<std::string_view>(text);
}

// FNV-1a: the same function at compile time (keys) and at prepare time
// (the statement's parameter names).
constexpr uint64_t parameterHash(std::string_view name) {
  uint64_t h = 14695981039346656037ull;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

// A statement's named parameters: hash -> 1-based position.
class ParameterIndex {
 public:
  ParameterIndex() = default;
  explicit ParameterIndex(sqlite3_stmt* stmt);

  int at(ParameterKey key) const {
    if (!slots_.empty()) {
      for (size_t i = key.hash & mask_;; i = (i + 1) & mask_) {
        const Slot& slot = slots_[i];
        if (slot.position == 0) break;
        if (slot.hash == key.hash) return slot.position;
      }
    }
    unknown(key);
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    std::string_view name;  // sqlite3_bind_parameter_name's text, after the ':'
    int position = 0;       // 0: empty slot
  };
  [[noreturn]] static void unknown(ParameterKey key);

  std::vector<Slot> slots_;  // open addressing, at most half full
  size_t mask_ = 0;
};

}  // namespace sigrec::analyze::store

namespace sigrec::analyze {

// "time_ns"_col: the parameter :time_ns of a statement.
consteval store::ParameterKey operator""_col(const char* name, size_t size) {
  return {store::parameterHash({name, size}), {name, size}};
}

}  // namespace sigrec::analyze
