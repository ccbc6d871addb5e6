#include "record/probes.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "record/host_info.h"
#include "record/record_error.h"
#include "sigrec_bpf.skel.h"

namespace sigrec::record {
namespace {

bool gVerbose = false;

// libbpf hands a whole verifier log to one call: format it at its full
// length (a fixed line buffer cut it mid-line).
int libbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  if (!gVerbose || level == LIBBPF_DEBUG) return 0;
  va_list sizing;
  va_copy(sizing, args);
  const int length = std::vsnprintf(nullptr, 0, format, sizing);
  va_end(sizing);
  if (length <= 0) return 0;
  std::string text(static_cast<size_t>(length) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), format, args);
  text.pop_back();
  std::fputs(text.c_str(), stderr);
  return 0;
}

// The verifier writes its log here when a load fails (libbpf then retries
// with logging on). Large enough for any of our programs' logs on kernels
// that keep the start of a log that does not fit (before v6.4): the end
// holds the reason. Allocated untouched: pages are used only if written.
constexpr size_t kVerifierLogBytes = 16u << 20;

struct VerifierLog {
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kVerifierLogBytes);
  VerifierLog() { buffer[0] = '\0'; }

  // The last LINES non-empty lines, joined by " | ".
  std::string tail(int lines) const {
    std::string_view log(buffer.get(), ::strnlen(buffer.get(), kVerifierLogBytes));
    std::vector<std::string_view> kept;
    while (!log.empty() && static_cast<int>(kept.size()) < lines) {
      size_t end = log.find_last_not_of('\n');
      if (end == std::string_view::npos) break;
      log = log.substr(0, end + 1);
      size_t start = log.rfind('\n');
      start = start == std::string_view::npos ? 0 : start + 1;
      kept.insert(kept.begin(), log.substr(start));
      log = log.substr(0, start);
    }
    std::string out;
    for (auto line : kept) out += (out.empty() ? "" : " | ") + std::string(line);
    return out;
  }
};

sigrec_bpf* openSkeleton(const VerifierLog& log) {
  LIBBPF_OPTS(bpf_object_open_opts, opts, .kernel_log_buf = log.buffer.get(),
              .kernel_log_size = kVerifierLogBytes, .kernel_log_level = 0);
  sigrec_bpf* skel = sigrec_bpf__open_opts(&opts);
  if (!skel) throw RecordError(std::string("cannot open BPF object: ") + std::strerror(errno));
  return skel;
}

// The kill-family programs of each mechanism (bpf/kill_calls.h).
bool isTracepointCall(std::string_view program) {
  return program.starts_with("enter_") || program.starts_with("exit_");
}
bool isFexitCall(std::string_view program) {
  return program.starts_with("fexit_");
}
constexpr std::string_view kIa32Prefix = "fexit_ia32_";

// The i386 entry points are hooked only if the kernel has every one of them
// (IA32 emulation): a call whose exit is not hooked would leave its state
// behind. Their names are the programs' attach targets.
bool kernelHasIa32Calls(const bpf_object* obj) {
  std::unique_ptr<struct btf, decltype(&btf__free)> vmlinux(btf__load_vmlinux_btf(), btf__free);
  if (!vmlinux) return false;
  bpf_program* prog = nullptr;
  while ((prog = bpf_object__next_program(obj, prog))) {
    std::string_view section = bpf_program__section_name(prog);
    if (!std::string_view(bpf_program__name(prog)).starts_with(kIa32Prefix)) continue;
    std::string target(section.substr(section.find('/') + 1));
    if (btf__find_by_name_kind(vmlinux.get(), target.c_str(), BTF_KIND_FUNC) <= 0) return false;
  }
  return true;
}

// Loads only the programs of the chosen kill-call mechanism.
void configureKillCalls(sigrec_bpf* skel, KillCalls mechanism) {
  auto* ro = skel->rodata;
  ro->cfg_kill_calls = mechanism == KillCalls::kFexit  ? SR_CALLS_FEXIT
                       : mechanism == KillCalls::kNone ? SR_CALLS_NONE
                                                       : SR_CALLS_TRACEPOINTS;
  ro->cfg_ia32_calls = mechanism == KillCalls::kFexit && kernelHasIa32Calls(skel->obj);
  bpf_program* prog = nullptr;
  while ((prog = bpf_object__next_program(skel->obj, prog))) {
    std::string_view name = bpf_program__name(prog);
    if (isTracepointCall(name)) {
      bpf_program__set_autoload(prog, mechanism == KillCalls::kSyscallTracepoints);
    } else if (isFexitCall(name)) {
      bpf_program__set_autoload(prog, mechanism == KillCalls::kFexit &&
                                          (!name.starts_with(kIa32Prefix) || ro->cfg_ia32_calls));
    }
  }
}

