// The flight recorder's parts, without BPF: --trigger-on parsing and death
// filters, the process table that names senders in a dump, the ring's
// eviction. (The whole recorder on real processes: flight_recorder_test.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "bpf/events.h"
#include "record/cgroup_resolver.h"
#include "record/flight_ring.h"
#include "record/flight_trigger.h"
#include "record/process_table.h"

namespace sigrec::record {
namespace {

DeathFilter parseOne(const std::string& text) {
  FlightTriggers t;
  parseTrigger(text, t);
  EXPECT_EQ(t.deaths.size(), 1u);
  return t.deaths.at(0);
}

TEST(FlightTrigger, ParsesEveryKey) {
  DeathFilter f =
      parseOne("death:comm=nginx,signal=KILL,cgroup=/sys/fs/cgroup/unified/a/b/,unit=x.service");
  EXPECT_EQ(f.comm, "nginx");
  EXPECT_EQ(f.signal, 9);
  EXPECT_EQ(f.cgroup, "/a/b");
  EXPECT_EQ(f.unit, "x.service");
  EXPECT_EQ(parseOne("death:cgroup=system.slice").cgroup, "/system.slice");
  EXPECT_FALSE(parseOne("death").signal);
  FlightTriggers t;
  parseTrigger("oom", t);
  EXPECT_TRUE(t.oom);
  EXPECT_TRUE(t.deaths.empty());
}

TEST(FlightTrigger, RefusesWhatCouldNeverMatch) {
  for (const char* bad : {"death:", "death:comm", "death:pid=3", "death:signal=NOPE",
                          "death:comm=sixteen_chars_xx", "death:unit=a/b", "exit", "oomkill"}) {
    FlightTriggers t;
    EXPECT_THROW(parseTrigger(bad, t), std::runtime_error) << bad;
  }
}

TEST(FlightTrigger, MatchesAllKeysOfAFilter) {
  DeathFilter f = parseOne("death:comm=nginx,signal=TERM");
  int lookups = 0;
  auto path = [&] {
    ++lookups;
    return std::string("/system.slice/nginx.service");
  };
  EXPECT_TRUE(matches(f, {.comm = "nginx", .threadComm = "worker", .signal = 15}, path));
  EXPECT_TRUE(matches(f, {.comm = "other", .threadComm = "nginx", .signal = 15}, path));
  EXPECT_FALSE(matches(f, {.comm = "nginx", .threadComm = "nginx", .signal = 9}, path));
  EXPECT_EQ(lookups, 0) << "no cgroup key: the path is never looked up";
}

TEST(FlightTrigger, CgroupIsTheDirectoryOrBelowAndUnitAComponent) {
  DeathFilter f = parseOne("death:cgroup=/system.slice/a.service");
  EXPECT_TRUE(cgroupMatches(f, "/system.slice/a.service"));
  EXPECT_TRUE(cgroupMatches(f, "/system.slice/a.service/sub"));
  EXPECT_FALSE(cgroupMatches(f, "/system.slice/a.service2"));
  EXPECT_FALSE(cgroupMatches(f, ""));
  DeathFilter u = parseOne("death:unit=a.service");
  EXPECT_TRUE(cgroupMatches(u, "/system.slice/a.service"));
  EXPECT_FALSE(cgroupMatches(u, "/system.slice/b.service"));
}

// Raw records as the BPF side writes them.
constexpr uint64_t kSec = 1'000'000'000;

sr_header header(sr_event_kind kind, uint32_t pid, uint64_t startNs, uint64_t ts,
                 const char* comm) {
  sr_header h{};
  h.kind = kind;
  h.pid = h.tid = pid;
  h.start_ns = startNs;
  h.ts_ns = ts;
  std::strncpy(h.comm, comm, sizeof h.comm - 1);
  return h;
}

void fork(ProcessTable& t, uint32_t parent, uint64_t parentStart, uint32_t child,
          uint64_t childStart) {
  sr_fork f{};
  f.h = header(SR_EV_FORK, parent, parentStart, childStart, "parent");
  f.child = {childStart, child, child};
  t.apply(&f, sizeof f);
}

void exec(ProcessTable& t, uint32_t pid, uint64_t start, uint64_t ts, const std::string& file,
          const std::string& nulArgs) {
  sr_exec e{};
  e.h = header(SR_EV_EXEC, pid, start, ts, "execd");
  e.filename_len = static_cast<unsigned short>(file.size());
  e.args_len = static_cast<unsigned short>(nulArgs.size());
  std::memcpy(e.data, file.data(), file.size());
  std::memcpy(e.data + file.size(), nulArgs.data(), nulArgs.size());
  t.apply(&e, offsetof(sr_exec, data) + file.size() + nulArgs.size());
}

void exit(ProcessTable& t, uint32_t pid, uint64_t start, uint64_t ts) {
  sr_exit x{};
  x.h = header(SR_EV_EXIT, pid, start, ts, "execd");
  x.group_dead = 1;
  x.exit_code = 15;
  t.apply(&x, sizeof x);
}

ProcEntry proc(uint32_t pid, uint32_t ppid, uint64_t startTicks, const char* comm,
               std::vector<std::string> cmdline) {
  ProcEntry p;
  p.pid = pid;
  p.ppid = ppid;
  p.startTicks = startTicks;
  p.comm = comm;
  p.cmdline = std::move(cmdline);
  return p;
}

struct Table : ::testing::Test {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sigrec-cg-" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  CgroupTree cgroups{dir.string()};
};

TEST_F(Table, NamesAProcessWhoseExecIsOlderThanTheWindow) {
  ProcessTable t(Redaction::kValues, 1 << 20, cgroups);
  ProcEntry shell = proc(100, 1, 5, "bash", {"bash", "-l"});
  t.seed({shell});
  const uint64_t tick = clockTickNs();
  fork(t, 100, 5 * tick + 123, 200, 10 * kSec);
  exec(t, 200, 10 * kSec, 10 * kSec + 1, "/bin/sender",
       std::string("sender\0--token=s3cret\0", 22));
  fork(t, 100, 5 * tick, 300, 11 * kSec);  // exits before the window
  exit(t, 300, 11 * kSec, 12 * kSec);
  exit(t, 200, 10 * kSec, 30 * kSec);  // exits inside the window

  auto alive = t.aliveAt(20 * kSec);
  ASSERT_EQ(alive.size(), 2u);
  EXPECT_EQ(alive[0].pid, 100u);
  EXPECT_EQ(alive[0].cmdline, (std::vector<std::string>{"bash", "-l"}));
  EXPECT_EQ(alive[1].pid, 200u);
  EXPECT_EQ(alive[1].ppid, 100u);
  EXPECT_EQ(alive[1].exe, "/bin/sender");
  EXPECT_EQ(alive[1].startTicks, 10 * kSec / tick);
  ASSERT_EQ(alive[1].cmdline.size(), 2u);
  EXPECT_EQ(alive[1].cmdline[0], "sender");
  EXPECT_EQ(alive[1].cmdline[1].find("s3cret"), std::string::npos) << "redacted";

  t.forgetExitedBefore(20 * kSec);
  EXPECT_EQ(t.size(), 2u) << "300 is gone, 200 stays while its events may be in the window";
  t.forgetExitedBefore(31 * kSec);
  EXPECT_EQ(t.size(), 1u);
}

TEST_F(Table, ForkedChildrenShareTheCommandLineUntilTheyExec) {
  ProcessTable t(Redaction::kNone, 1 << 20, cgroups);
  t.seed({proc(100, 0, 1, "srv", {"srv", "-w", "8"})});
  fork(t, 100, clockTickNs(), 101, 5 * kSec);
  const size_t afterOne = t.bytes();
  fork(t, 100, clockTickNs(), 102, 6 * kSec);
  ASSERT_NE(t.find(102), nullptr);
  EXPECT_EQ(t.find(101)->cmdline, t.find(102)->cmdline) << "one shared command line";
  EXPECT_GT(t.bytes(), afterOne);
}

TEST_F(Table, KeepsNoCommandLinesBeyondItsBudget) {
  ProcessTable t(Redaction::kNone, 4096, cgroups);
  std::string longArgs(3000, 'x');
  exec(t, 1, kSec, kSec, "/bin/a", longArgs + '\0');
  ASSERT_NE(t.find(1), nullptr);
  EXPECT_TRUE(t.find(1)->cmdline);
  exec(t, 2, 2 * kSec, 2 * kSec, "/bin/b", longArgs + '\0');
  ASSERT_NE(t.find(2), nullptr);
  EXPECT_FALSE(t.find(2)->cmdline) << "over budget";
  EXPECT_TRUE(t.find(2)->cmdlineTruncated);
  EXPECT_EQ(t.find(2)->exe, "/bin/b") << "still named";
  EXPECT_LE(t.bytes(), 4096u + 1024u);
}

TEST(FlightRingTest, EvictsWholeChunksAndTheirLossWindows) {
  FlightRing ring(64 << 10);
  std::vector<uint8_t> record(1000, 0);
  for (uint64_t i = 0; i < 200; ++i) ring.push(record.data(), record.size(), 100 + i);
  EXPECT_EQ(ring.oldestNs(), 100u);
  ring.addLoss({.cpu = 0, .probe = 0, .count = 3, .fromNs = 90, .toNs = 110});
  ring.addLoss({.cpu = 0, .probe = 0, .count = 2, .fromNs = 250, .toNs = 260});
  const size_t before = ring.bytes();
  size_t records = 0;
  ring.forEach([&](const uint8_t*, size_t) { ++records; });
  EXPECT_EQ(records, 200u);
  ASSERT_TRUE(ring.evictOldest());
  EXPECT_LT(ring.bytes(), before + (64 << 10)) << "the evicted chunk is kept as the spare only";
  EXPECT_EQ(ring.oldestNs(), 100u + 65u) << "a 64 KiB chunk holds 65 records of 1000 bytes";
  ASSERT_EQ(ring.losses().size(), 1u) << "the loss window that ended before the ring is gone";
  EXPECT_EQ(ring.losses().front().count, 2u);
  while (ring.evictOldest()) {
  }
  records = 0;
  ring.forEach([&](const uint8_t*, size_t) { ++records; });
  EXPECT_EQ(records, 200u - 3 * 65u) << "the chunk being filled stays";
}

}  // namespace
}  // namespace sigrec::record
