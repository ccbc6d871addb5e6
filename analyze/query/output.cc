#include "analyze/query/output.h"

#include <algorithm>
#include <ostream>

#include "base/time_format.h"
#include "base/visible_text.h"

namespace sigrec::analyze {
namespace {

// Table cells are recorded text: shown escaped, so that they stay on their
// line and never act on the terminal (base/visible_text.h).
std::string oneLine(const std::string& text) {
  return names::visibleText(text);
}

Display gDisplay;

size_t width(std::string_view text) {
  return displayWidth(text);
}

std::string cut(const std::string& text, size_t max) {
  if (width(text) <= max) return text;
  if (max < 4) return text.substr(0, max);
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
  std::string text = column.text ? column.text(row) : value(column, row);
  return column.time ? shownTime(text) : text;
}

std::string csvCell(const Column& column, const Row& row) {
  return column.csv ? column.csv(row) : value(column, row);
}

// Where a line is too narrow for every cell whole: columns with a maxWidth
// are cut to it first; if the last column (the command line) would still
// get fewer than kMinLast, the columns that do not fit move to a second,
// indented line of "HEADER: value" pairs, so no row wraps mid-cell.
constexpr size_t kMinLast = 24;
constexpr const char* kContinuation = "    ";

struct Layout {
  std::vector<size_t> widths;
  size_t inlineCount = 0;  // columns [0, inlineCount) on the row's line
};

size_t lineWidth(const std::vector<size_t>& widths, size_t count) {
  size_t used = 0;
  for (size_t i = 0; i < count; ++i) used += widths[i] + (i + 1 < count ? 2 : 0);
  return used;
}

Layout layout(const std::vector<const Column*>& shown, std::vector<size_t> natural, size_t limit) {
  const size_t n = natural.size();
  Layout out{natural, n};
  if (limit == 0 || lineWidth(natural, n) <= limit) return out;
  for (size_t i = 0; i + 1 < n; ++i)
    if (shown[i]->maxWidth)
      out.widths[i] = std::min(natural[i], std::max(shown[i]->maxWidth, width(shown[i]->header)));
  const size_t before = lineWidth(out.widths, n - 1) + (n > 1 ? 2 : 0);
  if (before + std::min(natural[n - 1], kMinLast) <= limit) {
    out.widths[n - 1] = limit - before;
    return out;
  }
  size_t k = 1;
  while (k < n && lineWidth(out.widths, k + 1) <= limit) ++k;
  out.inlineCount = k;
  out.widths[k - 1] =
      std::min(out.widths[k - 1], limit - (lineWidth(out.widths, k) - out.widths[k - 1]));
  return out;
}

void printRow(std::ostream& out, const std::vector<std::string>& line,
              const std::vector<std::string>& headers, const Layout& l, size_t limit) {
  std::string text;
  for (size_t i = 0; i < l.inlineCount; ++i) {
    std::string shownCell = cut(line[i], l.widths[i]);
    text += shownCell;
    if (i + 1 < l.inlineCount) text.append(l.widths[i] + 2 - width(shownCell), ' ');
  }
  out << text << '\n';
  if (l.inlineCount == line.size() || headers.empty()) return;
  std::string rest = kContinuation;
  for (size_t i = l.inlineCount; i < line.size(); ++i)
    rest += (i > l.inlineCount ? "  " : "") + headers[i] + ": " + line[i];
  out << cut(rest, limit) << '\n';
}

void writeTable(std::ostream& out, const std::vector<Column>& columns,
                const std::vector<Row>& rows) {
  std::vector<const Column*> shown;
  for (const Column& c : columns)
    if (!c.header.empty()) shown.push_back(&c);
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> natural;
  std::vector<std::string> headers;
  for (const Column* c : shown) {
    natural.push_back(width(c->header));
    headers.push_back(c->header);
  }
  for (const Row& row : rows) {
    auto& line = cells.emplace_back();
    for (size_t i = 0; i < shown.size(); ++i) {
      std::string text = oneLine(cell(*shown[i], row));
      if (text.empty()) text.assign(1, '-');
      natural[i] = std::max(natural[i], width(text));
      line.push_back(std::move(text));
    }
  }
  if (shown.empty()) return;
  if (gDisplay.time == TimeStyle::kRelative &&
      std::any_of(shown.begin(), shown.end(), [](const Column* c) { return c->time; }))
    out << relativeTimeNote(gDisplay.originWallNs, "the capture's start") << '\n';
  const size_t limit = gDisplay.width;
  Layout l = layout(shown, natural, limit);
  printRow(out, headers, {}, l, limit);
  for (const auto& line : cells) printRow(out, line, headers, l, limit);
}

}  // namespace

void setDisplay(const Display& display) {
  gDisplay = display;
}

const Display& display() {
  return gDisplay;
}

std::string shownTime(int64_t wallNs, std::optional<int64_t> originNs) {
  return styledTime(wallNs, gDisplay.time, originNs.value_or(gDisplay.originWallNs));
}

std::string shownTime(const std::string& rfc3339, std::optional<int64_t> originNs) {
  if (gDisplay.time == TimeStyle::kUtc) return rfc3339;
  auto wall = parseTime(rfc3339);
  return wall ? shownTime(*wall, originNs) : rfc3339;
}

std::string relativeTimeNote(int64_t originNs, const char* what) {
  if (gDisplay.time != TimeStyle::kRelative) return {};
  return "times since " + formatTime(originNs) + " (" + what + ")";
}

size_t displayWidth(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

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
  std::string text = names::visibleText(line);
  out << (gDisplay.width ? cut(text, gDisplay.width) : text) << '\n';
}

void writeWrapped(std::ostream& out, std::string_view label, std::string_view text,
                  std::string_view breakAfter) {
  std::string rest = names::visibleText(text);
  const size_t indent = width(label);
  const size_t room = gDisplay.width > indent + 8 ? gDisplay.width - indent : 0;
  std::string prefix(label);
  while (room && width(rest) > room) {
    // The byte offset of the ROOM-th display column: never split a UTF-8
    // sequence.
    size_t end = 0;
    for (size_t w = 0; end < rest.size(); ++end) {
      if ((static_cast<unsigned char>(rest[end]) & 0xC0) != 0x80 && ++w > room) break;
    }
    size_t at = breakAfter.empty() || end < breakAfter.size()
                    ? std::string::npos
                    : rest.rfind(breakAfter, end - breakAfter.size());
    size_t split = at != std::string::npos && at > 0 ? at + breakAfter.size() : end;
    std::string piece = rest.substr(0, split);
    while (!piece.empty() && piece.back() == ' ') piece.pop_back();
    out << prefix << piece << '\n';
    rest.erase(0, split);
    prefix.assign(indent, ' ');
  }
  out << prefix << rest << '\n';
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
    out << '\n';
    for (const Row& row : rows) {
      for (size_t i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << csvField(csvCell(columns[i], row));
      out << '\n';
    }
    return;
  }
  writeTable(out, columns, rows);
}

}  // namespace sigrec::analyze
