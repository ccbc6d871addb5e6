// Builds synthetic capture files with the schema/ writer: a list of events
// in, a capture file out, so analyzer tests need no kernel.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
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
  std::string comm;
  uint32_t uid = 0;
};

struct SnapshotProcess {
  uint32_t pid, ppid;
  uint64_t startNs;  // already rounded to a tick, as /proc gives it
  std::string comm, exe;
  std::vector<std::string> cmdline;
  uint32_t nsPid = 0;  // 0: as /proc of a kernel without NSpid
  uint32_t pidNs = 0;
  bool cmdlineTruncated = false;
};

// A fork's pid namespace fields: the child's pid and tid in its own
// namespace and that namespace's inode (0 = not recorded).
struct ChildNs {
  uint32_t pidNs = 0, nsPid = 0, nsTid = 0;
};
// The initial namespace's inode (PROC_PID_INIT_INO), as sigrec records it.
inline constexpr uint32_t kHostPidNs = 0xEFFFFFFCU;

class CaptureBuilder {
 public:
  std::string hostname = "host-a";
  std::string bootId = "boot-a";
  int64_t bootToWallNs = 0;  // default: boot 1000 s = 2026-11-23T14:00:00Z
  uint64_t startBootNs = 1000 * kSec;
  uint32_t fileSequence = 0;
  bool trailer = true;
  size_t eventsPerBatch = 1000;
  std::vector<std::string> command;  // the header's command after `--`
  uint32_t commandPid = 0;           // the trailer's command process
  uint64_t commandStartNs = 0;       // ... and its start, tick-rounded

  CaptureBuilder();

  CaptureBuilder& process(SnapshotProcess p);
  CaptureBuilder& fork(uint64_t t, const Task& parent, uint32_t childPid, uint64_t childStartNs,
                       bool thread = false, ChildNs ns = {});
  CaptureBuilder& exec(uint64_t t, const Task& task, const std::string& filename,
                       const std::vector<std::string>& argv, bool argsTruncated = false);
  CaptureBuilder& exit(uint64_t t, const Task& task, int32_t exitCode, bool groupDead = true,
                       uint32_t parentPid = 0, uint64_t parentStartNs = 0);
  // syscall NONE = kernel origin.
  CaptureBuilder& generate(uint64_t t, const Task& actor, int sig, int code, const Task& target,
                           schema::Syscall syscall, uint64_t callEnterNs = 0, int result = 0,
                           bool group = true, uint64_t infoAddr = 0);
  CaptureBuilder& killCall(uint64_t t, const Task& actor, schema::Syscall syscall, uint64_t enterNs,
                           int64_t ret, std::vector<int64_t> args, uint32_t signals,
                           bool noReturn = false);
  CaptureBuilder& deliver(uint64_t t, const Task& receiver, int sig,
                          schema::Disposition disposition = schema::Disposition::DEFAULT);
  CaptureBuilder& oom(uint64_t t, const Task& actor, uint32_t victimPid);
  CaptureBuilder& loss(uint16_t cpu, schema::Probe probe, uint64_t count, uint64_t fromNs,
                       uint64_t toNs);

  void write(const std::filesystem::path& path) const;

 private:
  using Fill = std::function<void(schema::Event::Builder)>;
  CaptureBuilder& add(uint64_t t, const Task& task, const Fill& fill);

  struct Loss {
    uint16_t cpu;
    schema::Probe probe;
    uint64_t count, fromNs, toNs;
  };
  std::vector<SnapshotProcess> snapshot_;
  std::vector<std::pair<uint64_t, Fill>> events_;
  std::vector<Loss> losses_;
};

// A fresh temporary directory, removed with the object.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  // One owner: a copy would remove the directory twice.
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Wall-clock ns of boot-clock ns in a default CaptureBuilder capture.
int64_t defaultBootToWallNs();

}  // namespace sigrec::testing
