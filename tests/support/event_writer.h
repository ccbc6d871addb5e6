// The events of a synthetic capture, set field by field as sigrec would
// record them: written once for the in-memory CaptureBuilder and for the
// streaming CaptureStream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"

namespace sigrec::testing {

inline constexpr uint64_t kSec = 1'000'000'000;
inline constexpr uint64_t kMs = 1'000'000;
inline constexpr uint64_t kUs = 1'000;

// The acting task of an event.
struct Task {
  uint32_t pid = 0;
  uint32_t tid = 0;  // 0 = same as pid
  uint64_t startNs = 0;
  std::string comm{};
  uint32_t uid = 0;
};

// A fork's pid namespace fields: the child's pid and tid in its own
// namespace and that namespace's inode (0 = not recorded).
struct ChildNs {
  uint32_t pidNs = 0, nsPid = 0, nsTid = 0;
};
// The initial namespace's inode (PROC_PID_INIT_INO), as sigrec records it.
inline constexpr uint32_t kHostPidNs = 0xEFFFFFFCU;

// Self provides `schema::Event::Builder newEvent(uint64_t t)`: a fresh event
// of time T whose fields are all unset. The methods return Self so calls
// chain on the derived class.
template <typename Self>
class EventWriter {
 public:
  Self& fork(uint64_t t, const Task& parent, uint32_t childPid, uint64_t childStartNs,
             bool thread = false, ChildNs ns = {});
  Self& exec(uint64_t t, const Task& task, const std::string& filename,
             const std::vector<std::string>& argv, bool argsTruncated = false);
  Self& exit(uint64_t t, const Task& task, int32_t exitCode, bool groupDead = true,
             uint32_t parentPid = 0, uint64_t parentStartNs = 0);
  // syscall NONE = kernel origin.
  Self& generate(uint64_t t, const Task& actor, int sig, int code, const Task& target,
                 schema::Syscall syscall, uint64_t callEnterNs = 0, int result = 0,
                 bool group = true, uint64_t infoAddr = 0);
  Self& killCall(uint64_t t, const Task& actor, schema::Syscall syscall, uint64_t enterNs,
                 int64_t ret, std::vector<int64_t> args, uint32_t signals, bool noReturn = false);
  Self& deliver(uint64_t t, const Task& receiver, int sig,
                schema::Disposition disposition = schema::Disposition::DEFAULT);
  Self& oom(uint64_t t, const Task& actor, uint32_t victimPid);

  // The event the last call wrote, for a field the calls above leave at its
  // default; valid until the next event.
  schema::Event::Builder last() { return last_; }

 protected:
  EventWriter() = default;

 private:
  schema::Event::Builder event(uint64_t t, const Task& task);
  Self& self() { return static_cast<Self&>(*this); }

  schema::Event::Builder last_ = nullptr;
};

}  // namespace sigrec::testing
