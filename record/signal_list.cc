#include "record/signal_list.h"

#include <signal.h>
#include <string.h>

#include <sstream>
#include <stdexcept>

namespace sigrec::record {
namespace {

int signalNumber(std::string name) {
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name[0]))) {
    size_t used = 0;
    int n = std::stoi(name, &used);
    return used == name.size() && n >= 1 && n <= 64 ? n : -1;
  }
  for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name.rfind("SIG", 0) == 0) name = name.substr(3);
  for (int n = 1; n < 65; ++n) {
    const char* abbrev = sigabbrev_np(n);
    if (abbrev && name == abbrev) return n;
  }
  if (name.rfind("RTMIN+", 0) == 0) return SIGRTMIN + std::stoi(name.substr(6));
  if (name == "RTMIN") return SIGRTMIN;
  if (name == "RTMAX") return SIGRTMAX;
  return -1;
}

}  // namespace

uint64_t parseSignalList(const std::string& list) {
  uint64_t mask = 0;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    int n = -1;
    try {
      n = signalNumber(item);
    } catch (const std::exception&) {
    }
    if (n < 1 || n > 64) throw std::runtime_error("--signal: '" + item + "' is not a signal");
    mask |= 1ULL << (n - 1);
  }
  if (mask == 0) throw std::runtime_error("--signal: empty signal list");
  return mask;
}

}  // namespace sigrec::record
