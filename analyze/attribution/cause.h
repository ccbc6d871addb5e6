// The cause of a generated signal (docs/sigan.md, "Causes"): one named rule
// per cause, applied to the facts the kernel gave at generation time
// (record/, bpf/events.h). Nothing is guessed from later events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sigrec::analyze {

struct SignalFacts {
  int signo = 0;
  int code = 0;  // si_code
  bool group = true;
  enum class Info { kNone, kPriv, kSiginfo } info = Info::kNone;
  std::string syscall;  // the kill-family call that sent it, "" if none
  int64_t actorPid = 0, actorTid = 0, actorNsPid = 0;
  uint32_t actorUid = 0;
  int64_t targetPid = 0, targetTid = 0;
  bool actorExiting = false, actorNsInit = false, targetPdeath = false;
  int actorSyscall = -2;  // -1 none, -2 not known
  int64_t infoPid = 0;
  uint32_t infoUid = 0;
  int64_t infoStatus = 0;
  uint64_t infoAddr = 0;
  int infoSyscall = 0;
  std::string codeName;  // "SEGV_MAPERR"
  std::string targetCgroup, targetMemoryCgroup;
  std::vector<std::string> stack;  // kernel frames, innermost first
};

struct Cause {
  std::string cause;  // the vocabulary of docs/sigan.md: syscall, fault, pipe, ...
  std::optional<int64_t> pid, tid;
  std::string detail;
  bool forged = false;  // siginfo names a sender other than the caller
};

Cause decideCause(const SignalFacts& facts);

// The vocabulary, in the order the rules are tried (docs/sigan.md lists it;
// a test checks that the two agree).
const std::vector<std::string>& causeNames();

}  // namespace sigrec::analyze
