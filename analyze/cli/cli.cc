#include "analyze/cli/cli.h"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <kj/exception.h>

#include <charconv>
#include <filesystem>
#include <ostream>

#include "analyze/store/db_schema.h"
#include "analyze/cli/errors.h"
#include "analyze/import/importer.h"
#include "analyze/query/queries.h"
#include "analyze/cli/sources.h"
#include "analyze/export/export_cli.h"
#include "schema/time_format.h"
#include "schema/capture_error.h"
#include "schema/capture_reader.h"
#include "schema/names.h"

namespace po = boost::program_options;

namespace sigrec::analyze {
namespace {

constexpr const char* kUsage = R"(usage: sigan COMMAND [OPTIONS] [ARGS]

  sigan import -o DB CAPTURE...             import captures into a SQLite database
  sigan info SOURCE...                      capture metadata, counts, losses
  sigan who-killed PID SOURCE...            who sent the signals that ended PID
        [--start-time T]
  sigan timeline SOURCE...                  every event in time order
        [--pid P] [--signal S] [--since T] [--until T]
  sigan exits SOURCE... [--failed] [--pid P]  how each process ended
  sigan tree PID SOURCE... [--start-time T]   ancestry and descendants
  sigan sql "SELECT ..." SOURCE...          SQL on a read-only connection
  sigan export --perfetto -o OUT.json SOURCE...  a trace for Perfetto's UI
        [--pid P] [--signal S] [--since T] [--until T] [--no-decimate]
  sigan export --format ndjson|csv -o DIR SOURCE...  every table, for DuckDB & co.
  sigan report -o INCIDENT.html SOURCE... [--pid P]  one HTML page for a bug report

SOURCE is a capture file or a sigan database (told apart by content).
Query commands take --format table|json|csv (json = JSON Lines); who-killed,
timeline and exits also --unit U, --container ID (or a prefix), --cgroup PATH
(that cgroup and those below it).
Times (T) are RFC 3339, e.g. 2026-11-23T14:01:02.5Z. See docs/sigan.md.
)";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

uint32_t parsePid(const std::string& text) {
  uint32_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid == 0)
    throw UsageError("PID must be a positive number, not '" + text + "'");
  return pid;
}

int64_t parseTimeArg(const std::string& option, const std::string& text) {
  auto t = parseTime(text);
  if (!t) throw UsageError(option + ": not an RFC 3339 time: '" + text + "'");
  return *t;
}

// Each capture is imported in one transaction, which also checks, makes or
// upgrades the schema: a concurrent import waits for it (saying so on ERR),
// and a killed one leaves the database as it was (docs/sigan.md, "import").
int runImport(const std::string& output, const std::vector<std::string>& captures,
              std::ostream& out, std::ostream& err) {
  if (output.empty()) throw UsageError("import needs -o DB");
  if (captures.empty()) throw UsageError("import needs at least one CAPTURE");
  std::error_code ec;
  if (std::filesystem::exists(output, ec) && std::filesystem::file_size(output, ec) > 0) {
    if (capture::CaptureReader::looksLikeCapture(output))
      throw UserError(output + ": is a capture file; -o names the database to write");
    if (!Db::looksLikeDatabase(output))
      throw UserError(output + ": exists and is not a SQLite database");
  }
  // Check every input first, so a typo does not leave a half-done import.
  for (const std::string& file : captures) {
    if (!std::filesystem::exists(file, ec)) throw UserError(file + ": no such file");
    if (!capture::CaptureReader::looksLikeCapture(file))
      throw UserError(file + ": not a sigrec capture");
  }
  Db db(output, Db::Mode::kCreate);
  db.waitWhenLocked(err, output);
  applyImportPragmas(db);
  for (const std::string& file : captures) {
    try {
      out << describeImport(file, importCapture(db, file)) << '\n' << std::flush;
    } catch (const DbError& e) {
      throw UserError(output + ": " + e.what());
    }
  }
  return 0;
}

// The values the options of every command fill.
struct Options {
  std::string formatText = "table", output, startTime, signalText, since, until;
  std::string unit, container, cgroup;
  uint32_t pidFilter = 0;
};

po::options_description commandOptions(const std::string& command, Options& o) {
  po::options_description options("options");
  options.add_options()("help,h", "show usage")("format,f", po::value(&o.formatText),
                                                "table, json or csv");
  if (command == "import") options.add_options()("output,o", po::value(&o.output), "database");
  if (command == "who-killed" || command == "tree")
    options.add_options()("start-time", po::value(&o.startTime), "instance start (RFC 3339)");
  if (command == "timeline")
    options.add_options()("pid", po::value(&o.pidFilter), "only events of this pid")(
        "signal", po::value(&o.signalText), "only this signal (name or number)")(
        "since", po::value(&o.since), "from this time")("until", po::value(&o.until),
                                                        "to this time");
  if (command == "exits")
    options.add_options()("failed", "only non-zero exits and deaths")(
        "pid", po::value(&o.pidFilter), "only this pid");
  if (command == "who-killed" || command == "timeline" || command == "exits")
    options.add_options()("unit", po::value(&o.unit), "only processes of this systemd unit")(
        "container", po::value(&o.container), "only processes of this container (id or prefix)")(
        "cgroup", po::value(&o.cgroup), "only processes in this cgroup or below it");
  options.add_options()("args", po::value<std::vector<std::string>>(), "arguments");
  return options;
}

