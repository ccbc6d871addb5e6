// End-to-end: the live view (--print) of the real sigrec, as --print-filter
// and --print-to shape it, beside real processes (docs/sigrec.md, "Live view").
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e/recorder_fixture.h"
#include "tests/support/bpf_guard.h"

namespace sigrec::testing {
namespace {

using Event = schema::Event::Reader;

class PrintE2e : public ::testing::Test {
 protected:
  void SetUp() override { SIGREC_REQUIRE_ROOT_OR_SKIP(); }
};

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Another process floods kill(its parent, 0) for as long as the script
// runs, as a supervisor's liveness poll does, and sends itself SIGCONT
// (signals outside the tree), while sigrec runs a command whose grandchild
// an outside shell kills with SIGTERM.
// The flood runs only while $D/go exists, which the script creates once
// sigrec has attached: in Debian 6.1's guest under QEMU's emulation,
// attaching fexit to __x64_sys_kill while another vCPU runs it in a tight
// loop stalled that vCPU ("soft lockup" at __x64_sys_kill+0x0; see
// Scenario.TimerSignalsInsideAnotherTasksKillCallsAreTheKernels).
TEST_F(PrintE2e, ShowsTheCommandsTreeAndSignalsIntoItNotAnotherProcesssProbes) {
  SIGREC_SKIP_WITHOUT_SYSCALL_HOOKS();
  TempDir dir;
  std::ofstream(dir.file("inner.sh"))
      << "sleep 5 & echo $! > " << dir.file("pid") << "; wait; exit 0\n";
  std::ofstream(dir.file("run.sh")) << R"sh(
attached() {  # until sigrec has printed its Nth "recording to"
  i=0; until [ "$(grep -c 'recording to' "$D/err")" -ge $1 ] || [ $i -gt 400 ]; do
    sleep 0.05; i=$((i+1)); done
}
sh -c 'while [ -d /proc/$PPID ]; do
  if [ -e "$D/go" ]; then kill -0 $PPID; kill -CONT $$; else sleep 0.01; fi; done' 2>/dev/null &
F=$!
echo flooder=$F
"$S" -o "$D/a.sigrec" --print=logfmt -- sh -c "sh $D/inner.sh; exit 0" >"$D/out" 2>"$D/err" &
R=$!
attached 1; touch "$D/go"; sleep 0.3
i=0; until [ -s "$D/pid" ] || [ $i -gt 200 ]; do sleep 0.05; i=$((i+1)); done
P=$(cat "$D/pid")
i=0; until [ "$(cat /proc/$P/comm)" = sleep ] || [ $i -gt 200 ]; do sleep 0.05; i=$((i+1)); done
echo sleeper=$P
kill -TERM $P
wait $R; echo status=$?
rm "$D/go"
"$S" -o "$D/b.sigrec" --print=logfmt --print-filter pid=$F,probes -- sleep 1 >"$D/probes" \
  2>>"$D/err" &
R=$!
attached 2; touch "$D/go"
wait $R
kill $F
)sh";
  const std::string& d = dir.path();
  auto r = runCommand("D=" + d + " S=" + sigrecPath() + " sh " + dir.file("run.sh"));
  auto v = keyValues(r.out);
  ASSERT_EQ(v["status"], 0) << r.out << readFile(d + "/err");
  const std::string flooder = std::to_string(v["flooder"]), sleeper = std::to_string(v["sleeper"]);
  const std::string out = readFile(d + "/out");
  EXPECT_TRUE(has(out, "kind=signal signal=SIGTERM sender=")) << out;
  EXPECT_TRUE(has(out, "target=\"" + sleeper + " sleep\" origin=kill")) << out;
  EXPECT_TRUE(has(out, "kind=exit process=\"" + sleeper + " sleep\" end=SIGTERM")) << out;
  EXPECT_FALSE(has(out, "sender=\"" + flooder + " ")) << out;
  EXPECT_FALSE(has(out, "target=\"" + flooder + " ")) << out;
  EXPECT_FALSE(has(out, "kind=call")) << out;

