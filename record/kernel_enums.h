// The kernel side's enums (bpf/events.h) and the capture format's
// (schema/capture.capnp) number the same things alike, so that a value
// crosses over by a cast. These functions are the one place it does, and
// the asserts fail the build when a value is added or renumbered on one
// side only. (A value the kernel side sends out of range stays out of
// range: Cap'n Proto keeps unknown enumerants, and sigan names them
// "unknown".)
#pragma once

#include <cstdint>

#include "bpf/events.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {
namespace detail {
template <typename Format, typename Kernel>
constexpr bool same(Format format, Kernel kernel) {
  return static_cast<long>(format) == static_cast<long>(kernel);
}
}  // namespace detail

static_assert(detail::same(schema::Probe::SIGNAL_GENERATE, SR_PROBE_SIGNAL_GENERATE));
static_assert(detail::same(schema::Probe::SIGNAL_DELIVER, SR_PROBE_SIGNAL_DELIVER));
static_assert(detail::same(schema::Probe::KILL_CALL, SR_PROBE_KILL_CALL));
static_assert(detail::same(schema::Probe::FORK, SR_PROBE_FORK));
static_assert(detail::same(schema::Probe::EXEC, SR_PROBE_EXEC));
static_assert(detail::same(schema::Probe::EXIT, SR_PROBE_EXIT));
static_assert(detail::same(schema::Probe::OOM, SR_PROBE_OOM));
static_assert(detail::same(schema::Probe::INFLIGHT_MAP, SR_PROBE_INFLIGHT_MAP));
static_assert(SR_PROBE_COUNT == SR_PROBE_INFLIGHT_MAP + 1);

static_assert(detail::same(schema::Syscall::NONE, SR_SYS_NONE));
static_assert(detail::same(schema::Syscall::KILL, SR_SYS_KILL));
static_assert(detail::same(schema::Syscall::TKILL, SR_SYS_TKILL));
static_assert(detail::same(schema::Syscall::TGKILL, SR_SYS_TGKILL));
static_assert(detail::same(schema::Syscall::PIDFD_SEND_SIGNAL, SR_SYS_PIDFD_SEND_SIGNAL));
static_assert(detail::same(schema::Syscall::RT_SIGQUEUEINFO, SR_SYS_RT_SIGQUEUEINFO));
static_assert(detail::same(schema::Syscall::RT_TGSIGQUEUEINFO, SR_SYS_RT_TGSIGQUEUEINFO));

static_assert(detail::same(schema::InfoKind::NO_INFO, SR_INFO_NOINFO));
static_assert(detail::same(schema::InfoKind::PRIV, SR_INFO_PRIV));
static_assert(detail::same(schema::InfoKind::SIGINFO, SR_INFO_STRUCT));

static_assert(detail::same(schema::Disposition::DEFAULT, SR_DISP_DEFAULT));
static_assert(detail::same(schema::Disposition::IGNORE, SR_DISP_IGNORE));
static_assert(detail::same(schema::Disposition::HANDLER, SR_DISP_HANDLER));

// Each event kind is counted under its probe: kind N is probe N - 1.
static_assert(SR_EV_SIGNAL_GENERATE - 1 == SR_PROBE_SIGNAL_GENERATE);
static_assert(SR_EV_SIGNAL_DELIVER - 1 == SR_PROBE_SIGNAL_DELIVER);
static_assert(SR_EV_KILL_CALL - 1 == SR_PROBE_KILL_CALL);
static_assert(SR_EV_FORK - 1 == SR_PROBE_FORK);
static_assert(SR_EV_EXEC - 1 == SR_PROBE_EXEC);
static_assert(SR_EV_EXIT - 1 == SR_PROBE_EXIT);
static_assert(SR_EV_OOM_VICTIM - 1 == SR_PROBE_OOM);

// The probe a record of KIND (a valid sr_event_kind) is counted under.
constexpr int probeOfKind(unsigned kind) {
  return static_cast<int>(kind) - 1;
}

inline schema::Probe probeToFormat(int probe) {
  return static_cast<schema::Probe>(probe);
}
inline schema::Syscall syscallToFormat(uint32_t nr) {
  return static_cast<schema::Syscall>(nr);
}
inline schema::InfoKind infoKindToFormat(uint32_t kind) {
  return static_cast<schema::InfoKind>(kind);
}
inline schema::Disposition dispositionToFormat(uint32_t disposition) {
  return static_cast<schema::Disposition>(disposition);
}

}  // namespace sigrec::record
