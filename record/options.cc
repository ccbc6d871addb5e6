#include "record/options.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <ctime>
#include <filesystem>
#include <initializer_list>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "base/names.h"
#include "record/live_output.h"
#include "record/live_printer.h"
#include "record/version.h"

namespace po = boost::program_options;

namespace sigrec::record {
namespace {

constexpr const char* kUsage =
    "Usage: sigrec [options] [-- COMMAND [ARGS...]]\n"
    "Records every signal and process death into a capture file for sigan.\n"
    "With a COMMAND: probes are attached, the command runs, recording stops when it\n"
    "exits and sigrec exits with its status (128+N if it died of signal N).\n"
    "Without: records until SIGINT/SIGTERM or --duration; SIGHUP starts a new file.\n\nOptions";

// "TERM,SIGKILL,9" -> a mask with bit (n-1) set for each signal n.
uint64_t parseSignalList(const std::string& list) {
  uint64_t mask = 0;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    auto n = names::parseSignal(item);
    if (!n || *n < 1 || *n > 64)
      throw std::runtime_error("--signal: '" + item + "' is not a signal");
    mask |= 1ULL << (*n - 1);
  }
  if (mask == 0) throw std::runtime_error("--signal: empty signal list");
  return mask;
}

// A positive number with one of UNITS' suffixes (the empty suffix is the
// default unit), times that unit's scale; else a one-line error for OPTION
// that shows EXAMPLES.
uint64_t parseScaled(const std::string& text, const char* option,
                     std::initializer_list<std::pair<const char*, uint64_t>> units,
                     const char* examples) {
  size_t used = 0;
  uint64_t n = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = text.substr(used);
  uint64_t scale = 0;
  for (const auto& [suffix, value] : units) {
    if (unit == suffix) scale = value;
  }
  if (used == 0 || n == 0 || scale == 0) {
    throw std::runtime_error(std::string(option) + ": '" + text + "' is not " + examples);
  }
  return n * scale;
}

// "64K", "500M", "2G", or a plain number of MiB.
uint64_t parseSize(const std::string& text, const char* option) {
  return parseScaled(text, option,
                     {{"", 1ull << 20},
                      {"M", 1ull << 20},
                      {"MiB", 1ull << 20},
                      {"K", 1ull << 10},
                      {"KiB", 1ull << 10},
                      {"G", 1ull << 30},
                      {"GiB", 1ull << 30}},
                     "a size such as 64K, 500M or 2G");
}

// "90s", "30m", "12h", "14d", or a plain number of seconds.
uint64_t parseAge(const std::string& text) {
  return parseScaled(text, "--max-age", {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}},
                     "an age such as 90s, 30m, 12h or 14d");
}

