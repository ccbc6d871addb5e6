// analyze/import/process_events: rows and process-tracker updates of forks,
// execs, exits and OOM kills, one event at a time.
#include "analyze/import/process_events.h"

#include <gtest/gtest.h>

#include <capnp/message.h>

#include "analyze/store/db_schema.h"

namespace sigrec::analyze {
namespace {

class ProcessEventsTest : public ::testing::Test {
 protected:
  // An event of the acting task (PID, TID) at time T, filled by FILL.
  template <typename Fill>
  schema::Event::Reader event(uint32_t pid, uint32_t tid, uint64_t t, Fill fill) {
    auto& message = messages_.emplace_back(std::make_unique<capnp::MallocMessageBuilder>());
    auto ev = message->initRoot<schema::Event>();
    ev.setPid(pid);
    ev.setTid(tid);
    ev.setTimeNs(t);
    ev.setComm("sh");
    fill(ev);
    return ev.asReader();
  }
  int64_t count(const std::string& sql) {
    rows_->flush();
    return db_.scalar(sql).value_or(-1);
  }

  Db db_{"", Db::Mode::kMemory};
  // The tables exist before the statements below are prepared.
  struct Schema {
    explicit Schema(Db& db) { ensureSchema(db); }
  } schema_{db_};
  ProcessResolver procs_{1, 10'000'000};
  NameCache names_;
  std::unique_ptr<RowWriter> rows_ = std::make_unique<RowWriter>(db_);
  ProcessEvents events_{*rows_, procs_, names_, 1};
  std::vector<std::unique_ptr<capnp::MallocMessageBuilder>> messages_;
};

TEST_F(ProcessEventsTest, AChildRunsItsParentsProgramUntilItExecs) {
  ProcessInstance& parent = procs_.byStart(100, 5);
  parent.cmdline = "sh -c job";
  parent.cmdlineTruncated = true;
  events_.fork(event(100, 100, 50,
                     [](auto ev) {
                       auto f = ev.initFork();
                       f.setChildPid(200);
                       f.setChildTid(200);
                       f.setChildStartNs(50);
                       f.setPidNs(4026532000);
                       f.setChildNsPid(1);
                     }),
               parent, 50);
  ProcessInstance& child = procs_.byStart(200, 50);
  EXPECT_EQ(child.cmdline, "sh -c job");
  EXPECT_TRUE(child.cmdlineTruncated);
  EXPECT_EQ(child.parentId, parent.id);
  EXPECT_EQ(procs_.holderAt({4026532000, 1}, 60)->process, &child) << "pid 1 of its namespace";
  events_.exec(event(200, 200, 70,
                     [](auto ev) {
                       auto x = ev.initExec();
                       x.setFilename("/bin/true");
                       x.initArgv(1).set(0, "true");
                     }),
               child, 70);
  EXPECT_EQ(child.cmdline, "true");
  EXPECT_FALSE(child.cmdlineTruncated);
  EXPECT_EQ(count("SELECT COUNT(*) FROM forks WHERE child_id = " + std::to_string(child.id)), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM execs WHERE cmdline = 'true'"), 1);
}

TEST_F(ProcessEventsTest, AThreadHoldsItsTid) {
  ProcessInstance& p = procs_.byStart(100, 5);
  events_.fork(event(100, 100, 50,
                     [](auto ev) {
                       auto f = ev.initFork();
                       f.setChildPid(100);
                       f.setChildTid(105);
                       f.setThread(true);
                     }),
               p, 50);
  auto holder = procs_.holderAt({0, 105}, 60);
  ASSERT_TRUE(holder);
  EXPECT_EQ(holder->process, &p);
  EXPECT_EQ(holder->hostNumber, 105u);
  EXPECT_FALSE(procs_.holderAt({0, 105}, 40)) << "not before it started";
}

TEST_F(ProcessEventsTest, AnExitEndsTheInstanceAndNamesItsParent) {
  ProcessInstance& p = procs_.byStart(200, 50);
  events_.exit(event(200, 200, 90,
                     [](auto ev) {
                       auto x = ev.initExit();
                       x.setExitCode(9);
                       x.setGroupDead(true);
                       x.setParentPid(100);
                       x.setParentStartNs(5);
                     }),
               p, 90);
  EXPECT_EQ(p.exitNs, 90u);
  EXPECT_EQ(p.ppid, 100u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM exits WHERE reason = 'signal' AND signal_name = 'SIGKILL'"
                  " AND parent_id = " +
                  std::to_string(procs_.byStart(100, 5).id)),
            1);
  events_.exit(event(200, 201, 80,
                     [](auto ev) {
                       auto x = ev.initExit();
                       x.setExitCode(0);
                     }),
               p, 80);
  EXPECT_EQ(count("SELECT COUNT(*) FROM thread_exits WHERE tid = 201"), 1);
  EXPECT_EQ(p.exitNs, 90u) << "a thread's exit does not end the process";
}

}  // namespace
}  // namespace sigrec::analyze
