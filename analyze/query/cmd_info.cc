// info: what each capture is (host, kernel, time span), what it holds, and
// how complete it is (losses, trailer, damage).
#include <fmt/format.h>

#include <ostream>
#include <string>
#include <vector>

#include <fmt/ranges.h>

#include "analyze/query/queries.h"
#include "base/names.h"
#include "base/time_format.h"
#include "analyze/query/scope_note.h"

namespace sigrec::analyze {
namespace {

int64_t count(const Db& db, const std::string& sql, int64_t captureId) {
  auto stmt = db.prepare(sql);
  stmt.bind(1, captureId);
  return stmt.step() ? stmt.getInt(0) : 0;
}

// What the capture holds by design: the recorder's filters and kill-call
// mechanism. "complete" means complete for this (docs/sigan.md, "info").
std::string recordedScope(const Statement& s, const Row& features) {
  std::string scope = "every process's forks, execs and exits";
  scope += s.getInt("threads") ? ", threads included; " : "; ";
  const auto mask = static_cast<uint64_t>(s.getInt("signal_mask"));
  std::vector<std::string> only;
  if (mask != ~uint64_t{0}) {
    std::vector<std::string> names;
    for (int signo = 1; signo <= 64; ++signo)
      if (mask & (uint64_t{1} << (signo - 1))) names.push_back(names::signalName(signo));
    only.push_back(fmt::format("{}", fmt::join(names, ", ")));
  }
  if (s.getInt("filter_pid")) only.push_back(fmt::format("pid {}", s.getInt("filter_pid")));
  if (s.getInt("filter_cgroup_id"))
    only.push_back(fmt::format("cgroup id {}", s.getInt("filter_cgroup_id")));
  scope += only.empty() ? "all signals and kill calls"
                        : fmt::format("signals and kill calls of {} only", fmt::join(only, ", "));
  if (features.value("kill_calls", "") == "none")
    scope += "; kill calls only through their signals (no syscall hooks)";
  return scope;
}

Row captureRow(const Db& db, const Statement& s) {
  int64_t id = s.getInt("id");
  int64_t wall = s.getInt("boot_to_wall_ns");
  Row row;
  row["capture_id"] = id;
  row["hostname"] = s.getText("hostname");
  row["kernel"] = s.getText("kernel_release");
  row["machine"] = s.getText("machine");
  row["boot_id"] = s.getText("boot_id");
  row["recorder_version"] = s.getText("recorder_version");
  row["command"] = s.getText("command");
  row["path"] = s.getText("path");
  row["format_version"] = s.getText("format_version");
  // Captures of a sigrec before kernel features were recorded have none.
  row["kernel_features"] =
      Row::parse(s.isNull("kernel_features") ? std::string("{}") : s.getText("kernel_features"),
                 nullptr, false);
  if (row["kernel_features"].is_discarded()) row["kernel_features"] = Row::object();
  row["recorded"] = recordedScope(s, row["kernel_features"]);
  row["start_time"] = s.isNull("start_ns") ? Row() : Row(formatTime(s.getInt("start_ns") + wall));
  row["end_time"] = s.isNull("end_ns") ? Row() : Row(formatTime(s.getInt("end_ns") + wall));
  row["duration"] = s.isNull("start_ns") || s.isNull("end_ns")
                        ? Row()
                        : Row((s.getInt("end_ns") - s.getInt("start_ns")) / 1e9);
  row["trailer"] = s.getInt("trailer") != 0;
  row["stop_reason"] = s.isNull("stop_reason") ? Row() : Row(s.getText("stop_reason"));
  row["events"] = s.getInt("events");
  row["events_by_kind"] = Row{
      {"signal_generate", count(db, "SELECT COUNT(*) FROM signals WHERE capture_id=?", id)},
      {"signal_deliver", count(db, "SELECT COUNT(*) FROM deliveries WHERE capture_id=?", id)},
      {"kill_call", count(db, "SELECT COUNT(*) FROM kill_calls WHERE capture_id=?", id)},
      {"fork", count(db, "SELECT COUNT(*) FROM forks WHERE capture_id=? AND thread=0", id)},
      {"thread_create",
       count(db, "SELECT COUNT(*) FROM forks WHERE capture_id=? AND thread=1", id)},
      {"exec", count(db, "SELECT COUNT(*) FROM execs WHERE capture_id=?", id)},
      {"exit", count(db, "SELECT COUNT(*) FROM exits WHERE capture_id=?", id)},
      {"thread_exit", count(db, "SELECT COUNT(*) FROM thread_exits WHERE capture_id=?", id)},
      {"oom", count(db, "SELECT COUNT(*) FROM oom_kills WHERE capture_id=?", id)},
  };
  row["processes"] = count(db, "SELECT COUNT(*) FROM processes WHERE capture_id=?", id);
  row["snapshot_processes"] =
      s.isNull("snapshot_processes") ? Row() : Row(s.getInt("snapshot_processes"));
  row["lost"] = s.getInt("lost");
  Row losses = Row::array();
  auto ls = db.prepare(
      "SELECT cpu, probe, count, from_ns, to_ns FROM losses WHERE capture_id=? ORDER BY from_ns");
  ls.bind(1, id);
  while (ls.step())
    losses.push_back(Row{{"cpu", ls.getInt("cpu")},
                         {"probe", ls.getText("probe")},
                         {"count", ls.getInt("count")},
                         {"from", formatTime(ls.getInt("from_ns") + wall)},
                         {"to", formatTime(ls.getInt("to_ns") + wall)}});
  row["losses"] = losses;
  Row damage = Row::array();
  auto ds = db.prepare(
      "SELECT offset, bytes, what, truncation FROM damage WHERE capture_id=? ORDER BY offset");
  ds.bind(1, id);
  while (ds.step())
    damage.push_back(Row{{"offset", ds.getInt("offset")},
                         {"bytes", ds.getInt("bytes")},
                         {"what", ds.getText("what")},
                         {"truncation", ds.getInt("truncation") != 0}});
  row["damage"] = damage;
  row["complete"] = row["trailer"].get<bool>() && row["lost"].get<int64_t>() == 0 &&
                    damage.empty() && s.getInt("user_dropped") == 0;
  row["user_dropped"] = s.getInt("user_dropped");
  row["file_size"] = s.getInt("file_size");
  // What the query commands answer for by default (docs/sigan.md, "Scope").
  if (auto scope = captureScopeText(db, id))
    row["scope"] = *scope + "; --all for the whole machine";
  else if (!row["command"].get<std::string>().empty())
    row["scope"] =
        "whole machine: the capture does not name its command's process (no trailer, or an older "
        "sigrec)";
  else
    row["scope"] = "whole machine";
  return row;
}

void writeTable(std::ostream& out, const std::vector<Row>& rows) {
  bool first = true;
  for (const Row& r : rows) {
    if (!first) out << '\n';
    first = false;
    auto line = [&](const char* key, const std::string& value) {
      writeWrapped(out, fmt::format("{:<12} ", std::string(key) + ":"), value, ", ");
    };
    line("capture", fmt::format("{} ({}, format {})", plainText(r["capture_id"]),
                                plainText(r["path"]), plainText(r["format_version"])));
    line("host", fmt::format("{} ({}, boot {})", plainText(r["hostname"]), plainText(r["machine"]),
                             plainText(r["boot_id"])));
    line("kernel", plainText(r["kernel"]));
    std::string features;
    for (const auto& [name, value] : r["kernel_features"].items())
      features += (features.empty() ? "" : ", ") + plainText(Row(name)) + "=" + plainText(value);
    if (!features.empty()) line("kernel paths", features);
    line("recorder", plainText(r["recorder_version"]) +
                         (r["command"].empty() ? "" : ", command: " + plainText(r["command"])));
    line("recorded", plainText(r["recorded"]));
    line("scope", plainText(r["scope"]));
    line("start", plainText(r["start_time"]));
    line("end", plainText(r["end_time"]));
    line("duration", r["duration"].is_null()
                         ? "-"
                         : formatDuration(static_cast<int64_t>(r["duration"].get<double>() * 1e9)));
    line("trailer",
         r["trailer"].get<bool>()
             ? "present, stop reason: " + plainText(r["stop_reason"])
             : "MISSING (recorder did not stop cleanly; data up to the last whole frame)");
    std::string kinds;
    for (const auto& [kind, n] : r["events_by_kind"].items())
      if (n.get<int64_t>() > 0)
        kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n.get<int64_t>(), kind);
    line("events", plainText(r["events"]) + (kinds.empty() ? "" : " (" + kinds + ")"));
    line("processes", fmt::format("{} ({} in the start snapshot)", plainText(r["processes"]),
                                  plainText(r["snapshot_processes"])));
    line("lost", r["lost"].get<int64_t>() == 0
                     ? "0 events"
                     : plainText(r["lost"]) + " events lost by the kernel");
    for (const auto& w : r["losses"])
      out << fmt::format("  {} {} event(s) on cpu {} between {} and {}\n",
                         w["count"].get<int64_t>(), w["probe"].get<std::string>(),
                         w["cpu"].get<int64_t>(), w["from"].get<std::string>(),
                         w["to"].get<std::string>());
    if (r["user_dropped"].get<int64_t>() > 0)
      line("dropped", plainText(r["user_dropped"]) + " events dropped by the recorder");
    line("damage", r["damage"].empty() ? "none" : fmt::format("{} part(s)", r["damage"].size()));
    for (const auto& d : r["damage"])
      out << fmt::format("  offset {}: {} ({} bytes skipped)\n", d["offset"].get<int64_t>(),
                         d["what"].get<std::string>(), d["bytes"].get<int64_t>());
    line("complete", r["complete"].get<bool>() ? "yes, for what was recorded" : "no");
  }
}

}  // namespace

