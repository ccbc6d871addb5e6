// who-killed PID: every signal sent to each instance of PID, with its sender
// (command line and ancestry, as recorded in the kernel), and the one that
// ended it. who-killed --comm/--cmdline: one line per matching instance,
// with that answer's fatal row.
#include <fmt/format.h>

#include <algorithm>
#include <ostream>
#include <set>

#include "analyze/attribution/cgroup_context.h"
#include "analyze/attribution/dying.h"
#include "analyze/attribution/kill_call_text.h"
#include "analyze/attribution/sender.h"
#include "analyze/query/display_text.h"
#include "analyze/cli/errors.h"
#include "analyze/query/process_info.h"
#include "analyze/attribution/loss_windows.h"
#include "analyze/query/queries.h"
#include "base/time_format.h"
#include "base/names.h"
#include "analyze/query/scope_note.h"
#include "analyze/query/who_killed_match.h"

namespace sigrec::analyze {
namespace {

struct Target {
  std::optional<ProcessInfo> process;  // none: a pid targeted while nothing had it
  std::vector<Row> rows;
  std::string ending;         // how it ended, for the table header
  std::string brief;          // ... in a word, for the listing
  bool causeMissing = false;  // died of a signal whose generation is not in the capture
};

void addSender(const Db& db, Row& row, std::optional<int64_t> senderId) {
  row["sender_ancestry"] = Row::array();
  if (!senderId) return;
  if (auto sender = loadProcess(db, *senderId)) {
    row["sender_cmdline"] = sender->cmdline;
    row["sender_start_time"] = startText(*sender);
    row["sender_ns_pid"] = sender->nsPid ? Row(*sender->nsPid) : Row();
    row["sender_exit_time"] = sender->exitWallNs ? Row(formatTime(*sender->exitWallNs)) : Row();
    row["sender_ancestry"] = ancestryJson(ancestors(db, *senderId));
  }
}

Row optText(const Statement& stmt, const char* column) {
  return stmt.isNull(column) ? Row() : Row(stmt.getText(column));
}

// The cgroup context of a process at the time of a row: the path an event
// gave then, else the latest known.
void addContext(Row& row, const std::string& cgroup) {
  const CgroupContext c = cgroupContext(cgroup);
  auto text = [](const std::string& value) { return value.empty() ? Row() : Row(value); };
  row["cgroup"] = text(cgroup);
  row["unit"] = text(c.unit);
  row["slice"] = text(c.slice);
  row["container_id"] = text(c.containerId);
  row["pod_uid"] = text(c.podUid);
}

// The cause of a signal (analyze/attribution/cause.h), with the name of the
// responsible process where the row knows it.
void addCause(const Statement& stmt, Row& row, const ProcessInfo& target) {
  row["cause"] = optText(stmt, "cause");
  row["cause_pid"] = stmt.isNull("cause_pid") ? Row() : Row(stmt.getInt("cause_pid"));
  row["cause_tid"] = stmt.isNull("cause_tid") ? Row() : Row(stmt.getInt("cause_tid"));
  row["cause_detail"] = optText(stmt, "cause_detail");
  row["cause_comm"] = Row();
  if (!stmt.isNull("cause_pid")) {
    int64_t pid = stmt.getInt("cause_pid");
    if (pid == stmt.getInt("sender_pid"))
      row["cause_comm"] = stmt.getText("sender_comm");
    else if (pid == stmt.getInt("target_pid"))
      row["cause_comm"] = row["target_comm"];
  }
  bool forged = !stmt.isNull("forged_siginfo") && stmt.getInt("forged_siginfo") != 0;
  row["forged_siginfo"] = forged;
  if (forged) {
    row["claimed_pid"] = stmt.getInt("info_pid");
    row["claimed_uid"] = stmt.getInt("info_uid");
  }
  row["kernel_stack"] =
      stmt.isNull("kernel_stack") ? Row() : Row::parse(stmt.getText("kernel_stack"));
  addContext(row, stmt.isNull("target_cgroup") ? target.cgroup : stmt.getText("target_cgroup"));
}

std::vector<Row> signalRows(const Db& db, const ProcessInfo& target, int64_t fatalId) {
  auto stmt = db.prepare(
      "SELECT " + sentBySyscall("s") +
      " AS by_syscall, s.time_ns + c.boot_to_wall_ns AS wall_ns, s.target_pid, s.target_tid, "
      "s.target_comm, "
      "s.signo,"
      " s.signal_name, s.origin, s.code, s.code_name, s.sender_id, s.sender_pid, s.sender_tid,"
      " s.sender_comm, s.result_name, s.group_directed, s.disposition,"
      " s.delivered_ns + c.boot_to_wall_ns AS delivered_wall_ns, k.syscall, k.arg0, k.arg1, "
      "k.arg2, k.arg3, k.ret,"
      " k.errno_name, s.id, s.info_addr, s.info_pid, s.info_uid, k.returned,"
      " s.cause, s.cause_pid, s.cause_tid, s.cause_detail, s.forged_siginfo, s.target_cgroup,"
      " s.kernel_stack, " +
      arrivedWhileDying("s", "?2") +
      " AS while_dying"
      " FROM signals s JOIN captures c ON c.id = s.capture_id"
      " LEFT JOIN kill_calls k ON k.id = s.kill_call_id"
      " WHERE s.target_id = ?1 ORDER BY s.time_ns, s.id");
  stmt.bind(1, target.id).bind(2, fatalId);
  std::vector<Row> rows;
  while (stmt.step()) {
    bool kernel = stmt.getInt("by_syscall") == 0;
    int signo = static_cast<int>(stmt.getInt("signo"));
    Row row;
    row["time"] = formatTime(stmt.getInt("wall_ns"));
    row["target_pid"] = stmt.getInt("target_pid");
    row["target_comm"] = target.comm.empty() ? stmt.getText("target_comm") : target.comm;
    row["signal"] = signo;
    row["signal_name"] = stmt.getText("signal_name");
    row["origin"] = stmt.getText("origin");
    row["code"] = stmt.getText("code_name");
    row["sender_pid"] = kernel ? Row() : Row(stmt.getInt("sender_pid"));
    row["sender_comm"] = kernel ? Row() : Row(stmt.getText("sender_comm"));
    row["sender_cmdline"] = Row();
    row["sender_ancestry"] = Row::array();
    row["result"] = stmt.getText("result_name");
    row["while_dying"] = stmt.getInt("while_dying") != 0;
    row["fatal"] = stmt.getInt("id") == fatalId;
    // Extras.
    row["target_tid"] = stmt.getInt("target_tid");
    row["target_start_time"] = startText(target);
    row["target_ns_pid"] = target.nsPid ? Row(*target.nsPid) : Row();
    row["hostname"] = target.hostname;
    row["code_value"] = stmt.getInt("code");
    row["thread_directed"] = stmt.getInt("group_directed") == 0;
    row["sender_tid"] = kernel ? Row() : Row(stmt.getInt("sender_tid"));
    if (!kernel) addSender(db, row, stmt.getOptInt("sender_id"));
    if (kernel) {
      // The acting task is only context for a kernel signal (the faulting
      // task, the allocating task for OOM, any task for a timer).
      row["context_pid"] = stmt.getInt("sender_pid");
      row["context_comm"] = stmt.getText("sender_comm");
    }
    if (!stmt.isNull("syscall")) {
      KillCallView call = killCallView(stmt);
      row["call"] = killCallText(call);
      if (!call.returned) row["call_returned"] = false;
    } else {
      row["call"] = Row();
    }
    row["errno"] = Row();
    row["disposition"] = stmt.isNull("disposition") ? Row() : Row(stmt.getText("disposition"));
    row["delivered_time"] = stmt.isNull("delivered_wall_ns")
                                ? Row()
                                : Row(formatTime(stmt.getInt("delivered_wall_ns")));
    if (!stmt.isNull("info_addr") &&
        (signo == 4 || signo == 5 || signo == 7 || signo == 8 || signo == 11))
      row["fault_addr"] = fmt::format("{:#x}", static_cast<uint64_t>(stmt.getInt("info_addr")));
    addCause(stmt, row, target);
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
          "SELECT k.time_ns + c.boot_to_wall_ns AS wall_ns, k.signo, k.signal_name, k.syscall, "
          "k.caller_id,"
          " k.caller_pid, k.caller_tid, k.caller_comm, k.arg0, k.arg1, k.arg2, k.arg3, k.ret,"
          " k.errno_name, c.hostname, k.target_host_tid, k.target_tid, k.returned"
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
    row["time"] = formatTime(stmt.getInt("wall_ns"));
    row["target_pid"] = pid;
    row["target_comm"] = targetComm.empty() ? Row() : Row(targetComm);
    row["signal"] = stmt.getInt("signo");
    row["signal_name"] = stmt.getText("signal_name");
    row["origin"] = stmt.getText("syscall");
    row["code"] = Row();
    row["sender_pid"] = stmt.getInt("caller_pid");
    row["sender_comm"] = stmt.getText("caller_comm");
    row["sender_cmdline"] = Row();
    row["sender_ancestry"] = Row::array();
    row["result"] = "failed";
    row["while_dying"] = false;
    row["fatal"] = false;
    row["target_tid"] =
        stmt.isNull("target_host_tid") ? Row() : Row(stmt.getInt("target_host_tid"));
    row["target_start_time"] = startTime.empty() ? Row() : Row(startTime);
    row["hostname"] = stmt.getText("hostname");
    row["code_value"] = Row();
    row["thread_directed"] = !stmt.isNull("target_tid");
    row["sender_tid"] = stmt.getInt("caller_tid");
    addSender(db, row, stmt.getOptInt("caller_id"));
    KillCallView call = killCallView(stmt);
    row["call"] = killCallText(call);
    if (!call.returned) row["call_returned"] = false;
    row["errno"] = stmt.getText("errno_name");
    row["disposition"] = Row();
    row["delivered_time"] = Row();
    // A failed call sent nothing: no cause, no context at that moment.
    for (const char* key :
         {"cause", "cause_pid", "cause_tid", "cause_comm", "cause_detail", "kernel_stack"})
      row[key] = Row();
    row["forged_siginfo"] = false;
    addContext(row, "");
    rows.push_back(std::move(row));
  }
  return rows;
}

// How an instance ended, for the table header.
struct Ending {
  std::string text;
  std::string brief;            // "exit 0", "SIGTERM core", "SIGKILL (oom)", "running"
  int64_t fatalId = -1;         // signals.id of the fatal signal, -1 if none
  bool killedBySignal = false;  // reason signal or oom
};

Ending ending(const Db& db, const ProcessInfo& p) {
  auto stmt = db.prepare(
      "SELECT e.reason, e.exit_status, e.signal_name, e.core_dumped, e.signal_id,"
      " e.time_ns + c.boot_to_wall_ns AS wall_ns FROM exits e"
      " JOIN captures c ON c.id = e.capture_id WHERE e.process_id = ?");
  stmt.bind(1, p.id);
  Ending out;
  if (!stmt.step()) {
    out.text = "still running at the end of the capture (or its exit was not recorded)";
    out.brief = "running";
    return out;
  }
  // The reference of --time relative, so absolute: local with --time local.
  const int64_t wallNs = stmt.getInt("wall_ns");
  std::string when = display().time == TimeStyle::kLocal ? shownTime(wallNs) : formatTime(wallNs);
  if (!stmt.isNull("signal_id")) out.fatalId = stmt.getInt("signal_id");
  std::string reason = stmt.getText("reason");
  if (reason == "exit") {
    out.text = fmt::format("exited with status {} at {}", stmt.getInt("exit_status"), when);
    out.brief = fmt::format("exit {}", stmt.getInt("exit_status"));
    return out;
  }
  out.killedBySignal = true;
  out.brief = stmt.getText("signal_name") + (stmt.getInt("core_dumped") ? " core" : "") +
              (reason == "oom" ? " (oom)" : "");
  out.text = fmt::format("killed by {}{}{} at {}", stmt.getText("signal_name"),
                         stmt.getInt("core_dumped") ? " (core dumped)" : "",
                         reason == "oom" ? " (OOM killer)" : "", when);
  return out;
}

// A kernel signal's acting task is context (attribution/sender.h): named as
// responsible when the cause says it is ("kernel (pipe in 4242 writer)"),
// else as what happened to be running ("kernel (timer; 4242 make was
// running)").
std::string senderText(const Row& row) {
  if (row["origin"] == "kernel") {
    if (!row.contains("context_pid")) return "kernel";
    std::string task = fmt::format("{} {}", row["context_pid"].get<int64_t>(),
                                   row["context_comm"].get<std::string>());
    bool hasCause = row.contains("cause") && !row["cause"].is_null();
    if (!hasCause) return fmt::format("kernel ({} was running)", task);
    const auto& cause = row["cause"].get_ref<const std::string&>();
    if (row["cause_pid"] == row["context_pid"])
      return fmt::format("kernel ({} in {})", cause, task);
    return fmt::format("kernel ({}; {} was running)", cause, task);
  }
  return fmt::format("{} {}", row["sender_pid"].get<int64_t>(),
                     row["sender_comm"].get<std::string>());
}

// "cgroup_kill by 4242 (sh): /sigrec-kill-1".
std::string causeText(const Row& row) {
  if (row["cause"].is_null()) return "";
  std::string text = row["cause"].get<std::string>();
  if (!row["cause_pid"].is_null()) {
    text += fmt::format(" by {}", row["cause_pid"].get<int64_t>());
    if (!row["cause_comm"].is_null())
      text += fmt::format(" ({})", row["cause_comm"].get<std::string>());
    if (!row["cause_tid"].is_null() && row["cause_tid"] != row["cause_pid"])
      text += fmt::format(" thread {}", row["cause_tid"].get<int64_t>());
  }
  if (!row["cause_detail"].is_null() && !row["cause_detail"].get<std::string>().empty())
    text += ": " + row["cause_detail"].get<std::string>();
  if (row.value("forged_siginfo", false)) text += " [forged siginfo]";
  return text;
}

const Row* fatalRow(const Target& t) {
  for (const Row& r : t.rows)
    if (r["fatal"].get<bool>()) return &r;
  return nullptr;
}

// The RESULT column: a failed call with its errno; a signal the kernel
// dropped because its target was already dying says so (attribution/dying.h).
std::string resultText(const Row& r) {
  if (r["result"] == "failed") return "failed " + plainText(r["errno"]);
  if (r.value("while_dying", false)) return "too late (dying)";
  return r["result"].get<std::string>();
}

// SIGCHLDs from children, which the kernel sends at every child's exit, fill
// a parent's table before the row that matters: a run of them is one line.
bool foldable(const Row& r) {
  return r["signal_name"] == "SIGCHLD" && !r["fatal"].get<bool>() && r.contains("cause") &&
         r["cause"] == "child";
}

// Column widths of one instance's signal rows. Where the terminal is too
// narrow for the sender at the end of the line, it gets a detail line of
// its own, for the whole group so the columns stay aligned.
struct SignalLayout {
  size_t time = 4, signal = 6, origin = 6, code = 4, result = 6;
  bool senderInline = true;
  std::optional<int64_t> originNs;  // --time relative: from here
};

std::string signalHead(const SignalLayout& l, const std::string& time, const std::string& signal,
                       const std::string& origin, const std::string& code,
                       const std::string& result) {
  return fmt::format("  {:<{}}  {:<{}}  {:<{}}  {:<{}}  {:<{}}", time, l.time, signal, l.signal,
                     origin, l.origin, code, l.code, result, l.result);
}

std::string senderCell(const Row& r) {
  return senderText(r) + (r["fatal"].get<bool>() ? "  <- FATAL" : "");
}

SignalLayout signalLayout(const std::vector<Row>& rows, std::optional<int64_t> originNs) {
  SignalLayout l;
  l.originNs = originNs;
  for (const Row& r : rows) {
    l.time = std::max(l.time, displayWidth(shownTime(r["time"].get<std::string>(), originNs)));
    l.signal = std::max(l.signal, r["signal_name"].get<std::string>().size());
    l.origin = std::max(l.origin, r["origin"].get<std::string>().size());
    l.code = std::max(l.code, plainText(r["code"]).size());
    l.result = std::max(l.result, resultText(r).size());
  }
  const size_t limit = display().width;
  const size_t head = displayWidth(signalHead(l, "", "", "", "", ""));
  for (const Row& r : rows)
    if (limit && head + 2 + displayWidth(senderCell(r)) > limit) l.senderInline = false;
  return l;
}

void writeSignalRow(std::ostream& out, const Row& r, const SignalLayout& l) {
  std::string code = plainText(r["code"]);
  std::string line = signalHead(l, shownTime(r["time"].get<std::string>(), l.originNs),
                                r["signal_name"].get<std::string>(), r["origin"].get<std::string>(),
                                code.empty() ? "-" : code, resultText(r));
  if (l.senderInline) line += "  " + senderCell(r);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  writeLine(out, line);
  if (!l.senderInline) writeWrapped(out, "      sender:   ", senderCell(r), " ");
  if (!r["call"].is_null())
    writeWrapped(out, "      call:     ", r["call"].get<std::string>(), ", ");
  if (r.contains("cause") && !r["cause"].is_null())
    writeWrapped(out, "      cause:    ", causeText(r), " ");
  if (!r["sender_cmdline"].is_null())
    writeWrapped(out, "      cmdline:  ", r["sender_cmdline"].get<std::string>(), " ");
  std::string ancestry = ancestryText(r["sender_ancestry"]);
  if (!ancestry.empty()) writeWrapped(out, "      ancestry: ", ancestry, " < ");
  if (r.contains("fault_addr"))
    out << "      address:  " << r["fault_addr"].get<std::string>() << '\n';
}

// The signal rows of one instance, runs of SIGCHLD folded (JSON and CSV
// keep every row).
void writeSignalRows(std::ostream& out, const std::vector<Row>& rows,
                     std::optional<int64_t> originNs) {
  const SignalLayout l = signalLayout(rows, originNs);
  std::string header = signalHead(l, "TIME", "SIGNAL", "ORIGIN", "CODE", "RESULT");
  while (!l.senderInline && header.back() == ' ') header.pop_back();
  writeLine(out, l.senderInline ? header + "  SENDER" : header);
  for (size_t i = 0; i < rows.size();) {
    size_t run = 0;
    while (i + run < rows.size() && foldable(rows[i + run])) ++run;
    if (run > 1) {
      writeLine(out,
                fmt::format("  {:<{}}  {} x SIGCHLD from children (every row: --format json)",
                            shownTime(rows[i]["time"].get<std::string>(), originNs), l.time, run));
      i += run;
      continue;
    }
    writeSignalRow(out, rows[i], l);
    ++i;
  }
}

void writeTable(std::ostream& out, const std::vector<Target>& targets, uint32_t pid) {
  bool first = true;
  for (const Target& t : targets) {
    if (!first) out << '\n';
    first = false;
    if (t.process) {
      const ProcessInfo& p = *t.process;
      const Row* fatal = fatalRow(t);
      std::string cause = fatal ? causeText(*fatal) : "";
      writeWrapped(
          out, "",
          fmt::format("pid {}{} ({}) on {}, started {}{}", pid,
                      p.nsPid ? fmt::format(" (pid {} in its namespace)", *p.nsPid) : "", p.comm,
                      p.hostname, startText(p), cause.empty() ? "" : ": killed, cause " + cause),
          " ");
      std::string where;
      for (const char* key : {"unit", "container_id", "pod_uid"})
        if (fatal && !(*fatal)[key].is_null())
          where += fmt::format("{}{} {}", where.empty() ? "" : ", ", key,
                               (*fatal)[key].get<std::string>());
      if (!p.cgroup.empty())
        writeWrapped(out, "  cgroup:  ", p.cgroup + (where.empty() ? "" : " (" + where + ")"), " ");
      writeWrapped(out, "  ended:   ", t.ending, " ");
      if (!p.cmdline.empty()) writeWrapped(out, "  cmdline: ", p.cmdline, " ");
    } else {
      out << fmt::format("pid {}: calls aimed at it while no process had it\n", pid);
    }
    if (t.causeMissing)
      writeWrapped(out, "  note:    ",
                   "the fatal signal was not recorded (sent before the capture started, or lost)",
                   " ");
    if (t.rows.empty()) {
      out << "  no signals were sent to it\n";
      continue;
    }
    // --time relative: from the death, which the ended line gives.
    std::optional<int64_t> death = t.process ? t.process->exitWallNs : std::nullopt;
    if (std::string note = relativeTimeNote(death.value_or(display().originWallNs),
                                            death ? "the death" : "the capture's start");
        !note.empty())
      writeLine(out, "  " + note);
    writeSignalRows(out, t.rows, death);
  }
}

// Whether instance ID passes the --unit/--container/--cgroup filter.
bool inContext(const Db& db, int64_t id, const ContextFilter& context) {
  if (!context.any()) return true;
  auto stmt = db.prepare("SELECT 1 FROM processes p WHERE p.id = ?1" + context.where("p", 2));
  stmt.bind(1, id);
  context.bind(stmt, 2);
  return stmt.step();
}

// The answer for instance P: every signal and failed call aimed at it.
Target targetOf(const Db& db, const ProcessInfo& p, const LossWindows& losses) {
  Target t;
  t.process = p;
  auto gap = losses.during(p.captureId, p.startWallNs, p.exitWallNs);
  if (gap)
    LossWindows::warn(fmt::format("pid {} ({}) started {}", p.pid, p.comm, startText(p)), *gap);
  Ending end = ending(db, p);
  int64_t fatalId = end.fatalId;
  t.ending = end.text;
  t.brief = end.brief;
  t.causeMissing = end.killedBySignal && fatalId < 0;
  t.rows = signalRows(db, p, fatalId);
  auto failed = failedCallRows(db, p.id, p.pid, p.comm, startText(p));
  t.rows.insert(t.rows.end(), failed.begin(), failed.end());
  std::stable_sort(t.rows.begin(), t.rows.end(), [](const Row& a, const Row& b) {
    return a["time"].get<std::string>() < b["time"].get<std::string>();
  });
  for (Row& r : t.rows) r["complete"] = !gap;
  return t;
}

// The listing's row for instance T: how it ended and, for a death by
// signal, who sent it (the fatal row of `who-killed PID`).
Row answerRow(const Target& t) {
  const ProcessInfo& p = *t.process;
  const Row* fatal = fatalRow(t);
  Row row;
  row["pid"] = p.pid;
  row["comm"] = p.comm;
  row["start_time"] = startText(p);
  row["end"] = t.brief;
  row["killed_by"] = fatal ? senderText(*fatal) : t.causeMissing ? "unknown" : "";
  row["cmdline"] = p.cmdline;
  row["exit_time"] = p.exitWallNs ? Row(formatTime(*p.exitWallNs)) : Row();
  auto fromFatal = [&](const char* key) {
    return fatal && fatal->contains(key) ? (*fatal)[key] : Row();
  };
  for (const char* key : {"signal_name", "origin", "sender_pid", "sender_comm", "sender_cmdline",
                          "cause", "cause_pid", "cause_detail"})
    row[key] = fromFatal(key);
  row["signal_time"] = fromFatal("time");
  row["signals"] = t.rows.size();
  row["complete"] = t.rows.empty() || t.rows.front()["complete"].get<bool>();
  row["ns_pid"] = p.nsPid ? Row(*p.nsPid) : Row();
  row["hostname"] = p.hostname;
  return row;
}

std::vector<Column> answerColumns() {
  std::vector<Column> columns = {
      {"start_time", "STARTED", {}, 0, {}, true},
      {"pid", "PID"},
      {"comm", "COMM", {}, 16},
      {"end", "ENDED"},
      {"killed_by", "KILLED BY", {}, 40},
      {"cmdline", "CMDLINE"},
  };
  for (const char* key : {"exit_time", "signal_name", "origin", "sender_pid", "sender_comm",
                          "sender_cmdline", "cause", "cause_pid", "cause_detail", "signal_time",
                          "signals", "complete", "ns_pid", "hostname"})
    columns.push_back({key, ""});
  return columns;
}

}  // namespace

int cmdWhoKilled(const Db& db, const WhoKilledQuery& query, Format format, std::ostream& out) {
  if (query.pid) return cmdWhoKilled(db, *query.pid, query.start, format, out, query.context);
  const std::vector<int64_t> ids = matchingInstances(db, query, query.context);
  const int64_t hidden =
      query.context.scope == Scope::kCommand
          ? static_cast<int64_t>(matchingInstances(db, query, query.context.outsideScope()).size())
          : 0;
  if (ids.empty()) throw UserError(noMatchMessage(query, hidden));
  LossWindows losses(db);
  std::vector<Row> rows;
  for (int64_t id : ids)
    if (auto p = loadProcess(db, id)) rows.push_back(answerRow(targetOf(db, *p, losses)));
  writeRows(out, format, answerColumns(), rows);
  noteScope(db, query.context, hidden, "matching processes");
  return 0;
}

int cmdWhoKilled(const Db& db, uint32_t pid, const std::optional<std::string>& start, Format format,
                 std::ostream& out, const ContextFilter& context) {
  std::vector<Target> targets;
  LossWindows losses(db);
  for (const ProcessInfo& p : instancesOfPid(db, pid, start))
    if (inContext(db, p.id, context)) targets.push_back(targetOf(db, p, losses));
  if (!start && !context.any()) {
    auto orphan = failedCallRows(db, std::nullopt, pid, "", "");
    if (!orphan.empty()) targets.push_back(Target{std::nullopt, orphan, ""});
  }
  if (targets.empty())
    throw UserError(unknownPidMessage(pid) +
                    (context.any() ? " in that unit, container or cgroup" : ""));

  if (format == Format::kTable) {
    writeTable(out, targets, pid);
    return 0;
  }
  std::vector<Row> rows;
  for (const Target& t : targets) rows.insert(rows.end(), t.rows.begin(), t.rows.end());
  std::vector<Column> columns;
  for (const char* key : {"time",
                          "target_pid",
                          "target_comm",
                          "signal",
                          "signal_name",
                          "origin",
                          "code",
                          "sender_pid",
                          "sender_comm",
                          "sender_cmdline",
                          "sender_ancestry",
                          "result",
                          "fatal",
                          "target_tid",
                          "target_start_time",
                          "target_ns_pid",
                          "hostname",
                          "code_value",
                          "thread_directed",
                          "sender_tid",
                          "sender_start_time",
                          "sender_ns_pid",
                          "sender_exit_time",
                          "context_pid",
                          "context_comm",
                          "call",
                          "errno",
                          "disposition",
                          "delivered_time",
                          "fault_addr",
                          "complete",
                          "while_dying",
                          "cause",
                          "cause_pid",
                          "cause_tid",
                          "cause_comm",
                          "cause_detail",
                          "forged_siginfo",
                          "claimed_pid",
                          "claimed_uid",
                          "kernel_stack",
                          "cgroup",
                          "unit",
                          "slice",
                          "container_id",
                          "pod_uid"})
    columns.push_back({key, ""});
  for (Column& c : columns) {
    if (c.key == "sender_ancestry")
      c.csv = [](const Row& row) { return ancestryText(row["sender_ancestry"]); };
    if (c.key == "kernel_stack")
      c.csv = [](const Row& row) {
        std::string text;
        if (row.contains("kernel_stack") && row["kernel_stack"].is_array())
          for (const auto& frame : row["kernel_stack"])
            text += (text.empty() ? "" : " < ") + frame.get<std::string>();
        return text;
      };
  }
  writeRows(out, format, columns, rows);
  return 0;
}

}  // namespace sigrec::analyze
