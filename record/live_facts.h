// What the live view's filter looks at in one event (docs/sigrec.md, "Live
// view"): its kind, the processes it is about, its signal and origin. Also
// the one place that decides which events the live view shows at all.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "schema/capture.capnp.h"

namespace sigrec::record {

enum class LiveKind { kSignal, kCall, kExit, kOom };
enum class LiveOrigin { kNone, kKernel, kUser };

// A process an event is about. The comm views the event's text ("" if the
// event does not give it); valid while the event's message is.
struct LiveParty {
  uint32_t pid = 0;
  std::string_view comm;
};

struct LiveFacts {
  LiveKind kind = LiveKind::kSignal;
  // A signal: its sender (only if a kill-family call sent it: a kernel
  // signal's acting task is whatever ran then, not a party) and its target.
  // A call: its caller and the pid its arguments name, if any. An exit: the
  // process. An OOM kill: the victim.
  std::array<LiveParty, 2> parties{};
  size_t partyCount = 0;
  int signal = 0;  // 0: none (an OOM kill, a normal exit, a probe)
  LiveOrigin origin = LiveOrigin::kNone;
  bool probe = false;  // a call with signal 0, or one that succeeded and sent nothing
};

// The facts of an event the live view shows: every signal generated, kill
// calls that failed or sent nothing (a call that sent signals is shown as
// them), exits of a whole process that failed, OOM kills. Nullopt for any
// other event.
std::optional<LiveFacts> liveFacts(schema::Event::Reader e);

// The signal and the target pid that a kill-family call's arguments name
// (docs/capture-format.md, "Kill-family call arguments"), as passed: in the
// caller's pid namespace. No pid for a group (kill with pid <= 0), a tid
// alone (tkill) or a pidfd.
struct CallTarget {
  std::optional<int64_t> signal;
  std::optional<int64_t> pid;
};
CallTarget callTarget(schema::Syscall call, int64_t arg0, int64_t arg1, int64_t arg2);

}  // namespace sigrec::record
