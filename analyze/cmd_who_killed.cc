// who-killed PID: every signal sent to each instance of PID, with its sender
// (command line and ancestry, as recorded in the kernel), and the one that
// ended it.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

#include "analyze/errors.h"
#include "analyze/process_info.h"
#include "analyze/loss_windows.h"
#include "analyze/queries.h"
#include "schema/time_format.h"
#include "schema/names.h"

namespace sigrec::analyze {
namespace {

std::string signalArg(int64_t signo) {
  return signo > 0 && signo <= 64 ? names::signalName(static_cast<int>(signo))
                                  : std::to_string(signo);
}

// The call as the program wrote it: "tgkill(1234, 1240, SIGTERM) = -1 EPERM".
std::string callText(const std::string& syscall, int64_t a0, int64_t a1, int64_t a2, int64_t a3,
                     int64_t ret, const std::string& errnoName) {
  std::string args;
  if (syscall == "kill" || syscall == "tkill")
    args = fmt::format("{}, {}", a0, signalArg(a1));
  else if (syscall == "tgkill")
    args = fmt::format("{}, {}, {}", a0, a1, signalArg(a2));
  else if (syscall == "pidfd_send_signal")
    args = fmt::format("{}, {}, {}, {}", a0, signalArg(a1), a2 ? "info" : "NULL", a3);
  else if (syscall == "rt_sigqueueinfo")
    args = fmt::format("{}, {}, info", a0, signalArg(a1));
  else if (syscall == "rt_tgsigqueueinfo")
    args = fmt::format("{}, {}, {}, info", a0, a1, signalArg(a2));
  std::string result = ret < 0 ? fmt::format("-1 {}", errnoName) : std::to_string(ret);
  return fmt::format("{}({}) = {}", syscall, args, result);
}

struct Target {
  std::optional<ProcessInfo> process;  // none: a pid targeted while nothing had it
  std::vector<Row> rows;
  std::string ending;         // how it ended, for the table header
  bool causeMissing = false;  // died of a signal whose generation is not in the capture
};

void addSender(const Db& db, Row& row, std::optional<int64_t> senderId) {
  row["sender_ancestry"] = Row::array();
  if (!senderId) return;
  if (auto sender = loadProcess(db, *senderId)) {
    row["sender_cmdline"] = sender->cmdline;
    row["sender_start_time"] = formatTime(sender->startWallNs);
    row["sender_exit_time"] = sender->exitWallNs ? Row(formatTime(*sender->exitWallNs)) : Row();
    row["sender_ancestry"] = ancestryJson(ancestors(db, *senderId));
  }
}

std::vector<Row> signalRows(const Db& db, const ProcessInfo& target, int64_t fatalId) {
  auto stmt = db.prepare(
      "SELECT s.time_ns + c.boot_to_wall_ns, s.target_pid, s.target_tid, s.target_comm, s.signo,"
      " s.signal_name, s.origin, s.code, s.code_name, s.sender_id, s.sender_pid, s.sender_tid,"
      " s.sender_comm, s.result_name, s.group_directed, s.disposition,"
      " s.delivered_ns + c.boot_to_wall_ns, k.syscall, k.arg0, k.arg1, k.arg2, k.arg3, k.ret,"
      " k.errno_name, s.id, s.info_addr, s.info_pid, s.info_uid"
      " FROM signals s JOIN captures c ON c.id = s.capture_id"
      " LEFT JOIN kill_calls k ON k.id = s.kill_call_id"
      " WHERE s.target_id = ? ORDER BY s.time_ns, s.id");
  stmt.bind(1, target.id);
  std::vector<Row> rows;
  while (stmt.step()) {
    bool kernel = stmt.getText(6) == "kernel";
    int signo = static_cast<int>(stmt.getInt(4));
    Row row;
    row["time"] = formatTime(stmt.getInt(0));
    row["target_pid"] = stmt.getInt(1);
    row["target_comm"] = target.comm.empty() ? stmt.getText(3) : target.comm;
    row["signal"] = signo;
    row["signal_name"] = stmt.getText(5);
    row["origin"] = stmt.getText(6);
    row["code"] = stmt.getText(8);
    row["sender_pid"] = kernel ? Row() : Row(stmt.getInt(10));
    row["sender_comm"] = kernel ? Row() : Row(stmt.getText(12));
    row["sender_cmdline"] = Row();
    row["sender_ancestry"] = Row::array();
    row["result"] = stmt.getText(13);
    row["fatal"] = stmt.getInt(24) == fatalId;
    // Extras.
    row["target_tid"] = stmt.getInt(2);
    row["target_start_time"] = formatTime(target.startWallNs);
    row["hostname"] = target.hostname;
    row["code_value"] = stmt.getInt(7);
    row["thread_directed"] = stmt.getInt(14) == 0;
    row["sender_tid"] = kernel ? Row() : Row(stmt.getInt(11));
    if (!kernel) addSender(db, row, stmt.getOptInt(9));
    if (kernel) {
      // The acting task is only context for a kernel signal (the faulting
      // task, the allocating task for OOM, any task for a timer).
      row["context_pid"] = stmt.getInt(10);
      row["context_comm"] = stmt.getText(12);
    }
    row["call"] =
        stmt.isNull(17)
            ? Row()
            : Row(callText(stmt.getText(17), stmt.getInt(18), stmt.getInt(19), stmt.getInt(20),
                           stmt.getInt(21), stmt.getInt(22), stmt.getText(23)));
    row["errno"] = Row();
    row["disposition"] = stmt.isNull(15) ? Row() : Row(stmt.getText(15));
    row["delivered_time"] = stmt.isNull(16) ? Row() : Row(formatTime(stmt.getInt(16)));
    if (!stmt.isNull(25) && (signo == 4 || signo == 5 || signo == 7 || signo == 8 || signo == 11))
      row["fault_addr"] = fmt::format("{:#x}", static_cast<uint64_t>(stmt.getInt(25)));
    rows.push_back(std::move(row));
  }
  return rows;
}

// Kill-family calls at PID that failed (EPERM, ESRCH, ...): no signal exists
// for them, yet someone tried.
std::vector<Row> failedCallRows(const Db& db, std::optional<int64_t> targetId, uint32_t pid,
                                const std::string& targetComm, const std::string& startTime) {
  auto stmt = db.prepare(
      std::string(
          "SELECT k.time_ns + c.boot_to_wall_ns, k.signo, k.signal_name, k.syscall, k.caller_id,"
          " k.caller_pid, k.caller_tid, k.caller_comm, k.arg0, k.arg1, k.arg2, k.arg3, k.ret,"
          " k.errno_name, c.hostname, k.target_host_tid, k.target_tid"
          " FROM kill_calls k JOIN captures c ON c.id = k.capture_id"
          " WHERE k.ret < 0 AND k.signo <> 0 AND ") +
      (targetId ? "k.target_id = ?"
                : "k.target_id IS NULL AND COALESCE(k.target_host_pid, k.target_host_tid) = ?") +
      " ORDER BY k.time_ns, k.id");
  if (targetId)
    stmt.bind(1, *targetId);
  else
    stmt.bind(1, pid);
  std::vector<Row> rows;
  while (stmt.step()) {
    Row row;
    row["time"] = formatTime(stmt.getInt(0));
    row["target_pid"] = pid;
    row["target_comm"] = targetComm.empty() ? Row() : Row(targetComm);
    row["signal"] = stmt.getInt(1);
    row["signal_name"] = stmt.getText(2);
    row["origin"] = stmt.getText(3);
    row["code"] = Row();
    row["sender_pid"] = stmt.getInt(5);
    row["sender_comm"] = stmt.getText(7);
    row["sender_cmdline"] = Row();
    row["sender_ancestry"] = Row::array();
    row["result"] = "failed";
    row["fatal"] = false;
    row["target_tid"] = stmt.isNull(15) ? Row() : Row(stmt.getInt(15));
    row["target_start_time"] = startTime.empty() ? Row() : Row(startTime);
    row["hostname"] = stmt.getText(14);
    row["code_value"] = Row();
    row["thread_directed"] = !stmt.isNull(16);
    row["sender_tid"] = stmt.getInt(6);
    addSender(db, row, stmt.getOptInt(4));
    row["call"] = callText(stmt.getText(3), stmt.getInt(8), stmt.getInt(9), stmt.getInt(10),
                           stmt.getInt(11), stmt.getInt(12), stmt.getText(13));
    row["errno"] = stmt.getText(13);
    row["disposition"] = Row();
    row["delivered_time"] = Row();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string endingText(const Db& db, const ProcessInfo& p, int64_t* fatalId) {
  auto stmt = db.prepare(
      "SELECT e.reason, e.exit_status, e.signal_name, e.core_dumped, e.signal_id,"
      " e.time_ns + c.boot_to_wall_ns FROM exits e JOIN captures c ON c.id = e.capture_id"
      " WHERE e.process_id = ?");
  stmt.bind(1, p.id);
  *fatalId = -1;
  if (!stmt.step()) return "still running at the end of the capture (or its exit was not recorded)";
  std::string when = formatTime(stmt.getInt(5));
  if (!stmt.isNull(4)) *fatalId = stmt.getInt(4);
  std::string reason = stmt.getText(0);
  if (reason == "exit") return fmt::format("exited with status {} at {}", stmt.getInt(1), when);
  return fmt::format("killed by {}{}{} at {}", stmt.getText(2),
                     stmt.getInt(3) ? " (core dumped)" : "", reason == "oom" ? " (OOM killer)" : "",
                     when);
}

std::string senderText(const Row& row) {
  if (row["origin"] == "kernel") {
    std::string text = "kernel";
    if (row.contains("context_pid"))
      text += fmt::format(" (in {} {})", row["context_pid"].get<int64_t>(),
                          row["context_comm"].get<std::string>());
    return text;
  }
  return fmt::format("{} {}", row["sender_pid"].get<int64_t>(),
                     row["sender_comm"].get<std::string>());
}

void writeTable(std::ostream& out, const std::vector<Target>& targets, uint32_t pid) {
  bool first = true;
  for (const Target& t : targets) {
    if (!first) out << '\n';
    first = false;
    if (t.process) {
      const ProcessInfo& p = *t.process;
      out << fmt::format("pid {} ({}) on {}, started {}\n", pid, p.comm, p.hostname,
                         formatTime(p.startWallNs));
      out << "  ended:   " << t.ending << '\n';
      if (!p.cmdline.empty()) out << "  cmdline: " << p.cmdline << '\n';
    } else {
      out << fmt::format("pid {}: calls aimed at it while no process had it\n", pid);
    }
    if (t.causeMissing)
      out << "  note:    the fatal signal was not recorded (sent before the capture started, or "
             "lost)\n";
    if (t.rows.empty()) {
      out << "  no signals were sent to it\n";
      continue;
    }
    size_t signalWidth = 6, originWidth = 6, codeWidth = 4, resultWidth = 6;
    for (const Row& r : t.rows) {
      signalWidth = std::max(signalWidth, r["signal_name"].get<std::string>().size());
      originWidth = std::max(originWidth, r["origin"].get<std::string>().size());
      codeWidth = std::max(codeWidth, plainText(r["code"]).size());
      std::string result = r["result"] == "failed" ? "failed " + plainText(r["errno"])
                                                   : r["result"].get<std::string>();
      resultWidth = std::max(resultWidth, result.size());
    }
    out << fmt::format("  {:<30}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}\n", "TIME", "SIGNAL",
                       signalWidth, "ORIGIN", originWidth, "CODE", codeWidth, "RESULT", resultWidth,
                       "SENDER");
    for (const Row& r : t.rows) {
      std::string result = r["result"] == "failed" ? "failed " + plainText(r["errno"])
                                                   : r["result"].get<std::string>();
      std::string code = plainText(r["code"]);
      out << fmt::format("  {:<30}  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {}{}\n",
                         r["time"].get<std::string>(), r["signal_name"].get<std::string>(),
                         signalWidth, r["origin"].get<std::string>(), originWidth,
                         code.empty() ? "-" : code, codeWidth, result, resultWidth, senderText(r),
                         r["fatal"].get<bool>() ? "  <- FATAL" : "");
      if (!r["call"].is_null()) out << "      call:     " << r["call"].get<std::string>() << '\n';
      if (!r["sender_cmdline"].is_null())
        out << "      cmdline:  " << r["sender_cmdline"].get<std::string>() << '\n';
      std::string ancestry = ancestryText(r["sender_ancestry"]);
      if (!ancestry.empty()) out << "      ancestry: " << ancestry << '\n';
      if (r.contains("fault_addr"))
        out << "      address:  " << r["fault_addr"].get<std::string>() << '\n';
    }
  }
}

}  // namespace

int cmdWhoKilled(const Db& db, uint32_t pid, const std::optional<std::string>& start, Format format,
                 std::ostream& out) {
  std::vector<Target> targets;
  LossWindows losses(db);
  for (const ProcessInfo& p : instancesOfPid(db, pid, start)) {
    Target& t = targets.emplace_back();
    t.process = p;
    auto gap = losses.during(p.captureId, p.startWallNs, p.exitWallNs);
    if (gap)
      LossWindows::warn(fmt::format("pid {} ({}) started {}", pid, p.comm, startText(p)), *gap);
    int64_t fatalId = -1;
    t.ending = endingText(db, p, &fatalId);
    t.causeMissing = fatalId < 0 && t.ending.rfind("killed by", 0) == 0;
    t.rows = signalRows(db, p, fatalId);
    auto failed = failedCallRows(db, p.id, pid, p.comm, formatTime(p.startWallNs));
    t.rows.insert(t.rows.end(), failed.begin(), failed.end());
    std::stable_sort(t.rows.begin(), t.rows.end(), [](const Row& a, const Row& b) {
      return a["time"].get<std::string>() < b["time"].get<std::string>();
    });
    for (Row& r : t.rows) r["complete"] = !gap;
  }
  if (!start) {
    auto orphan = failedCallRows(db, std::nullopt, pid, "", "");
    if (!orphan.empty()) targets.push_back(Target{std::nullopt, orphan, ""});
  }
  if (targets.empty()) throw UserError(fmt::format("pid {} does not appear in the capture", pid));

  if (format == Format::kTable) {
    writeTable(out, targets, pid);
    return 0;
  }
  std::vector<Row> rows;
  for (const Target& t : targets) rows.insert(rows.end(), t.rows.begin(), t.rows.end());
  std::vector<Column> columns;
  for (const char* key : {"time",           "target_pid",        "target_comm",
                          "signal",         "signal_name",       "origin",
                          "code",           "sender_pid",        "sender_comm",
                          "sender_cmdline", "sender_ancestry",   "result",
                          "fatal",          "target_tid",        "target_start_time",
                          "hostname",       "code_value",        "thread_directed",
                          "sender_tid",     "sender_start_time", "sender_exit_time",
                          "context_pid",    "context_comm",      "call",
                          "errno",          "disposition",       "delivered_time",
                          "fault_addr",     "complete"})
    columns.push_back({key, ""});
  for (Column& c : columns)
    if (c.key == "sender_ancestry")
      c.csv = [](const Row& row) { return ancestryText(row["sender_ancestry"]); };
  writeRows(out, format, columns, rows);
  return 0;
}

}  // namespace sigrec::analyze
