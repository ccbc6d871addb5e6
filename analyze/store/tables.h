// Every table and column of the sigan database, declared once with its SQL
// type and meaning. The CREATE statements, the upgrade of older databases,
// the INSERTs (named parameters), the per-capture delete and the check of
// docs/schema.md (a test) all come from this list; the schema is a public
// interface, so columns are only ever appended (with the schema version
// that added them).
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace sigrec::analyze::store {

struct Column {
  const char* name;
  const char* type;  // SQL type and constraints
  const char* doc;
  int since = 1;  // schema version that added it
};

struct Table {
  const char* name;
  const char* doc;
  std::vector<Column> columns;
};

// In creation order; column order is the order of SELECT *.
const std::vector<Table>& tables();
const Table& table(const std::string& name);

// CREATE TABLE IF NOT EXISTS for T, with the columns that schema VERSION
// has (all of them by default).
std::string createSql(const Table& t, int version = std::numeric_limits<int>::max());
// "INSERT INTO T (c1, c2, ...) VALUES (:c1, :c2, ...)" over every column
// of TABLE: rows are bound by column name ("c1"_col), and a column not bound
// is NULL (a NOT NULL one then fails the insert, in the first test that
// writes such a row).
std::string insertSql(const std::string& table);
// Tables whose rows belong to one capture (a capture_id column).
bool perCapture(const Table& t);

}  // namespace sigrec::analyze::store