int cmdInfo(const Db& db, Format format, std::ostream& out) {
  auto stmt = db.prepare(
      "SELECT id, hostname, kernel_release, machine, boot_id, recorder_version, command, path,"
      " format_version, boot_to_wall_ns, start_ns, end_ns, trailer, stop_reason,"
      " COALESCE(events, 0) AS events, snapshot_processes, COALESCE(lost, 0) AS lost,"
      " COALESCE(user_dropped, 0) AS user_dropped, COALESCE(file_size, 0) AS file_size,"
      " kernel_features, signal_mask, filter_pid, filter_cgroup_id, threads"
      " FROM captures ORDER BY hostname, start_ns + boot_to_wall_ns, id");
  std::vector<Row> rows;
  while (stmt.step()) rows.push_back(captureRow(db, stmt));
  if (format == Format::kTable) {
    writeTable(out, rows);
    return 0;
  }
  std::vector<Column> columns;
  for (const char* key : {"capture_id",     "hostname",   "kernel",
                          "machine",        "boot_id",    "recorder_version",
                          "command",        "recorded",   "path",
                          "format_version", "start_time", "end_time",
                          "duration",       "trailer",    "stop_reason",
                          "events",         "processes",  "snapshot_processes",
                          "lost",           "complete",   "user_dropped",
                          "file_size",      "scope"})
    columns.push_back({key, ""});
  // CSV has one line per capture: the lists are given as counts.
  for (const char* list : {"losses", "damage"}) {
    Column& c = columns.emplace_back(Column{list, ""});
    c.csv = [list](const Row& r) { return std::to_string(r[list].size()); };
  }
  Column& features = columns.emplace_back(Column{"kernel_features", ""});
  features.csv = [](const Row& r) {
    std::string flat;
    for (const auto& [name, value] : r["kernel_features"].items())
      flat += (flat.empty() ? "" : ";") + name + "=" + value.get<std::string>();
    return flat;
  };
  writeRows(out, format, columns, rows);
  return 0;
}

}  // namespace sigrec::analyze
