#include "analyze/export/export_cli.h"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "analyze/store/db.h"
#include "analyze/cli/errors.h"
#include "analyze/export/perfetto_export.h"
#include "analyze/export/report_data.h"
#include "analyze/export/report_html.h"
#include "analyze/export/table_export.h"
#include "analyze/cli/sources.h"
#include "schema/capture_reader.h"
#include "base/names.h"
#include "base/time_format.h"

namespace po = boost::program_options;

namespace sigrec::analyze::exporting {
namespace {

constexpr const char* kUsage = R"(usage:
  sigan export --perfetto -o OUT.json SOURCE... [--pid P] [--signal S] [--since T] [--until T]
        [--no-decimate] [--all]             a Chrome Trace Event file for Perfetto's UI
  sigan export --format ndjson|csv -o DIR SOURCE...   every table, schema.json, duckdb.sql
  sigan report -o INCIDENT.html SOURCE... [--pid P]  one self-contained HTML page
See docs/fleet.md and docs/sigan.md.
)";

struct Options {
  std::string output, format, signal, since, until;
  uint32_t pid = 0;
  bool perfetto = false, noDecimate = false, all = false;
  std::vector<std::string> sources;
};

[[noreturn]] void usage(const std::string& message) {
  throw po::error(message);
}

po::variables_map parse(const std::string& command, const std::vector<std::string>& args,
                        Options& o) {
  po::options_description options;
  options.add_options()("output,o", po::value(&o.output))("pid", po::value(&o.pid))(
      "sources", po::value(&o.sources));
  if (command == "export")
    options.add_options()("perfetto", po::bool_switch(&o.perfetto))(
        "format,f", po::value(&o.format))("signal", po::value(&o.signal))(
        "since", po::value(&o.since))("until", po::value(&o.until))(
        "no-decimate", po::bool_switch(&o.noDecimate))("all,a", po::bool_switch(&o.all));
  po::positional_options_description positional;
  positional.add("sources", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  if (o.output.empty()) usage(command + " needs -o " + (command == "report" ? "FILE.html" : "OUT"));
  if (o.sources.empty()) usage(command + " needs at least one SOURCE");
  if (vm.count("pid") && o.pid == 0) usage("--pid must be a positive number");
  return vm;
}

int64_t timeArg(const char* option, const std::string& text) {
  auto t = parseTime(text);
  if (!t) usage(fmt::format("{}: not an RFC 3339 time: '{}'", option, text));
  return *t;
}

TraceFilter traceFilter(const po::variables_map& vm, const Options& o) {
  TraceFilter f;
  if (vm.count("pid")) f.pid = o.pid;
  if (vm.count("signal")) {
    f.signal = names::parseSignal(o.signal);
    if (!f.signal) usage("--signal: unknown signal '" + o.signal + "'");
  }
  if (vm.count("since")) f.sinceWallNs = timeArg("--since", o.since);
  if (vm.count("until")) f.untilWallNs = timeArg("--until", o.until);
  f.decimate = !o.noDecimate;
  f.all = o.all;
  return f;
}

// An output that would overwrite an input (a capture, a database) is refused.
void checkOutputFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw UserError(path + ": is a directory");
  if (!std::filesystem::exists(path, ec)) return;
  if (capture::CaptureReader::looksLikeCapture(path) || Db::looksLikeDatabase(path))
    throw UserError(path + ": is a capture or a database; -o names the file to write");
}

std::ofstream openOutput(const std::string& path) {
  checkOutputFile(path);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw UserError(path + ": cannot write: " + std::strerror(errno));
  return file;
}

void finish(std::ofstream& file, const std::string& path) {
  file.close();
  if (!file) throw UserError(path + ": write failed: " + std::strerror(errno));
}

int runPerfetto(const po::variables_map& vm, const Options& o, std::ostream& out,
                std::ostream& err) {
  TraceFilter filter = traceFilter(vm, o);
  auto db = openSources(o.sources, err);
  std::ofstream file = openOutput(o.output);
  PerfettoSummary s = writePerfetto(*db, filter, file);
  finish(file, o.output);
  out << fmt::format("{}: {} trace events, {} processes{}\n", o.output, s.events, s.processes,
                     s.decimated ? fmt::format(", {} storm events decimated", s.decimated) : "");
  return 0;
}

int runTables(const Options& o, std::ostream& out, std::ostream& err) {
  TableFormat format;
  if (o.format == "ndjson")
    format = TableFormat::kNdjson;
  else if (o.format == "csv")
    format = TableFormat::kCsv;
  else
    usage("--format must be ndjson or csv, not '" + o.format + "'");
  std::error_code ec;
  if (std::filesystem::exists(o.output, ec) && !std::filesystem::is_directory(o.output, ec))
    throw UserError(o.output + ": exists and is not a directory; -o names the directory to write");
  auto db = openSources(o.sources, err);
  TableExportSummary s = exportTables(*db, format, o.output);
  out << fmt::format("{}: {} tables, {} rows, schema.json, duckdb.sql\n", o.output, s.tables,
                     s.rows);
  return 0;
}

int runReport(const po::variables_map& vm, const Options& o, std::ostream& out, std::ostream& err) {
  auto db = openSources(o.sources, err);
  ReportData data = gatherReport(*db, vm.count("pid") ? std::optional(o.pid) : std::nullopt);
  std::ofstream file = openOutput(o.output);
  writeReportHtml(data, file);
  finish(file, o.output);
  out << fmt::format("{}: who killed pid {}, {} signal(s), {} process(es) in the tree\n", o.output,
                     data.pid, data.whoKilled.size(), data.tree.size());
  return 0;
}

}  // namespace

int runExportCommand(const std::string& command, const std::vector<std::string>& args,
                     std::ostream& out, std::ostream& err) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") {
      out << kUsage;
      return 0;
    }
  Options o;
  po::variables_map vm = parse(command, args, o);
  if (command == "export") {
    if (o.perfetto == !o.format.empty())
      usage("export needs exactly one of --perfetto or --format ndjson|csv");
    if (o.perfetto) return runPerfetto(vm, o, out, err);
    for (const char* only : {"pid", "signal", "since", "until"})
      if (vm.count(only)) usage(std::string("--") + only + " applies to --perfetto only");
    if (o.all) usage("--all applies to --perfetto only");
    return runTables(o, out, err);
  }
  if (command == "report") return runReport(vm, o, out, err);
  usage("unknown command '" + command + "'");
}

}  // namespace sigrec::analyze::exporting
