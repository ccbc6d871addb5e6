// timeline: every recorded event in time order (across captures, by wall
// clock), with filters. Gaps where the kernel lost events are shown as
// `loss` rows whatever the filter, so a quiet stretch is never mistaken for
// a complete one.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "analyze/attribution/exit_links.h"
#include "analyze/attribution/kill_call_text.h"
#include "analyze/query/display_text.h"
#include "analyze/query/queries.h"
#include "base/time_format.h"
#include "base/names.h"
#include "analyze/query/scope_note.h"

namespace sigrec::analyze {
namespace {

struct Source {
  const char* kind;
  // Columns: wall_ns, pid, tid, comm, target_pid, target_comm, signo,
  // hostname, and detail (or, for kill calls, what detail() reads).
  const char* select;
  const char* pidFilter;     // with ?1 = pid; null = never matches a pid filter
  const char* signalFilter;  // with ?2 = signo; null = kind has no signal
  // The processes.id of the instance the event is about, for --unit,
  // --container and --cgroup; null: the kind matches them all (losses).
  const char* processId;
  std::string (*detail)(const Statement& row) = nullptr;  // null: the detail column
  bool hasCause = false;  // the SELECT has cause, cause_pid, cause_tid, cause_detail
};

// The call as who-killed prints it (kill(4242, SIGKILL) = -1 EPERM), and
// how many signals it generated.
std::string killCallDetail(const Statement& row) {
  return fmt::format("{}, {} signal(s)", killCallText(killCallView(row)), row.getInt("signals"));
}

constexpr Source kSources[] = {
    {"signal",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.sender_pid AS pid, x.sender_tid AS tid,"
     " x.sender_comm AS comm, x.target_pid, x.target_comm, x.signo,"
     " x.origin || ' ' || x.code_name || ' ' || x.result_name ||"
     " CASE WHEN x.group_directed THEN '' ELSE ' tid ' || x.target_tid END ||"
     " CASE WHEN x.origin = 'kernel' THEN ' (context ' || x.sender_pid || ')' ELSE '' END ||"
     // A kernel signal's cause says who is behind it: "cause cgroup_kill 4250".
     " CASE WHEN x.origin = 'kernel' AND x.cause IS NOT NULL THEN ' cause ' || x.cause ||"
     "  COALESCE(' ' || x.cause_pid, '') ELSE '' END AS detail,"
     " c.hostname, x.cause, x.cause_pid, x.cause_tid, x.cause_detail"
     " FROM signals x JOIN captures c ON c.id = x.capture_id",
     // A signal's target instance always has its target_pid: the instance's
     // index (signals_target) serves, and no index on target_pid is built.
     "(x.sender_pid = ?1 OR x.target_id IN (SELECT id FROM processes WHERE pid = ?1))",
     "x.signo = ?2", "x.target_id", nullptr, true},
    {"kill_call",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.caller_pid AS pid, x.caller_tid AS tid,"
     " x.caller_comm AS comm, x.target_host_pid AS target_pid, NULL AS target_comm, x.signo,"
     " x.syscall, x.arg0, x.arg1, x.arg2, x.arg3, x.ret, x.errno_name, x.returned, x.signals,"
     " c.hostname FROM kill_calls x JOIN captures c ON c.id = x.capture_id"
     // A call that never returned is shown too: it may have sent the
     // signal that ended its caller.
     " WHERE (x.ret < 0 OR x.signals = 0 OR x.returned = 0)",
     // Each side alone, so that each can use its partial index (SQLite's OR
     // of two indexes does not consider partial ones).
     "x.id IN (SELECT id FROM kill_calls WHERE (ret < 0 OR signals = 0 OR returned = 0)"
     " AND caller_pid = ?1 UNION ALL SELECT id FROM kill_calls"
     " WHERE (ret < 0 OR signals = 0 OR returned = 0) AND target_host_pid = ?1)",
     // A call that names no process (ESRCH, a process group) is its caller's.
     "x.signo = ?2", "COALESCE(x.target_id, x.caller_id)", killCallDetail},
    {"deliver",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.pid, x.tid, x.comm,"
     " NULL AS target_pid, NULL AS target_comm, x.signo,"
     // A group exit's SIGKILL, in words: nobody sent it (exit_links.h).
     " CASE WHEN x.cause = '" SIGAN_GROUP_EXIT_CAUSE "' THEN 'delivered as SIGKILL (group exit'"
     "  || COALESCE(' of ' || s.signal_name, ', another thread''s exit_group or exec') || ')'"
     " ELSE x.disposition || ' ' || x.code_name END AS detail, c.hostname, x.cause,"
     " COALESCE(s.cause_pid, s.sender_pid) AS cause_pid, s.cause_tid,"
     " CASE WHEN x.cause IS NULL THEN NULL WHEN s.id IS NULL"
     "  THEN 'another thread''s exit_group or exec' ELSE 'the fatal ' || s.signal_name END"
     " AS cause_detail"
     " FROM deliveries x JOIN captures c ON c.id = x.capture_id"
     " LEFT JOIN signals s ON s.id = x.signal_id AND x.cause IS NOT NULL",
     "x.pid = ?1", "x.signo = ?2", "x.process_id", nullptr, true},
    {"fork",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.parent_pid AS pid, x.parent_tid AS tid,"
     " x.parent_comm AS comm, x.child_pid AS target_pid, NULL AS target_comm, NULL AS signo,"
     " 'child ' || x.child_pid AS detail,"
     " c.hostname FROM forks x JOIN captures c ON c.id = x.capture_id WHERE x.thread = 0",
     "(x.parent_pid = ?1 OR x.child_pid = ?1)", nullptr, "x.child_id"},
    {"exec",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.pid, x.tid, x.comm,"
     " NULL AS target_pid, NULL AS target_comm, NULL AS signo,"
     " x.cmdline || CASE WHEN x.args_truncated THEN '" SIGAN_TRUNCATED_MARK "' ELSE '' END"
     " AS detail, c.hostname FROM execs x JOIN captures c ON c.id = x.capture_id",
     "x.pid = ?1", nullptr, "x.process_id"},
    {"exit",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.pid, x.tid, x.comm,"
     " NULL AS target_pid, NULL AS target_comm, x.signo,"
     " x.reason || ' ' || CASE WHEN x.signo IS NULL THEN 'status ' || x.exit_status"
     " ELSE x.signal_name || CASE WHEN x.core_dumped THEN ' core dumped' ELSE '' END END"
     " AS detail, c.hostname FROM exits x JOIN captures c ON c.id = x.capture_id",
     "x.pid = ?1", "x.signo = ?2", "x.process_id"},
    {"oom",
     "SELECT x.time_ns + c.boot_to_wall_ns AS wall_ns, x.trigger_pid AS pid,"
     " x.trigger_tid AS tid, x.trigger_comm AS comm, x.victim_pid AS target_pid,"
     " NULL AS target_comm, NULL AS signo,"
     " 'victim ' || x.victim_pid || ' anon_rss ' || x.anon_rss_kb || ' kB' AS detail,"
     " c.hostname FROM oom_kills x JOIN captures c ON c.id = x.capture_id",
     "(x.trigger_pid = ?1 OR x.victim_pid = ?1)", "9 = ?2", "x.victim_id"},
    {"loss",
     "SELECT x.to_ns + c.boot_to_wall_ns AS wall_ns, NULL AS pid, NULL AS tid, NULL AS comm,"
     " NULL AS target_pid, NULL AS target_comm, NULL AS signo,"
     " x.count || ' ' || x.probe || ' event(s) lost on cpu ' || x.cpu || ' since ' ||"
     " strftime('%Y-%m-%dT%H:%M:%S', (x.from_ns + c.boot_to_wall_ns) / 1000000000, 'unixepoch')"
     " || printf('.%09dZ', (x.from_ns + c.boot_to_wall_ns) % 1000000000) AS detail,"
     " c.hostname FROM losses x JOIN captures c ON c.id = x.capture_id",
     // Losses match every filter (binding still needs the parameters named).
     "?1 = ?1", "?2 = ?2", nullptr},
};

// The SELECT of SOURCE with the filters' conditions (?1 pid, ?2 signal,
// ?3 since, ?4 until).
std::string sourceSql(const Source& source, const TimelineFilter& filter,
                      const ContextFilter& context) {
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
  if (context.any() && source.processId)
    add(std::string(source.processId) + " IN (SELECT p.id FROM processes p WHERE 1" +
        context.where("p", 5) + ")");
  // Row order as a table scan gives it (then stable-sorted by time below),
  // whichever index a pid filter uses.
  sql += " ORDER BY x.id";
  return sql;
}

Row timelineRow(const Source& source, const Statement& stmt) {
  auto optInt = [&](const char* name) {
    return stmt.isNull(name) ? Row() : Row(stmt.getInt(name));
  };
  Row row;
  row["time"] = formatTime(stmt.getInt("wall_ns"));
  row["kind"] = source.kind;
  row["pid"] = optInt("pid");
  row["tid"] = optInt("tid");
  row["comm"] = stmt.isNull("comm") ? Row() : Row(stmt.getText("comm"));
  row["target_pid"] = optInt("target_pid");
  row["target_comm"] = stmt.isNull("target_comm") ? Row() : Row(stmt.getText("target_comm"));
  row["signal"] = optInt("signo");
  row["signal_name"] =
      stmt.isNull("signo") ? Row() : Row(names::signalName(static_cast<int>(stmt.getInt("signo"))));
  row["detail"] = source.detail ? source.detail(stmt) : stmt.getText("detail");
  row["hostname"] = stmt.getText("hostname");
  if (source.hasCause) {
    row["cause"] = stmt.isNull("cause") ? Row() : Row(stmt.getText("cause"));
    row["cause_pid"] = optInt("cause_pid");
    row["cause_tid"] = optInt("cause_tid");
    row["cause_detail"] = stmt.isNull("cause_detail") ? Row() : Row(stmt.getText("cause_detail"));
  } else {
    row["cause"] = row["cause_pid"] = row["cause_tid"] = row["cause_detail"] = Row();
  }
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
      {"time", "TIME", {}, 0, {}, true},
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
      {"cause", ""},
      {"cause_pid", ""},
      {"cause_tid", ""},
      {"cause_detail", ""},
  };
}

Statement prepareSource(const Db& db, const std::string& sql, const Source& source,
                        const TimelineFilter& filter, const ContextFilter& context) {
  auto stmt = db.prepare(sql);
  if (filter.pid) stmt.bind(1, *filter.pid);
  if (filter.signal) stmt.bind(2, *filter.signal);
  if (filter.sinceWallNs) stmt.bind(3, *filter.sinceWallNs);
  if (filter.untilWallNs) stmt.bind(4, *filter.untilWallNs);
  if (source.processId) context.bind(stmt, 5);
  return stmt;
}

// Events the command scope left out, for the note that says so.
int64_t hiddenEvents(const Db& db, const TimelineFilter& filter) {
  if (filter.context.scope != Scope::kCommand) return 0;
  const ContextFilter outside = filter.context.outsideScope();
  int64_t hidden = 0;
  for (const Source& source : kSources) {
    if ((filter.signal && !source.signalFilter) || !source.processId) continue;
    auto stmt =
        prepareSource(db, "SELECT COUNT(*) FROM (" + sourceSql(source, filter, outside) + ")",
                      source, filter, outside);
    if (stmt.step()) hidden += stmt.getInt(0);
  }
  return hidden;
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
    auto stmt = prepareSource(db, sourceSql(source, filter, filter.context), source, filter,
                              filter.context);
    while (stmt.step()) {
      Row row = timelineRow(source, stmt);
      int64_t wallNs = stmt.getInt("wall_ns");
      entries.push_back({wallNs, std::move(row)});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.wallNs < b.wallNs; });
  std::vector<Row> rows;
  rows.reserve(entries.size());
  for (Entry& e : entries) rows.push_back(std::move(e.row));

  writeRows(out, format, timelineColumns(), rows);
  noteScope(db, filter.context, hiddenEvents(db, filter), "events");
  return 0;
}

}  // namespace sigrec::analyze
