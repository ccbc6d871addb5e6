#include "analyze/cli/cli.h"

#include <boost/program_options.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <kj/exception.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <ostream>

#include "analyze/cli/commands.h"
#include "analyze/cli/errors.h"
#include "analyze/cli/exit_status.h"
#include "analyze/cli/import_progress.h"
#include "analyze/cli/sources.h"
#include "analyze/cli/time_args.h"
#include "analyze/export/export_cli.h"
#include "analyze/import/importer.h"
#include "analyze/query/process_info.h"
#include "analyze/query/queries.h"
#include "analyze/store/db_schema.h"
#include "schema/capture_error.h"
#include "schema/capture_reader.h"
#include "base/names.h"

namespace po = boost::program_options;

namespace sigrec::analyze {
namespace {

constexpr const char* kUsage = R"(usage: sigan COMMAND [OPTIONS] [ARGS]

  sigan import -o DB CAPTURE...             import captures into a SQLite database
  sigan info SOURCE...                      capture metadata, counts, losses
  sigan who-killed PID SOURCE...            who sent the signals that ended PID
        [--start-time T]; or, instead of PID, every instance of a name:
        [--comm NAME] [--cmdline PATTERN]
  sigan timeline SOURCE...                  every event in time order
        [-p PID] [-s SIGNAL] [--since T] [--until T]
  sigan exits SOURCE... [--failed] [-p PID]   how each process ended
  sigan tree PID SOURCE... [--start-time T]   ancestry and descendants
  sigan sql "SELECT ..." SOURCE...          SQL on a read-only connection
  sigan export --perfetto -o OUT.json SOURCE...  a trace for Perfetto's UI
        [--pid P] [--signal S] [--since T] [--until T] [--no-decimate]
  sigan export --format ndjson|csv -o DIR SOURCE...  every table, for DuckDB & co.
  sigan report -o INCIDENT.html SOURCE... [--pid P]  one HTML page for a bug report

SOURCE is a capture file or a sigan database (told apart by content).
Query commands take --format table|json|csv (json = JSON Lines); who-killed,
timeline and exits also --unit U, --container ID (or a prefix), --cgroup PATH
(that cgroup and those below it). A capture of `sigrec -- CMD` is answered
for the command's process tree and its signallers: --all for every process.
Times (T) are RFC 3339 with a zone, e.g. 2026-11-23T14:01:02.5Z.
`sigan COMMAND --help` shows a command's options. See docs/sigan.md.
)";

uint32_t parsePid(const std::string& text) {
  uint32_t pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid == 0)
    throw UsageError("PID must be a positive number, not '" + text + "'");
  return pid;
}

// Each capture is imported in one transaction, which also checks, makes or
// upgrades the schema: a concurrent import waits for it (saying so on ERR),
// and a killed one leaves the database as it was (docs/sigan.md, "import").
int runImport(const std::string& output, const std::vector<std::string>& captures,
              std::ostream& out, std::ostream& err, bool progress) {
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
      ImportResult result = [&] {
        ImportProgressLine line(err, file, progress);
        return importCapture(db, file, line.callback());
      }();
      out << describeImport(file, result) << '\n' << std::flush;
    } catch (const DbError& e) {
      throw UserError(output + ": " + e.what());
    }
  }
  return 0;
}

