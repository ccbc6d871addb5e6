// Imports one capture file into the database (docs/schema.md): one
// transaction, one reused prepared statement per table, indexes after the
// load, links between rows (signal -> kill call, exit -> cause) resolved in
// SQL once everything is in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyze/import/import_focus.h"
#include "analyze/store/db.h"
#include "schema/capture_reader.h"

namespace sigrec::analyze {

struct ImportResult {
  int64_t captureId = 0;
  std::string key;
  bool skipped = false;   // the same capture was already in the database
  bool replaced = false;  // an older (shorter) import of it was replaced
  uint64_t events = 0;
  bool trailer = false;
  std::vector<capture::Damage> damage;
};

// Told after each frame read: bytes of the file read so far, its size, and
// the events imported so far (for a progress line).
using ImportProgress = std::function<void(uint64_t bytesRead, uint64_t fileSize, uint64_t events)>;

// Throws capture::CaptureError for files that are not captures, DbError for
// database failures, FocusUnsure when FOCUS was given and may have passed
// over a row its question needs; in each case the database is left
// unchanged. With FOCUS, only what that question reads is imported
// (analyze/import/import_focus.h): for an in-memory database answering it.
ImportResult importCapture(Db& db, const std::filesystem::path& path,
                           const ImportProgress& progress = {}, const ImportFocus& focus = {});

// "imported X: 1234 events, trailer missing (recorder killed?), 1 damaged part"
std::string describeImport(const std::filesystem::path& path, const ImportResult& result);

}  // namespace sigrec::analyze
