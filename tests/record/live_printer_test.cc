// The live view end to end inside sigrec: a batch in, the lines out, as
// --print-filter selects them.
#include "record/live_printer.h"

#include <gtest/gtest.h>

#include <capnp/message.h>

#include <cstdio>
#include <memory>
#include <string>

namespace sigrec::record {
namespace {

using schema::Event;

struct Batch {
  capnp::MallocMessageBuilder message;
  capnp::List<Event>::Builder list;
  unsigned used = 0;
  explicit Batch(unsigned n) : list(message.initRoot<schema::EventBatch>().initEvents(n)) {}
  Event::Builder next(uint32_t pid, const char* comm) {
    auto e = list[used++];
    e.setPid(pid);
    e.setComm(comm);
    return e;
  }
  void fork(uint32_t parent, uint32_t child) { next(parent, "sh").initFork().setChildPid(child); }
  void signal(uint32_t sender, uint32_t target, const char* comm, int sig) {
    auto g = next(sender, "killer").initSignalGenerate();
    g.setSignal(sig);
    g.setTargetPid(target);
    g.setTargetComm(comm);
    g.setSyscall(schema::Syscall::KILL);
  }
  void probe(uint32_t caller, uint32_t target) {
    auto k = next(caller, "poller").initKillCall();
    k.setSyscall(schema::Syscall::KILL);
    k.setArg0(target);
  }
  void exit(uint32_t pid, const char* comm, int code) {
    auto x = next(pid, comm).initExit();
    x.setGroupDead(true);
    x.setExitCode(code);
  }
  schema::EventBatch::Reader reader() { return message.getRoot<schema::EventBatch>().asReader(); }
};

struct Closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

std::string printed(const LiveFilter& filter, Batch& batch, uint32_t commandPid = 100) {
  std::unique_ptr<std::FILE, Closer> out(std::tmpfile());
  LivePrinter printer(LivePrinter::Format::kLogfmt, filter, 0, out.get());
  printer.setCommandPid(commandPid);
  printer.print(batch.reader());
  std::rewind(out.get());
  std::string text;
  for (int c; (c = std::fgetc(out.get())) != EOF;) text += static_cast<char>(c);
  return text;
}

TEST(LivePrinter, TheDefaultShowsTheCommandsTreeFollowedThroughItsForks) {
  Batch b(8);
  b.probe(7, 100);
  b.fork(100, 101);
  b.signal(7, 101, "child", 15);  // into the tree, from outside
  b.signal(7, 8, "other", 15);    // elsewhere
  b.exit(101, "child", 15);       // a member's death, shown as the member's
  b.fork(7, 101);                 // the pid reused outside
  b.signal(7, 101, "stranger", 1);
  const std::string out = printed(LiveFilter::byDefault(true), b);
  EXPECT_NE(out.find("signal=SIGTERM sender=\"7 killer\" target=\"101 child\""), std::string::npos)
      << out;
  EXPECT_NE(out.find("kind=exit process=\"101 child\" end=SIGTERM"), std::string::npos) << out;
  EXPECT_EQ(out.find("other"), std::string::npos) << out;
  EXPECT_EQ(out.find("stranger"), std::string::npos) << out;
  EXPECT_EQ(out.find("kind=call"), std::string::npos) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 2) << out;
}

TEST(LivePrinter, AllShowsTheMachineAndProbesOnlyWhenAsked) {
  Batch b(2);
  b.probe(7, 100);
  b.signal(7, 8, "other", 15);
  EXPECT_EQ(printed(LiveFilter::parse("all", true), b).find("kind=call"), std::string::npos);
  const std::string out = printed(LiveFilter::parse("all,probes", true), b);
  EXPECT_NE(out.find("kind=call call=\"kill(100, 0)\" sender=\"7 poller\" result=\"sent nothing\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("target=\"8 other\""), std::string::npos) << out;
}

TEST(LivePrinter, RecordedTextStaysEscaped) {
  Batch b(1);
  b.signal(7, 100, "evil\x1b[2J", 15);
  const std::string out = printed(LiveFilter::byDefault(true), b);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("100 evil"), std::string::npos) << out;
}

}  // namespace
}  // namespace sigrec::record