ContextFilter contextFilter(const po::variables_map& vm, const CommandOptions& o) {
  ContextFilter filter;
  if (!o.all) filter.scope = Scope::kCommand;
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

// --comm and --cmdline name instances instead of a PID: a PID as well is a
// mistake (it would be taken for a source).
WhoKilledQuery whoKilledQuery(const po::variables_map& vm, const CommandOptions& o,
                              const std::vector<std::string>& positionals) {
  WhoKilledQuery query;
  query.context = contextFilter(vm, o);
  if (vm.count("comm")) query.comm = o.comm;
  if (vm.count("cmdline")) query.cmdline = o.cmdline;
  if (!query.comm && !query.cmdline) return query;
  if ((query.comm && query.comm->empty()) || (query.cmdline && query.cmdline->empty()))
    throw UsageError("--comm and --cmdline need a non-empty value");
  if (vm.count("start-time"))
    throw UsageError("--start-time picks an instance of a PID; --comm and --cmdline list them all");
  if (!positionals.empty() && !positionals.front().empty() &&
      positionals.front().find_first_not_of("0123456789") == std::string::npos &&
      !std::filesystem::exists(positionals.front()))
    throw UsageError("who-killed takes a PID or --comm/--cmdline, not both");
  return query;
}

// Everything in the timeline filter that can be checked before the sources
// are open, so a bad argument is a usage error whatever the sources hold.
struct TimelineArgs {
  TimelineFilter filter;
  std::optional<TimeBound> since, until;
};

TimelineArgs timelineArgs(const po::variables_map& vm, const CommandOptions& o) {
  TimelineArgs args;
  if (vm.count("pid")) args.filter.pid = o.pidFilter;
  if (vm.count("signal")) {
    args.filter.signal = names::parseSignal(o.signalText);
    if (!args.filter.signal) throw UsageError("--signal: unknown signal '" + o.signalText + "'");
  }
  if (vm.count("since")) args.since = parseTimeBound("--since", o.since);
  if (vm.count("until")) args.until = parseTimeBound("--until", o.until);
  args.filter.context = contextFilter(vm, o);
  return args;
}

int runTimeline(const Db& db, TimelineArgs args, Format format, std::ostream& out) {
  if (args.since || args.until) {
    CaptureSpan span = captureSpan(db);
    if (args.since) args.filter.sinceWallNs = resolve(*args.since, span);
    if (args.until) args.filter.untilWallNs = resolve(*args.until, span);
  }
  return cmdTimeline(db, args.filter, format, out);
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
// arguments). Arguments are checked before the sources are opened.
int runQuery(const std::string& command, const po::variables_map& vm, const CommandOptions& o,
             std::vector<std::string> positionals, Format format, std::ostream& out,
             std::ostream& err, bool progress) {
  auto take = [&](const char* what) {
    if (positionals.empty()) throw UsageError(command + " needs " + what);
    std::string first = positionals.front();
    positionals.erase(positionals.begin());
    return first;
  };
  // --time relative shows tables from the earliest capture's start.
  auto open = [&](const ImportFocus& focus = {}) {
    std::unique_ptr<Db> db = openSources(positionals, err, progress, focus);
    if (display().time == TimeStyle::kRelative) {
      Display shown = display();
      shown.originWallNs = captureSpan(*db).startWallNs;
      setDisplay(shown);
    }
    return db;
  };
  std::optional<std::string> start;
  if (vm.count("start-time")) {
    parseAbsoluteTime("--start-time", o.startTime);
    start = o.startTime;
  }
  if (command == "info") return cmdInfo(*open(), format, out);
  if (command == "who-killed") {
    WhoKilledQuery query = whoKilledQuery(vm, o, positionals);
    if (!query.comm && !query.cmdline) query.pid = parsePid(take("a PID, --comm or --cmdline"));
    query.start = start;
    if (query.pid) query.context.scope = Scope::kAll;  // a pid is an explicit choice
    // A capture is read for this one answer (analyze/import/import_focus.h).
    return cmdWhoKilled(*open(ImportFocus{query.pid}), query, format, out);
  }
  if (command == "tree") {
    uint32_t pid = parsePid(take("a PID"));
    return cmdTree(*open(), pid, start, format, out, contextFilter(vm, o));
  }
  if (command == "timeline") {
    TimelineArgs args = timelineArgs(vm, o);
    auto db = open();
    if (args.filter.pid) requireKnownPid(*db, *args.filter.pid);
    return runTimeline(*db, args, format, out);
  }
  if (command == "exits") {
    ExitsFilter filter;
    filter.failed = vm.count("failed") > 0;
    if (vm.count("pid")) filter.pid = o.pidFilter;
    filter.context = contextFilter(vm, o);
    auto db = open();
    if (filter.pid) requireKnownPid(*db, *filter.pid);
    return cmdExits(*db, filter, format, out);
  }
  std::string sql = take("an SQL statement");
  std::unique_ptr<Db> db = open();
  try {
    return cmdSql(*db, sql, format, out);
  } catch (const DbError& e) {
    if (e.primaryCode() != SQLITE_AUTH && e.primaryCode() != SQLITE_READONLY) throw;
    throw UserError(refusedWrite(e, positionals));
  }
}

int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             const Terminals& terminals) {
  if (args.empty()) throw UsageError("no command given (try sigan --help)");
  const std::string& command = args[0];
  if (command == "--help" || command == "-h" || command == "help") {
    // `sigan help COMMAND` is `sigan COMMAND --help`.
    if (args.size() > 1) return dispatch({args[1], "--help"}, out, err, terminals);
    out << kUsage;
    return 0;
  }
  if (command == "--version" || command == "-V") {
    out << "sigan " << SIGREC_VERSION_STRING << '\n';
    return 0;
  }
  if (command == "export" || command == "report")
    return exporting::runExportCommand(command, {args.begin() + 1, args.end()}, out, err);
  const auto& commands = queryCommands();
  if (std::find(commands.begin(), commands.end(), command) == commands.end())
    throw UsageError("unknown command '" + command + "' (try sigan --help)");

  CommandOptions o;
  po::options_description options = commandOptions(command, o);
  options.add_options()("args", po::value<std::vector<std::string>>(), "arguments");
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map vm;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  po::store(po::command_line_parser(rest).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    out << commandHelp(command);
    return 0;
  }
  auto positionals =
      vm.count("args") ? vm["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  auto format = parseFormat(o.formatText);
  if (!format) throw UsageError("--format must be table, json or csv");
  auto time = parseTimeStyle(o.timeText);
  if (!time) throw UsageError("--time must be utc, local or relative, not '" + o.timeText + "'");
  setDisplay({.width = o.wide ? 0 : terminals.outColumns, .time = *time});
  if (command == "import")
    return runImport(o.output, positionals, out, err, terminals.errIsTerminal);
  return runQuery(command, vm, o, positionals, *format, out, err, terminals.errIsTerminal);
}

std::string oneLine(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

int fail(std::ostream& err, ExitStatus status, const std::string& message) {
  err << "sigan: " << oneLine(message) << '\n';
  return exitCode(status);
}

}  // namespace

int runSigan(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
             Terminals terminals) {
  // The one place that catches: every failure becomes one line and a status.
  try {
    return dispatch(args, out, err, terminals);
  } catch (const UsageError& e) {
    return fail(err, ExitStatus::kUsage, e.what());
  } catch (const po::error& e) {
    return fail(
        err, ExitStatus::kUsage,
        std::string(e.what()) + " (see sigan " + (args.empty() ? "" : args[0] + " ") + "--help)");
  } catch (const kj::Exception& e) {
    return fail(err, ExitStatus::kError, e.getDescription().cStr());
  } catch (const std::exception& e) {
    return fail(err, ExitStatus::kError, e.what());
  }
}

}  // namespace sigrec::analyze
