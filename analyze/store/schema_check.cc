#include "analyze/store/schema_check.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "analyze/store/db_schema.h"
#include "analyze/store/tables.h"
#include "base/visible_text.h"

namespace sigrec::analyze {
namespace {

// One row of sqlite_schema. SQLite stores the text of each CREATE
// normalised (no IF NOT EXISTS; ALTER TABLE ADD COLUMN appends ", name
// type"), so a table upgraded column by column reads as one made whole.
struct SchemaObject {
  std::string type, name, table;
  std::optional<std::string> sql;  // NULL for automatic indexes (UNIQUE, TEXT PRIMARY KEY)
  bool operator==(const SchemaObject&) const = default;
};
using Objects = std::map<std::pair<std::string, std::string>, SchemaObject>;  // by (type, name)

Objects readObjects(const Db& db) {
  Objects objects;
  auto st = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
  while (st.step()) {
    SchemaObject o{st.getText(0), st.getText(1), st.getText(2), st.getOptText(3)};
    objects.emplace(std::pair(o.type, o.name), std::move(o));
  }
  return objects;
}

// What an import makes: the tables, views and indexes, and ANALYZE's tables.
const Objects& currentObjects() {
  static const Objects kObjects = [] {
    Db db("", Db::Mode::kMemory);
    ensureSchema(db);
    ensureIndexes(db);
    db.exec("ANALYZE");
    return readObjects(db);
  }();
  return kObjects;
}

// The tables (and their automatic indexes) of schema VERSION.
Objects tablesOf(int version) {
  Db db("", Db::Mode::kMemory);
  for (const store::Table& t : store::tables()) db.exec(store::createSql(t, version));
  return readObjects(db);
}

// Indexes of older versions that no current one replaces by name.
constexpr const char* kRetiredIndexes[] = {"kill_calls_unsent_target", "kill_calls_unsent_caller"};

bool retired(const SchemaObject& o) {
  if (o.type != "index") return false;
  for (const char* name : kRetiredIndexes)
    if (o.name == name) return true;
  return false;
}

bool statTable(const SchemaObject& o) {
  return o.type == "table" && o.name.rfind("sqlite_stat", 0) == 0;
}

DbError refused(const SchemaObject& o, const char* what) {
  return DbError(fmt::format(
      "{} '{}' {}: not a database as sigan writes it (made or changed by another program?); "
      "refusing it",
      o.type, names::visibleText(o.name), what));
}

// Each expected object is there (ANALYZE's tables may be missing).
void requireAll(const Objects& actual, const Objects& expected) {
  for (const auto& [key, o] : expected)
    if (!actual.count(key) && !statTable(o)) throw refused(o, "is missing");
}

}  // namespace

void verifyFileSize(const Db& db) {
  const char* file = sqlite3_db_filename(db.handle(), "main");
  if (!file || !*file) return;  // in memory
  // Pages first: a writer only ever grows the file meanwhile.
  const int64_t pageSize = db.scalar("PRAGMA page_size").value_or(0);
  const int64_t pages = db.scalar("PRAGMA page_count").value_or(0);
  std::error_code ec;
  const auto size = static_cast<int64_t>(std::filesystem::file_size(file, ec));
  if (ec || pageSize <= 0) return;
  if (size % pageSize != 0 || size < pages * pageSize)
    throw DbError(fmt::format("truncated: {} bytes, where its {} pages of {} bytes need {} (a "
                              "copy that did not finish?)",
                              size, pages, pageSize, pages * pageSize),
                  SQLITE_CORRUPT);
}

void verifySchemaObjects(const Db& db) {
  const Objects& expected = currentObjects();
  Objects actual = readObjects(db);
  for (const auto& [key, o] : actual) {
    auto it = expected.find(key);
    if (it == expected.end()) throw refused(o, "is not sigan's");
    if (it->second != o) throw refused(o, "differs from sigan's");
  }
  requireAll(actual, expected);
}

void verifyOlderSchemaObjects(const Db& db, int version) {
  const Objects tables = tablesOf(version);
  const Objects& current = currentObjects();
  Objects actual = readObjects(db);
  for (const auto& [key, o] : actual) {
    auto table = tables.find(key);
    auto now = current.find(key);
    if (table != tables.end()) {
      if (table->second != o) throw refused(o, "differs from sigan's");
    } else if (statTable(o) && now != current.end()) {
      if (now->second != o) throw refused(o, "differs from sigan's");
    } else {
      // Views and indexes under sigan's names (old or current) are made
      // anew; nothing else is sigan's.
      bool remade =
          (o.type == "view" || o.type == "index") && o.sql && (now != current.end() || retired(o));
      if (!remade) throw refused(o, "is not sigan's");
    }
  }
  requireAll(actual, tables);
}

void dropOldViewsAndIndexes(Db& db) {
  Objects actual = readObjects(db);
  for (const auto& [key, o] : actual)
    if ((o.type == "view" || o.type == "index") && o.sql)
      db.exec(fmt::format("DROP {} \"{}\"", o.type == "view" ? "VIEW" : "INDEX", o.name));
}

}  // namespace sigrec::analyze
