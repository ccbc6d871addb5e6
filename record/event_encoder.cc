#include "record/event_encoder.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "bpf/events.h"
#include "record/kernel_enums.h"

namespace sigrec::record {
namespace {

std::string_view fixedString(const char* chars, size_t max) {
  return {chars, strnlen(chars, max)};
}

template <typename T>
bool load(const void* data, size_t size, T* out) {
  if (size < sizeof(T)) return false;
  std::memcpy(out, data, sizeof(T));
  return true;
}

// Signal records without a kernel stack end before it (bpf/events.h).
constexpr size_t kGenerateShort = offsetof(sr_signal_generate, stack);

bool isFaultSignal(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP;
}

void setHeader(const sr_header& h, schema::Event::Builder e) {
  e.setTimeNs(h.ts_ns);
  e.setCpu(h.cpu);
  e.setPid(h.pid);
  e.setTid(h.tid);
  e.setStartNs(h.start_ns);
  e.setUid(h.uid);
  auto comm = fixedString(h.comm, sizeof h.comm);
  e.setComm(capnp::Text::Reader(comm.data(), comm.size()));
}

// The siginfo union is read raw in the kernel; which member is live depends
// on the signal and si_code (x86_64 layout: pid/tid/addr at 0, uid/overrun
// at 4, status at 8).
void setSiginfo(const sr_signal_generate& s, schema::Event::SignalGenerate::Builder g) {
  int32_t first;
  uint32_t second;
  int32_t third;
  uint64_t addr;
  std::memcpy(&first, s.sifields, 4);
  std::memcpy(&second, s.sifields + 4, 4);
  std::memcpy(&third, s.sifields + 8, 4);
  std::memcpy(&addr, s.sifields, 8);
  if (s.info_kind != SR_INFO_STRUCT) return;
  if (isFaultSignal(s.sig) && s.code > 0) {
    g.setInfoAddr(addr);
    return;
  }
  if (s.sig == SIGSYS && s.code > 0) {  // _sigsys: call address, syscall, arch
    uint32_t arch;
    std::memcpy(&arch, s.sifields + 12, 4);
    g.setInfoAddr(addr);
    g.setInfoSyscall(third);
    g.setInfoArch(arch);
    return;
  }
  g.setInfoPid(first);
  g.setInfoUid(second);
  if (s.sig == SIGCHLD) g.setInfoStatus(third);
}

void setCauseFacts(const sr_signal_generate& s, size_t size,
                   schema::Event::SignalGenerate::Builder g, EncodeContext& context) {
  g.setActorFactsSkipped(!(s.cur_flags & SR_CUR_FACTS_READ));
  g.setActorExiting(s.cur_flags & SR_CUR_EXITING);
  g.setActorNsInit(s.cur_flags & SR_CUR_NS_INIT);
  g.setTargetPdeath(s.cur_flags & SR_TARGET_PDEATH);
  g.setActorSyscall(s.cur_flags & SR_CUR_SYSCALL_KNOWN ? s.cur_syscall : -2);
  g.setActorNsPid(s.cur_ns_pid);
  g.setActorCgroupId(s.cur_cgroup);
  g.setActorCgroup(context.cgroupPath(s.cur_cgroup));
  g.setTargetCgroup(context.cgroupPath(s.target_cgroup));
  if (s.target_mem_cgroup) g.setTargetMemoryCgroup(context.memoryCgroupPath(s.target_mem_cgroup));
  if (size < sizeof(sr_signal_generate)) return;
  const std::vector<uint64_t> addrs(s.stack, s.stack + std::min<size_t>(s.stack_len, SR_STACK_MAX));
  auto frames = context.stack(addrs.data(), addrs.size());
  auto list = g.initKernelStack(static_cast<unsigned>(frames.size()));
  for (unsigned i = 0; i < frames.size(); ++i) list.set(i, frames[i]);
}

bool encodeGenerate(const void* data, size_t size, schema::Event::Builder e,
                    EncodeContext& context) {
  sr_signal_generate s{};
  if (size < kGenerateShort) return false;
  std::memcpy(&s, data, std::min(size, sizeof s));
  setHeader(s.h, e);
  auto g = e.initSignalGenerate();
  g.setSignal(s.sig);
  g.setCode(s.code);
  g.setGroup(s.group != 0);
  g.setResult(s.result);
  g.setTargetPid(s.target.pid);
  g.setTargetTid(s.target.tid);
  g.setTargetStartNs(s.target.start_ns);
  auto comm = fixedString(s.target_comm, sizeof s.target_comm);
  g.setTargetComm(capnp::Text::Reader(comm.data(), comm.size()));
  g.setTargetCgroupId(s.target_cgroup);
  g.setSyscall(syscallToFormat(s.call_nr));
  g.setCallEnterNs(s.call_enter_ns);
  g.setInfoKind(infoKindToFormat(s.info_kind));
  setSiginfo(s, g);
  setCauseFacts(s, size, g, context);
  return true;
}

bool encodeDeliver(const void* data, size_t size, schema::Event::Builder e) {
  sr_signal_deliver s;
  if (!load(data, size, &s)) return false;
  setHeader(s.h, e);
  auto d = e.initSignalDeliver();
  d.setSignal(s.sig);
  d.setCode(s.code);
  d.setDisposition(dispositionToFormat(s.disposition));
  d.setSaFlags(s.sa_flags);
  d.setInfoKind(infoKindToFormat(s.info_kind));
  return true;
}

// The tracepoint hands over raw 64-bit registers; an int argument such as
// kill(-4242, ...) may arrive zero-extended. Store each argument as its C
// type: int (pids, signals, the pidfd), unsigned int (flags) or a pointer.
void setCallArgs(const sr_kill_call& s, schema::Event::KillCall::Builder k) {
  enum Kind { kInt, kUint, kPointer, kUnused };
  static constexpr Kind kArgs[7][4] = {
      {kUnused, kUnused, kUnused, kUnused},  // none
      {kInt, kInt, kUnused, kUnused},        // kill(pid, sig)
      {kInt, kInt, kUnused, kUnused},        // tkill(tid, sig)
      {kInt, kInt, kInt, kUnused},           // tgkill(tgid, tid, sig)
      {kInt, kInt, kPointer, kUint},         // pidfd_send_signal(pidfd, sig, info, flags)
      {kInt, kInt, kPointer, kUnused},       // rt_sigqueueinfo(tgid, sig, info)
      {kInt, kInt, kInt, kPointer},          // rt_tgsigqueueinfo(tgid, tid, sig, info)
  };
  const auto& kinds = kArgs[s.nr < 7 ? s.nr : 0];
  int64_t args[4];
  for (int i = 0; i < 4; ++i) {
    auto raw = static_cast<uint64_t>(s.args[i]);
    args[i] = kinds[i] == kInt      ? static_cast<int32_t>(raw)
              : kinds[i] == kUint   ? static_cast<uint32_t>(raw)
              : kinds[i] == kUnused ? 0
                                    : static_cast<int64_t>(raw);
  }
  k.setArg0(args[0]);
  k.setArg1(args[1]);
  k.setArg2(args[2]);
  k.setArg3(args[3]);
}

bool encodeKillCall(const void* data, size_t size, schema::Event::Builder e) {
  sr_kill_call s;
  if (!load(data, size, &s)) return false;
  setHeader(s.h, e);
  auto k = e.initKillCall();
  k.setSyscall(syscallToFormat(s.nr));
  k.setEnterNs(s.enter_ns);
  k.setRet(s.ret);
  setCallArgs(s, k);
  k.setSignals(s.signals);
  k.setNoReturn(s.flags & SR_KILL_NO_RETURN);
  return true;
}

bool encodeFork(const void* data, size_t size, schema::Event::Builder e, EncodeContext& context) {
  sr_fork s;
  if (!load(data, size, &s)) return false;
  setHeader(s.h, e);
  auto f = e.initFork();
  f.setChildPid(s.child.pid);
  f.setChildTid(s.child.tid);
  f.setChildStartNs(s.child.start_ns);
  f.setThread(s.flags & SR_FORK_THREAD);
  f.setChildNsPid(s.child_ns_pid);
  f.setChildNsTid(s.child_ns_tid);
  f.setPidNs(s.pid_ns);
  f.setChildCgroupId(s.child_cgroup);
  f.setChildCgroup(context.cgroupPath(s.child_cgroup));
  return true;
}

// exec records arrive at their used size: the fixed part, then the
// filename and the NUL-separated argv.
bool encodeExec(const void* data, size_t size, schema::Event::Builder e, EncodeContext& context) {
  constexpr size_t kFixed = offsetof(sr_exec, data);
  if (size < kFixed) return false;
  sr_exec s;
  std::memcpy(&s, data, kFixed);
  if (kFixed + s.filename_len + s.args_len > size) return false;
  const char* bytes = static_cast<const char*>(data) + kFixed;
  setHeader(s.h, e);
  auto x = e.initExec();
  auto name = fixedString(bytes, s.filename_len);
  x.setFilename(capnp::Text::Reader(name.data(), name.size()));
  std::string_view args(bytes + s.filename_len, s.args_len);
  while (!args.empty() && args.back() == '\0') args.remove_suffix(1);
  std::vector<std::string> words;
  while (!args.empty()) {
    size_t end = std::min(args.find('\0'), args.size());
    words.emplace_back(args.substr(0, end));
    args.remove_prefix(std::min(end + 1, args.size()));
  }
  redactArgv(words, context.redaction());
  auto argv = x.initArgv(static_cast<unsigned>(words.size()));
  for (unsigned i = 0; i < words.size(); ++i) argv.set(i, words[i]);
  x.setOldTid(s.old_tid);
  x.setArgsTruncated(s.flags & SR_EXEC_ARGS_TRUNCATED);
  x.setFilenameTruncated(s.flags & SR_EXEC_FILENAME_TRUNCATED);
  x.setArgsUnreadable(s.flags & SR_EXEC_ARGS_UNREADABLE);
  x.setCgroupId(s.cgroup);
  x.setCgroup(context.cgroupPath(s.cgroup));
  return true;
}

bool encodeExit(const void* data, size_t size, schema::Event::Builder e) {
  sr_exit s;
  if (!load(data, size, &s)) return false;
  setHeader(s.h, e);
  auto x = e.initExit();
  x.setExitCode(s.exit_code);
  x.setGroupDead(s.group_dead != 0);
  x.setParentPid(s.parent.pid);
  x.setParentStartNs(s.parent.start_ns);
  return true;
}

bool encodeOom(const void* data, size_t size, schema::Event::Builder e) {
  sr_oom_victim s;
  if (!load(data, size, &s)) return false;
  setHeader(s.h, e);
  auto o = e.initOomVictim();
  o.setVictimPid(s.victim_pid);
  o.setVictimUid(s.victim_uid);
  o.setTotalVmKb(s.total_vm_kb);
  o.setAnonRssKb(s.anon_rss_kb);
  o.setFileRssKb(s.file_rss_kb);
  o.setShmemRssKb(s.shmem_rss_kb);
  o.setPgtablesKb(s.pgtables_kb);
  o.setOomScoreAdj(s.oom_score_adj);
  return true;
}

}  // namespace

CgroupResolver& EncodeContext::cgroups() {
  if (!cgroups_) cgroups_.emplace();
  return *cgroups_;
}

const std::string& EncodeContext::cgroupPath(uint64_t id) {
  static const std::string kNone;
  return resolveNames_ ? cgroups().v2Path(id) : kNone;
}

const std::string& EncodeContext::memoryCgroupPath(uint64_t id) {
  static const std::string kNone;
  return resolveNames_ ? cgroups().memoryPath(id) : kNone;
}

std::vector<std::string> EncodeContext::stack(const uint64_t* addrs, size_t count) {
  if (!resolveNames_ || count == 0) return {};
  if (!symbols_) symbols_ = KernelSymbols::load();
  return symbols_->frames(addrs, count);
}

bool isWholeRecord(const void* data, size_t size) {
  sr_header h;
  if (!load(data, size, &h)) return false;
  switch (h.kind) {
    case SR_EV_SIGNAL_GENERATE:
      return size >= kGenerateShort;
    case SR_EV_SIGNAL_DELIVER:
      return size >= sizeof(sr_signal_deliver);
    case SR_EV_KILL_CALL:
      return size >= sizeof(sr_kill_call);
    case SR_EV_FORK:
      return size >= sizeof(sr_fork);
    case SR_EV_EXIT:
      return size >= sizeof(sr_exit);
    case SR_EV_OOM_VICTIM:
      return size >= sizeof(sr_oom_victim);
    case SR_EV_EXEC: {
      constexpr size_t kFixed = offsetof(sr_exec, data);
      if (size < kFixed) return false;
      sr_exec s;
      std::memcpy(&s, data, kFixed);
      return kFixed + s.filename_len + s.args_len <= size;
    }
    default:
      return false;
  }
}

void encodeEvent(const void* data, size_t size, schema::Event::Builder event,
                 EncodeContext& context) {
  sr_header h;
  load(data, size, &h);
  switch (h.kind) {
    case SR_EV_SIGNAL_GENERATE:
      encodeGenerate(data, size, event, context);
      break;
    case SR_EV_SIGNAL_DELIVER:
      encodeDeliver(data, size, event);
      break;
    case SR_EV_KILL_CALL:
      encodeKillCall(data, size, event);
      break;
    case SR_EV_FORK:
      encodeFork(data, size, event, context);
      break;
    case SR_EV_EXEC:
      encodeExec(data, size, event, context);
      break;
    case SR_EV_EXIT:
      encodeExit(data, size, event);
      break;
    case SR_EV_OOM_VICTIM:
      encodeOom(data, size, event);
      break;
  }
}

}  // namespace sigrec::record
