// The facts the live view's filter reads from recorded events, and the
// process tree it follows from them.
#include "record/live_facts.h"

#include <gtest/gtest.h>

#include <capnp/message.h>

#include "analyze/attribution/kill_target.h"
#include "record/command_tree.h"

namespace sigrec::record {
namespace {

using schema::Event;

struct Events {
  capnp::MallocMessageBuilder message;
  capnp::List<Event>::Builder list = message.initRoot<schema::EventBatch>().initEvents(8);
  unsigned used = 0;
  Event::Builder next(uint32_t pid, const char* comm) {
    auto e = list[used++];
    e.setPid(pid);
    e.setComm(comm);
    return e;
  }
};

TEST(LiveFacts, AKernelSignalsActingTaskIsNoParty) {
  Events ev;
  auto g = ev.next(7, "clang-tidy").initSignalGenerate();
  g.setSignal(14);
  g.setTargetPid(100);
  g.setTargetComm("cmd");
  auto f = liveFacts(ev.list[0]);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, LiveKind::kSignal);
  EXPECT_EQ(f->origin, LiveOrigin::kKernel);
  ASSERT_EQ(f->partyCount, 1u);
  EXPECT_EQ(f->parties[0].pid, 100u);
  EXPECT_EQ(f->parties[0].comm, "cmd");

  g.setSyscall(schema::Syscall::KILL);
  f = liveFacts(ev.list[0]);
  EXPECT_EQ(f->origin, LiveOrigin::kUser);
  ASSERT_EQ(f->partyCount, 2u);
  EXPECT_EQ(f->parties[0].pid, 7u);
  EXPECT_EQ(f->parties[0].comm, "clang-tidy");
}

TEST(LiveFacts, CallsThatSentSignalsAreShownAsTheSignalsAndProbesAreMarked) {
  Events ev;
  auto k = ev.next(7, "poller").initKillCall();
  k.setSyscall(schema::Syscall::KILL);
  k.setArg0(100);
  k.setArg1(15);
  k.setSignals(1);
  EXPECT_FALSE(liveFacts(ev.list[0]));
  k.setRet(-1);  // EPERM: shown, not a probe
  auto f = liveFacts(ev.list[0]);
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->probe);
  EXPECT_EQ(f->signal, 15);
  ASSERT_EQ(f->partyCount, 2u);
  EXPECT_EQ(f->parties[1].pid, 100u);
  k.setArg1(0);  // kill(100, 0), failed or not
  EXPECT_TRUE(liveFacts(ev.list[0])->probe);
  k.setRet(0);
  k.setSignals(0);
  EXPECT_TRUE(liveFacts(ev.list[0])->probe);
  k.setArg1(15);  // succeeded, sent nothing
  EXPECT_TRUE(liveFacts(ev.list[0])->probe);
  k.setArg0(-100);  // a process group: no target pid
  EXPECT_EQ(liveFacts(ev.list[0])->partyCount, 1u);
}

TEST(LiveFacts, OnlyFailedExitsOfWholeProcesses) {
  Events ev;
  auto x = ev.next(9, "worker").initExit();
  x.setGroupDead(true);
  EXPECT_FALSE(liveFacts(ev.list[0])) << "exit 0";
  x.setExitCode(9);  // killed by SIGKILL
  auto f = liveFacts(ev.list[0]);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, LiveKind::kExit);
  EXPECT_EQ(f->signal, 9);
  x.setGroupDead(false);
  EXPECT_FALSE(liveFacts(ev.list[0])) << "one thread of many";
  ev.next(9, "worker").initFork();
  EXPECT_FALSE(liveFacts(ev.list[1]));
}

// The argument table is sigan's too: both must read every call alike.
TEST(LiveFacts, CallTargetsReadTheArgumentsAsSiganDoes) {
  for (auto call : {schema::Syscall::KILL, schema::Syscall::TKILL, schema::Syscall::TGKILL,
                    schema::Syscall::PIDFD_SEND_SIGNAL, schema::Syscall::RT_SIGQUEUEINFO,
                    schema::Syscall::RT_TGSIGQUEUEINFO, schema::Syscall::NONE}) {
    for (int64_t a0 : {-5, 0, 1, 300}) {
      const CallTarget ours = callTarget(call, a0, 11, 12);
      const analyze::KillCallArgs sigans = analyze::killCallArgs(call, a0, 11, 12);
      EXPECT_EQ(ours.signal, sigans.signo) << static_cast<int>(call);
      EXPECT_EQ(ours.pid, sigans.targetPid) << static_cast<int>(call) << " " << a0;
    }
  }
}

TEST(CommandTree, FollowsForksOfMembersAndForgetsExitedPids) {
  Events ev;
  CommandTree tree;
  tree.add(100);
  auto fork = [&](uint32_t parent, uint32_t child, bool thread = false) {
    auto f = ev.next(parent, "p").initFork();
    f.setChildPid(child);
    f.setThread(thread);
    tree.follow(ev.list[ev.used - 1]);
  };
  auto exit = [&](uint32_t pid, bool groupDead) {
    ev.next(pid, "p").initExit().setGroupDead(groupDead);
    tree.follow(ev.list[ev.used - 1]);
  };
  fork(100, 101);
  fork(101, 102);
  fork(7, 8);  // not a member's
  EXPECT_TRUE(tree.contains(101));
  EXPECT_TRUE(tree.contains(102));
  EXPECT_FALSE(tree.contains(8));
  exit(101, false);  // a thread
  EXPECT_TRUE(tree.contains(101));
  exit(101, true);
  EXPECT_FALSE(tree.contains(101));
  EXPECT_TRUE(tree.contains(102)) << "orphaned, still the command's";
  fork(7, 101);  // the pid reused outside the tree
  EXPECT_FALSE(tree.contains(101));
  EXPECT_EQ(tree.size(), 2u);
}

}  // namespace
}  // namespace sigrec::record
