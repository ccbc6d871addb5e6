// What a cgroup path says about the workload in it (docs/sigan.md,
// "Containers and units"): the systemd unit and slice, the container id
// and the Kubernetes pod, as systemd, Docker, containerd, CRI-O, podman and
// the kubelet (both cgroup drivers) name their cgroups.
#pragma once

#include <string>
#include <string_view>

namespace sigrec::analyze {

struct CgroupContext {
  std::string unit;         // innermost *.service or *.scope, e.g. nginx.service
  std::string slice;        // innermost *.slice
  std::string containerId;  // the full 64-hex id
  std::string podUid;       // with dashes, as the API shows it
};

CgroupContext cgroupContext(std::string_view path);

}  // namespace sigrec::analyze
