#include "analyze/cli/commands.h"

#include <algorithm>
#include <sstream>

namespace po = boost::program_options;

namespace sigrec::analyze {
namespace {

struct Page {
  const char* name;
  const char* synopsis;
  const char* summary;
  const char* example;
};

constexpr Page kPages[] = {
    {"import", "sigan import -o DB CAPTURE...",
     "Imports captures into a SQLite database (created if needed); queries on it then open in "
     "milliseconds.",
     "sigan import -o incident.db host-a.sigrec host-b.sigrec"},
    {"info", "sigan info SOURCE...",
     "Capture metadata: host, kernel, what was recorded, start and end, counts, losses, damage.",
     "sigan info incident.sigrec"},
    {"who-killed",
     "sigan who-killed PID SOURCE... [--start-time T]\n"
     "       sigan who-killed --comm NAME | --cmdline PATTERN SOURCE... [--all]",
     "Every signal sent to each instance of PID, with its sender's command line and ancestry, "
     "and the one that ended it; by name, every matching instance with that answer in one line.",
     "sigan who-killed 4242 incident.sigrec --time relative\n"
     "  sigan who-killed --cmdline 'worker --pool*' incident.sigrec"},
    {"timeline", "sigan timeline SOURCE... [-p PID] [-s SIGNAL] [--since T] [--until T]",
     "Every event in time order: signals, deliveries, kill calls, forks, execs, exits, losses.",
     "sigan timeline incident.sigrec -p 4242 --since 10m --until -5m"},
    {"exits", "sigan exits SOURCE... [--failed] [-p PID]",
     "How each process ended (exit status or signal) and, for a signal, who sent it.",
     "sigan exits incident.sigrec --failed"},
    {"tree", "sigan tree PID SOURCE... [--start-time T]",
     "PID's ancestry and descendants, with their start and exit times.",
     "sigan tree 4242 incident.sigrec"},
    {"sql", "sigan sql \"SELECT ...\" SOURCE...",
     "Runs one SQL statement on a read-only connection (tables: docs/schema.md).",
     "sigan sql \"SELECT signal_name, COUNT(*) FROM signals GROUP BY 1\" incident.sigrec"},
};

const Page* page(const std::string& command) {
  for (const Page& p : kPages)
    if (command == p.name) return &p;
  return nullptr;
}

}  // namespace

const std::vector<std::string>& queryCommands() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const Page& p : kPages) out.emplace_back(p.name);
    return out;
  }();
  return names;
}

po::options_description commandOptions(const std::string& command, CommandOptions& o) {
  po::options_description options("options");
  options.add_options()("help,h", "show this help");
  if (command == "import") {
    options.add_options()("output,o", po::value(&o.output), "the database to write");
  } else {
    options.add_options()("format,f", po::value(&o.formatText),
                          "table (default), json (JSON Lines) or csv")(
        "wide,w", po::bool_switch(&o.wide),
        "table: cut nothing to fit the terminal (as when stdout is not one)")(
        "time", po::value(&o.timeText),
        "table times: utc (default, RFC 3339), local (RFC 3339 with the local offset) or "
        "relative (from the capture's start; in who-killed, from the death)");
  }
  if (command == "who-killed" || command == "tree")
    options.add_options()("start-time", po::value(&o.startTime),
                          "the instance started then (RFC 3339 with a zone, or coarser)");
  if (command == "timeline")
    options.add_options()("pid,p", po::value(&o.pidFilter), "only events of this pid")(
        "signal,s", po::value(&o.signalText), "only this signal (name or number)")(
        "since", po::value(&o.since),
        "from this time: RFC 3339 with a zone, or a duration after the capture's start (10m)")(
        "until", po::value(&o.until),
        "to this time: RFC 3339 with a zone, or a duration before the capture's end (-5m)");
  if (command == "exits")
    options.add_options()("failed", "only non-zero exits and deaths")(
        "pid,p", po::value(&o.pidFilter), "only this pid");
  if (command == "who-killed")
    options.add_options()("comm", po::value(&o.comm),
                          "every instance with this comm (instead of a PID)")(
        "cmdline", po::value(&o.cmdline),
        "every instance whose command line contains this text, or matches it as a glob if it "
        "has * ? or [ (instead of a PID)");
  if (command == "who-killed" || command == "timeline" || command == "exits" || command == "tree")
    options.add_options()("all,a", po::bool_switch(&o.all),
                          "a capture of sigrec -- CMD: every process, not only the command's "
                          "tree and its signallers");
  if (command == "who-killed" || command == "timeline" || command == "exits")
    options.add_options()("unit", po::value(&o.unit), "only processes of this systemd unit")(
        "container", po::value(&o.container), "only processes of this container (id or prefix)")(
        "cgroup", po::value(&o.cgroup), "only processes in this cgroup or below it");
  return options;
}

std::string commandHelp(const std::string& command) {
  const Page* p = page(command);
  if (!p) return {};
  CommandOptions unused;
  std::ostringstream out;
  out << "usage: " << p->synopsis << "\n" << p->summary << "\n";
  if (command != "import")
    out << "SOURCE is a capture file or a sigan database (told apart by content).\n";
  out << "\n"
      << commandOptions(command, unused) << "\nexample:\n  " << p->example
      << "\n\nSee docs/sigan.md.\n";
  return out.str();
}

}  // namespace sigrec::analyze
