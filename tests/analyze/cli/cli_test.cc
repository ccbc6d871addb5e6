// The real sigan binary: exit statuses and one-line errors, files left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "analyze/cli/commands.h"
#include "analyze/cli/exit_status.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

struct Output {
  int status;
  std::string out, err;
};

std::string shellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* build = std::getenv("SIGREC_BUILD_DIR");
    if (!build) GTEST_SKIP() << "SIGREC_BUILD_DIR not set (run through ctest)";
    binary_ = std::filesystem::path(build) / "sigan";
    ASSERT_TRUE(std::filesystem::exists(binary_)) << binary_;
    capture_ = dir_ / "s.sigrec";
    testing::Scenario().build().write(capture_);
  }

  Output run(const std::vector<std::string>& args) {
    std::string command = shellQuote(binary_.string());
    for (const auto& a : args) command += " " + shellQuote(a);
    command += " 2>" + shellQuote((dir_ / "stderr").string());
    Output result;
    FILE* pipe = popen(command.c_str(), "r");
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
      result.out.append(buffer.data(), n);
    int status = pclose(pipe);
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream err(dir_ / "stderr");
    result.err.assign(std::istreambuf_iterator<char>(err), {});
    return result;
  }

  static void expectOneLineError(const Output& o) {
    EXPECT_NE(o.status, 0);
    EXPECT_EQ(o.err.rfind("sigan: ", 0), 0u) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  }

  testing::TempDir dir_;
  std::filesystem::path binary_, capture_;
};

TEST_F(CliTest, QueriesSucceed) {
  for (const char* format : {"table", "json", "csv"}) {
    for (std::vector<std::string> args : {std::vector<std::string>{"info"},
                                          {"who-killed", "4242"},
                                          {"exits"},
                                          {"tree", "1234"},
                                          {"timeline", "--pid", "4242"},
                                          {"sql", "SELECT pid FROM processes"}}) {
      args.push_back(capture_.string());
      args.emplace_back("--format");
      args.emplace_back(format);
      Output o = run(args);
      EXPECT_EQ(o.status, 0) << args[0] << " " << format << ": " << o.err;
      EXPECT_FALSE(o.out.empty()) << args[0] << " " << format;
      EXPECT_TRUE(o.err.empty()) << o.err;
    }
  }
}

TEST_F(CliTest, DirectCaptureLeavesNoFiles) {
  auto before = std::distance(std::filesystem::directory_iterator(dir_.path()), {});
  Output o = run({"who-killed", "4242", capture_.string()});
  EXPECT_EQ(o.status, 0);
  auto after = std::distance(std::filesystem::directory_iterator(dir_.path()), {});
  EXPECT_EQ(before + 1, after);  // only our stderr file
}

TEST_F(CliTest, ImportThenQueryTheDatabase) {
  std::string db = (dir_ / "x.db").string();
  Output o = run({"import", "-o", db, capture_.string()});
  ASSERT_EQ(o.status, 0) << o.err;
  Output w = run({"who-killed", "4242", db, "--format", "json"});
  EXPECT_EQ(w.status, 0) << w.err;
  EXPECT_NE(w.out.find("\"sender_cmdline\":\"pkill -f sleep\""), std::string::npos);
  // -o must not be a capture.
  expectOneLineError(run({"import", "-o", capture_.string(), capture_.string()}));
}

TEST_F(CliTest, ErrorsAreOneLine) {
  std::ofstream(dir_ / "text.txt") << "just text\n";
  std::ofstream(dir_ / "empty").close();
  expectOneLineError(run({"info", (dir_ / "missing.sigrec").string()}));
  expectOneLineError(run({"info", (dir_ / "text.txt").string()}));
  expectOneLineError(run({"info", (dir_ / "empty").string()}));
  expectOneLineError(run({"info"}));
  expectOneLineError(run({"who-killed", "31337", capture_.string()}));
  expectOneLineError(run({"who-killed", "notapid", capture_.string()}));
  expectOneLineError(run({"sql", "SELECT * FROM nope", capture_.string()}));
  expectOneLineError(run({"sql", "DELETE FROM signals", capture_.string()}));
  expectOneLineError(run({"exits", capture_.string(), "--format", "yaml"}));
  expectOneLineError(run({"exits", capture_.string(), "--bogus"}));
  expectOneLineError(run({"frobnicate"}));
  expectOneLineError(run({"import", capture_.string()}));
  expectOneLineError(run({"import", "-o", (dir_ / "y.db").string(), (dir_ / "text.txt").string()}));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "y.db"));

  Output unknown = run({"who-killed", "31337", capture_.string()});
  EXPECT_EQ(unknown.status, 1);
  Output usage = run({"who-killed", "notapid", capture_.string()});
  EXPECT_EQ(usage.status, 2);
}

