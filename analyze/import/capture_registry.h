// The captures table: a capture's identity, and what importing it again
// does (nothing, or replace a shorter copy).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "analyze/store/db.h"
#include "schema/capture.capnp.h"

namespace sigrec::analyze {

// hostname/boot id/start boot ns/file sequence, or "noinfo:PATH" for a file
// without a readable CaptureInfo.
std::string captureKey(std::optional<schema::CaptureInfo::Reader> info,
                       const std::filesystem::path& path);

struct CaptureClaim {
  bool skipped = false;    // already imported, as long or longer
  bool replaced = false;   // a shorter import of it was deleted
  int64_t existingId = 0;  // the capture kept, when skipped
};
// What to do with a capture of KEY and FILESIZE bytes. A shorter copy (cut,
// or taken earlier) never replaces a longer one; a longer one (copied while
// still being written, imported again once complete) replaces it.
CaptureClaim claimCapture(Db& db, const std::string& key, uint64_t fileSize);

// Every row of capture ID, in every table of the registry.
void deleteCapture(Db& db, int64_t id);

struct NewCapture {
  std::string key, path, formatVersion;
  uint64_t fileSize = 0;
};
// Inserts the captures row; returns its id.
int64_t insertCapture(Db& db, const NewCapture& c, std::optional<schema::CaptureInfo::Reader> info);

}  // namespace sigrec::analyze
