#include "analyze/store/parameter.h"

#include <stdexcept>
#include <string>

namespace sigrec::analyze::store {

ParameterIndex::ParameterIndex(sqlite3_stmt* stmt) {
  const int count = sqlite3_bind_parameter_count(stmt);
  size_t size = 4;
  while (size < 2 * static_cast<size_t>(count)) size *= 2;
  for (int position = 1; position <= count; ++position) {
    const char* text = sqlite3_bind_parameter_name(stmt, position);
    if (text == nullptr || text[0] != ':') continue;  // positional: bound by number
    if (slots_.empty()) {
      slots_.resize(size);
      mask_ = size - 1;
    }
    std::string_view name(text + 1);
    const uint64_t hash = parameterHash(name);
    size_t i = hash & mask_;
    while (slots_[i].position != 0) {
      if (slots_[i].hash == hash)
        throw std::logic_error("parameters :" + std::string(slots_[i].name) +
                               " and :" + std::string(name) + " have the same hash");
      i = (i + 1) & mask_;
    }
    slots_[i] = {hash, name, position};
  }
}

void ParameterIndex::unknown(ParameterKey key) {
  throw std::logic_error("the statement has no parameter :" + std::string(key.name));
}

}  // namespace sigrec::analyze::store