TEST_F(CliTest, CorruptCaptureIsReportedNotFatal) {
  // Flip bytes in the middle: the damaged frame is skipped and reported.
  auto size = std::filesystem::file_size(capture_);
  {
    std::fstream f(capture_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2));
    f.write("\xff\xff\xff\xff\xff\xff\xff\xff", 8);
  }
  Output o = run({"info", capture_.string()});
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_NE(o.out.find("damage:"), std::string::npos);
  EXPECT_NE(o.err.find("sigan: note:"), std::string::npos);
}

TEST_F(CliTest, HelpAndVersion) {
  Output global = run({"--help"});
  EXPECT_EQ(global.status, 0);
  for (const char* flag : {"--version", "-V"}) {
    Output v = run({flag});
    EXPECT_EQ(v.status, 0) << flag;
    EXPECT_EQ(v.out.rfind("sigan ", 0), 0u) << flag << ": " << v.out;
  }
  // Each command's page: its own synopsis, its own options, an example that
  // runs that command; never the global page.
  for (const std::string& command : analyze::queryCommands()) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{command, "--help"}, {"help", command}}) {
      Output h = run(args);
      EXPECT_EQ(h.status, 0) << command;
      EXPECT_EQ(h.out.rfind("usage: sigan " + command, 0), 0u) << h.out;
      EXPECT_NE(h.out.find("example:\n  sigan " + command + " "), std::string::npos) << h.out;
      EXPECT_NE(h.out, global.out);
    }
  }
  EXPECT_NE(run({"timeline", "--help"}).out.find("--since"), std::string::npos);
  EXPECT_EQ(run({"exits", "--help"}).out.find("--since"), std::string::npos);
  EXPECT_NE(run({"exits", "--help"}).out.find("--failed"), std::string::npos);
}

// sigrec's -p and -s, and sigan's: the same letters for the same filters.
TEST_F(CliTest, ShortOptionsMatchSigrec) {
  Output longForm = run({"timeline", capture_.string(), "--pid", "4242", "--signal", "TERM"});
  Output shortForm = run({"timeline", capture_.string(), "-p", "4242", "-s", "TERM"});
  ASSERT_EQ(shortForm.status, 0) << shortForm.err;
  EXPECT_EQ(shortForm.out, longForm.out);
  EXPECT_NE(shortForm.out.find("SIGTERM"), std::string::npos);
  EXPECT_EQ(run({"exits", capture_.string(), "-p", "4242"}).out,
            run({"exits", capture_.string(), "--pid", "4242"}).out);
}

// A file cut before its first frame has nothing to answer from: an error,
// not empty fields and the 1970 epoch.
TEST_F(CliTest, CaptureWithoutHeaderIsAnError) {
  std::filesystem::copy_file(capture_, dir_ / "cut.sigrec");
  std::filesystem::resize_file(dir_ / "cut.sigrec", 100);
  Output o = run({"info", (dir_ / "cut.sigrec").string()});
  expectOneLineError(o);
  EXPECT_EQ(o.status, 1);
  EXPECT_NE(o.err.find("no capture header"), std::string::npos) << o.err;
  EXPECT_EQ(o.out.find("1970"), std::string::npos) << o.out;
}

