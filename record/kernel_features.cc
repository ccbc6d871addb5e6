#include "record/kernel_features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>

#include "record/record_error.h"

namespace sigrec::record {
namespace {

struct BtfFree {
  void operator()(struct btf* btf) const { btf__free(btf); }
};
using Btf = std::unique_ptr<struct btf, BtfFree>;

// sched_process_exit gained a `group_dead` argument in recent kernels (not
// in 6.1 nor 6.12); the tracepoint's BTF prototype tells whether this one
// has it.
bool exitTracepointHasGroupDead(const struct btf* vmlinux) {
  int id = btf__find_by_name_kind(vmlinux, "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF);
  if (id <= 0) return false;
  const struct btf_type* t = btf__type_by_id(vmlinux, btf__type_by_id(vmlinux, id)->type);
  if (t && btf_is_ptr(t)) t = btf__type_by_id(vmlinux, t->type);
  return t && btf_is_func_proto(t) && btf_vlen(t) >= 3;
}

// Per-thread in-call state in task storage needs the map type and its
// helper in tracing programs (both v5.11).
bool taskStorageWorks() {
  return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) > 0 &&
         libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_storage_get, nullptr) > 0;
}

std::set<std::string> forcedFallbacks() {
  std::set<std::string> names;
  const char* env = std::getenv("SIGREC_FORCE_FALLBACK");
  std::istringstream list(env ? env : "");
  for (std::string name; std::getline(list, name, ',');) names.insert(name);
  return names;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> KernelFeatures::describe() const {
  return {
      {"inflight_state", inflight == InflightState::kTaskStorage ? "task_storage" : "hash"},
      {"exit_group_dead",
       exitGroupDead == ExitGroupDead::kTracepointArgument ? "tracepoint" : "claim"},
      {"current_task", currentTaskBtf ? "btf" : "probe_read"},
      {"kill_calls", "syscall_tracepoints"},
      {"tracefs", tracefs},
  };
}

KernelFeatures probeKernelFeatures(std::string tracefs) {
  if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) <= 0) {
    throw RecordError("this kernel has no BPF ring buffer: sigrec needs Linux 5.8 or newer");
  }
  Btf vmlinux(btf__load_vmlinux_btf());
  if (!vmlinux) {
    throw RecordError("cannot read the kernel's BTF (/sys/kernel/btf/vmlinux)");
  }
  const auto forced = forcedFallbacks();
  auto allowed = [&](const char* name) { return !forced.count(name); };

  KernelFeatures f;
  f.tracefs = std::move(tracefs);
  if (allowed("inflight_state") && taskStorageWorks()) f.inflight = InflightState::kTaskStorage;
  if (allowed("exit_group_dead") && exitTracepointHasGroupDead(vmlinux.get())) {
    f.exitGroupDead = ExitGroupDead::kTracepointArgument;
  }
  f.currentTaskBtf =
      allowed("current_task") &&
      libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_get_current_task_btf, nullptr) > 0;
  return f;
}

}  // namespace sigrec::record
