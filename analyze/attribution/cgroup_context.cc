#include "analyze/attribution/cgroup_context.h"

#include <algorithm>
#include <vector>

namespace sigrec::analyze {
namespace {

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool isContainerId(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// "docker-<id>.scope" and its kin (systemd cgroup driver), or a bare id
// under /docker/ or a pod (cgroupfs driver).
std::string containerIdOf(std::string_view part, std::string_view parent) {
  static constexpr std::string_view kPrefixes[] = {"docker-", "cri-containerd-", "crio-",
                                                   "libpod-"};
  if (part.ends_with(".scope")) {
    std::string_view stem = part.substr(0, part.size() - 6);
    for (std::string_view prefix : kPrefixes)
      if (stem.starts_with(prefix) && isContainerId(stem.substr(prefix.size())))
        return std::string(stem.substr(prefix.size()));
  }
  if (isContainerId(part) && (parent == "docker" || parent.starts_with("pod")))
    return std::string(part);
  return {};
}

// "pod<uid>" (cgroupfs) or "kubepods-burstable-pod<uid_with_underscores>.slice".
std::string podUidOf(std::string_view part) {
  if (part.ends_with(".slice")) part = part.substr(0, part.size() - 6);
  size_t pod = part.rfind("pod");
  if (pod == std::string_view::npos || (pod != 0 && part[pod - 1] != '-')) return {};
  std::string uid(part.substr(pod + 3));
  if (uid.size() != 36) return {};
  std::replace(uid.begin(), uid.end(), '_', '-');
  return uid;
}

}  // namespace

CgroupContext cgroupContext(std::string_view path) {
  CgroupContext c;
  std::string_view parent;
  for (std::string_view part : components(path)) {
    if (part.ends_with(".slice")) c.slice = part;
    if (part.ends_with(".service") || part.ends_with(".scope")) c.unit = part;
    if (auto id = containerIdOf(part, parent); !id.empty()) c.containerId = id;
    if (auto uid = podUidOf(part); !uid.empty()) c.podUid = uid;
    parent = part;
  }
  return c;
}

}  // namespace sigrec::analyze
