#include "record/options.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <ctime>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "record/signal_list.h"
#include "record/version.h"

namespace po = boost::program_options;

namespace sigrec::record {
namespace {

constexpr const char* kUsage =
    "Usage: sigrec [options] [-- COMMAND [ARGS...]]\n"
    "Records every signal and process death into a capture file for sigan.\n"
    "With a COMMAND: probes are attached, the command runs, recording stops when it\n"
    "exits and sigrec exits with its status (128+N if it died of signal N).\n"
    "Without: records until SIGINT/SIGTERM or --duration.\n\nOptions";

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

  std::string signals;
  po::options_description desc(kUsage);
  desc.add_options()
      ("help,h", "show this help")
      ("version,V", "show the version")
      ("output,o", po::value(&opt.output), "capture file (default sigrec-HOST-TIMESTAMP.sigrec)")
      ("duration,d", po::value<double>(), "stop after this many seconds")
      ("signal,s", po::value(&signals),
       "record only these signals, e.g. TERM,KILL,9 (kill calls with signal 0 are then dropped)")
      ("pid,p", po::value(&opt.filterPid), "record only events whose actor or target is this pid")
      ("cgroup,c", po::value(&opt.filterCgroup),
       "record only events whose actor or target is in this cgroup v2 directory")
      ("threads,t", po::bool_switch(&opt.threads), "also record thread creation and thread exits")
      ("ring-buffer-mb", po::value(&opt.ringBufferMb), "ring buffer size in MiB, a power of two (default 16)")
      ("verbose,v", po::bool_switch(&opt.verbose), "show libbpf's messages");

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(split, argv).options(desc).run(), vm);
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
  if (vm.count("duration")) {
    opt.durationSec = vm["duration"].as<double>();
    if (!(*opt.durationSec > 0)) throw std::runtime_error("--duration must be a positive number of seconds");
  }
  if (!signals.empty()) opt.signalMask = parseSignalList(signals);
  if (opt.ringBufferMb == 0 || (opt.ringBufferMb & (opt.ringBufferMb - 1)) != 0 ||
      opt.ringBufferMb > 1024) {
    throw std::runtime_error("--ring-buffer-mb must be a power of two between 1 and 1024");
  }
  if (split < argc && opt.command.empty()) throw std::runtime_error("no command after --");
  if (opt.output.empty()) opt.output = defaultOutput();
  return opt;
}

}  // namespace sigrec::record
