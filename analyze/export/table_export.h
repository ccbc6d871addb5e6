// sigan export --format ndjson|csv -o DIR: every table of the database, one
// file each, plus schema.json (tables, columns, types and docs, from the
// table registry, analyze/store/tables.cc) and duckdb.sql, which creates
// the tables with those types and loads the files (docs/fleet.md).
#pragma once

#include <cstdint>
#include <string>

#include "analyze/store/db.h"

namespace sigrec::analyze::exporting {

enum class TableFormat { kNdjson, kCsv };

struct TableExportSummary {
  size_t tables = 0;
  int64_t rows = 0;
};

// DIR is created if missing; the files in it are overwritten.
TableExportSummary exportTables(const Db& db, TableFormat format, const std::string& dir);

}  // namespace sigrec::analyze::exporting
