#include "analyze/import/import_cache.h"

#include <fmt/format.h>
#include <kj/exception.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "analyze/store/db_schema.h"
#include "analyze/import/capture_registry.h"
#include "analyze/import/importer.h"
#include "schema/capture_reader.h"

namespace sigrec::analyze {
namespace {

std::optional<std::filesystem::path> cacheDir() {
  const char* dir = std::getenv("SIGAN_CACHE_DIR");
  if (!dir || !*dir) return std::nullopt;
  return std::filesystem::path(dir);
}

// captures.capture_key of CAPTURE, from its first frame.
std::optional<std::string> keyOf(const std::string& capture) {
  try {
    capture::CaptureReader reader(capture);
    std::optional<capture::Frame> first = reader.next();
    if (!first || first->type() != capture::FrameType::kInfo) return std::nullopt;
    return captureKey(first->root<schema::CaptureInfo>(), capture);
  } catch (const std::exception&) {
    return std::nullopt;  // the memory import reports what is wrong with it
  } catch (const kj::Exception&) {
    return std::nullopt;
  }
}

// What the import of the cached capture said, rebuilt from its rows.
std::optional<ImportResult> storedImport(const std::string& file, const std::string& key,
                                         uint64_t fileSize) {
  Db db(file, Db::Mode::kReadOnly);
  checkSchema(db);
  auto st = db.prepare("SELECT id, file_size, events, trailer FROM captures");
  if (!st.step() || st.getInt("file_size") != static_cast<int64_t>(fileSize)) return std::nullopt;
  ImportResult r;
  r.captureId = st.getInt("id");
  r.key = key;
  r.events = static_cast<uint64_t>(st.getInt("events"));
  r.trailer = st.getInt("trailer") != 0;
  if (st.step()) return std::nullopt;  // not a cache file: one capture only
  auto dmg = db.prepare("SELECT offset, bytes, what, truncation FROM damage ORDER BY id");
  while (dmg.step())
    r.damage.push_back({static_cast<uint64_t>(dmg.getInt("offset")),
                        static_cast<uint64_t>(dmg.getInt("bytes")), dmg.getText("what"),
                        dmg.getInt("truncation") != 0});
  return r;
}

// Imports CAPTURE into a new FILE (written beside it, then renamed, so that
// a concurrent query never opens half an import).
ImportResult importInto(const std::filesystem::path& file, const std::string& capture) {
  std::filesystem::path part = file;
  part += fmt::format(".{}.part", ::getpid());
  std::filesystem::remove(part);
  ImportResult r;
  try {
    Db db(part.string(), Db::Mode::kCreate);
    applyImportPragmas(db);
    r = importCapture(db, capture);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(part, ec);
    throw;
  }
  std::filesystem::rename(part, file);
  return r;
}

}  // namespace

std::optional<std::string> cachedImport(const std::string& capture, std::ostream& notes) {
  std::optional<std::filesystem::path> dir = cacheDir();
  if (!dir) return std::nullopt;
  std::optional<std::string> key = keyOf(capture);
  if (!key) return std::nullopt;
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(capture, ec);
  if (ec) return std::nullopt;
  // The path too: captures.path is part of the answers (info).
  std::string id =
      fmt::format("{}\n{}\n{}", *key, size, std::filesystem::absolute(capture).string());
  std::filesystem::path file = *dir / fmt::format("{:016x}.db", std::hash<std::string>()(id));
  std::optional<ImportResult> r;
  try {
    if (std::filesystem::exists(file)) r = storedImport(file.string(), *key, size);
  } catch (const DbError&) {
    // A stale or foreign file: replaced below.
  }
  if (!r) {
    std::filesystem::create_directories(*dir, ec);
    try {
      r = importInto(file, capture);
    } catch (const std::filesystem::filesystem_error&) {
      return std::nullopt;
    } catch (const DbError&) {
      return std::nullopt;
    }
  }
  if (!r->trailer || !r->damage.empty())
    notes << "sigan: note: " << describeImport(capture, *r) << '\n';
  return file.string();
}

}  // namespace sigrec::analyze
