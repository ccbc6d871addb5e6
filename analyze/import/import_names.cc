#include "analyze/import/import_names.h"

#include <nlohmann/json.hpp>

namespace sigrec::analyze {

std::string joinArgs(capnp::List<capnp::Text>::Reader list) {
  std::string out;
  for (auto arg : list) {
    if (!out.empty()) out += ' ';
    out += arg.cStr();
  }
  return out;
}

std::string argsJson(capnp::List<capnp::Text>::Reader list) {
  nlohmann::json array = nlohmann::json::array();
  for (auto arg : list) array.push_back(std::string(arg.cStr()));
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string featuresJson(capnp::List<schema::KernelFeature>::Reader list) {
  nlohmann::json object = nlohmann::json::object();
  for (auto f : list) object[std::string(f.getName().cStr())] = std::string(f.getValue().cStr());
  return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sigrec::analyze
