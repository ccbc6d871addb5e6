// A whole capture read into memory through the schema/ library, for tests.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "schema/capture_reader.h"

namespace sigrec::testing {

struct LoadedCapture {
  std::vector<capture::Frame> frames;  // keeps the readers below valid
  std::vector<schema::CaptureInfo::Reader> infos;
  std::vector<schema::ProcessSnapshot::Reader> snapshots;
  std::vector<schema::Event::Reader> events;
  std::vector<schema::LossWindow::Reader> losses;
  std::vector<schema::Trailer::Reader> trailers;
  std::vector<capture::Damage> damage;

  std::vector<schema::Event::Reader> where(
      const std::function<bool(schema::Event::Reader)>& pred) const;
};

LoadedCapture loadCapture(const std::string& path);

}  // namespace sigrec::testing