TEST_F(CliTest, UnknownPidIsTheSameErrorEverywhere) {
  const std::string c = capture_.string();
  for (const std::vector<std::string>& args : {std::vector<std::string>{"who-killed", "31337", c},
                                               {"tree", "31337", c},
                                               {"exits", c, "--pid", "31337"},
                                               {"timeline", c, "--pid", "31337"}}) {
    Output o = run(args);
    expectOneLineError(o);
    EXPECT_EQ(o.status, analyze::exitCode(analyze::ExitStatus::kError)) << args[0];
    EXPECT_EQ(o.err, "sigan: pid 31337 does not appear in the capture\n") << args[0];
  }
  // A known pid that did not exit is an answer with no rows, not an error.
  Output alive = run({"exits", c, "--pid", "1", "--format", "json"});
  EXPECT_EQ(alive.status, 0) << alive.err;
  EXPECT_TRUE(alive.out.empty()) << alive.out;
}

TEST_F(CliTest, BadTimeIsTheSameUsageErrorEverywhere) {
  const std::string c = capture_.string();
  for (const char* bad : {"yesterday", "2026-11-23T14:00:00", "2026-13-01T00:00:00Z", "-5x"}) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"who-killed", "4242", c, "--start-time", bad},
          {"tree", "4242", c, "--start-time", bad},
          {"timeline", c, "--since", bad},
          {"timeline", c, "--until", bad}}) {
      Output o = run(args);
      expectOneLineError(o);
      EXPECT_EQ(o.status, analyze::exitCode(analyze::ExitStatus::kUsage))
          << args[0] << " " << bad << ": " << o.err;
    }
  }
  // The zone-less time is refused with the way to fix it.
  EXPECT_NE(run({"timeline", c, "--since", "2026-11-23T14:00:00"}).err.find("no zone"),
            std::string::npos);
}

// CSV ends its lines with LF so `$(sigan ... --format csv)` and `read` work.
TEST_F(CliTest, CsvLinesEndInLf) {
  Output o = run({"exits", capture_.string(), "--format", "csv"});
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out.find('\r'), std::string::npos);
  EXPECT_GT(std::count(o.out.begin(), o.out.end(), '\n'), 2);
}

// docs/sigan.md's table of exit statuses is the enum's table, row for row.
TEST_F(CliTest, ExitStatusTableIsDocumented) {
  std::ifstream doc(std::filesystem::path(SIGAN_DOCS_DIR) / "sigan.md");
  ASSERT_TRUE(doc) << SIGAN_DOCS_DIR;
  std::set<std::string> documented;
  std::regex row(R"(^\| (\d+) \| (.*) \|$)");
  bool inSection = false;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("## ", 0) == 0) inSection = line == "## Exit status";
    std::smatch m;
    if (inSection && std::regex_match(line, m, row))
      documented.insert(m[1].str() + " " + m[2].str());
  }
  std::set<std::string> code;
  for (const auto& s : analyze::kExitStatuses)
    code.insert(std::to_string(analyze::exitCode(s.status)) + " " + s.meaning);
  EXPECT_EQ(documented, code);
}

// --time: utc by default, local with the zone's offset, relative to the
// capture's start (or, in who-killed, to the death) with that reference
// named. JSON keeps RFC 3339 UTC whatever the table shows.
TEST_F(CliTest, TimeStyles) {
  const std::string c = capture_.string();
  Output relative = run({"exits", c, "--time", "relative", "-p", "4242"});
  ASSERT_EQ(relative.status, 0) << relative.err;
  EXPECT_EQ(relative.out.rfind("times since 2026-11-23T", 0), 0u) << relative.out;
  EXPECT_NE(relative.out.find("(the capture's start)\n"), std::string::npos);
  EXPECT_NE(relative.out.find("\n+1.000950000s  4242"), std::string::npos) << relative.out;
  Output death = run({"who-killed", "4242", c, "--time", "relative"});
  EXPECT_NE(death.out.find("(the death)"), std::string::npos) << death.out;
  EXPECT_NE(death.out.find("  -0.000650000s  SIGTERM"), std::string::npos) << death.out;
  EXPECT_NE(death.out.find("  -0.500951000s  SIGKILL"), std::string::npos) << death.out;
  ::setenv("TZ", "Europe/Paris", 1);
  Output local = run({"exits", c, "--time", "local", "-p", "4242"});
  Output json = run({"exits", c, "--time", "local", "-p", "4242", "--format", "json"});
  ::unsetenv("TZ");
  EXPECT_NE(local.out.find("T15:00:01.000950000+01:00"), std::string::npos) << local.out;
  EXPECT_NE(json.out.find("\"exit_time\":\"2026-11-23T14:00:01.000950000Z\""), std::string::npos)
      << json.out;
  expectOneLineError(run({"exits", c, "--time", "martian"}));
}

