#include "analyze/query/output.h"

#include <algorithm>
#include <ostream>

#include "schema/visible_text.h"

namespace sigrec::analyze {
namespace {

// Table cells are recorded text: shown escaped, so that they stay on their
// line and never act on the terminal (schema/visible_text.h).
std::string oneLine(const std::string& text) {
  return names::visibleText(text);
}

// Display width, counting UTF-8 continuation bytes as nothing.
size_t width(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string cut(const std::string& text, size_t max) {
  if (width(text) <= max || max < 4) return text;
  std::string out;
  size_t w = 0;
  for (char c : text) {
    bool start = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (start && ++w > max - 3) break;
    out += c;
  }
  out.append("...");
  return out;
}

std::string value(const Column& column, const Row& row) {
  auto it = row.find(column.key);
  return it == row.end() ? std::string() : plainText(*it);
}

std::string cell(const Column& column, const Row& row) {
  return column.text ? column.text(row) : value(column, row);
}

std::string csvCell(const Column& column, const Row& row) {
  return column.csv ? column.csv(row) : value(column, row);
}

}  // namespace

std::optional<Format> parseFormat(const std::string& text) {
  if (text == "table") return Format::kTable;
  if (text == "json") return Format::kJson;
  if (text == "csv") return Format::kCsv;
  return std::nullopt;
}

std::string plainText(const nlohmann::ordered_json& value) {
  if (value.is_null()) return "";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void writeLine(std::ostream& out, std::string_view line) {
  out << names::visibleText(line) << '\n';
}

// RFC 4180 quoting of text shown escaped (CSV is read by people and
// spreadsheets; JSON is the exact form), with a formula-looking field
// defused by a leading quote, as spreadsheet guidance advises.
std::string csvField(const std::string& text) {
  std::string shown = names::visibleText(text);
  if (names::looksLikeFormula(shown)) shown.insert(0, 1, '\'');
  if (shown.find_first_of(",\"\n\r") == std::string::npos) return shown;
  std::string out = "\"";
  for (char c : shown) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void writeJsonLine(std::ostream& out, const Row& row) {
  // Command lines and comms are bytes from the kernel, not always UTF-8.
  out << row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void writeRows(std::ostream& out, Format format, const std::vector<Column>& columns,
               const std::vector<Row>& rows) {
  if (format == Format::kJson) {
    for (const Row& row : rows) writeJsonLine(out, row);
    return;
  }
  if (format == Format::kCsv) {
    for (size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << csvField(columns[i].key);
    out << "\r\n";
    for (const Row& row : rows) {
      for (size_t i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << csvField(csvCell(columns[i], row));
      out << "\r\n";
    }
    return;
  }
  std::vector<const Column*> shown;
  for (const Column& c : columns)
    if (!c.header.empty()) shown.push_back(&c);
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  widths.reserve(shown.size());
  for (const Column* c : shown) widths.push_back(width(c->header));
  for (const Row& row : rows) {
    auto& line = cells.emplace_back();
    for (size_t i = 0; i < shown.size(); ++i) {
      std::string text = oneLine(cell(*shown[i], row));
      if (text.empty()) text.assign(1, '-');
      if (shown[i]->maxWidth) text = cut(text, shown[i]->maxWidth);
      widths[i] = std::max(widths[i], width(text));
      line.push_back(std::move(text));
    }
  }
  size_t used = 0;
  for (size_t i = 0; i + 1 < shown.size(); ++i) used += widths[i] + 2;
  size_t last = used < kTableWidth - 20 ? kTableWidth - used : 20;
  auto print = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      if (i + 1 == line.size()) {
        text += cut(line[i], last);
      } else {
        text += line[i];
        text.append(widths[i] + 2 - width(line[i]), ' ');
      }
    }
    out << text << '\n';
  };
  std::vector<std::string> headers;
  headers.reserve(shown.size());
  for (const Column* c : shown) headers.push_back(c->header);
  print(headers);
  for (const auto& line : cells) print(line);
}

}  // namespace sigrec::analyze
