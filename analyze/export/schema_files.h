// The files that describe a table export, generated from the table
// registry (analyze/store/tables.cc) so they cannot drift from it:
// schema.json for programs, duckdb.sql to load the export into DuckDB.
#pragma once

#include <iosfwd>
#include <string>

#include "analyze/export/table_export.h"
#include "analyze/store/tables.h"

namespace sigrec::analyze::exporting {

// The data file of TABLE: "signals.ndjson", "signals.csv".
std::string tableFile(const store::Table& table, TableFormat format);
// The portable type of a registry column: BIGINT for INTEGER, VARCHAR for
// TEXT (what DuckDB, ClickHouse and Spark all read without a cast).
std::string portableType(const store::Column& column);

void writeSchemaJson(TableFormat format, std::ostream& out);
void writeDuckdbSql(TableFormat format, std::ostream& out);

}  // namespace sigrec::analyze::exporting
