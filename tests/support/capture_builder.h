// Builds synthetic capture files with the schema/ writer: a list of events
// in, a capture file out, so analyzer and format tests need no kernel. The
// events are held until write(); CaptureStream writes them as they come.
#pragma once

#include <capnp/message.h>
#include <capnp/orphan.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

#include "schema/capture.capnp.h"
#include "tests/support/capture_stream.h"
#include "tests/support/event_writer.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {

class CaptureBuilder : public CaptureFields, public EventWriter<CaptureBuilder> {
 public:
  CaptureBuilder();

  CaptureBuilder& process(SnapshotProcess p);
  CaptureBuilder& loss(uint16_t cpu, schema::Probe probe, uint64_t count, uint64_t fromNs,
                       uint64_t toNs);

  // ON_FRAME, if set, sees each frame as it is written (CaptureStream).
  void write(const std::filesystem::path& path, const CaptureStream::FrameHook& onFrame = {}) const;

  schema::Event::Builder newEvent(uint64_t t);

 private:
  std::vector<SnapshotProcess> snapshot_;
  // The events, built in a message of their own until write() copies them
  // into batches.
  std::unique_ptr<capnp::MallocMessageBuilder> arena_;
  std::vector<capnp::Orphan<schema::Event>> events_;
  std::vector<Loss> losses_;
};

}  // namespace sigrec::testing
