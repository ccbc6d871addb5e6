#include "tests/support/capture_stream.h"

#include <algorithm>
#include <ctime>
#include <stdexcept>

namespace sigrec::testing {

int64_t defaultBootToWallNs() {
  struct tm tm {};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 23;
  tm.tm_hour = 14;
  return static_cast<int64_t>(timegm(&tm)) * static_cast<int64_t>(kSec) -
         static_cast<int64_t>(1000 * kSec);
}

CaptureStream::CaptureStream(const std::filesystem::path& path, CaptureFields fields,
                             const std::vector<SnapshotProcess>& snapshot, FrameHook onFrame)
    : fields_(std::move(fields)),
      onFrame_(std::move(onFrame)),
      writer_(path),
      lastNs_(fields_.startBootNs) {
  fields_.eventsPerBatch = std::max<size_t>(1, fields_.eventsPerBatch);
  writeInfo();
  if (fields_.snapshot) writeSnapshot(snapshot);
  startBatch();
}

CaptureStream::~CaptureStream() = default;

void CaptureStream::frame(capture::FrameType type, capnp::MessageBuilder& message) {
  writer_.write(type, message);
  if (onFrame_) onFrame_(type, message, writer_.bytesWritten());
}

void CaptureStream::writeInfo() {
  capnp::MallocMessageBuilder message;
  auto info = message.initRoot<schema::CaptureInfo>();
  info.setHostname(fields_.hostname);
  info.setKernelRelease(fields_.kernelRelease);
  if (!fields_.kernelVersion.empty()) info.setKernelVersion(fields_.kernelVersion);
  info.setMachine("x86_64");
  info.setBootId(fields_.bootId);
  info.setBootToWallNs(fields_.bootToWallNs);
  info.setRecorderVersion(fields_.recorderVersion);
  if (!fields_.recorderArgs.empty()) {
    auto args = info.initRecorderArgs(static_cast<unsigned>(fields_.recorderArgs.size()));
    for (unsigned i = 0; i < fields_.recorderArgs.size(); ++i) args.set(i, fields_.recorderArgs[i]);
  }
  info.setStartBootNs(fields_.startBootNs);
  info.setClockTicksPerSecond(100);
  info.setSignalMask(~uint64_t{0});
  info.setRingBufferBytes(fields_.ringBufferBytes);
  info.setFileSequence(fields_.fileSequence);
  if (!fields_.command.empty()) {
    auto words = info.initCommand(static_cast<unsigned>(fields_.command.size()));
    for (unsigned i = 0; i < fields_.command.size(); ++i) words.set(i, fields_.command[i]);
  }
  frame(capture::FrameType::kInfo, message);
}

void CaptureStream::writeSnapshot(const std::vector<SnapshotProcess>& snapshot) {
  capnp::MallocMessageBuilder message;
  auto snap = message.initRoot<schema::ProcessSnapshot>();
  snap.setTakenBootNs(fields_.startBootNs);
  auto list = snap.initProcesses(static_cast<unsigned>(snapshot.size()));
  for (unsigned i = 0; i < snapshot.size(); ++i) {
    const auto& p = snapshot[i];
    auto out = list[i];
    out.setPid(p.pid);
    out.setPpid(p.ppid);
    out.setStartNs(p.startNs);
    out.setComm(p.comm);
    out.setExe(p.exe);
    auto args = out.initCmdline(static_cast<unsigned>(p.cmdline.size()));
    for (unsigned j = 0; j < p.cmdline.size(); ++j) args.set(j, p.cmdline[j]);
    out.setNsPid(p.nsPid);
    out.setPidNs(p.pidNs);
    out.setCmdlineTruncated(p.cmdlineTruncated);
    if (!p.cgroup.empty()) out.setCgroup(p.cgroup);
  }
  frame(capture::FrameType::kSnapshot, message);
}

// A batch's list is laid out whole before its events are known, so events go
// straight into the message; only a last, partial batch is copied to a list
// of its size. The first segment (8 MiB, pages untouched are not resident)
// holds a batch of 50 000 events whole, as bench/make_capture writes them.
void CaptureStream::startBatch() {
  batch_ = std::make_unique<capnp::MallocMessageBuilder>(1u << 20);
  slots_ = batch_->initRoot<schema::EventBatch>().initEvents(
      static_cast<unsigned>(fields_.eventsPerBatch));
  used_ = 0;
}

// A full batch is written when the next event or loss comes: its last
// event is filled in after newEvent() returns.
void CaptureStream::flushFullBatch() {
  if (finished_) throw std::logic_error("CaptureStream: written to after finish()");
  if (used_ < fields_.eventsPerBatch) return;
  writeBatch();
  startBatch();
}

unsigned CaptureStream::nextSlot(uint64_t t) {
  flushFullBatch();
  lastNs_ = std::max(lastNs_, t);
  ++events_;
  return static_cast<unsigned>(used_++);
}

schema::Event::Builder CaptureStream::newEvent(uint64_t t) {
  return slots_[nextSlot(t)];
}

CaptureStream& CaptureStream::append(schema::Event::Reader event) {
  slots_.setWithCaveats(nextSlot(event.getTimeNs()), event);
  return *this;
}

CaptureStream& CaptureStream::loss(const Loss& l) {
  flushFullBatch();
  losses_.push_back(l);
  lost_ += l.count;
  return *this;
}

void CaptureStream::writeBatch() {
  capnp::MallocMessageBuilder partial;
  capnp::MessageBuilder* message = batch_.get();
  if (used_ < fields_.eventsPerBatch) {
    auto events = partial.initRoot<schema::EventBatch>().initEvents(static_cast<unsigned>(used_));
    for (unsigned i = 0; i < used_; ++i) events.setWithCaveats(i, slots_[i].asReader());
    message = &partial;
  }
  if (!losses_.empty()) {
    auto losses =
        message->getRoot<schema::EventBatch>().initLosses(static_cast<unsigned>(losses_.size()));
    for (unsigned i = 0; i < losses_.size(); ++i) {
      losses[i].setCpu(losses_[i].cpu);
      losses[i].setProbe(losses_[i].probe);
      losses[i].setCount(losses_[i].count);
      losses[i].setFromNs(losses_[i].fromNs);
      losses[i].setToNs(losses_[i].toNs);
    }
    losses_.clear();
  }
  frame(capture::FrameType::kEvents, *message);
  ++batches_;
}

void CaptureStream::finish(uint64_t stopBootNs) {
  if (finished_) return;
  finished_ = true;
  if (used_ > 0 || !losses_.empty()) writeBatch();
  if (fields_.trailer) writeTrailer(stopBootNs ? stopBootNs : lastNs_ + kSec);
}

void CaptureStream::writeTrailer(uint64_t stopBootNs) {
  capnp::MallocMessageBuilder message;
  auto t = message.initRoot<schema::Trailer>();
  t.setStopBootNs(stopBootNs);
  t.setEvents(events_);
  t.setBatches(batches_);
  t.setStopReason(fields_.stopReason);
  t.setCommandExitStatus(-1);
  t.setCommandPid(fields_.commandPid);
  t.setCommandStartNs(fields_.commandStartNs);
  t.setLost(lost_);
  if (!fields_.counters.empty()) {
    auto counters = t.initCounters(static_cast<unsigned>(fields_.counters.size()));
    for (unsigned i = 0; i < fields_.counters.size(); ++i) {
      counters[i].setProbe(fields_.counters[i].probe);
      counters[i].setCpu(fields_.counters[i].cpu);
      counters[i].setEmitted(fields_.counters[i].emitted);
      counters[i].setLost(fields_.counters[i].lost);
    }
  }
  frame(capture::FrameType::kTrailer, message);
}

}  // namespace sigrec::testing
