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

#include "analyze/query/time_display.h"

namespace sigrec::analyze {

using Row = nlohmann::ordered_json;

enum class Format { kTable, kJson, kCsv };
std::optional<Format> parseFormat(const std::string& text);

// How tables are laid out, set once by the command line (cli.cc) before a
// command runs. JSON and CSV never depend on it.
struct Display {
  // Columns a table line may take: the terminal's width, or 0 for no
  // limit (stdout is not a terminal, or --wide): then nothing is cut.
  size_t width = 0;
  TimeStyle time = TimeStyle::kUtc;
  // --time relative: times are shown from here (the capture's start; a
  // command may show its own reference, as who-killed shows the death).
  int64_t originWallNs = 0;
};
void setDisplay(const Display& display);
const Display& display();

struct Column {
  std::string key;     // JSON field
  std::string header;  // table header; empty = not shown in the table
  // Text for the table, which is for people; default: the value as text.
  std::function<std::string(const Row&)> text = {};
  // Table only: where the line is too narrow for every cell whole, this
  // column is cut to maxWidth before the last one is; 0 = never. The last
  // column (the command line) takes the width that is left.
  size_t maxWidth = 0;
  // Text for CSV, which carries the raw fields; set only where a JSON array
  // or object needs flattening. Default: the value as text.
  std::function<std::string(const Row&)> csv = {};
  // Table only: the value is an RFC 3339 time, shown in display().time.
  bool time = false;
};

// The value as plain text: null as "", booleans as true/false.
std::string plainText(const nlohmann::ordered_json& value);

// JSON: each row as is. CSV: every column, header = keys, LF line ends.
// Table: the columns with a header, aligned, fitted to display().width
// (see writeTable in output.cc).
void writeRows(std::ostream& out, Format format, const std::vector<Column>& columns,
               const std::vector<Row>& rows);
void writeJsonLine(std::ostream& out, const Row& row);
std::string csvField(const std::string& text);
// One line of free text that holds recorded text, shown escaped, cut to
// display().width.
void writeLine(std::ostream& out, std::string_view line);
// LABEL then TEXT (recorded text, shown escaped), wrapped to
// display().width: lines break after BREAK_AFTER (e.g. " < " between
// ancestors, " " in a command line), else anywhere, and go on under the
// start of TEXT. Nothing is lost, unlike writeLine's cut.
void writeWrapped(std::ostream& out, std::string_view label, std::string_view text,
                  std::string_view breakAfter);
// WALL_NS as the table shows it (display().time), relative to ORIGIN_NS
// (default: display().originWallNs).
std::string shownTime(int64_t wallNs, std::optional<int64_t> originNs = std::nullopt);
// The same for an RFC 3339 text (a JSON field); text that is no time as is.
std::string shownTime(const std::string& rfc3339, std::optional<int64_t> originNs = std::nullopt);
// "times since 2026-...Z (the capture's start)" for --time relative, else
// empty: the reference a table's relative times need.
std::string relativeTimeNote(int64_t originNs, const char* what);
// Display width of TEXT (UTF-8 continuation bytes count as nothing).
size_t displayWidth(std::string_view text);

}  // namespace sigrec::analyze
