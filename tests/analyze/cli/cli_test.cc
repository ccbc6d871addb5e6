// The real sigan binary: exit statuses and one-line errors, files left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>

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

  testing::ScratchDir dir_;
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
  EXPECT_EQ(run({"--help"}).status, 0);
  Output v = run({"--version"});
  EXPECT_EQ(v.status, 0);
  EXPECT_EQ(v.out.rfind("sigan ", 0), 0u);
}

}  // namespace
}  // namespace sigrec::analyze
