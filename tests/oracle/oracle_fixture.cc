#include "tests/oracle/oracle_fixture.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "tests/support/paths.h"

namespace sigrec::oracle {
namespace {

// Debian's programs only (a pyenv or cargo shim on the caller's PATH would
// add its own processes to every workload).
constexpr const char* kPath = "export PATH=/usr/sbin:/usr/bin:/sbin:/bin";

// What strace stops on: the kill family, and the clone family to learn which
// tid belongs to which process. -q keeps the `+++ exited` lines (-qq drops
// them); -yy names the process behind a pidfd; --pidns-translation adds the
// host pid to pids a process in a child namespace passes; --seccomp-bpf
// stops only on these calls, so the workload runs near its normal speed.
constexpr const char* kStrace =
    "strace -f -ttt -q -yy --pidns-translation --seccomp-bpf -e signal=all "
    "-e trace=kill,tkill,tgkill,pidfd_send_signal,rt_sigqueueinfo,rt_tgsigqueueinfo,"
    "clone,clone3,fork,vfork";

void expectNone(const std::vector<std::string>& diffs, const char* what) {
  constexpr size_t kShown = 25;
  std::string text;
  for (size_t i = 0; i < diffs.size() && i < kShown; ++i)
    text += "\n  [" + std::string(what) + "] " + diffs[i];
  if (diffs.size() > kShown) text += fmt::format("\n  ... and {} more", diffs.size() - kShown);
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " difference(s) in " << what << ":" << text;
}

// SIGREC_ORACLE_KEEP=DIR keeps each test's capture and trace there, to
// look at a difference with sigan and an editor.
void keepFiles(const std::string& capture, const std::string& trace) {
  const char* dir = std::getenv("SIGREC_ORACLE_KEEP");
  if (!dir) return;
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string base = std::string(dir) + "/" + (test ? test->name() : "run");
  std::error_code ec;
  std::filesystem::copy_file(capture, base + ".sigrec",
                             std::filesystem::copy_options::overwrite_existing, ec);
  std::filesystem::copy_file(trace, base + ".strace",
                             std::filesystem::copy_options::overwrite_existing, ec);
}

}  // namespace

std::string bash(const std::string& script) {
  std::string out = "bash -c '";
  for (char c : script) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string workload(const std::string& name) {
  return testing::sourceDir() + "/tests/oracle/workloads/" + name;
}

OracleRun runOracle(const std::string& command) {
  OracleRun r;
  r.traceDir = std::make_unique<testing::TempDir>();
  std::string trace = r.traceDir->file("trace");
  r.run = testing::runScenario(std::string(kStrace) + " -o " + trace + " -- setsid " + command, "",
                               kPath);
  std::ifstream in(trace);
  EXPECT_TRUE(in.good()) << "strace wrote no trace; sigrec said: " << r.run.result.err;
  r.strace = parseStraceLog(in);
  r.sigan = loadSiganView(r.run);
  r.diff = compare(r.strace, r.sigan, &r.agreed);
  keepFiles(r.run.capture, trace);
  return r;
}

void expectAgreement(const OracleRun& r) {
  EXPECT_TRUE(r.strace.unparsed.empty())
      << "strace lines the oracle cannot read, e.g.: " << r.strace.unparsed.front();
  EXPECT_GT(r.strace.calls.size(), 0u)
      << "strace saw no kill-family call: the workload did nothing";
  std::cout << fmt::format(
      "oracle: compared {} calls, {} exits ({} by signal), {} processes' "
      "deliveries; strace saw {} calls, {} deliveries\n",
      r.agreed.calls, r.agreed.exits, r.agreed.fatal, r.agreed.processes, r.strace.calls.size(),
      r.strace.deliveries.size());
  for (const auto& n : r.diff.notes) std::cout << "oracle: left out: " << n << "\n";
  expectNone(r.diff.calls, "calls");
  expectNone(r.diff.targets, "targets");
  expectNone(r.diff.signals, "signals");
  expectNone(r.diff.exits, "exits");
  expectNone(r.diff.fatal, "fatal");
  expectNone(r.diff.counts, "counts");
}

}  // namespace sigrec::oracle