ContextFilter contextFilter(const po::variables_map& vm, const Options& o) {
  ContextFilter filter;
  if (vm.count("unit")) filter.unit = o.unit;
  if (vm.count("container")) filter.container = o.container;
  if (vm.count("cgroup")) {
    if (o.cgroup.empty() || o.cgroup[0] != '/')
      throw UsageError("--cgroup: a path from the hierarchy's root, e.g. /system.slice, not '" +
                       o.cgroup + "'");
    filter.cgroup = o.cgroup;
  }
  return filter;
}

TimelineFilter timelineFilter(const po::variables_map& vm, const Options& o) {
  TimelineFilter filter;
  if (vm.count("pid")) filter.pid = o.pidFilter;
  if (vm.count("signal")) {
    filter.signal = names::parseSignal(o.signalText);
    if (!filter.signal) throw UsageError("--signal: unknown signal '" + o.signalText + "'");
  }
  if (vm.count("since")) filter.sinceWallNs = parseTimeArg("--since", o.since);
  if (vm.count("until")) filter.untilWallNs = parseTimeArg("--until", o.until);
  filter.context = contextFilter(vm, o);
  return filter;
}

// What `sql` says when the read-only connection refused a statement (a
// write, ATTACH, a PRAGMA that could undo query_only): how to get a
// database that can be written.
std::string refusedWrite(const DbError& e, const std::vector<std::string>& sources) {
  std::optional<std::string> database;
  std::vector<std::string> captures;
  for (const std::string& source : sources) {
    if (Db::looksLikeDatabase(source))
      database = source;
    else
      captures.push_back(source);
  }
  std::string copy;
  if (database)
    copy = fmt::format("cp {0} copy.db (or sqlite3 {0} \".backup copy.db\")", *database);
  if (!captures.empty())
    copy += fmt::format("{}sigan import -o copy.db {}", copy.empty() ? "" : ", then ",
                        fmt::join(captures, " "));
  return fmt::format(
      "sql: {}: sigan opens every source read-only (SELECT, and PRAGMAs that read the schema); "
      "for a database you can change, make a copy: {}, then sqlite3 copy.db",
      e.what(), copy);
}

// A query command on the sources named by POSITIONALS (after its own
// arguments).
int runQuery(const std::string& command, const po::variables_map& vm, const Options& o,
             std::vector<std::string> positionals, Format format, std::ostream& out,
             std::ostream& err) {
  auto take = [&](const char* what) {
    if (positionals.empty()) throw UsageError(command + " needs " + what);
    std::string first = positionals.front();
    positionals.erase(positionals.begin());
    return first;
  };
  std::optional<std::string> start;
  if (vm.count("start-time")) start = o.startTime;

  if (command == "info") return cmdInfo(*openSources(positionals, err), format, out);
  if (command == "who-killed") {
    uint32_t pid = parsePid(take("a PID"));
    return cmdWhoKilled(*openSources(positionals, err), pid, start, format, out,
                        contextFilter(vm, o));
  }
  if (command == "tree") {
    uint32_t pid = parsePid(take("a PID"));
    return cmdTree(*openSources(positionals, err), pid, start, format, out);
  }
  if (command == "timeline")
    return cmdTimeline(*openSources(positionals, err), timelineFilter(vm, o), format, out);
  if (command == "exits") {
    ExitsFilter filter;
    filter.failed = vm.count("failed") > 0;
    if (vm.count("pid")) filter.pid = o.pidFilter;
    filter.context = contextFilter(vm, o);
    return cmdExits(*openSources(positionals, err), filter, format, out);
  }
  std::string sql = take("an SQL statement");
  std::unique_ptr<Db> db = openSources(positionals, err);
  try {
    return cmdSql(*db, sql, format, out);
  } catch (const DbError& e) {
    if (e.primaryCode() != SQLITE_AUTH && e.primaryCode() != SQLITE_READONLY) throw;
    throw UserError(refusedWrite(e, positionals));
  }
}

int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) throw UsageError("no command given (try sigan --help)");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    out << kUsage;
    return 0;
  }
  if (command == "--version") {
    out << "sigan " << SIGREC_VERSION_STRING << '\n';
    return 0;
  }
  if (command == "export" || command == "report")
    return exporting::runExportCommand(command, {args.begin() + 1, args.end()}, out, err);
  Options o;
  po::options_description options = commandOptions(command, o);
  po::positional_options_description positional;
  positional.add("args", -1);

  static const std::vector<std::string> kCommands = {"import", "info", "who-killed", "timeline",
                                                     "exits",  "tree", "sql"};
  if (std::find(kCommands.begin(), kCommands.end(), command) == kCommands.end())
    throw UsageError("unknown command '" + command + "' (try sigan --help)");

  po::variables_map vm;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    out << kUsage;
    return 0;
  }
  auto positionals =
      vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto format = parseFormat(o.formatText);
  if (!format) throw UsageError("--format must be table, json or csv");
  if (command == "import") return runImport(o.output, positionals, out, err);
  return runQuery(command, vm, o, positionals, *format, out, err);
}

std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

}  // namespace

int runSigan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  // The one place that catches: every failure becomes one line and a status.
  try {
    return dispatch(args, out, err);
  } catch (const UsageError& e) {
    err << "sigan: " << oneLine(e.what()) << '\n';
    return 2;
  } catch (const po::error& e) {
    err << "sigan: " << oneLine(e.what()) << '\n';
    return 2;
  } catch (const kj::Exception& e) {
    err << "sigan: " << oneLine(e.getDescription().cStr()) << '\n';
    return 1;
  } catch (const std::exception& e) {
    err << "sigan: " << oneLine(e.what()) << '\n';
    return 1;
  }
}

}  // namespace sigrec::analyze
