// sigan report on the synthetic scenario: the who-killed answer in words at
// the top, the tree, the signals, nothing to load from anywhere, and a size
// that stays small for a 100 k-event capture.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/cli/cli.h"
#include "tests/analyze/scenario.h"

namespace sigrec::analyze {
namespace {

class ReportTest : public ::testing::Test {
 protected:
  std::string report(const std::vector<std::string>& extra, const std::string& capture,
                     int expected = 0) {
    std::vector<std::string> args = {"report", "-o", (dir_ / "r.html").string(),
                                     (dir_ / capture).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::ostringstream out, err;
    EXPECT_EQ(runSigan(args, out, err), expected) << err.str();
    if (expected != 0) return err.str();
    std::ifstream in(dir_ / "r.html");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static std::string between(const std::string& html, const std::string& from,
                             const std::string& to) {
    size_t a = html.find(from);
    if (a == std::string::npos) return "";
    return html.substr(a, html.find(to, a) - a);
  }
  testing::TempDir dir_;
};

TEST_F(ReportTest, AnswerNamesTheSenderItsCommandLineAndTheSignal) {
  testing::Scenario().build().write(dir_ / "s.sigrec");
  std::string html = report({}, "s.sigrec");  // no --pid: the first process a sender killed
  std::string answer = between(html, "id=\"answer\"", "</p>");
  EXPECT_NE(answer.find("pid <b>4242</b> (sleep)"), std::string::npos) << answer;
  EXPECT_NE(answer.find("SIGTERM"), std::string::npos) << answer;
  EXPECT_NE(answer.find(">1234</b> (pkill)"), std::string::npos) << answer;
  EXPECT_NE(answer.find("<code>pkill -f sleep</code>"), std::string::npos) << answer;
  EXPECT_NE(answer.find("bash(1000) &lt; sshd(900) &lt; systemd(1)"), std::string::npos) << answer;
  EXPECT_NE(html.find("kill(4242, SIGKILL) = -1 EPERM"), std::string::npos);
  EXPECT_NE(html.find("class=\"self\""), std::string::npos);
  EXPECT_NE(html.find("class=\"signal fatal\""), std::string::npos);
  EXPECT_NE(html.find("class=\"loss\""), std::string::npos);
  // The scenario lost 3 events.
  EXPECT_NE(html.find("class=\"incomplete\">incomplete: events were lost"), std::string::npos);
}

TEST_F(ReportTest, KernelSignalsAreExplainedAsSuch) {
  testing::Scenario().build().write(dir_ / "s.sigrec");
  std::string answer = between(report({"--pid", "3000"}, "s.sigrec"), "id=\"answer\"", "</p>");
  EXPECT_NE(answer.find("SIGSEGV"), std::string::npos) << answer;
  EXPECT_NE(answer.find("raised by the kernel (SEGV_MAPERR"), std::string::npos) << answer;
}

TEST_F(ReportTest, LoadsNothingAndStaysSmallFor100kEvents) {
  testing::Scenario scenario;
  testing::CaptureBuilder b = scenario.build();
  // 100 k SIGCHLD at sleep before pkill's SIGTERM ends it.
  for (int i = 0; i < 100'000; ++i)
    b.generate(testing::kT0 + 200 * testing::kMs + i * testing::kUs, scenario.bash, 17, 1,
               scenario.sleep, schema::Syscall::NONE);
  b.write(dir_ / "big.sigrec");
  std::string html = report({"--pid", "4242"}, "big.sigrec");
  EXPECT_LT(html.size(), 1u << 20);
  EXPECT_NE(html.find("SIGTERM"), std::string::npos);
  EXPECT_NE(html.find("more signals not shown"), std::string::npos);
  for (const char* load : {"http:", "https:", "src=", "href=", "url(", "@import", "<script",
                           "<link", "<img", "<iframe"})
    EXPECT_EQ(html.find(load), std::string::npos) << load;
  EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST_F(ReportTest, UnknownPidIsOneLine) {
  testing::Scenario().build().write(dir_ / "s.sigrec");
  EXPECT_EQ(report({"--pid", "77"}, "s.sigrec", 1),
            "sigan: pid 77 does not appear in the capture\n");
}

}  // namespace
}  // namespace sigrec::analyze
