#include "record/live_printer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>
#include <vector>

#include "schema/enum_names.h"
#include "base/kill_syscalls.h"
#include "base/names.h"
#include "base/time_format.h"
#include "base/visible_text.h"

namespace sigrec::record {

// One printed event: a kind and ordered key/value pairs (the table shows the
// values; logfmt and JSON keep the keys).
struct LivePrinter::Line {
  std::string time;
  std::string kind;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string table;  // the table's detail column
};

namespace {

std::string task(uint32_t pid, capnp::Text::Reader comm) {
  return fmt::format("{} {}", pid, comm.cStr());
}

// Where a signal came from: the kill-family call that sent it, or the kernel.
std::string origin(schema::Syscall call) {
  return call == schema::Syscall::NONE ? "kernel" : names::syscallName(call);
}

// Values hold recorded text (comms): shown escaped (base/visible_text.h).
std::string logfmtValue(const std::string& raw) {
  std::string v = names::visibleText(raw);
  if (!v.empty() && v.find_first_of(" \"=") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\\\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

LivePrinter::Format LivePrinter::parseFormat(const std::string& name) {
  if (name == "table") return Format::kTable;
  if (name == "logfmt") return Format::kLogfmt;
  if (name == "json") return Format::kJson;
  throw std::runtime_error("--print must be table, logfmt or json, not '" + name + "'");
}

LivePrinter::LivePrinter(Format format, LiveFilter filter, int64_t bootToWallNs, std::FILE* out)
    : format_(format), filter_(std::move(filter)), bootToWallNs_(bootToWallNs), out_(out) {}

void LivePrinter::print(schema::EventBatch::Reader batch) {
  if (uint32_t pid = commandPid_.exchange(0)) tree_.add(pid);
  for (auto e : batch.getEvents()) {
    // Decided before the tree follows the event: a member's exit is shown
    // as the member's.
    if (auto facts = liveFacts(e); facts && filter_.shows(*facts, tree_)) {
      Line line = lineOf(e);
      line.time = formatTime(static_cast<int64_t>(e.getTimeNs()) + bootToWallNs_);
      emit(line);
    }
    tree_.follow(e);
  }
  std::fflush(out_);
}

// The text of an event liveFacts() gave facts for.
LivePrinter::Line LivePrinter::lineOf(schema::Event::Reader e) {
  Line line;
  switch (e.which()) {
    case schema::Event::SIGNAL_GENERATE: {
      auto g = e.getSignalGenerate();
      bool kernel = g.getSyscall() == schema::Syscall::NONE;
      line.kind = "signal";
      line.fields = {{"signal", names::signalName(g.getSignal())},
                     {"sender", kernel ? "kernel" : task(e.getPid(), e.getComm())},
                     {"target", task(g.getTargetPid(), g.getTargetComm())},
                     {"origin", origin(g.getSyscall())},
                     {"code", names::siCodeName(g.getSignal(), g.getCode())},
                     {"result", names::generateResultName(g.getResult())}};
      line.table = fmt::format("{:<8} {} -> {}  {} {} {}", line.fields[0].second,
                               line.fields[1].second, line.fields[2].second, line.fields[3].second,
                               line.fields[4].second, line.fields[5].second);
      break;
    }
    case schema::Event::KILL_CALL: {
      auto k = e.getKillCall();
      line.kind = "call";
      line.fields = {
          {"call",
           fmt::format("{}({})", origin(k.getSyscall()),
                       killCallArguments(names::syscallName(k.getSyscall()),
                                         {k.getArg0(), k.getArg1(), k.getArg2(), k.getArg3()}))},
          {"sender", task(e.getPid(), e.getComm())},
          {"result",
           k.getRet() < 0 ? names::errnoName(static_cast<int>(-k.getRet())) : "sent nothing"}};
      break;
    }
    case schema::Event::EXIT: {
      auto x = e.getExit();
      line.kind = "exit";
      line.fields = {{"process", task(e.getPid(), e.getComm())},
                     {"end", names::describeExit(names::decodeExitCode(x.getExitCode()))}};
      break;
    }
    case schema::Event::OOM_VICTIM: {
      auto o = e.getOomVictim();
      line.kind = "oom";
      line.fields = {{"victim", std::to_string(o.getVictimPid())},
                     {"trigger", task(e.getPid(), e.getComm())},
                     {"anon_rss_kb", std::to_string(o.getAnonRssKb())}};
      break;
    }
    default:
      break;
  }
  return line;
}

void LivePrinter::emit(const Line& line) {
  if (format_ == Format::kJson) {
    nlohmann::ordered_json row{{"time", line.time}, {"kind", line.kind}};
    for (const auto& [key, value] : line.fields) row[key] = value;
    // JSON escapes control characters itself; bytes that are not UTF-8
    // become U+FFFD, as in sigan's JSON (docs/sigan.md, "Recorded text").
    fmt::print(out_, "{}\n", row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else if (format_ == Format::kLogfmt) {
    std::string text = "time=" + line.time + " kind=" + line.kind;
    for (const auto& [key, value] : line.fields) text += " " + key + "=" + logfmtValue(value);
    fmt::print(out_, "{}\n", text);
  } else {
    if (!headerDone_) {
      fmt::print(out_, "{:<31} {:<6} {}\n", "TIME", "KIND", "DETAIL");
      headerDone_ = true;
    }
    std::string detail = line.table;
    for (const auto& [key, value] : line.fields) {
      if (line.table.empty()) detail += (detail.empty() ? "" : "  ") + value;
    }
    fmt::print(out_, "{:<31} {:<6} {}\n", line.time, line.kind, names::visibleText(detail));
  }
}

}  // namespace sigrec::record
