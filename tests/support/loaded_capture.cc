#include "tests/support/loaded_capture.h"

namespace sigrec::testing {

LoadedCapture loadCapture(const std::string& path) {
  LoadedCapture c;
  capture::CaptureReader reader(path);
  while (auto frame = reader.next()) c.frames.push_back(std::move(*frame));
  for (auto& frame : c.frames) {
    switch (frame.type()) {
      case capture::FrameType::kInfo:
        c.infos.push_back(frame.root<schema::CaptureInfo>());
        break;
      case capture::FrameType::kSnapshot:
        c.snapshots.push_back(frame.root<schema::ProcessSnapshot>());
        break;
      case capture::FrameType::kEvents: {
        auto batch = frame.root<schema::EventBatch>();
        for (auto e : batch.getEvents()) c.events.push_back(e);
        for (auto l : batch.getLosses()) c.losses.push_back(l);
        break;
      }
      case capture::FrameType::kTrailer:
        c.trailers.push_back(frame.root<schema::Trailer>());
        break;
    }
  }
  c.damage = reader.damage();
  return c;
}

std::vector<schema::Event::Reader> LoadedCapture::where(
    const std::function<bool(schema::Event::Reader)>& pred) const {
  std::vector<schema::Event::Reader> out;
  for (auto e : events) {
    if (pred(e)) out.push_back(e);
  }
  return out;
}

}  // namespace sigrec::testing
