#include "analyze/export/trace_signals.h"

#include <fmt/format.h>

#include "analyze/export/row_args.h"
#include "base/time_format.h"

namespace sigrec::analyze::exporting {
namespace {

// SELECT * of TABLE with the capture's clock offset (and EXTRA columns),
// optionally of one signal.
Statement tableRows(const Db& db, const char* table, const SignalScope& scope,
                    const char* extra = "") {
  std::string sql = fmt::format(
      "SELECT x.*, c.boot_to_wall_ns AS x_b2w{} FROM {} x JOIN captures c ON c.id = x.capture_id{}"
      " ORDER BY x.time_ns, x.id",
      extra, table, scope.signal ? " WHERE x.signo = ?" : "");
  auto stmt = db.prepare(sql);
  if (scope.signal) stmt.bind(1, *scope.signal);
  return stmt;
}

bool shown(const SignalScope& scope, const Statement& s, const char* column) {
  return !s.isNull(column) && scope.shown.count(s.getInt(column)) > 0;
}

std::string callName(const Statement& s) {
  std::string name = fmt::format(
      "{}({}, {})", s.getText("syscall"),
      s.isNull("target_pid") ? std::string("?") : std::to_string(s.getInt("target_pid")),
      s.getText("signal_name"));
  if (!s.isNull("returned") && s.getInt("returned") == 0) return name + " (did not return)";
  if (s.getInt("ret") < 0) return name + " = " + s.getText("errno_name");
  return name;
}

}  // namespace

void addKillCalls(const Db& db, const SignalScope& scope, TraceBuilder& trace) {
  // The return time of a call is not recorded: its slice runs from entry
  // to the last signal it generated, so that every send nests in it.
  auto s = tableRows(db, "kill_calls", scope,
                     ", (SELECT MAX(time_ns) FROM signals WHERE kill_call_id = x.id) AS x_last");
  while (s.step()) {
    if (!shown(scope, s, "caller_id")) continue;
    int64_t b2w = s.getInt("x_b2w");
    int64_t begin = s.isNull("enter_ns") ? s.getInt("time_ns") : s.getInt("enter_ns");
    int64_t end = s.isNull("x_last") ? begin : std::max(begin, s.getInt("x_last"));
    Track track =
        trace.threadTrack(s.getInt("caller_id"), s.getInt("caller_pid"), s.getInt("caller_tid"));
    Row args = rowArgs(s);
    args["time"] = formatTime(begin + b2w);
    trace.complete(track, begin + b2w, end - begin, callName(s), "kill_call", std::move(args));
  }
}

void addSignals(const Db& db, const SignalScope& scope, TraceBuilder& trace, Decimator& decimator) {
  auto s = tableRows(db, "signals", scope);
  while (s.step()) {
    int64_t id = s.getInt("id");
    int64_t ns = s.getInt("time_ns") + s.getInt("x_b2w");
    bool kernel = s.getText("origin") == "kernel";
    bool fatal = scope.fatal.count(id) > 0;
    bool toTarget = shown(scope, s, "target_id");
    bool fromSender = !kernel && shown(scope, s, "sender_id");
    std::string signal = s.getText("signal_name");
    Row args = rowArgs(s);
    args["time"] = formatTime(ns);
    args["fatal"] = fatal;
    args["kernel_origin"] = kernel;
    if (fromSender) {
      Track from =
          trace.threadTrack(s.getInt("sender_id"), s.getInt("sender_pid"), s.getInt("sender_tid"));
      std::string name = fmt::format("send {} \u2192 {} {}", signal, s.getInt("target_pid"),
                                     s.getText("target_comm"));
      trace.complete(from, ns, 0, name, "send", args,
                     toTarget ? std::optional(std::pair(id, true)) : std::nullopt);
    }
    if (!toTarget) continue;
    Track to = s.getInt("group_directed") != 0
                   ? trace.processTrack(s.getInt("target_id"))
                   : trace.threadTrack(s.getInt("target_id"), s.getInt("target_pid"),
                                       s.getInt("target_tid"));
    if (kernel && !fatal && !decimator.keep(to, signal, "signal", ns)) continue;
    std::string from =
        kernel ? "kernel" : fmt::format("{} {}", s.getInt("sender_pid"), s.getText("sender_comm"));
    std::string name = fmt::format("{} \u2190 {}{}", signal, from, fatal ? " (fatal)" : "");
    const char* cat = fatal ? (kernel ? "signal,kernel,fatal" : "signal,fatal")
                            : (kernel ? "signal,kernel" : "signal");
    trace.complete(to, ns, 0, name, cat, std::move(args),
                   fromSender ? std::optional(std::pair(id, false)) : std::nullopt);
  }
}

void addDeliveries(const Db& db, const SignalScope& scope, TraceBuilder& trace,
                   Decimator& decimator) {
  auto s = tableRows(db, "deliveries", scope);
  while (s.step()) {
    if (!shown(scope, s, "process_id")) continue;
    int64_t ns = s.getInt("time_ns") + s.getInt("x_b2w");
    Track track = trace.threadTrack(s.getInt("process_id"), s.getInt("pid"), s.getInt("tid"));
    std::string signal = s.getText("signal_name");
    std::string disposition = s.getText("disposition");
    if (disposition != "default" && !decimator.keep(track, signal, "delivery", ns)) continue;
    Row args = rowArgs(s);
    args["time"] = formatTime(ns);
    trace.instant(track, ns, fmt::format("deliver {}: {}", signal, disposition), "delivery",
                  std::move(args));
  }
}

void addLosses(const Db& db, TraceBuilder& trace) {
  auto s = db.prepare(
      "SELECT l.*, c.hostname AS x_hostname, c.boot_to_wall_ns AS x_b2w FROM losses l"
      " JOIN captures c ON c.id = l.capture_id ORDER BY l.capture_id, l.from_ns, l.id");
  while (s.step()) {
    int64_t b2w = s.getInt("x_b2w");
    int64_t from = s.getInt("from_ns") + b2w, to = std::max(s.getInt("to_ns") + b2w, from);
    Track track = trace.pseudoTrack(fmt::format("events lost: {} (capture {})",
                                                s.getText("x_hostname"), s.getInt("capture_id")),
                                    fmt::format("cpu {} {}", s.getInt("cpu"), s.getText("probe")));
    Row args = rowArgs(s);
    args["from"] = formatTime(from);
    args["to"] = formatTime(to);
    trace.complete(track, from, to - from,
                   fmt::format("{} {} events lost", s.getInt("count"), s.getText("probe")), "loss",
                   std::move(args));
  }
}

}  // namespace sigrec::analyze::exporting
