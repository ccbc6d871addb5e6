// timeline: every recorded event in time order (across captures, by wall
// clock), with filters. Gaps where the kernel lost events are shown as
// `loss` rows whatever the filter, so a quiet stretch is never mistaken for
// a complete one.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "analyze/display_text.h"
#include "analyze/queries.h"
#include "schema/time_format.h"
#include "schema/names.h"

namespace sigrec::analyze {
namespace {

struct Source {
  const char* kind;
  // Columns: wall ns, pid, tid, comm, target pid, target comm, signo, detail, hostname.
  const char* select;
  const char* pidFilter;     // with ?1 = pid; null = never matches a pid filter
  const char* signalFilter;  // with ?2 = signo; null = kind has no signal
};

constexpr Source kSources[] = {
    {"signal",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.sender_pid, x.sender_tid, x.sender_comm,"
     " x.target_pid, x.target_comm, x.signo,"
     " x.origin || ' ' || x.code_name || ' ' || x.result_name ||"
     " CASE WHEN x.group_directed THEN '' ELSE ' tid ' || x.target_tid END ||"
     " CASE WHEN x.origin = 'kernel' THEN ' (context ' || x.sender_pid || ')' ELSE '' END,"
     " c.hostname FROM signals x JOIN captures c ON c.id = x.capture_id",
     // A signal's target instance always has its target_pid: the instance's
     // index (signals_target) serves, and no index on target_pid is built.
     "(x.sender_pid = ?1 OR x.target_id IN (SELECT id FROM processes WHERE pid = ?1))",
     "x.signo = ?2"},
    {"kill_call",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.caller_pid, x.caller_tid, x.caller_comm,"
     " x.target_host_pid, NULL, x.signo,"
     // The call as written, as who-killed prints it: kill(4242, SIGKILL) = -1 EPERM.
     " x.syscall || '(' || CASE x.syscall"
     "  WHEN 'kill' THEN x.arg0 || ', ' || x.signal_name"
     "  WHEN 'tkill' THEN x.arg0 || ', ' || x.signal_name"
     "  WHEN 'tgkill' THEN x.arg0 || ', ' || x.arg1 || ', ' || x.signal_name"
     "  WHEN 'pidfd_send_signal' THEN x.arg0 || ', ' || x.signal_name || ', ' ||"
     "   CASE WHEN x.arg2 = 0 THEN 'NULL' ELSE 'info' END || ', ' || x.arg3"
     "  WHEN 'rt_sigqueueinfo' THEN x.arg0 || ', ' || x.signal_name || ', info'"
     "  ELSE x.arg0 || ', ' || x.arg1 || ', ' || x.signal_name || ', info' END || ')' ||"
     " CASE WHEN x.returned = 0 THEN '" SIGAN_NO_RETURN_TEXT "'"
     " WHEN x.ret IS NULL THEN '" SIGAN_RETURN_UNSEEN_TEXT "' ELSE ' = ' ||"
     " CASE WHEN x.ret < 0 THEN '-1 ' || x.errno_name ELSE x.ret END END ||"
     " ', ' || x.signals || ' signal(s)',"
     " c.hostname FROM kill_calls x JOIN captures c ON c.id = x.capture_id"
     // A call that never returned is shown too: it may have sent the
     // signal that ended its caller.
     " WHERE (x.ret < 0 OR x.signals = 0 OR x.returned = 0)",
     // Each side alone, so that each can use its partial index (SQLite's OR
     // of two indexes does not consider partial ones).
     "x.id IN (SELECT id FROM kill_calls WHERE (ret < 0 OR signals = 0 OR returned = 0)"
     " AND caller_pid = ?1 UNION ALL SELECT id FROM kill_calls"
     " WHERE (ret < 0 OR signals = 0 OR returned = 0) AND target_host_pid = ?1)",
     "x.signo = ?2"},
    {"deliver",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.pid, x.tid, x.comm, NULL, NULL, x.signo,"
     " x.disposition || ' ' || x.code_name,"
     " c.hostname FROM deliveries x JOIN captures c ON c.id = x.capture_id",
     "x.pid = ?1", "x.signo = ?2"},
    {"fork",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.parent_pid, x.parent_tid, x.parent_comm,"
     " x.child_pid, NULL, NULL, 'child ' || x.child_pid,"
     " c.hostname FROM forks x JOIN captures c ON c.id = x.capture_id WHERE x.thread = 0",
     "(x.parent_pid = ?1 OR x.child_pid = ?1)", nullptr},
    {"exec",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.pid, x.tid, x.comm, NULL, NULL, NULL,"
     " x.cmdline || CASE WHEN x.args_truncated THEN '" SIGAN_TRUNCATED_MARK "' ELSE '' END,"
     " c.hostname FROM execs x JOIN captures c ON c.id = x.capture_id",
     "x.pid = ?1", nullptr},
    {"exit",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.pid, x.tid, x.comm, NULL, NULL, x.signo,"
     " x.reason || ' ' || CASE WHEN x.signo IS NULL THEN 'status ' || x.exit_status"
     " ELSE x.signal_name || CASE WHEN x.core_dumped THEN ' core dumped' ELSE '' END END,"
     " c.hostname FROM exits x JOIN captures c ON c.id = x.capture_id",
     "x.pid = ?1", "x.signo = ?2"},
    {"oom",
     "SELECT x.time_ns + c.boot_to_wall_ns, x.trigger_pid, x.trigger_tid, x.trigger_comm,"
     " x.victim_pid, NULL, NULL, 'victim ' || x.victim_pid || ' anon_rss ' || x.anon_rss_kb || ' "
     "kB',"
     " c.hostname FROM oom_kills x JOIN captures c ON c.id = x.capture_id",
     "(x.trigger_pid = ?1 OR x.victim_pid = ?1)", "9 = ?2"},
    {"loss",
     "SELECT x.to_ns + c.boot_to_wall_ns, NULL, NULL, NULL, NULL, NULL, NULL,"
     " x.count || ' ' || x.probe || ' event(s) lost on cpu ' || x.cpu || ' since ' ||"
     " strftime('%Y-%m-%dT%H:%M:%S', (x.from_ns + c.boot_to_wall_ns) / 1000000000, 'unixepoch')"
     " || printf('.%09dZ', (x.from_ns + c.boot_to_wall_ns) % 1000000000),"
     " c.hostname FROM losses x JOIN captures c ON c.id = x.capture_id",
     // Losses match every filter (binding still needs the parameters named).
     "?1 = ?1", "?2 = ?2"},
};

// The SELECT of SOURCE with the filters' conditions (?1 pid, ?2 signal,
// ?3 since, ?4 until).
std::string sourceSql(const Source& source, const TimelineFilter& filter) {
  std::string sql = source.select;
  std::string glue = sql.find(" WHERE ") == std::string::npos ? " WHERE " : " AND ";
  auto add = [&](const std::string& condition) {
    sql += glue + condition;
    glue = " AND ";
  };
  if (filter.pid) add(source.pidFilter);
  if (filter.signal) add(source.signalFilter);
  std::string wall = std::string(source.kind) == "loss" ? "x.to_ns" : "x.time_ns";
  if (filter.sinceWallNs) add(wall + " + c.boot_to_wall_ns >= ?3");
  if (filter.untilWallNs) add(wall + " + c.boot_to_wall_ns <= ?4");
  // Row order as a table scan gives it (then stable-sorted by time below),
  // whichever index a pid filter uses.
  sql += " ORDER BY x.id";
  return sql;
}

Row timelineRow(const Source& source, const Statement& stmt) {
  Row row;
  int64_t wallNs = stmt.getInt(0);
  row["time"] = formatTime(wallNs);
  row["kind"] = source.kind;
  row["pid"] = stmt.isNull(1) ? Row() : Row(stmt.getInt(1));
  row["tid"] = stmt.isNull(2) ? Row() : Row(stmt.getInt(2));
  row["comm"] = stmt.isNull(3) ? Row() : Row(stmt.getText(3));
  row["target_pid"] = stmt.isNull(4) ? Row() : Row(stmt.getInt(4));
  row["target_comm"] = stmt.isNull(5) ? Row() : Row(stmt.getText(5));
  row["signal"] = stmt.isNull(6) ? Row() : Row(stmt.getInt(6));
  row["signal_name"] =
      stmt.isNull(6) ? Row() : Row(names::signalName(static_cast<int>(stmt.getInt(6))));
  row["detail"] = stmt.getText(7);
  row["hostname"] = stmt.getText(8);
  return row;
}

std::vector<Column> timelineColumns() {
  auto target = [](const Row& r) {
    if (r["target_pid"].is_null()) return std::string();
    std::string text = plainText(r["target_pid"]);
    if (!r["target_comm"].is_null()) text += " " + r["target_comm"].get<std::string>();
    return text;
  };
  return {
      {"time", "TIME"},
      {"kind", "KIND"},
      {"pid", "PID"},
      {"comm", "COMM", {}, 16},
      {"signal_name", "SIGNAL"},
      {"target_pid", "TARGET", target, 24},
      {"detail", "DETAIL"},
      {"tid", ""},
      {"target_comm", ""},
      {"signal", ""},
      {"hostname", ""},
  };
}

}  // namespace

int cmdTimeline(const Db& db, const TimelineFilter& filter, Format format, std::ostream& out) {
  struct Entry {
    int64_t wallNs;
    Row row;
  };
  std::vector<Entry> entries;
  for (const Source& source : kSources) {
    if (filter.signal && !source.signalFilter) continue;
    std::string sql = sourceSql(source, filter);
    auto stmt = db.prepare(sql);
    if (filter.pid) stmt.bind(1, *filter.pid);
    if (filter.signal) stmt.bind(2, *filter.signal);
    if (filter.sinceWallNs) stmt.bind(3, *filter.sinceWallNs);
    if (filter.untilWallNs) stmt.bind(4, *filter.untilWallNs);
    while (stmt.step()) {
      Row row = timelineRow(source, stmt);
      int64_t wallNs = stmt.getInt(0);
      entries.push_back({wallNs, std::move(row)});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.wallNs < b.wallNs; });
  std::vector<Row> rows;
  rows.reserve(entries.size());
  for (Entry& e : entries) rows.push_back(std::move(e.row));

  writeRows(out, format, timelineColumns(), rows);
  return 0;
}

}  // namespace sigrec::analyze
