// exits: one row per process that ended during the capture, with its reason
// and, for a death by signal, who sent that signal.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "analyze/attribution/sender.h"
#include "analyze/query/display_text.h"
#include "analyze/attribution/loss_windows.h"
#include "analyze/query/queries.h"
#include "analyze/query/scope_note.h"
#include "analyze/query/time_display.h"
#include "base/time_format.h"

namespace sigrec::analyze {
namespace {

Row exitRow(const Statement& stmt) {
  Row row;
  row["pid"] = stmt.getInt("pid");
  row["ppid"] = stmt.isNull("ppid") ? Row() : Row(stmt.getInt("ppid"));
  row["comm"] = stmt.getText("comm");
  row["cmdline"] =
      stmt.isNull("cmdline")
          ? Row()
          : Row(shownCmdline(stmt.getText("cmdline"), stmt.getInt("cmdline_truncated") != 0));
  // A start read from /proc is known to a tick: shown with those digits.
  const int64_t ticks = stmt.getInt("ticks_per_second");
  const int64_t startPrecision =
      stmt.getInt("start_exact") != 0 || ticks <= 0 ? 1 : 1'000'000'000 / ticks;
  row["start_time"] = stmt.isNull("start_wall_ns")
                          ? Row()
                          : Row(formatTimeAt(stmt.getInt("start_wall_ns"), startPrecision));
  row["exit_time"] = formatTime(stmt.getInt("exit_wall_ns"));
  row["reason"] = stmt.getText("reason");
  row["exit_status"] = stmt.isNull("exit_status") ? Row() : Row(stmt.getInt("exit_status"));
  row["signal"] = stmt.isNull("signo") ? Row() : Row(stmt.getInt("signo"));
  row["signal_name"] = stmt.isNull("signal_name") ? Row() : Row(stmt.getText("signal_name"));
  row["core_dumped"] = stmt.getInt("core_dumped") != 0;
  row["killer_pid"] = stmt.isNull("killer_pid") ? Row() : Row(stmt.getInt("killer_pid"));
  row["killer_comm"] = stmt.isNull("killer_comm") ? Row() : Row(stmt.getText("killer_comm"));
  row["origin"] = stmt.isNull("origin") ? Row() : Row(stmt.getText("origin"));
  // Extras.
  row["lifetime"] = stmt.isNull("lifetime_ns")
                        ? Row()
                        : Row(static_cast<double>(stmt.getInt("lifetime_ns")) / 1e9);
  row["killer_cmdline"] = stmt.isNull("killer_cmdline")
                              ? Row()
                              : Row(shownCmdline(stmt.getText("killer_cmdline"),
                                                 stmt.getInt("killer_cmdline_truncated") != 0));
  row["code"] = stmt.isNull("code_name") ? Row() : Row(stmt.getText("code_name"));
  row["oom_trigger_pid"] = stmt.isNull("trigger_pid") ? Row() : Row(stmt.getInt("trigger_pid"));
  row["oom_trigger_comm"] = stmt.isNull("trigger_comm") ? Row() : Row(stmt.getText("trigger_comm"));
  row["exit_code"] = stmt.getInt("exit_code");
  row["hostname"] = stmt.getText("hostname");
  auto text = [&](const char* column) {
    return stmt.isNull(column) ? Row() : Row(stmt.getText(column));
  };
  row["cause"] = text("cause");
  row["cause_pid"] = stmt.isNull("cause_pid") ? Row() : Row(stmt.getInt("cause_pid"));
  row["cause_detail"] = text("cause_detail");
  for (const char* key : {"cgroup", "unit", "slice", "container_id", "pod_uid"})
    row[key] = text(key);
  return row;
}

std::vector<Column> exitColumns() {
  auto reasonText = [](const Row& r) {
    if (r["reason"] == "exit") return fmt::format("exit {}", plainText(r["exit_status"]));
    std::string text = plainText(r["signal_name"]);
    if (r["core_dumped"].get<bool>()) text += " core";
    if (r["reason"] == "oom") text += " (oom)";
    return text;
  };
  auto killerText = [](const Row& r) -> std::string {
    if (r["origin"].is_null()) return r["reason"] == "exit" ? "" : "unknown";
    if (r["origin"] == "kernel") {
      // The cause names what the kernel did and for whom: "cgroup_kill 4250".
      if (!r["cause"].is_null() && r["cause"] != "kernel")
        return r["cause"].get<std::string>() +
               (r["cause_pid"].is_null() ? "" : " " + plainText(r["cause_pid"]));
      if (r["reason"] == "oom") return "kernel OOM";
      return "kernel " + plainText(r["code"]);
    }
    return fmt::format("{} {} ({})", plainText(r["killer_pid"]), plainText(r["killer_comm"]),
                       plainText(r["origin"]));
  };
  auto lifetimeText = [](const Row& r) {
    return r["lifetime"].is_null()
               ? std::string()
               : formatDuration(static_cast<int64_t>(r["lifetime"].get<double>() * 1e9));
  };
  return {
      {"exit_time", "EXIT TIME", {}, 0, {}, true},
      {"pid", "PID"},
      {"ppid", "PPID"},
      {"comm", "COMM", {}, 16},
      {"lifetime", "LIFETIME", lifetimeText},
      {"reason", "REASON", reasonText},
      {"killer_pid", "KILLED BY", killerText, 28},
      {"cmdline", "CMDLINE"},
      {"start_time", ""},
      {"exit_status", ""},
      {"signal", ""},
      {"signal_name", ""},
      {"core_dumped", ""},
      {"killer_comm", ""},
      {"origin", ""},
      {"killer_cmdline", ""},
      {"code", ""},
      {"oom_trigger_pid", ""},
      {"oom_trigger_comm", ""},
      {"exit_code", ""},
      {"hostname", ""},
      {"complete", ""},
      {"cause", ""},
      {"cause_pid", ""},
      {"cause_detail", ""},
      {"cgroup", ""},
      {"unit", ""},
      {"slice", ""},
      {"container_id", ""},
      {"pod_uid", ""},
  };
}

// FROM ... WHERE of the exits FILTER keeps with CONTEXT (parameters ?1..?4).
std::string exitsFrom(const ExitsFilter& filter, const ContextFilter& context) {
  std::string sql =
      " FROM exits e JOIN captures c ON c.id = e.capture_id"
      " LEFT JOIN processes p ON p.id = e.process_id LEFT JOIN signals s ON s.id = e.signal_id"
      " LEFT JOIN processes sp ON sp.id = s.sender_id AND " +
      sentBySyscall("s") + " LEFT JOIN oom_kills o ON o.id = e.oom_id WHERE 1";
  if (filter.failed) sql += " AND (e.reason <> 'exit' OR e.exit_status <> 0)";
  if (filter.pid) sql += " AND e.pid = ?1";
  return sql + context.where("p", 2);
}

// Exits the command scope left out, for the note that says so.
int64_t hiddenExits(const Db& db, const ExitsFilter& filter) {
  if (filter.context.scope != Scope::kCommand) return 0;
  const ContextFilter outside = filter.context.outsideScope();
  auto stmt = db.prepare("SELECT COUNT(*)" + exitsFrom(filter, outside));
  if (filter.pid) stmt.bind(1, *filter.pid);
  outside.bind(stmt, 2);
  return stmt.step() ? stmt.getInt(0) : 0;
}

}  // namespace

int cmdExits(const Db& db, const ExitsFilter& filter, Format format, std::ostream& out) {
  std::string sql =
      "SELECT " + senderColumn("s", "sender_pid") + " AS killer_pid, " +
      senderColumn("s", "sender_comm") +
      " AS killer_comm, e.pid, COALESCE(p.ppid, e.parent_pid) AS ppid, COALESCE(p.comm, e.comm) AS "
      "comm,"
      " p.cmdline,"
      " p.start_ns + c.boot_to_wall_ns AS start_wall_ns, e.time_ns + c.boot_to_wall_ns AS "
      "exit_wall_ns,"
      " e.time_ns - p.start_ns AS lifetime_ns,"
      " e.reason, e.exit_status, e.signo, e.signal_name, e.core_dumped, s.origin,"
      " sp.cmdline AS killer_cmdline, s.code_name, c.hostname, e.tid, "
      "o.trigger_pid, o.trigger_comm,"
      " e.exit_code, e.capture_id, p.cmdline_truncated, COALESCE(p.start_exact, 1) AS start_exact,"
      " COALESCE(c.clock_ticks_per_second, 100) AS ticks_per_second,"
      " sp.cmdline_truncated AS killer_cmdline_truncated, s.cause, s.cause_pid, s.cause_detail,"
      " p.cgroup, p.unit, p.slice, p.container_id, p.pod_uid" +
      exitsFrom(filter, filter.context);
  sql += " ORDER BY e.time_ns + c.boot_to_wall_ns, e.id";
  auto stmt = db.prepare(sql);
  if (filter.pid) stmt.bind(1, *filter.pid);
  filter.context.bind(stmt, 2);
  std::vector<Row> rows;
  LossWindows losses(db);
  std::optional<LossOverlap> gaps;  // over all rows that lived through a loss
  size_t incomplete = 0;
  while (stmt.step()) {
    Row row = exitRow(stmt);
    auto gap = losses.during(
        stmt.getInt("capture_id"),
        stmt.isNull("start_wall_ns") ? stmt.getInt("exit_wall_ns") : stmt.getInt("start_wall_ns"),
        stmt.getInt("exit_wall_ns"));
    row["complete"] = !gap;
    if (gap) {
      ++incomplete;
      if (!gaps) gaps = *gap;
      gaps->count = std::max(gaps->count, gap->count);
      gaps->fromWallNs = std::min(gaps->fromWallNs, gap->fromWallNs);
      gaps->toWallNs = std::max(gaps->toWallNs, gap->toWallNs);
    }
    rows.push_back(std::move(row));
  }
  if (gaps) {
    LossWindows::warn(fmt::format("{} of these processes lived while events were lost", incomplete),
                      *gaps);
  }

  writeRows(out, format, exitColumns(), rows);
  noteScope(db, filter.context, hiddenExits(db, filter), "exits");
  return 0;
}

}  // namespace sigrec::analyze
