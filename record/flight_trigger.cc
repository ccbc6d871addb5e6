#include "record/flight_trigger.h"

#include <sstream>
#include <stdexcept>

#include "base/names.h"

namespace sigrec::record {
namespace {

constexpr const char* kSyntax = "(death, death:comm=NAME,signal=SIG,cgroup=PATH,unit=NAME, or oom)";

[[noreturn]] void refuse(const std::string& text, const std::string& why) {
  throw std::runtime_error("--trigger-on '" + text + "': " + why + " " + kSyntax);
}

// "/sys/fs/cgroup/a/b/" (or under /sys/fs/cgroup/unified, a hybrid
// hierarchy's cgroup v2) and "a/b" all mean "/a/b", as /proc/PID/cgroup
// spells it.
std::string normalCgroup(std::string path) {
  for (std::string mount : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    if (path.rfind(mount, 0) == 0 && (path.size() == mount.size() || path[mount.size()] == '/')) {
      path.erase(0, mount.size());
      break;
    }
  }
  if (path.empty() || path.front() != '/') path = "/" + path;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

void setKey(const std::string& text, const std::string& item, DeathFilter& f) {
  const size_t eq = item.find('=');
  if (eq == std::string::npos || eq + 1 == item.size())
    refuse(text, "'" + item + "' is not KEY=VALUE");
  const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
  if (key == "comm") {
    // The kernel keeps 15 bytes of a name: a longer filter could never match.
    if (value.size() > 15) refuse(text, "comm is at most 15 characters, as the kernel keeps it");
    f.comm = value;
  } else if (key == "signal") {
    auto sig = names::parseSignal(value);
    if (!sig || *sig < 1 || *sig > 64) refuse(text, "'" + value + "' is not a signal");
    f.signal = *sig;
  } else if (key == "cgroup") {
    f.cgroup = normalCgroup(value);
  } else if (key == "unit") {
    if (value.find('/') != std::string::npos) refuse(text, "a unit is one name, without '/'");
    f.unit = value;
  } else {
    refuse(text, "unknown key '" + key + "'");
  }
}

}  // namespace

void parseTrigger(const std::string& text, FlightTriggers& triggers) {
  if (text == "oom") {
    triggers.oom = true;
    return;
  }
  if (text == "death") {
    triggers.deaths.emplace_back();
    return;
  }
  if (text.rfind("death:", 0) != 0) refuse(text, "unknown trigger");
  DeathFilter filter;
  std::stringstream in(text.substr(6));
  std::string item;
  while (std::getline(in, item, ',')) setKey(text, item, filter);
  if (!filter.comm && !filter.signal && !filter.cgroup && !filter.unit)
    refuse(text, "empty filter");
  triggers.deaths.push_back(filter);
}

bool cgroupMatches(const DeathFilter& f, const std::string& path) {
  if (f.cgroup &&
      !(path == *f.cgroup || *f.cgroup == "/" || (path.rfind(*f.cgroup + "/", 0) == 0))) {
    return false;
  }
  if (f.unit) {
    std::stringstream in(path);
    std::string part;
    bool found = false;
    while (std::getline(in, part, '/')) found = found || part == *f.unit;
    if (!found) return false;
  }
  return true;
}

}  // namespace sigrec::record
