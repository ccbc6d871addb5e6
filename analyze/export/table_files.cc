#include "analyze/export/table_files.h"

#include <ostream>

#include "analyze/query/output.h"

namespace sigrec::analyze::exporting {
namespace {

// The registry's columns, in its order: the export is the documented
// schema, whatever else a database file may hold.
Statement selectAll(const Db& db, const store::Table& table) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i)
    sql += std::string(i ? ", \"" : "\"") + table.columns[i].name + "\"";
  return db.prepare(sql + " FROM " + table.name + " ORDER BY rowid");
}

}  // namespace

int64_t writeNdjson(const Db& db, const store::Table& table, std::ostream& out) {
  auto s = selectAll(db, table);
  int64_t rows = 0;
  Row row;
  while (s.step()) {
    row = Row::object();
    for (int i = 0; i < s.columnCount(); ++i) {
      const char* name = table.columns[static_cast<size_t>(i)].name;
      switch (s.columnType(i)) {
        case SQLITE_INTEGER:
          row[name] = s.getInt(i);
          break;
        case SQLITE_FLOAT:
          row[name] = s.getDouble(i);
          break;
        case SQLITE_NULL:
          row[name] = nullptr;
          break;
        default:
          row[name] = s.getText(i);
      }
    }
    writeJsonLine(out, row);
    ++rows;
  }
  return rows;
}

int64_t writeCsv(const Db& db, const store::Table& table, std::ostream& out) {
  for (size_t i = 0; i < table.columns.size(); ++i)
    out << (i ? "," : "") << csvField(table.columns[i].name);
  out << "\r\n";
  auto s = selectAll(db, table);
  int64_t rows = 0;
  while (s.step()) {
    for (int i = 0; i < s.columnCount(); ++i) {
      if (i) out << ',';
      if (s.columnType(i) == SQLITE_NULL) continue;
      std::string text = s.getText(i);
      out << (text.empty() ? "\"\"" : csvField(text));
    }
    out << "\r\n";
    ++rows;
  }
  return rows;
}

}  // namespace sigrec::analyze::exporting
