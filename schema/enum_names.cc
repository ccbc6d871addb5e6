#include "schema/enum_names.h"

namespace sigrec::names {

const char* syscallName(schema::Syscall call) {
  switch (call) {
    case schema::Syscall::NONE:
      return "none";
    case schema::Syscall::KILL:
      return "kill";
    case schema::Syscall::TKILL:
      return "tkill";
    case schema::Syscall::TGKILL:
      return "tgkill";
    case schema::Syscall::PIDFD_SEND_SIGNAL:
      return "pidfd_send_signal";
    case schema::Syscall::RT_SIGQUEUEINFO:
      return "rt_sigqueueinfo";
    case schema::Syscall::RT_TGSIGQUEUEINFO:
      return "rt_tgsigqueueinfo";
  }
  return "unknown";
}

const char* probeName(schema::Probe probe) {
  switch (probe) {
    case schema::Probe::SIGNAL_GENERATE:
      return "signal_generate";
    case schema::Probe::SIGNAL_DELIVER:
      return "signal_deliver";
    case schema::Probe::KILL_CALL:
      return "kill_call";
    case schema::Probe::FORK:
      return "fork";
    case schema::Probe::EXEC:
      return "exec";
    case schema::Probe::EXIT:
      return "exit";
    case schema::Probe::OOM:
      return "oom";
    case schema::Probe::INFLIGHT_MAP:
      return "inflight_map";
  }
  return "unknown";
}

const char* infoKindName(schema::InfoKind kind) {
  switch (kind) {
    case schema::InfoKind::NO_INFO:
      return "noinfo";
    case schema::InfoKind::PRIV:
      return "priv";
    case schema::InfoKind::SIGINFO:
      return "siginfo";
  }
  return "unknown";
}

const char* dispositionName(schema::Disposition d) {
  switch (d) {
    case schema::Disposition::DEFAULT:
      return "default";
    case schema::Disposition::IGNORE:
      return "ignore";
    case schema::Disposition::HANDLER:
      return "handler";
  }
  return "unknown";
}

std::string generateResultName(int result) {
  switch (result) {
    case 0:
      return "delivered";
    case 1:
      return "ignored";
    case 2:
      return "already_pending";
    case 3:
      return "overflow";
    case 4:
      return "lose_info";
  }
  return std::to_string(result);
}

}  // namespace sigrec::names
