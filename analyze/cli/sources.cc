#include "analyze/cli/sources.h"

#include <strings.h>

#include <filesystem>
#include <ostream>

#include "analyze/store/db_schema.h"
#include "analyze/cli/errors.h"
#include "analyze/cli/import_progress.h"
#include "analyze/import/import_cache.h"
#include "analyze/import/importer.h"
#include "schema/capture_reader.h"

namespace sigrec::analyze {
namespace {

int authorize(void*, int action, const char* arg1, const char*, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      return arg1 && strcasecmp(arg1, "load_extension") == 0 ? SQLITE_DENY : SQLITE_OK;
    case SQLITE_PRAGMA:
      // Schema introspection only; any PRAGMA could otherwise undo query_only.
      for (const char* allowed : {"table_info", "table_xinfo", "table_list", "index_list",
                                  "index_info", "foreign_key_list"})
        if (arg1 && strcasecmp(arg1, allowed) == 0) return SQLITE_OK;
      return SQLITE_DENY;
    default:
      return SQLITE_DENY;
  }
}

// FILE, read-only, once it is known to hold sigan's schema and nothing else
// (checkSchema): every question on a database file starts here.
std::unique_ptr<Db> openDatabase(const std::string& file, std::ostream& notes) {
  auto db = std::make_unique<Db>(file, Db::Mode::kReadOnly);
  db->waitWhenLocked(notes, file);
  try {
    checkSchema(*db);
  } catch (const DbError& e) {
    // A read-only connection cannot roll a journal back, and must not read
    // the half-written pages it guards.
    if (e.code() == SQLITE_READONLY_ROLLBACK)
      throw UserError(file + ": an import into it was interrupted (" + file +
                      "-journal is left); the next `sigan import -o " + file +
                      " CAPTURE` rolls it back, as does `sqlite3 " + file +
                      " 'PRAGMA quick_check'`");
    throw UserError(file + ": " + e.what());
  }
  return db;
}

void copyDatabase(const std::string& file, Db& memory, std::ostream& notes) {
  std::unique_ptr<Db> source = openDatabase(file, notes);
  sqlite3_backup* backup = sqlite3_backup_init(memory.handle(), "main", source->handle(), "main");
  if (!backup) throw DbError(file + ": " + sqlite3_errmsg(memory.handle()));
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw DbError(file + ": cannot read database: " + sqlite3_errstr(rc));
}

// FILE into the in-memory DB; focused when FOCUS says so and the focus is
// sure of its rows, else in full (a FocusUnsure import left DB unchanged).
ImportResult importIntoMemory(Db& db, const std::string& file, std::ostream& notes, bool progress,
                              const ImportFocus& focus) {
  if (focus.any()) {
    try {
      ImportProgressLine line(notes, file, progress);
      return importCapture(db, file, line.callback(), focus);
    } catch (const FocusUnsure&) {
      // Rolled back; the full import below decides every row.
    }
  }
  ImportProgressLine line(notes, file, progress);
  return importCapture(db, file, line.callback());
}

}  // namespace

void makeReadOnly(Db& db) {
  applyQueryOnlyPragmas(db);
  sqlite3_db_config(db.handle(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_set_authorizer(db.handle(), authorize, nullptr);
}

std::unique_ptr<Db> openSources(const std::vector<std::string>& sources, std::ostream& notes,
                                bool progress, const ImportFocus& focus) {
  if (sources.empty()) throw UserError("no SOURCE given (a capture file or a sigan database)");
  std::vector<std::string> databases, captures;
  for (const std::string& source : sources) {
    std::error_code ec;
    if (!std::filesystem::exists(source, ec)) throw UserError(source + ": no such file");
    if (std::filesystem::is_directory(source, ec)) throw UserError(source + ": is a directory");
    if (capture::CaptureReader::looksLikeCapture(source))
      captures.push_back(source);
    else if (Db::looksLikeDatabase(source))
      databases.push_back(source);
    else
      throw UserError(source + ": neither a sigrec capture nor a sigan database");
  }
  if (databases.size() > 1)
    throw UserError("give at most one database; import the others into it with `sigan import -o`");

  std::optional<std::string> cached;
  if (captures.size() == 1 && databases.empty()) cached = cachedImport(captures[0], notes);
  if (cached) {
    databases.push_back(*cached);
    captures.clear();
  }
  std::unique_ptr<Db> db;
  if (captures.empty()) {
    db = openDatabase(databases[0], notes);
  } else {
    db = std::make_unique<Db>("", Db::Mode::kMemory);
    if (!databases.empty()) copyDatabase(databases[0], *db, notes);
    applyImportPragmas(*db);
    // Beside a database, whose captures are whole, the captures are too.
    const ImportFocus used = databases.empty() ? focus : ImportFocus{};
    for (const std::string& file : captures) {
      ImportResult result = importIntoMemory(*db, file, notes, progress, used);
      if (!result.trailer || !result.damage.empty())
        notes << "sigan: note: " << describeImport(file, result) << '\n';
    }
  }
  makeReadOnly(*db);
  return db;
}

}  // namespace sigrec::analyze
