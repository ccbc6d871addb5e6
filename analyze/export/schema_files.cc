#include "analyze/export/schema_files.h"

#include <fmt/format.h>

#include <ostream>

#include "analyze/store/db_schema.h"
#include "analyze/query/output.h"

namespace sigrec::analyze::exporting {

std::string tableFile(const store::Table& table, TableFormat format) {
  return std::string(table.name) + (format == TableFormat::kNdjson ? ".ndjson" : ".csv");
}

std::string portableType(const store::Column& column) {
  std::string type = column.type;
  if (type.rfind("INTEGER", 0) == 0) return "BIGINT";
  if (type.rfind("REAL", 0) == 0) return "DOUBLE";
  return "VARCHAR";
}

void writeSchemaJson(TableFormat format, std::ostream& out) {
  Row tables = Row::array();
  for (const store::Table& t : store::tables()) {
    Row columns = Row::array();
    for (const store::Column& c : t.columns)
      columns.push_back({{"name", c.name},
                         {"type", portableType(c)},
                         {"sqlite_type", c.type},
                         {"doc", c.doc},
                         {"since_schema_version", c.since}});
    tables.push_back({{"name", t.name},
                      {"doc", t.doc},
                      {"file", tableFile(t, format)},
                      {"columns", std::move(columns)}});
  }
  Row schema = {{"schema_version", kSchemaVersion},
                {"format", format == TableFormat::kNdjson ? "ndjson" : "csv"},
                {"tables", std::move(tables)}};
  out << schema.dump(2) << '\n';
}

void writeDuckdbSql(TableFormat format, std::ostream& out) {
  out << "-- Loads this sigan export into DuckDB; run it in the export's directory:\n"
         "--   duckdb incident.duckdb < duckdb.sql\n"
         "-- Generated from the table registry, like schema.json (docs/fleet.md).\n";
  for (const store::Table& t : store::tables()) {
    std::string columns, types;
    for (const store::Column& c : t.columns) {
      // Quoted: some names (offset, count) are keywords in DuckDB.
      columns += fmt::format("{}\"{}\" {}", columns.empty() ? "" : ", ", c.name, portableType(c));
      types += fmt::format("{}'{}': '{}'", types.empty() ? "" : ", ", c.name, portableType(c));
    }
    std::string reader =
        format == TableFormat::kNdjson
            ? fmt::format("read_json('{}', format = 'newline_delimited', columns = {{{}}})",
                          tableFile(t, format), types)
            : fmt::format(
                  "read_csv('{}', header = true, quote = '\"', escape = '\"', columns = {{{}}})",
                  tableFile(t, format), types);
    out << fmt::format("CREATE TABLE {} ({});\nINSERT INTO {} SELECT * FROM {};\n", t.name, columns,
                       t.name, reader);
  }
}

}  // namespace sigrec::analyze::exporting
