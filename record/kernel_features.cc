#include "record/kernel_features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <array>
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

// Whether the kernel's BPF helper list has NAME (e.g. "BPF_FUNC_task_pt_regs",
// v5.15): the enum bpf_func_id of its BTF.
bool kernelHasHelper(const struct btf* vmlinux, std::string_view name) {
  int id = btf__find_by_name_kind(vmlinux, "bpf_func_id", BTF_KIND_ENUM);
  if (id <= 0) return false;
  const struct btf_type* t = btf__type_by_id(vmlinux, id);
  const struct btf_enum* e = btf_enum(t);
  for (int i = 0; i < btf_vlen(t); ++i, ++e) {
    if (name == btf__name_by_offset(vmlinux, e->name_off)) return true;
  }
  return false;
}

// Whether an fexit program loads and attaches on FUNCTION: kernels built
// without the BPF trampoline, or that lock it down (this development
// kernel refuses the load with EPERM, even for root), make sigrec fall back
// to the syscall tracepoints. The trial program returns at once.
bool fexitAttaches(const struct btf* vmlinux, const char* function) {
  const int btfId = btf__find_by_name_kind(vmlinux, function, BTF_KIND_FUNC);
  if (btfId <= 0) return false;
  const std::array<bpf_insn, 2> program{{
      {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .src_reg = 0, .off = 0, .imm = 0},
      {.code = BPF_JMP | BPF_EXIT, .dst_reg = 0, .src_reg = 0, .off = 0, .imm = 0},
  }};
  LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FEXIT,
              .attach_btf_id = static_cast<__u32>(btfId));
  const int prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "sigrec_probe", "GPL", program.data(),
                                 program.size(), &opts);
  if (prog < 0) return false;
  const int link = bpf_raw_tracepoint_open(nullptr, prog);
  if (link >= 0) ::close(link);
  ::close(prog);
  return link >= 0;
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
      {"kill_calls", killCalls == KillCalls::kFexit                ? "fexit"
                     : killCalls == KillCalls::kSyscallTracepoints ? "syscall_tracepoints"
                                                                   : "none"},
      {"tracefs", tracefs},
  };
}

namespace {

// Both fexit and the no-hook mode read a call from current's saved
// registers at signal_generate (bpf_task_pt_regs(), v5.15, on the BTF task
// of bpf_get_current_task_btf()).
bool registersReadable(const KernelFeatures& f, const struct btf* vmlinux) {
  return f.currentTaskBtf && kernelHasHelper(vmlinux, "BPF_FUNC_task_pt_regs");
}

void chooseKillCalls(KernelFeatures& f, const struct btf* vmlinux, bool allowed,
                     bool noSyscallHooks) {
  const bool registers = registersReadable(f, vmlinux);
  if (noSyscallHooks) {
    if (!registers) {
      throw RecordError(
          "--no-syscall-hooks needs Linux 5.15 or newer (bpf_task_pt_regs), to read a call "
          "from the sender's registers; drop the option to hook the syscalls");
    }
    f.killCalls = KillCalls::kNone;
  } else if (allowed && registers && fexitAttaches(vmlinux, "__x64_sys_kill")) {
    f.killCalls = KillCalls::kFexit;
  }
}

}  // namespace

KernelFeatures probeKernelFeatures(std::string tracefs, bool noSyscallHooks) {
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
  chooseKillCalls(f, vmlinux.get(), allowed("kill_calls"),
                  noSyscallHooks || !allowed("syscall_hooks"));
  return f;
}

}  // namespace sigrec::record
