// exits: one row per process that ended during the capture, with its reason
// and, for a death by signal, who sent that signal.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "analyze/loss_windows.h"
#include "analyze/queries.h"
#include "schema/time_format.h"

namespace sigrec::analyze {

int cmdExits(const Db& db, const ExitsFilter& filter, Format format, std::ostream& out) {
  std::string sql =
      "SELECT e.pid, COALESCE(p.ppid, e.parent_pid), COALESCE(p.comm, e.comm), p.cmdline,"
      " p.start_ns + c.boot_to_wall_ns, e.time_ns + c.boot_to_wall_ns, e.time_ns - p.start_ns,"
      " e.reason, e.exit_status, e.signo, e.signal_name, e.core_dumped, s.origin, s.sender_pid,"
      " s.sender_comm, sp.cmdline, s.code_name, c.hostname, e.tid, o.trigger_pid, o.trigger_comm,"
      " e.exit_code, e.capture_id"
      " FROM exits e JOIN captures c ON c.id = e.capture_id"
      " LEFT JOIN processes p ON p.id = e.process_id LEFT JOIN signals s ON s.id = e.signal_id"
      " LEFT JOIN processes sp ON sp.id = s.sender_id LEFT JOIN oom_kills o ON o.id = e.oom_id"
      " WHERE 1";
  if (filter.failed) sql += " AND (e.reason <> 'exit' OR e.exit_status <> 0)";
  if (filter.pid) sql += " AND e.pid = ?1";
  sql += " ORDER BY e.time_ns + c.boot_to_wall_ns, e.id";
  auto stmt = db.prepare(sql);
  if (filter.pid) stmt.bind(1, *filter.pid);
  std::vector<Row> rows;
  LossWindows losses(db);
  std::optional<LossOverlap> gaps;  // over all rows that lived through a loss
  size_t incomplete = 0;
  while (stmt.step()) {
    bool kernel = !stmt.isNull(12) && stmt.getText(12) == "kernel";
    Row row;
    row["pid"] = stmt.getInt(0);
    row["ppid"] = stmt.isNull(1) ? Row() : Row(stmt.getInt(1));
    row["comm"] = stmt.getText(2);
    row["cmdline"] = stmt.isNull(3) ? Row() : Row(stmt.getText(3));
    row["start_time"] = stmt.isNull(4) ? Row() : Row(formatTime(stmt.getInt(4)));
    row["exit_time"] = formatTime(stmt.getInt(5));
    row["reason"] = stmt.getText(7);
    row["exit_status"] = stmt.isNull(8) ? Row() : Row(stmt.getInt(8));
    row["signal"] = stmt.isNull(9) ? Row() : Row(stmt.getInt(9));
    row["signal_name"] = stmt.isNull(10) ? Row() : Row(stmt.getText(10));
    row["core_dumped"] = stmt.getInt(11) != 0;
    row["killer_pid"] = stmt.isNull(13) || kernel ? Row() : Row(stmt.getInt(13));
    row["killer_comm"] = stmt.isNull(14) || kernel ? Row() : Row(stmt.getText(14));
    row["origin"] = stmt.isNull(12) ? Row() : Row(stmt.getText(12));
    // Extras.
    row["lifetime"] = stmt.isNull(6) ? Row() : Row(static_cast<double>(stmt.getInt(6)) / 1e9);
    row["killer_cmdline"] = stmt.isNull(15) || kernel ? Row() : Row(stmt.getText(15));
    row["code"] = stmt.isNull(16) ? Row() : Row(stmt.getText(16));
    row["oom_trigger_pid"] = stmt.isNull(19) ? Row() : Row(stmt.getInt(19));
    row["oom_trigger_comm"] = stmt.isNull(20) ? Row() : Row(stmt.getText(20));
    row["exit_code"] = stmt.getInt(21);
    row["hostname"] = stmt.getText(17);
    auto gap = losses.during(stmt.getInt(22), stmt.isNull(4) ? stmt.getInt(5) : stmt.getInt(4),
                             stmt.getInt(5));
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
  std::vector<Column> columns = {
      {"exit_time", "EXIT TIME"},
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
  };
  writeRows(out, format, columns, rows);
  return 0;
}

}  // namespace sigrec::analyze
