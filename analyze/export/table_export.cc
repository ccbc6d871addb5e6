#include "analyze/export/table_export.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "analyze/cli/errors.h"
#include "analyze/export/schema_files.h"
#include "analyze/export/table_files.h"

namespace sigrec::analyze::exporting {
namespace {

void writeFile(const std::filesystem::path& path, const std::function<void(std::ostream&)>& fill) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw UserError(path.string() + ": cannot write: " + std::strerror(errno));
  fill(file);
  file.close();
  if (!file) throw UserError(path.string() + ": write failed: " + std::strerror(errno));
}

}  // namespace

TableExportSummary exportTables(const Db& db, TableFormat format, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!std::filesystem::is_directory(dir, ec))
    throw UserError(dir + ": cannot create the directory" + (ec ? ": " + ec.message() : ""));
  std::filesystem::path base(dir);
  TableExportSummary summary;
  for (const store::Table& t : store::tables()) {
    writeFile(base / tableFile(t, format), [&](std::ostream& out) {
      summary.rows +=
          format == TableFormat::kNdjson ? writeNdjson(db, t, out) : writeCsv(db, t, out);
    });
    ++summary.tables;
  }
  writeFile(base / "schema.json", [&](std::ostream& out) { writeSchemaJson(format, out); });
  writeFile(base / "duckdb.sql", [&](std::ostream& out) { writeDuckdbSql(format, out); });
  return summary;
}

}  // namespace sigrec::analyze::exporting
