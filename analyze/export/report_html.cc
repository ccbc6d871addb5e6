#include "analyze/export/report_html.h"

#include <fmt/format.h>

#include <ostream>

#include "analyze/export/report_timeline.h"

namespace sigrec::analyze::exporting {
namespace {

// No load of any kind: the page is read offline, attached to a bug report.
constexpr const char* kHead = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1140px; color: #222; }}
h1 {{ font-size: 20px; margin: 0 0 12px; }} h2 {{ font-size: 16px; margin: 24px 0 8px; }}
.answer {{ font-size: 17px; background: #fff4f4; border-left: 5px solid #c62828; padding: 10px 14px; }}
.answer code, td code {{ background: #f3f3f3; padding: 0 3px; }}
.complete {{ color: #2e7d32; }} .incomplete {{ color: #c62828; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
tr.fatal td {{ background: #ffebee; font-weight: bold; }}
ul.tree {{ list-style: none; padding-left: 0; font-family: monospace; }}
ul.tree li.self {{ color: #c62828; font-weight: bold; }}
svg text {{ font: 12px monospace; }} svg text.end {{ text-anchor: end; }}
svg .life {{ stroke: #90a4ae; stroke-width: 8; }} svg .life.self {{ stroke: #546e7a; }}
svg .signal {{ stroke: #1565c0; fill: #1565c0; stroke-width: 2; }}
svg .signal.fatal {{ stroke: #c62828; fill: #c62828; stroke-width: 3; }}
svg .loss {{ fill: #bdbdbd; opacity: .5; }} svg .exit {{ fill: #444; }}
</style></head><body>
)";

std::string code(const Row& v) {
  return "<code>" + htmlEscape(plainText(v)) + "</code>";
}

const Row* fatalRow(const ReportData& d) {
  for (const Row& r : d.whoKilled)
    if (r["fatal"] == true) return &r;
  return nullptr;
}

// The who-killed answer as a sentence.
std::string answer(const ReportData& d) {
  const Row* f = fatalRow(d);
  if (!f)
    return fmt::format(
        "pid {} was not killed by a signal the capture holds ({} signal(s) and "
        "failed call(s) were aimed at it; see below).",
        d.pid, d.whoKilled.size());
  std::string target =
      fmt::format("pid <b>{}</b> ({})", d.pid, htmlEscape(plainText((*f)["target_comm"])));
  std::string what =
      fmt::format("<b class=\"signal-name\">{}</b> at {}",
                  htmlEscape(plainText((*f)["signal_name"])), htmlEscape(plainText((*f)["time"])));
  if ((*f)["origin"] == "kernel")
    return fmt::format(
        "{} was killed by {}, raised by the kernel ({}{}).", target, what,
        htmlEscape(plainText((*f)["code"])),
        f->contains("context_comm") ? ", in " + htmlEscape(plainText((*f)["context_comm"])) : "");
  std::string text =
      fmt::format("{} was killed by {}, sent by pid <b class=\"sender-pid\">{}</b> ({}) running {}",
                  target, what, plainText((*f)["sender_pid"]),
                  htmlEscape(plainText((*f)["sender_comm"])), code((*f)["sender_cmdline"]));
  if (!(*f)["call"].is_null()) text += " with " + code((*f)["call"]);
  if (!(*f)["sender_ancestry"].empty()) {
    std::string chain;
    for (const Row& a : (*f)["sender_ancestry"])
      chain += fmt::format("{}{}({})", chain.empty() ? "" : " &lt; ",
                           htmlEscape(plainText(a["comm"])), plainText(a["pid"]));
    text += "; its ancestry: " + chain;
  }
  return text + ".";
}

// A command line cut to fit a line; the whole one is its tooltip.
std::string shortCode(const Row& v) {
  constexpr size_t kMax = 110;
  std::string text = plainText(v);
  if (text.size() <= kMax) return code(v);
  return fmt::format("<code title=\"{}\">{}\u2026</code>", htmlEscape(text),
                     htmlEscape(text.substr(0, kMax)));
}

std::string treeList(const ReportData& d) {
  std::string html = "<ul class=\"tree\">\n";
  for (const Row& p : d.tree)
    html += fmt::format("<li class=\"{}\" style=\"margin-left:{}em\">{} {} — {} {}</li>\n",
                        plainText(p["relation"]), 2 * p["depth"].get<int>(), plainText(p["pid"]),
                        htmlEscape(plainText(p["comm"])), shortCode(p["cmdline"]),
                        htmlEscape(plainText(p["end"])));
  return html + "</ul>\n";
}

std::string signalTable(const ReportData& d) {
  std::string html =
      "<table id=\"signals\"><tr><th>time</th><th>signal</th><th>origin</th><th>sender</th>"
      "<th>command line</th><th>call</th><th>result</th></tr>\n";
  for (const Row& r : d.whoKilled)
    html += fmt::format(
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td>"
        "<td>{}{}</td></tr>\n",
        r["fatal"] == true ? "fatal" : "", htmlEscape(plainText(r["time"])),
        htmlEscape(plainText(r["signal_name"])), htmlEscape(plainText(r["origin"])),
        plainText(r["sender_pid"]), htmlEscape(plainText(r["sender_comm"])),
        r["sender_cmdline"].is_null() ? "" : code(r["sender_cmdline"]),
        r["call"].is_null() ? "" : code(r["call"]), htmlEscape(plainText(r["result"])),
        r["fatal"] == true ? " (fatal)" : "");
  return html + "</table>\n";
}

std::string metadata(const ReportData& d) {
  std::string html =
      "<table id=\"metadata\"><tr><th>host</th><th>kernel</th><th>start</th><th>end</th>"
      "<th>duration</th><th>events</th><th>lost</th><th>complete</th></tr>\n";
  for (const Row& c : d.captures) {
    bool complete = c["complete"] == true;
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"{}\">{}</td></tr>\n",
        htmlEscape(plainText(c["hostname"])), htmlEscape(plainText(c["kernel"])),
        htmlEscape(plainText(c["start_time"])), htmlEscape(plainText(c["end_time"])),
        htmlEscape(plainText(c["duration"])), plainText(c["events"]), plainText(c["lost"]),
        complete ? "complete" : "incomplete",
        complete ? "complete" : "incomplete: events were lost or the file is damaged");
  }
  return html + "</table>\n";
}

}  // namespace

void writeReportHtml(const ReportData& d, std::ostream& out) {
  std::string title = fmt::format("Who killed pid {}? (sigan report)", d.pid);
  out << fmt::format(kHead, htmlEscape(title));
  out << "<h1>" << htmlEscape(title) << "</h1>\n";
  out << R"(<p class="answer" id="answer">)" << answer(d) << "</p>\n";
  auto leftOut = [](size_t n, const char* what, const std::string& command) {
    return n ? fmt::format(
                   "<p class=\"left-out\">{} more {} not shown: <code>{}</code> lists "
                   "them all.</p>\n",
                   n, what, command)
             : std::string();
  };
  out << "<h2>Process tree</h2>\n"
      << treeList(d) << leftOut(d.treeLeftOut, "descendants", fmt::format("sigan tree {}", d.pid));
  out << "<h2>Timeline</h2>\n<div id=\"timeline\">" << timelineSvg(d) << "</div>\n";
  out << "<h2>Signals and kill calls aimed at pid " << d.pid << "</h2>\n"
      << signalTable(d)
      << leftOut(d.signalsLeftOut, "signals", fmt::format("sigan who-killed {}", d.pid));
  out << "<h2>Captures</h2>\n" << metadata(d);
  out << "<p><small>Made by sigan report; the same answers as <code>sigan who-killed " << d.pid
      << "</code>, <code>sigan tree " << d.pid
      << "</code> and <code>sigan info</code>.</small></p>\n</body></html>\n";
}

}  // namespace sigrec::analyze::exporting
