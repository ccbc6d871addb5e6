#include "tests/support/capture_builder.h"

namespace sigrec::testing {

CaptureBuilder::CaptureBuilder() : arena_(std::make_unique<capnp::MallocMessageBuilder>()) {}

CaptureBuilder& CaptureBuilder::process(SnapshotProcess p) {
  snapshot_.push_back(std::move(p));
  return *this;
}

schema::Event::Builder CaptureBuilder::newEvent(uint64_t /*t*/) {
  events_.push_back(arena_->getOrphanage().newOrphan<schema::Event>());
  return events_.back().get();
}

CaptureBuilder& CaptureBuilder::loss(uint16_t cpu, schema::Probe probe, uint64_t count,
                                     uint64_t fromNs, uint64_t toNs) {
  losses_.push_back({cpu, probe, count, fromNs, toNs});
  return *this;
}

void CaptureBuilder::write(const std::filesystem::path& path,
                           const CaptureStream::FrameHook& onFrame) const {
  CaptureStream stream(path, static_cast<const CaptureFields&>(*this), snapshot_, onFrame);
  for (const auto& l : losses_) stream.loss(l);
  for (const auto& e : events_) stream.append(e.getReader());
  stream.finish();
}

}  // namespace sigrec::testing
