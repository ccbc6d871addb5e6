// Fields of the capture that only reach the user since issue 11: calls that
// never returned, command lines the recorder cut, the trailer's batch count.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "analyze/cli/cli.h"
#include "tests/support/capture_builder.h"

namespace sigrec::analyze {
namespace {

using nlohmann::json;
using schema::Syscall;
using testing::CaptureBuilder;
using testing::kMs;
using testing::kSec;
using testing::Task;

constexpr uint64_t kT0 = 1000 * kSec;
const std::string kNoReturn = " \u2014 did not return: the caller died in the call";

class DroppedFieldsTest : public ::testing::Test {
 protected:
  // A process that kills itself inside the call, and one whose /proc
  // command line and one whose exec argv were cut.
  void SetUp() override {
    Task self{2414, 0, kT0 - 10 * kSec, "python3"};
    Task shell{100, 0, kT0 - 20 * kSec, "sh"};
    Task child{2500, 0, kT0 + 1 * kMs, "sh"};
    CaptureBuilder b;
    b.process({100, 1, shell.startNs, "sh", "/bin/sh", {"sh", "-c", "long"}, 0, 0, true});
    b.process({2414, 100, self.startNs, "python3", "/usr/bin/python3", {"python3", "-c", "k"}});
    b.killCall(kT0 + 10 * kMs, self, Syscall::KILL, kT0 + 10 * kMs, 0, {2414, 9}, 1, true);
    b.generate(kT0 + 10 * kMs, self, 9, 0, self, Syscall::KILL, kT0 + 10 * kMs);
    b.exit(kT0 + 11 * kMs, self, 9, true, 100, shell.startNs);
    b.fork(kT0 + 1 * kMs, shell, child.pid, child.startNs);
    b.exec(kT0 + 2 * kMs, child, "/bin/echo", {"echo", "a"}, true);
    b.exit(kT0 + 3 * kMs, child, 0, true, 100, shell.startNs);
    b.write(dir_ / "c.sigrec");
  }
  std::string sigan(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    std::vector<std::string> all = args;
    all.push_back((dir_ / "c.sigrec").string());
    EXPECT_EQ(runSigan(all, out, err), 0) << err.str();
    return out.str();
  }
  std::vector<json> jsonLines(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json"});
    std::vector<json> rows;
    std::istringstream in(sigan(args));
    for (std::string line; std::getline(in, line);) rows.push_back(json::parse(line));
    return rows;
  }

  testing::TempDir dir_;
};

TEST_F(DroppedFieldsTest, WhoKilledSaysTheCallDidNotReturn) {
  auto rows = jsonLines({"who-killed", "2414"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["call"], "kill(2414, SIGKILL)" + kNoReturn);
  EXPECT_EQ(rows[0]["call_returned"], false);
  EXPECT_NE(sigan({"who-killed", "2414"}).find("call:     kill(2414, SIGKILL)" + kNoReturn),
            std::string::npos);
  EXPECT_NE(sigan({"who-killed", "2414", "--format", "csv"}).find(kNoReturn), std::string::npos);
}

TEST_F(DroppedFieldsTest, TimelineShowsTheCallThatDidNotReturn) {
  bool shown = false;
  for (const json& row : jsonLines({"timeline", "--pid", "2414"}))
    shown |= row["kind"] == "kill_call" &&
             row["detail"] == "kill(2414, SIGKILL)" + kNoReturn + ", 1 signal(s)";
  EXPECT_TRUE(shown);
}

TEST_F(DroppedFieldsTest, CutCommandLinesAreMarked) {
  auto tree = jsonLines({"tree", "100"});
  ASSERT_FALSE(tree.empty());
  EXPECT_EQ(tree[0]["cmdline"], "sh -c long [truncated]");
  auto exits = jsonLines({"exits", "--pid", "2500"});
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]["cmdline"], "echo a [truncated]");
  bool execShown = false;
  for (const json& row : jsonLines({"timeline", "--pid", "2500"}))
    execShown |= row["kind"] == "exec" && row["detail"] == "echo a [truncated]";
  EXPECT_TRUE(execShown);
  EXPECT_EQ(
      jsonLines(
          {"sql",
           "SELECT cmdline_truncated FROM processes WHERE pid = 2414"})[0]["cmdline_truncated"],
      0);
}

TEST_F(DroppedFieldsTest, TheTrailersBatchesAreInCaptures) {
  auto rows = jsonLines({"sql", "SELECT trailer_batches FROM captures"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["trailer_batches"], 1);
}

}  // namespace
}  // namespace sigrec::analyze
