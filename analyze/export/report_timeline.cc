#include "analyze/export/report_timeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/time_format.h"

namespace sigrec::analyze::exporting {
namespace {

constexpr int kLabel = 230, kWidth = 1100, kRow = 26, kTop = 30;

int64_t timeOf(const Row& value, int64_t fallback) {
  if (!value.is_string()) return fallback;
  return parseTime(value.get<std::string>()).value_or(fallback);
}

struct Scale {
  int64_t from, to;
  double x(int64_t ns) const {
    double span = static_cast<double>(std::max<int64_t>(to - from, 1));
    double f = std::clamp(static_cast<double>(ns - from) / span, 0.0, 1.0);
    return kLabel + f * (kWidth - kLabel - 20);
  }
};

Scale scaleOf(const ReportData& d) {
  Scale s{INT64_MAX, INT64_MIN};
  for (const Row& c : d.captures) {
    s.from = std::min(s.from, timeOf(c["start_time"], s.from));
    s.to = std::max(s.to, timeOf(c["end_time"], s.to));
  }
  for (const Row& r : d.whoKilled) {
    int64_t t = timeOf(r["time"], s.from);
    s.from = std::min(s.from, t);
    s.to = std::max(s.to, t);
  }
  if (s.from > s.to) s = {0, 1};
  return s;
}

// Row index per pid: the tree first (its order), then the senders.
std::map<int64_t, int> rowsOf(const ReportData& d, std::vector<std::string>& labels) {
  std::map<int64_t, int> rows;
  auto add = [&](int64_t pid, const std::string& label) {
    if (rows.emplace(pid, static_cast<int>(labels.size())).second) labels.push_back(label);
  };
  for (const Row& p : d.tree)
    add(p["pid"].get<int64_t>(),
        fmt::format("{} {}", p["pid"].get<int64_t>(), p["comm"].get<std::string>()));
  for (const Row& r : d.whoKilled)
    if (r["sender_pid"].is_number())
      add(r["sender_pid"].get<int64_t>(),
          fmt::format("{} {}", r["sender_pid"].get<int64_t>(), plainText(r["sender_comm"])));
  return rows;
}

std::string lossBands(const ReportData& d, const Scale& s, int height) {
  std::string svg;
  for (const Row& c : d.captures)
    for (const Row& w : c["losses"]) {
      double a = s.x(timeOf(w["from"], s.from)), b = s.x(timeOf(w["to"], s.to));
      svg += fmt::format(
          "<rect class=\"loss\" x=\"{:.1f}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\">"
          "<title>{} {} events lost on cpu {}</title></rect>\n",
          a, kTop, std::max(b - a, 2.0), height, w["count"].get<int64_t>(),
          htmlEscape(plainText(w["probe"])), w["cpu"].get<int64_t>());
    }
  return svg;
}

std::string lives(const ReportData& d, const Scale& s, const std::map<int64_t, int>& rows) {
  std::string svg;
  for (const Row& p : d.tree) {
    int y = kTop + rows.at(p["pid"].get<int64_t>()) * kRow + kRow / 2;
    double a = s.x(timeOf(p["start_time"], s.from)), b = s.x(timeOf(p["exit_time"], s.to));
    bool self = p["relation"] == "self";
    svg += fmt::format("<line class=\"life{}\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>\n",
                       self ? " self" : "", a, y, std::max(b, a + 1), y);
    if (p["exit_time"].is_string())
      svg += fmt::format("<text class=\"exit\" x=\"{:.1f}\" y=\"{}\">\u2715 {}</text>\n", b, y + 4,
                         htmlEscape(plainText(p["end"])));
  }
  return svg;
}

std::string signalMarks(const ReportData& d, const Scale& s, const std::map<int64_t, int>& rows) {
  std::string svg;
  int target = rows.count(d.pid) ? rows.at(d.pid) : 0;
  for (const Row& r : d.whoKilled) {
    double x = s.x(timeOf(r["time"], s.from));
    int ty = kTop + target * kRow + kRow / 2;
    std::string cls = r["fatal"] == true ? "signal fatal" : "signal";
    if (r["sender_pid"].is_number() && rows.count(r["sender_pid"].get<int64_t>())) {
      int sy = kTop + rows.at(r["sender_pid"].get<int64_t>()) * kRow + kRow / 2;
      svg += fmt::format("<line class=\"{}\" x1=\"{:.1f}\" y1=\"{}\" x2=\"{:.1f}\" y2=\"{}\"/>\n",
                         cls, x, sy, x, ty);
    }
    svg += fmt::format(
        "<circle class=\"{}\" cx=\"{:.1f}\" cy=\"{}\" r=\"5\"><title>{} {} {}</title>"
        "</circle>\n",
        cls, x, ty, htmlEscape(plainText(r["time"])), htmlEscape(plainText(r["signal_name"])),
        htmlEscape(plainText(r["result"])));
  }
  return svg;
}

}  // namespace

std::string htmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string timelineSvg(const ReportData& d) {
  Scale s = scaleOf(d);
  std::vector<std::string> labels;
  auto rows = rowsOf(d, labels);
  int height = static_cast<int>(labels.size()) * kRow;
  std::string svg =
      fmt::format("<svg width=\"{}\" height=\"{}\" role=\"img\">\n", kWidth, height + kTop + 10);
  svg += fmt::format(R"(<text class="axis" x="{}" y="16">{}</text>)", kLabel,
                     htmlEscape(formatTime(s.from)));
  svg += fmt::format("<text class=\"axis end\" x=\"{}\" y=\"16\">{}</text>\n", kWidth - 20,
                     htmlEscape(formatTime(s.to)));
  svg += lossBands(d, s, height);
  for (size_t i = 0; i < labels.size(); ++i)
    svg += fmt::format("<text class=\"label\" x=\"4\" y=\"{}\">{}</text>\n",
                       kTop + static_cast<int>(i) * kRow + kRow / 2 + 4, htmlEscape(labels[i]));
  svg += lives(d, s, rows) + signalMarks(d, s, rows);
  return svg + "</svg>\n";
}

}  // namespace sigrec::analyze::exporting