void configure(sigrec_bpf* skel, const ProbeSettings& settings) {
  const KernelFeatures& f = settings.features;
  auto* ro = skel->rodata;
  ro->cfg_signal_mask = settings.signalMask;
  ro->cfg_filter_pid = settings.filterPid;
  ro->cfg_filter_cgroup = settings.filterCgroupId;
  ro->cfg_threads = settings.threads;
  ro->cfg_exit_has_group_dead = f.exitGroupDead == ExitGroupDead::kTracepointArgument;
  ro->cfg_task_storage = f.inflight == InflightState::kTaskStorage;
  ro->cfg_current_task_btf = f.currentTaskBtf;
  configureKillCalls(skel, f.killCalls);
  bpf_map__set_max_entries(skel->maps.events, settings.ringBufferBytes);
  // Only the maps the programs use are created; the others' uses are dead
  // code to the verifier (the cfg_* above are load-time constants).
  bpf_map__set_autocreate(ro->cfg_task_storage ? skel->maps.inflight : skel->maps.inflight_task,
                          false);
  if (ro->cfg_exit_has_group_dead) bpf_map__set_autocreate(skel->maps.exit_claims, false);
}

// What each program records, for messages and `--check`.
std::string whatItRecords(std::string_view program) {
  if (program == "on_signal_generate") return "signals generated";
  if (program == "on_signal_deliver") return "signal deliveries";
  if (program.starts_with(kIa32Prefix)) {
    return "i386 " + std::string(program.substr(kIa32Prefix.size())) + "() calls";
  }
  if (isTracepointCall(program) || isFexitCall(program)) {
    return std::string(program.substr(program.find('_') + 1)) + "() calls";
  }
  if (program == "on_fork") return "forks";
  if (program == "on_exec") return "execs";
  if (program == "on_exit") return "exits";
  if (program == "on_mark_victim") return "OOM victims";
  return std::string(program);
}

// When one program is refused, libbpf unloads every program of the object,
// the ones loaded before it too, so no descriptor tells which one it was
// (taking the first without one named fexit_kill for a refused
// on_signal_generate on Debian's 6.12). Loading each alone, as --check
// does, names every refused program; it runs only on this failure path.
std::string loadError(const ProbeSettings& settings, int err, const std::string& logTail) {
  std::vector<ProgramCheck> refused;
  for (ProgramCheck& check : Probes::checkEach(settings))
    if (!check.ok) refused.push_back(std::move(check));
  if (refused.empty()) {
    std::string message = "cannot load BPF programs (" + std::string(std::strerror(-err)) + ")";
    if (!logTail.empty()) message += ": " + logTail;
    return message + " (`sigrec -v` shows the whole log)";
  }
  const ProgramCheck& first = refused.front();
  std::string message =
      "cannot load BPF program " + first.name + " (" + first.records + "): " + first.error;
  if (refused.size() > 1) {
    message += "; " + std::to_string(refused.size() - 1) + " more refused:";
    for (size_t i = 1; i < refused.size(); ++i) message += " " + refused[i].name;
  }
  return message + " (`sigrec --check` tests every program, `-v` shows the whole log)";
}

}  // namespace

void Probes::Destroy::operator()(sigrec_bpf* skel) const {
  sigrec_bpf__destroy(skel);
}

Probes::Probes(const ProbeSettings& settings) {
  gVerbose = settings.verbose;
  libbpf_set_print(libbpfPrint);
  VerifierLog log;
  skel_.reset(openSkeleton(log));
  configure(skel_.get(), settings);
  if (int err = sigrec_bpf__load(skel_.get())) {
    throw RecordError(loadError(settings, err, log.tail(3)));
  }
  if (int err = sigrec_bpf__attach(skel_.get())) {
    throw RecordError("cannot attach BPF programs (" + std::string(std::strerror(-err)) +
                      ") (`sigrec --check` tests every program)");
  }
  cpus_ = libbpf_num_possible_cpus();
}

Probes::~Probes() = default;

int Probes::ringBufferFd() const {
  return bpf_map__fd(skel_->maps.events);
}

