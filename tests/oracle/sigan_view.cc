#include "tests/oracle/sigan_view.h"

#include <ctime>
#include <stdexcept>

namespace sigrec::oracle {
namespace {

using testing::Json;

std::optional<long> optLong(const Json& row, const char* field) {
  if (!row.contains(field) || row[field].is_null()) return std::nullopt;
  return row[field].get<long>();
}

std::string text(const Json& row, const char* field) {
  if (!row.contains(field) || row[field].is_null()) return "";
  return row[field].get<std::string>();
}

// Wall-clock ns fit an int64 and a double keeps ~0.2 us at this magnitude,
// finer than strace's microseconds.
double wall(const Json& row) {
  return static_cast<double>(row["wall_ns"].get<long>()) / 1e9;
}

std::vector<SiganCall> loadCalls(const testing::ScenarioRun& run) {
  std::vector<SiganCall> out;
  for (const auto& r :
       run.sql("SELECT k.id, k.enter_ns + c.boot_to_wall_ns AS wall_ns, k.syscall, k.caller_pid, "
               "k.caller_tid, k.caller_comm, k.arg0, k.arg1, k.arg2, k.arg3, k.ret, k.errno_name, "
               "k.signals, p.pid AS target_host_pid FROM kill_calls k JOIN captures c ON c.id = "
               "k.capture_id LEFT JOIN processes p ON p.id = k.target_id ORDER BY k.caller_tid, "
               "k.enter_ns")) {
    SiganCall c;
    c.id = r["id"];
    c.time = wall(r);
    c.syscall = text(r, "syscall");
    c.callerPid = r["caller_pid"];
    c.callerTid = r["caller_tid"];
    c.callerComm = text(r, "caller_comm");
    for (int i = 0; i < 4; ++i)
      c.arg[i] = optLong(r, ("arg" + std::to_string(i)).c_str()).value_or(0);
    c.ret = optLong(r, "ret").value_or(0);
    c.errnoName = text(r, "errno_name");
    c.signals = optLong(r, "signals").value_or(0);
    c.targetHostPid = optLong(r, "target_host_pid");
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<SiganSignal> loadSignals(const testing::ScenarioRun& run) {
  std::vector<SiganSignal> out;
  for (const auto& r : run.sql(
           "SELECT s.id, s.time_ns + c.boot_to_wall_ns AS wall_ns, s.signo, s.origin, "
           "s.code_name, s.sender_pid, s.sender_tid, s.target_pid, s.target_tid, s.kill_call_id "
           "FROM signals s JOIN captures c ON c.id = s.capture_id ORDER BY s.time_ns")) {
    SiganSignal s;
    s.id = r["id"];
    s.time = wall(r);
    s.signo = r["signo"];
    s.origin = text(r, "origin");
    s.code = text(r, "code_name");
    s.senderPid = optLong(r, "sender_pid");
    s.senderTid = optLong(r, "sender_tid");
    s.targetPid = optLong(r, "target_pid");
    s.targetTid = optLong(r, "target_tid");
    s.killCallId = optLong(r, "kill_call_id");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SiganDelivery> loadDeliveries(const testing::ScenarioRun& run) {
  std::vector<SiganDelivery> out;
  for (const auto& r :
       run.sql("SELECT d.time_ns + c.boot_to_wall_ns AS wall_ns, d.pid, d.tid, d.signo FROM "
               "deliveries d JOIN captures c ON c.id = d.capture_id ORDER BY d.time_ns"))
    out.push_back({wall(r), r["pid"], r["tid"], r["signo"]});
  return out;
}

std::vector<SiganExit> loadExits(const testing::ScenarioRun& run) {
  std::vector<SiganExit> out;
  for (const auto& r : run.sigan("exits")) {
    SiganExit e;
    e.time = wallSeconds(text(r, "exit_time"));
    e.pid = r["pid"];
    e.reason = text(r, "reason");
    e.origin = text(r, "origin");
    e.exitStatus = optLong(r, "exit_status");
    e.signo = optLong(r, "signal");
    e.killerPid = optLong(r, "killer_pid");
    e.core = r.contains("core_dumped") && r["core_dumped"].is_boolean() && r["core_dumped"];
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

double wallSeconds(const std::string& rfc3339) {
  std::tm tm{};
  const char* rest = ::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) throw std::runtime_error("not an RFC 3339 time: " + rfc3339);
  double fraction = *rest == '.' ? std::stod(std::string("0") + rest) : 0;
  return static_cast<double>(::timegm(&tm)) + fraction;
}

SiganView loadSiganView(const testing::ScenarioRun& run) {
  return {loadCalls(run), loadSignals(run), loadDeliveries(run), loadExits(run)};
}

}  // namespace sigrec::oracle