// "5s", "500ms", "2m", "0", or a plain number of seconds.
uint64_t parseAfterMs(const std::string& text) {
  if (text == "0" || text == "0s") return 0;
  return parseScaled(text, "--flight-after", {{"", 1000}, {"s", 1000}, {"ms", 1}, {"m", 60'000}},
                     "a duration such as 5s, 500ms or 2m");
}

// --flight-recorder keeps events in memory and writes dumps into a
// directory: the options of a recording to one file do not apply.
void checkFlightRecorder(Options& opt, const po::variables_map& vm) {
  if (!opt.flightBytes) {
    for (const char* name : {"trigger-on", "flight-after", "flight-keep"}) {
      if (vm.count(name))
        throw std::runtime_error(std::string("--") + name + " needs --flight-recorder");
    }
    return;
  }
  if (opt.flightBytes < (1u << 20)) throw std::runtime_error("--flight-recorder: at least 1M");
  if (opt.flightKeep == 0) throw std::runtime_error("--flight-keep must be at least 1");
  for (const char* name : {"max-size", "rotate", "max-total-size", "max-age", "print"}) {
    if (vm.count(name)) {
      throw std::runtime_error(std::string("--") + name + " cannot be used with --flight-recorder");
    }
  }
  if (!opt.command.empty()) {
    throw std::runtime_error("--flight-recorder records the whole machine, not a command after --");
  }
  if (opt.output.empty())
    opt.output.assign(1, '.');  // not = ".": a false -Wrestrict in g++ 12 (GCC bug 105329)
}

// --rotate and the retention limits that only make sense with it.
void checkRotation(const Options& opt) {
  if (opt.rotate == 1 || (opt.rotate && !opt.maxSizeBytes)) {
    throw std::runtime_error("--rotate N needs N >= 2 and --max-size");
  }
  if ((opt.maxTotalBytes || opt.maxAgeSec) && !opt.rotate) {
    throw std::runtime_error("--max-total-size and --max-age need --rotate");
  }
  if (opt.maxTotalBytes && opt.maxTotalBytes < 2 * opt.maxSizeBytes) {
    throw std::runtime_error("--max-total-size must be at least twice --max-size");
  }
}

// --print-filter and --print-to shape what --print shows, and where.
void checkLiveView(Options& opt, const po::variables_map& vm, const std::string& filter) {
  if (opt.print.empty()) return;
  LivePrinter::parseFormat(opt.print);
  const bool haveCommand = !opt.command.empty();
  opt.printFilter = vm.count("print-filter") ? LiveFilter::parse(filter, haveCommand)
                                             : LiveFilter::byDefault(haveCommand);
  if (opt.printTo.empty()) return;
  namespace fs = std::filesystem;
  std::error_code unknown, unknownOutput;  // a path we cannot look at fails later, more clearly
  const fs::path printTo = fs::weakly_canonical(opt.printTo, unknown);
  if (!unknown && printTo == fs::weakly_canonical(opt.output, unknownOutput) && !unknownOutput)
    throw std::runtime_error("--print-to must not be the capture file " + opt.output);
  if (!opt.force && fs::is_regular_file(opt.printTo, unknown))
    throw std::runtime_error(liveOutputExists(opt.printTo));
}

std::string defaultOutput() {
  char host[256] = "host";
  ::gethostname(host, sizeof host - 1);
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", std::gmtime(&now));
  return std::string("sigrec-") + host + "-" + stamp + ".sigrec";
}

}  // namespace

Options parseOptions(int argc, char** argv) {
  Options opt;
  for (int i = 0; i < argc; ++i) opt.args.emplace_back(argv[i]);

  // Everything after "--" is the command, untouched by option parsing.
  int split = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      split = i;
      break;
    }
  }
  for (int i = split + 1; i < argc; ++i) opt.command.emplace_back(argv[i]);

  std::string signals, redact = "none", maxSize, maxTotalSize, maxAge, flight, flightAfter,
                       printFilter;
  std::vector<std::string> triggers;
  const std::string filterHelp =
      std::string("with --print: show only the events these terms select: ") + LiveFilter::kSyntax +
      " (default: the command's tree and the signals into it with a command, else all; "
      "kill(pid, 0) probes only with 'probes')";
  po::options_description desc(kUsage);
  // clang-format off: one option per line reads better than the packed form.
  desc.add_options()("help,h", "show this help")("version,V", "show the version")(
      "output,o", po::value(&opt.output), "capture file (default sigrec-HOST-TIMESTAMP.sigrec)")(
      "duration,d", po::value<double>(), "stop after this many seconds")(
      "signal,s", po::value(&signals),
      "record only these signals, e.g. TERM,KILL,9 (kill calls with signal 0 are then dropped)")(
      "pid,p", po::value(&opt.filterPid),
      "record only signals and kill calls whose actor or target is this pid (forks, execs and "
      "exits of every process are kept: they name the senders)")(
      "cgroup,c", po::value(&opt.filterCgroup),
      "record only signals and kill calls whose actor or target is in this cgroup v2 directory "
      "(forks, execs and exits of every process are kept)")(
      "threads,t", po::bool_switch(&opt.threads), "also record thread creation and thread exits")(
      "no-syscall-hooks", po::bool_switch(&opt.noSyscallHooks),
      "hook no syscall: kill-family calls are seen only through the signals they send (failed "
      "calls and kill(pid, 0) probes are not recorded)")(
      "ring-buffer-mb", po::value(&opt.ringBufferMb),
      "ring buffer size in MiB, a power of two (default 16)")(
      "max-size", po::value(&maxSize),
      "stop when the capture reaches this size, e.g. 500M, 2G, 64K (with --rotate: start a new "
      "file)")(
      "rotate", po::value(&opt.rotate),
      "with --max-size: rotate files, keeping the newest N (N >= 2): PATH.0000.sigrec, ...")(
      "max-total-size", po::value(&maxTotalSize),
      "with --rotate: also remove the oldest files while all together exceed this size")(
      "max-age", po::value(&maxAge),
      "with --rotate: also remove files last written longer ago than this, e.g. 12h, 14d")(
      "metrics", po::value(&opt.metricsPath),
      "write counters for node_exporter's textfile collector to this FILE.prom every 5 s")(
      "flight-recorder", po::value(&flight),
      "keep the newest events in this much memory, e.g. 64M, and write a capture into the -o "
      "directory (default .) only on SIGUSR1 or a --trigger-on")(
      "trigger-on", po::value(&triggers)->composing(),
      "with --flight-recorder, also dump on: death (a process dies of a signal), "
      "death:KEY=VALUE,... with keys comm, signal, cgroup and unit (all must hold, e.g. "
      "death:comm=nginx,signal=KILL), or oom; repeatable")(
      "flight-after", po::value(&flightAfter),
      "with --flight-recorder: keep writing a dump this long after its trigger (default 5s)")(
      "flight-keep", po::value(&opt.flightKeep),
      "with --flight-recorder: keep the newest N dumps in the -o directory, earlier runs' "
      "included (default 20)")(
      "redact", po::value(&redact),
      "command lines: none (default), args (keep argv[0] only), values (mask NAME=VALUE and "
      "secret-looking flags)")(
      "print", po::value(&opt.print)->implicit_value("table"),
      "also show signals, failed kill calls, failed exits and OOM kills live on stdout (or "
      "--print-to), as --print-filter selects them: table (default), logfmt or json")(
      "print-filter", po::value(&printFilter), filterHelp.c_str())(
      "print-to", po::value(&opt.printTo),
      "with --print: write the live view to this file (mode 0600, never overwritten without "
      "--force) instead of stdout")("force", po::bool_switch(&opt.force),
                                    "overwrite an existing capture file (and --print-to file)")(
      "check", po::bool_switch(&opt.check),
      "load every BPF program, report per program and the kernel features and fallbacks, then "
      "exit (0: everything would be recorded, 1: not) without recording")(
      "verbose,v", po::bool_switch(&opt.verbose), "show libbpf's messages (whole verifier logs)");
  // clang-format on

  // A word before `--` is a mistake, never the start of a whole-machine
  // recording that goes on until stopped: collect such words to refuse them.
  std::vector<std::string> stray;
  po::options_description hidden;
  hidden.add_options()("stray", po::value(&stray));
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description positional;
  positional.add("stray", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(split, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw std::runtime_error(std::string(e.what()) + " (see sigrec --help)");
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    std::exit(0);
  }
  if (vm.count("version")) {
    std::cout << "sigrec " << kVersion << "\n";
    std::exit(0);
  }
  if (!stray.empty()) {
    throw std::runtime_error("unexpected argument '" + stray.front() +
                             "': to record a command, put it after -- (sigrec [options] -- " +
                             stray.front() + " ...)");
  }
  if (vm.count("duration")) {
    opt.durationSec = vm["duration"].as<double>();
    if (!(*opt.durationSec > 0))
      throw std::runtime_error("--duration must be a positive number of seconds");
  }
  if (!signals.empty()) opt.signalMask = parseSignalList(signals);
  opt.redaction = parseRedaction(redact);
  if (!maxSize.empty()) opt.maxSizeBytes = parseSize(maxSize, "--max-size");
  if (!maxTotalSize.empty()) opt.maxTotalBytes = parseSize(maxTotalSize, "--max-total-size");
  if (!maxAge.empty()) opt.maxAgeSec = parseAge(maxAge);
  if (opt.ringBufferMb == 0 || (opt.ringBufferMb & (opt.ringBufferMb - 1)) != 0 ||
      opt.ringBufferMb > 1024) {
    throw std::runtime_error("--ring-buffer-mb must be a power of two between 1 and 1024");
  }
  checkRotation(opt);
  if (split < argc && opt.command.empty()) throw std::runtime_error("no command after --");
  if (!flight.empty()) opt.flightBytes = parseSize(flight, "--flight-recorder");
  if (!flightAfter.empty()) opt.flightAfterMs = parseAfterMs(flightAfter);
  for (const auto& trigger : triggers) parseTrigger(trigger, opt.triggers);
  for (const char* name : {"print-filter", "print-to"}) {
    if (vm.count(name) && opt.print.empty())
      throw std::runtime_error(std::string("--") + name + " needs --print");
  }
  checkFlightRecorder(opt, vm);
  if (opt.flightBytes) return opt;  // the output is a directory of dumps
  if (opt.output.empty()) opt.output = defaultOutput();
  checkLiveView(opt, vm, printFilter);
  // With --rotate, files of an earlier run join the rotation and numbering
  // goes on after them: nothing is overwritten.
  std::error_code unreadable;  // a path we cannot even look at fails later, more clearly
  if (!opt.force && !opt.check && !opt.rotate && std::filesystem::exists(opt.output, unreadable)) {
    throw std::runtime_error(opt.output +
                             " already exists: pass --force to overwrite it, or choose another -o");
  }
  return opt;
}

}  // namespace sigrec::record