  // The flood was there, and recorded: only the live view left it out.
  auto c = loadCapture(d + "/a.sigrec");
  auto probes = c.where([&](Event e) {
    return e.which() == schema::Event::KILL_CALL && std::to_string(e.getPid()) == flooder &&
           e.getKillCall().getArg1() == 0;
  });
  EXPECT_GT(probes.size(), 100u);
  // Asked for, they are shown.
  const std::string asked = readFile(d + "/probes");
  EXPECT_TRUE(has(asked, "call=\"kill(")) << asked.substr(0, 2000);
  EXPECT_TRUE(has(asked, ", 0)\" sender=\"" + flooder + " sh\"")) << asked.substr(0, 2000);
  EXPECT_TRUE(has(asked, "signal=SIGCONT sender=\"" + flooder + " sh\" target=\"" + flooder))
      << asked.substr(0, 2000);
}

TEST_F(PrintE2e, PrintToWritesTheFileAndLeavesStdoutToTheCommand) {
  TempDir dir;
  const std::string live = dir.file("live"), escName = dir.file("z\x1b[1m");
  std::filesystem::copy_file("/bin/sleep", escName);
  std::filesystem::permissions(escName, std::filesystem::perms::owner_all);
  auto r =
      runCommand(sigrecPath() + " -o " + dir.file("a.sigrec") + " --print --print-to " + live +
                 " -- sh -c 'echo hello-from-command; \"$0\" 5 & "
                 "until [ \"$(cat /proc/$!/comm)\" != sh ]; do sleep 0.05; done; kill -TERM $!; "
                 "wait; exit 0' '" +
                 escName + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hello-from-command\n");
  const std::string text = readFile(live);
  EXPECT_TRUE(has(text, "TIME")) << text;
  EXPECT_TRUE(has(text, "SIGTERM")) << text;
  EXPECT_TRUE(has(text, "z\\x1b[1m")) << "recorded text stays escaped: " << text;
  EXPECT_FALSE(has(text, "\x1b")) << text;
  struct stat st {};
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Never overwritten without --force, and refused before recording.
  auto again = runCommand(sigrecPath() + " -o " + dir.file("b.sigrec") + " --print --print-to " +
                          live + " -- true");
  EXPECT_EQ(again.status, 2);
  EXPECT_EQ(again.err, "sigrec: --print-to: " + live +
                           " already exists: pass --force to overwrite it, or choose another "
                           "file\n");
  EXPECT_EQ(readFile(live), text);
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.sigrec")));

  ::chmod(live.c_str(), 0644);
  auto forced = runCommand(sigrecPath() + " -o " + dir.file("c.sigrec") + " --print --print-to " +
                           live + " --force -- true");
  EXPECT_EQ(forced.status, 0) << forced.err;
  EXPECT_EQ(readFile(live), "") << "truncated: nothing to show from `true`";
  ASSERT_EQ(::stat(live.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(PrintErrors, BadLiveViewOptionsAreOneLineBeforeRecording) {
  TempDir dir;
  const std::string out = dir.file("x.sigrec");
  const std::pair<std::string, std::string> cases[] = {
      {"--print --print-filter signal=TREM -- true",
       "sigrec: --print-filter: 'signal=TREM': 'TREM' is not a signal\n"},
      {"--print --print-filter tree,pid=x -- true",
       "sigrec: --print-filter: 'pid=x': 'x' is not a pid\n"},
      {"--print --print-filter tree -d 1",
       "sigrec: --print-filter: 'tree': needs a command after --\n"},
      {"--print-filter all -- true", "sigrec: --print-filter needs --print\n"},
      {"--print-to " + dir.file("live") + " -- true", "sigrec: --print-to needs --print\n"},
      {"--print --print-to " + out + " -- true",
       "sigrec: --print-to must not be the capture file " + out + "\n"},
  };
  for (const auto& [args, error] : cases) {
    std::string command = sigrecPath();
    command.append(" -o ").append(out).append(" ").append(args);
    auto r = runCommand(command);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_EQ(r.err, error) << args;
    EXPECT_FALSE(std::filesystem::exists(out)) << args;
    EXPECT_FALSE(std::filesystem::exists(dir.file("live"))) << args;
  }
}

}  // namespace
}  // namespace sigrec::testing