// A start read from /proc (the snapshot) is known to a tick: shown with
// two fraction digits, not nine made up; and that text picks the instance.
TEST_F(CliTest, SnapshotStartsKeepTheirPrecision) {
  Output tree = run({"tree", "900", capture_.string(), "--format", "json"});  // sshd
  ASSERT_EQ(tree.status, 0) << tree.err;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(tree.out, m, std::regex(R"re("pid":900,[^}]*"start_time":"([^"]+)")re")))
      << tree.out;
  EXPECT_TRUE(std::regex_match(m[1].str(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ)")))
      << m[1];
  Output picked = run({"who-killed", "900", capture_.string(), "--start-time", m[1].str()});
  EXPECT_EQ(picked.status, 0) << picked.err;
  // A process seen forking is exact.
  Output exact = run({"tree", "1234", capture_.string(), "--format", "json"});
  EXPECT_TRUE(std::regex_search(exact.out,
                                std::regex(R"re("pid":1234,[^}]*"start_time":"[^"]*\.\d{9}Z")re")))
      << exact.out;
}

// --since/--until: a duration after the capture's start, or before its end.
TEST_F(CliTest, RelativeSinceAndUntil) {
  const std::string c = capture_.string();
  Output all = run({"timeline", c, "--format", "json", "-s", "TERM"});
  Output late = run({"timeline", c, "--format", "json", "-s", "TERM", "--since", "4s"});
  Output early = run({"timeline", c, "--format", "json", "-s", "TERM", "--until=-5s"});
  Output same = run({"timeline", c, "--format", "json", "-s", "TERM", "--since", "+4s"});
  ASSERT_EQ(late.status, 0) << late.err;
  ASSERT_EQ(early.status, 0) << early.err;
  EXPECT_EQ(late.out, same.out);
  EXPECT_LT(late.out.size(), all.out.size());
  EXPECT_LT(early.out.size(), all.out.size());
  EXPECT_EQ(late.out.find("T14:00:01."), std::string::npos) << late.out;  // pkill's, at 1 s
  EXPECT_NE(early.out.find("T14:00:01."), std::string::npos) << early.out;
  EXPECT_NE(late.out.find("T14:00:04."), std::string::npos) << late.out;  // python3's, at 4.5 s
}

// A worker with a long command line, killed by a sender with a long one:
// what a terminal's width decides about.
constexpr const char* kLongArg =
    "--config=/etc/very/long/path/to/the/service/configuration/file.yaml";

std::filesystem::path writeLongCmdlineCapture(const std::filesystem::path& dir) {
  using namespace sigrec::testing;
  Scenario sc;
  Task worker{8000, 8000, kT0 + 20 * kSec + 1, "worker"};
  Task reaper{8100, 8100, kT0 + 20 * kSec + 2, "reaper"};
  uint64_t t = kT0 + 20 * kSec;
  CaptureBuilder b = sc.build();
  b.fork(t, sc.bash, worker.pid, worker.startNs)
      .exec(t + 100 * kUs, worker, "/usr/bin/worker", {"/usr/bin/worker", kLongArg, "--threads=8"})
      .fork(t + 1, sc.bash, reaper.pid, reaper.startNs)
      .exec(t + 200 * kUs, reaper, "/usr/bin/reaper",
            {"/usr/bin/reaper", "--grace-period=30s", "--target=worker", kLongArg})
      .generate(t + 500 * kMs, reaper, 15, 0, worker, schema::Syscall::KILL, t + 499 * kMs)
      .killCall(t + 500 * kMs + 10, reaper, schema::Syscall::KILL, t + 499 * kMs, 0, {8000, 15}, 1)
      .deliver(t + 501 * kMs, worker, 15)
      .exit(t + 502 * kMs, worker, 15, true, 1000, sc.bash.startNs);
  std::filesystem::path file = dir / "long.sigrec";
  b.write(file);
  return file;
}

// The tables in a real terminal (tmux) 80 and 200 columns wide: no line
// is longer than the terminal (tmux -J joins a line that wrapped, so a
// wrap shows as a long line), and at 200 the command lines are whole.
TEST_F(CliTest, TablesFitTheTerminal) {
  if (std::system("command -v tmux >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "tmux is not installed (scripts/setup installs it)";
  const std::string capture = writeLongCmdlineCapture(dir_.path()).string();
  const std::string fullCmdline = std::string("/usr/bin/worker ") + kLongArg + " --threads=8";
  for (int width : {80, 200}) {
    // A server per width: kill-server returns before the old server has
    // let go of its socket, and a new session on it then fails with
    // "server exited unexpectedly" (one run in six).
    const std::string socket = (dir_ / ("tmux-" + std::to_string(width) + ".sock")).string();
    const std::string script = (dir_ / "show.sh").string();
    {
      std::ofstream sh(script);
      for (const char* command : {"exits", "who-killed 8000", "timeline -p 8000", "tree 8000"})
        sh << shellQuote(binary_.string()) << " " << command << " " << shellQuote(capture) << "\n";
      sh << "echo __END__; sleep 60\n";
    }
    // tmux refuses to start without TERM (CI may have none); the pane's own
    // terminal is tmux's whatever the client's is.
    const std::string tmux = "TERM=${TERM:-xterm} tmux -S " + shellQuote(socket) + " ";
    std::string start = tmux;
    start += "new-session -d -x " + std::to_string(width) + " -y 40 'env -u COLUMNS sh ";
    start += script + "'";
    ASSERT_EQ(std::system(start.c_str()), 0);
    std::system((tmux + "set-option -g history-limit 5000 >/dev/null").c_str());
    std::string pane;
    for (int i = 0; i < 100 && pane.find("__END__") == std::string::npos; ++i) {
      ::usleep(50'000);
      FILE* p = popen((tmux + "capture-pane -p -J -S - 2>/dev/null").c_str(), "r");
      pane.clear();
      std::array<char, 4096> buffer;
      for (size_t n; (n = fread(buffer.data(), 1, buffer.size(), p)) > 0;)
        pane.append(buffer.data(), n);
      pclose(p);
    }
    std::system((tmux + "kill-server").c_str());
    ASSERT_NE(pane.find("__END__"), std::string::npos) << pane;
    std::istringstream lines(pane);
    size_t longest = 0;
    for (std::string line; std::getline(lines, line);) {
      while (!line.empty() && line.back() == ' ') line.pop_back();
      EXPECT_LE(line.size(), static_cast<size_t>(width)) << width << " columns: " << line;
      longest = std::max(longest, line.size());
    }
    EXPECT_GT(longest, static_cast<size_t>(width) * 2 / 3) << "the width is used\n" << pane;
    // Every table still names the killer, the signal and the worker.
    EXPECT_NE(pane.find("8100 reaper (kill)"), std::string::npos) << pane;
    EXPECT_NE(pane.find("<- FATAL"), std::string::npos) << pane;
    if (width == 200) {
      EXPECT_NE(pane.find(fullCmdline), std::string::npos) << pane;
    } else {
      // who-killed wraps the command line (nothing lost); the exits table
      // cuts it to fit, marked with "...".
      EXPECT_NE(pane.find("..."), std::string::npos) << pane;
      EXPECT_NE(pane.find("ancestry: bash(1000) < sshd(900) < systemd(1)"), std::string::npos);
    }
  }
}

// Piped, nothing is cut, whatever the length: the table for programs that
// read it, and `sql` values whole.
TEST_F(CliTest, PipedTablesAreWhole) {
  const std::string capture = writeLongCmdlineCapture(dir_.path()).string();
  Output exits = run({"exits", capture});
  EXPECT_NE(exits.out.find(kLongArg), std::string::npos) << exits.out;
  EXPECT_EQ(exits.out.find("..."), std::string::npos) << exits.out;
  Output sql = run({"sql", "SELECT cmdline, pid FROM processes WHERE pid = 8100", capture});
  EXPECT_NE(sql.out.find(kLongArg), std::string::npos) << sql.out;
}

}  // namespace
}  // namespace sigrec::analyze
