#include "record/live_facts.h"

#include "base/kill_syscalls.h"
#include "base/names.h"

namespace sigrec::record {
namespace {

void addParty(LiveFacts& f, uint32_t pid, capnp::Text::Reader comm) {
  f.parties.at(f.partyCount++) = {pid, std::string_view(comm.cStr(), comm.size())};
}

LiveFacts signalFacts(schema::Event::Reader e) {
  auto g = e.getSignalGenerate();
  LiveFacts f{.kind = LiveKind::kSignal, .signal = g.getSignal()};
  f.origin = g.getSyscall() == schema::Syscall::NONE ? LiveOrigin::kKernel : LiveOrigin::kUser;
  if (f.origin == LiveOrigin::kUser) addParty(f, e.getPid(), e.getComm());
  addParty(f, g.getTargetPid(), g.getTargetComm());
  return f;
}

std::optional<LiveFacts> callFacts(schema::Event::Reader e) {
  auto k = e.getKillCall();
  if (k.getRet() >= 0 && k.getSignals() > 0) return std::nullopt;  // shown as its signals
  const CallTarget target = callTarget(k.getSyscall(), k.getArg0(), k.getArg1(), k.getArg2());
  LiveFacts f{.kind = LiveKind::kCall, .origin = LiveOrigin::kUser};
  f.signal = static_cast<int>(target.signal.value_or(0));
  f.probe = f.signal == 0 || k.getRet() >= 0;
  addParty(f, e.getPid(), e.getComm());
  if (target.pid && *target.pid > 0 && *target.pid <= UINT32_MAX) {
    f.parties.at(f.partyCount++) = {static_cast<uint32_t>(*target.pid), {}};
  }
  return f;
}

}  // namespace

CallTarget callTarget(schema::Syscall call, int64_t arg0, int64_t arg1, int64_t arg2) {
  KillTargetArgs args = killTargetArgs(static_cast<unsigned>(call), {arg0, arg1, arg2});
  return {args.signo, args.pid};
}

std::optional<LiveFacts> liveFacts(schema::Event::Reader e) {
  switch (e.which()) {
    case schema::Event::SIGNAL_GENERATE:
      return signalFacts(e);
    case schema::Event::KILL_CALL:
      return callFacts(e);
    case schema::Event::EXIT: {
      auto x = e.getExit();
      if (!x.getGroupDead() || x.getExitCode() == 0) return std::nullopt;  // failures only
      const names::ExitStatus status = names::decodeExitCode(x.getExitCode());
      LiveFacts f{.kind = LiveKind::kExit, .signal = status.signaled ? status.signal : 0};
      addParty(f, e.getPid(), e.getComm());
      return f;
    }
    case schema::Event::OOM_VICTIM: {
      LiveFacts f{.kind = LiveKind::kOom, .origin = LiveOrigin::kKernel};
      f.parties.at(f.partyCount++) = {e.getOomVictim().getVictimPid(), {}};
      return f;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace sigrec::record
