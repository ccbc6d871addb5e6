// Row output in the three formats: an aligned table for people, JSON Lines
// and CSV for programs. A command builds JSON objects (the stable field
// names of docs/sigan.md) and says which of them the table shows.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sigrec::analyze {

using Row = nlohmann::ordered_json;

enum class Format { kTable, kJson, kCsv };
std::optional<Format> parseFormat(const std::string& text);

inline constexpr size_t kTableWidth = 120;

struct Column {
  std::string key;     // JSON field
  std::string header;  // table header; empty = not shown in the table
  // Text for the table, which is for people; default: the value as text.
  std::function<std::string(const Row&)> text = {};
  size_t maxWidth = 0;  // table only; 0 = no cap (the last column fits the width)
  // Text for CSV, which carries the raw fields; set only where a JSON array
  // or object needs flattening. Default: the value as text.
  std::function<std::string(const Row&)> csv = {};
};

// The value as plain text: null as "", booleans as true/false.
std::string plainText(const nlohmann::ordered_json& value);

// JSON: each row as is. CSV: every column, header = keys. Table: the columns
// with a header, aligned, the last one cut to kTableWidth.
void writeRows(std::ostream& out, Format format, const std::vector<Column>& columns,
               const std::vector<Row>& rows);
void writeJsonLine(std::ostream& out, const Row& row);
std::string csvField(const std::string& text);
// One line of free text that holds recorded text, shown escaped.
void writeLine(std::ostream& out, std::string_view line);

}  // namespace sigrec::analyze
