// Writes a synthetic capture as its events come: the header frames at once,
// each batch when it is full, the trailer at finish(). Memory stays one batch
// however many events are written (bench/make_capture writes 10 M).
#pragma once

#include <capnp/message.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "schema/capture.capnp.h"
#include "schema/capture_writer.h"
#include "tests/support/event_writer.h"

namespace sigrec::testing {

struct SnapshotProcess {
  uint32_t pid, ppid;
  uint64_t startNs;  // already rounded to a tick, as /proc gives it
  std::string comm, exe;
  std::vector<std::string> cmdline;
  uint32_t nsPid = 0;  // 0: as /proc of a kernel without NSpid
  uint32_t pidNs = 0;
  bool cmdlineTruncated = false;
  std::string cgroup{};  // empty: not recorded
};

// Wall-clock ns of boot-clock ns in a default capture.
int64_t defaultBootToWallNs();

struct ProbeCount {
  schema::Probe probe;
  uint16_t cpu;
  uint64_t emitted, lost;
};

// What the info, snapshot and trailer frames say, and how events are framed.
struct CaptureFields {
  std::string hostname = "host-a";
  std::string kernelRelease = "6.1.0-test";
  std::string kernelVersion;  // empty: not set
  std::string recorderVersion = "test";
  std::vector<std::string> recorderArgs;
  uint32_t ringBufferBytes = 0;
  std::string bootId = "boot-a";
  int64_t bootToWallNs = defaultBootToWallNs();  // boot 1000 s = 2026-11-23T14:00:00Z
  uint64_t startBootNs = 1000 * kSec;
  uint32_t fileSequence = 0;
  std::vector<std::string> command;  // the header's command after `--`
  bool snapshot = true;              // false: no snapshot frame at all
  bool trailer = true;
  std::string stopReason = "command exited";
  std::vector<ProbeCount> counters;  // the trailer's; its `lost` is that of the losses
  uint32_t commandPid = 0;           // the trailer's command process
  uint64_t commandStartNs = 0;       // ... and its start, tick-rounded
  size_t eventsPerBatch = 1000;
};

struct Loss {
  uint16_t cpu;
  schema::Probe probe;
  uint64_t count, fromNs, toNs;
};

class CaptureStream : public EventWriter<CaptureStream> {
 public:
  // Called after each frame is written, with the file's size after it.
  using FrameHook = std::function<void(capture::FrameType, capnp::MessageBuilder&, uint64_t end)>;

  CaptureStream(const std::filesystem::path& path, CaptureFields fields,
                const std::vector<SnapshotProcess>& snapshot, FrameHook onFrame = {});
  CaptureStream(const CaptureStream&) = delete;
  CaptureStream& operator=(const CaptureStream&) = delete;
  ~CaptureStream();

  // Goes into the batch of the next event.
  CaptureStream& loss(const Loss& l);
  // Writes the pending batch and, if fields.trailer, the trailer: stopped
  // at STOP_BOOT_NS, or by default a second after the last event. A stream
  // never finished ends at its last full batch.
  void finish(uint64_t stopBootNs = 0);

  uint64_t events() const { return events_; }
  uint64_t batches() const { return batches_; }
  uint64_t bytesWritten() const { return writer_.bytesWritten(); }

  schema::Event::Builder newEvent(uint64_t t);
  // A copy of an event built elsewhere.
  CaptureStream& append(schema::Event::Reader event);

 private:
  unsigned nextSlot(uint64_t t);
  void flushFullBatch();
  void frame(capture::FrameType type, capnp::MessageBuilder& message);
  void writeInfo();
  void writeSnapshot(const std::vector<SnapshotProcess>& snapshot);
  void startBatch();
  void writeBatch();
  void writeTrailer(uint64_t stopBootNs);

  CaptureFields fields_;
  FrameHook onFrame_;
  capture::CaptureWriter writer_;
  std::unique_ptr<capnp::MallocMessageBuilder> batch_;
  capnp::List<schema::Event>::Builder slots_ = nullptr;
  size_t used_ = 0;
  std::vector<Loss> losses_;
  uint64_t events_ = 0, batches_ = 0, lost_ = 0;
  uint64_t lastNs_;
  bool finished_ = false;
};

}  // namespace sigrec::testing
