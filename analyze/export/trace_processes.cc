#include "analyze/export/trace_processes.h"

#include <fmt/format.h>

#include <algorithm>

#include "analyze/export/row_args.h"
#include "base/time_format.h"

namespace sigrec::analyze::exporting {
namespace {

constexpr const char* kSelect =
    "SELECT p.*, c.hostname AS x_hostname, c.boot_to_wall_ns AS x_b2w,"
    " COALESCE(c.start_ns, c.snapshot_ns) AS x_capture_start, c.end_ns AS x_capture_end,"
    " e.time_ns AS x_exit_ns, e.reason AS x_reason, e.exit_status AS x_exit_status,"
    " e.signal_name AS x_signal_name, e.core_dumped AS x_core_dumped,"
    " e.signal_id AS x_fatal_signal, (SELECT COUNT(DISTINCT hostname) FROM captures) AS x_hosts"
    " FROM processes p JOIN captures c ON c.id = p.capture_id"
    " LEFT JOIN exits e ON e.process_id = p.id ORDER BY p.capture_id, p.start_ns, p.id";

Row endArgs(const Statement& s, int64_t b2w) {
  Row args = Row::object();
  if (s.isNull("x_reason")) {
    args["end"] = "still running at the end of the capture (or its exit was not recorded)";
    return args;
  }
  std::string reason = s.getText("x_reason");
  args["reason"] = reason;
  args["exit_time"] = formatTime(s.getInt("x_exit_ns") + b2w);
  if (reason == "exit") {
    args["exit_status"] = s.getInt("x_exit_status");
  } else {
    args["signal"] = s.getText("x_signal_name");
    args["core_dumped"] = s.getInt("x_core_dumped") != 0;
  }
  return args;
}

std::string lifeName(const Statement& s) {
  if (s.isNull("x_reason")) return s.getText("comm");
  std::string reason = s.getText("x_reason");
  if (reason == "exit")
    return fmt::format("{} (exit {})", s.getText("comm"), s.getInt("x_exit_status"));
  return fmt::format("{} ({}{})", s.getText("comm"), s.getText("x_signal_name"),
                     reason == "oom" ? ", OOM killer" : "");
}

}  // namespace

std::map<int64_t, int64_t> addProcesses(const Db& db, const std::set<int64_t>& shown,
                                        TraceBuilder& trace) {
  std::map<int64_t, int64_t> fatal;
  auto s = db.prepare(kSelect);
  int64_t order = 0;
  while (s.step()) {
    int64_t id = s.getInt("id");
    if (!shown.count(id)) continue;
    int64_t b2w = s.getInt("x_b2w");
    int64_t captureStart = s.getInt("x_capture_start");
    bool forked = !s.isNull("fork_ns");
    int64_t begin = forked ? s.getInt("fork_ns") : captureStart;
    if (!s.isNull("first_seen_ns")) begin = std::min(begin, s.getInt("first_seen_ns"));
    int64_t end = !s.isNull("x_exit_ns")
                      ? s.getInt("x_exit_ns")
                      : std::max({s.getInt("x_capture_end"), s.getInt("last_seen_ns"), begin});
    Row args = rowArgs(s);
    args["hostname"] = s.getText("x_hostname");
    args["start_time"] = formatTime(s.getInt("start_ns") + b2w);
    args["from"] = forked ? "fork" : "before the capture";
    if (!trace.life(trace.processTrack(id), begin + b2w, end + b2w, lifeName(s), std::move(args),
                    endArgs(s, b2w)))
      continue;
    std::string host = s.getInt("x_hosts") > 1 ? " @" + s.getText("x_hostname") : "";
    trace.nameProcess(id, fmt::format("{} {}{}", s.getText("comm"), s.getInt("pid"), host),
                      s.getText("x_hostname"), order++);
    trace.nameThread(trace.processTrack(id),
                     fmt::format("{} {}", s.getText("comm"), s.getInt("pid")));
    if (!s.isNull("x_fatal_signal")) fatal[s.getInt("x_fatal_signal")] = id;
  }
  return fatal;
}

}  // namespace sigrec::analyze::exporting
