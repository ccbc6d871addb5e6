#include "record/probes.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>

#include "record/record_error.h"
#include "sigrec_bpf.skel.h"

namespace sigrec::record {
namespace {

bool gVerbose = false;
std::string gLastLibbpfError;

int libbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  char line[1024];
  std::vsnprintf(line, sizeof line, format, args);
  if (level == LIBBPF_WARN) gLastLibbpfError = line;
  if (gVerbose) std::fputs(line, stderr);
  return 0;
}

// sched_process_exit gained a `group_dead` argument in recent kernels; the
// tracepoint's BTF prototype tells whether this one has it.
bool exitTracepointHasGroupDead() {
  struct btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return false;
  bool has = false;
  int id = btf__find_by_name_kind(vmlinux, "btf_trace_sched_process_exit", BTF_KIND_TYPEDEF);
  if (id > 0) {
    const struct btf_type* t = btf__type_by_id(vmlinux, id);
    t = btf__type_by_id(vmlinux, t->type);  // pointer
    if (t && btf_is_ptr(t)) t = btf__type_by_id(vmlinux, t->type);
    has = t && btf_is_func_proto(t) && btf_vlen(t) >= 3;
  }
  btf__free(vmlinux);
  return has;
}

// Per-thread in-call state in task storage needs the map type and its
// helper in tracing programs (both v5.11).
bool taskStorageWorks() {
  return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, nullptr) > 0 &&
         libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_storage_get, nullptr) > 0;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

void Probes::Destroy::operator()(sigrec_bpf* skel) const {
  sigrec_bpf__destroy(skel);
}

Probes::Probes(const ProbeSettings& settings) {
  gVerbose = settings.verbose;
  libbpf_set_print(libbpfPrint);

  skel_.reset(sigrec_bpf__open());
  if (!skel_) throw RecordError(std::string("cannot open BPF object: ") + std::strerror(errno));
  auto* ro = skel_->rodata;
  ro->cfg_signal_mask = settings.signalMask;
  ro->cfg_filter_pid = settings.filterPid;
  ro->cfg_filter_cgroup = settings.filterCgroupId;
  ro->cfg_threads = settings.threads;
  ro->cfg_exit_has_group_dead = exitTracepointHasGroupDead();
  bpf_map__set_max_entries(skel_->maps.events, settings.ringBufferBytes);
  // Only the in-call map the programs use is created; the other one's uses
  // are dead code to the verifier (cfg_task_storage is a load-time constant).
  ro->cfg_task_storage = !settings.hashInflight && taskStorageWorks();
  bpf_map__set_autocreate(ro->cfg_task_storage ? skel_->maps.inflight : skel_->maps.inflight_task,
                          false);

  if (int err = sigrec_bpf__load(skel_.get())) {
    throw RecordError("cannot load BPF programs (" + std::string(std::strerror(-err)) +
                      "): " + trimmed(gLastLibbpfError) + " (rerun with --verbose for details)");
  }
  if (int err = sigrec_bpf__attach(skel_.get())) {
    throw RecordError("cannot attach BPF programs (" + std::string(std::strerror(-err)) +
                      "): " + trimmed(gLastLibbpfError));
  }
  cpus_ = libbpf_num_possible_cpus();
}

Probes::~Probes() = default;

int Probes::ringBufferFd() const {
  return bpf_map__fd(skel_->maps.events);
}

std::vector<sr_counters> Probes::readCounters() const {
  std::vector<sr_counters> perCpu(static_cast<size_t>(cpus_ > 0 ? cpus_ : 1));
  uint32_t zero = 0;
  if (bpf_map__lookup_elem(skel_->maps.counters, &zero, sizeof zero, perCpu.data(),
                           perCpu.size() * sizeof(sr_counters), 0) != 0) {
    return {};
  }
  return perCpu;
}

void Probes::detach() {
  sigrec_bpf__detach(skel_.get());
}

}  // namespace sigrec::record
