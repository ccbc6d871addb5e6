#include "analyze/query/process_info.h"

#include <fmt/format.h>

#include <set>

#include "analyze/query/display_text.h"
#include "analyze/cli/errors.h"
#include "analyze/query/time_display.h"
#include "base/time_format.h"

namespace sigrec::analyze {
namespace {

constexpr const char* kSelect =
    "SELECT p.id, p.capture_id, c.hostname, p.pid, p.ppid, p.parent_id, p.comm, p.exe, p.cmdline,"
    " p.start_ns + c.boot_to_wall_ns AS start_wall_ns, p.start_exact,"
    " p.exit_ns + c.boot_to_wall_ns AS exit_wall_ns,"
    " COALESCE(c.clock_ticks_per_second, 100) AS ticks_per_second, p.cmdline_truncated,"
    " COALESCE(p.cgroup, '') AS cgroup, p.ns_pid"
    " FROM processes p JOIN captures c ON c.id = p.capture_id ";

ProcessInfo fromRow(const Statement& s) {
  ProcessInfo p;
  p.id = s.getInt("id");
  p.captureId = s.getInt("capture_id");
  p.hostname = s.getText("hostname");
  p.pid = static_cast<uint32_t>(s.getInt("pid"));
  p.ppid = s.getOptInt("ppid");
  p.parentId = s.getOptInt("parent_id");
  p.comm = s.getText("comm");
  p.exe = s.getText("exe");
  p.cmdline = shownCmdline(s.getText("cmdline"), s.getInt("cmdline_truncated") != 0);
  p.startWallNs = s.getInt("start_wall_ns");
  p.startExact = s.getInt("start_exact") != 0;
  p.exitWallNs = s.getOptInt("exit_wall_ns");
  p.cgroup = s.getText("cgroup");
  if (auto ns = s.getOptInt("ns_pid"); ns && *ns != 0 && *ns != p.pid) p.nsPid = ns;  // 0: unknown
  int64_t ticks = s.getInt("ticks_per_second");
  p.tickNs = ticks > 0 ? 1'000'000'000 / ticks : 10'000'000;
  return p;
}

}  // namespace

std::optional<ProcessInfo> loadProcess(const Db& db, int64_t id) {
  auto stmt = db.prepare(std::string(kSelect) + "WHERE p.id = ?");
  stmt.bind(1, id);
  if (!stmt.step()) return std::nullopt;
  return fromRow(stmt);
}

std::vector<ProcessInfo> ancestors(const Db& db, int64_t id) {
  std::vector<ProcessInfo> chain;
  std::set<int64_t> visited{id};
  auto self = loadProcess(db, id);
  std::optional<int64_t> next = self ? self->parentId : std::nullopt;
  // The visited set guards against loops a hostile capture could build.
  while (next && visited.insert(*next).second) {
    auto parent = loadProcess(db, *next);
    if (!parent) break;
    chain.push_back(*parent);
    if (parent->pid <= 1) break;
    next = parent->parentId;
  }
  return chain;
}

Row ancestryJson(const std::vector<ProcessInfo>& chain) {
  Row array = Row::array();
  for (const ProcessInfo& p : chain)
    array.push_back(Row{{"pid", p.pid}, {"comm", p.comm}, {"cmdline", p.cmdline}});
  return array;
}

std::string ancestryText(const Row& ancestry) {
  std::string text;
  if (!ancestry.is_array()) return text;
  for (const auto& p : ancestry) {
    if (!text.empty()) text += " < ";
    text += fmt::format("{}({})", p.value("comm", std::string()), p.value("pid", 0));
  }
  return text;
}

std::vector<ProcessInfo> instancesOfPid(const Db& db, uint32_t pid,
                                        const std::optional<std::string>& start) {
  auto stmt =
      db.prepare(std::string(kSelect) + "WHERE p.pid = ? ORDER BY p.capture_id, p.start_ns");
  stmt.bind(1, pid);
  std::vector<ProcessInfo> all;
  while (stmt.step()) all.push_back(fromRow(stmt));
  if (!start) return all;
  int64_t precision = 0;
  auto wanted = parseTime(*start, &precision);
  if (!wanted) throw UsageError("--start-time: not an RFC 3339 time: " + *start);
  std::vector<ProcessInfo> matching;
  auto floorDiv = [](int64_t a, int64_t b) { return a / b - (a % b < 0 ? 1 : 0); };
  for (const ProcessInfo& p : all) {
    bool match;
    if (!p.startExact && precision <= p.tickNs) {
      // /proc gave the start rounded down to a tick: any time in that tick.
      // startText() shows it cut to the tick's digits: that matches too.
      match = *wanted >= floorDiv(p.startWallNs, precision) * precision &&
              *wanted < p.startWallNs + p.tickNs;
    } else {
      // The user gave fewer digits: the instance started in that second (ms, ...).
      match = floorDiv(p.startWallNs, precision) == floorDiv(*wanted, precision);
    }
    if (match) matching.push_back(p);
  }
  if (matching.empty()) {
    std::string known;
    for (const ProcessInfo& p : all) known += (known.empty() ? "" : ", ") + startText(p);
    throw UserError(fmt::format("no instance of pid {} started at {}{}", pid, *start,
                                known.empty() ? "" : " (known starts: " + known + ")"));
  }
  return matching;
}

std::string unknownPidMessage(uint32_t pid) {
  return fmt::format("pid {} does not appear in the capture", pid);
}

void requireKnownPid(const Db& db, uint32_t pid) {
  auto stmt = db.prepare(
      "SELECT EXISTS (SELECT 1 FROM processes WHERE pid = ?1)"
      " OR EXISTS (SELECT 1 FROM kill_calls WHERE COALESCE(target_host_pid, target_host_tid) = "
      "?1)");
  stmt.bind(1, pid);
  if (!stmt.step() || stmt.getInt(0) == 0) throw UserError(unknownPidMessage(pid));
}

std::string startText(const ProcessInfo& p) {
  return formatTimeAt(p.startWallNs, p.startExact ? 1 : p.tickNs);
}

}  // namespace sigrec::analyze
