// sql: a user's SELECT on the read-only connection (see makeReadOnly).
#include <algorithm>
#include <ostream>

#include "analyze/cli/errors.h"
#include "analyze/query/queries.h"

namespace sigrec::analyze {

int cmdSql(const Db& db, const std::string& sql, Format format, std::ostream& out) {
  std::optional<Statement> stmt;
  try {
    stmt.emplace(db.prepare(sql));
  } catch (const DbError& e) {
    // Refused by the read-only connection: the caller, which knows the
    // sources, says how to get a database that can be written.
    if (e.primaryCode() == SQLITE_AUTH || e.primaryCode() == SQLITE_READONLY) throw;
    throw UserError(std::string("sql: ") + e.what());
  }
  if (stmt->tail().find_first_not_of(" \t\r\n;") != std::string::npos)
    throw UserError("sql: give one statement only");
  std::vector<Column> columns;
  for (int i = 0; i < stmt->columnCount(); ++i) {
    // JSON objects cannot hold two fields of one name (SELECT a.id, b.id).
    std::string name = stmt->columnName(i);
    for (int n = 2; std::any_of(columns.begin(), columns.end(),
                                [&](const Column& c) { return c.key == name; });
         ++n)
      name = stmt->columnName(i) + ":" + std::to_string(n);
    columns.push_back({name, name});
  }
  std::vector<Row> rows;
  try {
    while (stmt->step()) {
      Row row;
      for (int i = 0; i < stmt->columnCount(); ++i) {
        switch (stmt->columnType(i)) {
          case SQLITE_NULL:
            row[columns[i].key] = nullptr;
            break;
          case SQLITE_INTEGER:
            row[columns[i].key] = stmt->getInt(i);
            break;
          case SQLITE_FLOAT:
            row[columns[i].key] = stmt->getDouble(i);
            break;
          default:
            row[columns[i].key] = stmt->getText(i);
            break;
        }
      }
      rows.push_back(std::move(row));
    }
  } catch (const DbError& e) {
    throw UserError(std::string("sql: ") + e.what());
  }
  writeRows(out, format, columns, rows);
  return 0;
}

}  // namespace sigrec::analyze