namespace {

// The probe whose events a program records, for its recursion misses.
int probeOf(std::string_view program) {
  if (program == "on_signal_generate") return SR_PROBE_SIGNAL_GENERATE;
  if (program == "on_signal_deliver") return SR_PROBE_SIGNAL_DELIVER;
  if (program == "on_fork") return SR_PROBE_FORK;
  if (program == "on_exec") return SR_PROBE_EXEC;
  if (program == "on_exit") return SR_PROBE_EXIT;
  if (program == "on_mark_victim") return SR_PROBE_OOM;
  return SR_PROBE_KILL_CALL;  // enter_*, exit_* and fexit_* of the kill-family calls
}

}  // namespace

std::vector<sr_counters> Probes::readCounters() {
  std::vector<sr_counters> perCpu(static_cast<size_t>(cpus_ > 0 ? cpus_ : 1) + 1);
  uint32_t zero = 0;
  if (bpf_map__lookup_elem(skel_->maps.counters, &zero, sizeof zero, perCpu.data(),
                           (perCpu.size() - 1) * sizeof(sr_counters), 0) != 0) {
    return {};
  }
  addRecursionMisses(perCpu.back());
  return perCpu;
}

// The kernel does not run a program that is already running on the CPU:
// a timer interrupt that sends a signal while on_signal_generate runs for
// another one (a kill storm next to timers) is not recorded, and the kernel
// only counts it, per program (v5.12+). Those counts are losses too; they
// go to an extra entry after the CPUs, as the kernel does not say on which
// CPU or when (docs/capture-format.md, "Loss accounting").
void Probes::addRecursionMisses(sr_counters& unknownCpu) {
  std::array<uint64_t, SR_PROBE_COUNT> misses{};
  bpf_program* prog = nullptr;
  while ((prog = bpf_object__next_program(skel_->obj, prog))) {
    bpf_prog_info info{};
    uint32_t length = sizeof info;
    if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &length) != 0) continue;
    misses[probeOf(bpf_program__name(prog))] += info.recursion_misses;
  }
  const uint64_t now = bootNowNs();
  for (int probe = 0; probe < SR_PROBE_COUNT; ++probe) {
    if (misses[probe] > misses_[probe]) missedAtNs_[probe] = now;
    misses_[probe] = misses[probe];
    unknownCpu.lost[probe] = misses[probe];
    unknownCpu.last_loss_ns[probe] = missedAtNs_[probe];
  }
}

void Probes::detach() {
  sigrec_bpf__detach(skel_.get());
}

namespace {

ProgramCheck checkOne(const ProbeSettings& settings, const std::string& name) {
  ProgramCheck check{name, whatItRecords(name), false, {}};
  VerifierLog log;
  std::unique_ptr<sigrec_bpf, Probes::Destroy> skel(openSkeleton(log));
  configure(skel.get(), settings);
  bpf_map__set_max_entries(skel->maps.events, 1u << 16);
  bpf_program* prog = nullptr;
  while ((prog = bpf_object__next_program(skel->obj, prog))) {
    bpf_program__set_autoload(prog, name == bpf_program__name(prog));
  }
  if (int err = sigrec_bpf__load(skel.get())) {
    check.error = std::string("refused (") + std::strerror(-err) + ")";
    if (std::string tail = log.tail(3); !tail.empty()) check.error += ": " + tail;
    return check;
  }
  bpf_link* link = bpf_program__attach(bpf_object__find_program_by_name(skel->obj, name.c_str()));
  if (!link) {
    check.error = std::string("loads, but cannot attach (") + std::strerror(errno) + ")";
    return check;
  }
  bpf_link__destroy(link);
  check.ok = true;
  return check;
}

}  // namespace

std::vector<ProgramCheck> Probes::checkEach(const ProbeSettings& settings) {
  gVerbose = settings.verbose;
  libbpf_set_print(libbpfPrint);
  std::vector<std::string> names;
  {
    VerifierLog log;
    std::unique_ptr<sigrec_bpf, Destroy> skel(openSkeleton(log));
    configure(skel.get(), settings);  // the programs this kernel's mechanisms use
    bpf_program* prog = nullptr;
    while ((prog = bpf_object__next_program(skel->obj, prog))) {
      if (bpf_program__autoload(prog)) names.emplace_back(bpf_program__name(prog));
    }
  }
  std::vector<ProgramCheck> checks;
  checks.reserve(names.size());
  for (const auto& name : names) checks.push_back(checkOne(settings, name));
  return checks;
}

}  // namespace sigrec::record
